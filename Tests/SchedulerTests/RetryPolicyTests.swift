import Testing

@testable import Scheduler

@Suite struct RetryPolicyTests {
    @Test func theDelayDoublesWithJitterBetweenHalfAndWholeAndTheLastAttemptIsDead() {
        let policy = RetryPolicy(maxAttempts: 4, baseDelay: .seconds(10), maxDelay: .seconds(25))
        #expect(policy.decision(afterFailedAttempt: 1, jitter: 0) == .retry(after: .seconds(5)))
        #expect(policy.decision(afterFailedAttempt: 1, jitter: 1) == .retry(after: .seconds(10)))
        #expect(policy.decision(afterFailedAttempt: 2, jitter: 1) == .retry(after: .seconds(20)))
        // Capped at the longest delay.
        #expect(policy.decision(afterFailedAttempt: 3, jitter: 1) == .retry(after: .seconds(25)))
        #expect(policy.decision(afterFailedAttempt: 4, jitter: 0.5) == .deadLetter)
    }
}
