import Locks

/// A bounded, blocking pool of connections for threads that may block (handler threads, the
/// scheduler), never for an event-loop thread.
///
/// - At most `maximumConnections` connections exist at once; they are opened lazily.
/// - `acquire` waits up to the acquire timeout for a free connection, then throws
///   ``ConnectionPoolError/Code/acquireTimeout``: exhaustion is an error, never a hang.
/// - An idle connection is checked before it is handed out and a released one is cleaned up; a
///   broken one is closed and its slot reopened on demand, so after the server restarts the
///   next acquire gets a fresh connection without restarting the process.
/// - Waiters are served first-in, first-out; a released connection goes straight to the
///   oldest waiter.
public final class ConnectionPool<Connection: PoolableConnection>: Sendable {
    /// Settings of a pool.
    public struct Configuration: Sendable {
        /// The most connections open at once.
        public var maximumConnections: Int
        /// How long `acquire` waits for a busy pool before it throws.
        public var acquireTimeout: Duration

        public init(maximumConnections: Int = 10, acquireTimeout: Duration = .seconds(5)) {
            self.maximumConnections = maximumConnections
            self.acquireTimeout = acquireTimeout
        }
    }

    /// A snapshot of the pool's counters, for metrics and tests.
    public struct Statistics: Sendable, Equatable {
        /// Connections open or opening, leased ones included.
        public var open: Int
        /// Connections idle in the pool.
        public var idle: Int
        /// Threads waiting in `acquire`.
        public var waiting: Int

        public init(open: Int, idle: Int, waiting: Int) {
            self.open = open
            self.idle = idle
            self.waiting = waiting
        }
    }

    /// One thread parked in `acquire`.
    private final class Waiter {
        let condition = ConditionLock.Condition()
        // guarded by: ConnectionPool.lock
        var wakeUp: PoolStateMachine<Connection>.WakeUp?
    }

    public let configuration: Configuration
    private let factory: @Sendable () throws -> Connection
    private let lock = ConditionLock()
    // guarded by: lock
    nonisolated(unsafe) private var state: PoolStateMachine<Connection>
    // guarded by: lock
    nonisolated(unsafe) private var waiters: [PoolStateMachine<Connection>.WaiterID: Waiter] = [:]

    /// Creates a pool that opens connections with `factory` when it needs them.
    ///
    /// - Parameters:
    ///   - configuration: size and timeout.
    ///   - factory: opens one connection; called on the acquiring thread, outside the lock.
    ///     Its errors are thrown from `acquire`.
    public init(configuration: Configuration, factory: @escaping @Sendable () throws -> Connection) {
        self.configuration = configuration
        self.factory = factory
        self.state = PoolStateMachine(maximumConnections: configuration.maximumConnections)
    }

    /// Takes a connection, waiting up to the configured acquire timeout.
    ///
    /// - Returns: a connection that the caller owns until it passes it to ``release(_:)``.
    /// - Throws: ``ConnectionPoolError`` on timeout or after ``close()``; the factory's error if
    ///   opening a new connection failed.
    public func acquire() throws -> Connection {
        try self.acquire(timeout: self.configuration.acquireTimeout)
    }

    /// Takes a connection, waiting up to `timeout`.
    public func acquire(timeout: Duration) throws -> Connection {
        let started = ContinuousClock.now
        let deadline = Deadline(after: timeout)
        while true {
            let action = self.lock.withLock { self.state.acquireRequested() }
            switch action {
            case .use(let connection):
                if connection.isHealthyForReuse() {
                    return connection
                }
                self.discard(connection)
            case .open:
                return try self.openConnection()
            case .fail(let code):
                throw ConnectionPoolError(
                    code: code,
                    maximumConnections: self.configuration.maximumConnections,
                    waited: ContinuousClock.now - started
                )
            case .wait:
                switch try self.waitForWakeUp(deadline: deadline, started: started) {
                case .connection(let connection):
                    // A connection handed over from a release was just cleaned up: no check.
                    return connection
                case .mayOpen:
                    return try self.openConnection()
                case .closed:
                    throw ConnectionPoolError(
                        code: .poolClosed,
                        maximumConnections: self.configuration.maximumConnections,
                        waited: ContinuousClock.now - started
                    )
                }
            }
        }
    }

    /// Gives a connection back. A connection that cannot be cleaned up is closed instead.
    public func release(_ connection: Connection) {
        guard connection.prepareForReuse() else {
            self.discard(connection)
            return
        }
        let action = self.lock.withLock { self.state.connectionReleased(connection) }
        self.perform(action)
    }

    /// Runs `body` with a connection and releases it afterwards, whether `body` returns or throws.
    ///
    /// - Throws: what `acquire` or `body` throws.
    public func withConnection<R>(_ body: (Connection) throws -> R) throws -> R {
        let connection = try self.acquire()
        defer { self.release(connection) }
        return try body(connection)
    }

    /// Closes the idle connections and fails the waiters; connections still leased are closed
    /// when released. Acquires after this throw ``ConnectionPoolError/Code/poolClosed``.
    public func close() {
        let (idle, waiterIDs) = self.lock.withLock { self.state.closeRequested() }
        for id in waiterIDs {
            self.wake(id, with: .closed)
        }
        for connection in idle {
            connection.close()
        }
    }

    /// The current counters.
    public var statistics: Statistics {
        self.lock.withLock {
            Statistics(open: self.state.openCount, idle: self.state.idle.count, waiting: self.state.waiters.count)
        }
    }

    private func openConnection() throws -> Connection {
        do {
            return try self.factory()
        } catch {
            let action = self.lock.withLock { self.state.connectionDiscarded() }
            self.perform(action)
            throw error
        }
    }

    private func discard(_ connection: Connection) {
        connection.close()
        let action = self.lock.withLock { self.state.connectionDiscarded() }
        self.perform(action)
    }

    private func perform(_ action: PoolStateMachine<Connection>.ReturnAction) {
        switch action {
        case .none:
            break
        case .wake(let id, let wakeUp):
            self.wake(id, with: wakeUp)
        case .close(let connection):
            connection.close()
        }
    }

    private func wake(_ id: PoolStateMachine<Connection>.WaiterID, with wakeUp: PoolStateMachine<Connection>.WakeUp) {
        self.lock.withLock {
            // The waiter registered itself before it left the lock, so it is always present.
            guard let waiter = self.waiters[id] else {
                preconditionFailure("waiter \(id) woken but not registered")
            }
            waiter.wakeUp = wakeUp
            waiter.condition.signal()
        }
    }

    private func waitForWakeUp(
        deadline: Deadline,
        started: ContinuousClock.Instant
    ) throws -> PoolStateMachine<Connection>.WakeUp {
        self.lock.lock()
        defer { self.lock.unlock() }
        let waiter = Waiter()
        let id = self.state.waiterEnqueued()
        self.waiters[id] = waiter
        defer { self.waiters[id] = nil }
        while waiter.wakeUp == nil {
            if !waiter.condition.waitLocked(on: self.lock, until: deadline), waiter.wakeUp == nil {
                if self.state.waiterTimedOut(id) {
                    throw ConnectionPoolError(
                        code: .acquireTimeout,
                        maximumConnections: self.configuration.maximumConnections,
                        waited: ContinuousClock.now - started
                    )
                }
            }
        }
        return waiter.wakeUp!
    }
}
