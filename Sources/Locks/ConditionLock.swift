#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A pthread mutex with condition variables that wait against the monotonic clock.
///
/// `Synchronization.Mutex` has no condition variables, and a pool that blocks its caller with a
/// deadline needs them.
public final class ConditionLock: @unchecked Sendable {
    // @unchecked: the pthread mutex is the synchronisation primitive itself; the pointer is
    // allocated once in init and freed once in deinit.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    public init() {
        self.mutex = .allocate(capacity: 1)
        let rc = pthread_mutex_init(self.mutex, nil)
        precondition(rc == 0, "pthread_mutex_init failed: \(rc)")
    }

    deinit {
        pthread_mutex_destroy(self.mutex)
        self.mutex.deallocate()
    }

    public func lock() {
        let rc = pthread_mutex_lock(self.mutex)
        precondition(rc == 0, "pthread_mutex_lock failed: \(rc)")
    }

    public func unlock() {
        let rc = pthread_mutex_unlock(self.mutex)
        precondition(rc == 0, "pthread_mutex_unlock failed: \(rc)")
    }

    /// Runs `body` with the mutex held.
    public func withLock<R>(_ body: () throws -> R) rethrows -> R {
        self.lock()
        defer { self.unlock() }
        return try body()
    }

    /// A condition variable bound to this lock's mutex.
    public final class Condition: @unchecked Sendable {
        // @unchecked: a pthread condition variable is made to be shared between threads; it is
        // only waited on with the owning lock's mutex held.
        private let cond: UnsafeMutablePointer<pthread_cond_t>

        public init() {
            self.cond = .allocate(capacity: 1)
            var attributes = pthread_condattr_t()
            pthread_condattr_init(&attributes)
            pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
            let rc = pthread_cond_init(self.cond, &attributes)
            pthread_condattr_destroy(&attributes)
            precondition(rc == 0, "pthread_cond_init failed: \(rc)")
        }

        deinit {
            pthread_cond_destroy(self.cond)
            self.cond.deallocate()
        }

        public func signal() {
            pthread_cond_signal(self.cond)
        }

        /// Wakes every thread waiting on this condition.
        public func broadcast() {
            pthread_cond_broadcast(self.cond)
        }

        /// Waits until signalled; must be called with `lock` held. Spurious wake-ups return
        /// early: callers re-check their predicate.
        public func waitLocked(on lock: ConditionLock) {
            pthread_cond_wait(self.cond, lock.mutex)
        }

        /// Waits until signalled or until `deadline` on the monotonic clock; must be called with
        /// `lock` held. Spurious wake-ups return early: callers re-check their predicate.
        ///
        /// - Returns: `false` if the deadline passed.
        public func waitLocked(on lock: ConditionLock, until deadline: Deadline) -> Bool {
            var deadline = deadline.value
            let rc = pthread_cond_timedwait(self.cond, lock.mutex, &deadline)
            return rc != ETIMEDOUT
        }
    }

}

/// A point on the monotonic clock, for ``ConditionLock/Condition/waitLocked(on:until:)``.
public struct Deadline: Sendable {
    let value: timespec

    /// The monotonic clock now plus `duration`.
    public init(after duration: Duration) {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let (seconds, attoseconds) = duration.components
        var sec = Int64(now.tv_sec) + seconds
        var nsec = Int64(now.tv_nsec) + attoseconds / 1_000_000_000
        if nsec >= 1_000_000_000 {
            sec += 1
            nsec -= 1_000_000_000
        }
        self.value = timespec(tv_sec: Int(sec), tv_nsec: Int(nsec))
    }
}
