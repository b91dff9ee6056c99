/// Percent-encoding (RFC 3986 §2.1) of what a server or a client writes: a query value, or an
/// extended header parameter. Every byte of the UTF-8 outside the kept set becomes `%XX`.
public enum PercentEncoding {
    /// `text` for a query value: every byte but the unreserved ones encoded (RFC 3986 §2.3).
    public static func queryValue(_ text: String) -> String {
        Self.encoded(text, keeping: URIGrammar.isUnreserved)
    }

    /// `text` for the value of an extended parameter such as `filename*` (RFC 8187 §3.2.1):
    /// every byte but the attr-chars encoded.
    public static func headerParameter(_ text: String) -> String {
        // attr-char = ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~":
        // the unreserved characters and a few more.
        Self.encoded(text) { byte in URIGrammar.isUnreserved(byte) || Array("!#$&+^`|".utf8).contains(byte) }
    }

    private static func encoded(_ text: String, keeping isKept: (UInt8) -> Bool) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isKept(byte) {
                bytes.append(byte)
            } else {
                bytes += [ASCII.percent, digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
