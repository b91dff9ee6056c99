internal import CCurl

/// libcurl's process-wide state, set up once before the first easy handle.
enum CurlRuntime {
    // curl_global_init(3) is not thread-safe in every libcurl build ("threadsafe" is a build
    // feature, on only since 7.84), and curl_easy_init(3) calls it implicitly when it has not
    // run. A global's initializer runs exactly once, under swift_once, whichever thread gets
    // here first; the raw value keeps the stored global Sendable. It is never cleaned up:
    // curl_global_cleanup(3) would race with clients on other threads.
    private static let initializationCode: UInt32 = shebao_curl_global_init_default().rawValue

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
