import Locks

#if canImport(Glibc)
    import Glibc
#endif

/// A fixed number of threads that run jobs which may block (libpq calls), fed by a bounded
/// queue. When the queue is full, ``submit(_:)`` refuses at once: the server answers 503
/// rather than growing memory.
final class HandlerPool: Sendable {
    typealias Job = @Sendable () -> Void

    private struct State {
        var queue: [Job?]
        var head = 0
        var count = 0
        /// Can transition from `false` to `true` only.
        var isShuttingDown = false
        var busy = 0
    }

    private let lock = ConditionLock()
    private let hasWork = ConditionLock.Condition()
    // guarded by: lock
    nonisolated(unsafe) private var state: State
    private let threadCount: Int
    // written once in start(), read in shutdown(); both on the owning thread
    nonisolated(unsafe) private var threads: [pthread_t] = []

    /// - Parameters:
    ///   - threads: how many jobs run at once.
    ///   - queueCapacity: how many jobs may wait.
    init(threads: Int, queueCapacity: Int) {
        precondition(threads > 0 && queueCapacity > 0, "a handler pool needs threads and room to queue")
        self.threadCount = threads
        self.state = State(queue: Array(repeating: nil, count: queueCapacity))
    }

    /// Starts the threads.
    func start() {
        for _ in 0..<self.threadCount {
            let box = Unmanaged.passRetained(self)
            var thread = pthread_t()
            let rc = pthread_create(
                &thread,
                nil,
                { argument in
                    let pool = Unmanaged<HandlerPool>.fromOpaque(argument!).takeRetainedValue()
                    pool.work()
                    return nil
                },
                box.toOpaque()
            )
            precondition(rc == 0, "pthread_create failed: \(rc)")
            self.threads.append(thread)
        }
    }

    /// Queues `job`.
    ///
    /// - Returns: `false` if the queue is full or the pool is shutting down.
    func submit(_ job: @escaping Job) -> Bool {
        self.lock.withLock {
            guard !self.state.isShuttingDown, self.state.count < self.state.queue.count else {
                return false
            }
            let tail = (self.state.head + self.state.count) % self.state.queue.count
            self.state.queue[tail] = job
            self.state.count += 1
            self.hasWork.signal()
            return true
        }
    }

    /// Jobs waiting plus jobs running.
    var depth: (queued: Int, running: Int) {
        self.lock.withLock { (self.state.count, self.state.busy) }
    }

    /// Lets queued jobs finish, then stops and joins the threads.
    func shutdown() {
        self.lock.withLock {
            self.state.isShuttingDown = true
            self.hasWork.broadcast()
        }
        for thread in self.threads {
            pthread_join(thread, nil)
        }
        self.threads = []
    }

    private func work() {
        while true {
            let job: Job? = self.lock.withLock {
                while self.state.count == 0 && !self.state.isShuttingDown {
                    self.hasWork.waitLocked(on: self.lock)
                }
                guard self.state.count > 0 else { return nil }
                let job = self.state.queue[self.state.head]
                self.state.queue[self.state.head] = nil
                self.state.head = (self.state.head + 1) % self.state.queue.count
                self.state.count -= 1
                self.state.busy += 1
                return job
            }
            guard let job else { return }
            job()
            self.lock.withLock { self.state.busy -= 1 }
        }
    }
}
