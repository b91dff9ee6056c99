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
                String(message.title.prefix(200)), String(message.body.prefix(5000)),
            ]
        )
        return .delivered
    }

    static let insert = PreparedStatement(
        """
        INSERT INTO shebao.inbox_message (office_id, person_id, operator_id, outbox_id, title, body) \
        VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (outbox_id) DO NOTHING
        """
    )
}
