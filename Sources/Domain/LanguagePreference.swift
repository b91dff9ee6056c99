/// The choice of the message language from a request's `Accept-Language`.
public enum LanguagePreference {
    /// The language an `Accept-Language` value prefers.
    ///
    /// English when, of the ranges with a weight above 0, the first of the highest weight that
    /// is `en`, `en-*`, `zh`, `zh-*` or `*` is an English one; Chinese otherwise: for a Chinese
    /// range or `*`, when only unsupported languages are listed, when the header is absent, and
    /// when it does not follow the grammar of RFC 9110 §12.5.4.
    ///
    /// - Parameter acceptLanguage: The header's value, nil when absent.
    /// - Returns: ``Language/en`` or ``Language/zh``.
    public static func choose(_ acceptLanguage: String?) -> Language {
        guard let acceptLanguage else { return .zh }
        var best: (language: Language, weight: Int)?
        // RFC 9110 §5.6.1: a list may have empty elements, which recipients ignore.
        for element in acceptLanguage.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = element.split(separator: ";", omittingEmptySubsequences: false).map(Self.trimmingOWS)
            guard let range = parts.first, parts.count <= 2 else { return .zh }
            if range.isEmpty && parts.count == 1 { continue }
            guard Self.isLanguageRange(range) else { return .zh }
            var weight = 1000
            if parts.count == 2 {
                guard let parsed = Self.weight(parts[1]) else { return .zh }
                weight = parsed
            }
            let tag = range.lowercased()
            let language: Language
            if tag == "en" || tag.hasPrefix("en-") {
                language = .en
            } else if tag == "zh" || tag.hasPrefix("zh-") || tag == "*" {
                language = .zh
            } else {
                continue
            }
            // RFC 9110 §12.4.2: a weight of 0 means "not acceptable".
            if weight > 0 && weight > (best?.weight ?? 0) { best = (language, weight) }
        }
        return best?.language ?? .zh
    }

    // RFC 9110 §5.6.3: OWS = *( SP / HTAB ).
    static func trimmingOWS(_ text: Substring) -> Substring {
        let isOWS: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = text.firstIndex(where: { !isOWS($0) }), let last = text.lastIndex(where: { !isOWS($0) })
        else { return "" }
        return text[first...last]
    }

    // RFC 4647 §2.1: language-range = (1*8ALPHA *("-" 1*8alphanum)) / "*".
    static func isLanguageRange(_ range: Substring) -> Bool {
        if range == "*" { return true }
        let subtags = range.split(separator: "-", omittingEmptySubsequences: false)
        guard let primary = subtags.first, primary.allSatisfy({ $0.isASCII && $0.isLetter }) else { return false }
        return subtags.allSatisfy { subtag in
            (1...8).contains(subtag.count) && subtag.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
        }
    }

    // RFC 9110 §12.4.2: weight = OWS ";" OWS "q=" qvalue;
    // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ). In thousandths.
    static func weight(_ parameter: Substring) -> Int? {
        guard parameter.hasPrefix("q=") || parameter.hasPrefix("Q=") else { return nil }
        let value = Array(parameter.dropFirst(2).utf8)
        guard let first = value.first, first == UInt8(ascii: "0") || first == UInt8(ascii: "1") else { return nil }
        var thousandths = first == UInt8(ascii: "1") ? 1000 : 0
        guard value.count > 1 else { return thousandths }
        let decimals = value.dropFirst(2)
        guard value[1] == UInt8(ascii: "."), decimals.count <= 3,
            decimals.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        var scale = 100
        for digit in decimals {
            thousandths += Int(digit - UInt8(ascii: "0")) * scale
            scale /= 10
        }
        return thousandths <= 1000 ? thousandths : nil
    }
}
