import Security

/// The verification code printed on a voucher: the first 16 base32 characters (80 bits) of
/// HMAC-SHA-256 over the voucher number and its content, under the server's voucher key.
///
/// Whoever holds a voucher can have it checked at `/verify/{number}` or by 12333; whoever forges
/// or alters one cannot produce the code without the key.
public enum VoucherCode {
    /// Characters of the code: 16 base32 characters carry 80 bits.
    public static let length = 16

    /// The code of a voucher.
    /// - Parameters:
    ///   - number: the voucher number.
    ///   - content: what the voucher says; its ``VoucherContent/canonicalBytes()`` are authenticated.
    ///   - key: the voucher MAC key, at least 16 bytes (RFC 2104 §3 recommends 32).
    /// - Returns: 16 characters of RFC 4648 base32, `A`–`Z` and `2`–`7`.
    public static func compute(number: String, content: VoucherContent, key: [UInt8]) -> String {
        precondition(key.count >= 16, "the voucher MAC key has at least 128 bits")
        // The canonical bytes never hold a raw newline (JSON escapes controls), so the message
        // splits back into the number and the content in one way only.
        let message = Array(number.utf8) + [UInt8(ascii: "\n")] + content.canonicalBytes()
        let mac = HMACSHA256.authenticate(message, key: key)
        return String(Base32.encode(mac).prefix(Self.length))
    }

    /// Whether `code` is the code of this voucher. Case does not matter, nor do spaces or hyphens
    /// (people type a code in groups); the comparison takes the same time wherever it differs.
    /// - Parameters:
    ///   - code: the code as typed.
    ///   - number: the voucher number.
    ///   - content: the stored content of the voucher with that number.
    ///   - key: the voucher MAC key.
    /// - Returns: true when the code matches.
    public static func verify(_ code: String, number: String, content: VoucherContent, key: [UInt8]) -> Bool {
        let given = Self.normalised(code)
        let expected = Array(Self.compute(number: number, content: content, key: key).utf8)
        return ConstantTime.equal(given, expected)
    }

    /// `code` upper-cased (ASCII only), without whitespace (an ideographic space from a Chinese
    /// input method too) or hyphens.
    static func normalised(_ code: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.length)
        for scalar in code.unicodeScalars where !scalar.properties.isWhitespace && scalar != "-" {
            if ("a"..."z").contains(scalar) {
                bytes.append(UInt8(scalar.value) - 0x20)
            } else {
                bytes.append(contentsOf: String(scalar).utf8)
            }
        }
        return bytes
    }
}
