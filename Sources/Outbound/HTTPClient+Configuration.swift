extension HTTPClient {
    /// What an ``HTTPClient`` allows and how long it waits. Every limit has a safe default.
    public struct Configuration: Sendable {
        /// The longest wait for name resolution, the TCP connection and the TLS handshake.
        public var connectTimeout: Duration = .seconds(5)
        /// The longest a whole request may take, connecting included.
        public var totalTimeout: Duration = .seconds(15)
        /// The largest response body kept; a longer one fails the request with
        /// ``HTTPClientError/responseTooLarge(status:limit:)``.
        public var maximumResponseBodyBytes: Int = 64 * 1024
        /// The largest response header section (status line and every field line, interim 1xx
        /// responses included).
        public var maximumResponseHeaderBytes: Int = 16 * 1024
        /// The response fields kept in ``Response/headers``, compared case-insensitively;
        /// `Retry-After` is always kept, because ``DeliveryOutcome`` reads it.
        public var responseHeaderNames: Set<String> = ["content-type", "retry-after"]
        /// A PEM file of the CAs to trust instead of the system's (a private CA). TLS peer and
        /// host verification are always on; there is no setting to turn them off.
        public var caBundlePath: String?
        /// Whether `http://` URLs are allowed besides `https://`: for receivers on loopback or
        /// inside a trusted network only.
        public var allowsPlainHTTP: Bool = false
        /// The proxy URL, or nil for direct connections. The `http_proxy`-style environment
        /// variables are never read, so what the process connects to is only what is configured.
        public var proxy: String?
        /// The `User-Agent` field sent.
        public var userAgent: String = "shebao-outbound/1"

        /// The defaults.
        public init() {}
    }
}

extension Duration {
    /// Whole milliseconds, rounded up so that a positive duration never becomes 0 (which means
    /// "no timeout" to libcurl), and bounded to what a C `long` holds.
    var curlMilliseconds: Int {
        let (seconds, attoseconds) = self.components
        guard seconds >= 0 else { return 0 }
        let wholeMilliseconds = attoseconds / 1_000_000_000_000_000
        let roundedUp = wholeMilliseconds + (attoseconds % 1_000_000_000_000_000 > 0 ? 1 : 0)
        let (milliseconds, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        guard !overflow, milliseconds <= Int64(Int.max) - roundedUp else { return Int.max }
        return Int(milliseconds + roundedUp)
    }
}
