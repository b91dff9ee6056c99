internal import CCurl

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// libcurl's process-wide state, set up once before the first easy handle.
enum CurlRuntime {
    // curl_global_init(3) is not thread-safe in every libcurl build ("threadsafe" is a build
    // feature, on only since 7.84), and curl_easy_init(3) calls it implicitly when it has not
    // run. A global's initializer runs exactly once, under swift_once, whichever thread gets
    // here first; the raw value keeps the stored global Sendable. It is never cleaned up:
    // curl_global_cleanup(3) would race with clients on other threads.
    private static let initializationCode: UInt32 = {
        // Clients run with CURLOPT_NOSIGNAL, as threads must, so libcurl does not ignore
        // SIGPIPE around its writes, and it cannot keep every write to a connection the peer
        // has closed from raising it ("there are some corner cases", CURLOPT_NOSIGNAL(3)); by
        // default that ends the process. The HTTP server's start() ignores it for the same reason.
        signal(SIGPIPE, SIG_IGN)
        return shebao_curl_global_init_default().rawValue
    }()

    /// Initializes libcurl on first use.
    /// - Throws: ``HTTPClientError/other(code:message:)`` when `curl_global_init` failed (its
    ///   result is kept, so every later call throws the same).
    static func initialize() throws(HTTPClientError) {
        let code = CURLcode(rawValue: Self.initializationCode)
        guard code == CURLE_OK else {
            throw .other(code: Int(code.rawValue), message: "curl_global_init: " + CurlRuntime.describe(code))
        }
    }

    /// libcurl's text for a result code.
    static func describe(_ code: CURLcode) -> String {
        curl_easy_strerror(code).map { String(cString: $0) } ?? "libcurl error \(code.rawValue)"
    }
}
