#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pthread mutex with condition variables that wait against the monotonic clock.
///
/// `Synchronization.Mutex` has no condition variables, and a pool that blocks its caller with a
/// deadline needs them.
final class ConditionLock: @unchecked Sendable {
    // @unchecked: the pthread mutex is the synchronisation primitive itself; the pointer is
    // allocated once in init and freed once in deinit.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        self.mutex = .allocate(capacity: 1)
        let rc = pthread_mutex_init(self.mutex, nil)
        precondition(rc == 0, "pthread_mutex_init failed: \(rc)")
    }

    deinit {
        pthread_mutex_destroy(self.mutex)
        self.mutex.deallocate()
    }

    func lock() {
        let rc = pthread_mutex_lock(self.mutex)
        precondition(rc == 0, "pthread_mutex_lock failed: \(rc)")
    }

    func unlock() {
        let rc = pthread_mutex_unlock(self.mutex)
        precondition(rc == 0, "pthread_mutex_unlock failed: \(rc)")
    }

    /// Runs `body` with the mutex held.
    func withLock<R>(_ body: () throws -> R) rethrows -> R {
        self.lock()
        defer { self.unlock() }
        return try body()
    }

    /// A condition variable bound to this lock's mutex.
    final class Condition {
        private let cond: UnsafeMutablePointer<pthread_cond_t>

        init() {
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

        func signal() {
            pthread_cond_signal(self.cond)
        }

        /// Waits until signalled or until `deadline` on the monotonic clock; must be called with
        /// `lock` held. Spurious wake-ups return early: callers re-check their predicate.
        ///
        /// - Returns: `false` if the deadline passed.
        func waitLocked(on lock: ConditionLock, until deadline: TimeSpec) -> Bool {
            var deadline = deadline
            let rc = pthread_cond_timedwait(self.cond, lock.mutex, &deadline)
            return rc != ETIMEDOUT
        }
    }

    /// The monotonic clock now plus `duration`, as a `timespec` for ``Condition/waitLocked(on:until:)``.
    typealias TimeSpec = timespec

    static func deadline(after duration: Duration) -> TimeSpec {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let (seconds, attoseconds) = duration.components
        var sec = Int64(now.tv_sec) + seconds
        var nsec = Int64(now.tv_nsec) + attoseconds / 1_000_000_000
        if nsec >= 1_000_000_000 {
            sec += 1
            nsec -= 1_000_000_000
        }
        return timespec(tv_sec: Int(sec), tv_nsec: Int(nsec))
    }

}
