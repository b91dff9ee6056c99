import HTTP1

/// One HTTP/1.1 connection's protocol state as a pure value: bytes and events in, actions out.
/// It makes no system calls and reads no clock (time is passed in), so it is tested without
/// sockets or sleeps.
///
/// The input buffer lives here; the event loop appends what it reads with
/// ``bytesReceived(_:)`` and then calls ``nextAction(now:)`` until it answers `readMore`,
/// `pauseReading` or `close`.
struct HTTPConnectionStateMachine {
    typealias Instant = ContinuousClock.Instant

    enum State {
        /// Waiting for the first byte of a request. Can transition to `readingHead` or `closed`.
        case idle(since: Instant)
        /// A head is arriving. Can transition to `readingBody`, `awaitingResponse` or `closed`.
        case readingHead(firstByteAt: Instant)
        /// A body is arriving. Can transition to `awaitingResponse` or `closed`.
        case readingBody(BodyProgress)
        /// A complete request is with its handler. Can transition to `writing`.
        case awaitingResponse
        /// The response is going out. Can transition to `idle` or `closed`.
        case writing(lastProgressAt: Instant, closeAfter: Bool)
        /// Nothing more happens on this connection.
        case closed
    }

    struct BodyProgress {
        var head: HTTPRequestHead
        var headBytes: [UInt8]
        var target: RequestTarget
        var body: [UInt8]
        var remaining: Int
        var chunked: ChunkedBodyDecoder?
        var startedAt: Instant
        var lastByteAt: Instant

        /// The request, once the whole body is here.
        var completed: CompleteRequest {
            CompleteRequest(head: self.head, headBytes: self.headBytes, target: self.target, body: self.body)
        }
    }

    /// A request whose head and body have fully arrived.
    struct CompleteRequest {
        /// The parsed head; its offsets index `headBytes`.
        var head: HTTPRequestHead
        var headBytes: [UInt8]
        /// The request-target, decoded once, here.
        var target: RequestTarget
        var body: [UInt8]
    }

    enum Action {
        /// Wait for more bytes.
        case readMore
        /// Take the request with ``takeRequest()``, hand it to its handler, then call
        /// ``responseStarted(keepAlive:now:)``. (The request waits in the machine rather than in
        /// this case's payload: moved out once, not copied field by field with the action.)
        case dispatch
        /// Write `HTTP/1.1 100 Continue` and keep reading.
        case sendContinue
        /// Answer with this error's status, in the language the request asked for as far as it
        /// could be read, and close.
        case fail(HTTPParseError, language: ResponseLanguage)
        /// A request is in progress and enough later bytes are buffered: stop reading.
        case pauseReading
        /// Close without answering.
        case close
    }

    /// The body limit for a request, decided when its head is complete (per route).
    typealias BodyLimit = (_ head: HTTPRequestHead, _ target: RequestTarget) -> Int

    struct Timeouts {
        var headerRead: Duration
        var bodyIdle: Duration
        var bodyTotal: Duration
        var writeIdle: Duration
        var keepAliveIdle: Duration
    }

    private(set) var state: State
    private var input: [UInt8] = []
    private var consumed = 0
    private var parser: HTTPRequestParser
    private let limits: HTTPLimits
    private let timeouts: Timeouts
    private let maxRequests: Int
    private let maxPipelinedBytes: Int
    private let bodyLimit: BodyLimit?
    private(set) var requestsServed = 0
    /// The request that `.dispatch` announced, until ``takeRequest()``.
    private var completed: CompleteRequest?
    /// The peer shut down its sending side; finish what is in progress, then close.
    private(set) var isPeerClosed = false

    /// - Parameters:
    ///   - limits: parsing limits; `maxBodyLength` must be the largest any route allows.
    ///   - bodyLimit: the limit for one request, if routes differ; `limits.maxBodyLength` if nil.
    init(
        limits: HTTPLimits,
        timeouts: Timeouts,
        maxRequests: Int,
        maxPipelinedBytes: Int,
        bodyLimit: BodyLimit? = nil,
        now: Instant
    ) {
        self.bodyLimit = bodyLimit
        self.state = .idle(since: now)
        self.parser = HTTPRequestParser(limits: limits)
        self.limits = limits
        self.timeouts = timeouts
        self.maxRequests = maxRequests
        self.maxPipelinedBytes = maxPipelinedBytes
    }

    /// Bytes not yet consumed by a request.
    var bufferedByteCount: Int { self.input.count - self.consumed }

    /// The request that the last `.dispatch` announced, moved out of the machine.
    mutating func takeRequest() -> CompleteRequest {
        guard let request = self.completed.take() else {
            preconditionFailure("takeRequest without a dispatch")
        }
        return request
    }

