import Security
import Testing

/// TOTP against the test vectors of RFC 4226 (HOTP, appendix D) and RFC 6238 (TOTP, appendix B,
/// SHA-1), and the once-only, window and format rules of the log-in.
@Suite struct TOTPTests {
    /// RFC 4226 appendix D and RFC 6238 appendix B use the ASCII secret "12345678901234567890".
    private static let rfcSecret = Array("12345678901234567890".utf8)

    @Test(
        arguments: Array(
            zip(
                0..<10,
                ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]
            )
        )
    )
    func hotpMatchesRFC4226(counter: Int, expected: String) {
        #expect(TOTP(secret: Self.rfcSecret).code(step: Int64(counter)) == expected)
    }

    @Test(arguments: [
        (Int64(59), "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"),
        (1_234_567_890, "89005924"), (2_000_000_000, "69279037"), (20_000_000_000, "65353130"),
    ])
    func totpMatchesRFC6238(time: Int64, expected: String) {
        #expect(TOTP(secret: Self.rfcSecret, digits: 8).code(at: time) == expected)
    }

    @Test func hmacSHA1MatchesRFC2202() {
        // RFC 2202 test case 2: key "Jefe", data "what do ya want for nothing?".
        let mac = HMACSHA1.authenticate(Array("what do ya want for nothing?".utf8), key: Array("Jefe".utf8))
        #expect(Hex.encode(mac) == "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")
    }

    @Test func aCodeIsAcceptedOneStepEitherSideAndNotFurther() {
        let totp = TOTP(secret: Self.rfcSecret)
        let now: Int64 = 1_234_567_890
        let step = totp.step(at: now)
        #expect(totp.verify(totp.code(step: step), at: now) == step)
        #expect(totp.verify(totp.code(step: step - 1), at: now) == step - 1)
        #expect(totp.verify(totp.code(step: step + 1), at: now) == step + 1)
        #expect(totp.verify(totp.code(step: step - 2), at: now) == nil)
        #expect(totp.verify(totp.code(step: step + 2), at: now) == nil)
    }

    @Test func aCodeIsAcceptedOnlyOnceAndNeverOneOlderThanTheLast() {
        let totp = TOTP(secret: Self.rfcSecret)
        let now: Int64 = 1_234_567_890
        let step = totp.step(at: now)
        let accepted = totp.verify(totp.code(step: step), at: now)
        #expect(accepted == step)
        #expect(totp.verify(totp.code(step: step), at: now, after: accepted) == nil, "a replay")
        #expect(totp.verify(totp.code(step: step - 1), at: now, after: accepted) == nil, "an older code")
        #expect(totp.verify(totp.code(step: step + 1), at: now + 30, after: accepted) == step + 1)
    }

    @Test(arguments: ["", "12345", "1234567", "12a456", "１２３４５６", "-12345"])
    func malformedCodesAreRefused(code: String) {
        #expect(TOTP(secret: Self.rfcSecret).verify(code, at: 59) == nil)
    }

    @Test func aCodeMayBeTypedWithSpaces() {
        let totp = TOTP(secret: Self.rfcSecret)
        let code = totp.code(at: 59)
        let spaced = String(code.prefix(3)) + " " + String(code.suffix(3))
        #expect(totp.verify(spaced, at: 59) == totp.step(at: 59))
    }

    @Test func stepsBeforeTheEpochRoundDown() {
        let totp = TOTP(secret: Self.rfcSecret)
        #expect(totp.step(at: 0) == 0)
        #expect(totp.step(at: 29) == 0)
        #expect(totp.step(at: 30) == 1)
        #expect(totp.step(at: -1) == -1)
        #expect(totp.step(at: -30) == -1)
        #expect(totp.step(at: -31) == -2)
    }

    @Test func base32RoundTripsAndMatchesRFC4648() {
        // RFC 4648 §10, without padding.
        for (text, encoded) in [
            ("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ] {
            #expect(Base32.encode(Array(text.utf8)) == encoded)
            #expect(Base32.decode(encoded) == Array(text.utf8))
        }
        #expect(Base32.decode("mzxw 6ytb-oi======") == Array("foobar".utf8))
        #expect(Base32.decode("MZXW1") == nil, "1 is not in the alphabet")
        #expect(Base32.encode(Self.rfcSecret) == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
    }

    @Test func aGeneratedSecretIsRandomAndItsURINamesIssuerAccountAndParameters() throws {
        let first = try TOTP.generate()
        let second = try TOTP.generate()
        #expect(first.secret.count == 20)
        #expect(first.secret != second.secret)
        let uri = first.provisioningURI(issuer: "Shebao 社保", account: "clerk@320102")
        #expect(uri.hasPrefix("otpauth://totp/Shebao%20%E7%A4%BE%E4%BF%9D:clerk%40320102?secret="))
        #expect(uri.contains("secret=\(first.base32Secret)&issuer=Shebao%20%E7%A4%BE%E4%BF%9D"))
        #expect(uri.hasSuffix("&algorithm=SHA1&digits=6&period=30"))
        #expect(Base32.decode(first.base32Secret) == first.secret)
    }
}

@Suite struct RecoveryCodeTests {
    @Test func codesAreDistinctGroupedAndTheirDigestIgnoresCaseAndSeparators() throws {
        let codes = try RecoveryCode.generate()
        #expect(codes.count == 10)
        #expect(Set(codes).count == 10)
        for code in codes {
            #expect(code.count == 19)
            #expect(code.split(separator: "-").map(\.count) == [4, 4, 4, 4])
            let digest = try #require(RecoveryCode.digest(code))
            #expect(digest.count == 64)
            #expect(RecoveryCode.digest(code.lowercased().replacing("-", with: " ")) == digest)
        }
        #expect(RecoveryCode.digest(codes[0]) != RecoveryCode.digest(codes[1]))
    }

    @Test(arguments: ["", "ABCD-EFGH-IJKL", "ABCD-EFGH-IJKL-MNO1", "ABCD-EFGH-IJKL-MNOPQ"])
    func malformedCodesHaveNoDigest(code: String) {
        #expect(RecoveryCode.digest(code) == nil)
    }
}
