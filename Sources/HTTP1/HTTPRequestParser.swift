/// A strict, bounded, resumable parser of HTTP/1.1 request heads (RFC 9112 §2–§6).
///
/// - Strict: where RFC 9112 lets a server either reject or repair, it rejects (bare CR or LF,
///   obs-fold, whitespace before a colon, conflicting framing fields).
/// - Bounded: every limit in ``HTTPLimits`` is enforced on incomplete input too, so a peer can never
///   make the caller buffer more than the limits allow before it gets an answer.
/// - Resumable: after `.incomplete` the caller passes the same bytes plus more; the parser keeps the
///   lines it has parsed and the offset it has scanned to, so each byte is searched once and each
///   line is parsed once, whatever the sizes of the reads.
/// - Deterministic: the result depends on the bytes only, never on how they were split across calls.
/// - Zero-copy: the head holds offsets into the buffer; only an unusual method allocates a string.
public struct HTTPRequestParser: Sendable {
    private enum Stage: Sendable {
        case requestLine
        case fieldLines(HeadLineGrammar.RequestLine)
        case finished(HTTPHeadParseResult)
    }

    // RFC 9112 §2.2 asks servers to ignore at least one empty line before the request line; a few
    // cover clients that end a body with an extra CRLF, and a bound keeps the skipping finite.
    private static let maxEmptyLinesBeforeRequestLine = 4

    private let limits: HTTPLimits
    private var stage = Stage.requestLine
    private var sectionStart = 0
    private var lineStart = 0
    private var scanned = 0
    private var emptyLinesSkipped = 0
    private var fields: [HTTPField] = []

    /// Creates a parser for one connection.
    /// - Parameter limits: the bounds to enforce.
    public init(limits: HTTPLimits = HTTPLimits()) {
        self.limits = limits
    }

    /// Parses the request head at the start of `buffer`.
    ///
    /// Resumable: after `.incomplete`, call again with the same bytes plus more (the buffer may move,
    /// its contents may not change). After `.complete` or `.invalid` the same result is returned until
    /// ``reset()``. Bytes after the head are not looked at.
    /// - Parameter buffer: the bytes received so far, starting with the head.
    /// - Returns: the head with offsets into `buffer`, `.incomplete`, or why the request is refused.
    public mutating func parseHead(_ buffer: UnsafeRawBufferPointer) -> HTTPHeadParseResult {
        precondition(buffer.count >= self.scanned, "parseHead was given fewer bytes than before; call reset() first")
        while true {
            let requestLine: HeadLineGrammar.RequestLine?
            switch self.stage {
            case .finished(let result): return result
            case .requestLine: requestLine = nil
            case .fieldLines(let line): requestLine = line
            }
            let lineLimit = requestLine == nil ? self.limits.maxRequestLineLength : self.limits.maxFieldLineLength
            // Past this offset a line without LF already breaks a limit, so the search stops there
            // (limitError relies on it).
            let searchEnd = min(
                buffer.count,
                Self.saturatingSum(self.lineStart, lineLimit, 2),
                Self.saturatingSum(self.sectionStart, self.limits.maxHeaderSectionLength, 0)
            )
            guard let lineFeed = Self.firstLineFeed(buffer, from: self.scanned, to: searchEnd) else {
                if let error = self.limitError(
                    buffer,
                    prefixEnd: searchEnd,
                    lineLimit,
                    isRequestLine: requestLine == nil
                ) {
                    return self.finish(.invalid(error))
                }
                self.scanned = searchEnd
                return .incomplete
            }
            if let error = self.limitError(buffer, prefixEnd: lineFeed, lineLimit, isRequestLine: requestLine == nil) {
                return self.finish(.invalid(error))
            }
            // RFC 9112 §2.2: a bare LF may be accepted as a line terminator, or not; a strict server
            // does not, since intermediaries disagree about it.
            guard lineFeed > self.lineStart, buffer[lineFeed - 1] == ASCII.cr else {
                return self.finish(.invalid(.bareLF))
            }
            let line = self.lineStart..<(lineFeed - 1)
            self.lineStart = lineFeed + 1
            self.scanned = self.lineStart
            if let result = self.process(line, after: requestLine, in: buffer) {
                return self.finish(result)
            }
        }
    }

