/// A decoded request-target (RFC 9112 §3.2), refused when it could mean different resources to
/// different components (encoded separators, dot segments, control characters, double decoding).
public struct RequestTarget: Sendable, Equatable {
    /// The path, percent-decoded exactly once, valid UTF-8, starting with "/" (or "*" for OPTIONS).
    public var path: String
    /// The path split on "/", empty segments dropped.
    public var segments: [String]
    /// The text after "?", not decoded; nil when there is no "?".
    public var rawQuery: String?

    /// Creates a target from its parts.
    /// - Parameters:
    ///   - path: the decoded path.
    ///   - segments: the decoded, non-empty segments.
    ///   - rawQuery: the undecoded query.
    public init(path: String, segments: [String], rawQuery: String?) {
        self.path = path
        self.segments = segments
        self.rawQuery = rawQuery
    }

    /// Parses an origin-form ("/a/b?x=1"), absolute-form ("http://host/a?x", path and query taken) or
    /// asterisk-form ("*", path "*") request-target.
    ///
    /// Refused with 400: bytes outside the RFC 3986 sets, a bad or truncated %-escape, a decoded
    /// control character ("%00" included), an encoded "/" or "\" in a segment, "." or ".." segments
    /// (raw or encoded), invalid UTF-8 after decoding, empty input, and the authority-form.
    /// - Parameter bytes: the raw request-target, e.g. the head's `target` range of the buffer.
    /// - Returns: the decoded target, or why it is refused.
    public static func parse(_ bytes: UnsafeRawBufferPointer) -> Result<RequestTarget, HTTPParseError> {
        guard !bytes.isEmpty else { return .failure(.invalidTarget) }
        if bytes.count == 1 && bytes[0] == UInt8(ascii: "*") {
            return .success(RequestTarget(path: "*", segments: [], rawQuery: nil))
        }
        let pathStart: Int
        if bytes[0] == ASCII.slash {
            pathStart = 0
        } else if let authorityEnd = self.absoluteFormAuthorityEnd(bytes) {
            pathStart = authorityEnd
        } else {
            return .failure(.invalidTarget)
        }
        let queryMark = bytes[pathStart...].firstIndex(of: ASCII.question)
        let pathRange = pathStart..<(queryMark ?? bytes.count)
        var rawQuery: String?
        if let queryMark {
            let queryRange = (queryMark + 1)..<bytes.count
            guard queryRange.allSatisfy({ URIGrammar.isQueryCharacter(bytes[$0]) }) else {
                return .failure(.invalidTarget)
            }
            guard URIGrammar.hasValidEscapes(bytes, queryRange) else { return .failure(.invalidPercentEncoding) }
            rawQuery = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[queryRange]), as: UTF8.self)
        }
        return self.decodedPath(bytes, pathRange).map { decoded in
            RequestTarget(path: decoded.path, segments: decoded.segments, rawQuery: rawQuery)
        }
    }

    /// The query's name/value pairs in order, form-decoded: "+" is a space and %-escapes are decoded.
    ///
    /// Pairs without "=" have an empty value; empty pairs, pairs with an empty name, and pairs that do
    /// not decode to valid UTF-8 without NUL are skipped.
    /// - Returns: the pairs; empty when there is no query.
    public func queryItems() -> [(name: String, value: String)] {
        guard let rawQuery else { return [] }
        var items: [(name: String, value: String)] = []
        for pair in rawQuery.utf8.split(separator: UInt8(ascii: "&")) {
            let equals = pair.firstIndex(of: ASCII.equals)
            let name = Self.formDecoded(pair[..<(equals ?? pair.endIndex)])
            let value = equals.map { Self.formDecoded(pair[pair.index(after: $0)...]) } ?? ""
            if let name, let value, !name.isEmpty {
                items.append((name: name, value: value))
            }
        }
        return items
    }

    /// The offset where the path of an "http://" or "https://" target starts (RFC 9112 §3.2.2), its
    /// authority checked: not empty, no userinfo (RFC 9110 §4.2.4), only host and port characters.
    private static func absoluteFormAuthorityEnd(_ bytes: UnsafeRawBufferPointer) -> Int? {
        let authorityStart: Int
        // RFC 3986 §3.1: schemes are case-insensitive.
        if ASCII.equalsIgnoringCase(bytes, 0..<min(7, bytes.count), "http://") {
            authorityStart = 7
        } else if ASCII.equalsIgnoringCase(bytes, 0..<min(8, bytes.count), "https://") {
            authorityStart = 8
        } else {
            return nil
        }
        var index = authorityStart
        while index < bytes.count, bytes[index] != ASCII.slash, bytes[index] != ASCII.question {
            let byte = bytes[index]
            guard
                URIGrammar.isUnreserved(byte) || URIGrammar.isSubDelimiter(byte) || byte == ASCII.colon
                    || byte == ASCII.percent || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]")
            else { return nil }
            index += 1
        }
        guard index > authorityStart, URIGrammar.hasValidEscapes(bytes, authorityStart..<index) else { return nil }
        return index
    }

    /// The path decoded once, segment by segment, so that no decoded byte can change how it splits.
    private static func decodedPath(
        _ bytes: UnsafeRawBufferPointer,
        _ range: Range<Int>
    ) -> Result<(path: String, segments: [String]), HTTPParseError> {
        guard !range.isEmpty else { return .success(("/", [])) }
        var hasEscapes = false
        for index in range {
            let byte = bytes[index]
            guard URIGrammar.isPathCharacter(byte) || byte == ASCII.slash else { return .failure(.invalidTarget) }
            hasEscapes = hasEscapes || byte == ASCII.percent
        }
        guard hasEscapes else { return self.plainPath(bytes, range) }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(range.count)
        // Where each non-empty segment lies in `decoded`.
        var segmentRanges: [Range<Int>] = []
        var segmentStart = range.lowerBound + 1
        for index in segmentStart...range.upperBound where index == range.upperBound || bytes[index] == ASCII.slash {
            decoded.append(ASCII.slash)
            let start = decoded.count
            let raw = segmentStart..<index
            if raw.contains(where: { bytes[$0] == ASCII.percent }) {
                guard let segment = URIGrammar.percentDecoded(bytes, raw) else {
                    return .failure(.invalidPercentEncoding)
                }
                // RFC 3986 §6.2.2.2: an encoded separator would be a separator to any component
                // that decodes again.
                if segment.contains(where: { $0 == ASCII.slash || $0 == ASCII.backslash }) {
                    return .failure(.encodedSeparatorInTarget)
                }
                decoded.append(contentsOf: segment)
            } else {
                decoded.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[raw]))
            }
            // A dot segment would climb out of the route it names (RFC 3986 §5.2.4).
            let length = decoded.count - start
            if (length == 1 || length == 2) && decoded[start...].allSatisfy({ $0 == UInt8(ascii: ".") }) {
                return .failure(.dotSegmentInTarget)
            }
            if length > 0 {
                segmentRanges.append(start..<decoded.count)
            }
            segmentStart = index + 1
        }
        guard let path = String(validating: decoded, as: UTF8.self) else { return .failure(.invalidUTF8InTarget) }
        // C0 controls, DEL and the C1 controls U+0080–U+009F.
        if path.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            return .failure(.controlCharacterInTarget)
        }
        // Segments are whole UTF-8 sequences: they end at "/" bytes, which never occur inside one.
        let segments = segmentRanges.map { String(decoding: decoded[$0], as: UTF8.self) }
        return .success((path, segments))
    }

    /// A path without escapes (the usual case): its bytes are path characters, so ASCII without
    /// controls, and it is its own decoding.
    private static func plainPath(
        _ bytes: UnsafeRawBufferPointer,
        _ range: Range<Int>
    ) -> Result<(path: String, segments: [String]), HTTPParseError> {
        var segments: [String] = []
        var segmentStart = range.lowerBound + 1
        for index in segmentStart...range.upperBound where index == range.upperBound || bytes[index] == ASCII.slash {
            let segment = segmentStart..<index
            if !segment.isEmpty {
                if segment.count <= 2 && segment.allSatisfy({ bytes[$0] == UInt8(ascii: ".") }) {
                    return .failure(.dotSegmentInTarget)
                }
                segments.append(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[segment]), as: UTF8.self))
            }
            segmentStart = index + 1
        }
        return .success((String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self), segments))
    }

    /// `bytes` form-decoded, or nil when an escape is malformed or the result is not valid UTF-8
    /// without NUL.
    private static func formDecoded(_ bytes: Substring.UTF8View.SubSequence) -> String? {
        let decoded = Array(bytes).withUnsafeBytes { buffer in
            URIGrammar.percentDecoded(buffer, 0..<buffer.count, plusIsSpace: true)
        }
        // A NUL or bytes that are not UTF-8 are kept (as U+0000, or U+FFFD for each bad sequence)
        // rather than dropping the item: the application refuses such a value by name, where a
        // dropped item would silently widen a search to everything.
        return decoded.map { String(decoding: $0, as: UTF8.self) }
    }
}
