public import Postgres

/// One event of the audit log (`shebao.audit_event`): who did what to which record, from where,
/// and the record before and after. The database chains it (``AuditChain``).
public struct AuditEvent: Sendable {
    /// The office the event concerns.
    public var officeID: Int64
    /// Who acted: an operator, a person or the system.
    public var actor: Principal
    /// What was done, `<record>.<verb>`: `application.approve`.
    public var action: String
    /// `success` or `failure`.
    public var outcome: String
    /// The record acted on.
    public var target: (type: String, id: Int64)?
    /// The request (or job) the event belongs to, for tracing it through the logs.
    public var requestID: String?
    /// The client's address, when a client asked.
    public var clientAddress: String?
    public var before: PostgresJSON?
    public var after: PostgresJSON?

    public init(
        officeID: Int64,
        actor: Principal,
        action: String,
        outcome: String = "success",
        target: (type: String, id: Int64)? = nil,
        requestID: String? = nil,
        clientAddress: String? = nil,
        before: PostgresJSON? = nil,
        after: PostgresJSON? = nil
    ) {
        self.officeID = officeID
        self.actor = actor
        self.action = action
        self.outcome = outcome
        self.target = target
        self.requestID = requestID
        self.clientAddress = clientAddress
        self.before = before
        self.after = after
    }
}

/// The one way an audit event is appended: in the transaction of what it records, so that the
/// two commit together or not at all.
public enum AuditTrail {
    /// Appends `event` in the transaction open on `connection`.
    ///
    /// An insured person's event is written by the database's own function, which takes the
    /// person and their office from the transaction's scope (their role may not insert events):
    /// for them the event's office, before and after are not used.
    ///
    /// - Throws: ``PostgresError``.
    public static func append(_ event: AuditEvent, on connection: PostgresConnection) throws {
        let target = event.target.map { (type: $0.type, id: "\($0.id)") }
        if event.actor.kind == .person {
            try connection.query(
                Self.appendPersonEvent,
                [event.action, target?.type, target?.id, event.requestID, event.clientAddress]
            )
            return
        }
        try connection.query(
            Self.appendEvent,
            [
                event.officeID, event.actor.kind.rawValue, event.actor.id, event.action, target?.type, target?.id,
                event.requestID, event.clientAddress, event.outcome, event.before, event.after,
            ]
        )
    }

    static let appendEvent = PreparedStatement(
        """
        INSERT INTO shebao.audit_event (office_id, actor_kind, actor_id, action, target_type, target_id, request_id, \
        client_address, outcome, before, after) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::inet, $9, $10::jsonb, $11::jsonb)
        """
    )
    static let appendPersonEvent = PreparedStatement("SELECT shebao.record_person_event($1, $2, $3, $4, $5::inet)")
}
