internal import COpenSSL

/// Time-based one-time passwords (RFC 6238) over HOTP (RFC 4226) with HMAC-SHA-1: the second
/// factor of an operator's log-in, as authenticator apps compute it.
///
/// A code is accepted in the current 30-second step and one step either side (clock drift), and
/// only once: ``verify(_:at:after:)`` returns the step it matched, which the caller stores and
/// passes back as `after` the next time, so a replayed code, or an older one, is refused.
public struct TOTP: Sendable, Equatable {
    /// The shared secret (RFC 4226 §4 asks for at least 128 bits; ``generate()`` makes 160).
    public let secret: [UInt8]
    /// Digits per code: 6, as authenticator apps show them.
    public let digits: Int
    /// Seconds per step.
    public let period: Int
    /// Steps accepted before and after the current one.
    public let window: Int

    /// - Parameters:
    ///   - secret: the shared secret, at least 16 bytes.
    ///   - digits: 6 to 8.
    ///   - period: seconds per step, at least 1.
    ///   - window: steps of drift accepted either side.
    public init(secret: [UInt8], digits: Int = 6, period: Int = 30, window: Int = 1) {
        precondition(secret.count >= 16, "a TOTP secret has at least 128 bits")
        precondition((6...8).contains(digits), "a TOTP code has 6 to 8 digits")
        precondition(period >= 1 && window >= 0, "a TOTP step is at least a second")
        self.secret = secret
        self.digits = digits
        self.period = period
        self.window = window
    }

    /// A new random 160-bit secret (the size of an HMAC-SHA-1 key, RFC 4226 §4 R6).
    public static func generate() throws -> TOTP {
        TOTP(secret: try Random.bytes(20))
    }

    /// The secret as RFC 4648 base32 without padding, as authenticator apps take it.
    public var base32Secret: String { Base32.encode(self.secret) }

    /// The step that `unixSeconds` falls in.
    public func step(at unixSeconds: Int64) -> Int64 {
        unixSeconds >= 0
            ? unixSeconds / Int64(self.period) : (unixSeconds - Int64(self.period) + 1) / Int64(self.period)
    }

    /// The code for the step that `unixSeconds` falls in.
    public func code(at unixSeconds: Int64) -> String {
        self.code(step: self.step(at: unixSeconds))
    }

    /// The HOTP value (RFC 4226 §5.3) of `step`, zero-padded to ``digits``.
    public func code(step: Int64) -> String {
        var counter = UInt64(bitPattern: step).bigEndian
        let mac = withUnsafeBytes(of: &counter) { HMACSHA1.authenticate(Array($0), key: self.secret) }
        // Dynamic truncation: the low nibble of the last byte picks four bytes, top bit dropped.
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let binary =
            (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8)
            | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<self.digits { modulus *= 10 }
        let value = String(binary % modulus)
        return String(repeating: "0", count: self.digits - value.count) + value
    }

    /// The step `code` matches at `unixSeconds`, within the window and later than `after` (the
    /// step of the last code accepted, if any); nil when it matches none. Every candidate is
    /// computed and compared in constant time, so the answer takes as long whatever matched.
    public func verify(_ code: String, at unixSeconds: Int64, after: Int64? = nil) -> Int64? {
        let given = Array(code.utf8.filter { $0 != UInt8(ascii: " ") })
        guard given.count == self.digits, given.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        let now = self.step(at: unixSeconds)
        var matched: Int64?
        for step in (now - Int64(self.window))...(now + Int64(self.window)) {
            let isEqual = ConstantTime.equal(Array(self.code(step: step).utf8), given)
            if isEqual && matched == nil && step > (after ?? Int64.min) {
                matched = step
            }
        }
        return matched
    }

    /// The `otpauth://` URI that authenticator apps read from a QR code (the Key Uri Format
    /// that Google Authenticator defined and the others follow).
    /// - Parameters:
    ///   - issuer: who issues the code, e.g. "Shebao".
    ///   - account: whose code it is, e.g. the operator's user name.
    public func provisioningURI(issuer: String, account: String) -> String {
        let label = Self.percentEncoded(issuer) + ":" + Self.percentEncoded(account)
        return "otpauth://totp/\(label)?secret=\(self.base32Secret)&issuer=\(Self.percentEncoded(issuer))"
            + "&algorithm=SHA1&digits=\(self.digits)&period=\(self.period)"
    }

    /// RFC 3986 percent-encoding of everything but the unreserved characters.
    static func percentEncoded(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.append(byte)
            default:
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// HMAC (RFC 2104) with SHA-1, through the system OpenSSL: what HOTP and TOTP are defined on.
public enum HMACSHA1 {
    /// The 20-byte MAC of `message` under `key`.
    public static func authenticate(_ message: [UInt8], key: [UInt8]) -> [UInt8] {
        OneShotHMAC.authenticate(message, key: key, digest: EVP_sha1(), length: 20)
    }
}

/// RFC 4648 base32 (the alphabet A–Z, 2–7), written without padding; decoding ignores case,
/// spaces, hyphens and padding, as people type secrets.
public enum Base32 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                out.append(Self.alphabet[Int((buffer >> UInt32(bits - 5)) & 0x1F)])
                bits -= 5
            }
        }
        if bits > 0 {
            out.append(Self.alphabet[Int((buffer << UInt32(5 - bits)) & 0x1F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes `text` encodes, or nil when it has a character outside the alphabet.
    public static func decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for character in text.utf8 {
            let value: UInt8
            switch character {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = character - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = character - UInt8(ascii: "a")
            case UInt8(ascii: "2")...UInt8(ascii: "7"): value = character - UInt8(ascii: "2") + 26
            case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "="): continue
            default: return nil
            }
            buffer = (buffer << 5) | UInt32(value)
            bits += 5
            if bits >= 8 {
                out.append(UInt8((buffer >> UInt32(bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        return out
    }
}

/// One-time recovery codes for an operator who has lost their authenticator: shown once at
/// enrolment, stored only as digests, each accepted once.
public enum RecoveryCode {
    /// `count` new codes of 80 random bits: 16 base32 characters in groups of four,
    /// e.g. `ABCD-EFGH-IJKL-MNOP`.
    public static func generate(count: Int = 10) throws -> [String] {
        try (0..<count).map { _ in
            let characters = Array(Base32.encode(try Random.bytes(10)))
            return stride(from: 0, to: 16, by: 4).map { String(characters[$0..<($0 + 4)]) }.joined(separator: "-")
        }
    }

    /// The SHA-256 (hex) to store and compare, of the code in canonical form (upper case, no
    /// spaces or hyphens); nil when it is not 16 base32 characters.
    public static func digest(_ code: String) -> String? {
        Self.hash(code).map(Hex.encode)
    }

    /// The SHA-256 of the code in canonical form, as bytes; nil when it is not a recovery code.
    public static func hash(_ code: String) -> [UInt8]? {
        let canonical = code.uppercased().filter { $0 != "-" && $0 != " " }
        guard canonical.utf8.count == 16, Base32.decode(canonical) != nil else { return nil }
        return SHA256.hash(Array(canonical.utf8))
    }
}
