public import Domain
import Foundation
import Postgres

/// Which benefits a list holds: of a person, of a kind, in a status, or all of the caller's.
public struct BenefitFilter: Sendable, Equatable {
    public var personID: Int64?
    public var kind: BenefitKind?
    public var status: BenefitStatus?

    public init(personID: Int64? = nil, kind: BenefitKind? = nil, status: BenefitStatus? = nil) {
        self.personID = personID
        self.kind = kind
        self.status = status
    }
}

/// A change of a benefit's status as asked: to `suspended` or `ended` with the reason and the
/// day it takes effect, or back to `active`.
public struct BenefitStatusChange: Sendable, Equatable {
    /// The most characters of a reason (the `status_reason` column's check).
    public static let maximumReasonLength = 500

    public var status: BenefitStatus
    /// Required for a suspension or an end; for a resumption it goes to the audit trail only.
    public var reason: String?
    /// Required for a suspension or an end.
    public var effectiveOn: CalendarDate?

    public init(status: BenefitStatus, reason: String? = nil, effectiveOn: CalendarDate? = nil) {
        self.status = status
        self.reason = reason
        self.effectiveOn = effectiveOn
    }
}

/// Benefits as records: listed a page at a time (identities masked), read in full (audited),
/// and their status changed (active ⇄ suspended, either → ended) by a conditional update on the
/// status and version read, audited with the record before and after. Insured persons see their
/// own through the same reads: their scope holds only their rows.
public enum Benefits {
    /// A page of the benefits the caller's scope holds that pass `filter`, newest first.
    public static func list(
        _ filter: BenefitFilter,
        _ page: PageRequest,
        _ context: BusinessContext
    ) throws -> Page<BenefitSummary> {
        let rows = try context.connection.query(
            Self.listing,
            [filter.personID, filter.kind?.rawValue, filter.status?.rawValue, page.cursor, page.limit + 1]
        )
        let items = try rows.map { try BenefitRecord.decode($0).summary }
        return Page(fetched: items, limit: page.limit, id: \.id)
    }

    /// The benefit `id` in full; the reading is audited.
    ///
    /// - Throws: ``BusinessFailure`` notFound outside the caller's scope.
    public static func benefit(_ id: Int64, _ context: BusinessContext) throws -> BenefitRecord {
        try BenefitRecord.decode(Registry.readAudited(Self.find, id, context, ("该待遇记录", "benefit")))
    }

    /// Changes the status of benefit `id` as `change` asks, if it is still of a version expected.
    ///
    /// A suspension or an end takes its reason and effective day; an end also closes the benefit
    /// at the effective day's month, unless it was to end sooner. Resuming clears both.
    ///
    /// - Returns: the benefit as changed.
    /// - Throws: ``BusinessFailure`` invalid naming each field missing or wrong; versionRequired
    ///   without an expected version; stale naming the current one; conflict naming the status
    ///   when it allows no such move (or moved meanwhile); notFound outside the caller's offices.
    public static func changeStatus(
        _ id: Int64,
        _ change: BenefitStatusChange,
        expecting expected: ExpectedVersion?,
        _ context: BusinessContext
    ) throws -> BenefitRecord {
        guard let row = try context.connection.query(Self.findForUpdate, [id]).first else {
            throw BusinessFailure.notFound("该待遇记录", "benefit")
        }
        let record = try BenefitRecord.decode(row)
        try Self.requireVersion(record, expected)
        let transition = try record.status.transition(on: BenefitEvent(leadingTo: change.status)).mapError {
            Self.wrongStatus($0.status)
        }.get()
        let (reason, effectiveOn) = try Self.validated(change, record)
        let end = transition.to == .ended ? effectiveOn.map { min(record.endPeriod ?? .max, $0.period.value) } : nil
        let changed = try context.connection.query(
            Self.update,
            [
                record.id, transition.from.rawValue, record.version, transition.to.rawValue,
                transition.to.hasReason ? reason : nil, transition.to.hasReason ? effectiveOn?.iso : nil, end,
            ]
        ).affectedRows
        // The row has been locked since it was read, so nothing moves it in between; the condition
        // still refuses to write over what does.
        guard changed == 1 else { throw Self.wrongStatus(record.status) }
        guard let updatedRow = try context.connection.query(Self.find, [id]).first else {
            throw BusinessFailure.notFound("该待遇记录", "benefit")
        }
        let updated = try BenefitRecord.decode(updatedRow)
        var after = updated.auditedState
        if !transition.to.hasReason { after["reason"] = reason }
        try context.audit(
            "benefit.\(Self.verb(transition.event))",
            target: ("benefit", id),
            office: record.officeID,
            before: try PostgresJSON(encoding: record.auditedState),
            after: try PostgresJSON(encoding: after)
        )
        return updated
    }

