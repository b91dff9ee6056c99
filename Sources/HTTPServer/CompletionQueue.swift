import Locks

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
