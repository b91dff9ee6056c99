public import Domain
import Foundation
public import Postgres
import Store

/// Disbursement runs as officers and approvers handle them, in the caller's offices (row-level
/// security scopes every statement): create, list, watch, compare with the previous period,
/// read the exclusion report and the lines, approve (another officer, with a fresh
/// second-factor code), cancel before export. The computing, the export and the import of the
/// bank's answers are the scheduler's (``DisbursementEngine``); these operations queue its tasks.
///
/// Every change is a conditional update of the ``DisbursementRunStatus`` machine on a row read
/// `FOR UPDATE`: of two changes at once, one wins and the other is a conflict naming the status.
public enum DisbursementRuns {
    /// What creating a run takes.
    public struct Creation: Sendable, Equatable {
        public var kind: BenefitKind
        /// The period paid; the current one (Asia/Shanghai, the database's clock) if nil.
        public var period: Period?
        /// The day the bank credits the payees; the office's scheduled day of the period's month
        /// (the 15th without a schedule) if nil.
        public var valueDate: CalendarDate?
        /// The office whose benefits it pays; the caller's own if nil.
        public var officeID: Int64?
        public var origin: DisbursementRun.Origin

        public init(
            kind: BenefitKind,
            period: Period? = nil,
            valueDate: CalendarDate? = nil,
            officeID: Int64? = nil,
            origin: DisbursementRun.Origin = .api
        ) {
            self.kind = kind
            self.period = period
            self.valueDate = valueDate
            self.officeID = officeID
            self.origin = origin
        }
    }

    /// Creates a run, computing, and queues its computation. Audited as `disbursement.create`.
    ///
    /// - Throws: ``BusinessFailure`` conflict when the office has a run of the kind for the
    ///   period that is not cancelled (naming it); unprocessable for a period after the next
    ///   one or a value date before the period; notFound for an office outside the caller's;
    ///   forbidden for a person; ``PostgresError``.
    public static func create(_ creation: Creation, _ context: BusinessContext) throws -> DisbursementRun {
        let creator: Int64? = creation.origin == .schedule ? nil : try context.operatorID
        let office = creation.officeID ?? context.principal.officeID
        let current = try Self.currentPeriod(context.connection)
        let period = creation.period ?? current
        guard period <= current.advanced(byMonths: 1) else {
            throw BusinessFailure(
                .unprocessable,
                zh: "发放期 \(period) 晚于下一期 \(current.advanced(byMonths: 1))，不能提前发放",
                en: "period \(period) is after the next one (\(current.advanced(byMonths: 1))): it cannot be paid yet"
            )
        }
        if let date = creation.valueDate, date.period < period {
            throw BusinessFailure(
                .unprocessable,
                zh: "到账日期 \(date.iso) 早于发放期 \(period)",
                en: "the value date \(date.iso) is before the period \(period)"
            )
        }
        guard
            let row = try context.connection.query(
                Self.insertRun,
                [
                    office, creation.kind.rawValue, period.value, creation.valueDate?.iso, creation.origin.rawValue,
                    creator,
                ]
            ).first
        else {
            if let existing = try context.connection.query(
                Self.findLive,
                [office, creation.kind.rawValue, period.value]
            ).first {
                let id = try existing.decode(0, as: Int64.self)
                throw BusinessFailure(
                    .conflict,
                    zh: "本机构 \(period) 的\(creation.kind.name(.zh))已有发放批次 \(id)",
                    en: "the office has run \(id) for \(creation.kind.name(.en)), \(period) already"
                )
            }
            throw BusinessFailure.notFound("该经办机构", "office")
        }
        let run = try Self.run(row)
        try context.connection.query(Self.insertComputeTask, [run.officeID, run.id, run.kind.rawValue])
        try context.audit(
            "disbursement.create",
            target: ("disbursement_run", run.id),
            office: run.officeID,
            after: try PostgresJSON(
                encoding: ["kind": run.kind.rawValue, "period": "\(run.period.value)", "origin": run.origin.rawValue]
            )
        )
        return run
    }

