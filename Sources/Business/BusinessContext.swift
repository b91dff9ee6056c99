public import Foundation
public import Postgres
public import Store

/// Who an authenticated call belongs to, as the database found its session.
public struct SessionPrincipal: Sendable, Equatable {
    public var sessionID: Int64
    public var kind: Principal.Kind
    public var operatorID: Int64?
    public var personID: Int64?
    public var officeID: Int64
    public var username: String?
    public var displayName: String?
    public var roles: [String]
    public var mustChangePassword: Bool
    public var passwordChangedAt: Date?
    public var expiresAt: Date
    /// Whether the operator has enrolled a second factor (never for a person).
    public var hasSecondFactor: Bool

    public init(
        sessionID: Int64,
        kind: Principal.Kind,
        operatorID: Int64?,
        personID: Int64?,
        officeID: Int64,
        username: String?,
        displayName: String?,
        roles: [String],
        mustChangePassword: Bool,
        passwordChangedAt: Date?,
        expiresAt: Date,
        hasSecondFactor: Bool
    ) {
        self.sessionID = sessionID
        self.kind = kind
        self.operatorID = operatorID
        self.personID = personID
        self.officeID = officeID
        self.username = username
        self.displayName = displayName
        self.roles = roles
        self.mustChangePassword = mustChangePassword
        self.passwordChangedAt = passwordChangedAt
        self.expiresAt = expiresAt
        self.hasSecondFactor = hasSecondFactor
    }

    /// The principal as the audit trail and the scope name it.
    public var principal: Principal {
        Principal(kind: self.kind, id: self.operatorID ?? self.personID)
    }
}

/// One business operation's surroundings: the transaction (scoped to the principal's offices),
/// who acts, what the call is traced by, and the audit trail of what it did. A context lives for
/// one transaction on one thread.
public final class BusinessContext {
    public let connection: PostgresConnection
    public let principal: SessionPrincipal
    /// What the call is traced by in the logs and the audit trail: a request's ID, a job's.
    public let traceID: String?
    /// The client's address, when a client asked.
    public let clientAddress: String?
    /// The day the operation counts as done on, for the checks.
    public let now: Date
    /// Whether an audit event was written.
    public private(set) var isAudited = false

    public init(
        connection: PostgresConnection,
        principal: SessionPrincipal,
        traceID: String? = nil,
        clientAddress: String? = nil,
        now: Date = Date()
    ) {
        self.connection = connection
        self.principal = principal
        self.traceID = traceID
        self.clientAddress = clientAddress
        self.now = now
    }

    /// The operator's ID; business that operators do needs one.
    ///
    /// - Throws: ``BusinessFailure`` forbidden for an insured person.
    public var operatorID: Int64 {
        get throws {
            guard let id = self.principal.operatorID else {
                throw BusinessFailure.forbidden("仅限经办人员办理", "for operators only")
            }
            return id
        }
    }

    /// Appends an audit event in this transaction: the action, its target, the office it
    /// concerns (the principal's unless given), the record before and after, and the outcome.
    public func audit(
        _ action: String,
        target: (type: String, id: Int64)? = nil,
        office: Int64? = nil,
        outcome: String = "success",
        before: PostgresJSON? = nil,
        after: PostgresJSON? = nil
    ) throws {
        try AuditTrail.append(
            AuditEvent(
                officeID: office ?? self.principal.officeID,
                actor: self.principal.principal,
                action: action,
                outcome: outcome,
                target: target,
                requestID: self.traceID,
                clientAddress: self.clientAddress,
                before: before,
                after: after
            ),
            on: self.connection
        )
        self.isAudited = true
    }
}
