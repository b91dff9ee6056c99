/// The pool's bookkeeping as a pure value: events in, actions out.
///
/// The pool mutates it under its lock and performs the returned actions (open, close, wake a
/// waiter) after unlocking, so no connection is opened or closed while the lock is held.
/// Waiters are served first-in, first-out.
struct PoolStateMachine<Connection: AnyObject> {
    /// Identifies a thread waiting in `acquire`.
    typealias WaiterID = Int

    /// What an `acquire` should do next.
    enum AcquireAction {
        /// Use this idle connection (after checking its health, outside the lock).
        case use(Connection)
        /// Open a new connection: a slot was reserved for it.
        case open
        /// Wait until woken with a ``WakeUp`` or until the deadline.
        case wait
        /// Fail at once.
        case fail(ConnectionPoolError.Code)
    }

    /// Why a waiting thread was woken.
    enum WakeUp {
        /// A released connection, handed over directly.
        case connection(Connection)
        /// A slot was freed: the waiter may open a connection itself.
        case mayOpen
        /// The pool was closed.
        case closed
    }

    /// What to do after a connection came back or went away.
    enum ReturnAction {
        /// Nothing more.
        case none
        /// Wake this waiter with this value.
        case wake(WaiterID, WakeUp)
        /// Close this connection: the pool is closed.
        case close(Connection)
    }

    let maximumConnections: Int
    /// Idle connections; the most recently used is last, so warm connections are reused first.
    private(set) var idle: [Connection] = []
    /// Connections open or being opened, leased ones included. Never above `maximumConnections`.
    private(set) var openCount = 0
    /// Threads waiting for a connection, oldest first.
    private(set) var waiters: [WaiterID] = []
    private var nextWaiterID = 0
    /// Can transition from `false` to `true` only.
    private(set) var isClosed = false

    init(maximumConnections: Int) {
        precondition(maximumConnections > 0, "a pool needs room for at least one connection")
        self.maximumConnections = maximumConnections
    }

    /// A caller wants a connection.
    mutating func acquireRequested() -> AcquireAction {
        if self.isClosed {
            return .fail(.poolClosed)
        }
        if let connection = self.idle.popLast() {
            return .use(connection)
        }
        if self.openCount < self.maximumConnections {
            self.openCount += 1
            return .open
        }
        return .wait
    }

    /// Registers a waiter after ``acquireRequested()`` answered `.wait`.
    mutating func waiterEnqueued() -> WaiterID {
        let id = self.nextWaiterID
        self.nextWaiterID += 1
        self.waiters.append(id)
        return id
    }

    /// A waiter's deadline passed before it was woken.
    ///
    /// - Returns: `true` if it was still queued (it gives up); `false` if it was already woken
    ///   and must take the value it was handed.
    mutating func waiterTimedOut(_ id: WaiterID) -> Bool {
        guard let index = self.waiters.firstIndex(of: id) else {
            return false
        }
        self.waiters.remove(at: index)
        return true
    }

    /// A leased connection came back in a reusable state.
    mutating func connectionReleased(_ connection: Connection) -> ReturnAction {
        if self.isClosed {
            self.openCount -= 1
            return .close(connection)
        }
        if !self.waiters.isEmpty {
            return .wake(self.waiters.removeFirst(), .connection(connection))
        }
        self.idle.append(connection)
        return .none
    }

    /// A connection was closed (broken, unhealthy, or failed to open): its slot is free.
    mutating func connectionDiscarded() -> ReturnAction {
        self.openCount -= 1
        if self.isClosed || self.waiters.isEmpty {
            return .none
        }
        // The freed slot goes to the oldest waiter, who opens the replacement on its own thread.
        self.openCount += 1
        return .wake(self.waiters.removeFirst(), .mayOpen)
    }

    /// The pool is closing: hands back the idle connections to close and the waiters to fail.
    mutating func closeRequested() -> (idle: [Connection], waiters: [WaiterID]) {
        if self.isClosed {
            return ([], [])
        }
        self.isClosed = true
        let idle = self.idle
        let waiters = self.waiters
        self.openCount -= idle.count
        self.idle = []
        self.waiters = []
        return (idle, waiters)
    }
}
