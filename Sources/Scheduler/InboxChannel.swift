public import Postgres

/// The in-app inbox: an outbox row becomes one `shebao.inbox_message`, in the transaction that
/// marks the row sent. `inbox_message.outbox_id` is unique, so even a second delivery of the
/// same row adds nothing.
public struct InboxChannel: TransactionalDeliveryChannel {
    public let name = "inbox"

    public init() {}

    public func deliver(_ message: OutboundMessage, on connection: PostgresConnection) throws -> DeliveryOutcome {
        guard (message.personID == nil) != (message.operatorID == nil) else {
            return .permanentFailure(error: "an inbox message is for one person or one operator")
        }
        try connection.query(
            Self.insert,
            [
                message.officeID, message.personID, message.operatorID, message.id,
                Self.prefix(message.title, 200), Self.prefix(message.body, 5000),
            ]
        )
        return .delivered
    }

    /// The first `count` code points of `text`, as the columns' `length()` bounds count them (a
    /// character may be several).
    static func prefix(_ text: String, _ count: Int) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: text.unicodeScalars.prefix(count))
        return String(scalars)
    }

    static let insert = PreparedStatement(
        """
        INSERT INTO shebao.inbox_message (office_id, person_id, operator_id, outbox_id, title, body) \
        VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (outbox_id) DO NOTHING
        """
    )
}