    /// Appends bytes read from the peer.
    mutating func bytesReceived(_ bytes: UnsafeRawBufferPointer) {
        if self.consumed > 0 && self.consumed == self.input.count {
            self.input.removeAll(keepingCapacity: true)
            self.consumed = 0
        }
        self.input.append(contentsOf: bytes)
    }

    /// The peer closed its side (read returned 0).
    mutating func peerClosed() -> Action {
        self.isPeerClosed = true
        switch self.state {
        case .idle, .readingHead, .readingBody, .closed:
            self.state = .closed
            return .close
        case .awaitingResponse, .writing:
            return .readMore
        }
    }

    /// What to do with what has arrived so far.
    mutating func nextAction(now: Instant) -> Action {
        switch self.state {
        case .idle:
            guard self.bufferedByteCount > 0 else {
                return self.isPeerClosed ? self.closeNow() : .readMore
            }
            self.state = .readingHead(firstByteAt: now)
            return self.parseHead(now: now)
        case .readingHead:
            return self.parseHead(now: now)
        case .readingBody(var progress):
            self.state = .awaitingResponse
            return self.continueBody(&progress, now: now)
        case .awaitingResponse, .writing:
            return self.bufferedByteCount > self.maxPipelinedBytes ? .pauseReading : .readMore
        case .closed:
            return .close
        }
    }

    /// The handler answered; the response is about to be written.
    ///
    /// - Parameter keepAlive: whether the request allows the connection to stay open.
    /// - Returns: whether to close after this response (send `Connection: close`).
    mutating func responseStarted(keepAlive: Bool, now: Instant) -> Bool {
        let closeAfter = !keepAlive || self.isPeerClosed || self.requestsServed + 1 >= self.maxRequests
        self.state = .writing(lastProgressAt: now, closeAfter: closeAfter)
        return closeAfter
    }

    /// Some response bytes went out.
    mutating func writeProgressed(now: Instant) {
        if case .writing(_, let closeAfter) = self.state {
            self.state = .writing(lastProgressAt: now, closeAfter: closeAfter)
        }
    }

    /// The whole response went out.
    ///
    /// - Returns: `.close` if the connection ends here, else `.readMore` (call
    ///   ``nextAction(now:)`` next: pipelined requests may be waiting).
    mutating func writeCompleted(now: Instant) -> Action {
        guard case .writing(_, let closeAfter) = self.state else {
            preconditionFailure("writeCompleted outside writing: \(self.state)")
        }
        self.requestsServed += 1
        if closeAfter {
            return self.closeNow()
        }
        self.state = .idle(since: now)
        return .readMore
    }

    /// When the current state's time runs out, if it can.
    var deadline: Instant? {
        switch self.state {
        case .idle(let since):
            return since + self.timeouts.keepAliveIdle
        case .readingHead(let firstByteAt):
            return firstByteAt + self.timeouts.headerRead
        case .readingBody(let progress):
            return min(progress.lastByteAt + self.timeouts.bodyIdle, progress.startedAt + self.timeouts.bodyTotal)
        case .writing(let lastProgressAt, _):
            return lastProgressAt + self.timeouts.writeIdle
        case .awaitingResponse, .closed:
            return nil
        }
    }

    /// The deadline passed.
    ///
    /// - Returns: `.fail` with 408 for a request that was arriving too slowly, `.close` for an
    ///   idle connection or a stalled write, `.readMore` if the deadline has not passed after all.
    mutating func timeoutTriggered(now: Instant) -> Action {
        guard let deadline = self.deadline, deadline <= now else {
            return .readMore
        }
        switch self.state {
        case .readingHead:
            let language = self.languageOfUnparsedHead()
            self.state = .closed
            return .fail(.requestTimedOut, language: language)
        case .readingBody(let progress):
            self.state = .closed
            return .fail(.requestTimedOut, language: Self.language(of: progress.head, in: progress.headBytes))
        case .idle, .writing, .awaitingResponse, .closed:
            return self.closeNow()
        }
    }

    /// An error was answered or the connection failed: no further events matter.
    mutating func closed() {
        self.state = .closed
    }

    // MARK: Parsing

    private mutating func closeNow() -> Action {
        self.state = .closed
        return .close
    }

