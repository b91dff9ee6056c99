import Testing

@testable import Scheduler

@Suite struct TokenBucketTests {
    @Test func aBucketGivesItsBurstThenOneTokenPerIntervalAndNeverMoreThanItsBurst() {
        let start = ContinuousClock.now
        var bucket = TokenBucket(rate: 10, burst: 3, now: start)
        #expect(bucket.take(upTo: 5, now: start) == 3)
        #expect(bucket.take(upTo: 5, now: start) == 0)
        #expect(bucket.timeUntilNextToken(now: start) == .milliseconds(100))
        #expect(bucket.take(upTo: 5, now: start + .milliseconds(250)) == 2)
        bucket.giveBack(1)
        #expect(bucket.take(upTo: 5, now: start + .milliseconds(250)) == 1)
        // A long quiet spell fills it to its burst, no more.
        #expect(bucket.take(upTo: 50, now: start + .seconds(60)) == 3)
    }
}
