/// A token bucket: `rate` tokens a second, at most `burst` kept. A pure value; the caller passes
/// the time, so tests need no clock.
public struct TokenBucket: Sendable, Equatable {
    /// Tokens added per second.
    public let rate: Double
    /// The most tokens kept.
    public let burst: Double
    private var tokens: Double
    private var updatedAt: ContinuousClock.Instant

    /// A full bucket.
    ///
    /// - Parameters:
    ///   - rate: messages per second, above 0.
    ///   - burst: the most messages at once, at least 1.
    ///   - now: the time it is.
    public init(rate: Double, burst: Int, now: ContinuousClock.Instant) {
        precondition(rate > 0 && burst >= 1, "a rate limit lets something through")
        self.rate = rate
        self.burst = Double(burst)
        self.tokens = Double(burst)
        self.updatedAt = now
    }

    /// Takes up to `wanted` whole tokens.
    ///
    /// - Returns: how many it took (0 when the bucket holds less than one).
    public mutating func take(upTo wanted: Int, now: ContinuousClock.Instant) -> Int {
        self.refill(now)
        let taken = min(max(wanted, 0), Int(self.tokens.rounded(.down)))
        self.tokens -= Double(taken)
        return taken
    }

    /// Gives back tokens taken but not used (fewer messages were due than were allowed).
    public mutating func giveBack(_ count: Int) {
        self.tokens = min(self.burst, self.tokens + Double(max(count, 0)))
    }

    /// How long until the bucket holds a whole token; zero if it holds one now.
    public mutating func timeUntilNextToken(now: ContinuousClock.Instant) -> Duration {
        self.refill(now)
        guard self.tokens < 1 else { return .zero }
        return .seconds((1 - self.tokens) / self.rate)
    }

    private mutating func refill(_ now: ContinuousClock.Instant) {
        guard now > self.updatedAt else { return }
        let (seconds, attoseconds) = (now - self.updatedAt).components
        let elapsed = Double(seconds) + Double(attoseconds) / 1e18
        self.tokens = min(self.burst, self.tokens + elapsed * self.rate)
        self.updatedAt = now
    }
}
