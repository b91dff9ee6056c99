/// Serializes response heads (RFC 9112 §4, §5).
public enum HTTPResponseWriter {
    /// Appends `HTTP/1.1 <status> <reason>` CRLF, then `Date`, then `headers` in order, then
    /// `serverFields` and `extraField`, then `Content-Length` (when non-nil), `Connection: close`
    /// when `close`, then the blank line.
    ///
    /// Header names and values come from our own code: one containing CR, LF or NUL would let a
    /// value split the response, so it is a programming error (precondition), not a runtime one.
    /// - Parameters:
    ///   - status: a three-digit status code.
    ///   - headers: the fields to send after `Date`, in order.
    ///   - serverFields: fields the server sends on every response (`Strict-Transport-Security`
    ///     over TLS), passed as a list of its own so that `headers` is not copied to add them.
    ///   - extraField: one more field after `headers` (the server's `X-Request-ID`), without
    ///     copying the array to add it.
    ///   - contentLength: the body length, or nil for none (e.g. 204, 304, or a close-delimited body).
    ///   - date: the `Date` value, from ``HTTPDate/format(secondsSince1970:)``.
    ///   - close: whether to send `Connection: close`.
    ///   - buffer: where the head is appended.
    public static func writeHead(
        status: Int,
        headers: [(name: String, value: String)],
        contentLength: Int?,
        serverFields: [(name: String, value: String)] = [],
        extraField: (name: String, value: String)? = nil,
        date: String,
        close: Bool,
        into buffer: inout [UInt8]
    ) {
        precondition((100...999).contains(status), "a status code has three digits")
        self.append("HTTP/1.1 ", to: &buffer)
        self.appendDecimal(status, to: &buffer)
        buffer.append(ASCII.space)
        self.append(self.reasonPhrase(status), to: &buffer)
        buffer.append(ASCII.cr)
        buffer.append(ASCII.lf)
        self.appendField("Date", date, to: &buffer)
        for header in headers {
            self.appendField(header.name, header.value, to: &buffer)
        }
        for field in serverFields {
            self.appendField(field.name, field.value, to: &buffer)
        }
        if let extraField {
            self.appendField(extraField.name, extraField.value, to: &buffer)
        }
        if let contentLength {
            precondition(contentLength >= 0, "a Content-Length is not negative")
            self.append("Content-Length: ", to: &buffer)
            self.appendDecimal(contentLength, to: &buffer)
            buffer.append(ASCII.cr)
            buffer.append(ASCII.lf)
        }
        if close {
            self.append("Connection: close\r\n", to: &buffer)
        }
        buffer.append(ASCII.cr)
        buffer.append(ASCII.lf)
    }

    /// The reason phrase of a status code: those of RFC 9110 §15, plus 428, 429 and 431 (RFC 6585),
    /// which this server sends; "Unknown" for any other.
    /// - Parameter status: the status code.
    /// - Returns: the phrase.
    public static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 101: "Switching Protocols"
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 203: "Non-Authoritative Information"
        case 204: "No Content"
        case 205: "Reset Content"
        case 206: "Partial Content"
        case 300: "Multiple Choices"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 303: "See Other"
        case 304: "Not Modified"
        case 305: "Use Proxy"
        case 307: "Temporary Redirect"
        case 308: "Permanent Redirect"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 402: "Payment Required"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 406: "Not Acceptable"
        case 407: "Proxy Authentication Required"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 410: "Gone"
        case 411: "Length Required"
        case 412: "Precondition Failed"
        case 413: "Content Too Large"
        case 414: "URI Too Long"
        case 415: "Unsupported Media Type"
        case 416: "Range Not Satisfiable"
        case 417: "Expectation Failed"
        case 421: "Misdirected Request"
        case 422: "Unprocessable Content"
        case 426: "Upgrade Required"
        case 428: "Precondition Required"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        case 505: "HTTP Version Not Supported"
        default: "Unknown"
        }
    }

    private static func appendField(_ name: String, _ value: String, to buffer: inout [UInt8]) {
        precondition(!name.isEmpty, "a header name is not empty")
        let start = buffer.count
        self.append(name, to: &buffer)
        buffer.append(ASCII.colon)
        buffer.append(ASCII.space)
        self.append(value, to: &buffer)
        // Checked on the bytes just written: one tight loop instead of a generic scan per string.
        let splitsLines = buffer.withUnsafeBufferPointer { bytes in
            bytes[start...].contains { $0 == ASCII.cr || $0 == ASCII.lf || $0 == 0 }
        }
        precondition(!splitsLines, "header names and values must not contain CR, LF or NUL")
        buffer.append(ASCII.cr)
        buffer.append(ASCII.lf)
    }

    /// Appends the UTF-8 of `text`: one copy from the string's own storage when it has one.
    @inline(__always)
    private static func append(_ text: String, to buffer: inout [UInt8]) {
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { buffer.append(contentsOf: $0) }
        if done == nil {
            buffer.append(contentsOf: text.utf8)
        }
    }

    /// Appends the decimal digits of a non-negative number without allocating a string.
    static func appendDecimal(_ value: Int, to buffer: inout [UInt8]) {
        var divisor = 1
        while divisor <= value / 10 { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            buffer.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }
}
