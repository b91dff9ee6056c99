public import Postgres

/// One outbox row ready to deliver: the recipient and the text from its template, in the
/// recipient's language.
public struct OutboundMessage: Sendable, Equatable {
    /// The outbox row's id: receivers de-duplicate by it.
    public var id: Int64
    /// The office whose message it is.
    public var officeID: Int64
    /// `inbox`, `sms` or `webhook`.
    public var channel: String
    /// The SMS number or webhook address, if the row has one.
    public var address: String?
    /// The insured person it is for, if a person.
    public var personID: Int64?
    /// The operator it is for, if an operator.
    public var operatorID: Int64?
    /// The template's name (`login_code`, `application.approved`, …).
    public var template: String
    /// `zh` or `en`: the recipient's language, or Chinese.
    public var language: String
    /// The template's title, filled in (an inbox message's subject).
    public var title: String
    /// The template's body, filled in (an SMS is this alone).
    public var body: String
    /// This attempt's number, from 1.
    public var attempt: Int

    public init(
        id: Int64,
        officeID: Int64,
        channel: String,
        address: String?,
        personID: Int64?,
        operatorID: Int64?,
        template: String,
        language: String,
        title: String,
        body: String,
        attempt: Int
    ) {
        self.id = id
        self.officeID = officeID
        self.channel = channel
        self.address = address
        self.personID = personID
        self.operatorID = operatorID
        self.template = template
        self.language = language
        self.title = title
        self.body = body
        self.attempt = attempt
    }
}

/// What a channel made of one message.
public enum DeliveryOutcome: Sendable, Equatable {
    /// Delivered: the row becomes `sent`.
    case delivered
    /// Not now (a timeout, a 5xx, a full disk): tried again after a back-off, and no sooner
    /// than `notBefore` when the receiver named a time (`Retry-After`, within the policy's
    /// longest delay), or `dead` once the attempts run out.
    case retryLater(error: String, notBefore: Duration? = nil)
    /// Never (a 4xx, no address): the row becomes `failed` at once.
    case permanentFailure(error: String)
}

/// A way out of the system for messages (an SMS gateway, a webhook), called outside any
/// database transaction, at least once per message: a crash after delivering and before the
/// outcome is recorded delivers it again once the lease expires, so a receiver de-duplicates
/// by ``OutboundMessage/id``.
///
/// The HTTP gateways plug in here: a type that posts the message and maps the answer to a
/// ``DeliveryOutcome`` (2xx delivered, 408/429/5xx and timeouts retry later, other 4xx
/// permanent), handed to ``Scheduler`` in its list of channels.
public protocol DeliveryChannel: Sendable {
    /// The outbox's `channel` value this delivers.
    var name: String { get }

    /// Delivers one message. Blocks the calling scheduler thread; it must return within the
    /// lease (or the message may be delivered twice), so it bounds its own waiting.
    func deliver(_ message: OutboundMessage) -> DeliveryOutcome
}

/// A channel whose delivery is a write to the database itself (the in-app inbox): done in the
/// transaction that records the outcome, so it happens exactly once.
public protocol TransactionalDeliveryChannel: Sendable {
    /// The outbox's `channel` value this delivers.
    var name: String { get }

    /// Delivers one message inside the transaction open on `connection`, scoped to the
    /// message's office.
    ///
    /// - Throws: ``PostgresError``; the transaction rolls back and the message is retried.
    func deliver(_ message: OutboundMessage, on connection: PostgresConnection) throws -> DeliveryOutcome
}

/// A channel the dispatcher delivers through.
public enum Channel: Sendable {
    /// Delivered outside any transaction, at least once.
    case external(any DeliveryChannel)
    /// Delivered inside the transaction that records the outcome, exactly once.
    case transactional(any TransactionalDeliveryChannel)

    /// The outbox's `channel` value.
    public var name: String {
        switch self {
        case .external(let channel): channel.name
        case .transactional(let channel): channel.name
        }
    }
}
