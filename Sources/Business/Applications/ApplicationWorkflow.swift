public import Domain
import Foundation
import Postgres
import Store

/// The version of a record a change expects to find: any, or one of those the caller read.
public enum ExpectedVersion: Sendable, Equatable {
    case any
    case oneOf([Int])

    /// Whether a record of `version` is one expected.
    public func admits(_ version: Int) -> Bool {
        switch self {
        case .any: true
        case .oneOf(let versions): versions.contains(version)
        }
    }
}

/// The application workflow, one for every business type: preview (both check stages, nothing
/// saved), draft, change, submit, and the reviewer's approve, reject or return; the maker may
/// cancel. Each move is one that ``ApplicationStatus`` allows, persisted by a conditional update
/// that expects the status it starts from: one that finds it moved is a conflict, never a
/// silent success. Approval applies the effects, issues the voucher, audits and notifies in
/// the one transaction of the context.
public enum ApplicationWorkflow {
    // MARK: Operations

    /// Both check stages on `payload` for an application of the caller's office, as of today.
    public static func preview(_ payload: TypedPayload, _ context: BusinessContext) throws -> CheckOutcome {
        try Self.check(payload, office: context.principal.officeID, context)
    }

    /// Saves a draft of `payload` with its check results, made by the caller: whether or not the
    /// checks found errors (submission needs them corrected).
    public static func create(_ payload: TypedPayload, _ context: BusinessContext) throws -> ApplicationRecord {
        let outcome = try Self.check(payload, office: context.principal.officeID, context)
        let id = try context.connection.query(
            Self.insert,
            [
                context.principal.officeID, payload.type.rawValue, try outcome.payload.json(),
                try PostgresJSON(encoding: StoredChecks(outcome)), outcome.personID, outcome.employerID,
                try context.operatorID,
            ]
        ).single().decode(0, as: Int64.self)
        let record = try ApplicationRecord.load(id, on: context.connection)
        try context.audit("application.create", target: ("application", id), after: record.payload)
        return record
    }

    /// The application `id` in full; the reading is audited (the payload holds the person's
    /// details).
    public static func read(_ id: Int64, _ context: BusinessContext) throws -> ApplicationRecord {
        let record = try ApplicationRecord.load(id, on: context.connection)
        try context.audit("application.read", target: ("application", record.id), office: record.officeID)
        return record
    }

    /// Changes a draft or returned application by its maker, the checks run again.
    ///
    /// - Parameter payload: the new payload as the application's type, given once the
    ///   application is found, is the caller's and is in a status that takes a change.
    public static func update(
        _ id: Int64,
        expecting expected: ExpectedVersion?,
        payload: (ApplicationType) throws -> TypedPayload,
        _ context: BusinessContext
    ) throws -> ApplicationRecord {
        let (record, transition) = try Self.loadForMaker(id, expected, on: .changed, versionRequired: true, context)
        let outcome = try Self.check(
            try payload(record.type),
            office: record.officeID,
            application: record.id,
            context
        )
        try Self.persist(
            transition,
            of: record,
            [
                try outcome.payload.json(), try PostgresJSON(encoding: StoredChecks(outcome)), outcome.personID,
                outcome.employerID,
            ],
            context
        )
        let updated = try ApplicationRecord.load(record.id, on: context.connection)
        try context.audit(
            "application.update",
            target: ("application", record.id),
            before: record.payload,
            after: updated.payload
        )
        return updated
    }

    /// Sends a draft or returned application to review, by its maker; the checks run again and
    /// any error refuses it (the application stays as it was).
    public static func submit(
        _ id: Int64,
        expecting expected: ExpectedVersion?,
        _ context: BusinessContext
    ) throws -> ApplicationRecord {
        let (record, transition) = try Self.loadForMaker(id, expected, on: .submitted, versionRequired: false, context)
        let outcome = try Self.recheck(record, context)
        guard !outcome.issues.hasErrors else { throw BusinessFailure.invalid(outcome.issues) }
        try Self.persist(
            transition,
            of: record,
            [try PostgresJSON(encoding: StoredChecks(outcome)), outcome.personID, outcome.employerID],
            context
        )
        try context.audit("application.submit", target: ("application", record.id))
        return try ApplicationRecord.load(record.id, on: context.connection)
    }

