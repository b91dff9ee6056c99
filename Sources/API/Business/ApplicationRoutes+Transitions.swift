import Domain
import Postgres

/// The workflow's moves as ``ApplicationStatus`` allows them, and the conditional updates that
/// persist them: each expects the status its transition starts from, and one that finds it
/// moved is a 409, never a silent success.
extension ApplicationRoutes {
    /// The transition `event` makes from `record`'s status.
    ///
    /// - Throws: ``BusinessError`` 409 naming the status when it refuses `event`.
    static func transition(_ record: ApplicationRecord, on event: ApplicationEvent) throws -> ApplicationTransition {
        try record.status.transition(on: event).mapError { Self.wrongStatus($0.status) }.get()
    }

    /// Persists `transition` of `record` with its event's conditional update: `values` are its
    /// own binds, from `$4` on.
    ///
    /// - Throws: ``BusinessError`` 409 naming the status the application is in now when the
    ///   update changed no row; ``PostgresError``.
    static func persist(
        _ transition: ApplicationTransition,
        of record: ApplicationRecord,
        _ values: [(any PostgresEncodable)?],
        _ call: BusinessCall
    ) throws {
        let changed = try call.connection.query(
            Self.statement(transition.event),
            [record.id, transition.from.rawValue, transition.to.rawValue] + values
        ).affectedRows
        // The row has been locked since it was read (loadForChange), so no other transaction
        // moves it in between; the condition still catches what does (a trigger, a statement of
        // this transaction, a path that reads without the lock) instead of writing over it.
        guard changed == 1 else {
            throw Self.wrongStatus(try ApplicationRecord.load(record.id, on: call.connection).status)
        }
    }

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
