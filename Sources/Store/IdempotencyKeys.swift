public import Postgres

/// The `Idempotency-Key`s of state-changing requests (`shebao.idempotency_key`): a key is claimed
/// in the transaction of the work it guards and its first answer kept in the same one, so that a
/// retry finds either nothing (the first rolled back) or the whole answer.
public enum IdempotencyKeys {
    /// The principal a key belongs to: keys are per principal.
    public struct Owner: Sendable, Equatable {
        public var officeID: Int64
        public var principal: Principal

        public init(officeID: Int64, principal: Principal) {
            self.officeID = officeID
            self.principal = principal
        }

        var kind: String { self.principal.kind.rawValue }
        var id: Int64 { self.principal.id ?? 0 }
    }

    /// An answer kept for a key.
    public struct Kept: Sendable, Equatable {
        /// The hash of the request that claimed the key.
        public var requestHash: [UInt8]
        /// Nil while the answer was not kept (one that held a secret).
        public var status: Int?
        public var headers: [[String]]?
        public var body: [UInt8]
    }

    /// Claims `key` for a request hashing to `requestHash`, or returns what is kept for it. Under
    /// a concurrent retry, the insert waits for the first transaction and then finds its answer.
    ///
    /// - Returns: nil when the key is claimed now.
    public static func claim(
        _ key: String,
        requestHash: [UInt8],
        by owner: Owner,
        on connection: PostgresConnection
    ) throws -> Kept? {
        let claimed = try connection.query(
            Self.insert,
            [owner.officeID, owner.kind, owner.id, key, PostgresBytes(requestHash)]
        )
        if !claimed.isEmpty { return nil }
        let row = try connection.query(Self.find, [owner.kind, owner.id, key]).single()
        return Kept(
            requestHash: try row.decode("request_hash", as: PostgresBytes.self).bytes,
            status: try row.decode("response_status", as: Int?.self),
            headers: try row.decode("response_headers", as: PostgresJSON?.self)?.decode([[String]].self),
            body: try row.decode("response_body", as: PostgresBytes?.self)?.bytes ?? []
        )
    }

    /// Keeps the answer of the request that claimed `key`, headers as name–value pairs.
    public static func keep(
        _ key: String,
        status: Int,
        headers: [[String]],
        body: [UInt8],
        by owner: Owner,
        on connection: PostgresConnection
    ) throws {
        try connection.query(
            Self.update,
            [owner.kind, owner.id, key, status, PostgresBytes(body), try PostgresJSON(encoding: headers)]
        )
    }

    static let insert = PreparedStatement(
        """
        INSERT INTO shebao.idempotency_key (office_id, principal_kind, principal_id, key, request_hash) \
        VALUES ($1, $2, $3, $4, $5) ON CONFLICT (principal_kind, principal_id, key) DO NOTHING RETURNING id
        """
    )
    static let find = PreparedStatement(
        """
        SELECT request_hash, response_status, response_body, response_headers FROM shebao.idempotency_key \
        WHERE principal_kind = $1 AND principal_id = $2 AND key = $3
        """
    )
    static let update = PreparedStatement(
        """
        UPDATE shebao.idempotency_key SET response_status = $4, response_body = $5, response_headers = $6::jsonb \
        WHERE principal_kind = $1 AND principal_id = $2 AND key = $3
        """
    )
}
