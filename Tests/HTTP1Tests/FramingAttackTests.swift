import HTTP1
import Testing

/// The request-smuggling and resource-exhaustion attacks, one test each; every request is fed whole,
/// split at every offset and one byte at a time, ending at a guard page.
@Suite struct FramingAttackTests {
    private static let host = "GET / HTTP/1.1\r\nHost: a\r\n"

    @Test func contentLengthWithTransferEncodingIsRefused() {
        Feeding.expectRefused(
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
            status: 400
        )
        Feeding.expectRefused(
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n",
            status: 400
        )
    }

    @Test func twoDifferentContentLengthsAreRefused() {
        Feeding.expectRefused(
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
            status: 400
        )
    }

    @Test func twoIdenticalContentLengthsAreRefused() {
        Feeding.expectRefused(
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\ncontent-length: 5\r\n\r\n",
            status: 400
        )
    }

    @Test func aContentLengthWithAPlusSignIsRefused() {
        Feeding.expectRefused("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\n", status: 400)
    }

    @Test(arguments: [
        "5 5", "0x5", "-1", "5,5", "5, 5", "", "1234567890123456789", "99999999999999999999999", "5\u{0B}", "٥",
    ])
    func aContentLengthThatIsNotOnlyDigitsIsRefused(_ value: String) {
        Feeding.expectRefused("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \(value)\r\n\r\n", status: 400)
    }

    @Test func chunkedTwiceIsRefused() {
        Feeding.expectRefused("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", status: 400)
    }

    @Test func aCodingBeforeChunkedIsNotImplemented() {
        Feeding.expectRefused("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", status: 501)
    }

    @Test func aCodingAfterChunkedIsRefused() {
        Feeding.expectRefused("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", status: 400)
        Feeding.expectRefused("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", status: 400)
    }

    @Test(arguments: ["", ",", "chunked,", ", chunked", "chunked;q=1", "\"chunked\"", "chunked chunked", "chunk"])
    func aMalformedTransferEncodingIsRefused(_ value: String) {
        Feeding.expectRefused("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \(value)\r\n\r\n", status: 400)
    }

    @Test func chunkedSpelledWithAKelvinSignIsRefused() {
        Feeding.expectRefused("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chun\u{212A}ed\r\n\r\n", status: 400)
    }

    @Test func transferEncodingInHTTP10IsRefused() {
        Feeding.expectRefused("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", status: 400)
    }

    @Test func twoTransferEncodingFieldsAreRefused() {
        Feeding.expectRefused(
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
            status: 400
        )
    }

    @Test func obsFoldIsRefused() {
        Feeding.expectRefused(Self.host + "X-A: b\r\n c\r\n\r\n", status: 400)
        Feeding.expectRefused("GET / HTTP/1.1\r\n Host: a\r\n\r\n", status: 400)
    }

    @Test func whitespaceBeforeTheColonIsRefused() {
        Feeding.expectRefused("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n", status: 400)
        Feeding.expectRefused("POST / HTTP/1.1\r\nHost: a\r\nContent-Length\t: 5\r\n\r\n", status: 400)
    }

    @Test func aBareCRIsRefused() {
        Feeding.expectRefused(Self.host + "X-A: b\rc\r\n\r\n", status: 400)
        Feeding.expectRefused("GET /\r HTTP/1.1\r\nHost: a\r\n\r\n", status: 400)
        Feeding.expectRefused(Self.host + "\r\r\n", status: 400)
    }

    @Test func aBareLFIsRefused() {
        Feeding.expectRefused("GET / HTTP/1.1\nHost: a\r\n\r\n", status: 400)
        Feeding.expectRefused(Self.host + "X-A: b\nc\r\n\r\n", status: 400)
        Feeding.expectRefused(Self.host + "\n", status: 400)
    }

    @Test func aNULInAValueIsRefused() {
        Feeding.expectRefused(Array((Self.host + "X-A: b").utf8) + [0] + Array("c\r\n\r\n".utf8), status: 400)
    }

    @Test func aMissingHostIsRefused() {
        Feeding.expectRefused("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", status: 400)
    }

    @Test func twoHostsAreRefused() {
        Feeding.expectRefused("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", status: 400)
        Feeding.expectRefused("GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n", status: 400)
    }

    @Test func aRequestLineOf8193BytesIsRefusedAsTooLong() {
        let line = "GET /" + String(repeating: "a", count: 8193 - "GET / HTTP/1.1".utf8.count) + " HTTP/1.1"
        #expect(line.utf8.count == 8193)
        Feeding.expectRefused(line + "\r\nHost: a\r\n\r\n", status: 414)
    }

