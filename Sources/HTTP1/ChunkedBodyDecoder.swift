/// An incremental decoder of the chunked transfer coding (RFC 9112 §7.1), strict and bounded.
///
/// Each input byte is looked at once and moves a pure state machine, so the result is the same
/// however the body is split across calls. Chunk-size lines take no whitespace at all: the grammar's
/// BWS before ";" is refused, since implementations disagree about whitespace there and a
/// disagreement about where a chunk ends is a smuggling vector. Bare CR and LF are refused; trailer
/// fields are checked and dropped, never merged into the head (RFC 9110 §6.5.1).
public struct ChunkedBodyDecoder: Sendable {
    /// The outcome of one ``decode(_:into:)`` call.
    public enum Result: Sendable, Equatable {
        /// The body is not finished: `consumed` input bytes were used (all of them); call again with
        /// the rest plus new bytes.
        case needMore(consumed: Int)
        /// The last chunk, the trailer section and its CRLF ended after `consumed` input bytes; the
        /// bytes after them belong to the next request.
        case done(consumed: Int)
        /// The body is refused; answer with the error's status and close the connection.
        case invalid(HTTPParseError)
    }

    private enum State: Sendable, Equatable {
        case size(digits: Int, value: Int)
        case extensionName(isEmpty: Bool)
        case extensionValueStart
        case extensionToken
        case extensionQuoted
        case extensionQuotedPair
        case extensionQuotedEnd
        case sizeLineFeed
        case data(remaining: Int)
        case dataCR
        case dataLF
        case trailerLineStart
        case trailerName
        case trailerValue
        case trailerLineFeed(endsSection: Bool)
        case done
        case failed(HTTPParseError)
    }

    // 15 hex digits are at most 2^60 - 1, so a size never overflows Int.
    private static let maxSizeDigits = 15

    private let limits: HTTPLimits
    private var state = State.size(digits: 0, value: 0)
    private var bodyLength = 0
    private var chunkSize = 0
    private var extensionLength = 0
    private var trailerLength = 0

    /// Creates a decoder for one chunked body.
    /// - Parameter limits: the body, chunk-extension and trailer limits.
    public init(limits: HTTPLimits = HTTPLimits()) {
        self.limits = limits
    }