    private mutating func parseHead(now: Instant) -> Action {
        let result = self.input.withUnsafeBytes { buffer in
            self.parser.parseHead(UnsafeRawBufferPointer(rebasing: buffer[self.consumed...]))
        }
        switch result {
        case .incomplete:
            return self.isPeerClosed ? self.closeNow() : .readMore
        case .invalid(let error):
            let language = self.languageOfUnparsedHead()
            self.state = .closed
            return .fail(error, language: language)
        case .complete(let head):
            self.parser.reset()
            let headBytes = Array(self.input[self.consumed..<(self.consumed + head.length)])
            self.consumed += head.length
            let parsed = headBytes.withUnsafeBytes {
                RequestTarget.parse(UnsafeRawBufferPointer(rebasing: $0[head.target]))
            }
            let target: RequestTarget
            switch parsed {
            case .success(let value):
                target = value
            case .failure(let error):
                self.state = .closed
                return .fail(error, language: Self.language(of: head, in: headBytes))
            }
            if head.framing == .none {
                self.state = .awaitingResponse
                self.completed = CompleteRequest(head: head, headBytes: headBytes, target: target, body: [])
                return .dispatch
            }
            var progress = BodyProgress(
                head: head,
                headBytes: headBytes,
                target: target,
                body: [],
                remaining: 0,
                chunked: nil,
                startedAt: now,
                lastByteAt: now
            )
            let limit = self.bodyLimit?(head, target) ?? self.limits.maxBodyLength
            switch head.framing {
            case .none:
                preconditionFailure("bodiless requests were dispatched above")
            case .contentLength(let length):
                guard length <= limit else {
                    self.state = .closed
                    return .fail(.bodyOverRouteLimit, language: Self.language(of: head, in: headBytes))
                }
                progress.remaining = length
                progress.body.reserveCapacity(length)
            case .chunked:
                var limits = self.limits
                limits.maxBodyLength = limit
                progress.chunked = ChunkedBodyDecoder(limits: limits)
            }
            if head.expectsContinue && self.bufferedByteCount == 0 {
                self.state = .readingBody(progress)
                return .sendContinue
            }
            self.state = .awaitingResponse
            return self.continueBody(&progress, now: now)
        }
    }

    /// Moves buffered bytes into the body. `state` is `awaitingResponse` while this runs (so the
    /// progress value is not shared) and is set to what follows.
    private mutating func continueBody(_ progress: inout BodyProgress, now: Instant) -> Action {
        let available = self.bufferedByteCount
        if var decoder = progress.chunked {
            let result = self.input.withUnsafeBytes { buffer in
                decoder.decode(UnsafeRawBufferPointer(rebasing: buffer[self.consumed...]), into: &progress.body)
            }
            progress.chunked = decoder
            switch result {
            case .invalid(let error):
                self.state = .closed
                return .fail(error, language: Self.language(of: progress.head, in: progress.headBytes))
            case .needMore(let used):
                self.consumed += used
                if used > 0 {
                    progress.lastByteAt = now
                }
                self.state = .readingBody(progress)
                return self.isPeerClosed ? self.closeNow() : .readMore
            case .done(let used):
                self.consumed += used
                self.completed = progress.completed
                return .dispatch
            }
        }
        let take = min(available, progress.remaining)
        if take > 0 {
            progress.body.append(contentsOf: self.input[self.consumed..<(self.consumed + take)])
            self.consumed += take
            progress.remaining -= take
            progress.lastByteAt = now
        }
        if progress.remaining == 0 {
            self.completed = progress.completed
            return .dispatch
        }
        self.state = .readingBody(progress)
        return self.isPeerClosed ? self.closeNow() : .readMore
    }

    // MARK: The language of an error answer

    /// The language for refusing a request whose head did not parse: from an `Accept-Language`
    /// line among the bytes received for it so far, of which at most a header section's worth
    /// (the most the parser accepts) is looked at.
    private func languageOfUnparsedHead() -> ResponseLanguage {
        self.input.withUnsafeBytes { buffer in
            let end = min(buffer.count, self.consumed + self.limits.maxHeaderSectionLength)
            return AcceptLanguage.preferred(
                inUnparsedHead: UnsafeRawBufferPointer(rebasing: buffer[self.consumed..<end])
            )
        }
    }

    /// The language a parsed head's `Accept-Language` asks for.
    private static func language(of head: HTTPRequestHead, in headBytes: [UInt8]) -> ResponseLanguage {
        headBytes.withUnsafeBytes { AcceptLanguage.preferred(head.value(of: "Accept-Language", in: $0)) }
    }

    /// Drops consumed bytes once they are a large share of the buffer.
    mutating func compact() {
        if self.consumed > 0 && (self.consumed == self.input.count || self.consumed > 16 * 1024) {
            self.input.removeFirst(self.consumed)
            self.consumed = 0
        }
    }
}

extension HTTPParseError {
    /// The head or the body did not arrive within its timeout.
    static let requestTimedOut = HTTPParseError(
        status: 408,
        reason: "request not received in time",
        chineseReason: "未能及时收到完整的请求"
    )
    /// A body announced larger than its route takes, refused before it is read.
    static let bodyOverRouteLimit = HTTPParseError(
        status: 413,
        reason: "request body too large",
        chineseReason: "请求内容超过此地址允许的大小"
    )
}
