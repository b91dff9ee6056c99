import Domain
import Foundation
public import Postgres
public import Store

/// A disbursement task claimed under a lease: what ``DisbursementEngine/claim(on:holder:lease:count:maxAttempts:)``
/// returns.
public struct ClaimedDisbursementTask: Sendable, Equatable {
    public var id: Int64
    public var officeID: Int64
    public var epoch: Int64
    /// Claimed more often than the attempts allowed: to be failed, not tried again.
    public var isExhausted: Bool
}

/// The scheduler's side of disbursement: computing a run, writing its bank files, importing the
/// bank's answers. Work is claimed across offices through `shebao.disbursement_claim` (a
/// lease); each page of it is then a transaction scoped to the task's office, as the
/// application role, that first touches the task under the lease it was granted (holder and
/// epoch: a holder that lost the lease changes 0 rows and stops) and ends by moving the task's
/// checkpoint, so that a killed holder's successor resumes after the last page committed and a
/// page done twice changes nothing (SCHEDULER.md invariants 2 and 4).
public struct DisbursementEngine: Sendable {
    /// How one piece of work ended.
    public enum Outcome: Sendable, Equatable {
        /// The task is done.
        case done(DisbursementTask.Kind)
        /// Another holder has the task now, or its run was cancelled: this one stopped.
        case leaseLost
        /// Given up after its attempts ran out; the run's creator is told.
        case failed
        /// Asked to stop between two pages: the lease was given back for any scheduler to
        /// resume from the checkpoint.
        case paused
    }

    /// Who holds the leases and for how long.
    public struct Lease: Sendable, Equatable {
        public var holder: String
        public var duration: Duration

        public init(holder: String, duration: Duration) {
            self.holder = holder
            self.duration = duration
        }
    }

    let store: Store
    let lease: Lease
    /// Benefits (compute) or lines (import) per transaction.
    let pageSize: Int
    /// Told the name of each point the work passes (`compute.page.12`, `export.file.3`,
    /// `export.files_written`, `import.page.2`): where a test build's fail points act.
    let checkpoint: @Sendable (String) throws -> Void
    /// Asked between two pages: whether to stop there.
    let isStopping: @Sendable () -> Bool

    /// - Parameters:
    ///   - store: the application role's database.
    ///   - lease: the holder's name and the lease each touch extends to.
    ///   - pageSize: benefits or return lines per transaction.
    ///   - checkpoint: called after each committed page with its name; what it throws ends the
    ///     work as a crash there would (the lease is kept until it expires).
    ///   - isStopping: asked between pages; true makes the work give its lease back and return.
    public init(
        store: Store,
        lease: Lease,
        pageSize: Int = 10_000,
        checkpoint: @escaping @Sendable (String) throws -> Void = { _ in },
        isStopping: @escaping @Sendable () -> Bool = { false }
    ) {
        self.store = store
        self.lease = lease
        self.pageSize = max(1, pageSize)
        self.checkpoint = checkpoint
        self.isStopping = isStopping
    }

    /// Claims up to `count` pending tasks whose lease is free or expired, across offices.
    public static func claim(
        on connection: PostgresConnection,
        holder: String,
        lease: Duration,
        count: Int,
        maxAttempts: Int
    ) throws -> [ClaimedDisbursementTask] {
        try connection.query(
            EngineStatements.claim,
            [holder, Self.interval(lease), count, maxAttempts]
        ).map { row in
            ClaimedDisbursementTask(
                id: try row.decode(0, as: Int64.self),
                officeID: try row.decode(1, as: Int64.self),
                epoch: try row.decode(2, as: Int64.self),
                isExhausted: try row.decode(3, as: Bool.self)
            )
        }
    }

    /// The tasks pending in all offices, for the metrics.
    public static func backlog(on connection: PostgresConnection) throws -> Int {
        try connection.query(EngineStatements.backlog).single().decode(0, as: Int.self)
    }

