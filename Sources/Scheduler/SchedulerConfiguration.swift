/// How a scheduler process works: its name as a lease holder, how often it looks for work, how
/// long its leases last, and the limits of its channels.
public struct SchedulerConfiguration: Sendable {
    /// A channel's rate limit: a token bucket.
    public struct RateLimit: Sendable, Equatable {
        /// Messages per second, on average.
        public var messagesPerSecond: Double
        /// The most messages sent at once after a quiet spell.
        public var burst: Int

        /// - Parameters:
        ///   - messagesPerSecond: the average rate, above 0.
        ///   - burst: the most at once; at least 1.
        public init(messagesPerSecond: Double, burst: Int = 1) {
            self.messagesPerSecond = messagesPerSecond
            self.burst = max(1, burst)
        }
    }

    /// This process's name in the leases it holds (`host:pid` by default).
    public var holder: String
    /// The longest wait between two looks for work when no notification comes.
    public var pollInterval: Duration = .seconds(5)
    /// How long a claim lasts; a holder that has not finished by then may be overtaken.
    public var leaseDuration: Duration = .seconds(30)
    /// Outbox rows claimed per channel at a time.
    public var batchSize = 100
    /// Back-off and dead-lettering of failed deliveries.
    public var retry = RetryPolicy()
    /// Rate limits by channel name; a channel without one is not limited. Each scheduler
    /// process keeps its own buckets: N schedulers together send up to N times the rate.
    public var rateLimits: [String: RateLimit] = [:]
    /// `statement_timeout` of the scheduler's sessions.
    public var statementTimeout: Duration = .seconds(30)
    /// `idle_in_transaction_session_timeout` of the scheduler's sessions.
    public var idleInTransactionTimeout: Duration = .seconds(60)
    /// Database connections for the job loop (the listener has one of its own, and so has each
    /// disbursement thread).
    public var connections = 2
    /// Threads working disbursement tasks side by side, each on a task of its own.
    public var disbursementThreads = 2
    /// Benefits or return-file lines per transaction of a disbursement task.
    public var disbursementPageSize = 10_000
    /// Claims of a disbursement task before it is failed for an administrator to re-drive.
    public var disbursementAttempts = 5

    /// A configuration with the defaults above.
    ///
    /// - Parameter holder: the name this process's leases carry; unique among the schedulers.
    public init(holder: String) {
        self.holder = holder
    }
}
