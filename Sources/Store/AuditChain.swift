public import Postgres

/// The audit log's hash chain (`shebao.audit_event`): each event's hash covers the previous
/// event's hash and the event's canonical form, so that changing, removing or reordering any
/// event breaks every link after it. Verification needs to see every office's events: run it
/// as the schema owner or a superuser.
public enum AuditChain {
    /// The newest event: keep its hash outside the database to notice a rewritten chain.
    public struct Head: Sendable, Equatable {
        public var position: Int64
        public var hash: [UInt8]

        public init(position: Int64, hash: [UInt8]) {
            self.position = position
            self.hash = hash
        }
    }

    /// What a verification found.
    public enum Verdict: Sendable, Equatable {
        /// Every link holds.
        case intact(events: Int64, head: Head?)
        /// The first broken link: the position where it breaks, and how.
        case broken(position: Int64, reason: String)
    }

    /// Recomputes every hash in order, on one snapshot, `batch` events at a time (each page
    /// starts after the last position of the one before).
    public static func verify(on connection: PostgresConnection, batch: Int = 10_000) throws -> Verdict {
        try connection.withTransaction(isolation: .repeatableRead, readOnly: true) { connection in
            var expected: Int64 = 1
            var previous: [UInt8] = []
            var head: Head?
            while true {
                let rows = try connection.query(Self.page, [expected - 1, max(1, batch)])
                if rows.isEmpty { break }
                for row in rows {
                    let position = try row.decode(0, as: Int64.self)
                    guard position == expected else {
                        return .broken(
                            position: expected,
                            reason: "event \(expected) is missing (the next one is \(position))"
                        )
                    }
                    let linked = try row.decode(1, as: PostgresBytes?.self)?.bytes
                    guard linked == previous else {
                        return .broken(position: position, reason: "it does not link to event \(position - 1)")
                    }
                    let stored = try row.decode(2, as: PostgresBytes?.self)?.bytes
                    let recomputed = try row.decode(3, as: PostgresBytes.self).bytes
                    guard stored == recomputed else {
                        return .broken(position: position, reason: "its content does not match its hash (altered)")
                    }
                    previous = recomputed
                    head = Head(position: position, hash: recomputed)
                    expected += 1
                }
            }
            if let outside = try connection.query(Self.unchained).first {
                let id = try outside.decode(0, as: Int64.self)
                return .broken(position: expected, reason: "event id \(id) is outside the chain (no position)")
            }
            return .intact(events: expected - 1, head: head)
        }
    }

    /// The events after position `$1`, `$2` of them, with each hash recomputed.
    static let page = PreparedStatement(
        """
        SELECT e.chain_position, e.previous_hash, e.hash, \
        public.digest(coalesce(e.previous_hash, '\\x'::bytea) || convert_to(shebao.audit_canonical(e), 'UTF8'), 'sha256') \
        FROM shebao.audit_event e WHERE e.chain_position > $1 ORDER BY e.chain_position LIMIT $2
        """
    )
    static let unchained = PreparedStatement(
        "SELECT id FROM shebao.audit_event WHERE chain_position IS NULL ORDER BY id LIMIT 1"
    )

    /// The newest event's position and hash, or nil for an empty log.
    public static func head(on connection: PostgresConnection) throws -> Head? {
        guard
            let row = try connection.query(
                "SELECT chain_position, hash FROM shebao.audit_event WHERE chain_position IS NOT NULL ORDER BY chain_position DESC LIMIT 1"
            ).first
        else { return nil }
        return Head(position: try row.decode(0), hash: try row.decode(1, as: PostgresBytes.self).bytes)
    }
}
