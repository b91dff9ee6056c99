import Security
import Testing

/// HMAC-SHA-256 against the test vectors of RFC 4231 §4, and the constant-time comparison.
@Suite struct HMACSHA256Tests {
    /// One RFC 4231 test case: key, data and the full-length HMAC-SHA-256 in hex.
    struct Vector: Sendable, CustomTestStringConvertible {
        let number: Int
        let key: [UInt8]
        let data: [UInt8]
        let expected: String
        var testDescription: String { "RFC 4231 test case \(self.number)" }
    }

    // Test case 5 is left out: it checks a MAC truncated to 128 bits, which this API never does.
    static let vectors: [Vector] = [
        Vector(
            number: 1,
            key: [UInt8](repeating: 0x0b, count: 20),
            data: Array("Hi There".utf8),
            expected: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        ),
        Vector(
            number: 2,
            key: Array("Jefe".utf8),
            data: Array("what do ya want for nothing?".utf8),
            expected: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        ),
        Vector(
            number: 3,
            key: [UInt8](repeating: 0xaa, count: 20),
            data: [UInt8](repeating: 0xdd, count: 50),
            expected: "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"
        ),
        Vector(
            number: 4,
            key: Array(1...25),
            data: [UInt8](repeating: 0xcd, count: 50),
            expected: "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"
        ),
        Vector(
            number: 6,
            key: [UInt8](repeating: 0xaa, count: 131),
            data: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
            expected: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        ),
        Vector(
            number: 7,
            key: [UInt8](repeating: 0xaa, count: 131),
            data: Array(
                ("This is a test using a larger than block-size key and a larger than block-size data. "
                    + "The key needs to be hashed before being used by the HMAC algorithm.").utf8
            ),
            expected: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"
        ),
    ]

    @Test(arguments: Self.vectors)
    func matchesRFC4231(_ vector: Vector) {
        let mac = HMACSHA256.authenticate(vector.data, key: vector.key)
        #expect(mac.count == 32)
        #expect(Hex.encode(mac) == vector.expected)
    }

    @Test func anEmptyKeyAndAnEmptyMessageStillGiveAMAC() {
        // Python: hmac.new(b"", b"", hashlib.sha256).hexdigest()
        #expect(
            Hex.encode(HMACSHA256.authenticate([], key: []))
                == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"
        )
    }

    @Test func constantTimeEqualsComparesLengthAndEveryByte() {
        let mac = HMACSHA256.authenticate(Array("voucher".utf8), key: Array("key".utf8))
        #expect(ConstantTime.equal(mac, mac))
        #expect(ConstantTime.equal([], []))
        for index in mac.indices {
            var changed = mac
            changed[index] ^= 0x01
            #expect(!ConstantTime.equal(mac, changed), "byte \(index)")
        }
        #expect(!ConstantTime.equal(mac, Array(mac.dropLast())))
        #expect(!ConstantTime.equal(Array(mac.dropLast()), mac))
        #expect(!ConstantTime.equal([], [0]))
    }
}
