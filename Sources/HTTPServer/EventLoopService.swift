#if canImport(Glibc)
    import Glibc
#endif

/// Work an event loop drives besides HTTP connections: descriptors it watches for the service
/// (database connections in non-blocking mode, say), a hook after each round of events, and a
/// periodic tick. Every call arrives on the loop's thread, so nothing here may block.
public protocol EventLoopService: AnyObject {
    /// The loop is starting; register descriptors through `loop`, which stays valid until
    /// ``stop()``.
    func start(_ loop: EventLoopHandle)
    /// A descriptor this service watches is ready.
    func ready(descriptor: Int32, readable: Bool, writable: Bool)
    /// A round of events was handled: send what it queued.
    func endOfRound()
    /// Called about every 100 ms: deadlines, reconnections.
    func tick(now: ContinuousClock.Instant)
    /// The loop is stopping: close descriptors (unwatch them first) and fail what is pending.
    func stop()
}

/// A service's access to its event loop. Use it only on the loop's thread.
public struct EventLoopHandle {
    unowned let loop: EventLoop
    let service: Int

    /// Watches `descriptor` for readability and/or writability (replacing what it was watched
    /// for). Both false keeps it registered but silent.
    ///
    /// - Throws: ``IOError`` if epoll refuses the descriptor.
    public func watch(_ descriptor: Int32, read: Bool, write: Bool) throws {
        var interest = Selector.Interest.none
        if read { interest.insert(.read) }
        if write { interest.insert(.write) }
        try self.loop.watch(descriptor, interest: interest, service: self.service)
    }

    /// Stops watching `descriptor`; call before closing it.
    public func unwatch(_ descriptor: Int32) {
        self.loop.unwatch(descriptor)
    }
}

/// Answers a request whose route is deferred (``Router/addDeferred(_:_:maxBodyBytes:_:)``).
/// Call ``respond(_:)`` exactly once; later calls are ignored. On the loop thread the response goes out after the
/// current round of events without a wake-up; from any other thread it is handed over like a
/// handler thread's.
public struct HTTPResponder: Sendable {
    let loop: EventLoop
    let descriptor: Int32
    let connectionID: UInt64
    let request: UInt64
    let route: String
    /// The request's ID, for logs.
    public let requestID: String
    /// The request's fields: an error answer is in the language they ask for.
    let headers: HTTPHeaders

    /// Sends `response`.
    public func respond(_ response: HTTPResponse) {
        self.loop.deliver(
            EventLoop.Completion(
                descriptor: self.descriptor,
                connectionID: self.connectionID,
                request: self.request,
                response: response
            )
        )
    }

    /// Sends the response for `error`: its own for an ``HTTPResponseError``; otherwise a 500
    /// with no details (in the request's language), which go to the log with the request ID.
    public func respond(error: any Error) {
        self.respond(
            self.loop.errorResponse(error, requestID: self.requestID, route: self.route, headers: self.headers)
        )
    }
}

/// An object confined to the event loop (a service, a pipeline), made capturable by the
/// `@Sendable` closures of deferred routes. Read ``value`` only on the loop thread: inside a
/// deferred handler or a completion the loop runs. Debug builds check it.
public struct LoopBound<Value: AnyObject>: @unchecked Sendable {
    // @unchecked: the wrapped object is created before the loop starts and used only on the
    // loop thread afterwards (asserted in `value`); the thread start orders the two.
    private let wrapped: Value

    public init(_ value: Value) {
        self.wrapped = value
    }

    /// The object. Loop thread only.
    public var value: Value {
        assert(EventLoop.isLoopThread, "a LoopBound value was read off its event loop's thread")
        return self.wrapped
    }
}
