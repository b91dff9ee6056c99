internal import CCurl
import Outbound

/// A GET through libcurl, for `shebao disburse`: Outbound's ``HTTPClient`` only POSTs (it was
/// made for gateways and webhooks), and its handle is its own. The same rules as its requests:
/// the configuration's timeouts, plain HTTP only where it allows it, certificates verified,
/// redirects not followed, no proxy, the body bounded. One call, one easy handle; the command
/// line makes a few requests, so no connection is kept.
enum HTTPGet {
    /// GETs `url` with the extra `headers`.
    ///
    /// - Returns: the status and the body, whatever the status (no header is kept).
    /// - Throws: ``HTTPClientError`` when there is no complete answer within the bounds.
    static func perform(
        _ url: String,
        headers: [(name: String, value: String)],
        configuration: HTTPClient.Configuration
    ) throws(HTTPClientError) -> HTTPClient.Response {
        // curl_easy_init(3) runs curl_global_init(3) on first use; the command line makes its
        // requests from one thread, where that is safe.
        guard let handle = curl_easy_init() else {
            throw .other(code: Int(CURLE_FAILED_INIT.rawValue), message: "curl_easy_init failed")
        }
        defer { curl_easy_cleanup(handle) }
        var fields: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(fields) }
        for (name, value) in headers {
            guard !value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }),
                let appended = curl_slist_append(fields, "\(name): \(value)")
            else {
                throw .invalidRequest("header \(name) cannot be sent")
            }
            fields = appended
        }
        let body = Body(limit: configuration.maximumResponseBodyBytes)
        let code = withExtendedLifetime(body) { () -> CURLcode in
            let options: [CURLcode] = [
                shebao_curl_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1),
                shebao_curl_easy_setopt_string(handle, CURLOPT_URL, url),
                shebao_curl_easy_setopt_string(
                    handle,
                    CURLOPT_PROTOCOLS_STR,
                    configuration.allowsPlainHTTP ? "http,https" : "https"
                ),
                shebao_curl_easy_setopt_long(handle, CURLOPT_HTTPGET, 1),
                shebao_curl_easy_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0),
                shebao_curl_easy_setopt_long(
                    handle,
                    CURLOPT_CONNECTTIMEOUT_MS,
                    configuration.connectTimeout.curlTimeout
                ),
                shebao_curl_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, configuration.totalTimeout.curlTimeout),
                shebao_curl_easy_setopt_string(handle, CURLOPT_PROXY, configuration.proxy ?? ""),
                shebao_curl_easy_setopt_string(handle, CURLOPT_USERAGENT, configuration.userAgent),
                shebao_curl_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, fields),
                shebao_curl_easy_setopt_write_callback(handle, CURLOPT_WRITEFUNCTION) { data, size, count, context in
                    let body = Unmanaged<Body>.fromOpaque(context!).takeUnretainedValue()
                    return body.append(UnsafeRawBufferPointer(start: data, count: size * count)) ? size * count : 0
                },
                shebao_curl_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(body).toOpaque()),
            ]
            if let failed = options.first(where: { $0 != CURLE_OK }) { return failed }
            return curl_easy_perform(handle)
        }
        var status = 0
        _ = shebao_curl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        switch code {
        case CURLE_OK:
            return HTTPClient.Response(status: status, body: body.bytes)
        case CURLE_WRITE_ERROR where body.isOverLimit:
            throw .responseTooLarge(status: status, limit: configuration.maximumResponseBodyBytes)
        case CURLE_COULDNT_CONNECT:
            throw .couldNotConnect(Self.describe(code))
        case CURLE_COULDNT_RESOLVE_HOST:
            throw .couldNotResolve(Self.describe(code))
        case CURLE_OPERATION_TIMEDOUT:
            throw .timedOut(Self.describe(code))
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            throw .invalidRequest(Self.describe(code))
        default:
            throw .other(code: Int(code.rawValue), message: Self.describe(code))
        }
    }

    private static func describe(_ code: CURLcode) -> String {
        curl_easy_strerror(code).map { String(cString: $0) } ?? "libcurl error \(code.rawValue)"
    }

    /// The body as libcurl hands it over, within its bound; used by the one thread of
    /// ``perform(_:headers:configuration:)``, inside `curl_easy_perform`.
    private final class Body {
        let limit: Int
        private(set) var bytes: [UInt8] = []
        private(set) var isOverLimit = false

        init(limit: Int) {
            self.limit = limit
        }

        /// Takes a piece; false once the body would pass its bound.
        func append(_ piece: UnsafeRawBufferPointer) -> Bool {
            guard piece.count <= self.limit - self.bytes.count else {
                self.isOverLimit = true
                return false
            }
            self.bytes.append(contentsOf: piece)
            return true
        }
    }
}

extension Duration {
    /// Whole milliseconds, at least 1 (0 is "no timeout" to libcurl).
    fileprivate var curlTimeout: Int {
        let (seconds, attoseconds) = self.components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}
