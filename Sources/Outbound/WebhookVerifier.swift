import Security

/// Checks a webhook request signed with ``WebhookSigner``'s scheme: what a receiver runs, and
/// the tests.
public struct WebhookVerifier: Sendable {
    /// Why a request was refused.
    public enum Failure: Error, Sendable, Equatable {
        /// There is no timestamp field.
        case missingTimestamp
        /// The timestamp is not a whole number of seconds in decimal digits.
        case malformedTimestamp
        /// The timestamp is further from now than the tolerance: a replay, or a clock far off.
        case timestampOutsideTolerance
        /// There is no signature field.
        case missingSignature
        /// The signature field holds no `v1=` value of 64 hex digits.
        case malformedSignature
        /// No `v1=` value is the MAC of the request under any of the secrets.
        case signatureMismatch
    }

    private let secrets: [[UInt8]]
    private let toleranceSeconds: Int64

    /// A verifier.
    /// - Parameters:
    ///   - secrets: the shared secrets accepted; more than one while a secret is rotated.
    ///   - tolerance: how far from now a timestamp may be, either way.
    public init(secrets: [[UInt8]], tolerance: Duration = .seconds(300)) {
        precondition(!secrets.isEmpty && secrets.allSatisfy { !$0.isEmpty }, "a webhook secret must not be empty")
        precondition(tolerance >= .zero, "the tolerance must not be negative")
        self.secrets = secrets
        self.toleranceSeconds = tolerance.components.seconds
    }

    /// Checks a request's signature fields against its body.
    /// - Parameters:
    ///   - body: the raw body bytes as received.
    ///   - timestamp: the `X-Shebao-Timestamp` field's value, if any.
    ///   - signature: the `X-Shebao-Signature` field's value, if any.
    ///   - now: the receiver's time, in Unix seconds.
    /// - Throws: ``Failure`` when the request is not authentic or not recent.
    public func verify(
        body: [UInt8],
        timestamp: String?,
        signature: String?,
        now: Int64 = UnixClock.seconds()
    ) throws(Failure) {
        guard let timestamp else { throw .missingTimestamp }
        let timestampBytes = Array(timestamp.utf8)
        guard (1...18).contains(timestampBytes.count),
            timestampBytes.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            let signedAt = Int64(timestamp)
        else { throw .malformedTimestamp }
        guard let signature else { throw .missingSignature }
        let candidates = Self.candidateMACs(signature)
        guard !candidates.isEmpty else { throw .malformedSignature }
        let (distance, overflow) = now.subtractingReportingOverflow(signedAt)
        guard !overflow, distance.magnitude <= self.toleranceSeconds.magnitude else {
            throw .timestampOutsideTolerance
        }
        for secret in self.secrets {
            let expected = WebhookSigner.mac(secret: secret, timestamp: timestampBytes, body: body)
            for candidate in candidates where ConstantTime.equal(candidate, expected) {
                return
            }
        }
        throw .signatureMismatch
    }

    /// Checks a request, its fields looked up by name.
    /// - Parameters:
    ///   - body: the raw body bytes as received.
    ///   - field: the request's field value for a name (case-insensitive), or nil.
    ///   - now: the receiver's time, in Unix seconds.
    /// - Throws: ``Failure`` when the request is not authentic or not recent.
    public func verify(
        body: [UInt8],
        field: (String) -> String?,
        now: Int64 = UnixClock.seconds()
    ) throws(Failure) {
        try self.verify(
            body: body,
            timestamp: field(WebhookSigner.timestampField),
            signature: field(WebhookSigner.signatureField),
            now: now
        )
    }

    /// The 32-byte MACs of the field's `v1=` values; values of other schemes, and `v1=` values
    /// that are not 64 hex digits, are skipped.
    private static func candidateMACs(_ field: String) -> [[UInt8]] {
        field.split(separator: ",").compactMap { entry in
            let value = String(entry).trimmingOptionalWhitespace()
            guard value.hasPrefix("v1=") else { return nil }
            let digits = Array(value.utf8.dropFirst(3))
            guard digits.count == 64 else { return nil }
            var mac: [UInt8] = []
            mac.reserveCapacity(32)
            for index in stride(from: 0, to: 64, by: 2) {
                guard let high = Self.hexValue(digits[index]), let low = Self.hexValue(digits[index + 1]) else {
                    return nil
                }
                mac.append(high << 4 | low)
            }
            return mac
        }
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
