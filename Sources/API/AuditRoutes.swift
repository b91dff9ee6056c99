public import Business
import Foundation
import HTTP1
import HTTPServer
import Postgres
import Store

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
                let (events, hasMore) = try AuditTrail.events(
                    before: before,
                    action: action,
                    actorID: actor,
                    limit: limit,
                    on: connection
                )
                var writer = JSONWriter(capacity: 4096)
                writer.beginObject()
                writer.key("events")
                writer.beginArray()
                for event in events {
                    writer.beginObject()
                    writer.key("id")
                    writer.number(event.id)
                    writer.key("position")
                    writer.number(event.position)
                    writer.key("occurredAt")
                    writer.string(event.occurredAt.formatted(.iso8601))
                    writer.key("officeId")
                    writer.number(event.officeID)
                    for (key, value) in [
                        ("actorKind", event.actorKind), ("action", event.action), ("targetType", event.targetType),
                        ("targetId", event.targetID), ("requestId", event.requestID),
                        ("clientAddress", event.clientAddress), ("outcome", event.outcome), ("hash", event.hash),
                    ] {
                        writer.key(key)
                        writer.optional(value)
                    }
                    writer.key("actorId")
                    writer.optional(event.actorID)
                    for (key, value) in [("before", event.before), ("after", event.after)] {
                        writer.key(key)
                        if let value { writer.json(value) } else { writer.null() }
                    }
                    writer.endObject()
                }
                writer.endArray()
                writer.key("next")
                if hasMore, let last = events.last {
                    writer.string("/api/v1/audit?limit=\(limit)&before=\(last.id)")
                } else {
                    writer.null()
                }
                writer.endObject()
                return .json(writer.bytes)
            }
        }
    }
}
