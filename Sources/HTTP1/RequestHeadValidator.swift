/// Gives meaning to the fields that decide how a request is framed and how its connection is
/// handled, and refuses every combination that two HTTP implementations could read differently.
enum RequestHeadValidator {
    /// The head of a request whose request line and field lines are syntactically valid.
    /// - Parameters:
    ///   - requestLine: the parsed request line.
    ///   - fields: the field lines, in order.
    ///   - length: the bytes of the head through the blank line's CRLF.
    ///   - buffer: the bytes the offsets refer to.
    ///   - limits: the body limit.
    static func head(
        _ requestLine: HeadLineGrammar.RequestLine,
        fields: [HTTPField],
        length: Int,
        in buffer: UnsafeRawBufferPointer,
        limits: HTTPLimits
    ) -> Result<HTTPRequestHead, HTTPParseError> {
        var hostCount = 0
        var contentLength: Int?
        var transferEncoding: Range<Int>?
        var connection = (close: false, keepAlive: false)
        var expectsContinue = false
        var hasOtherExpectation = false
        // Field names are case-insensitive (RFC 9110 §5.1), and so is every token compared below;
        // the compares fold ASCII case only and allocate nothing.
        for field in fields {
            switch field.name.count {
            case 4 where ASCII.equalsIgnoringCase(buffer, field.name, "host"):
                // RFC 9112 §3.2: a request with more than one Host, or an invalid one, gets 400.
                hostCount += 1
                guard hostCount == 1 else { return .failure(.multipleHosts) }
                guard isValidHost(buffer, field.value) else { return .failure(.invalidHost) }
            case 14 where ASCII.equalsIgnoringCase(buffer, field.name, "content-length"):
                // RFC 9112 §6.3 allows merging identical repeated values; a strict server refuses any
                // repetition instead.
                guard contentLength == nil else { return .failure(.multipleContentLengths) }
                guard let value = self.contentLength(buffer, field.value) else {
                    return .failure(.invalidContentLength)
                }
                contentLength = value
            case 17 where ASCII.equalsIgnoringCase(buffer, field.name, "transfer-encoding"):
                guard transferEncoding == nil else { return .failure(.multipleTransferEncodings) }
                transferEncoding = field.value
            case 6 where ASCII.equalsIgnoringCase(buffer, field.name, "expect"):
                // RFC 9110 §10.1.1: the Expect field value is case-insensitive.
                if ASCII.equalsIgnoringCase(buffer, field.value, "100-continue") {
                    expectsContinue = true
                } else {
                    hasOtherExpectation = true
                }
            case 10 where ASCII.equalsIgnoringCase(buffer, field.name, "connection"):
                // RFC 9110 §7.6.1: connection options are case-insensitive.
                self.forEachListElement(buffer, field.value) { element in
                    if ASCII.equalsIgnoringCase(buffer, element, "close") { connection.close = true }
                    if ASCII.equalsIgnoringCase(buffer, element, "keep-alive") { connection.keepAlive = true }
                }
            default:
                break
            }
        }
        if requestLine.version == .http1_1 && hostCount == 0 { return .failure(.missingHost) }
        let framing: HTTPBodyFraming
        if let transferEncoding {
            // RFC 9112 §6.3: Content-Length with Transfer-Encoding is the classic smuggling vector;
            // §6.1: Transfer-Encoding in HTTP/1.0 means faulty framing.
            guard contentLength == nil else { return .failure(.contentLengthAndTransferEncoding) }
            guard requestLine.version == .http1_1 else { return .failure(.transferEncodingInHTTP10) }
            if let error = self.transferCodingError(buffer, transferEncoding) { return .failure(error) }
            framing = .chunked
        } else if let contentLength {
            guard contentLength <= limits.maxBodyLength else { return .failure(.bodyTooLarge) }
            framing = .contentLength(contentLength)
        } else {
            framing = .none
        }
        // RFC 9110 §10.1.1: 417 for an expectation we cannot meet; HTTP/1.0 clients cannot handle
        // 100 (Continue), so their 100-continue is ignored.
        if hasOtherExpectation { return .failure(.unsupportedExpectation) }
        let isKeepAlive: Bool
        switch requestLine.version {
        case .http1_1: isKeepAlive = !connection.close
        case .http1_0: isKeepAlive = connection.keepAlive && !connection.close
        }
        return .success(
            HTTPRequestHead(
                method: requestLine.method,
                version: requestLine.version,
                target: requestLine.target,
                fields: fields,
                framing: framing,
                isKeepAlive: isKeepAlive,
                expectsContinue: expectsContinue && requestLine.version == .http1_1,
                length: length
            )
        )
    }

    /// `Content-Length = 1*DIGIT` (RFC 9112 §6.2), at most 18 digits so it cannot overflow; no sign,
    /// no inner spaces and no comma list (which `Int(_:)` would partly accept).
    private static func contentLength(_ buffer: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int? {
        guard (1...18).contains(range.count) else { return nil }
        var value = 0
        for index in range {
            let byte = buffer[index]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte &- UInt8(ascii: "0"))
        }
        return value
    }

    /// Why a Transfer-Encoding value is refused, or nil when it is exactly `chunked`.
    ///
    /// RFC 9112 §6.3: a request whose final coding is not chunked cannot be framed (400); §6.1: a
    /// coding the server does not implement is 501; chunked applied twice is refused (§7).
    private static func transferCodingError(_ buffer: UnsafeRawBufferPointer, _ value: Range<Int>) -> HTTPParseError? {
        var count = 0
        var chunkedCount = 0
        var lastIsChunked = false
        var malformed = false
        self.forEachListElement(buffer, value) { element in
            count += 1
            if element.isEmpty || !element.allSatisfy({ ASCII.isTokenCharacter(buffer[$0]) }) { malformed = true }
            // RFC 9112 §7: transfer-coding names are case-insensitive.
            lastIsChunked = ASCII.equalsIgnoringCase(buffer, element, "chunked")
            if lastIsChunked { chunkedCount += 1 }
        }
        guard !malformed, lastIsChunked, chunkedCount == 1 else { return .invalidTransferEncoding }
        return count == 1 ? nil : .unsupportedTransferCoding
    }

    /// Calls `body` with each element of a comma-separated list (RFC 9110 §5.6.1), OWS trimmed; empty
    /// elements included.
    private static func forEachListElement(
        _ buffer: UnsafeRawBufferPointer,
        _ value: Range<Int>,
        _ body: (Range<Int>) -> Void
    ) {
        var start = value.lowerBound
        for index in value where buffer[index] == ASCII.comma {
            body(ASCII.trimmingWhitespace(buffer, start..<index))
            start = index + 1
        }
        body(ASCII.trimmingWhitespace(buffer, start..<value.upperBound))
    }

    /// `Host = uri-host [ ":" port ]` (RFC 9112 §3.2), checked for its character set only:
    /// reg-name, IP-literal and port characters (RFC 3986 §3.2.2), possibly empty.
    private static func isValidHost(_ buffer: UnsafeRawBufferPointer, _ value: Range<Int>) -> Bool {
        value.allSatisfy { index in
            let byte = buffer[index]
            return URIGrammar.isUnreserved(byte) || URIGrammar.isSubDelimiter(byte)
                || byte == ASCII.percent || byte == ASCII.colon
                || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]")
        }
    }
}
