import Foundation
import HTTP1
public import HTTPServer
import Postgres

/// `GET /api/v1/audit`: the audit log of the auditor's offices, newest first, a page at a time.
public enum AuditRoutes {
    public static func register(on router: inout Router, authenticator: Authenticator) {
        router.addLocalized(.get, "/api/v1/audit") { request in
            let limit = try Self.integer(request, "limit", default: 50, range: 1...200)
            let before = try request.query("before").map { _ in try Self.integer(request, "before", range: 1...Int.max)
            }
            let actor = try request.query("actorId").map { _ in try Self.integer(request, "actorId", range: 1...Int.max)
            }
            let action = request.query("action")
            return try authenticator.withSession(request) { connection, principal in
                guard principal.roles.contains("auditor") else {
                    throw HTTPError(403, "the audit log is for security auditors", zh: "审计日志仅限安全审计员查看")
                }
                // One more than asked for tells whether there is a next page.
                let rows = try connection.query(Self.page, [before, action, actor, limit + 1])
                var writer = JSONWriter(capacity: 4096)
                writer.beginObject()
                writer.key("events")
                writer.beginArray()
                var last: Int64?
                for row in rows.prefix(limit) {
                    let id = try row.decode("id", as: Int64.self)
                    last = id
                    writer.beginObject()
                    writer.key("id")
                    writer.number(id)
                    writer.key("position")
                    writer.number(try row.decode("chain_position", as: Int64.self))
                    writer.key("occurredAt")
                    writer.string(try row.decode("occurred_at", as: Date.self).formatted(.iso8601))
                    writer.key("officeId")
                    writer.number(try row.decode("office_id", as: Int64.self))
                    for (key, column) in [
                        ("actorKind", "actor_kind"), ("action", "action"), ("targetType", "target_type"),
                        ("targetId", "target_id"), ("requestId", "request_id"), ("clientAddress", "address"),
                        ("outcome", "outcome"), ("hash", "hash"),
                    ] {
                        writer.key(key)
                        if let value = try row.decode(column, as: String?.self) {
                            writer.string(value)
                        } else {
                            writer.null()
                        }
                    }
                    writer.key("actorId")
                    if let actor = try row.decode("actor_id", as: Int64?.self) {
                        writer.number(actor)
                    } else {
                        writer.null()
                    }
                    for (key, column) in [("before", "before"), ("after", "after")] {
                        writer.key(key)
                        if let value = try row.decode(column, as: String?.self) {
                            writer.json(value)
                        } else {
                            writer.null()
                        }
                    }
                    writer.endObject()
                }
                writer.endArray()
                writer.key("next")
                if rows.count > limit, let last {
                    writer.string("/api/v1/audit?limit=\(limit)&before=\(last)")
                } else {
                    writer.null()
                }
                writer.endObject()
                return .json(writer.bytes)
            }
        }
    }

    private static func integer(
        _ request: HTTPRequest,
        _ name: String,
        default value: Int? = nil,
        range: ClosedRange<Int>
    ) throws -> Int {
        guard let text = request.query(name) else {
            guard let value else { throw HTTPError(400, "\(name) is required", zh: "缺少参数 \(name)") }
            return value
        }
        guard text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), let number = Int(text),
            range.contains(number)
        else {
            throw HTTPError(
                400,
                "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)",
                zh: "参数 \(name) 须为 \(range.lowerBound)–\(range.upperBound) 之间的整数"
            )
        }
        return number
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