    /// Approves a submitted application, by a reviewer other than its maker: the checks run
    /// again (an error refuses it), the effects apply, the voucher is issued and the person
    /// notified.
    public static func approve(
        _ id: Int64,
        expecting expected: ExpectedVersion?,
        _ context: BusinessContext
    ) throws -> ApplicationRecord {
        let (record, transition) = try Self.loadForDecision(id, expected, on: .approved, context)
        let outcome = try Self.recheck(record, context)
        guard !outcome.issues.hasErrors else { throw BusinessFailure.invalid(outcome.issues) }
        let checker = try context.operatorID
        let subject = try ApplicationApproval.apply(outcome, record, on: context.connection)
        try Self.persist(
            transition,
            of: record,
            [checker, nil, try PostgresJSON(encoding: StoredChecks(outcome)), subject.personID, subject.employerID],
            context
        )
        let number = try VoucherIssuance.issue(record, subject, outcome, checkerID: checker, on: context.connection)
        try VoucherIssuance.notify(
            record,
            personID: subject.personID,
            phone: subject.phone,
            decision: transition.to,
            voucher: number,
            reasons: nil,
            on: context.connection
        )
        try context.audit(
            "application.approve",
            target: ("application", record.id),
            office: record.officeID,
            before: record.payload,
            after: try PostgresJSON(encoding: ["voucherNumber": number, "status": transition.to.rawValue])
        )
        return try ApplicationRecord.load(record.id, on: context.connection)
    }

    /// Rejects (`.rejected`) or returns for correction (`.returned`) a submitted application,
    /// with the reasons for the applicant, by a reviewer other than its maker; the person is
    /// notified.
    public static func decide(
        _ id: Int64,
        _ event: ApplicationEvent,
        reasons: String,
        expecting expected: ExpectedVersion?,
        _ context: BusinessContext
    ) throws -> ApplicationRecord {
        precondition(event == .rejected || event == .returned, "a decision with reasons rejects or returns")
        let reasons = reasons.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reasons.isEmpty else {
            throw BusinessFailure.invalid([ValidationIssue(field: "reasons", code: .required)])
        }
        let (record, transition) = try Self.loadForDecision(id, expected, on: event, context)
        try Self.persist(
            transition,
            of: record,
            event == .rejected ? [try context.operatorID, reasons, nil, nil, nil] : [reasons],
            context
        )
        let phone = try record.personID.flatMap {
            try context.connection.query(ApplicationApproval.personSummary, [$0]).first?.decode(
                "phone",
                as: String?.self
            )
        }
        try VoucherIssuance.notify(
            record,
            personID: record.personID,
            phone: phone,
            decision: transition.to,
            voucher: nil,
            reasons: reasons,
            on: context.connection
        )
        let verb = event == .rejected ? "reject" : "return"
        try context.audit(
            "application.\(verb)",
            target: ("application", record.id),
            office: record.officeID,
            after: try PostgresJSON(encoding: ["reasons": reasons])
        )
        return try ApplicationRecord.load(record.id, on: context.connection)
    }

    /// Cancels a draft or returned application, by its maker.
    public static func cancel(
        _ id: Int64,
        expecting expected: ExpectedVersion?,
        _ context: BusinessContext
    ) throws -> ApplicationRecord {
        let (record, transition) = try Self.loadForMaker(id, expected, on: .cancelled, versionRequired: false, context)
        try Self.persist(transition, of: record, [], context)
        try context.audit("application.cancel", target: ("application", record.id))
        return try ApplicationRecord.load(record.id, on: context.connection)
    }

    // MARK: Steps