    @Test func aFieldLineOverTheLimitIsRefused() {
        let field = "X-Long: " + String(repeating: "v", count: 8193 - 8)
        #expect(field.utf8.count == 8193)
        Feeding.expectRefused(Self.host + field + "\r\n\r\n", status: 431)
    }

    @Test func oneHundredAndOneFieldsAreRefused() {
        let fields = (1...100).map { "X-\($0): v\r\n" }.joined()
        Feeding.expectRefused(Self.host + fields + "\r\n", status: 431)
    }

    @Test func aHeaderSectionOverTheLimitIsRefused() {
        let fields = (1...40).map { "X-\($0): \(String(repeating: "v", count: 820))\r\n" }.joined()
        Feeding.expectRefused(Self.host + fields + "\r\n", status: 431)
    }

    @Test func aContentLengthOverTheBodyLimitIsRefusedBeforeTheBody() {
        Feeding.expectRefused("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1048577\r\n\r\n", status: 413)
    }

    @Test(arguments: ["HTTP/1.2", "HTTP/2.0", "HTTP/9.9"])
    func aWellFormedOtherVersionIsNotSupported(_ version: String) {
        Feeding.expectRefused("GET / \(version)\r\nHost: a\r\n\r\n", status: 505)
    }

    @Test func theHTTP2PrefaceIsNotSupported() {
        Feeding.expectRefused("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", status: 505)
    }

    @Test func aLowercaseProtocolNameIsRefused() {
        Feeding.expectRefused("GET / http/1.1\r\nHost: a\r\n\r\n", status: 400)
    }

    @Test func anExpectationOtherThan100ContinueFails() {
        Feeding.expectRefused(Self.host + "Expect: something-else\r\n\r\n", status: 417)
        Feeding.expectRefused(Self.host + "Expect: 100-continue, x\r\n\r\n", status: 417)
    }

    @Test func aChunkSizeThatOverflowsIsRefused() {
        self.expectBodyRefused("fffffffffffffffff\r\n", status: 400)
        self.expectBodyRefused("0000000000000001\r\nx\r\n0\r\n\r\n", status: 400)
    }

    @Test(arguments: ["+5", "-5", " 5", "5 ", "5\t", "0x5", "g", ";a", "\r\n", "5 ;a=b"])
    func aChunkSizeWithASignOrSpaceIsRefused(_ size: String) {
        self.expectBodyRefused("\(size)\r\nhello\r\n0\r\n\r\n", status: 400)
    }

    @Test func chunkDataWithoutItsCRLFIsRefused() {
        self.expectBodyRefused("5\r\nhelloX\r\n0\r\n\r\n", status: 400)
        self.expectBodyRefused("5\r\nhello\n0\r\n\r\n", status: 400)
        self.expectBodyRefused("5\r\nhello\r0\r\n\r\n", status: 400)
    }

    @Test func aChunkExtensionOverTheLimitIsRefused() {
        // The limit counts the extensions from their first ";" to the CRLF.
        self.expectBodyRefused("5;" + String(repeating: "e", count: 1024) + "\r\nhello\r\n0\r\n\r\n", status: 400)
        self.expectBodyRefused("5;a;" + String(repeating: "e", count: 1022) + "\r\nhello\r\n0\r\n\r\n", status: 400)
        let fitting = Feeding.decodeEveryWay(
            Array(("5;" + String(repeating: "e", count: 1023) + "\r\nhello\r\n0\r\n\r\n").utf8)
        )
        #expect(fitting.body == Array("hello".utf8))
    }

    @Test func trailersOverTheLimitAreRefused() {
        let trailers = (1...9).map { "X-\($0): \(String(repeating: "t", count: 1000))\r\n" }.joined()
        self.expectBodyRefused("0\r\n" + trailers + "\r\n", status: 431)
    }

    @Test func aChunkedBodyOverTheLimitIsRefusedAtTheChunkSize() {
        self.expectBodyRefused("100001\r\n", status: 413)
        self.expectBodyRefused("80000\r\n" + String(repeating: "b", count: 0x80000) + "\r\n80001\r\n", status: 413)
        let limits = HTTPLimits(maxBodyLength: 10)
        self.expectBodyRefused("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", status: 413, limits: limits)
    }

    private func expectBodyRefused(
        _ body: String,
        status: Int,
        limits: HTTPLimits = HTTPLimits(),
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let decoded = Feeding.decodeEveryWay(Array(body.utf8), limits: limits, sourceLocation: sourceLocation)
        guard case .invalid(let error) = decoded.ending else {
            Issue.record("expected \(status), got \(decoded)", sourceLocation: sourceLocation)
            return
        }
        #expect(error.status == status, "\(error)", sourceLocation: sourceLocation)
    }
}
