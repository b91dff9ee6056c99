import CSystem
import HTTP1
import Locks
import Logging
import Synchronization
import TLS

#if canImport(Glibc)
    import Glibc
#endif

/// One worker's event loop: a thread that owns the listening socket, every connection and the
/// epoll instance. Handlers that may block run on the ``HandlerPool``; their responses come
/// back through ``complete(_:)`` and an eventfd wake-up. Nothing on this thread blocks.
final class EventLoop: @unchecked Sendable {
    // @unchecked: every stored property is either immutable, locked (`completions`) or atomic
    // (`stopRequest`), or touched only by the loop thread inside `run()` (marked below). The
    // services are handed over before the loop thread starts and used only on it afterwards.

    /// A response computed on a handler thread, on its way back to its connection.
    struct Completion: Sendable {
        var descriptor: Int32
        var connectionID: UInt64
        /// Which of the connection's requests this answers (``HTTPConnection/dispatched``).
        var request: UInt64
        var response: HTTPResponse
    }

    private enum StopRequest: Int {
        case none = 0
        case graceful = 1
        case immediate = 2
    }

    let selector: Selector
    let listener: ListeningSocket
    let router: Router
    let handlers: HandlerPool
    let configuration: ServerConfiguration
    let metrics: ServerMetrics
    let logger: Logger
    let tlsContext: TLSContext?
    let services: [any EventLoopService]

    /// Responses from handler threads, and whether the loop has closed its wake-up descriptor.
    /// Both under one lock: a late handler must never write to a closed descriptor, whose number
    /// may already belong to another socket.
    private let completions = CompletionQueue()
    private let stopRequest = Atomic<Int>(StopRequest.none.rawValue)
    private let requestIDPrefix: String
    private let listenerInterest: Selector.Interest
    /// Fields on every response: `Strict-Transport-Security` when serving TLS.
    private let serverFields: [(name: String, value: String)]
    /// Parsing limits with room for the largest body any route takes.
    private let parserLimits: HTTPLimits
    private let hasBodyLimitOverrides: Bool

    // protected by: the loop thread
    private var connections = ConnectionTable()
    /// The time the current round of events started (and again when its responses are sent):
    /// read once per round, not once per request. Deadlines and latencies are this precise.
    private var roundNow = ContinuousClock.now
    /// `roundNow` as seconds since the loop was made, for latencies: converting a `Duration` to a
    /// number costs a 128-bit division, which is done once per round instead of once per request.
    private var roundSeconds = 0.0
    private let epoch = ContinuousClock.now
    /// Requests counted since the last hand-over to ``metrics``: one lock per round, not per
    /// request.
    private var tally = RequestTally()
    /// Descriptors watched for services: which service, and for what.
    private var serviceDescriptors: [Int32: (service: Int, interest: Selector.Interest)] = [:]
    /// Responses given on the loop thread itself (deferred routes): sent after the round.
    private var localCompletions: [Completion] = []
    private var nextConnectionID: UInt64 = 1
    private var requestCounter: UInt64 = 0
    private var isAccepting = true
    private var acceptResumeAt: ContinuousClock.Instant?
    private var isListenerClosed = false
    private var drainDeadline: ContinuousClock.Instant?
    private var lastSweep = ContinuousClock.now
    private var dateSecond = -1
    private var dateText = ""
    private let scratch: UnsafeMutableRawBufferPointer

    init(
        listener: ListeningSocket,
        router: Router,
        handlers: HandlerPool,
        configuration: ServerConfiguration,
        metrics: ServerMetrics,
        logger: Logger,
        tlsContext: TLSContext?,
        services: [any EventLoopService] = []
    ) throws {
        self.selector = try Selector()
        self.listener = listener
        self.router = router
        self.handlers = handlers
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
        self.tlsContext = tlsContext
        // Two years, Mozilla's recommendation (https://wiki.mozilla.org/Security/Server_Side_TLS):
        // a browser that has been here over TLS never tries plain HTTP for this host again
        // (RFC 6797 §6.1.1). Over plain HTTP the field would be ignored (§8.1), so it is not sent.
        self.serverFields = tlsContext == nil ? [] : [("Strict-Transport-Security", "max-age=63072000")]
        self.services = services
        self.scratch = .allocate(byteCount: 64 * 1024, alignment: 16)
        var parserLimits = configuration.limits
        parserLimits.maxBodyLength = router.largestBodyLimit(fallback: configuration.limits.maxBodyLength)
        self.parserLimits = parserLimits
        self.hasBodyLimitOverrides = parserLimits.maxBodyLength != configuration.limits.maxBodyLength
        var random = SystemRandomNumberGenerator()
        self.requestIDPrefix = String(random.next() & 0xFF_FFFF, radix: 16)
        self.listenerInterest = listener.isInherited ? [.read, .exclusive] : .read
        try self.selector.register(listener.descriptor, interest: self.listenerInterest)
    }

