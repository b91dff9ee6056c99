/// When a message that failed is tried again, and when it is given up: exponential back-off with
/// jitter, and a dead letter after the last attempt.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included; after the last one fails the message is `dead`.
    public var maxAttempts: Int
    /// The delay after the first failed attempt; each later one doubles it.
    public var baseDelay: Duration
    /// The longest delay.
    public var maxDelay: Duration

    /// - Parameters:
    ///   - maxAttempts: attempts in all, at least 1.
    ///   - baseDelay: the delay after the first failed attempt.
    ///   - maxDelay: the longest delay.
    public init(maxAttempts: Int = 8, baseDelay: Duration = .seconds(10), maxDelay: Duration = .seconds(3600)) {
        precondition(maxAttempts >= 1, "a message is tried at least once")
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// What follows a failed attempt.
    public enum Decision: Sendable, Equatable {
        /// Try again after this delay.
        case retry(after: Duration)
        /// Give up: the attempts ran out.
        case deadLetter
    }

    /// The decision after attempt number `attempt` (1 for the first) failed.
    ///
    /// - Parameters:
    ///   - attempt: the number of the attempt that failed, counting from 1.
    ///   - jitter: a number in `0...1`; the delay is `d/2 + jitter·d/2` for the exponential
    ///     delay `d` ("equal jitter"), so that messages that failed together spread out.
    /// - Returns: ``Decision/deadLetter`` once `attempt` reaches ``maxAttempts``.
    public func decision(afterFailedAttempt attempt: Int, jitter: Double) -> Decision {
        guard attempt < self.maxAttempts else { return .deadLetter }
        let doublings = min(max(attempt - 1, 0), 30)
        let exponential = self.baseDelay * (1 << doublings)
        let capped = min(exponential, self.maxDelay)
        let half = capped / 2
        return .retry(after: half + half * min(max(jitter, 0), 1))
    }
}
