public import Domain
public import Foundation
import Postgres
public import Store

/// A message of the notification outbox as administration lists it: the SMS number masked.
public struct OutboxEntry: Sendable, Equatable {
    public var id: Int64
    public var officeID: Int64
    /// The person it is for, if any.
    public var personID: Int64?
    /// The operator it is for, if any.
    public var operatorID: Int64?
    public var channel: OutboxMessage.Channel
    /// Where it goes: an SMS's number masked (`138****8000`), a webhook's address as written;
    /// nil for the inbox.
    public var address: String?
    /// The event's template: `application.approved`.
    public var template: String
    public var status: DeliveryStatus
    /// Attempts made since it was queued or last retried.
    public var attempts: Int
    /// What the last attempt failed with, kept across a retry.
    public var lastError: String?
    public var createdAt: Date
    public var sentAt: Date?
    /// When it is due (again), for a pending message.
    public var nextAttemptAt: Date
}

/// What a list of outbox messages is filtered by; nil is "any".
public struct OutboxFilter: Sendable, Equatable {
    public var status: DeliveryStatus?
    public var channel: OutboxMessage.Channel?

    public init(status: DeliveryStatus? = nil, channel: OutboxMessage.Channel? = nil) {
        self.status = status
        self.channel = channel
    }
}

/// The office administrators' view of the notification outbox of their offices (row-level
/// security scopes every statement to the caller's office subtree): the messages, filtered by
/// status and channel, and a retry of one that failed or ran out of attempts.
public enum NotificationAdministration {
    /// A page of the outbox messages of the caller's offices that pass `filter`, newest first.
    ///
    /// - Throws: ``BusinessFailure`` corrupt for a row of a status or channel this version does
    ///   not know; ``PostgresError``.
    public static func list(
        _ filter: OutboxFilter,
        _ page: PageRequest,
        _ context: BusinessContext
    ) throws -> Page<OutboxEntry> {
        let rows = try context.connection.query(
            Self.page,
            [filter.status?.rawValue, filter.channel?.rawValue, page.cursor, page.limit + 1]
        )
        return Page(fetched: try rows.map(Self.entry), limit: page.limit, id: \.id)
    }

    /// Sends the message `id` again: a failed or dead message goes back to pending with no
    /// attempts made, due now, its last error kept for the record. Audited as
    /// `notification.retry` with the status before and after.
    ///
    /// - Returns: the message, pending.
    /// - Throws: ``BusinessFailure`` notFound when the message is not in the caller's offices;
    ///   conflict naming its status when it is pending or sent; ``PostgresError``.
    public static func retry(_ id: Int64, _ context: BusinessContext) throws -> OutboxEntry {
        guard let row = try context.connection.query(Self.findForUpdate, [id]).first else {
            throw BusinessFailure.notFound("该消息", "message")
        }
        let before = try Self.entry(row)
        guard let transition = before.status.transition(on: .retried) else {
            throw Self.wrongStatus(before.status)
        }
        // The row has been locked since it was read, so nothing moves it in between; the
        // condition still keeps the update from writing over a status it did not expect.
        guard
            let changed = try context.connection.query(
                Self.retry,
                [id, transition.from.rawValue, transition.to.rawValue]
            ).first
        else {
            guard let now = try context.connection.query(Self.find, [id]).first else {
                throw BusinessFailure.notFound("该消息", "message")
            }
            throw Self.wrongStatus(try Self.entry(now).status)
        }
        let after = try Self.entry(changed)
        try context.audit(
            "notification.retry",
            target: ("notification", id),
            office: after.officeID,
            before: try PostgresJSON(encoding: ["status": before.status.rawValue, "attempts": "\(before.attempts)"]),
            after: try PostgresJSON(encoding: ["status": after.status.rawValue, "attempts": "\(after.attempts)"])
        )
        return after
    }

    /// The refusal of a retry of a message in `status`.
    static func wrongStatus(_ status: DeliveryStatus) -> BusinessFailure {
        BusinessFailure(
            .conflict,
            zh: "该消息当前状态为“\(status.name(.zh))”，仅发送失败或重试次数已用尽的消息可以重新发送",
            en: "the message is \(status.name(.en)); only a failed or dead message can be retried"
        )
    }

    private static func entry(_ row: PostgresRow) throws -> OutboxEntry {
        guard let channel = OutboxMessage.Channel(rawValue: try row.decode("channel", as: String.self)),
            let status = DeliveryStatus(rawValue: try row.decode("status", as: String.self))
        else {
            throw BusinessFailure(.corrupt, zh: "未知的消息渠道或状态", en: "a message of an unknown channel or status")
        }
        let address = try row.decode("address", as: String?.self)
        return OutboxEntry(
            id: try row.decode("id", as: Int64.self),
            officeID: try row.decode("office_id", as: Int64.self),
            personID: try row.decode("person_id", as: Int64?.self),
            operatorID: try row.decode("operator_id", as: Int64?.self),
            channel: channel,
            address: channel == .sms ? address.map(Masking.phone) : address,
            template: try row.decode("template", as: String.self),
            status: status,
            attempts: try row.decode("attempts", as: Int.self),
            lastError: try row.decode("last_error", as: String?.self),
            createdAt: try row.decode("created_at", as: Date.self),
            sentAt: try row.decode("sent_at", as: Date?.self),
            nextAttemptAt: try row.decode("next_attempt_at", as: Date.self)
        )
    }

    // MARK: Statements

    static let columns = """
        id, office_id, person_id, operator_id, channel, address, template, status, attempts, last_error, created_at, \
        sent_at, next_attempt_at
        """
    static let page = PreparedStatement(
        """
        SELECT \(columns) FROM shebao.notification_outbox \
        WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR channel = $2) \
        AND ($3::bigint IS NULL OR id < $3) ORDER BY id DESC LIMIT $4
        """
    )
    static let find = PreparedStatement("SELECT \(columns) FROM shebao.notification_outbox WHERE id = $1")
    static let findForUpdate = PreparedStatement(
        "SELECT \(columns) FROM shebao.notification_outbox WHERE id = $1 FOR UPDATE"
    )
    /// The retried transition: `$2` the status it expects, `$3` the status it writes.
    static let retry = PreparedStatement(
        """
        UPDATE shebao.notification_outbox SET status = $3, attempts = 0, next_attempt_at = now() \
        WHERE id = $1 AND status = $2 RETURNING \(columns)
        """
    )
}