    /// Works on `task` until it is done or the lease is lost; an exhausted task is failed and
    /// its run's creator told.
    ///
    /// - Throws: ``PostgresError`` (the database went away, a statement failed) or a
    ///   ``BusinessFailure``: the lease stays until it expires, and the next claim tries again
    ///   from the checkpoint (``recordFailure(_:error:)`` notes why).
    public func work(_ task: ClaimedDisbursementTask) throws -> Outcome {
        if task.isExhausted {
            return try self.fail(task)
        }
        var page = 0
        // An import's file, read once for all its pages.
        var returnFile: ParsedReturnFile?
        while true {
            let step = try self.store.withScope(.office(id: task.officeID), principal: .system) { connection in
                try self.step(task, page: page, file: &returnFile, on: connection)
            }
            switch step {
            case .more(let name):
                try self.checkpoint(name)
                page += 1
                if self.isStopping() {
                    try self.store.withScope(.office(id: task.officeID), principal: .system) { connection in
                        try connection.query(EngineStatements.release, [task.id, task.epoch, self.lease.holder])
                    }
                    return .paused
                }
            case .finished(let kind):
                return .done(kind)
            case .lost:
                return .leaseLost
            }
        }
    }

    /// Notes why the last try of `task` failed, and lets a later claim retry it after a pause
    /// (its lease is shortened to end then), if this holder still has it.
    public func recordFailure(_ task: ClaimedDisbursementTask, error: String, retryAfter: Duration = .seconds(5)) throws
    {
        try self.store.withScope(.office(id: task.officeID), principal: .system) { connection in
            try connection.query(
                EngineStatements.recordFailure,
                [task.id, task.epoch, self.lease.holder, String(error.prefix(2000)), Self.interval(retryAfter)]
            )
        }
    }

    enum Step {
        case more(String)
        case finished(DisbursementTask.Kind)
        case lost
    }

    /// What a touched task holds: where it is.
    struct Touched {
        var kind: DisbursementTask.Kind
        var stage: String
        var checkpoint: Int64
        /// Units done so far (the progress the next page adds to).
        var done: Int64
        var runID: Int64
        var returnFileID: Int64?
        var run: DisbursementRun
    }

    /// One transaction of work on `task`: touch it under the lease, do the next page of its
    /// stage, move the checkpoint.
    func step(
        _ task: ClaimedDisbursementTask,
        page: Int,
        file: inout ParsedReturnFile?,
        on connection: PostgresConnection
    ) throws -> Step {
        guard let touched = try self.touch(task, on: connection) else {
            return .lost
        }
        switch touched.kind {
        case .compute:
            return try self.compute(task, touched, page: page, on: connection)
        case .export:
            return try self.export(task, touched, on: connection)
        case .import:
            return try self.importReturn(task, touched, file: &file, on: connection)
        }
    }

    /// Extends the lease of `task` if this holder still has it (same holder, same epoch, the
    /// task pending), and reads where it is; nil when the lease is lost.
    func touch(_ task: ClaimedDisbursementTask, on connection: PostgresConnection) throws -> Touched? {
        guard
            let row = try connection.query(
                EngineStatements.touch,
                [task.id, task.epoch, self.lease.holder, Self.interval(self.lease.duration)]
            ).first
        else {
            return nil
        }
        guard let kind = DisbursementTask.Kind(rawValue: try row.decode("kind", as: String.self)) else {
            throw DisbursementRuns.corrupt
        }
        let runID = try row.decode("run_id", as: Int64.self)
        guard let runRow = try connection.query(DisbursementRuns.findRunForUpdate, [runID]).first else {
            throw DisbursementRuns.corrupt
        }
        return Touched(
            kind: kind,
            stage: try row.decode("stage", as: String?.self) ?? "",
            checkpoint: try row.decode("checkpoint", as: Int64.self),
            done: try row.decode("done", as: Int64.self),
            runID: runID,
            returnFileID: try row.decode("return_file_id", as: Int64?.self),
            run: try DisbursementRuns.run(runRow)
        )
    }

    /// Moves the task's stage, checkpoint and progress (in the transaction that touched it).
    func advance(
        _ task: ClaimedDisbursementTask,
        stage: String,
        checkpoint: Int64,
        done: Int64,
        total: Int64? = nil,
        on connection: PostgresConnection
    ) throws {
        try connection.query(EngineStatements.advance, [task.id, stage, checkpoint, done, total])
    }

    /// Marks the task done (in the transaction that touched it).
    func finish(_ task: ClaimedDisbursementTask, on connection: PostgresConnection) throws {
        try connection.query(EngineStatements.finish, [task.id])
    }

