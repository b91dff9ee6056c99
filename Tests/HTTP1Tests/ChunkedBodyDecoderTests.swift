import HTTP1
import Testing

@Suite struct ChunkedBodyDecoderTests {
    @Test(arguments: [
        ("0\r\n\r\n", ""),
        ("5\r\nhello\r\n0\r\n\r\n", "hello"),
        (RequestSamples.chunkedBody, "hello world"),
        ("A\r\n0123456789\r\na\r\n\r\n\r\n\r\n\r\n\r\n\r\n0\r\n\r\n", "0123456789\r\n\r\n\r\n\r\n\r\n"),
        ("005\r\nhel\rl\r\n1;a;b=c;d=\"\";e=\"\\\\\"\r\no\r\n00\r\n\r\n", "hel\rlo"),
        ("3;x=\"é \t\\é\"\r\nabc\r\n0\r\nX-A: 1\r\nX-B:\t2 \r\nX-Obs: é\r\n\r\n", "abc"),
    ])
    func validBodiesDecodeTheSameHoweverTheyArrive(_ encoded: String, _ body: String) {
        let decoded = Feeding.decodeEveryWay(Array(encoded.utf8))
        #expect(decoded.ending == .done(consumed: encoded.utf8.count))
        #expect(decoded.body == Array(body.utf8))
    }

    @Test func bytesAfterTheLastChunkAreLeftForTheNextRequest() {
        let body = "3\r\nabc\r\n0\r\nX: y\r\n\r\n"
        let decoded = Feeding.decodeEveryWay(Array((body + "GET / HTTP/1.1\r\n").utf8))
        #expect(decoded.ending == .done(consumed: body.utf8.count))
        #expect(decoded.body == Array("abc".utf8))
    }

    @Test func anUnfinishedBodyNeedsMoreAndConsumesEverything() {
        var decoder = ChunkedBodyDecoder()
        var body: [UInt8] = []
        let first = Array("5\r\nhel".utf8).withUnsafeBytes { decoder.decode($0, into: &body) }
        #expect(first == .needMore(consumed: 6))
        #expect(body == Array("hel".utf8))
        body.removeAll()
        let second = Array("lo\r\n0\r\n\r\nnext".utf8).withUnsafeBytes { decoder.decode($0, into: &body) }
        #expect(second == .done(consumed: 9))
        #expect(body == Array("lo".utf8))
        let after = Array("more".utf8).withUnsafeBytes { decoder.decode($0, into: &body) }
        #expect(after == .done(consumed: 0))
    }

    @Test func aRefusedBodyStaysRefused() {
        var decoder = ChunkedBodyDecoder()
        var body: [UInt8] = []
        let first = Array("z".utf8).withUnsafeBytes { decoder.decode($0, into: &body) }
        guard case .invalid(let error) = first else {
            Issue.record("expected a refusal, got \(first)")
            return
        }
        #expect(error.status == 400)
        #expect(Array("5\r\nhello\r\n0\r\n\r\n".utf8).withUnsafeBytes { decoder.decode($0, into: &body) } == first)
    }

    @Test(arguments: [
        "5\nhello\r\n0\r\n\r\n", "5\r\rhello\r\n0\r\n\r\n", "5;\r\nhello\r\n0\r\n\r\n", "5;=a\r\nhello\r\n0\r\n\r\n",
        "5;a=\r\nhello\r\n0\r\n\r\n", "5;a=\"b\r\nhello\r\n0\r\n\r\n", "5;a=\"b\"c\r\nhello\r\n0\r\n\r\n",
        "5;a b\r\nhello\r\n0\r\n\r\n", "5;a=b\nhello\r\n0\r\n\r\n", "0\r\nX: y\n\r\n", "0\r\nX: y\r\n z\r\n\r\n",
        "0\r\nX : y\r\n\r\n", "0\r\n: y\r\n\r\n", "0\r\nX\r\n\r\n", "0\r\nX: \u{0}\r\n\r\n", "0\r\nX: y\r\r\n\r\n",
        "0\r\n\n",
        "0\r\n\rX", "0\n\r\n",
    ])
    func malformedFramingIsRefused(_ encoded: String) {
        let decoded = Feeding.decodeEveryWay(Array(encoded.utf8))
        guard case .invalid(let error) = decoded.ending else {
            Issue.record("expected a refusal, got \(decoded)")
            return
        }
        #expect(error.status == 400)
    }

    @Test func trailerFieldsAreDiscarded() {
        let encoded = "1\r\nx\r\n0\r\nContent-Length: 5\r\nHost: evil\r\n\r\n"
        let decoded = Feeding.decodeEveryWay(Array(encoded.utf8))
        #expect(decoded.body == Array("x".utf8))
        #expect(decoded.ending == .done(consumed: encoded.utf8.count))
    }

    @Test func theBodyLimitCountsEveryChunk() {
        let limits = HTTPLimits(maxBodyLength: 10)
        let fits = Feeding.decodeEveryWay(Array("5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n".utf8), limits: limits)
        #expect(fits.body == Array("helloworld".utf8))
        let over = Feeding.decodeEveryWay(Array("5\r\nhello\r\n5\r\nworld\r\n1\r\n!\r\n0\r\n\r\n".utf8), limits: limits)
        guard case .invalid(let error) = over.ending else {
            Issue.record("expected 413, got \(over.ending)")
            return
        }
        #expect(error.status == 413)
        #expect(error.reason(in: .en) == "body too large")
        #expect(error.reason(in: .zh) == "请求内容过大")
        #expect(over.body == Array("helloworld".utf8))
    }

    @Test func randomBodiesGiveTheSameAnswerAtEveryOffset() {
        let pieces = ["0", "1", "5", "f", "\r\n", "\r", "\n", ";", "a", "=", "\"", "\\", " ", "X:", "hello", "é"]
        var generator = SplitMix64(seed: 0xC4_0000)
        for _ in 0..<500 {
            let limits = HTTPLimits(
                maxBodyLength: Int.random(in: 0...40, using: &generator),
                maxChunkExtensionLength: Int.random(in: 0...8, using: &generator),
                maxTrailerSectionLength: Int.random(in: 0...12, using: &generator)
            )
            var body = ""
            for _ in 0..<Int.random(in: 0...24, using: &generator) {
                body += pieces.randomElement(using: &generator)!
            }
            _ = Feeding.decodeEveryWay(Array(body.utf8), limits: limits)
        }
    }
}
