internal import Foundation
internal import Locks
public import Outbound

/// An SMS gateway or a webhook receiver reached over HTTPS: each message is POSTed as a JSON
/// object, signed as ``WebhookSigner`` describes (`X-Shebao-Message-Id`, `X-Shebao-Timestamp`,
/// `X-Shebao-Signature: v1=<hex HMAC-SHA256 of "timestamp.body">`), with the client's connect
/// and total timeouts and verified TLS. The answer decides the outcome (``Outbound/DeliveryOutcome``):
/// 2xx delivered; a timeout, a connection failure, 408, 429 or 5xx retried later; any other 4xx
/// refused for good (a poison message).
///
/// The body of an SMS: `{"messageId", "to", "text", "template", "language"}`; of a webhook:
/// `{"messageId", "officeId", "template", "language", "title", "body", "personId"?, "operatorId"?}`,
/// keys sorted, so a receiver de-duplicates by `messageId` (the header, or the signed body).
public struct HTTPGatewayChannel: DeliveryChannel {
    /// Which body a message gets.
    public enum Kind: String, Sendable {
        case sms
        case webhook
    }

    public let name: String
    public let kind: Kind
    /// Where messages go (`https://`); a webhook row's own `address`, when it is an `https://`
    /// URL, goes first.
    public let url: String
    private let signer: WebhookSigner
    private let clients: ClientPool

    /// - Parameters:
    ///   - kind: an SMS gateway or a webhook receiver; the outbox channel of the same name.
    ///   - url: the gateway's URL.
    ///   - secret: the key of the signatures, shared with the receiver.
    ///   - client: timeouts, a private CA's bundle, the response bounds.
    public init(_ kind: Kind, url: String, secret: [UInt8], client: HTTPClient.Configuration = .init()) {
        self.name = kind.rawValue
        self.kind = kind
        self.url = url
        self.signer = WebhookSigner(secret: secret)
        self.clients = ClientPool(configuration: client)
    }

    public func deliver(_ message: OutboundMessage) -> DeliveryOutcome {
        let body: [UInt8]
        let target: String
        switch self.kind {
        case .sms:
            guard let number = message.address, !number.isEmpty else {
                return .permanentFailure(error: "an SMS needs a number")
            }
            target = self.url
            body = Self.encode([
                "messageId": .string("\(message.id)"), "to": .string(number), "text": .string(message.body),
                "template": .string(message.template), "language": .string(message.language),
            ])
        case .webhook:
            target = message.address.flatMap { $0.hasPrefix("https://") ? $0 : nil } ?? self.url
            var fields: [String: Field] = [
                "messageId": .string("\(message.id)"), "officeId": .number(message.officeID),
                "template": .string(message.template), "language": .string(message.language),
                "title": .string(message.title), "body": .string(message.body),
            ]
            fields["personId"] = message.personID.map(Field.number)
            fields["operatorId"] = message.operatorID.map(Field.number)
            body = Self.encode(fields)
        }
        let request = self.signer.sign(HTTPClient.Request(url: target, body: body), messageID: "\(message.id)")
        let result = self.clients.withClient { client -> Result<HTTPClient.Response, HTTPClientError>? in
            guard let client else { return nil }
            do throws(HTTPClientError) {
                return .success(try client.post(request))
            } catch {
                return .failure(error)
            }
        }
        // A client that could not be set up (libcurl out of memory, say) is this process's
        // trouble, not the message's: tried again later.
        guard let result else { return .retryLater(error: "the HTTP client could not be set up") }
        switch Outbound.DeliveryOutcome(result) {
        case .delivered:
            return .delivered
        case .retry(let reason, let retryAfter):
            return .retryLater(error: reason, notBefore: retryAfter)
        case .permanent(let reason):
            return .permanentFailure(error: reason)
        }
    }

    /// A value of a body's field.
    enum Field: Encodable {
        case string(String)
        case number(Int64)

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .string(let value): try container.encode(value)
            case .number(let value): try container.encode(value)
            }
        }
    }

    /// `fields` as a JSON object, keys sorted.
    static func encode(_ fields: [String: Field]) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Strings and integers always encode.
        return Array((try? encoder.encode(fields)) ?? Data("{}".utf8))
    }
}

/// HTTP clients for the scheduler's delivery threads: each client (one keep-alive connection)
/// is used by one thread at a time, taken from the pool and given back after its request.
final class ClientPool: @unchecked Sendable {
    // @unchecked: `idle` is only read and written with `lock` held, and a client taken out of it
    // belongs to the one thread that took it until it is given back.
    private let lock = ConditionLock()
    private var idle: [HTTPClient] = []
    private let configuration: HTTPClient.Configuration

    init(configuration: HTTPClient.Configuration) {
        self.configuration = configuration
    }

    deinit {
        for client in self.idle { client.close() }
    }

    /// Runs `body` with a client of the pool (a new one when none is idle; nil when none can be
    /// made), and keeps the client for the next call.
    func withClient<R>(_ body: (HTTPClient?) -> R) -> R {
        let taken = self.lock.withLock { self.idle.popLast() }
        let client = taken ?? (try? HTTPClient(configuration: self.configuration))
        defer {
            if let client { self.lock.withLock { self.idle.append(client) } }
        }
        return body(client)
    }
}
