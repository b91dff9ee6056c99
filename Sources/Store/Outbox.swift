public import Postgres

/// A message to deliver (`shebao.notification_outbox`): written in the transaction of the change
/// it tells of, so that the two commit together; the scheduler delivers it at least once and its
/// receivers tell repeats apart by the message's id.
public struct OutboxMessage: Sendable {
    /// Where a message goes.
    public enum Channel: String, Sendable, CaseIterable {
        /// The in-app inbox of the person or operator.
        case inbox
        /// A text message to `address`, a mobile number.
        case sms
        /// An HTTP call to a receiver of the office's.
        case webhook
    }

    public var officeID: Int64
    public var personID: Int64?
    public var operatorID: Int64?
    public var channel: Channel
    /// For SMS, the number at the time of writing (the person may not exist yet).
    public var address: String?
    /// The event's template: `application.approved`.
    public var template: String
    /// What the template is filled from.
    public var payload: [String: String]

    public init(
        officeID: Int64,
        personID: Int64? = nil,
        operatorID: Int64? = nil,
        channel: Channel,
        address: String? = nil,
        template: String,
        payload: [String: String]
    ) {
        self.officeID = officeID
        self.personID = personID
        self.operatorID = operatorID
        self.channel = channel
        self.address = address
        self.template = template
        self.payload = payload
    }
}

/// The outbox's writing side.
public enum Outbox {
    /// Queues `message` in the transaction open on `connection`.
    ///
    /// - Returns: the message's id.
    /// - Throws: ``PostgresError``; `PostgresEncodingError` for a payload that cannot be stored.
    @discardableResult
    public static func enqueue(_ message: OutboxMessage, on connection: PostgresConnection) throws -> Int64 {
        try connection.query(
            Self.insert,
            [
                message.officeID, message.personID, message.operatorID, message.channel.rawValue, message.address,
                message.template, try PostgresJSON(encoding: message.payload),
            ]
        ).single().decode(0, as: Int64.self)
    }

    static let insert = PreparedStatement(
        """
        INSERT INTO shebao.notification_outbox (office_id, person_id, operator_id, channel, address, template, payload) \
        VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) RETURNING id
        """
    )
}
