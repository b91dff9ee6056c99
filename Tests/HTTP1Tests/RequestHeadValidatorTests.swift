import HTTP1
import Testing

/// The tokens that decide framing and the connection, in every spelling of their case: HTTP
/// compares them ASCII-case-insensitively (RFC 9110 §5.1, §7.6.1, §10.1.1; RFC 9112 §7), and
/// only the method and the protocol name are case-sensitive (RFC 9110 §9.1, RFC 9112 §2.3).
/// Every request is fed whole, split at every offset and one byte at a time.
@Suite struct RequestHeadValidatorTests {
    /// The head, or nil (with the issue recorded) when the request was not accepted.
    private static func head(_ request: String, sourceLocation: SourceLocation = #_sourceLocation) -> HTTPRequestHead? {
        let result = Feeding.parseEveryWay(Array(request.utf8), sourceLocation: sourceLocation)
        guard case .complete(let head) = result else {
            Issue.record("expected a head, got \(result)", sourceLocation: sourceLocation)
            return nil
        }
        return head
    }

    @Test(arguments: ["chunked", "Chunked", "CHUNKED", "cHuNkEd", "  Chunked\t"])
    func aTransferCodingNameIsMatchedInAnyCase(_ value: String) {
        let head = Self.head("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \(value)\r\n\r\n")
        #expect(head?.framing == .chunked)
    }

    /// What follows from recognising chunked in any case: a coding before it is one we do not
    /// implement (501), chunked twice or not last is malformed (400).
    @Test(arguments: [("gzip, Chunked", 501), ("Chunked, CHUNKED", 400), ("CHUNKED, gzip", 400), ("Chunk", 400)])
    func theTransferCodingListRulesHoldInAnyCase(value: String, status: Int) {
        Feeding.expectRefused("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \(value)\r\n\r\n", status: status)
    }

    @Test(arguments: [
        ("HTTP/1.1", "close", false), ("HTTP/1.1", "Close", false), ("HTTP/1.1", "CLOSE", false),
        ("HTTP/1.1", "Keep-Alive, Close", false), ("HTTP/1.1", "Upgrade, cLoSe", false),
        ("HTTP/1.1", "closed", true), ("HTTP/1.1", "Keep-Alive", true),
        ("HTTP/1.0", "keep-alive", true), ("HTTP/1.0", "Keep-Alive", true), ("HTTP/1.0", "KEEP-ALIVE", true),
        ("HTTP/1.0", "Keep-Alive, CLOSE", false), ("HTTP/1.0", "keepalive", false), ("HTTP/1.0", "", false),
    ])
    func connectionOptionsAreMatchedInAnyCase(version: String, value: String, isKeepAlive: Bool) {
        let head = Self.head("GET / \(version)\r\nHost: a\r\nConnection: \(value)\r\n\r\n")
        #expect(head?.isKeepAlive == isKeepAlive)
    }

    @Test(arguments: ["100-continue", "100-Continue", "100-CONTINUE", " 100-cOnTiNuE "])
    func theContinueExpectationIsMatchedInAnyCase(_ value: String) {
        let head = Self.head("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nExpect: \(value)\r\n\r\n")
        #expect(head?.expectsContinue == true)
    }

    @Test(arguments: ["100-continued", "100 continue", "200-Continue"])
    func anyOtherExpectationIs417(_ value: String) {
        Feeding.expectRefused(
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nExpect: \(value)\r\n\r\n",
            status: 417
        )
    }

    /// Field names are case-insensitive (RFC 9110 §5.1): the framing fields in capitals decide
    /// the framing as they do in any other case, conflicts included.
    @Test func theFramingFieldNamesAreMatchedInAnyCase() {
        let head = Self.head("POST / HTTP/1.1\r\nHOST: a\r\nCONTENT-LENGTH: 3\r\nCONNECTION: CLOSE\r\n\r\n")
        #expect(head?.framing == .contentLength(3))
        #expect(head?.isKeepAlive == false)
        Feeding.expectRefused("POST / HTTP/1.1\r\nhOsT: a\r\nHoSt: b\r\n\r\n", status: 400)
        Feeding.expectRefused(
            "POST / HTTP/1.1\r\nHost: a\r\nTRANSFER-ENCODING: CHUNKED\r\ncontent-LENGTH: 3\r\n\r\n",
            status: 400
        )
    }

    /// The exceptions: a method is case-sensitive (RFC 9110 §9.1) and so is `HTTP` in the
    /// version (RFC 9112 §2.3).
    @Test func theMethodAndTheProtocolNameAreCaseSensitive() {
        let head = Self.head("get / HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(head?.method.rawValue == "get")
        #expect(head?.method != .get)
        Feeding.expectRefused("GET / http/1.1\r\nHost: a\r\n\r\n", status: 400)
        Feeding.expectRefused("GET / Http/1.1\r\nHost: a\r\n\r\n", status: 400)
    }

    /// An absolute-form target's scheme is case-insensitive (RFC 3986 §3.1).
    @Test(arguments: ["http://a/x", "HTTP://a/x", "Https://a/x"])
    func anAbsoluteFormSchemeIsMatchedInAnyCase(_ target: String) throws {
        let head = try #require(Self.head("GET \(target) HTTP/1.1\r\nHost: a\r\n\r\n"))
        let bytes = Array("GET \(target) HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
        let parsed = bytes.withUnsafeBytes { RequestTarget.parse(UnsafeRawBufferPointer(rebasing: $0[head.target])) }
        #expect(try parsed.get().path == "/x")
    }
}
