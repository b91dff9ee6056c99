internal import CCurl

/// A blocking HTTP/1.1 client for POSTing JSON to SMS gateways and webhook receivers, through
/// libcurl.
///
/// One client owns one libcurl easy handle, and with it a cache of open connections that later
/// requests to the same host reuse (keep-alive). A request blocks its thread for at most the
/// configured total timeout, so call it from a thread of its own, never from Swift's
/// cooperative pool or an event loop. A client is used by one thread at a time and is not
/// `Sendable`: make one per delivery thread, on that thread, and ``close()`` it when done.
///
/// Every request: TLS with the peer's certificate verified against the trusted CAs and its name
/// against the URL's host (TLS 1.2 at least); HTTP/1.1; redirects are not followed (a 3xx is
/// returned as it is); the response body and header section are bounded; no proxy unless
/// configured, and no environment variables read; no compressed encodings asked for.
///
/// libcurl is told never to use signals (`CURLOPT_NOSIGNAL`, which threads need); instead the
/// first client makes the process ignore `SIGPIPE`, as the HTTP server's `start()` does, so a
/// write to a connection the peer has closed is an error and does not end the process.
public final class HTTPClient {
    /// The limits and trust this client was made with.
    public let configuration: Configuration

    // protected by: the thread using the client (not Sendable). Nil once closed.
    private var handle: UnsafeMutableRawPointer?
    // libcurl writes its detailed message for the last failure here (CURLOPT_ERRORBUFFER(3)):
    // CURL_ERROR_SIZE bytes that must outlive every transfer, so they live as long as the client.
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private let keptNames: Set<String>

    /// A client with its own connection cache.
    /// - Parameter configuration: timeouts, bounds and trust; timeouts and bounds must be
    ///   positive.
    /// - Throws: ``HTTPClientError/other(code:message:)`` when libcurl cannot be initialized.
    public init(configuration: Configuration = Configuration()) throws(HTTPClientError) {
        precondition(configuration.connectTimeout > .zero, "connectTimeout must be positive")
        precondition(configuration.totalTimeout > .zero, "totalTimeout must be positive")
        precondition(configuration.maximumResponseBodyBytes > 0, "maximumResponseBodyBytes must be positive")
        precondition(configuration.maximumResponseHeaderBytes > 0, "maximumResponseHeaderBytes must be positive")
        try CurlRuntime.initialize()
        guard let handle = curl_easy_init() else {
            throw .other(code: Int(CURLE_FAILED_INIT.rawValue), message: "curl_easy_init failed")
        }
        self.configuration = configuration
        self.handle = handle
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        self.errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        self.keptNames = Set(configuration.responseHeaderNames.map { $0.lowercased() } + ["retry-after"])
    }

    deinit {
        // A client dropped without close() still frees its handle and connections.
        if let handle = self.handle { curl_easy_cleanup(handle) }
        self.errorBuffer.deallocate()
    }

    /// Closes the client's connections and frees its handle. Calling it again does nothing.
    public func close() {
        guard let handle = self.handle else { return }
        curl_easy_cleanup(handle)
        self.handle = nil
    }

    /// POSTs a request and waits for the whole response.
    /// - Parameter request: the URL, extra fields and body.
    /// - Returns: the response, whatever its status.
    /// - Throws: ``HTTPClientError`` when there is no complete response within the bounds: the
    ///   request is invalid, the host does not resolve, the connection fails or breaks, a
    ///   timeout passes, TLS fails, or the response is too large.
    public func post(_ request: Request) throws(HTTPClientError) -> Response {
        guard let handle = self.handle else { preconditionFailure("HTTPClient used after close()") }
        let lines = try request.fieldLines()
        var fields: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(fields) }
        // Runs before the list is freed (defers run last first): the handle keeps pointers to
        // the field list, the collector and the error buffer, and none may outlive this call.
        // curl_easy_reset(3) keeps the connection cache, so keep-alive still works, and every
        // request sets every option from scratch, so nothing of the last one carries over.
        defer { curl_easy_reset(handle) }
        for line in lines {
            guard let appended = curl_slist_append(fields, line) else {
                throw .other(code: Int(CURLE_OUT_OF_MEMORY.rawValue), message: "curl_slist_append failed")
            }
            fields = appended
        }

