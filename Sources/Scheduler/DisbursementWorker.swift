internal import Business
internal import Foundation
internal import Logging
internal import Postgres
internal import Store

/// One of the scheduler's disbursement threads: claims one task at a time (compute, export, import),
/// across offices, and works it page by page through ``DisbursementEngine`` until it is done,
/// its lease is lost, or the scheduler stops (the lease is then given back at a page boundary).
/// A run's work is long (a million lines take tens of seconds), so it has threads of its own
/// beside the outbox's delivery. It holds no mutable state.
final class DisbursementWorker: Sendable {
    private let store: Store
    private let configuration: SchedulerConfiguration
    private let metrics: SchedulerMetrics
    private let logger: Logger
    private let engine: DisbursementEngine

    init(
        store: Store,
        configuration: SchedulerConfiguration,
        metrics: SchedulerMetrics,
        logger: Logger,
        failPoints: FailPoints,
        isStopping: @escaping @Sendable () -> Bool
    ) {
        self.store = store
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
        self.engine = DisbursementEngine(
            store: store,
            lease: .init(holder: configuration.holder, duration: configuration.leaseDuration),
            pageSize: configuration.disbursementPageSize,
            checkpoint: { name in failPoints.hit("disbursement.\(name)") },
            isStopping: isStopping
        )
    }

    /// Claims and works one task, if one is due.
    ///
    /// - Returns: whether a task was claimed (more may be due at once).
    /// - Throws: ``PostgresError`` when the claim fails; a failure while working is recorded on
    ///   the task, which is tried again later.
    func runOnce() throws -> Bool {
        let claimed = try self.store.database.withConnection { connection in
            try DisbursementEngine.claim(
                on: connection,
                holder: self.configuration.holder,
                lease: self.configuration.leaseDuration,
                count: 1,
                maxAttempts: self.configuration.disbursementAttempts
            )
        }
        guard let task = claimed.first else { return false }
        let kind = "disbursement"
        self.metrics.record(.claimed, kind: kind)
        self.logger.info("disbursement task claimed", metadata: ["task": "\(task.id)", "epoch": "\(task.epoch)"])
        do {
            switch try self.engine.work(task) {
            case .done(let what):
                self.metrics.record(.done, kind: kind)
                self.logger.info(
                    "disbursement task done",
                    metadata: ["task": "\(task.id)", "kind": "\(what.rawValue)"]
                )
            case .leaseLost:
                self.metrics.record(.fenced, kind: kind)
                self.logger.warning("disbursement lease lost", metadata: ["task": "\(task.id)"])
            case .failed:
                self.metrics.record(.failed, kind: kind)
                self.logger.error("disbursement task failed for good", metadata: ["task": "\(task.id)"])
            case .paused:
                self.logger.info("disbursement task paused", metadata: ["task": "\(task.id)"])
            }
        } catch {
            self.metrics.record(.retried, kind: kind)
            self.logger.error("disbursement task failed", metadata: ["task": "\(task.id)", "error": "\(error)"])
            // The database may be away: the lease then simply expires and the task is claimed
            // again later.
            try? self.engine.recordFailure(task, error: "\(error)")
        }
        return true
    }
}