    /// The reason, trimmed, and the effective day of `change` to `record`.
    ///
    /// - Throws: ``BusinessFailure`` invalid: a suspension or an end without them, a reason too
    ///   long, a day outside the periods' years, an end before the benefit's start.
    static func validated(
        _ change: BenefitStatusChange,
        _ record: BenefitRecord
    ) throws -> (reason: String?, effectiveOn: CalendarDate?) {
        var issues: [ValidationIssue] = []
        let reason = change.reason?.trimmingCharacters(in: .whitespacesAndNewlines).nonEmpty
        if change.status.hasReason {
            if reason == nil { issues.append(ValidationIssue(field: "reason", code: .required)) }
            if change.effectiveOn == nil { issues.append(ValidationIssue(field: "effectiveOn", code: .required)) }
        }
        if let reason, reason.count > BenefitStatusChange.maximumReasonLength {
            issues.append(
                ValidationIssue(
                    field: "reason",
                    code: .tooLong,
                    arguments: ["max": "\(BenefitStatusChange.maximumReasonLength)"]
                )
            )
        }
        if let day = change.effectiveOn {
            if Period(day.period.value) == nil {
                issues.append(ValidationIssue(field: "effectiveOn", code: .invalidDate))
            } else if change.status == .ended && day.period.value < record.startPeriod {
                issues.append(
                    ValidationIssue(
                        field: "effectiveOn",
                        code: .benefitEndBeforeStart,
                        arguments: ["start": "\(record.startPeriod)"]
                    )
                )
            }
        }
        guard issues.isEmpty else { throw BusinessFailure.invalid(issues) }
        return (reason, change.effectiveOn)
    }

    /// Refuses a change that expects no version, or another than `record`'s.
    static func requireVersion(_ record: BenefitRecord, _ expected: ExpectedVersion?) throws {
        guard let expected else {
            throw BusinessFailure(
                .versionRequired,
                zh: "变更待遇状态须带 If-Match（取自 ETag），以免覆盖他人的变更",
                en: "send If-Match with the ETag you read, so that no change is lost"
            )
        }
        guard expected.admits(record.version) else {
            throw BusinessFailure(
                .stale(version: "\(record.version)"),
                zh: "该待遇记录已被修改（当前版本 \(record.version)），请刷新后重试",
                en: "the benefit changed since you read it (now version \(record.version)); reload it"
            )
        }
    }

    /// The audit action's verb of `event`: `benefit.suspend`, `benefit.resume`, `benefit.end`.
    static func verb(_ event: BenefitEvent) -> String {
        switch event {
        case .suspended: "suspend"
        case .resumed: "resume"
        case .ended: "end"
        }
    }

    /// The refusal of a change a benefit in `status` does not allow, naming the status.
    static func wrongStatus(_ status: BenefitStatus) -> BusinessFailure {
        BusinessFailure(
            .conflict,
            zh: "该待遇当前状态为“\(status.name(.zh))”，不能进行此变更",
            en: "the benefit is \(status.name(.en)); that change is not possible now"
        )
    }

    // MARK: Statements

    static let listing = PreparedStatement(
        """
        SELECT \(BenefitRecord.columns) FROM \(BenefitRecord.joins) \
        WHERE ($1::bigint IS NULL OR b.person_id = $1) AND ($2::text IS NULL OR b.kind = $2) \
        AND ($3::text IS NULL OR b.status = $3) AND ($4::bigint IS NULL OR b.id < $4) ORDER BY b.id DESC LIMIT $5
        """
    )
    static let find = PreparedStatement(
        "SELECT \(BenefitRecord.columns) FROM \(BenefitRecord.joins) WHERE b.id = $1"
    )
    static let findForUpdate = PreparedStatement(
        "SELECT \(BenefitRecord.columns) FROM \(BenefitRecord.joins) WHERE b.id = $1 FOR UPDATE OF b"
    )
    /// `$1` the benefit, `$2` the status and `$3` the version it expects; `$4` the status it
    /// writes with `$5` the reason and `$6` the day; `$7` the end period, kept when null.
    static let update = PreparedStatement(
        """
        UPDATE shebao.benefit SET status = $4, status_reason = $5, status_changed_on = $6::date, \
        end_period = coalesce($7::integer, end_period), version = version + 1, updated_at = now() \
        WHERE id = $1 AND status = $2 AND version = $3
        """
    )
}

extension String {
    /// The string, or nil when it is empty.
    fileprivate var nonEmpty: String? { self.isEmpty ? nil : self }
}
