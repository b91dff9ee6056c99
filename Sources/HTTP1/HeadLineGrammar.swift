/// The grammar of the lines of a request head, applied to one complete line without its CRLF.
enum HeadLineGrammar {
    /// The parts of a request line.
    struct RequestLine: Sendable, Equatable {
        var method: HTTPMethod
        var target: Range<Int>
        var version: HTTPVersion
    }

    /// Parses `request-line = method SP request-target SP HTTP-version` (RFC 9112 §3), single spaces.
    /// - Parameters:
    ///   - bytes: the buffer.
    ///   - line: the offsets of the line, CRLF excluded.
    static func requestLine(_ bytes: UnsafeRawBufferPointer, _ line: Range<Int>) -> Result<RequestLine, HTTPParseError>
    {
        var index = line.lowerBound
        while index < line.upperBound, ASCII.isTokenCharacter(bytes[index]) { index += 1 }
        guard index > line.lowerBound else { return .failure(self.refusal(bytes, at: index, in: line, .invalidMethod)) }
        let methodEnd = index
        guard index < line.upperBound, bytes[index] == ASCII.space else {
            return .failure(self.refusal(bytes, at: index, in: line, .invalidRequestLine))
        }
        index += 1
        let targetStart = index
        // RFC 9112 §3: an invalid request-line is refused, never autocorrected (stray whitespace in the
        // target included); §3.2: the request-target is visible ASCII.
        while index < line.upperBound, ASCII.isVisible(bytes[index]) { index += 1 }
        guard index > targetStart else { return .failure(self.refusal(bytes, at: index, in: line, .emptyTarget)) }
        let target = targetStart..<index
        guard index < line.upperBound, bytes[index] == ASCII.space else {
            return .failure(self.refusal(bytes, at: index, in: line, .invalidRequestLine))
        }
        let versionRange = (index + 1)..<line.upperBound
        for position in versionRange where !ASCII.isVisible(bytes[position]) {
            return .failure(self.refusal(bytes, at: position, in: line, .invalidVersion))
        }
        return self.version(bytes, versionRange).map { version in
            let method = HTTPMethod.parse(UnsafeRawBufferPointer(rebasing: bytes[line.lowerBound..<methodEnd]))
            return RequestLine(method: method, target: target, version: version)
        }
    }

    /// Parses `HTTP-version = HTTP-name "/" DIGIT "." DIGIT` (RFC 9112 §2.3): 1.0 and 1.1 are served,
    /// any other well-formed version is 505, anything else 400 (the name is case-sensitive).
    static func version(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Result<HTTPVersion, HTTPParseError> {
        guard range.count == 8, ASCII.equals(bytes, range.lowerBound..<(range.lowerBound + 5), "HTTP/") else {
            return .failure(.invalidVersion)
        }
        let major = bytes[range.lowerBound + 5]
        let dot = bytes[range.lowerBound + 6]
        let minor = bytes[range.lowerBound + 7]
        let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
        guard digits.contains(major), dot == UInt8(ascii: "."), digits.contains(minor) else {
            return .failure(.invalidVersion)
        }
        switch (major, minor) {
        case (UInt8(ascii: "1"), UInt8(ascii: "1")): return .success(.http1_1)
        case (UInt8(ascii: "1"), UInt8(ascii: "0")): return .success(.http1_0)
        default: return .failure(.unsupportedVersion)
        }
    }

    /// Parses `field-line = field-name ":" OWS field-value OWS` (RFC 9112 §5).
    /// - Parameters:
    ///   - bytes: the buffer.
    ///   - line: the offsets of the line, CRLF excluded.
    static func fieldLine(_ bytes: UnsafeRawBufferPointer, _ line: Range<Int>) -> Result<HTTPField, HTTPParseError> {
        guard !line.isEmpty else { return .failure(.emptyFieldName) }
        // RFC 9112 §5.2: obs-fold is refused rather than replaced by spaces; a line starting with
        // whitespace after the request line is refused too (§2.2).
        guard !ASCII.isWhitespace(bytes[line.lowerBound]) else { return .failure(.obsFold) }
        var index = line.lowerBound
        while index < line.upperBound, ASCII.isTokenCharacter(bytes[index]) { index += 1 }
        let name = line.lowerBound..<index
        guard index < line.upperBound else { return .failure(.missingColon) }
        guard bytes[index] == ASCII.colon else {
            // RFC 9112 §5.1: whitespace between the name and the colon must be refused with 400.
            if ASCII.isWhitespace(bytes[index]) { return .failure(.whitespaceBeforeColon) }
            return .failure(self.refusal(bytes, at: index, in: line, .invalidFieldName))
        }
        guard !name.isEmpty else { return .failure(.emptyFieldName) }
        let valueRange = (index + 1)..<line.upperBound
        for position in valueRange where !ASCII.isFieldValueByte(bytes[position]) {
            return .failure(self.refusal(bytes, at: position, in: line, .invalidFieldValue))
        }
        return .success(HTTPField(name: name, value: ASCII.trimmingWhitespace(bytes, valueRange)))
    }

    /// The error for an unexpected byte at `index` (or for the line ending early): a stray CR is named
    /// as such, since it is the usual sign of a smuggling attempt.
    private static func refusal(
        _ bytes: UnsafeRawBufferPointer,
        at index: Int,
        in line: Range<Int>,
        _ error: HTTPParseError
    ) -> HTTPParseError {
        index < line.upperBound && bytes[index] == ASCII.cr ? .bareCR : error
    }
}