    /// Runs both check stages again on the stored payload, as of now.
    static func recheck(_ record: ApplicationRecord, _ context: BusinessContext) throws -> CheckOutcome {
        let payload = try TypedPayload.decode(record.type, stored: record.payload)
        return try Self.check(payload, office: record.officeID, application: record.id, context)
    }

    /// Both check stages on `payload` for an application of office `id` (the stored
    /// `application`, if it is one), as of the context's day.
    static func check(
        _ payload: TypedPayload,
        office id: Int64,
        application: Int64? = nil,
        _ context: BusinessContext
    ) throws -> CheckOutcome {
        let office = try OfficeInfo.load(id, on: context.connection)
        return try ApplicationChecks.run(
            payload,
            office: office,
            today: CalendarDate(secondsSinceEpoch: Int64(context.now.timeIntervalSince1970)),
            application: application,
            on: context.connection
        )
    }

    /// The application, locked, if it is of the version expected.
    ///
    /// - Throws: ``BusinessFailure`` stale naming the current version when it is not;
    ///   versionRequired when `versionRequired` and nothing is expected.
    static func loadForChange(
        _ id: Int64,
        _ expected: ExpectedVersion?,
        versionRequired: Bool,
        _ context: BusinessContext
    ) throws -> ApplicationRecord {
        let record = try ApplicationRecord.load(id, forUpdate: true, on: context.connection)
        if expected == nil && versionRequired {
            throw BusinessFailure(
                .versionRequired,
                zh: "修改须带 If-Match（取自 ETag），以免覆盖他人的修改",
                en: "send If-Match with the ETag you read, so that no change is lost"
            )
        }
        if let expected, !expected.admits(record.version) {
            throw BusinessFailure(
                .stale(version: "\(record.version)"),
                zh: "该申请已被修改（当前版本 \(record.version)），请刷新后重试",
                en: "the application changed since you read it (now version \(record.version)); reload it"
            )
        }
        return record
    }

    /// The application for a reviewer's decision `event`, and the transition it makes: one
    /// whose status takes it (a submitted one), and not the reviewer's own.
    ///
    /// - Throws: ``BusinessFailure`` conflict naming the status when it refuses `event`,
    ///   forbidden for the maker.
    static func loadForDecision(
        _ id: Int64,
        _ expected: ExpectedVersion?,
        on event: ApplicationEvent,
        _ context: BusinessContext
    ) throws -> (ApplicationRecord, ApplicationTransition) {
        let record = try Self.loadForChange(id, expected, versionRequired: false, context)
        let transition = try Self.transition(record, on: event)
        guard record.makerID != (try context.operatorID) else {
            throw BusinessFailure.forbidden(
                "不能复核自己经办的业务（经办与复核须为不同人员）",
                "you cannot decide an application you made (maker-checker)"
            )
        }
        return (record, transition)
    }

    /// The application for its maker's `event` (a change, a submission or a cancellation), and
    /// the transition it makes: one whose status takes it (a draft or a returned one).
    ///
    /// - Throws: ``BusinessFailure`` forbidden for anyone but the maker, conflict naming the
    ///   status when it refuses `event`.
    static func loadForMaker(
        _ id: Int64,
        _ expected: ExpectedVersion?,
        on event: ApplicationEvent,
        versionRequired: Bool,
        _ context: BusinessContext
    ) throws -> (ApplicationRecord, ApplicationTransition) {
        let record = try Self.loadForChange(id, expected, versionRequired: versionRequired, context)
        try Self.requireMaker(record, context)
        return (record, try Self.transition(record, on: event))
    }

    static func requireMaker(_ record: ApplicationRecord, _ context: BusinessContext) throws {
        guard record.makerID == (try context.operatorID) else {
            throw BusinessFailure.forbidden("仅经办人本人可以修改、提交或撤销该申请", "only the maker changes, submits or cancels it")
        }
    }

