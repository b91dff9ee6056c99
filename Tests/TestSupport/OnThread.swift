import Foundation

/// Runs blocking work on a thread of its own, so that it never holds one of the few threads
/// of Swift's cooperative pool (which would deadlock tests that wait for each other).
public func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try body() })
        }
        thread.start()
    }
}
