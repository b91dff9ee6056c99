import HTTP1
import Testing

@testable import HTTPServer

@Suite struct HTTPConnectionStateMachineTests {
    let start = ContinuousClock.now

    private func machine(maxRequests: Int = 1000, maxPipelinedBytes: Int = 64 * 1024) -> HTTPConnectionStateMachine {
        HTTPConnectionStateMachine(
            limits: HTTPLimits(),
            timeouts: .init(
                headerRead: .seconds(10),
                bodyIdle: .seconds(10),
                bodyTotal: .seconds(60),
                writeIdle: .seconds(30),
                keepAliveIdle: .seconds(15)
            ),
            maxRequests: maxRequests,
            maxPipelinedBytes: maxPipelinedBytes,
            now: self.start
        )
    }

    private func receive(_ machine: inout HTTPConnectionStateMachine, _ text: String) {
        Array(text.utf8).withUnsafeBytes { machine.bytesReceived($0) }
    }

    private func expectDispatch(
        _ machine: inout HTTPConnectionStateMachine,
        body: String = "",
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> HTTPConnectionStateMachine.CompleteRequest? {
        let action = machine.nextAction(now: self.start)
        guard case .dispatch = action else {
            Issue.record("expected dispatch, got \(action)", sourceLocation: sourceLocation)
            return nil
        }
        let request = machine.takeRequest()
        #expect(String(decoding: request.body, as: UTF8.self) == body, sourceLocation: sourceLocation)
        return request
    }

    @Test func aCompleteGetIsDispatchedAndTheConnectionGoesBackToIdle() {
        var machine = self.machine()
        self.receive(&machine, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        let request = self.expectDispatch(&machine)
        #expect(request?.head.method == .get)
        guard case .readMore = machine.nextAction(now: self.start) else { Issue.record("expected readMore"); return }
        #expect(machine.responseStarted(keepAlive: true, now: self.start) == false)
        guard case .readMore = machine.writeCompleted(now: self.start) else {
            Issue.record("expected readMore"); return
        }
        guard case .idle = machine.state else { Issue.record("expected idle"); return }
        #expect(machine.requestsServed == 1)
    }

    @Test func pipelinedRequestsAreHandledOneAfterAnotherInOrder() {
        var machine = self.machine()
        self.receive(
            &machine,
            "GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET /c HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        var targets: [String] = []
        for body in ["", "abc", ""] {
            guard let request = self.expectDispatch(&machine, body: body) else { return }
            targets.append(String(decoding: request.headBytes[request.head.target], as: UTF8.self))
            // While a request is with its handler, the next one waits.
            guard case .readMore = machine.nextAction(now: self.start) else {
                Issue.record("expected readMore"); return
            }
            _ = machine.responseStarted(keepAlive: true, now: self.start)
            _ = machine.writeCompleted(now: self.start)
        }
        #expect(targets == ["/a", "/b", "/c"])
    }

    @Test func aBodySplitAcrossReadsIsCollected() {
        var machine = self.machine()
        self.receive(&machine, "PUT /x HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123")
        guard case .readMore = machine.nextAction(now: self.start) else { Issue.record("expected readMore"); return }
        self.receive(&machine, "456")
        guard case .readMore = machine.nextAction(now: self.start) else { Issue.record("expected readMore"); return }
        self.receive(&machine, "789")
        _ = self.expectDispatch(&machine, body: "0123456789")
    }

    @Test func aChunkedBodyIsDecoded() {
        var machine = self.machine()
        self.receive(&machine, "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n")
        guard case .readMore = machine.nextAction(now: self.start) else { Issue.record("expected readMore"); return }
        self.receive(&machine, "5\r\npedia\r\n0\r\n\r\n")
        _ = self.expectDispatch(&machine, body: "Wikipedia")
    }

    @Test func expectContinueIsAnsweredBeforeTheBodyArrives() {
        var machine = self.machine()
        self.receive(&machine, "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n")
        guard case .sendContinue = machine.nextAction(now: self.start) else {
            Issue.record("expected sendContinue"); return
        }
        guard case .readMore = machine.nextAction(now: self.start) else { Issue.record("expected readMore"); return }
        self.receive(&machine, "ok")
        _ = self.expectDispatch(&machine, body: "ok")
    }

    @Test func aHeadTrickledInTooSlowlyFailsWith408AtTheHeaderDeadline() {
        var machine = self.machine()
        self.receive(&machine, "G")
        guard case .readMore = machine.nextAction(now: self.start) else { Issue.record("expected readMore"); return }
        // Bytes keep coming, one every second: the deadline counts from the first byte.
        for second in 1...9 {
            self.receive(&machine, "E")
            _ = machine.nextAction(now: self.start + .seconds(second))
        }
        #expect(machine.deadline == self.start + .seconds(10))
        guard case .readMore = machine.timeoutTriggered(now: self.start + .seconds(9)) else {
            Issue.record("fired early")
            return
        }
        guard case .fail(let error, let language) = machine.timeoutTriggered(now: self.start + .seconds(10)) else {
            Issue.record("expected 408")
            return
        }
        #expect(error.status == 408)
        #expect(language == .zh)
    }

    @Test func anIdleKeptAliveConnectionClosesAtTheIdleDeadline() {
        var machine = self.machine()
        #expect(machine.deadline == self.start + .seconds(15))
        guard case .close = machine.timeoutTriggered(now: self.start + .seconds(15)) else {
            Issue.record("expected close")
            return
        }
    }

    @Test func theLastAllowedRequestOnAConnectionClosesIt() {
        var machine = self.machine(maxRequests: 2)
        for index in 0..<2 {
            self.receive(&machine, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            _ = machine.nextAction(now: self.start)
            let closeAfter = machine.responseStarted(keepAlive: true, now: self.start)
            #expect(closeAfter == (index == 1))
            _ = machine.writeCompleted(now: self.start)
        }
        guard case .closed = machine.state else { Issue.record("expected closed"); return }
    }

    @Test func readingPausesWhenTooManyPipelinedBytesWait() {
        var machine = self.machine(maxPipelinedBytes: 16)
        self.receive(&machine, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
        _ = machine.nextAction(now: self.start)
        self.receive(&machine, "GET /b HTTP/1.1\r\nHost: x\r\n\r\n")
        guard case .pauseReading = machine.nextAction(now: self.start) else { Issue.record("expected pause"); return }
    }

    @Test func aPeerThatClosesMidHeadIsClosedButOneMidRequestIsAnsweredFirst() {
        var machine = self.machine()
        self.receive(&machine, "GET / HT")
        _ = machine.nextAction(now: self.start)
        guard case .close = machine.peerClosed() else { Issue.record("expected close"); return }

        var answering = self.machine()
        self.receive(&answering, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        _ = answering.nextAction(now: self.start)
        guard case .readMore = answering.peerClosed() else { Issue.record("expected to finish the request"); return }
        let closeAfter = answering.responseStarted(keepAlive: true, now: self.start)
        #expect(closeAfter)
    }

    @Test func aFramingAttackFailsWithItsStatus() {
        var machine = self.machine()
        self.receive(&machine, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n")
        guard case .fail(let error, _) = machine.nextAction(now: self.start) else {
            Issue.record("expected fail"); return
        }
        #expect(error.status == 400)
        guard case .close = machine.nextAction(now: self.start) else { Issue.record("expected close"); return }
    }

    /// A refusal is in the language of the request's `Accept-Language` as far as it was read:
    /// of the parsed head once there is one, else of the whole field lines received; Chinese
    /// when there is none, or when it lies beyond what could be read safely.
    @Test(arguments: [
        // The head did not parse: only whole lines before the offending one are read.
        ("GET / HTTP/1.1\r\nAccept-Language: en-US, zh;q=0.5\r\nHost : x\r\n\r\n", 400, ResponseLanguage.en),
        ("\r\nGET / HTTP/1.1\r\naccept-language:EN\r\nX: \u{7F}\r\n\r\n", 400, .en),
        ("GET / HTTP/1.1\r\nHost : x\r\nAccept-Language: en\r\n\r\n", 400, .en),
        ("GET / HTTP/1.1\r\nHost : x\r\n\r\nAccept-Language: en\r\n\r\n", 400, .zh),
        ("GET / HTTP/1.1\r\nX: a\nAccept-Language: en\r\nHost : x\r\n\r\n", 400, .zh),
        ("GET / HTTP/1.1\r\nAccept-Language : en\r\n\r\n", 400, .zh),
        ("GET / HTTP/1.1\r\nHost : x\r\nAccept-Language: en", 400, .zh),
        ("GET / HTTP/3.0\r\nAccept-Language: en\r\n\r\n", 505, .en),
        ("GET / HTTP/3.0\r\nAccept-Language: zh-CN, en;q=0.9\r\n\r\n", 505, .zh),
        ("GET / HTTP/3.0\r\n\r\n", 505, .zh),
        // The head parsed: its field decides.
        ("GET /a/%2e%2e/b HTTP/1.1\r\nHost: x\r\nAccept-Language: en\r\n\r\n", 400, .en),
        ("POST / HTTP/1.1\r\nHost: x\r\nAccept-Language: en\r\nContent-Length: 99999999\r\n\r\n", 413, .en),
        ("POST / HTTP/1.1\r\nHost: x\r\nAccept-Language: en\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400, .en),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400, .zh),
    ])
    func aRefusalIsInTheLanguageOfWhatWasReadOfTheHead(request: String, status: Int, language: ResponseLanguage) {
        var machine = self.machine()
        self.receive(&machine, request)
        guard case .fail(let error, let answered) = machine.nextAction(now: self.start) else {
            Issue.record("expected fail")
            return
        }
        #expect(error.status == status)
        #expect(answered == language)
    }

    @Test func aBodyTooSlowIs408InTheLanguageOfItsHead() {
        var machine = self.machine()
        self.receive(&machine, "POST / HTTP/1.1\r\nHost: x\r\nAccept-Language: en\r\nContent-Length: 5\r\n\r\nab")
        guard case .readMore = machine.nextAction(now: self.start) else { Issue.record("expected readMore"); return }
        guard case .fail(let error, let language) = machine.timeoutTriggered(now: self.start + .seconds(10)) else {
            Issue.record("expected 408")
            return
        }
        #expect(error.status == 408)
        #expect(language == .en)
    }
}