    /// Creates the run of `office`'s schedule for `kind` and `period`, as the system, in the
    /// transaction open on `connection` (which this enters the office's scope in).
    ///
    /// - Returns: the run, or nil when the office has a live one already.
    public static func createScheduled(
        office: Int64,
        kind: BenefitKind,
        period: Period,
        on connection: PostgresConnection
    ) throws -> DisbursementRun? {
        try Store.apply(.office(id: office), principal: .system, on: connection)
        let system = SessionPrincipal(
            sessionID: 0,
            kind: .system,
            operatorID: nil,
            personID: nil,
            officeID: office,
            username: "scheduler",
            displayName: nil,
            roles: [],
            mustChangePassword: false,
            passwordChangedAt: nil,
            expiresAt: .distantFuture,
            hasSecondFactor: false
        )
        let context = BusinessContext(connection: connection, principal: system, traceID: "schedule")
        do {
            return try Self.create(Creation(kind: kind, period: period, officeID: office, origin: .schedule), context)
        } catch let failure as BusinessFailure where failure.kind == .conflict {
            return nil
        }
    }

    /// A page of the runs of the caller's offices that pass `filter`, newest first.
    public static func list(
        _ filter: DisbursementRunFilter,
        _ page: PageRequest,
        _ context: BusinessContext
    ) throws -> Page<DisbursementRun> {
        let rows = try context.connection.query(
            Self.listRuns,
            [filter.status?.rawValue, filter.kind?.rawValue, filter.period?.value, page.cursor, page.limit + 1]
        )
        return Page(fetched: try rows.map(Self.run), limit: page.limit, id: \.id)
    }

    /// The run `id` with its tasks and their progress.
    ///
    /// - Throws: ``BusinessFailure`` notFound when it is not in the caller's offices.
    public static func read(_ id: Int64, _ context: BusinessContext) throws -> DisbursementRunDetail {
        guard let row = try context.connection.query(Self.findRun, [id]).first else {
            throw Self.runNotFound
        }
        let tasks = try context.connection.query(Self.tasksOfRun, [id]).map(Self.task)
        return DisbursementRunDetail(run: try Self.run(row), tasks: tasks)
    }

    /// Approves the computed run `id`: an officer other than its creator, with a fresh code of
    /// their second factor (one not used before). Queues the export. Audited as
    /// `disbursement.approve`.
    ///
    /// - Parameters:
    ///   - version: the version the approver saw, when they name one (`If-Match`).
    ///   - code: the approver's current TOTP code.
    /// - Throws: ``BusinessFailure`` notFound; stale when `version` is not the run's; conflict
    ///   when it is not computed; forbidden for its creator, for an approver without a second
    ///   factor, or for a wrong or spent code; ``PostgresError``.
    public static func approve(
        _ id: Int64,
        version: Int?,
        code: String,
        _ context: BusinessContext
    ) throws -> DisbursementRun {
        let approver = try context.operatorID
        let before = try Self.lock(id, version: version, context)
        let transition = try Self.transition(before, on: .approved)
        if before.createdBy == approver {
            throw BusinessFailure.forbidden(
                "发放批次须由创建人以外的人员审批",
                "a run is approved by an officer other than the one who created it"
            )
        }
        try StepUp.confirm(code: code, operator: approver, context)
        guard
            let row = try context.connection.query(
                Self.approveRun,
                [id, transition.from.rawValue, transition.to.rawValue, approver]
            ).first
        else {
            throw Self.wrongStatus(before.status, event: .approved)
        }
        let run = try Self.run(row)
        try Self.auditStatus("disbursement.approve", before, run, context)
        return run
    }

