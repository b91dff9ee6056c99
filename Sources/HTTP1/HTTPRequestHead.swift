/// A parsed request head: the request line, the fields as offsets into the parsed buffer, and what
/// they mean for framing and for the connection.
public struct HTTPRequestHead: Sendable, Equatable {
    /// The method, as received.
    public var method: HTTPMethod
    /// The protocol version.
    public var version: HTTPVersion
    /// The offsets of the raw request-target; decode it with ``RequestTarget/parse(_:)``.
    public var target: Range<Int>
    /// The header fields, in the order received.
    public var fields: [HTTPField]
    /// How the body is delimited.
    public var framing: HTTPBodyFraming
    /// Whether the connection stays open after the response: for HTTP/1.1 unless `Connection` has a
    /// `close` token, for HTTP/1.0 only when it has a `keep-alive` token.
    public var isKeepAlive: Bool
    /// Whether an HTTP/1.1 client sent `Expect: 100-continue` and waits for a 100 before the body.
    public var expectsContinue: Bool
    /// The bytes of the head, from the start of the buffer through the blank line's CRLF: the body or
    /// the next request starts at this offset.
    public var length: Int

    /// Creates a head.
    /// - Parameters:
    ///   - method: the method.
    ///   - version: the protocol version.
    ///   - target: the offsets of the request-target.
    ///   - fields: the fields, in order.
    ///   - framing: how the body is delimited.
    ///   - isKeepAlive: whether the connection persists.
    ///   - expectsContinue: whether the client waits for 100 (Continue).
    ///   - length: the bytes of the head.
    public init(
        method: HTTPMethod,
        version: HTTPVersion,
        target: Range<Int>,
        fields: [HTTPField],
        framing: HTTPBodyFraming,
        isKeepAlive: Bool,
        expectsContinue: Bool,
        length: Int
    ) {
        self.method = method
        self.version = version
        self.target = target
        self.fields = fields
        self.framing = framing
        self.isKeepAlive = isKeepAlive
        self.expectsContinue = expectsContinue
        self.length = length
    }

    /// The first value of the field `name`, compared ASCII-case-insensitively, as a slice of `buffer`.
    /// - Parameters:
    ///   - name: the field name, in any case.
    ///   - buffer: the buffer the head was parsed from (or a copy with the same offsets).
    /// - Returns: the value without surrounding whitespace, or nil when there is no such field.
    public func value(of name: String, in buffer: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        precondition(buffer.count >= self.length, "the buffer is not the one the head was parsed from")
        for field in self.fields where field.hasName(name, in: buffer) {
            return UnsafeRawBufferPointer(rebasing: buffer[field.value])
        }
        return nil
    }

    /// All values of the field `name`, in the order received.
    /// - Parameters:
    ///   - name: the field name, in any case.
    ///   - buffer: the buffer the head was parsed from.
    /// - Returns: the values without surrounding whitespace; empty when there is no such field.
    public func values(of name: String, in buffer: UnsafeRawBufferPointer) -> [UnsafeRawBufferPointer] {
        precondition(buffer.count >= self.length, "the buffer is not the one the head was parsed from")
        return self.fields.compactMap { field in
            field.hasName(name, in: buffer)
                ? UnsafeRawBufferPointer(rebasing: buffer[field.value]) : nil
        }
    }
}
