import Testing

@testable import Security

struct PasswordHashTests {
    /// Small parameters keep the tests quick; the format and the checks are the same.
    static let quick = PasswordHash.Parameters(logN: 10, r: 8, p: 1)

    @Test func theRecommendedParametersAreOWASPs() {
        #expect(PasswordHash.Parameters.recommended == .init(logN: 17, r: 8, p: 1))
    }

    @Test func aHashVerifiesItsPasswordAndNoOther() throws {
        let hash = try PasswordHash.make(password: "Shebao-2026!", parameters: Self.quick)
        #expect(try hash.verify("Shebao-2026!"))
        #expect(try !hash.verify("shebao-2026!"))
        #expect(try !hash.verify(""))
        #expect(hash.salt.count == 16 && hash.hash.count == 32)
    }

    @Test func theTextFormRoundTripsAndNamesItsParameters() throws {
        let hash = try PasswordHash.make(password: "社保密码abc123", parameters: Self.quick)
        #expect(hash.encoded.hasPrefix("$scrypt$ln=10,r=8,p=1$"))
        let parsed = try #require(PasswordHash(encoded: hash.encoded))
        #expect(parsed == hash)
        #expect(try parsed.verify("社保密码abc123"))
        #expect(parsed.needsUpgrade())
        #expect(!parsed.needsUpgrade(to: Self.quick))
    }

    @Test func twoHashesOfOnePasswordDifferBySalt() throws {
        let first = try PasswordHash.make(password: "same", parameters: Self.quick)
        let second = try PasswordHash.make(password: "same", parameters: Self.quick)
        #expect(first.salt != second.salt && first.hash != second.hash)
    }

    @Test(arguments: [
        "", "$scrypt$", "$bcrypt$ln=10,r=8,p=1$AAAAAAAAAAA=$AAAA",
        "$scrypt$ln=99,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "$scrypt$ln=10,r=8,p=1$!!!!$AAAA",
    ])
    func malformedTextIsNotAHash(text: String) {
        #expect(PasswordHash(encoded: text) == nil)
    }

    @Test func scryptMatchesRFC7914sTestVector() throws {
        // RFC 7914 §12: P = "password", S = "NaCl", N = 1024, r = 8, p = 16, first 32 bytes.
        let key = try PasswordHash.derive(
            password: "password",
            salt: Array("NaCl".utf8),
            parameters: .init(logN: 10, r: 8, p: 16)
        )
        #expect(Hex.encode(key) == "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162")
    }

    @Test func base64RoundTripsEveryLength() {
        for length in 0..<20 {
            let bytes = (0..<length).map { UInt8(($0 * 37 + 11) & 0xFF) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
        #expect(Base64.encode(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(Base64.encode(Array("fo".utf8)) == "Zm8=")
    }
}