    /// Forgets the scan position and the parsed lines: call after a complete head, before parsing the
    /// next request (with a buffer that starts at that request).
    public mutating func reset() {
        self.stage = .requestLine
        self.sectionStart = 0
        self.lineStart = 0
        self.scanned = 0
        self.emptyLinesSkipped = 0
        self.fields = []
    }

    /// Handles one complete line (CRLF excluded); returns a result when the head is decided.
    private mutating func process(
        _ line: Range<Int>,
        after requestLine: HeadLineGrammar.RequestLine?,
        in buffer: UnsafeRawBufferPointer
    ) -> HTTPHeadParseResult? {
        guard let requestLine else {
            if line.isEmpty {
                self.emptyLinesSkipped += 1
                guard self.emptyLinesSkipped <= Self.maxEmptyLinesBeforeRequestLine else {
                    return .invalid(.tooManyEmptyLines)
                }
                self.sectionStart = self.lineStart
                return nil
            }
            switch HeadLineGrammar.requestLine(buffer, line) {
            case .success(let parsed):
                self.stage = .fieldLines(parsed)
                self.fields.reserveCapacity(min(self.limits.maxFieldCount, 16))
                return nil
            case .failure(let error):
                return .invalid(error)
            }
        }
        if line.isEmpty {
            let head = RequestHeadValidator.head(
                requestLine,
                fields: self.fields,
                length: self.lineStart,
                in: buffer,
                limits: self.limits
            )
            switch head {
            case .success(let head): return .complete(head)
            case .failure(let error): return .invalid(error)
            }
        }
        switch HeadLineGrammar.fieldLine(buffer, line) {
        case .success(let field):
            guard self.fields.count < self.limits.maxFieldCount else { return .invalid(.tooManyFields) }
            self.fields.append(field)
            return nil
        case .failure(let error):
            return .invalid(error)
        }
    }

    private mutating func finish(_ result: HTTPHeadParseResult) -> HTTPHeadParseResult {
        self.stage = .finished(result)
        self.fields = []
        return result
    }

    /// The limit broken by the current line's first `prefixEnd - lineStart` bytes, given that none of
    /// them is its LF, or nil.
    ///
    /// Both limits only ever break as bytes arrive, and `prefixEnd` never passes the offset where the
    /// section limit breaks: when both are broken, the line limit broke first or on the same byte. So
    /// the answer is the same however the bytes were split.
    private func limitError(
        _ buffer: UnsafeRawBufferPointer,
        prefixEnd: Int,
        _ lineLimit: Int,
        isRequestLine: Bool
    ) -> HTTPParseError? {
        // A trailing CR may be the first half of the CRLF, which the line limits do not count.
        let endsInCR = prefixEnd > self.lineStart && buffer[prefixEnd - 1] == ASCII.cr
        if prefixEnd - self.lineStart - (endsInCR ? 1 : 0) > lineLimit {
            return isRequestLine ? .requestLineTooLong : .fieldLineTooLong
        }
        // The LF is at prefixEnd or later, so the head through it is longer than the section limit.
        if prefixEnd - self.sectionStart >= self.limits.maxHeaderSectionLength {
            return .headerSectionTooLong
        }
        return nil
    }

    private static func firstLineFeed(_ buffer: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Int? {
        var index = start
        while index < end {
            if buffer[index] == ASCII.lf { return index }
            index += 1
        }
        return nil
    }

    private static func saturatingSum(_ a: Int, _ b: Int, _ c: Int) -> Int {
        let (ab, overflowAB) = a.addingReportingOverflow(b)
        let (abc, overflowABC) = ab.addingReportingOverflow(c)
        return overflowAB || overflowABC ? Int.max : abc
    }
}
