extension HTTPClient {
    /// A POST to send: a URL, extra header fields and a JSON body.
    public struct Request: Sendable {
        /// An absolute `https://` URL (or `http://` where ``Configuration/allowsPlainHTTP``).
        public var url: String
        /// Extra fields, in order. `Content-Type: application/json` is added unless one is
        /// given. `Host`, `Content-Length`, `Transfer-Encoding`, `Connection` and `Expect` are
        /// the client's to set and are refused.
        public var headers: [(name: String, value: String)]
        /// The body, sent as is.
        public var body: [UInt8]

        /// A request.
        /// - Parameters:
        ///   - url: where to POST.
        ///   - headers: extra header fields.
        ///   - body: the JSON body.
        public init(url: String, headers: [(name: String, value: String)] = [], body: [UInt8]) {
            self.url = url
            self.headers = headers
            self.body = body
        }

        /// The first value of a field, compared case-insensitively.
        /// - Parameter name: the field name.
        /// - Returns: the value, or nil when the field is absent.
        public func header(_ name: String) -> String? {
            let wanted = name.lowercased()
            return self.headers.first { $0.name.lowercased() == wanted }?.value
        }
    }

    /// What the server answered: any status, including 4xx and 5xx, is a response.
    public struct Response: Sendable, Equatable {
        /// The final status code (interim 1xx responses are skipped).
        public var status: Int
        /// The fields named in ``Configuration/responseHeaderNames``, by lowercased name; a
        /// field that occurs more than once has its values joined with ", " (RFC 9110 §5.3).
        public var headers: [String: String]
        /// The body, at most ``Configuration/maximumResponseBodyBytes`` long.
        public var body: [UInt8]

        /// A response.
        /// - Parameters:
        ///   - status: the status code.
        ///   - headers: the kept fields, by lowercased name.
        ///   - body: the body.
        public init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
            self.status = status
            self.headers = headers
            self.body = body
        }

        /// A kept field's value, by case-insensitive name.
        /// - Parameter name: the field name.
        /// - Returns: the value, or nil when the field was absent or not kept.
        public func header(_ name: String) -> String? {
            self.headers[name.lowercased()]
        }
    }
}

extension HTTPClient.Request {
    // Fields whose values libcurl derives from the request itself; a caller's value would
    // contradict the framing (RFC 9112 §6.1–6.3) or the connection's reuse.
    private static let reservedNames: Set<String> = [
        "host", "content-length", "transfer-encoding", "connection", "expect",
    ]

    /// The field lines to hand to libcurl, checked.
    /// - Returns: `Name: value` lines, `Content-Type` first if the caller gave none, and an
    ///   empty `Expect:` last.
    /// - Throws: ``HTTPClientError/invalidRequest(_:)`` for a name that is not a token
    ///   (RFC 9110 §5.1), a value with CR, LF or NUL (§5.5: it would start another field), or a
    ///   reserved name.
    func fieldLines() throws(HTTPClientError) -> [String] {
        var lines: [String] = []
        if self.header("Content-Type") == nil { lines.append("Content-Type: application/json") }
        for (name, value) in self.headers {
            guard !name.isEmpty, name.utf8.allSatisfy(Self.isTokenCharacter) else {
                throw .invalidRequest("header name is not a token")
            }
            guard !Self.reservedNames.contains(name.lowercased()) else {
                throw .invalidRequest("header \(name) is set by the client")
            }
            guard !value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }) else {
                throw .invalidRequest("header \(name) has a CR, LF or NUL in its value")
            }
            let trimmed = value.trimmingOptionalWhitespace()
            // "Name:" with nothing after it tells libcurl to drop the field; "Name;" sends it
            // empty (CURLOPT_HTTPHEADER(3)).
            lines.append(trimmed.isEmpty ? name + ";" : name + ": " + trimmed)
        }
        // Without this libcurl sends `Expect: 100-continue` for larger bodies and waits up to a
        // second for an interim answer that many receivers never send.
        lines.append("Expect:")
        return lines
    }

    /// tchar (RFC 9110 §5.6.2): "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
    /// "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA.
    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "A")...UInt8(ascii: "Z"):
            true
        default:
            Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }
}

extension String {
    /// Without leading and trailing spaces and tabs (OWS, RFC 9110 §5.6.3).
    func trimmingOptionalWhitespace() -> String {
        let bytes = Array(self.utf8)
        let isWhitespace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 }
        guard let first = bytes.firstIndex(where: { !isWhitespace($0) }),
            let last = bytes.lastIndex(where: { !isWhitespace($0) })
        else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}
