import HTTP1
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

    /// What ``stop(graceful:)`` asked for, held in ``stopRequest``: it only ever rises.
    enum StopRequest: Int {
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
    let completions = CompletionQueue()
    let stopRequest = Atomic<Int>(StopRequest.none.rawValue)
    let requestIDPrefix: String
    let listenerInterest: Selector.Interest
    /// Fields on every response: `Strict-Transport-Security` when serving TLS.
    let serverFields: [(name: String, value: String)]
    /// Parsing limits with room for the largest body any route takes.
    let parserLimits: HTTPLimits
    let hasBodyLimitOverrides: Bool

    // protected by: the loop thread
    var connections = ConnectionTable()
    /// The time the current round of events started (and again when its responses are sent):
    /// read once per round, not once per request. Deadlines and latencies are this precise.
    private(set) var roundNow = ContinuousClock.now
    /// `roundNow` as seconds since the loop was made, for latencies: converting a `Duration` to a
    /// number costs a 128-bit division, which is done once per round instead of once per request.
    private(set) var roundSeconds = 0.0
    private let epoch = ContinuousClock.now
    /// Requests counted since the last hand-over to ``metrics``: one lock per round, not per
    /// request.
    var tally = RequestTally()
    /// Descriptors watched for services: which service, and for what.
    var serviceDescriptors: [Int32: (service: Int, interest: Selector.Interest)] = [:]
    /// Responses given on the loop thread itself (deferred routes): sent after the round.
    var localCompletions: [Completion] = []
    var nextConnectionID: UInt64 = 1
    var requestCounter: UInt64 = 0
    var isAccepting = true
    var acceptResumeAt: ContinuousClock.Instant?
    var isListenerClosed = false
    private(set) var drainDeadline: ContinuousClock.Instant?
    private var lastSweep = ContinuousClock.now
    var dateSecond = -1
    var dateText = ""
    let scratch: UnsafeMutableRawBufferPointer

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
}
