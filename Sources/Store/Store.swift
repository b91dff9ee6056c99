public import Postgres

/// Whose rows a transaction may see and write. Row-level security enforces it in the database;
/// this is what the application tells the database, once per transaction.
public enum Scope: Sendable, Equatable {
    /// An operator's office: that office and every office below it.
    case office(id: Int64)
    /// An insured person: their own rows only, read-only. The transaction runs as the
    /// `shebao_person` role, whose policies know nothing but the person.
    case person(id: Int64)
    /// No office data at all: every office-scoped table looks empty and refuses writes.
    case none
}

/// Who acts, for the audit trail and for functions that need to know.
public struct Principal: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case `operator`
        case person
        case system
    }

    public var kind: Kind
    public var id: Int64?

    public init(kind: Kind, id: Int64?) {
        self.kind = kind
        self.id = id
    }

    public static let system = Principal(kind: .system, id: nil)
}

/// The one way application code reaches office data: a transaction that sets the principal and
/// the scope with `set_config(…, true)` (local to the transaction), runs the work and commits.
/// Nothing outlives the transaction, so a pooled connection never carries one request's scope
/// into the next.
public struct Store: Sendable {
    public let database: PostgresClient

    public init(database: PostgresClient) {
        self.database = database
    }

    /// Runs `body` in a transaction scoped to `scope`.
    ///
    /// - Parameters:
    ///   - scope: whose rows the transaction sees.
    ///   - principal: who acts.
    ///   - isolation: the isolation level; `serializable` for read-modify-write decisions.
    ///   - readOnly: a `READ ONLY` transaction.
    ///   - body: the work. It may run more than once (serialization failures are retried), so
    ///     it must have no effects outside the database.
    /// - Returns: what `body` returns.
    /// - Throws: what `body` throws, or ``PostgresError``.
    @discardableResult
    public func withScope<R>(
        _ scope: Scope,
        principal: Principal,
        isolation: IsolationLevel = .readCommitted,
        readOnly: Bool = false,
        _ body: (PostgresConnection) throws -> R
    ) throws -> R {
        try self.database.withTransaction(isolation: isolation, readOnly: readOnly) { connection in
            try Self.apply(scope, principal: principal, on: connection)
            return try body(connection)
        }
    }

    /// Sets `scope` and `principal` in the transaction open on `connection` (one round trip).
    /// For callers that manage the transaction themselves; the settings end with it.
    public static func apply(_ scope: Scope, principal: Principal, on connection: PostgresConnection) throws {
        precondition(connection.isInTransaction, "a scope is set inside a transaction only")
        var office: Int64?
        var person: Int64?
        switch scope {
        case .office(let id): office = id
        case .person(let id): person = id
        case .none: break
        }
        try connection.query(
            Self.setScope,
            [office, person, principal.kind.rawValue, principal.id.map { String($0) } ?? ""]
        )
    }

    static let setScope = PreparedStatement(
        """
        SELECT shebao.enter_scope($1::bigint, $2::bigint), set_config('shebao.principal_kind', $3, true), \
        set_config('shebao.principal_id', $4, true), \
        CASE WHEN $2::bigint IS NOT NULL THEN set_config('role', 'shebao_person', true) END
        """
    )
}
