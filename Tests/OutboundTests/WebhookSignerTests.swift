import Outbound
import Testing

private let secret = Array("whsec-test-0123456789abcdef0123456789".utf8)
private let body = Array(#"{"event":"sms.sent","id":42}"#.utf8)
private let signedAt: Int64 = 1_700_000_000

@Suite struct WebhookSignerTests {
    private let signer = WebhookSigner(secret: secret)
    private let verifier = WebhookVerifier(secrets: [secret], tolerance: .seconds(300))

    /// Computed independently: printf '%s' '1700000000.{"event":"sms.sent","id":42}' |
    /// openssl dgst -sha256 -hmac 'whsec-test-0123456789abcdef0123456789'
    @Test func signatureIsHMACSHA256OfTimestampDotBodyInHex() {
        #expect(
            self.signer.signature(timestamp: signedAt, body: body)
                == "v1=001dd316b290c05168800860f865737a499ffcf035147ae2b2f2171b54bbfc32"
        )
    }

    @Test func signingAddsTheThreeFieldsAndReplacesEarlierOnes() {
        let request = HTTPClient.Request(
            url: "https://receiver.example/hook",
            headers: [("Authorization", "Bearer t"), ("x-shebao-signature", "v1=stale"), ("X-Shebao-Timestamp", "1")],
            body: body
        )

        let signed = self.signer.sign(request, messageID: "notification-7", timestamp: signedAt)

        #expect(
            signed.headers.map(\.name) == [
                "Authorization", "X-Shebao-Message-Id", "X-Shebao-Timestamp", "X-Shebao-Signature",
            ]
        )
        #expect(signed.header("x-shebao-message-id") == "notification-7")
        #expect(signed.header("X-Shebao-Timestamp") == "1700000000")
        #expect(signed.header("X-Shebao-Signature") == self.signer.signature(timestamp: signedAt, body: body))
        #expect(signed.body == body)
    }

    @Test func verifierAcceptsWhatTheSignerSigned() throws {
        let signature = self.signer.signature(timestamp: signedAt, body: body)
        try self.verifier.verify(body: body, timestamp: "1700000000", signature: signature, now: signedAt)
    }

    @Test func verifierRejectsAChangedBody() {
        let signature = self.signer.signature(timestamp: signedAt, body: body)
        var changed = body
        changed[changed.count - 2] = UInt8(ascii: "3")
        #expect(throws: WebhookVerifier.Failure.signatureMismatch) {
            try self.verifier.verify(body: changed, timestamp: "1700000000", signature: signature, now: signedAt)
        }
    }

    @Test func verifierRejectsAWrongSecret() {
        let signature = WebhookSigner(secret: Array("another secret entirely, 32 byte".utf8))
            .signature(timestamp: signedAt, body: body)
        #expect(throws: WebhookVerifier.Failure.signatureMismatch) {
            try self.verifier.verify(body: body, timestamp: "1700000000", signature: signature, now: signedAt)
        }
    }

    @Test func verifierRejectsATimestampThatWasNotSigned() {
        let signature = self.signer.signature(timestamp: signedAt, body: body)
        #expect(throws: WebhookVerifier.Failure.signatureMismatch) {
            try self.verifier.verify(body: body, timestamp: "1700000001", signature: signature, now: signedAt)
        }
    }

    @Test(arguments: [signedAt + 301, signedAt - 301, signedAt + 86_400, 0])
    func verifierRejectsATimestampOutsideItsTolerance(now: Int64) {
        let signature = self.signer.signature(timestamp: signedAt, body: body)
        #expect(throws: WebhookVerifier.Failure.timestampOutsideTolerance) {
            try self.verifier.verify(body: body, timestamp: "1700000000", signature: signature, now: now)
        }
    }

    @Test(arguments: [signedAt + 300, signedAt - 300])
    func verifierAcceptsATimestampAtTheEdgeOfItsTolerance(now: Int64) throws {
        let signature = self.signer.signature(timestamp: signedAt, body: body)
        try self.verifier.verify(body: body, timestamp: "1700000000", signature: signature, now: now)
    }

    @Test func verifierAcceptsAnyOfItsSecretsAndAnyMatchingValue() throws {
        let old = Array("the secret being rotated away...".utf8)
        let rotating = WebhookVerifier(secrets: [secret, old])
        let oldSignature = WebhookSigner(secret: old).signature(timestamp: signedAt, body: body)
        try rotating.verify(body: body, timestamp: "1700000000", signature: oldSignature, now: signedAt)

        let newSignature = self.signer.signature(timestamp: signedAt, body: body)
        let several = "v0=unknown-scheme, v1=" + String(repeating: "0", count: 64) + ", " + newSignature
        try self.verifier.verify(body: body, timestamp: "1700000000", signature: several, now: signedAt)
        try self.verifier.verify(
            body: body,
            timestamp: "1700000000",
            signature: newSignature.uppercased().replacingV1(),
            now: signedAt
        )
    }

    @Test func verifierNamesWhatIsMissingOrMalformed() {
        let signature = self.signer.signature(timestamp: signedAt, body: body)
        let cases: [(String?, String?, WebhookVerifier.Failure)] = [
            (nil, signature, .missingTimestamp),
            ("1700000000", nil, .missingSignature),
            ("", signature, .malformedTimestamp),
            ("+1700000000", signature, .malformedTimestamp),
            ("1700000000.5", signature, .malformedTimestamp),
            ("99999999999999999999", signature, .malformedTimestamp),
            ("1700000000", "", .malformedSignature),
            ("1700000000", "v1=abc", .malformedSignature),
            ("1700000000", "v2=" + String(repeating: "a", count: 64), .malformedSignature),
            ("1700000000", "v1=" + String(repeating: "g", count: 64), .malformedSignature),
        ]
        for (timestamp, signature, failure) in cases {
            #expect(throws: failure, "\(String(describing: timestamp)) \(String(describing: signature))") {
                try self.verifier.verify(body: body, timestamp: timestamp, signature: signature, now: signedAt)
            }
        }
    }

    @Test func verifierLooksUpTheFieldsItNeeds() throws {
        let signed = self.signer.sign(
            HTTPClient.Request(url: "https://r.example/", body: body),
            messageID: "m",
            timestamp: signedAt
        )
        try self.verifier.verify(body: body, field: { signed.header($0) }, now: signedAt + 10)
    }
}

extension String {
    /// Hex digits in upper case with the scheme's prefix kept lower case.
    fileprivate func replacingV1() -> String {
        "v1=" + self.dropFirst(3)
    }
}
