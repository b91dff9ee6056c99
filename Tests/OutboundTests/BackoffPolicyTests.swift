import Outbound
import Testing

@Suite struct BackoffPolicyTests {
    private let policy = BackoffPolicy(base: .milliseconds(500), cap: .seconds(60), maximumAttempts: 8)

    @Test func ceilingDoublesFromTheBaseUpToTheCap() {
        let expected: [Duration] = [
            .milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(32),
            .seconds(60), .seconds(60),
        ]
        #expect((0..<9).map { self.policy.ceiling(forRetry: $0) } == expected)
        // Far past where base · 2ⁿ would overflow.
        #expect(
            [62, 63, 64, 200, Int.max].map { self.policy.ceiling(forRetry: $0) }
                == Array(repeating: .seconds(60), count: 5)
        )
    }

    @Test func everyDelayIsWithinZeroAndTheCeiling() {
        var random = SplitMix64(seed: 0x5EBA0)
        for retry in 0..<12 {
            let ceiling = self.policy.ceiling(forRetry: retry)
            let delays = (0..<2000).map { _ in self.policy.delay(forRetry: retry, using: &random) }
            #expect(delays.allSatisfy { $0 >= .zero && $0 <= ceiling }, "retry \(retry)")
            // Full jitter: the whole range is used, not a narrow band near the ceiling.
            #expect(delays.min()! < ceiling / 10, "retry \(retry)")
            #expect(delays.max()! > ceiling * 9 / 10, "retry \(retry)")
        }
    }

    @Test func sameRandomSourceGivesTheSameDelays() {
        var first = SplitMix64(seed: 42)
        var second = SplitMix64(seed: 42)
        let a = (0..<8).map { self.policy.delay(forRetry: $0, using: &first) }
        let b = (0..<8).map { self.policy.delay(forRetry: $0, using: &second) }
        #expect(a == b)
    }

    @Test func retriesUntilTheAttemptsAreExhausted() {
        var random = SplitMix64(seed: 7)
        let outcome = DeliveryOutcome.retry(reason: "HTTP 503", retryAfter: nil)
        for attempts in 1..<8 {
            guard case .retry(let after) = self.policy.nextStep(after: outcome, attempts: attempts, using: &random)
            else {
                Issue.record("attempt \(attempts) of 8 should be retried")
                continue
            }
            #expect(after >= .zero && after <= self.policy.ceiling(forRetry: attempts - 1))
        }
        #expect(
            self.policy.nextStep(after: outcome, attempts: 8, using: &random)
                == .giveUp(reason: "HTTP 503, after 8 attempts")
        )
        #expect(
            BackoffPolicy(base: .seconds(1), cap: .seconds(1), maximumAttempts: 1).nextStep(
                after: outcome,
                attempts: 1,
                using: &random
            )
                == .giveUp(reason: "HTTP 503, after 1 attempts")
        )
    }

    @Test func deliveredIsDoneAndPermanentGivesUpAtOnce() {
        var random = SplitMix64(seed: 7)
        #expect(self.policy.nextStep(after: .delivered(status: 200), attempts: 3, using: &random) == .done)
        #expect(
            self.policy.nextStep(after: .permanent(reason: "HTTP 400"), attempts: 1, using: &random)
                == .giveUp(reason: "HTTP 400")
        )
    }

    @Test func retryAfterIsHonouredUpToTheCap() {
        var random = SplitMix64(seed: 7)
        let soon = self.policy.nextStep(
            after: .retry(reason: "HTTP 429", retryAfter: .seconds(45)),
            attempts: 1,
            using: &random
        )
        #expect(soon == .retry(after: .seconds(45)))
        let late = self.policy.nextStep(
            after: .retry(reason: "HTTP 429", retryAfter: .seconds(7200)),
            attempts: 1,
            using: &random
        )
        #expect(late == .retry(after: .seconds(60)))
    }
}
