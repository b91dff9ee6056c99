/// A few ``PipelinedConnection``s owned by one event loop: read-only statements from many
/// requests share them, batched per round of events. Broken connections are replaced after a
/// delay, without blocking.
///
/// The owner tells the pipeline what is ready (``process(descriptor:readable:writable:)``),
/// calls ``flush()`` at the end of each round and ``tick(now:)`` every so often, and keeps its
/// poller in step with the ``watcher`` callbacks. Not thread-safe: one event-loop thread owns it.
public final class PostgresPipeline {
    /// What to watch a descriptor for.
    public struct Watch: Equatable, Sendable {
        public var descriptor: Int32
        public var read: Bool
        public var write: Bool
    }

    /// Keeps a poller in step: `old` is what was watched (nil: nothing), `new` what to watch now
    /// (nil: stop watching `old`, which is about to be closed).
    public typealias Watcher = (_ old: Watch?, _ new: Watch?) -> Void

    public struct Options: Sendable {
        /// Connections kept open.
        public var connections: Int = 2
        /// Statements waiting across all connections beyond which ``submit`` refuses.
        public var maxOutstanding: Int = 4096
        /// Wait before replacing a broken connection (doubled on each failure up to 10 s).
        public var reconnectDelay: Duration = .milliseconds(250)

        public init() {}
    }

    private struct Slot {
        var connection: PipelinedConnection?
        var watched: Watch?
        var reconnectAt: ContinuousClock.Instant
        var failures = 0
    }

    private let configuration: PostgresConfiguration
    private let options: Options
    private var slots: [Slot]
    private var slotByDescriptor: [Int32: Int] = [:]
    private var nextSlot = 0
    /// Keeps the owner's poller in step. Set it before ``start(now:)``.
    public var watcher: Watcher = { _, _ in }
    /// The last connection failure, for logs and readiness checks.
    public private(set) var lastFailure: PostgresError?

    public init(configuration: PostgresConfiguration, options: Options = Options()) {
        precondition(options.connections > 0, "a pipeline needs at least one connection")
        self.configuration = configuration
        self.options = options
        self.slots = Array(repeating: Slot(reconnectAt: .now), count: options.connections)
    }

    /// Starts connecting every connection.
    public func start(now: ContinuousClock.Instant = .now) {
        for index in self.slots.indices {
            self.open(index, now: now)
        }
    }

    /// Connections ready to take statements.
    public var readyConnections: Int {
        self.slots.count { $0.connection?.status == .ready }
    }

    /// Statements submitted and not yet answered.
    public var outstanding: Int {
        self.slots.reduce(0) { $0 + ($1.connection?.outstanding ?? 0) }
    }

    /// Queues a read-only statement on the least busy open connection; it goes out at the next
    /// ``flush()``. `completion` runs on the owner's thread, never from inside this call.
    ///
    /// - Throws: ``PostgresError`` with code `connectionFailed` when no connection is open or
    ///   being opened, `overloaded` past ``Options/maxOutstanding``; ``PostgresEncodingError``
    ///   for a value that cannot be sent. Nothing is queued then.
    public func submit(
        _ statement: PreparedStatement,
        _ binds: [(any PostgresEncodable)?],
        completion: @escaping PipelinedConnection.Completion
    ) throws {
        var best: PipelinedConnection?
        var bestScore = Int.max
        var total = 0
        for slot in self.slots {
            guard let connection = slot.connection, connection.status != .failed else { continue }
            let load = connection.outstanding
            total += load
            // Prefer ready connections; a connecting one takes statements only if none is ready.
            let score = connection.status == .ready ? load : load + 1_000_000
            if score < bestScore {
                bestScore = score
                best = connection
            }
        }
        guard let best else {
            throw PostgresError(
                code: .connectionFailed,
                message: "no database connection is open" + (self.lastFailure.map { ": \($0)" } ?? "")
            )
        }
        guard total < self.options.maxOutstanding else {
            throw PostgresError(code: .overloaded, message: "\(total) statements are already waiting")
        }
        try best.submit(statement, binds, completion: completion)
    }

    /// Handles readiness of one of the pipeline's descriptors. Returns `false` if the descriptor
    /// is not the pipeline's.
    @discardableResult
    public func process(descriptor: Int32, readable: Bool, writable: Bool) -> Bool {
        guard let index = self.slotByDescriptor[descriptor], let connection = self.slots[index].connection else {
            return false
        }
        connection.process(readable: readable, writable: writable)
        self.settle(index)
        return true
    }

    /// Sends every connection's batch; call once per round of events.
    public func flush() {
        for index in self.slots.indices {
            guard let connection = self.slots[index].connection else { continue }
            connection.flush()
            self.settle(index)
        }
    }

    /// Connect deadlines and reconnections; call every 100 ms or so.
    public func tick(now: ContinuousClock.Instant = .now) {
        for index in self.slots.indices {
            if let connection = self.slots[index].connection {
                connection.checkDeadline(now: now)
                self.settle(index, now: now)
            } else if now >= self.slots[index].reconnectAt {
                self.open(index, now: now)
            }
        }
    }

    /// Closes every connection, failing what is outstanding.
    public func close() {
        for index in self.slots.indices {
            self.discard(index)
            self.slots[index].reconnectAt = .now + .seconds(3600)
        }
    }

    // MARK: Internals

    private func open(_ index: Int, now: ContinuousClock.Instant) {
        do {
            let connection = try PipelinedConnection(configuration: self.configuration, now: now)
            self.slots[index].connection = connection
            self.settle(index, now: now)
        } catch let error as PostgresError {
            self.scheduleReconnect(index, error: error, now: now)
        } catch {
            self.scheduleReconnect(
                index,
                error: PostgresError(code: .connectionFailed, message: "\(error)"),
                now: now
            )
        }
    }

    /// Brings the watcher in step with a connection, and replaces it if it broke.
    private func settle(_ index: Int, now: ContinuousClock.Instant = .now) {
        guard let connection = self.slots[index].connection else { return }
        if connection.status == .failed {
            let error = connection.failure
            self.discard(index)
            self.scheduleReconnect(index, error: error, now: now)
            return
        }
        if connection.status == .ready {
            self.slots[index].failures = 0
        }
        let wanted = Watch(
            descriptor: connection.descriptor,
            read: connection.wantsRead,
            write: connection.wantsWrite
        )
        let old = self.slots[index].watched
        guard old != wanted else { return }
        if let old, old.descriptor != wanted.descriptor {
            self.slotByDescriptor[old.descriptor] = nil
        }
        self.slotByDescriptor[wanted.descriptor] = index
        self.slots[index].watched = wanted
        self.watcher(old, wanted)
    }

    private func discard(_ index: Int) {
        if let watched = self.slots[index].watched {
            self.slotByDescriptor[watched.descriptor] = nil
            self.slots[index].watched = nil
            self.watcher(watched, nil)
        }
        let connection = self.slots[index].connection
        self.slots[index].connection = nil
        connection?.close()
    }

    private func scheduleReconnect(_ index: Int, error: PostgresError?, now: ContinuousClock.Instant) {
        self.lastFailure = error ?? self.lastFailure
        let failures = min(self.slots[index].failures, 6)
        self.slots[index].failures += 1
        let delay = min(self.options.reconnectDelay * (1 << failures), .seconds(10))
        self.slots[index].reconnectAt = now + delay
    }
}