    /// Fails an exhausted task under its lease and tells its run's creator.
    func fail(_ task: ClaimedDisbursementTask) throws -> Outcome {
        try self.store.withScope(.office(id: task.officeID), principal: .system) { connection in
            guard let touched = try self.touch(task, on: connection) else {
                return .leaseLost
            }
            try connection.query(EngineStatements.fail, [task.id])
            let error =
                try connection.query(EngineStatements.lastError, [task.id]).first?.decode(0, as: String?.self)
                ?? nil
            try self.tell(
                touched.run,
                template: "disbursement.failed",
                [
                    "taskName": touched.kind.name(.zh), "taskNameEn": touched.kind.name(.en),
                    "error": error ?? "多次尝试未能完成 / it did not finish in its attempts",
                ],
                on: connection
            )
            return .failed
        }
    }

    /// Queues an inbox message to the run's creator (a scheduled run has none).
    func tell(
        _ run: DisbursementRun,
        template: String,
        _ values: [String: String],
        on connection: PostgresConnection
    ) throws {
        guard let creator = run.createdBy else { return }
        var payload = Self.describe(run)
        payload.merge(values) { _, new in new }
        try Outbox.enqueue(
            OutboxMessage(
                officeID: run.officeID,
                operatorID: creator,
                channel: .inbox,
                template: template,
                payload: payload
            ),
            on: connection
        )
    }

    /// The placeholders every disbursement message can use.
    static func describe(_ run: DisbursementRun) -> [String: String] {
        [
            "runId": "\(run.id)", "period": "\(run.period)",
            "periodName": "\(run.period.year)年\(run.period.month)月",
            "kindName": run.kind.name(.zh), "kindNameEn": run.kind.name(.en),
            "lineCount": "\(run.lineCount)", "total": Money.yuan(run.totalFen),
        ]
    }

    static func interval(_ duration: Duration) -> String {
        "\(duration.milliseconds) milliseconds"
    }
}

extension Duration {
    var milliseconds: Int64 {
        let (seconds, attoseconds) = self.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

enum EngineStatements {
    static let claim = PreparedStatement(
        "SELECT * FROM shebao.disbursement_claim($1::text, $2::interval, $3::integer, $4::integer)"
    )
    static let backlog = PreparedStatement("SELECT shebao.disbursement_backlog()")
    static let touch = PreparedStatement(
        """
        UPDATE shebao.disbursement_task t SET lease_expires_at = now() + $4::interval, progress_at = now() \
        WHERE t.id = $1::bigint AND t.lease_epoch = $2::bigint AND t.lease_holder = $3::text AND t.status = 'pending' \
        RETURNING t.kind, t.stage, t.checkpoint, t.done, t.run_id, t.return_file_id
        """
    )
    static let advance = PreparedStatement(
        """
        UPDATE shebao.disbursement_task SET stage = $2::text, checkpoint = $3::bigint, done = $4::bigint, \
        total = coalesce($5::bigint, total) WHERE id = $1::bigint
        """
    )
    static let finish = PreparedStatement(
        """
        UPDATE shebao.disbursement_task SET status = 'done', finished_at = now(), lease_expires_at = NULL, \
        last_error = NULL WHERE id = $1::bigint
        """
    )
    static let fail = PreparedStatement(
        """
        UPDATE shebao.disbursement_task SET status = 'failed', finished_at = now(), lease_expires_at = NULL, \
        last_error = coalesce(last_error, 'its attempts ran out') WHERE id = $1::bigint
        """
    )
    static let lastError = PreparedStatement("SELECT last_error FROM shebao.disbursement_task WHERE id = $1::bigint")
    static let release = PreparedStatement(
        """
        UPDATE shebao.disbursement_task SET lease_expires_at = now() \
        WHERE id = $1::bigint AND lease_epoch = $2::bigint AND lease_holder = $3::text AND status = 'pending'
        """
    )
    static let recordFailure = PreparedStatement(
        """
        UPDATE shebao.disbursement_task SET last_error = $4::text, lease_expires_at = now() + $5::interval \
        WHERE id = $1::bigint AND lease_epoch = $2::bigint AND lease_holder = $3::text AND status = 'pending'
        """
    )
}
