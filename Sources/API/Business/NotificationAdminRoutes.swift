import Business
import Domain
import Foundation
import HTTP1
import HTTPServer
import Store

/// The administrators' view of the notification outbox of their offices: the messages by status
/// and channel, newest first (SMS numbers masked), and sending again one that failed or ran out
/// of attempts (audited).
public enum NotificationAdminRoutes {
    public static func register(on api: inout APIRouter, service: BusinessService) {
        api.business(
            OpenAPI.Operation(
                method: .get,
                path: "/api/v1/admin/notifications",
                id: "listNotifications",
                tag: "admin",
                summary: "消息发送记录 / List outbox messages",
                description: """
                    The notification outbox of the administrator's offices, newest first, a keyset page at a \
                    time, by status and channel; SMS numbers masked.
                    """,
                access: .business(AdminRoutes.administrators, idempotent: false),
                parameters: [
                    .query("status", OpenAPI.Schema.ref("NotificationStatus"), "Only this status."),
                    .query("channel", OpenAPI.Schema.ref("NotificationChannel"), "Only this channel."),
                    .limit(default: 50, maximum: 200),
                    .cursor,
                ],
                responses: [200: OpenAPI.Reply.json("NotificationList", "A page of outbox messages, newest first.")]
            ),
            service: service,
            action: "notification.list"
        ) { call, input in
            let filter = OutboxFilter(
                status: input.string("status").flatMap(DeliveryStatus.init(rawValue:)),
                channel: input.string("channel").flatMap(OutboxMessage.Channel.init(rawValue:))
            )
            let page = try NotificationAdministration.list(filter, KeysetPage.request(input), call.context)
            return try KeysetPage.answer(call.request, page, path: "/api/v1/admin/notifications", id: \.id) {
                entry,
                writer in
                Self.write(entry, call.language, into: &writer)
            }
        }

        api.business(
            OpenAPI.Operation(
                method: .post,
                path: "/api/v1/admin/notifications/{id}/retry",
                id: "retryNotification",
                tag: "admin",
                summary: "重新发送消息 / Retry an outbox message",
                description: """
                    Within the administrator's offices; audited. A failed or dead message goes back to pending, \
                    due now, with no attempts made (its last error kept); a pending or sent one is a 409 naming \
                    its status.
                    """,
                access: .business(AdminRoutes.administrators, idempotent: true),
                parameters: [.id("The outbox message.")],
                responses: [200: OpenAPI.Reply.json("Notification", "The message, pending again.")],
                errors: [409]
            ),
            service: service,
            action: "notification.retry"
        ) { call, input in
            let entry = try NotificationAdministration.retry(input.integer(required: "id"), call.context)
            var writer = JSONWriter(capacity: 512)
            writer.beginObject()
            writer.key("id")
            writer.number(entry.id)
            Self.write(entry, call.language, into: &writer)
            writer.endObject()
            return .json(writer.bytes)
        }
    }

    /// The members of `entry` but its `id`, the status named in `language`.
    static func write(_ entry: OutboxEntry, _ language: Language, into writer: inout JSONWriter) {
        writer.key("officeId")
        writer.number(entry.officeID)
        writer.key("personId")
        writer.optional(entry.personID)
        writer.key("operatorId")
        writer.optional(entry.operatorID)
        writer.key("channel")
        writer.string(entry.channel.rawValue)
        writer.key("address")
        writer.optional(entry.address)
        writer.key("template")
        writer.string(entry.template)
        writer.key("status")
        writer.string(entry.status.rawValue)
        writer.key("statusName")
        writer.string(entry.status.name(language))
        writer.key("attempts")
        writer.number(entry.attempts)
        writer.key("lastError")
        writer.optional(entry.lastError)
        for (key, value) in [
            ("createdAt", entry.createdAt), ("sentAt", entry.sentAt), ("nextAttemptAt", entry.nextAttemptAt),
        ] {
            writer.key(key)
            writer.optional(value?.formatted(.iso8601))
        }
    }
}
