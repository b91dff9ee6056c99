import HTTP1
import Testing

@Suite struct HTTPRequestParserTests {
    @Test(arguments: RequestSamples.valid)
    func validRequestsGiveTheSameHeadHoweverTheyArrive(_ sample: ValidRequest) {
        let result = Feeding.parseEveryWay(sample.bytes)
        guard case .complete(let head) = result else {
            Issue.record("expected a head, got \(result)")
            return
        }
        #expect(head.method == sample.method)
        #expect(head.version == sample.version)
        #expect(Array(sample.bytes[head.target]) == Array(sample.target.utf8))
        #expect(
            head.fields.map { ExpectedField(name: Array(sample.bytes[$0.name]), value: Array(sample.bytes[$0.value])) }
                == sample.fields
        )
        #expect(head.framing == sample.framing)
        #expect(head.isKeepAlive == sample.isKeepAlive)
        #expect(head.expectsContinue == sample.expectsContinue)
        #expect(head.length == sample.headLength)
    }

    @Test(arguments: [
        ("GET", 400), ("GET /", 400), ("GET / ", 400), ("GET  / HTTP/1.1", 400), ("GET /  HTTP/1.1", 400),
        (" GET / HTTP/1.1", 400), ("GET\t/ HTTP/1.1", 400), ("GET / HTTP/1.1 ", 400), ("GET / HTTP/1", 400),
        ("GET / HTTP/1.10", 400), ("GET / HTTP/11", 400), ("GET / HTTPS/1.1", 400), ("GET / HTTP/1.x", 400),
        ("GET / HTTP/3.0", 505), ("GET / HTTP/0.9", 505), ("GET /\u{7F} HTTP/1.1", 400), ("G{T / HTTP/1.1", 400),
        ("GET /a b HTTP/1.1", 400),
    ])
    func malformedRequestLinesAreRefused(_ requestLine: String, _ status: Int) {
        Feeding.expectRefused("\(requestLine)\r\nHost: a\r\n\r\n", status: status)
    }

    @Test(arguments: [
        "X-A:\r\n b", "X-A: b\r\n\tc", "X-A b", ": b", "X-A\u{7F}: b", "X-A: b\u{7F}", "X-A: b\u{1}", "X-A(: b",
        "Host: a b", "Host: a\u{80}", "Host: user@a", "X-A: \r", "X-A: b\r\r",
    ])
    func malformedFieldLinesAreRefused(_ fieldLine: String) {
        Feeding.expectRefused("GET / HTTP/1.1\r\nHost: a\r\n\(fieldLine)\r\n\r\n", status: 400)
    }

    @Test func aLowercaseMethodIsADifferentMethod() {
        guard case .complete(let head) = Feeding.parseEveryWay(Array("get / HTTP/1.1\r\nHost: a\r\n\r\n".utf8)) else {
            Issue.record("expected a head")
            return
        }
        #expect(head.method.rawValue == "get")
        #expect(head.method != .get)
    }

    @Test func moreThanFourEmptyLinesBeforeTheRequestLineAreRefused() {
        Feeding.expectRefused("\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", status: 400)
        Feeding.expectRefused("\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", status: 400)
    }

    @Test func theSecondOfAPipelinedPairParsesAfterReset() {
        let bytes = Array(
            "GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n".utf8
        )
        var parser = HTTPRequestParser()
        bytes.withUnsafeBytes { buffer in
            guard case .complete(let first) = parser.parseHead(buffer) else {
                Issue.record("expected the first head")
                return
            }
            #expect(parser.parseHead(buffer) == .complete(first))
            parser.reset()
            let rest = UnsafeRawBufferPointer(rebasing: buffer[first.length...])
            guard case .complete(let second) = parser.parseHead(rest) else {
                Issue.record("expected the second head")
                return
            }
            #expect(Array(rest[second.target]) == Array("/b".utf8))
            #expect(second.value(of: "HOST", in: rest).map(Array.init) == Array("b".utf8))
            #expect(!second.isKeepAlive)
            #expect(second.length == rest.count)
        }
    }

    @Test func valueOfFindsTheFirstFieldIgnoringCaseAndValuesOfFindsThemAll() {
        let bytes = Array("GET / HTTP/1.1\r\nHost: a\r\nAccept: text/html\r\naccept:  application/json \r\n\r\n".utf8)
        bytes.withUnsafeBytes { buffer in
            var parser = HTTPRequestParser()
            guard case .complete(let head) = parser.parseHead(buffer) else {
                Issue.record("expected a head")
                return
            }
            #expect(head.value(of: "ACCEPT", in: buffer).map(Array.init) == Array("text/html".utf8))
            #expect(
                head.values(of: "accept", in: buffer).map(Array.init) == [
                    Array("text/html".utf8), Array("application/json".utf8),
                ]
            )
            #expect(head.value(of: "Accept-Language", in: buffer) == nil)
            #expect(head.values(of: "Accep", in: buffer).isEmpty)
        }
    }

    @Test func bytesAfterTheHeadAreNotLookedAt() {
        let bytes = Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8) + [0, 10, 13, 0xFF]
        guard case .complete(let head) = Feeding.parseEveryWay(bytes) else {
            Issue.record("expected a head")
            return
        }
        #expect(head.length == bytes.count - 4)
    }

    @Test func emptyInputIsIncomplete() {
        #expect(Feeding.parseEveryWay([]) == .incomplete)
        #expect(Feeding.parseEveryWay(Array("GET / HTTP/1.1\r\nHost: a\r\n\r".utf8)) == .incomplete)
    }

    @Test func aRequestLineOverTheLimitIsRefusedBeforeItsCRLFArrives() {
        let line = "GET /" + String(repeating: "a", count: 8192 - 5)
        #expect(Feeding.parseEveryWay(Array(line.utf8)) == .incomplete)
        #expect(Feeding.parseEveryWay(Array((line + "\r").utf8)) == .incomplete)
        Feeding.expectRefused(line + "a", status: 414)
        Feeding.expectRefused(line + "\rx", status: 414)
    }

    @Test func aHeaderSectionOverTheLimitIsRefusedBeforeItEnds() {
        let field = "X-Filler: " + String(repeating: "f", count: 990) + "\r\n"
        let head = "GET / HTTP/1.1\r\nHost: a\r\n" + String(repeating: field, count: 33)
        #expect(head.utf8.count > 32768)
        Feeding.expectRefused(head, status: 431)
    }

    @Test func everyLimitGivesTheSameAnswerAtEveryOffset() {
        let limits = HTTPLimits(
            maxRequestLineLength: 24,
            maxFieldLineLength: 12,
            maxHeaderSectionLength: 72,
            maxFieldCount: 3
        )
        for targetLength in 1...16 {
            let requestLine = "GET /" + String(repeating: "t", count: targetLength - 1) + " HTTP/1.1"
            let request = "\(requestLine)\r\nHost: a\r\n\r\n"
            let expected = requestLine.utf8.count > 24 ? 414 : nil
            self.expect(request, limits: limits, status: expected)
        }
        for valueLength in 0...12 {
            let fieldLine = "X: " + String(repeating: "v", count: valueLength)
            let expected = fieldLine.utf8.count > 12 ? 431 : nil
            self.expect("GET / HTTP/1.1\r\nHost: a\r\n\(fieldLine)\r\n\r\n", limits: limits, status: expected)
            // The stray CR counts towards the line: it is not the first half of the CRLF.
            let strayCRExpected = fieldLine.utf8.count + 1 > 12 ? 431 : 400
            self.expect("GET / HTTP/1.1\r\nHost: a\r\n\(fieldLine)\r\r\n\r\n", limits: limits, status: strayCRExpected)
        }
        for fieldCount in 1...5 {
            let request =
                "GET / HTTP/1.1\r\nHost: a\r\n" + String(repeating: "X: y\r\n", count: fieldCount - 1) + "\r\n"
            self.expect(request, limits: limits, status: fieldCount > 3 ? 431 : nil)
        }
        let sectionLimits = HTTPLimits(maxRequestLineLength: 24, maxFieldLineLength: 12, maxHeaderSectionLength: 48)
        for first in 0...10 {
            for second in 0...10 {
                let x = String(repeating: "x", count: first)
                let y = String(repeating: "y", count: second)
                let request = "GET / HTTP/1.1\r\nHost: a\r\nX: \(x)\r\nY: \(y)\r\n\r\n"
                let tooLong = 3 + first > 12 || 3 + second > 12 || request.utf8.count > 48
                self.expect(request, limits: sectionLimits, status: tooLong ? 431 : nil)
            }
        }
        let shortSection = HTTPLimits(maxRequestLineLength: 24, maxHeaderSectionLength: 20)
        self.expect("GET /aaaaaa HTTP/1.1\r\n\r\n", limits: shortSection, status: 431)
        self.expect("GET /aaaaaaaaaaaaaaaaaa HTTP/1.1\r\n\r\n", limits: shortSection, status: 431)
        self.expect("GET / HTTP/1.0\r\n\r\n", limits: shortSection, status: nil)
    }

    @Test func randomHeadsGiveTheSameAnswerAtEveryOffset() {
        let pieces = [
            "GET", " ", "/", "a", "\r\n", "\r", "\n", "Host:", "X:", " b", "HTTP/1.1", "\t", ":", "\u{0}", "é",
        ]
        var generator = SplitMix64(seed: 0x5EBA0)
        for _ in 0..<400 {
            let limits = HTTPLimits(
                maxRequestLineLength: Int.random(in: 0...24, using: &generator),
                maxFieldLineLength: Int.random(in: 0...12, using: &generator),
                maxHeaderSectionLength: Int.random(in: 0...60, using: &generator),
                maxFieldCount: Int.random(in: 0...4, using: &generator)
            )
            var request = ""
            for _ in 0..<Int.random(in: 0...30, using: &generator) {
                request += pieces.randomElement(using: &generator)!
            }
            _ = Feeding.parseEveryWay(Array(request.utf8), limits: limits)
            _ = Feeding.parseEveryWay(Array("GET / HTTP/1.1\r\n\(request)".utf8), limits: limits)
        }
    }

    private func expect(
        _ request: String,
        limits: HTTPLimits,
        status: Int?,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let result = Feeding.parseEveryWay(Array(request.utf8), limits: limits, sourceLocation: sourceLocation)
        switch (result, status) {
        case (.complete, nil):
            break
        case (.invalid(let error), let status?):
            #expect(error.status == status, "\(error)", sourceLocation: sourceLocation)
        default:
            Issue.record(
                "expected \(status.map(String.init) ?? "a head"), got \(result)",
                sourceLocation: sourceLocation
            )
        }
    }
}

/// A small seeded generator, so random tests are the same on every run.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = self.state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