    /// The refusal of an application whose `status` does not allow what was asked, naming it.
    public static func wrongStatus(_ status: ApplicationStatus) -> BusinessFailure {
        BusinessFailure(
            .conflict,
            zh: "该申请当前状态为“\(ApplicationNames.status(status, .zh))”，不能进行此操作",
            en: "the application is \(ApplicationNames.status(status, .en)); that is not possible now"
        )
    }

    // MARK: Transitions

    /// The transition `event` makes from `record`'s status.
    ///
    /// - Throws: ``BusinessFailure`` conflict naming the status when it refuses `event`.
    static func transition(_ record: ApplicationRecord, on event: ApplicationEvent) throws -> ApplicationTransition {
        try record.status.transition(on: event).mapError { Self.wrongStatus($0.status) }.get()
    }

    /// Persists `transition` of `record` with its event's conditional update: `values` are its
    /// own binds, from `$4` on.
    ///
    /// - Throws: ``BusinessFailure`` conflict naming the status the application is in now when
    ///   the update changed no row; ``PostgresError``.
    static func persist(
        _ transition: ApplicationTransition,
        of record: ApplicationRecord,
        _ values: [(any PostgresEncodable)?],
        _ context: BusinessContext
    ) throws {
        let changed = try context.connection.query(
            Self.statement(transition.event),
            [record.id, transition.from.rawValue, transition.to.rawValue] + values
        ).affectedRows
        // The row has been locked since it was read (loadForChange), so no other transaction
        // moves it in between; the condition still catches what does (a trigger, a statement of
        // this transaction, a path that reads without the lock) instead of writing over it.
        guard changed == 1 else {
            throw Self.wrongStatus(try ApplicationRecord.load(record.id, on: context.connection).status)
        }
    }

    // MARK: Statements

    static let insert = PreparedStatement(
        """
        INSERT INTO shebao.application (office_id, type, payload, check_results, person_id, employer_id, maker_id) \
        VALUES ($1, $2, $3::jsonb, $4::jsonb, $5, $6, $7) RETURNING id
        """
    )

    /// The update that persists a transition on `event`: `$1` the application, `$2` the status
    /// it expects, `$3` the status it writes.
    static func statement(_ event: ApplicationEvent) -> PreparedStatement {
        switch event {
        case .changed: Self.update
        case .submitted: Self.submit
        case .approved, .rejected: Self.decide
        case .returned: Self.giveBack
        case .cancelled: Self.cancel
        }
    }

    /// `$4` the payload, `$5` the check results, `$6` the person, `$7` the employer.
    static let update = PreparedStatement(
        """
        UPDATE shebao.application SET status = $3, payload = $4::jsonb, check_results = $5::jsonb, person_id = $6, \
        employer_id = $7, version = version + 1, updated_at = now() WHERE id = $1 AND status = $2
        """
    )
    /// `$4` the check results, `$5` the person, `$6` the employer.
    static let submit = PreparedStatement(
        """
        UPDATE shebao.application SET status = $3, check_results = $4::jsonb, person_id = $5, employer_id = $6, \
        reasons = NULL, version = version + 1, updated_at = now(), submitted_at = now() WHERE id = $1 AND status = $2
        """
    )
    /// `$4` the checker, `$5` the reasons, then the check results, the person and the employer,
    /// each kept when null.
    static let decide = PreparedStatement(
        """
        UPDATE shebao.application SET status = $3, checker_id = $4, reasons = $5, \
        check_results = coalesce($6::jsonb, check_results), person_id = coalesce($7, person_id), \
        employer_id = coalesce($8, employer_id), version = version + 1, updated_at = now(), decided_at = now() \
        WHERE id = $1 AND status = $2
        """
    )
    /// `$4` the reasons.
    static let giveBack = PreparedStatement(
        """
        UPDATE shebao.application SET status = $3, reasons = $4, version = version + 1, updated_at = now() \
        WHERE id = $1 AND status = $2
        """
    )
    static let cancel = PreparedStatement(
        """
        UPDATE shebao.application SET status = $3, version = version + 1, updated_at = now() \
        WHERE id = $1 AND status = $2
        """
    )
}
