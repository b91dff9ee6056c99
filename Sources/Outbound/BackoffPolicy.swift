/// When to try a failed delivery again: exponential back-off with full jitter, bounded by a
/// cap and a number of attempts.
///
/// The wait before retry `n` (counting from 0: the wait after the first attempt failed) is
/// uniformly random in `[0, min(cap, base · 2ⁿ)]` ("full jitter": receivers recovering from an
/// outage are not hit by every sender at once; see
/// https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/). A value: the
/// random source is passed in, so tests choose it.
public struct BackoffPolicy: Sendable, Equatable {
    /// The ceiling of the first wait.
    public var base: Duration
    /// The largest ceiling of any wait.
    public var cap: Duration
    /// How many attempts a message gets in all, the first one included.
    public var maximumAttempts: Int

    /// A policy.
    /// - Parameters:
    ///   - base: the first wait's ceiling; positive.
    ///   - cap: no wait's ceiling exceeds it; at least `base`.
    ///   - maximumAttempts: attempts in all; at least 1.
    public init(base: Duration = .seconds(2), cap: Duration = .seconds(3600), maximumAttempts: Int = 12) {
        precondition(base > .zero, "base must be positive")
        precondition(cap >= base, "cap must be at least base")
        precondition(maximumAttempts >= 1, "maximumAttempts must be at least 1")
        self.base = base
        self.cap = cap
        self.maximumAttempts = maximumAttempts
    }

    /// The most that the wait before a retry can be.
    /// - Parameter retry: which retry, from 0.
    /// - Returns: `min(cap, base · 2^retry)`.
    public func ceiling(forRetry retry: Int) -> Duration {
        precondition(retry >= 0, "retry counts from 0")
        let base = Self.nanoseconds(self.base)
        let cap = Self.nanoseconds(self.cap)
        // base · 2^retry > cap exactly when base > cap >> retry; checked this way it cannot
        // overflow.
        guard retry < 63, base <= cap >> UInt64(retry) else { return self.cap }
        return .nanoseconds(Int64(base << UInt64(retry)))
    }

    /// A random wait before a retry.
    /// - Parameters:
    ///   - retry: which retry, from 0.
    ///   - generator: the random source.
    /// - Returns: a wait in `[0, ceiling(forRetry: retry)]`.
    public func delay(forRetry retry: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let ceiling = Self.nanoseconds(self.ceiling(forRetry: retry))
        return .nanoseconds(Int64(UInt64.random(in: 0...ceiling, using: &generator)))
    }

    /// What to do after an attempt.
    /// - Parameters:
    ///   - outcome: how the attempt went.
    ///   - attempts: the attempts made so far, this one included (1 after the first).
    ///   - generator: the random source.
    /// - Returns: ``DeliveryStep/done`` when delivered; ``DeliveryStep/giveUp(reason:)`` for a
    ///   permanent failure or when `attempts` reached ``maximumAttempts``; otherwise
    ///   ``DeliveryStep/retry(after:)`` with the random wait, or the server's `Retry-After`
    ///   (capped at ``cap``) when that is longer.
    public func nextStep(
        after outcome: DeliveryOutcome,
        attempts: Int,
        using generator: inout some RandomNumberGenerator
    ) -> DeliveryStep {
        precondition(attempts >= 1, "a step follows an attempt")
        switch outcome {
        case .delivered:
            return .done
        case .permanent(let reason):
            return .giveUp(reason: reason)
        case .retry(let reason, let retryAfter):
            guard attempts < self.maximumAttempts else {
                return .giveUp(reason: "\(reason), after \(attempts) attempts")
            }
            let jittered = self.delay(forRetry: attempts - 1, using: &generator)
            return .retry(after: max(jittered, min(retryAfter ?? .zero, self.cap)))
        }
    }

    /// A non-negative duration in whole nanoseconds, bounded to what an Int64 holds
    /// (292 years).
    private static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow, whole <= Int64.max - attoseconds / 1_000_000_000 else { return UInt64(Int64.max) }
        return UInt64(whole + attoseconds / 1_000_000_000)
    }
}

/// What the scheduler does with a message after an attempt.
public enum DeliveryStep: Sendable, Equatable {
    /// Delivered: mark it so.
    case done
    /// Attempt again after this wait.
    case retry(after: Duration)
    /// Stop and keep the message aside with the reason: a permanent failure, or attempts
    /// exhausted.
    case giveUp(reason: String)
}
