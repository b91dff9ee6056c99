import HTTP1
public import Logging
import Synchronization
import TLS

#if canImport(Glibc)
    import Glibc
#endif

/// An HTTP/1.1 server for one worker process: one event-loop thread plus a pool of handler
/// threads.
///
/// `start()` binds (or adopts) the listening socket and starts the threads; `stop(graceful:)`
/// stops accepting, lets in-flight requests finish within the drain timeout and closes idle
/// connections; `waitUntilStopped()` returns when everything has stopped.
public final class HTTPServer: Sendable {
    public let configuration: ServerConfiguration
    public let metrics: ServerMetrics
    private let router: Router
    private let logger: Logger
    private let services: ServiceList
    private let state = Mutex<(loop: EventLoop?, thread: pthread_t?, handlers: HandlerPool?)>((nil, nil, nil))

    public init(
        configuration: ServerConfiguration,
        router: Router,
        logger: Logger,
        metrics: ServerMetrics = ServerMetrics(),
        services: [any EventLoopService] = []
    ) {
        self.configuration = configuration
        self.router = router
        self.logger = logger
        self.metrics = metrics
        self.services = ServiceList(services)
    }

    /// Binds and starts serving.
    ///
    /// - Returns: the port bound (useful with port 0).
    /// - Throws: ``IOError`` if the socket cannot be bound, ``TLSError`` if the certificate or key
    ///   cannot be loaded.
    @discardableResult
    public func start() throws -> Int {
        // A peer that resets a connection would otherwise kill the process on the next write.
        signal(SIGPIPE, SIG_IGN)
        let tlsContext = try self.configuration.tls.map { try TLSContext(configuration: $0) }
        let listener: ListeningSocket
        switch self.configuration.listen {
        case .bind(let host, let port):
            listener = try ListeningSocket(host: host, port: port, reusePort: true)
        case .inherited(let descriptor):
            listener = try ListeningSocket(adopting: descriptor)
        }
        self.metrics.setRoutes(self.router.routes.map { ($0.patternText, $0.method.rawValue) })
        let handlers = HandlerPool(
            threads: self.configuration.handlerThreads,
            queueCapacity: self.configuration.handlerQueueCapacity
        )
        let loop: EventLoop
        do {
            loop = try EventLoop(
                listener: listener,
                router: self.router,
                handlers: handlers,
                configuration: self.configuration,
                metrics: self.metrics,
                logger: self.logger,
                tlsContext: tlsContext,
                services: self.services.take()
            )
        } catch {
            listener.close()
            throw error
        }
        handlers.start()
        let box = Unmanaged.passRetained(loop)
        var thread = pthread_t()
        let rc = pthread_create(
            &thread,
            nil,
            { argument in
                let loop = Unmanaged<EventLoop>.fromOpaque(argument!).takeRetainedValue()
                loop.run()
                return nil
            },
            box.toOpaque()
        )
        precondition(rc == 0, "pthread_create failed: \(rc)")
        self.state.withLock { $0 = (loop, thread, handlers) }
        return listener.port
    }

    /// A listening socket for a supervisor to hand to its workers (they inherit it).
    ///
    /// - Returns: the descriptor (close-on-exec; the caller owns it) and the port bound.
    /// - Throws: ``IOError`` (address in use, not an address, …).
    public static func makeListeningSocket(host: String, port: Int) throws -> (descriptor: Int32, port: Int) {
        try ListeningSocket.bind(host: host, port: port, reusePort: false)
    }

    /// The handler queue's depth, for metrics.
    public var handlerQueueDepth: (queued: Int, running: Int) {
        self.state.withLock { $0.handlers }?.depth ?? (0, 0)
    }

    /// Asks the server to stop. Any thread.
    public func stop(graceful: Bool = true) {
        self.state.withLock { $0.loop }?.stop(graceful: graceful)
    }

    /// Blocks until the loop has stopped, then stops the handler threads.
    public func waitUntilStopped() {
        let (thread, handlers) = self.state.withLock { ($0.thread, $0.handlers) }
        if let thread {
            pthread_join(thread, nil)
        }
        handlers?.shutdown()
        self.state.withLock { $0 = (nil, nil, nil) }
    }
}

/// The services given to the server, until its loop takes them.
private final class ServiceList: @unchecked Sendable {
    // @unchecked: `services` is read and emptied under `lock`, once, in `start()`, before the
    // loop thread exists; from then on only that thread touches the services.
    private var services: [any EventLoopService]
    private let lock = Mutex(())

    init(_ services: [any EventLoopService]) {
        self.services = services
    }

    func take() -> [any EventLoopService] {
        self.lock.withLock { _ in
            defer { self.services = [] }
            return self.services
        }
    }
}
