import Business
import Foundation
import HTTP1
import HTTPServer

/// The caller's own in-app inbox, for operators of every role and for insured persons: a page of
/// messages, newest first (or the unread ones), with the number unread, and marking one read.
/// An operator's inbox holds what is addressed to them, not the office's. Nothing here is
/// audited: it is the reader's own mail.
public enum InboxRoutes {
    /// Everyone with a session: every operator role, and insured persons.
    static let readers: Access = .personsAnd(Set(AdminRoutes.roles))

    public static func register(on api: inout APIRouter, service: BusinessService) {
        api.business(
            OpenAPI.Operation(
                method: .get,
                path: "/api/v1/inbox",
                id: "listInbox",
                tag: "inbox",
                summary: "站内消息 / The inbox",
                description: """
                    The caller's own messages, newest first, a keyset page at a time, with the number unread; \
                    `unread=true` lists the unread ones only. An operator sees the messages addressed to them, \
                    never another operator's.
                    """,
                access: .business(Self.readers, idempotent: false),
                parameters: [
                    .limit(default: 20, maximum: 100),
                    .cursor,
                    .query("unread", ["type": "boolean", "default": false], "Only the messages not read yet."),
                ],
                responses: [200: OpenAPI.Reply.json("Inbox", "A page of messages, newest first.")]
            ),
            service: service,
            action: "inbox.list"
        ) { call, input in
            let page = try Inbox.messages(
                unreadOnly: input.bool("unread") ?? false,
                KeysetPage.request(input),
                call.context
            )
            let unread = try Inbox.unreadCount(call.context)
            return try KeysetPage.answer(
                call.request,
                page,
                path: "/api/v1/inbox",
                id: \.id,
                members: { writer in
                    writer.key("unreadCount")
                    writer.number(unread)
                }
            ) { message, writer in
                Self.write(message, into: &writer)
            }
        }

        api.business(
            OpenAPI.Operation(
                method: .post,
                path: "/api/v1/inbox/{id}/read",
                id: "markInboxMessageRead",
                tag: "inbox",
                summary: "标记已读 / Mark a message read",
                description: """
                    One of the caller's own messages (another's is a 404, as a missing one). Marking it again \
                    changes nothing: `readAt` stays the first time.
                    """,
                access: .business(Self.readers, idempotent: false),
                parameters: [.id("The message.")],
                responses: [200: OpenAPI.Reply.json("InboxMessage", "The message, read.")]
            ),
            service: service,
            action: "inbox.read",
            // Marking one's own mail read is not business of the office: no audit event.
            changesState: false
        ) { call, input in
            let message = try Inbox.markRead(input.integer(required: "id"), call.context)
            var writer = JSONWriter(capacity: 512)
            writer.beginObject()
            writer.key("id")
            writer.number(message.id)
            Self.write(message, into: &writer)
            writer.endObject()
            return .json(writer.bytes)
        }
    }

    /// The members of `message` but its `id`.
    static func write(_ message: InboxMessage, into writer: inout JSONWriter) {
        writer.key("title")
        writer.string(message.title)
        writer.key("body")
        writer.string(message.body)
        writer.key("createdAt")
        writer.string(message.createdAt.formatted(.iso8601))
        writer.key("readAt")
        writer.optional(message.readAt?.formatted(.iso8601))
    }
}