    deinit {
        self.scratch.deallocate()
    }

    // MARK: Cross-thread entry points

    /// Marks the threads that run an event loop, for ``isLoopThread``.
    private static let loopThreadKey: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "pthread_key_create failed")
        return key
    }()

    /// Whether the calling thread runs an event loop.
    static var isLoopThread: Bool {
        pthread_getspecific(Self.loopThreadKey) != nil
    }

    /// Whether the calling thread runs this loop.
    private var isOwnThread: Bool {
        pthread_getspecific(Self.loopThreadKey) == Unmanaged.passUnretained(self).toOpaque()
    }

    /// Hands a response to the loop: straight into the round's list on the loop thread, else
    /// through ``complete(_:)``.
    func deliver(_ completion: Completion) {
        if self.isOwnThread {
            self.localCompletions.append(completion)
        } else {
            self.complete(completion)
        }
    }

    /// Hands a handler's response back to the loop. Any thread.
    func complete(_ completion: Completion) {
        self.completions.withLock { state in
            guard !state.isClosed else { return }
            state.pending.append(completion)
            // One wake-up per batch: the loop takes the whole list after each wake-up, so a list
            // that was already non-empty has a wake-up on its way.
            if state.pending.count == 1 {
                Selector.wake(self.selector.wakeDescriptor)
            }
        }
    }

    /// Asks the loop to stop: gracefully (stop accepting, finish in-flight requests within the
    /// drain timeout, close idle connections) or at once. Any thread.
    func stop(graceful: Bool) {
        let request = graceful ? StopRequest.graceful : StopRequest.immediate
        _ = self.stopRequest.max(request.rawValue, ordering: .relaxed)
        self.completions.withLock { state in
            if !state.isClosed {
                Selector.wake(self.selector.wakeDescriptor)
            }
        }
    }

    // MARK: The loop

    /// Runs until stopped. Called once, on the loop's own thread.
    func run() {
        pthread_setspecific(Self.loopThreadKey, Unmanaged.passUnretained(self).toOpaque())
        defer { pthread_setspecific(Self.loopThreadKey, nil) }
        for (index, service) in self.services.enumerated() {
            service.start(EventLoopHandle(loop: self, service: index))
        }
        while true {
            let now = ContinuousClock.now
            if self.shouldExit(now: now) {
                break
            }
            let isQuiet = self.connections.isEmpty && self.drainDeadline == nil && self.services.isEmpty
            do {
                var isStamped = false
                try self.selector.wait(timeoutMilliseconds: isQuiet ? 1000 : 100) { event in
                    if !isStamped {
                        self.stampRound()
                        isStamped = true
                    }
                    self.handle(event)
                }
            } catch {
                self.logger.error("epoll_wait failed", metadata: ["error": "\(error)"])
                break
            }
            self.stampRound()
            self.finishRound()
            let after = self.roundNow
            if after - self.lastSweep >= .milliseconds(100) {
                self.lastSweep = after
                self.sweepTimeouts(now: after)
                self.resumeAcceptingIfDue(now: after)
                for service in self.services {
                    service.tick(now: after)
                }
                self.finishRound()
            }
        }
        for service in self.services {
            service.stop()
        }
        self.localCompletions = []
        for connection in self.connections.all {
            self.closeConnection(connection)
        }
        self.closeListener()
        self.completions.withLock { state in
            state.isClosed = true
            state.pending = []
        }
        self.selector.close()
    }

    private func stampRound() {
        self.roundNow = ContinuousClock.now
        let elapsed = (self.roundNow - self.epoch).components
        self.roundSeconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
    }

    private func shouldExit(now: ContinuousClock.Instant) -> Bool {
        switch StopRequest(rawValue: self.stopRequest.load(ordering: .relaxed)) ?? .immediate {
        case .none:
            return false
        case .immediate:
            return true
        case .graceful:
            if self.drainDeadline == nil {
                self.drainDeadline = now + self.configuration.drainTimeout
                self.closeListener()
            }
            // Kept-alive connections idle between requests are closed; the others finish their
            // request first. A connection accepted just before the drain that has not sent its
            // first request yet is not idle but early: closing it would fail a request the client
            // has every right to make, so it gets until the drain deadline.
            for connection in self.connections.all {
                if case .idle = connection.machine.state, connection.machine.bufferedByteCount == 0,
                    connection.machine.requestsServed > 0, !connection.hasPendingOutput
                {
                    self.closeConnection(connection)
                }
            }
            return self.connections.isEmpty || now >= self.drainDeadline!
        }
    }

    /// Sends the round's responses, then lets the services send what the round queued; their
    /// failures can answer more requests, whose connections can dispatch more, so repeat until
    /// nothing is left.
    private func finishRound() {
        repeat {
            self.drainCompletions()
            for service in self.services {
                service.endOfRound()
            }
        } while !self.localCompletions.isEmpty
        self.metrics.merge(&self.tally)
    }

    private func handle(_ event: Selector.Event) {
        if event.descriptor == self.listener.descriptor && !self.isListenerClosed {
            self.acceptConnections()
            return
        }
        if let watched = self.serviceDescriptors[event.descriptor] {
            self.services[watched.service].ready(
                descriptor: event.descriptor,
                readable: event.isReadable || event.isHangUp,
                writable: event.isWritable || event.isHangUp
            )
            return
        }
        guard let connection = self.connections[event.descriptor] else { return }
        if event.isWritable {
            self.writeReady(connection)
        }
        if (event.isReadable || event.isHangUp) && self.connections[event.descriptor] === connection {
            self.readReady(connection)
        }
    }

    // MARK: Accepting

    private func acceptConnections() {
        for _ in 0..<64 {
            guard self.connections.count < self.configuration.maxConnections else {
                self.pauseAccepting(until: nil)
                return
            }
            let accepted: IOResult<(Int32, String)>
            do {
                accepted = try Posix.accept4(descriptor: self.listener.descriptor)
            } catch let error as IOError {
                switch error.errnoCode {
                case ECONNABORTED, EPROTO, EPERM:
                    continue
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    // Out of descriptors: stop accepting for a moment instead of spinning on a
                    // listener that stays readable.
                    self.logger.warning("accept paused", metadata: ["error": "\(error)"])
                    self.pauseAccepting(until: ContinuousClock.now + .milliseconds(100))
                    return
                default:
                    self.logger.error("accept failed", metadata: ["error": "\(error)"])
                    return
                }
            } catch {
                return
            }
            guard case .processed(let (descriptor, address)) = accepted else { return }
            self.adopt(descriptor: descriptor, address: address)
        }
    }

    private func adopt(descriptor: Int32, address: String) {
        // best effort: a socket without TCP_NODELAY still works, only slower for small writes
        try? Posix.setOption(
            descriptor: descriptor,
            level: Int32(IPPROTO_TCP),
            name: csystem_tcp_nodelay(),
            value: 1,
            label: "TCP_NODELAY"
        )
        let now = ContinuousClock.now
        let machine = HTTPConnectionStateMachine(
            limits: self.parserLimits,
            timeouts: .init(
                headerRead: self.configuration.headerReadTimeout,
                bodyIdle: self.configuration.bodyIdleTimeout,
                bodyTotal: self.configuration.bodyTotalTimeout,
                writeIdle: self.configuration.writeIdleTimeout,
                keepAliveIdle: self.configuration.keepAliveIdleTimeout
            ),
            maxRequests: self.configuration.maxRequestsPerConnection,
            maxPipelinedBytes: self.configuration.maxPipelinedBytes,
            bodyLimit: self.hasBodyLimitOverrides
                ? { [unowned self] head, target in self.routeBodyLimit(head, target) } : nil,
            now: now
        )
        let connection = HTTPConnection(
            descriptor: descriptor,
            id: self.nextConnectionID,
            remoteAddress: address,
            machine: machine
        )
        self.nextConnectionID += 1
        if let context = self.tlsContext {
            do {
                connection.tls = try TLSSession(context: context)
                connection.handshakeDeadline = now + self.configuration.tlsHandshakeTimeout
            } catch {
                self.logger.error("TLS session failed", metadata: ["error": "\(error)"])
                Posix.close(descriptor: descriptor)
                return
            }
        }
        do {
            try self.selector.register(descriptor, interest: .read)
        } catch {
            Posix.close(descriptor: descriptor)
            return
        }
        self.connections[descriptor] = connection
        self.metrics.openConnections.add(1, ordering: .relaxed)
        self.metrics.acceptedConnections.add(1, ordering: .relaxed)
    }

    private func pauseAccepting(until instant: ContinuousClock.Instant?) {
        guard self.isAccepting, !self.isListenerClosed else { return }
        self.isAccepting = false
        self.acceptResumeAt = instant
        // DEL and ADD rather than MOD: EPOLLEXCLUSIVE registrations cannot be modified.
        self.selector.deregister(self.listener.descriptor)
    }

    private func resumeAcceptingIfDue(now: ContinuousClock.Instant) {
        guard !self.isAccepting, !self.isListenerClosed, self.connections.count < self.configuration.maxConnections
        else {
            return
        }
        if let resumeAt = self.acceptResumeAt, resumeAt > now {
            return
        }
        self.isAccepting = true
        self.acceptResumeAt = nil
        do {
            try self.selector.register(self.listener.descriptor, interest: self.listenerInterest)
        } catch {
            // Try again at the next sweep.
            self.isAccepting = false
        }
    }

    private func closeListener() {
        guard !self.isListenerClosed else { return }
        self.isListenerClosed = true
        if self.isAccepting {
            self.selector.deregister(self.listener.descriptor)
        }
        self.listener.close()
    }

    // MARK: Reading and writing

    private func readReady(_ connection: HTTPConnection) {
        if connection.lingerUntil != nil {
            self.drainLingering(connection)
            return
        }
        let result: IOResult<Int>
        do {
            result = try Posix.read(descriptor: connection.descriptor, into: self.scratch)
        } catch {
            self.closeConnection(connection)
            return
        }
        switch result {
        case .wouldBlock:
            return
        case .processed(0):
            if connection.tls != nil && !(connection.tls?.isHandshakeComplete ?? false) {
                self.closeConnection(connection)
                return
            }
            switch connection.machine.peerClosed() {
            case .close:
                self.closeConnection(connection)
            default:
                // A request is in progress: stop reading, answer it, then close.
                self.setInterest(connection, connection.hasPendingOutput ? .write : .none)
            }
        case .processed(let count):
            let bytes = UnsafeRawBufferPointer(rebasing: self.scratch[0..<count])
            if connection.tls != nil {
                self.receiveCiphertext(connection, bytes)
            } else {
                connection.machine.bytesReceived(bytes)
                self.drive(connection)
            }
        }
    }

    private func writeReady(_ connection: HTTPConnection) {
        guard self.flush(connection) else { return }
        self.afterFlush(connection)
    }

    /// Writes pending output. Returns `true` if it all went out; closes the connection and
    /// returns `false` on a write error.
    private func flush(_ connection: HTTPConnection) -> Bool {
        do {
            if try connection.flush() {
                return true
            }
            connection.machine.writeProgressed(now: self.roundNow)
            self.setInterest(connection, .write)
            return false
        } catch {
            // EPIPE, ECONNRESET: the peer went away mid-response.
            self.closeConnection(connection)
            return false
        }
    }

    /// Everything pending was written: finish the response and look at what came next.
    private func afterFlush(_ connection: HTTPConnection) {
        if connection.closeAfterWrite {
            if connection.lingerAfterWrite {
                self.closeLingering(connection)
            } else {
                self.closeConnection(connection)
            }
            return
        }
        if case .writing = connection.machine.state {
            if case .close = connection.machine.writeCompleted(now: self.roundNow) {
                self.closeConnection(connection)
                return
            }
            connection.machine.compact()
        }
        self.drive(connection)
    }

    /// Runs the state machine until it waits for the network or the handler.
    private func drive(_ connection: HTTPConnection) {
        while self.connections[connection.descriptor] === connection {
            if connection.hasPendingOutput {
                self.setInterest(connection, .write)
                return
            }
            let now = self.roundNow
            switch connection.machine.nextAction(now: now) {
            case .readMore:
                self.setInterest(connection, connection.machine.isPeerClosed ? .none : .read)
                return
            case .pauseReading:
                self.setInterest(connection, .none)
                return
            case .close:
                self.closeConnection(connection)
                return
            case .sendContinue:
                self.enqueue(connection, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8), body: [])
                guard self.flush(connection) else { return }
            case .fail(let error, let language):
                self.writeErrorAndClose(connection, error, language: language)
                return
            case .dispatch:
                self.dispatch(connection, connection.machine.takeRequest())
            }
        }
    }

    private func setInterest(_ connection: HTTPConnection, _ interest: Selector.Interest) {
        guard connection.interest != interest else { return }
        do {
            try self.selector.reregister(connection.descriptor, interest: interest)
            connection.interest = interest
        } catch {
            self.closeConnection(connection)
        }
    }

    private func closeConnection(_ connection: HTTPConnection) {
        guard self.connections[connection.descriptor] === connection else { return }
        if let tls = connection.tls, tls.isHandshakeComplete {
            // close_notify (RFC 8446 §6.1), sent best effort: the socket closes right after.
            tls.shutdown()
            var alert: [UInt8] = []
            tls.takeCiphertext(into: &alert)
            _ = try? alert.withUnsafeBytes { try Posix.write(descriptor: connection.descriptor, $0) }
        }
        connection.machine.closed()
        self.connections[connection.descriptor] = nil
        self.selector.deregister(connection.descriptor)
        Posix.close(descriptor: connection.descriptor)
        self.metrics.openConnections.subtract(1, ordering: .relaxed)
        if !self.isAccepting && self.acceptResumeAt == nil {
            self.resumeAcceptingIfDue(now: ContinuousClock.now)
        }
    }

    // MARK: Requests and responses

    private func dispatch(
        _ connection: HTTPConnection,
        _ complete: HTTPConnectionStateMachine.CompleteRequest
    ) {
        let head = complete.head
        let headers = HTTPHeaders(storage: complete.headBytes, fields: head.fields)
        let requestID = self.requestID(from: headers)
        connection.dispatched += 1
        connection.isHeadRequest = head.method == .head
        connection.isKeepAlive = head.isKeepAlive
        let requestTarget = complete.target
        var current = CurrentRequest(
            method: head.method,
            path: requestTarget.path,
            requestID: requestID,
            route: -1,
            routePattern: "-",
            started: self.roundSeconds
        )
        var request = HTTPRequest(
            method: head.method,
            version: head.version,
            target: requestTarget,
            headers: headers,
            body: complete.body,
            requestID: requestID,
            remoteAddress: connection.remoteAddress
        )
        switch self.router.match(method: head.method, segments: requestTarget.segments) {
        case .notFound:
            connection.current = current
            self.respond(
                connection,
                ServerProblem.notFound.response(language: headers.responseLanguage, requestID: requestID),
                keepAlive: head.isKeepAlive
            )
        case .methodNotAllowed(let allowed):
            connection.current = current
            let response = ServerProblem.methodNotAllowed.response(
                language: headers.responseLanguage,
                requestID: requestID,
                headers: [("Allow", allowed.map(\.rawValue).joined(separator: ", "))]
            )
            self.respond(connection, response, keepAlive: head.isKeepAlive)
        case .found(let route, let parameters):
            request.parameters = parameters
            current.route = route.index
            current.routePattern = route.patternText
            connection.current = current
            switch route.action {
            case .handler(let handler, .inline):
                let response = self.run(handler, route, request)
                self.respond(connection, response, keepAlive: head.isKeepAlive)
            case .deferred(let handler):
                handler(
                    request,
                    HTTPResponder(
                        loop: self,
                        descriptor: connection.descriptor,
                        connectionID: connection.id,
                        request: connection.dispatched,
                        route: route.patternText,
                        requestID: requestID,
                        headers: headers
                    )
                )
            case .handler(let handler, .pool):
                // A pipelined /metrics must count the requests answered before it.
                self.metrics.merge(&self.tally)
                let descriptor = connection.descriptor
                let id = connection.id
                let sequence = connection.dispatched
                let prepared = request
                let submitted = self.handlers.submit { [self] in
                    let response = self.run(handler, route, prepared)
                    self.complete(
                        Completion(descriptor: descriptor, connectionID: id, request: sequence, response: response)
                    )
                }
                if !submitted {
                    self.metrics.recordBusy()
                    let response = ServerProblem.handlerQueueFull.response(
                        language: headers.responseLanguage,
                        requestID: requestID,
                        headers: [("Retry-After", "1")]
                    )
                    self.respond(connection, response, keepAlive: head.isKeepAlive)
                }
            }
        }
    }

    /// Runs a route's handler, turning errors into responses.
    private func run(_ handler: @escaping HTTPHandler, _ route: Router.Route, _ request: HTTPRequest) -> HTTPResponse {
        do {
            return try self.router.run(handler, request)
        } catch {
            return self.errorResponse(
                error,
                requestID: request.requestID,
                route: route.patternText,
                headers: request.headers
            )
        }
    }

    /// The response for a handler's error: its own for an ``HTTPResponseError``; otherwise a
    /// 500 without internals in the language `headers` ask for, the details logged with the
    /// request ID. Any thread.
    func errorResponse(_ error: any Error, requestID: String, route: String, headers: HTTPHeaders) -> HTTPResponse {
        if let error = error as? any HTTPResponseError {
            return error.response(requestID: requestID)
        }
        self.logger.error(
            "handler failed",
            metadata: ["request_id": "\(requestID)", "route": "\(route)", "error": "\(error)"]
        )
        return ServerProblem.internalError.response(language: headers.responseLanguage, requestID: requestID)
    }

    // MARK: Services

    /// Registers or modifies a service's descriptor. libpq may have replaced its socket by one
    /// with the same number (the old registration vanished with the old socket): then modifying
    /// fails with ENOENT and the descriptor is added afresh.
    func watch(_ descriptor: Int32, interest: Selector.Interest, service: Int) throws {
        var code = self.selector.control(
            self.serviceDescriptors[descriptor] == nil ? EPOLL_CTL_ADD : EPOLL_CTL_MOD,
            descriptor,
            interest: interest
        )
        if code == ENOENT {
            code = self.selector.control(EPOLL_CTL_ADD, descriptor, interest: interest)
        } else if code == EEXIST {
            code = self.selector.control(EPOLL_CTL_MOD, descriptor, interest: interest)
        }
        guard code == 0 else {
            self.serviceDescriptors[descriptor] = nil
            throw IOError(errnoCode: code, call: "epoll_ctl(service descriptor)")
        }
        self.serviceDescriptors[descriptor] = (service, interest)
    }

    /// Forgets a service's descriptor. It may already be closed (libpq closes a broken
    /// connection's socket itself), which also removed it from epoll: errors are expected.
    func unwatch(_ descriptor: Int32) {
        guard self.serviceDescriptors.removeValue(forKey: descriptor) != nil else { return }
        _ = self.selector.control(EPOLL_CTL_DEL, descriptor, interest: .none)
    }

    /// Sends the responses waiting: from handler threads, then from the loop itself. Each list
    /// is swapped out whole, neither copied nor concatenated.
    private func drainCompletions() {
        var remote: [Completion] = []
        self.completions.withLock { state in swap(&remote, &state.pending) }
        for completion in remote {
            self.deliverNow(completion)
        }
        var local: [Completion] = []
        swap(&local, &self.localCompletions)
        for completion in local {
            self.deliverNow(completion)
        }
    }

    private func deliverNow(_ completion: Completion) {
        // The connection must still be the same one, waiting for this very request: a
        // deferred handler that answers twice must not answer the next request.
        guard let connection = self.connections[completion.descriptor], connection.id == completion.connectionID,
            connection.dispatched == completion.request, case .awaitingResponse = connection.machine.state
        else {
            return
        }
        self.respond(connection, completion.response, keepAlive: true)
        if self.connections[connection.descriptor] === connection && !connection.hasPendingOutput {
            self.drive(connection)
        }
    }

    /// Serializes `response` and starts writing it.
    private func respond(_ connection: HTTPConnection, _ response: HTTPResponse, keepAlive requested: Bool) {
        let now = self.roundNow
        // While draining, every response closes its connection.
        let keepAlive = requested && connection.isKeepAlive && self.drainDeadline == nil
        let closeAfter = connection.machine.responseStarted(keepAlive: keepAlive, now: now)
        var head = connection.tls == nil && connection.output.isEmpty ? connection.takeSpareBuffer() : []
        HTTPResponseWriter.writeHead(
            status: response.status,
            headers: response.headers,
            contentLength: response.body.count,
            serverFields: self.serverFields,
            extraField: (connection.current?.requestID).map { ("X-Request-ID", $0) },
            date: self.currentDate(),
            close: closeAfter,
            into: &head
        )
        self.enqueue(connection, head, body: connection.isHeadRequest ? [] : response.body)
        self.logRequest(connection, status: response.status, bytes: response.body.count)
        guard self.flush(connection) else { return }
        if case .close = connection.machine.writeCompleted(now: now) {
            self.closeConnection(connection)
            return
        }
        connection.machine.compact()
    }

    /// Writes the answer to a refused request, in `language`, with `Connection: close` and
    /// closes after it.
    private func writeErrorAndClose(_ connection: HTTPConnection, _ error: HTTPParseError, language: ResponseLanguage) {
        connection.machine.closed()
        connection.closeAfterWrite = true
        connection.lingerAfterWrite = true
        let requestID = self.nextRequestID()
        let status = error.status
        let response = ServerProblem(error).response(language: language, requestID: requestID)
        var head: [UInt8] = []
        HTTPResponseWriter.writeHead(
            status: status,
            headers: response.headers,
            contentLength: response.body.count,
            serverFields: self.serverFields,
            extraField: ("X-Request-ID", requestID),
            date: self.currentDate(),
            close: true,
            into: &head
        )
        self.enqueue(connection, head, body: response.body)
        if self.configuration.isAccessLogEnabled {
            self.logger.info(
                "refused request",
                metadata: [
                    "request_id": "\(requestID)", "status": "\(status)", "reason": "\(error.reason)",
                    "remote": "\(connection.remoteAddress)",
                ]
            )
        }
        self.tally.record(route: -1, status: status, seconds: 0)
        guard self.flush(connection) else { return }
        self.closeLingering(connection)
    }

    /// Closes after an answer given before the request was read whole (a 413 on its announced
    /// length, a 400 mid-body). Closing a socket with unread input resets the connection, and
    /// the reset can destroy the answer before the client reads it (RFC 9112 §9.6): so the
    /// write side is shut, and what still arrives is read and dropped until the client closes,
    /// `lingerTimeout` passes or `lingerBytes` have been dropped. TLS connections close at once
    /// (their close_notify went out).
    private func closeLingering(_ connection: HTTPConnection) {
        guard connection.tls == nil, self.configuration.lingerTimeout > .zero else {
            self.closeConnection(connection)
            return
        }
        guard Glibc.shutdown(connection.descriptor, Int32(SHUT_WR)) == 0 else {
            self.closeConnection(connection)
            return
        }
        connection.lingerUntil = ContinuousClock.now + self.configuration.lingerTimeout
        connection.lingerBudget = self.configuration.lingerBytes
        self.setInterest(connection, .read)
    }

    /// Reads and drops what a lingering connection receives; closes it at its end or budget.
    private func drainLingering(_ connection: HTTPConnection) {
        let result = try? Posix.read(descriptor: connection.descriptor, into: self.scratch)
        switch result {
        case .wouldBlock:
            return
        case .processed(let count) where count > 0:
            connection.lingerBudget -= count
            if connection.lingerBudget <= 0 {
                self.closeConnection(connection)
            }
        default:
            self.closeConnection(connection)
        }
    }

    private func enqueue(_ connection: HTTPConnection, _ head: [UInt8], body: [UInt8]) {
        if let tls = connection.tls {
            do {
                try head.withUnsafeBytes { try tls.write($0) }
                if !body.isEmpty {
                    try body.withUnsafeBytes { try tls.write($0) }
                }
                tls.takeCiphertext(into: &connection.output)
            } catch {
                connection.closeAfterWrite = true
            }
            return
        }
        if connection.output.isEmpty {
            connection.output = head
        } else {
            connection.output.append(contentsOf: head)
        }
        connection.outputBody = body
    }

    private func logRequest(_ connection: HTTPConnection, status: Int, bytes: Int) {
        guard let current = connection.current else { return }
        let seconds = max(0, self.roundSeconds - current.started)
        self.tally.record(route: current.route, status: status, seconds: seconds)
        if self.configuration.isAccessLogEnabled {
            self.logger.info(
                "\(current.method.rawValue) \(current.path) \(status)",
                metadata: [
                    "request_id": "\(current.requestID)", "status": "\(status)",
                    "duration_ms": "\(Int((seconds * 1000).rounded()))", "bytes": "\(bytes)",
                    "remote": "\(connection.remoteAddress)", "route": "\(current.routePattern)",
                ]
            )
        }
        connection.current = nil
    }

    // MARK: TLS

    private func receiveCiphertext(_ connection: HTTPConnection, _ bytes: UnsafeRawBufferPointer) {
        guard let tls = connection.tls else { return }
        tls.receiveCiphertext(bytes)
        var plaintext: [UInt8] = []
        var isClosed = false
        do {
            readLoop: while true {
                switch try tls.read(into: &plaintext) {
                case .progress:
                    continue
                case .incomplete:
                    break readLoop
                case .closed:
                    isClosed = true
                    break readLoop
                }
            }
        } catch {
            // A failed handshake or a bad record: send the alert, then close.
            tls.takeCiphertext(into: &connection.output)
            connection.closeAfterWrite = true
            if self.flush(connection) {
                self.closeConnection(connection)
            }
            return
        }
        if tls.isHandshakeComplete {
            connection.handshakeDeadline = nil
        }
        if tls.hasCiphertextToSend {
            tls.takeCiphertext(into: &connection.output)
            guard self.flush(connection) else { return }
        }
        if !plaintext.isEmpty {
            plaintext.withUnsafeBytes { connection.machine.bytesReceived($0) }
        }
        if isClosed {
            if case .close = connection.machine.peerClosed() {
                self.closeConnection(connection)
                return
            }
        }
        self.drive(connection)
    }

    // MARK: Timers and helpers

    /// The body limit of the route a head is for (routes may raise the default for uploads).
    private func routeBodyLimit(_ head: HTTPRequestHead, _ target: RequestTarget) -> Int {
        self.router.bodyLimit(
            method: head.method,
            segments: target.segments,
            fallback: self.configuration.limits.maxBodyLength
        )
    }

    private func sweepTimeouts(now: ContinuousClock.Instant) {
        for connection in self.connections.all {
            if let until = connection.lingerUntil {
                if until <= now { self.closeConnection(connection) }
                continue
            }
            if let deadline = connection.handshakeDeadline, deadline <= now {
                self.closeConnection(connection)
                continue
            }
            guard let deadline = connection.machine.deadline, deadline <= now else { continue }
            switch connection.machine.timeoutTriggered(now: now) {
            case .fail(let error, let language):
                self.writeErrorAndClose(connection, error, language: language)
            case .close:
                self.closeConnection(connection)
            case .readMore, .pauseReading, .dispatch, .sendContinue:
                break
            }
        }
    }

    private func currentDate() -> String {
        let second = time(nil)
        if second != self.dateSecond {
            self.dateSecond = second
            self.dateText = HTTPDate.format(secondsSince1970: second)
        }
        return self.dateText
    }

    /// `<prefix>-<counter in hex>`, written straight into the string's storage.
    private func nextRequestID() -> String {
        self.requestCounter += 1
        let counter = self.requestCounter
        let digits = max(1, (64 - counter.leadingZeroBitCount + 3) / 4)
        let prefix = self.requestIDPrefix.utf8
        return String(unsafeUninitializedCapacity: prefix.count + 1 + digits) { buffer in
            var index = 0
            for byte in prefix {
                buffer[index] = byte
                index += 1
            }
            buffer[index] = UInt8(ascii: "-")
            index += digits
            var rest = counter
            for position in stride(from: index, to: index - digits, by: -1) {
                buffer[position] = Self.hexDigits[Int(rest & 0xF)]
                rest >>= 4
            }
            return index + 1
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// The client's `X-Request-ID` if it is 1–64 characters of `[A-Za-z0-9._-]`, else a new one.
    private func requestID(from headers: HTTPHeaders) -> String {
        if let given = headers["X-Request-ID"], (1...64).contains(given.utf8.count),
            given.utf8.allSatisfy({ byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x2E || byte == 0x5F || byte == 0x2D
            })
        {
            return given
        }
        return self.nextRequestID()
    }
}

/// Responses from handler threads on their way to the loop, and whether the loop has closed
/// its wake-up descriptor. Guarded by a pthread mutex (``ConditionLock``), which
/// ThreadSanitizer sees as synchronisation.
final class CompletionQueue: @unchecked Sendable {
    // @unchecked: `state` is only touched inside `withLock`, under `lock`.
    struct State {
        var pending: [EventLoop.Completion] = []
        var isClosed = false
    }

    private let lock = ConditionLock()
    private var state = State()

    func withLock<R>(_ body: (inout State) throws -> R) rethrows -> R {
        try self.lock.withLock { try body(&self.state) }
    }
}
