internal import Logging
internal import Postgres
internal import Store

/// Claims the recurring jobs that are due and runs each in one transaction: a fenced touch of
/// its lease, the work, and the completion that moves its next run on.
///
/// Confined to the job loop's thread; not `Sendable`.
final class RecurringJobRunner {
    /// The lease was another holder's by the time the write came.
    private struct LeaseLost: Error {}

    private let store: Store
    private let configuration: SchedulerConfiguration
    private let jobs: [String: any RecurringJob]
    private let metrics: SchedulerMetrics
    private let logger: Logger
    private let failPoints: FailPoints

    init(
        store: Store,
        configuration: SchedulerConfiguration,
        jobs: [any RecurringJob],
        metrics: SchedulerMetrics,
        logger: Logger,
        failPoints: FailPoints
    ) {
        self.store = store
        self.configuration = configuration
        self.jobs = Dictionary(jobs.map { ($0.kind, $0) }, uniquingKeysWith: { first, _ in first })
        self.metrics = metrics
        self.logger = logger
        self.failPoints = failPoints
    }

    private var leaseMilliseconds: Int64 { self.configuration.leaseDuration.milliseconds }

    /// Adds the clock row of every job that has none yet (due at once).
    func register() throws {
        try self.store.database.withConnection { connection in
            for kind in self.jobs.keys.sorted() {
                try connection.query(Self.insert, [kind])
            }
        }
    }

    /// Claims and runs every due job.
    ///
    /// - Returns: how many ran.
    /// - Throws: ``PostgresError`` when the claim fails; a failing job is recorded on its row.
    @discardableResult
    func runDue() throws -> Int {
        guard !self.jobs.isEmpty else { return 0 }
        let claimed = try self.store.database.withConnection { connection in
            try connection.query(
                Self.claim,
                [self.configuration.holder, self.leaseMilliseconds, self.jobs.keys.sorted()]
            ).map { (kind: try $0.decode(0, as: String.self), epoch: try $0.decode(1, as: Int64.self)) }
        }
        var ran = 0
        for (kind, epoch) in claimed {
            guard let job = self.jobs[kind] else { continue }
            self.metrics.record(.claimed, kind: kind)
            self.failPoints.hit("job.after_claim")
            if self.run(job, epoch: epoch) {
                ran += 1
            }
        }
        return ran
    }

    private func run(_ job: any RecurringJob, epoch: Int64) -> Bool {
        let lease: [(any PostgresEncodable)?] = [job.kind, epoch, self.configuration.holder]
        do {
            let summary = try self.store.database.withTransaction { connection in
                guard try connection.query(Self.touch, lease + [self.leaseMilliseconds]).affectedRows == 1 else {
                    throw LeaseLost()
                }
                let summary = try job.run(on: connection)
                guard try connection.query(Self.complete, lease + [job.interval.milliseconds]).affectedRows == 1 else {
                    throw LeaseLost()
                }
                return summary
            }
            self.metrics.record(.done, kind: job.kind)
            self.logger.info("job ran", metadata: ["job": "\(job.kind)", "epoch": "\(epoch)", "result": "\(summary)"])
            return true
        } catch is LeaseLost {
            self.metrics.record(.fenced, kind: job.kind)
            self.logger.warning(
                "lease lost: the job run is another holder's now; its write changed 0 rows, dropping it",
                metadata: ["job": "\(job.kind)", "epoch": "\(epoch)"]
            )
            return false
        } catch {
            self.metrics.record(.failed, kind: job.kind)
            self.logger.error("job failed", metadata: ["job": "\(job.kind)", "error": "\(error)"])
            let retry = min(job.interval, .seconds(60)).milliseconds
            // best effort: if this fails too, the lease expires and the job is claimed again
            _ = try? self.store.database.withConnection { connection in
                try connection.query(Self.fail, lease + [String(describing: error), retry])
            }
            return false
        }
    }

    static let insert = PreparedStatement(
        "INSERT INTO shebao.recurring_job (kind) VALUES ($1) ON CONFLICT (kind) DO NOTHING"
    )

    /// $1 holder, $2 lease in milliseconds, $3 the kinds this scheduler runs.
    static let claim = PreparedStatement(
        """
        UPDATE shebao.recurring_job j SET lease_holder = $1, \
        lease_expires_at = now() + $2::bigint * interval '1 millisecond', lease_epoch = j.lease_epoch + 1 \
        FROM (SELECT d.kind FROM shebao.recurring_job d WHERE d.kind = ANY ($3::text[]) AND d.next_run_at <= now() \
        AND (d.lease_expires_at IS NULL OR d.lease_expires_at <= now()) ORDER BY d.next_run_at FOR UPDATE SKIP LOCKED) due \
        WHERE j.kind = due.kind RETURNING j.kind, j.lease_epoch
        """
    )

    /// $1 kind, $2 epoch, $3 holder, $4 lease in milliseconds.
    static let touch = PreparedStatement(
        """
        UPDATE shebao.recurring_job SET lease_expires_at = now() + $4::bigint * interval '1 millisecond' \
        WHERE kind = $1 AND lease_epoch = $2 AND lease_holder = $3
        """
    )

    /// $1 kind, $2 epoch, $3 holder, $4 interval in milliseconds.
    static let complete = PreparedStatement(
        """
        UPDATE shebao.recurring_job SET next_run_at = now() + $4::bigint * interval '1 millisecond', \
        runs = runs + 1, last_run_at = now(), last_error = NULL, lease_holder = NULL, lease_expires_at = NULL \
        WHERE kind = $1 AND lease_epoch = $2 AND lease_holder = $3
        """
    )

    /// $1 kind, $2 epoch, $3 holder, $4 error, $5 retry delay in milliseconds.
    static let fail = PreparedStatement(
        """
        UPDATE shebao.recurring_job SET next_run_at = now() + $5::bigint * interval '1 millisecond', \
        last_error = left($4, 2000), lease_holder = NULL, lease_expires_at = NULL \
        WHERE kind = $1 AND lease_epoch = $2 AND lease_holder = $3
        """
    )
}

@available(*, unavailable)
extension RecurringJobRunner: Sendable {}
