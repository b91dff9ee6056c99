#if canImport(Glibc)
    import Glibc
#endif

/// Waits until `condition` holds, looking every 20 ms, for at most `timeout`: how a test waits
/// for a state it needs from another thread or process, instead of sleeping and hoping.
/// - Parameters:
///   - timeout: the longest wait.
///   - condition: what must hold; called on this thread.
/// - Returns: whether it held (it is asked once more at the deadline).
public func waitUntil(timeout: Duration, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        usleep(20_000)
    }
    return try condition()
}
