import Security

/// Signs webhook requests so that a receiver can tell they come from Shebao, unaltered and
/// recently.
///
/// ## The signature scheme (v1)
///
/// Every webhook request carries three header fields:
///
/// - `X-Shebao-Message-Id`: the notification's identifier, the same on every retry, so that a
///   receiver can drop a message it has already handled (deliveries are at least once).
/// - `X-Shebao-Timestamp`: when the request was signed, in Unix seconds (decimal digits).
/// - `X-Shebao-Signature`: `v1=` followed by the 64 lowercase hex digits of
///   HMAC-SHA256(secret, timestamp + "." + body): the key is the receiver's shared secret, and
///   the message is the timestamp field's value exactly as sent, one full stop, then the raw
///   body bytes as received (before any JSON parsing).
///
/// A receiver recomputes the MAC with its secret and compares it in constant time, and refuses
/// the request when no `v1=` value matches or the timestamp is further than its tolerance (five
/// minutes by default) from its own clock, either way: a captured request cannot be replayed
/// later. The field may hold several comma-separated values (`v1=…,v1=…`); one matching is
/// enough, and values of schemes the receiver does not know are skipped, so that the scheme can
/// change or a secret rotate without breaking receivers. ``WebhookVerifier`` does all this.
///
/// The message identifier is not covered by the MAC; the body carries it too where a receiver
/// needs it authenticated.
public struct WebhookSigner: Sendable {
    /// The message identifier's field name.
    public static let messageIDField = "X-Shebao-Message-Id"
    /// The timestamp's field name.
    public static let timestampField = "X-Shebao-Timestamp"
    /// The signature's field name.
    public static let signatureField = "X-Shebao-Signature"

    private let secret: [UInt8]

    /// A signer with a receiver's shared secret.
    /// - Parameter secret: the key; at least 32 random bytes (RFC 2104 §3), never empty.
    public init(secret: [UInt8]) {
        precondition(!secret.isEmpty, "a webhook secret must not be empty")
        self.secret = secret
    }

    /// The signature field's value for a body signed at a time.
    /// - Parameters:
    ///   - timestamp: Unix seconds, as sent in the timestamp field.
    ///   - body: the request body.
    /// - Returns: `v1=` and 64 lowercase hex digits.
    public func signature(timestamp: Int64, body: [UInt8]) -> String {
        "v1=" + Hex.encode(Self.mac(secret: self.secret, timestamp: Array(String(timestamp).utf8), body: body))
    }

    /// The request with the three fields of the scheme added (any of them it had is replaced).
    /// - Parameters:
    ///   - request: the request to sign; its body is what is signed.
    ///   - messageID: the notification's identifier, the same for every attempt.
    ///   - timestamp: Unix seconds; now, for a request about to be sent.
    /// - Returns: the signed request.
    public func sign(
        _ request: HTTPClient.Request,
        messageID: String,
        timestamp: Int64 = UnixClock.seconds()
    ) -> HTTPClient.Request {
        let replaced: Set<String> = [Self.messageIDField, Self.timestampField, Self.signatureField].reduce(into: []) {
            $0.insert($1.lowercased())
        }
        var signed = request
        signed.headers.removeAll { replaced.contains($0.name.lowercased()) }
        signed.headers.append((Self.messageIDField, messageID))
        signed.headers.append((Self.timestampField, String(timestamp)))
        signed.headers.append((Self.signatureField, self.signature(timestamp: timestamp, body: request.body)))
        return signed
    }

    /// HMAC-SHA256(secret, timestamp + "." + body).
    static func mac(secret: [UInt8], timestamp: [UInt8], body: [UInt8]) -> [UInt8] {
        var message = timestamp
        message.reserveCapacity(timestamp.count + 1 + body.count)
        message.append(UInt8(ascii: "."))
        message.append(contentsOf: body)
        return HMACSHA256.authenticate(message, key: secret)
    }
}
