/// Byte classes and percent-decoding of RFC 3986, as used by request-targets (RFC 9112 §3.2).
enum URIGrammar {
    /// unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~" (RFC 3986 §2.3).
    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// sub-delims = "!" / "$" / "&" / "'" / "(" / ")" / "*" / "+" / "," / ";" / "=" (RFC 3986 §2.2).
    static func isSubDelimiter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("),
            UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"),
            UInt8(ascii: "="):
            return true
        default:
            return false
        }
    }

    /// pchar = unreserved / pct-encoded / sub-delims / ":" / "@" (RFC 3986 §3.3), with "%" standing
    /// for the start of a pct-encoded triplet.
    static func isPathCharacter(_ byte: UInt8) -> Bool {
        isUnreserved(byte) || isSubDelimiter(byte) || byte == ASCII.colon || byte == UInt8(ascii: "@")
            || byte == ASCII.percent
    }

    /// query = *( pchar / "/" / "?" ) (RFC 3986 §3.4).
    static func isQueryCharacter(_ byte: UInt8) -> Bool {
        isPathCharacter(byte) || byte == ASCII.slash || byte == ASCII.question
    }

    /// Whether every "%" in `bytes[range]` starts a triplet `"%" HEXDIG HEXDIG`.
    static func hasValidEscapes(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        var index = range.lowerBound
        while index < range.upperBound {
            guard bytes[index] == ASCII.percent else {
                index += 1
                continue
            }
            guard range.upperBound - index >= 3, ASCII.hexValue(bytes[index + 1]) != nil,
                ASCII.hexValue(bytes[index + 2]) != nil
            else { return false }
            index += 3
        }
        return true
    }

    /// `bytes[range]` with each `%HH` replaced by its byte, decoded once; with `plusIsSpace`, "+" is
    /// a space (application/x-www-form-urlencoded). Nil when an escape is malformed or truncated.
    static func percentDecoded(
        _ bytes: UnsafeRawBufferPointer,
        _ range: Range<Int>,
        plusIsSpace: Bool = false
    ) -> [UInt8]? {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(range.count)
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = bytes[index]
            if byte == ASCII.percent {
                guard range.upperBound - index >= 3, let high = ASCII.hexValue(bytes[index + 1]),
                    let low = ASCII.hexValue(bytes[index + 2])
                else { return nil }
                decoded.append(UInt8(high << 4 | low))
                index += 3
            } else {
                decoded.append(plusIsSpace && byte == UInt8(ascii: "+") ? ASCII.space : byte)
                index += 1
            }
        }
        return decoded
    }
}
