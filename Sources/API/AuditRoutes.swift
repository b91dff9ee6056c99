import Business
import Foundation
import HTTP1
import HTTPServer
import Postgres

/// `GET /api/v1/audit`: the audit log of the auditor's offices, newest first, a page at a time.
public enum AuditRoutes {
    static let operation = OpenAPI.Operation(
        method: .get,
        path: "/api/v1/audit",
        id: "listAuditEvents",
        tag: "audit",
        summary: "审计日志 / Audit log",
        description: "The audit events of the auditor's offices, newest first. Role: auditor.",
        access: .session,
        parameters: [
            .limit(default: 50, maximum: 200),
            .query("before", OpenAPI.Schema.id(), "Events older than this ID (from `next`)."),
            .query("actorId", OpenAPI.Schema.id(), "Only this actor's events."),
            .query(
                "action",
                OpenAPI.Schema.string(maxLength: 100, example: "application.approve"),
                "Only this action."
            ),
        ],
        responses: [200: OpenAPI.Reply.json("AuditEventList", "A page of events.")]
    )

    public static func register(on api: inout APIRouter, authenticator: Authenticator) {
        api.add(Self.operation) { request, input in
            let limit = Int(input.integer(required: "limit"))
            let before = input.integer("before")
            let actor = input.integer("actorId")
            let action = input.string("action")
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