    /// Consumes chunked framing from `input`, appending the decoded body bytes to `body`.
    /// - Parameters:
    ///   - input: the bytes after the head, or the unconsumed rest of the previous input plus new
    ///     bytes.
    ///   - body: where decoded bytes are appended; the caller may drain it between calls.
    /// - Returns: how many input bytes were used and whether the body is complete, or why it is
    ///   refused. After `.done` or `.invalid`, later calls return `.done(consumed: 0)` or the same
    ///   error.
    public mutating func decode(_ input: UnsafeRawBufferPointer, into body: inout [UInt8]) -> Result {
        var index = 0
        while true {
            switch self.state {
            case .done:
                return .done(consumed: index)
            case .failed(let error):
                return .invalid(error)
            case .data(let remaining):
                guard index < input.count else { return .needMore(consumed: index) }
                let count = min(remaining, input.count - index)
                body.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[index..<(index + count)]))
                index += count
                self.state = remaining == count ? .dataCR : .data(remaining: remaining - count)
            case .size, .extensionName, .extensionValueStart, .extensionToken, .extensionQuoted,
                .extensionQuotedPair, .extensionQuotedEnd, .sizeLineFeed, .dataCR, .dataLF, .trailerLineStart,
                .trailerName, .trailerValue, .trailerLineFeed:
                guard index < input.count else { return .needMore(consumed: index) }
                self.state = self.next(after: input[index])
                index += 1
            }
        }
    }

    /// The state after `byte`, from any state that reads framing one byte at a time.
    private mutating func next(after byte: UInt8) -> State {
        switch self.state {
        case .size(let digits, let value):
            return self.chunkSize(digits: digits, value: value, then: byte)
        case .extensionName, .extensionValueStart, .extensionToken, .extensionQuoted, .extensionQuotedPair,
            .extensionQuotedEnd:
            let next = self.chunkExtension(then: byte)
            if case .failed = next { return next }
            // The CR ending the line is not part of the extensions.
            if next == .sizeLineFeed { return next }
            self.extensionLength += 1
            guard self.extensionLength <= self.limits.maxChunkExtensionLength else {
                return .failed(.chunkExtensionTooLong)
            }
            return next
        case .sizeLineFeed:
            guard byte == ASCII.lf else { return .failed(.bareCR) }
            if self.chunkSize == 0 { return .trailerLineStart }
            self.bodyLength += self.chunkSize
            return .data(remaining: self.chunkSize)
        case .dataCR:
            return byte == ASCII.cr ? .dataLF : .failed(.missingChunkDataCRLF)
        case .dataLF:
            guard byte == ASCII.lf else { return .failed(.missingChunkDataCRLF) }
            self.extensionLength = 0
            return .size(digits: 0, value: 0)
        case .trailerLineStart, .trailerName, .trailerValue, .trailerLineFeed:
            self.trailerLength += 1
            guard self.trailerLength <= self.limits.maxTrailerSectionLength else {
                return .failed(.trailerSectionTooLong)
            }
            return self.trailer(then: byte)
        case .data, .done, .failed:
            preconditionFailure("bytes of \(self.state) are not read one at a time")
        }
    }

    /// chunk-size = 1*HEXDIG, then ";" (extensions) or CRLF; the body limit is checked as soon as the
    /// size is known, before any of its data is read.
    private mutating func chunkSize(digits: Int, value: Int, then byte: UInt8) -> State {
        if let digit = ASCII.hexValue(byte) {
            guard digits < Self.maxSizeDigits else { return .failed(.chunkSizeTooLong) }
            return .size(digits: digits + 1, value: value << 4 | digit)
        }
        guard digits > 0, byte == ASCII.semicolon || byte == ASCII.cr else {
            return .failed(byte == ASCII.lf ? .bareLF : .invalidChunkSize)
        }
        guard value <= self.limits.maxBodyLength - self.bodyLength else { return .failed(.bodyTooLarge) }
        self.chunkSize = value
        guard byte == ASCII.semicolon else { return .sizeLineFeed }
        self.extensionLength = 1
        guard self.extensionLength <= self.limits.maxChunkExtensionLength else {
            return .failed(.chunkExtensionTooLong)
        }
        return .extensionName(isEmpty: true)
    }

    /// chunk-ext = *( ";" ext-name [ "=" ext-val ] ), ext-name = token, ext-val = token /
    /// quoted-string (RFC 9112 §7.1.1); the CR ending the chunk-size line returns `.sizeLineFeed`.
    private func chunkExtension(then byte: UInt8) -> State {
        let isToken = ASCII.isTokenCharacter(byte)
        let lineEnd: State =
            byte == ASCII.cr ? .sizeLineFeed : .failed(byte == ASCII.lf ? .bareLF : .invalidChunkExtension)
        switch self.state {
        case .extensionName(let isEmpty):
            if isToken { return .extensionName(isEmpty: false) }
            if isEmpty { return .failed(.invalidChunkExtension) }
            if byte == ASCII.equals { return .extensionValueStart }
            return byte == ASCII.semicolon ? .extensionName(isEmpty: true) : lineEnd
        case .extensionValueStart:
            if isToken { return .extensionToken }
            return byte == ASCII.quote ? .extensionQuoted : .failed(.invalidChunkExtension)
        case .extensionToken:
            if isToken { return .extensionToken }
            return byte == ASCII.semicolon ? .extensionName(isEmpty: true) : lineEnd
        case .extensionQuoted:
            // qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text (RFC 9110 §5.6.4).
            if byte == ASCII.quote { return .extensionQuotedEnd }
            if byte == ASCII.backslash { return .extensionQuotedPair }
            return ASCII.isFieldValueByte(byte) ? .extensionQuoted : .failed(.invalidChunkExtension)
        case .extensionQuotedPair:
            // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text ).
            return ASCII.isFieldValueByte(byte) ? .extensionQuoted : .failed(.invalidChunkExtension)
        case .extensionQuotedEnd:
            return byte == ASCII.semicolon ? .extensionName(isEmpty: true) : lineEnd
        case .size, .sizeLineFeed, .data, .dataCR, .dataLF, .trailerLineStart, .trailerName, .trailerValue,
            .trailerLineFeed, .done, .failed:
            preconditionFailure("\(self.state) is not in a chunk extension")
        }
    }

    /// trailer-section = *( field-line CRLF ), then CRLF (RFC 9112 §7.1.2), with the field-line
    /// grammar of the head; the values are checked and dropped.
    private func trailer(then byte: UInt8) -> State {
        let lineEnd: State = byte == ASCII.lf ? .failed(.bareLF) : .failed(.invalidTrailer)
        switch self.state {
        case .trailerLineStart:
            if ASCII.isTokenCharacter(byte) { return .trailerName }
            if byte == ASCII.cr { return .trailerLineFeed(endsSection: true) }
            if ASCII.isWhitespace(byte) { return .failed(.obsFold) }
            return byte == ASCII.colon ? .failed(.emptyFieldName) : lineEnd
        case .trailerName:
            if ASCII.isTokenCharacter(byte) { return .trailerName }
            if byte == ASCII.colon { return .trailerValue }
            return ASCII.isWhitespace(byte) ? .failed(.whitespaceBeforeColon) : lineEnd
        case .trailerValue:
            if byte == ASCII.cr { return .trailerLineFeed(endsSection: false) }
            if ASCII.isFieldValueByte(byte) { return .trailerValue }
            return byte == ASCII.lf ? .failed(.bareLF) : .failed(.invalidFieldValue)
        case .trailerLineFeed(let endsSection):
            guard byte == ASCII.lf else { return .failed(.bareCR) }
            return endsSection ? .done : .trailerLineStart
        case .size, .extensionName, .extensionValueStart, .extensionToken, .extensionQuoted, .extensionQuotedPair,
            .extensionQuotedEnd, .sizeLineFeed, .data, .dataCR, .dataLF, .done, .failed:
            preconditionFailure("\(self.state) is not in a trailer section")
        }
    }
}
