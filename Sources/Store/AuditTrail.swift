public import Foundation
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

/// An audit event as the log shows it.
public struct AuditRecord: Sendable, Equatable {
    public var id: Int64
    /// Its place in the hash chain.
    public var position: Int64
    public var occurredAt: Date
    public var officeID: Int64
    public var actorKind: String?
    public var actorID: Int64?
    public var action: String?
    public var targetType: String?
    public var targetID: String?
    public var requestID: String?
    public var clientAddress: String?
    public var outcome: String?
    /// The chain's hash of the event, in hex.
    public var hash: String?
    /// The record before and after, as JSON text.
    public var before: String?
    public var after: String?
}

extension AuditTrail {
    /// The newest `limit` events the transaction's scope sees, older than event `before` when
    /// given, of `action` and by actor `actorID` when given.
    ///
    /// - Returns: the events, newest first, and whether older ones pass the filter too.
    public static func events(
        before: Int64?,
        action: String?,
        actorID: Int64?,
        limit: Int,
        on connection: PostgresConnection
    ) throws -> (events: [AuditRecord], hasMore: Bool) {
        // One more than asked for tells whether there is a next page.
        let rows = try connection.query(Self.page, [before, action, actorID, limit + 1])
        let events = try rows.prefix(limit).map { row in
            AuditRecord(
                id: try row.decode("id", as: Int64.self),
                position: try row.decode("chain_position", as: Int64.self),
                occurredAt: try row.decode("occurred_at", as: Date.self),
                officeID: try row.decode("office_id", as: Int64.self),
                actorKind: try row.decode("actor_kind", as: String?.self),
                actorID: try row.decode("actor_id", as: Int64?.self),
                action: try row.decode("action", as: String?.self),
                targetType: try row.decode("target_type", as: String?.self),
                targetID: try row.decode("target_id", as: String?.self),
                requestID: try row.decode("request_id", as: String?.self),
                clientAddress: try row.decode("address", as: String?.self),
                outcome: try row.decode("outcome", as: String?.self),
                hash: try row.decode("hash", as: String?.self),
                before: try row.decode("before", as: String?.self),
                after: try row.decode("after", as: String?.self)
            )
        }
        return (events, rows.count > limit)
    }

    static let page = PreparedStatement(
        """
        SELECT id, chain_position, occurred_at, office_id, actor_kind, actor_id, action, target_type, target_id, \
        request_id, host(client_address) AS address, outcome, before::text AS before, after::text AS after, \
        encode(hash, 'hex') AS hash \
        FROM shebao.audit_event \
        WHERE ($1::bigint IS NULL OR id < $1) AND ($2::text IS NULL OR action = $2) AND ($3::bigint IS NULL OR actor_id = $3) \
        ORDER BY id DESC LIMIT $4
        """
    )
}
