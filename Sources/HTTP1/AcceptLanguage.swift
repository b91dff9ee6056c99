/// The choice between Chinese and English from `Accept-Language` (RFC 9110 §12.5.4), on raw
/// bytes: it allocates nothing, and it can read the field out of a head that did not parse.
public enum AcceptLanguage {
    /// The language an `Accept-Language` value prefers.
    ///
    /// English when, of the ranges with a weight above 0, the first of the highest weight that
    /// is `en`, `en-*`, `zh`, `zh-*` or `*` is an English one; Chinese otherwise: for a Chinese
    /// range or `*`, when only other languages are listed, when the field is absent, and when
    /// the value does not follow the grammar. The API's answers follow the same rule, through
    /// this function.
    /// - Parameter value: the field's value without surrounding whitespace, nil when absent.
    /// - Returns: the language to answer in.
    public static func preferred(_ value: UnsafeRawBufferPointer?) -> ResponseLanguage {
        guard let value else { return .zh }
        var best: (language: ResponseLanguage, weight: Int)?
        var start = 0
        for index in 0...value.count where index == value.count || value[index] == ASCII.comma {
            defer { start = index + 1 }
            // RFC 9110 §5.6.1: a list may have empty elements, which recipients ignore.
            let element = ASCII.trimmingWhitespace(value, start..<index)
            if element.isEmpty { continue }
            let semicolon = element.first { value[$0] == ASCII.semicolon }
            let range = ASCII.trimmingWhitespace(value, element.lowerBound..<(semicolon ?? element.upperBound))
            guard self.isLanguageRange(value, range) else { return .zh }
            var weight = 1000
            if let semicolon {
                let parameter = ASCII.trimmingWhitespace(value, (semicolon + 1)..<element.upperBound)
                guard let parsed = self.weight(value, parameter) else { return .zh }
                weight = parsed
            }
            let language: ResponseLanguage
            if self.isTag(value, range, "en") {
                language = .en
            } else if self.isTag(value, range, "zh") || ASCII.equals(value, range, "*") {
                language = .zh
            } else {
                continue
            }
            // RFC 9110 §12.4.2: a weight of 0 means "not acceptable".
            if weight > 0 && weight > (best?.weight ?? 0) { best = (language, weight) }
        }
        return best?.language ?? .zh
    }

    /// The language asked for by the first `Accept-Language` field line of a request head
    /// that could not be parsed, for the answer that refuses it.
    ///
    /// Only lines that are whole and well-formed count: each ends in CRLF and the field's value
    /// holds field-value bytes only. The scan stops at the blank line that ends the head, at a
    /// line ending in a bare LF (everything after it is in doubt) and at the end of `bytes`,
    /// whose last, unfinished line is not read: the caller bounds the work by what it passes.
    /// - Parameter bytes: the bytes received for the request so far, from its first byte.
    /// - Returns: the language to answer in; Chinese when no such line was found.
    public static func preferred(inUnparsedHead bytes: UnsafeRawBufferPointer) -> ResponseLanguage {
        var lineStart = 0
        var hasRequestLine = false
        for index in 0..<bytes.count where bytes[index] == ASCII.lf {
            guard index > lineStart, bytes[index - 1] == ASCII.cr else { return .zh }
            let line = lineStart..<(index - 1)
            lineStart = index + 1
            if line.isEmpty {
                // RFC 9112 §2.2: empty lines before the request line are skipped.
                if hasRequestLine { return .zh }
                continue
            }
            hasRequestLine = true
            let nameEnd = line.lowerBound + "accept-language".utf8.count
            guard nameEnd < line.upperBound, bytes[nameEnd] == ASCII.colon,
                ASCII.equalsIgnoringCase(bytes, line.lowerBound..<nameEnd, "accept-language")
            else { continue }
            let value = ASCII.trimmingWhitespace(bytes, (nameEnd + 1)..<line.upperBound)
            guard value.allSatisfy({ ASCII.isFieldValueByte(bytes[$0]) }) else { return .zh }
            return self.preferred(UnsafeRawBufferPointer(rebasing: bytes[value]))
        }
        return .zh
    }

    /// Whether `range` is the primary tag `primary` or starts with it and a hyphen, in any case
    /// (RFC 4647 §2.1: language ranges are case-insensitive).
    private static func isTag(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ primary: String) -> Bool {
        let length = primary.utf8.count
        guard range.count >= length,
            ASCII.equalsIgnoringCase(bytes, range.lowerBound..<(range.lowerBound + length), primary)
        else { return false }
        return range.count == length || bytes[range.lowerBound + length] == UInt8(ascii: "-")
    }

    /// `language-range = (1*8ALPHA *("-" 1*8alphanum)) / "*"` (RFC 4647 §2.1).
    private static func isLanguageRange(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        if ASCII.equals(bytes, range, "*") { return true }
        var subtagLength = 0
        var isPrimary = true
        for index in range.lowerBound...range.upperBound {
            if index == range.upperBound || bytes[index] == UInt8(ascii: "-") {
                guard (1...8).contains(subtagLength) else { return false }
                subtagLength = 0
                isPrimary = false
                continue
            }
            let byte = ASCII.lowercased(bytes[index])
            let isLetter = byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")
            let isDigit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
            guard isLetter || (isDigit && !isPrimary) else { return false }
            subtagLength += 1
        }
        return true
    }

    /// `weight = "q=" qvalue`, `qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )`
    /// (RFC 9110 §12.4.2; the parameter name is case-insensitive), in thousandths.
    private static func weight(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int? {
        guard range.count >= 3, ASCII.lowercased(bytes[range.lowerBound]) == UInt8(ascii: "q"),
            bytes[range.lowerBound + 1] == ASCII.equals
        else { return nil }
        let first = bytes[range.lowerBound + 2]
        guard first == UInt8(ascii: "0") || first == UInt8(ascii: "1") else { return nil }
        var thousandths = first == UInt8(ascii: "1") ? 1000 : 0
        let rest = (range.lowerBound + 3)..<range.upperBound
        guard !rest.isEmpty else { return thousandths }
        guard bytes[rest.lowerBound] == UInt8(ascii: "."), rest.count <= 4 else { return nil }
        var scale = 100
        for index in (rest.lowerBound + 1)..<rest.upperBound {
            let byte = bytes[index]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            thousandths += Int(byte &- UInt8(ascii: "0")) * scale
            scale /= 10
        }
        return thousandths <= 1000 ? thousandths : nil
    }
}
