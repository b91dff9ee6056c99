internal import Locks

/// How the job loop sleeps between rounds and is woken early: by a notification from the
/// listener thread, or by a stop request.
final class WakeSignal: Sendable {
    private struct State {
        var isWoken = false
        var isStopping = false
    }

    private let lock = ConditionLock()
    private let condition = ConditionLock.Condition()
    private let state = LockedState()

    private final class LockedState: @unchecked Sendable {
        // @unchecked: `value` is read and written only with `WakeSignal.lock` held.
        // guarded by: WakeSignal.lock
        var value = State()
    }

    /// Wakes the loop if it sleeps, or makes its next sleep return at once.
    func wake() {
        self.lock.withLock {
            self.state.value.isWoken = true
            self.condition.broadcast()
        }
    }

    /// Asks the loop to stop after its current round.
    func stop() {
        self.lock.withLock {
            self.state.value.isStopping = true
            self.condition.broadcast()
        }
    }

    /// Whether ``stop()`` was called.
    var isStopping: Bool {
        self.lock.withLock { self.state.value.isStopping }
    }

    /// Sleeps until woken, stopped, or `timeout` passes.
    ///
    /// - Returns: whether a wake-up (not the timeout) ended it.
    func sleep(timeout: Duration) -> Bool {
        let deadline = Deadline(after: timeout)
        return self.lock.withLock {
            while !self.state.value.isWoken && !self.state.value.isStopping {
                if !self.condition.waitLocked(on: self.lock, until: deadline) {
                    break
                }
            }
            let woken = self.state.value.isWoken
            self.state.value.isWoken = false
            return woken
        }
    }
}