        try self.configure(handle, url: request.url)
        try Self.check(shebao_curl_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, fields))
        try Self.check(shebao_curl_easy_setopt_long(handle, CURLOPT_POST, 1))
        try Self.check(
            shebao_curl_easy_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count))
        )
        // libcurl copies the body now. An empty body still needs a non-null pointer: with none,
        // libcurl would read the body from its read callback (stdin by default).
        let copied = (request.body.isEmpty ? [0] : request.body).withUnsafeBytes { body in
            shebao_curl_easy_setopt_pointer(
                handle,
                CURLOPT_COPYPOSTFIELDS,
                UnsafeMutableRawPointer(mutating: body.baseAddress)
            )
        }
        try Self.check(copied)

        let collector = ResponseCollector(
            maximumBodyBytes: self.configuration.maximumResponseBodyBytes,
            maximumHeaderBytes: self.configuration.maximumResponseHeaderBytes,
            keptNames: self.keptNames
        )
        let code = withExtendedLifetime(collector) { () -> CURLcode in
            let context = Unmanaged.passUnretained(collector).toOpaque()
            let installed = Self.installCallbacks(handle, context: context)
            guard installed == CURLE_OK else { return installed }
            self.errorBuffer[0] = 0
            return curl_easy_perform(handle)
        }

        var status = 0
        var responseCode = 0
        if shebao_curl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &responseCode) == CURLE_OK {
            status = responseCode
        }
        if let limit = collector.exceededLimit, code == CURLE_WRITE_ERROR {
            throw .responseTooLarge(status: status, limit: limit)
        }
        if code == CURLE_FILESIZE_EXCEEDED {
            throw .responseTooLarge(status: status, limit: self.configuration.maximumResponseBodyBytes)
        }
        guard code == CURLE_OK else { throw HTTPClientError(code: code, message: self.lastMessage(code)) }
        return Response(status: status, headers: collector.headers, body: collector.body)
    }

    /// The per-request options that do not depend on the request's fields or body.
    private func configure(_ handle: UnsafeMutableRawPointer, url: String) throws(HTTPClientError) {
        let configuration = self.configuration
        try Self.check(shebao_curl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, self.errorBuffer))
        try Self.check(shebao_curl_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
        try Self.check(shebao_curl_easy_setopt_string(handle, CURLOPT_URL, url))
        // Enforced by libcurl on the URL itself, before any connection: CURLOPT_PROTOCOLS_STR(3).
        let protocols = configuration.allowsPlainHTTP ? "http,https" : "https"
        try Self.check(shebao_curl_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, protocols))
        try Self.check(shebao_curl_easy_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0))
        try Self.check(shebao_curl_easy_setopt_long(handle, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1))
        try Self.check(
            shebao_curl_easy_setopt_long(
                handle,
                CURLOPT_CONNECTTIMEOUT_MS,
                configuration.connectTimeout.curlMilliseconds
            )
        )
        try Self.check(
            shebao_curl_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, configuration.totalTimeout.curlMilliseconds)
        )
        // libcurl's defaults already verify; set anyway so that no other code path can leave
        // them off. VERIFYHOST 2 is "the name must match" (1 is no longer accepted).
        try Self.check(shebao_curl_easy_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1))
        try Self.check(shebao_curl_easy_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2))
        try Self.check(shebao_curl_easy_setopt_long(handle, CURLOPT_SSLVERSION, Int(CURL_SSLVERSION_TLSv1_2)))
        if let caBundlePath = configuration.caBundlePath {
            // The bundle replaces the system's trust: without clearing CAPATH, the hashed
            // /etc/ssl/certs folder libcurl was built with would still be trusted too.
            try Self.check(shebao_curl_easy_setopt_string(handle, CURLOPT_CAINFO, caBundlePath))
            try Self.check(shebao_curl_easy_setopt_string(handle, CURLOPT_CAPATH, nil))
        }
        // An empty proxy string turns off the environment's proxies too (CURLOPT_PROXY(3)).
        try Self.check(shebao_curl_easy_setopt_string(handle, CURLOPT_PROXY, configuration.proxy ?? ""))
        try Self.check(shebao_curl_easy_setopt_string(handle, CURLOPT_USERAGENT, configuration.userAgent))
        // Refuses a body announced longer than the bound before reading it; the write callback
        // bounds one of unknown length.
        try Self.check(
            shebao_curl_easy_setopt_off_t(
                handle,
                CURLOPT_MAXFILESIZE_LARGE,
                curl_off_t(configuration.maximumResponseBodyBytes)
            )
        )
    }

    /// Points the header and write callbacks at a collector.
    private static func installCallbacks(
        _ handle: UnsafeMutableRawPointer,
        context: UnsafeMutableRawPointer
    ) -> CURLcode {
        // libcurl treats a return other than size * count as an error (CURLE_WRITE_ERROR),
        // which is how a bound stops the transfer.
        var code = shebao_curl_easy_setopt_write_callback(handle, CURLOPT_HEADERFUNCTION) {
            data,
            size,
            count,
            context in
            let collector = Unmanaged<ResponseCollector>.fromOpaque(context!).takeUnretainedValue()
            let line = UnsafeRawBufferPointer(start: data, count: size * count)
            return collector.headerLineReceived(line) ? size * count : 0
        }
        guard code == CURLE_OK else { return code }
        code = shebao_curl_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, context)
        guard code == CURLE_OK else { return code }
        code = shebao_curl_easy_setopt_write_callback(handle, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            let collector = Unmanaged<ResponseCollector>.fromOpaque(context!).takeUnretainedValue()
            let bytes = UnsafeRawBufferPointer(start: data, count: size * count)
            return collector.bodyReceived(bytes) ? size * count : 0
        }
        guard code == CURLE_OK else { return code }
        return shebao_curl_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, context)
    }

    /// libcurl's detailed message for the last failure, or its generic text for the code.
    private func lastMessage(_ code: CURLcode) -> String {
        self.errorBuffer[Int(CURL_ERROR_SIZE) - 1] = 0
        let detailed = String(cString: self.errorBuffer)
        return detailed.isEmpty ? CurlRuntime.describe(code) : detailed
    }

    /// Throws for an option libcurl did not take.
    private static func check(_ code: CURLcode) throws(HTTPClientError) {
        guard code == CURLE_OK else {
            throw .other(code: Int(code.rawValue), message: "curl_easy_setopt: " + CurlRuntime.describe(code))
        }
    }
}

@available(*, unavailable)
extension HTTPClient: Sendable {}