    /// Queues the export of the approved run `id`: the scheduler writes its bank files, one per
    /// batch, and marks it exported. Asking again while it runs, or once it is done, changes
    /// nothing and shows where it is. Audited as `disbursement.export` the first time.
    ///
    /// - Throws: ``BusinessFailure`` notFound; conflict when the run is not approved or
    ///   exported; ``PostgresError``.
    public static func export(_ id: Int64, _ context: BusinessContext) throws -> DisbursementRunDetail {
        _ = try context.operatorID
        let run = try Self.lock(id, version: nil, context)
        switch run.status {
        case .approved:
            if try context.connection.query(Self.insertExportTask, [run.officeID, run.id]).affectedRows == 1 {
                try context.audit("disbursement.export", target: ("disbursement_run", run.id), office: run.officeID)
            }
        case .exported, .reconciled:
            break
        default:
            throw Self.wrongStatus(run.status, event: .exported)
        }
        return try Self.read(id, context)
    }

    /// Cancels the run `id` before it is exported: its pending tasks stop (a scheduler working
    /// on one notices at its next page), and its lines are released for another run. Audited as
    /// `disbursement.cancel` with the reason.
    ///
    /// - Throws: ``BusinessFailure`` notFound; stale; conflict when it is exported, reconciled
    ///   or cancelled already; ``PostgresError``.
    public static func cancel(
        _ id: Int64,
        version: Int?,
        reason: String,
        _ context: BusinessContext
    ) throws -> DisbursementRun {
        let officer = try context.operatorID
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...500).contains(reason.count) else {
            throw BusinessFailure(
                .unprocessable,
                zh: "请填写取消原因（不超过 500 字）",
                en: "a cancellation needs a reason of 1 to 500 characters"
            )
        }
        let before = try Self.lock(id, version: version, context)
        let transition = try Self.transition(before, on: .cancelled)
        guard
            let row = try context.connection.query(
                Self.cancelRun,
                [id, transition.from.rawValue, transition.to.rawValue, officer, reason]
            ).first
        else {
            throw Self.wrongStatus(before.status, event: .cancelled)
        }
        try context.connection.query(Self.cancelTasks, [id])
        try context.connection.query(Self.cancelLines, [id])
        let run = try Self.run(row)
        try Self.auditStatus("disbursement.cancel", before, run, context, reason: reason)
        return run
    }

    /// Re-drives the stalled or failed task `taskID` from its checkpoint: pending again, due
    /// now (unleased), its attempts counted afresh; a scheduler still holding an old lease on it
    /// is fenced off by the next claim's epoch. Audited as `disbursement.redrive`.
    ///
    /// - Throws: ``BusinessFailure`` notFound; conflict when the task is neither failed nor
    ///   stalled, or its run is cancelled; ``PostgresError``.
    public static func redrive(
        _ runID: Int64,
        task taskID: Int64,
        _ context: BusinessContext
    ) throws
        -> DisbursementRunDetail
    {
        guard let row = try context.connection.query(Self.findTaskForUpdate, [taskID, runID]).first else {
            throw BusinessFailure.notFound("该发放任务", "task of that run")
        }
        let before = try Self.task(row)
        guard before.isStalled else {
            throw BusinessFailure(
                .conflict,
                zh: "该任务当前状态为“\(before.status.rawValue)”，未停滞，无需重新执行",
                en: "the task is \(before.status.rawValue) and not stalled: there is nothing to re-drive"
            )
        }
        guard try context.connection.query(Self.redriveTask, [taskID]).affectedRows == 1 else {
            throw BusinessFailure(.conflict, zh: "该任务已被其他人处理", en: "the task was handled meanwhile")
        }
        try context.audit(
            "disbursement.redrive",
            target: ("disbursement_task", taskID),
            office: try row.decode("office_id", as: Int64.self),
            before: try PostgresJSON(
                encoding: [
                    "status": before.status.rawValue, "attempts": "\(before.attempts)", "stage": before.stage ?? "",
                    "done": "\(before.done)",
                ]
            ),
            after: try PostgresJSON(encoding: ["status": DisbursementTask.Status.pending.rawValue, "attempts": "0"])
        )
        return try Self.read(runID, context)
    }

    // MARK: Reports

    /// The run's lines that pass `status`, in line order.
    public static func lines(
        _ id: Int64,
        status: PaymentLineRecord.Status?,
        _ page: PageRequest,
        _ context: BusinessContext
    ) throws -> Page<PaymentLineRecord> {
        _ = try Self.read(id, context)
        let rows = try context.connection.query(Self.linesOfRun, [id, status?.rawValue, page.cursor, page.limit + 1])
        return Page(fetched: try rows.map(Self.line), limit: page.limit, id: \.id)
    }

    /// Lines the bank failed in the caller's offices, with the later line that carries each.
    public static func failures(
        kind: BenefitKind?,
        _ page: PageRequest,
        _ context: BusinessContext
    ) throws -> Page<FailedPayment> {
        let rows = try context.connection.query(Self.failedLines, [kind?.rawValue, page.cursor, page.limit + 1])
        let items = try rows.map { row in
            FailedPayment(line: try Self.line(row), carriedBy: try row.decode("carried_by", as: Int64?.self))
        }
        return Page(fetched: items, limit: page.limit, id: \.line.id)
    }

    /// The benefits left out of the run: counts by reason, and a page of them by benefit id.
    public static func exclusions(
        _ id: Int64,
        reason: RunExclusion.Reason?,
        _ page: PageRequest,
        _ context: BusinessContext
    ) throws -> RunExclusionReport {
        _ = try Self.read(id, context)
        var counts: [RunExclusion.Reason: Int] = [:]
        for row in try context.connection.query(Self.exclusionCounts, [id]) {
            if let reason = RunExclusion.Reason(rawValue: try row.decode(0, as: String.self)) {
                counts[reason] = try row.decode(1, as: Int.self)
            }
        }
        let rows = try context.connection.query(
            Self.exclusionPage,
            [id, reason?.rawValue, page.cursor, page.limit + 1]
        )
        let items = try rows.map { row in
            guard let reason = RunExclusion.Reason(rawValue: try row.decode("reason", as: String.self)) else {
                throw Self.corrupt
            }
            return RunExclusion(
                benefitID: try row.decode("benefit_id", as: Int64.self),
                personID: try row.decode("person_id", as: Int64.self),
                reason: reason,
                amountFen: try row.decode("amount_fen", as: Int64.self)
            )
        }
        let fetched = Page(fetched: items, limit: page.limit, id: \.benefitID)
        return RunExclusionReport(counts: counts, page: fetched.items, nextCursor: fetched.nextCursor)
    }

    /// The run compared with the office's latest earlier run of the kind that was not
    /// cancelled: payees added, stopped and changed, and the failures carried in, each with a
    /// count, a sum and the first `sample` of them.
    public static func diff(_ id: Int64, sample: Int = 20, _ context: BusinessContext) throws -> RunDiff {
        let run = try Self.read(id, context).run
        let previous = try context.connection.query(
            Self.previousRun,
            [run.officeID, run.kind.rawValue, run.period.value]
        ).first
        let previousID = try previous?.decode(0, as: Int64.self)
        var groups: [String: RunDiff.Group] = [:]
        for name in ["added", "stopped", "changed", "carried", "same"] {
            groups[name] = RunDiff.Group(count: 0, totalFen: 0, sample: [])
        }
        for row in try context.connection.query(Self.diffRows, [id, previousID, max(0, sample)]) {
            let name = try row.decode("category", as: String.self)
            groups[name]?.count = try row.decode("n", as: Int.self)
            groups[name]?.totalFen = try row.decode("s", as: Int64.self)
            if let benefit = try row.decode("benefit_id", as: Int64?.self) {
                groups[name]?.sample.append(
                    RunDiff.Change(
                        benefitID: benefit,
                        personID: try row.decode("person_id", as: Int64.self),
                        payeeName: try row.decode("payee_name", as: String.self),
                        previousFen: try row.decode("previous_fen", as: Int64?.self),
                        currentFen: try row.decode("current_fen", as: Int64?.self)
                    )
                )
            }
        }
        let empty = RunDiff.Group(count: 0, totalFen: 0, sample: [])
        return RunDiff(
            previousRunID: previousID,
            previousPeriod: try previous.flatMap { Period(try $0.decode(1, as: Int.self)) },
            added: groups["added"] ?? empty,
            stopped: groups["stopped"] ?? empty,
            changed: groups["changed"] ?? empty,
            carried: groups["carried"] ?? empty,
            unchangedCount: groups["same"]?.count ?? 0
        )
    }

    // MARK: Pieces

    /// The current period by the database's clock in Asia/Shanghai (every process names the
    /// same one, whatever its own time zone).
    public static func currentPeriod(_ connection: PostgresConnection) throws -> Period {
        guard let period = Period(try connection.query(Self.selectCurrentPeriod).single().decode(0, as: Int.self))
        else {
            throw Self.corrupt
        }
        return period
    }

    static func lock(_ id: Int64, version: Int?, _ context: BusinessContext) throws -> DisbursementRun {
        guard let row = try context.connection.query(Self.findRunForUpdate, [id]).first else {
            throw Self.runNotFound
        }
        let run = try Self.run(row)
        if let version, version != run.version {
            throw BusinessFailure(
                .stale(version: "\(run.version)"),
                zh: "发放批次已被修改（当前版本 \(run.version)），请刷新后重试",
                en: "the run changed (it is at version \(run.version)); refresh and retry"
            )
        }
        return run
    }

    static func transition(
        _ run: DisbursementRun,
        on event: DisbursementRunEvent
    ) throws -> DisbursementRunTransition {
        guard let transition = run.status.transition(on: event) else {
            throw Self.wrongStatus(run.status, event: event)
        }
        return transition
    }

    static func wrongStatus(_ status: DisbursementRunStatus, event: DisbursementRunEvent) -> BusinessFailure {
        let allowed = DisbursementRunStatus.allCases.filter { $0.transition(on: event) != nil }
        return BusinessFailure(
            .conflict,
            zh: "发放批次当前状态为“\(status.name(.zh))”，仅“\(allowed.map { $0.name(.zh) }.joined(separator: "、"))”状态可以执行此操作",
            en:
                "the run is \(status.name(.en)); only a run \(allowed.map { $0.name(.en) }.joined(separator: " or ")) allows this"
        )
    }

    static func auditStatus(
        _ action: String,
        _ before: DisbursementRun,
        _ after: DisbursementRun,
        _ context: BusinessContext,
        reason: String? = nil
    ) throws {
        var record = ["status": after.status.rawValue, "version": "\(after.version)"]
        if let reason { record["reason"] = reason }
        try context.audit(
            action,
            target: ("disbursement_run", after.id),
            office: after.officeID,
            before: try PostgresJSON(encoding: ["status": before.status.rawValue, "version": "\(before.version)"]),
            after: try PostgresJSON(encoding: record)
        )
    }

    static let runNotFound = BusinessFailure.notFound("该发放批次", "run")
    static let corrupt = BusinessFailure(.corrupt, zh: "发放记录无法读取", en: "a disbursement record this version cannot read")

    static func run(_ row: PostgresRow) throws -> DisbursementRun {
        guard let kind = BenefitKind(rawValue: try row.decode("benefit_kind", as: String.self)),
            let status = DisbursementRunStatus(rawValue: try row.decode("status", as: String.self)),
            let origin = DisbursementRun.Origin(rawValue: try row.decode("origin", as: String.self)),
            let period = Period(try row.decode("period", as: Int.self)),
            let valueDate = CalendarDate(iso: try row.decode("value_date", as: String.self))
        else {
            throw Self.corrupt
        }
        return DisbursementRun(
            id: try row.decode("id", as: Int64.self),
            officeID: try row.decode("office_id", as: Int64.self),
            kind: kind,
            period: period,
            valueDate: valueDate,
            status: status,
            origin: origin,
            createdBy: try row.decode("created_by", as: Int64?.self),
            approvedBy: try row.decode("approved_by", as: Int64?.self),
            cancelledBy: try row.decode("cancelled_by", as: Int64?.self),
            cancelReason: try row.decode("cancel_reason", as: String?.self),
            lineCount: try row.decode("line_count", as: Int.self),
            totalFen: try row.decode("total_fen", as: Int64.self),
            excludedCount: try row.decode("excluded_count", as: Int.self),
            carriedCount: try row.decode("carried_count", as: Int.self),
            carriedFen: try row.decode("carried_fen", as: Int64.self),
            paidCount: try row.decode("paid_count", as: Int.self),
            paidFen: try row.decode("paid_fen", as: Int64.self),
            failedCount: try row.decode("failed_count", as: Int.self),
            failedFen: try row.decode("failed_fen", as: Int64.self),
            version: try row.decode("version", as: Int.self),
            createdAt: try row.decode("created_at", as: Date.self),
            computedAt: try row.decode("computed_at", as: Date?.self),
            approvedAt: try row.decode("approved_at", as: Date?.self),
            exportedAt: try row.decode("exported_at", as: Date?.self),
            reconciledAt: try row.decode("reconciled_at", as: Date?.self),
            cancelledAt: try row.decode("cancelled_at", as: Date?.self)
        )
    }

    static func task(_ row: PostgresRow) throws -> DisbursementTask {
        guard let kind = DisbursementTask.Kind(rawValue: try row.decode("kind", as: String.self)),
            let status = DisbursementTask.Status(rawValue: try row.decode("status", as: String.self))
        else {
            throw Self.corrupt
        }
        return DisbursementTask(
            id: try row.decode("id", as: Int64.self),
            runID: try row.decode("run_id", as: Int64.self),
            kind: kind,
            status: status,
            stage: try row.decode("stage", as: String?.self),
            done: try row.decode("done", as: Int64.self),
            total: try row.decode("total", as: Int64?.self),
            attempts: try row.decode("attempts", as: Int.self),
            lastError: try row.decode("last_error", as: String?.self),
            returnFileID: try row.decode("return_file_id", as: Int64?.self),
            createdAt: try row.decode("created_at", as: Date.self),
            startedAt: try row.decode("started_at", as: Date?.self),
            progressAt: try row.decode("progress_at", as: Date?.self),
            finishedAt: try row.decode("finished_at", as: Date?.self),
            leaseExpiresAt: try row.decode("lease_expires_at", as: Date?.self),
            isStalled: try row.decode("stalled", as: Bool.self)
        )
    }

    static func line(_ row: PostgresRow) throws -> PaymentLineRecord {
        guard let status = PaymentLineRecord.Status(rawValue: try row.decode("status", as: String.self)),
            let period = Period(try row.decode("period", as: Int.self))
        else {
            throw Self.corrupt
        }
        return PaymentLineRecord(
            id: try row.decode("id", as: Int64.self),
            runID: try row.decode("run_id", as: Int64.self),
            benefitID: try row.decode("benefit_id", as: Int64.self),
            personID: try row.decode("person_id", as: Int64.self),
            period: period,
            payeeName: try row.decode("payee_name", as: String.self),
            bankCode: try row.decode("bank_code", as: String.self),
            cardNumber: Masking.bankCard(try row.decode("bank_card_number", as: String.self)),
            amountFen: try row.decode("amount_fen", as: Int64.self),
            carriedFrom: try row.decode("carried_from", as: Int64?.self),
            status: status,
            failureCode: try row.decode("failure_code", as: String?.self),
            settledAt: try row.decode("settled_at", as: Date?.self)
        )
    }
}
