/// Bounds on what a peer may send, checked while the bytes arrive so that no request can make the
/// server buffer or scan more than these amounts.
public struct HTTPLimits: Sendable, Equatable {
    /// The longest request line, without its CRLF; a longer one is refused with 414.
    public var maxRequestLineLength: Int
    /// The longest single field line, without its CRLF; a longer one is refused with 431.
    public var maxFieldLineLength: Int
    /// The most bytes from the first byte of the request line through the blank line ending the head;
    /// more is refused with 431.
    public var maxHeaderSectionLength: Int
    /// The most header fields; more are refused with 431.
    public var maxFieldCount: Int
    /// The longest body: a larger Content-Length is refused with 413 before any body is read, and a
    /// chunked body is refused with 413 as soon as a chunk size takes it past this.
    public var maxBodyLength: Int
    /// The most bytes of chunk extensions on one chunk line; more is refused with 400.
    public var maxChunkExtensionLength: Int
    /// The most bytes of the trailer section of a chunked body, its blank line included; more is
    /// refused with 431.
    public var maxTrailerSectionLength: Int

    /// Creates limits; the defaults suit a JSON API.
    /// - Parameters:
    ///   - maxRequestLineLength: the longest request line, CRLF excluded.
    ///   - maxFieldLineLength: the longest field line, CRLF excluded.
    ///   - maxHeaderSectionLength: the longest head, from the request line through the blank line.
    ///   - maxFieldCount: the most header fields.
    ///   - maxBodyLength: the longest body, however it is framed.
    ///   - maxChunkExtensionLength: the most chunk-extension bytes on one chunk line.
    ///   - maxTrailerSectionLength: the longest trailer section, its blank line included.
    public init(
        maxRequestLineLength: Int = 8192,
        maxFieldLineLength: Int = 8192,
        maxHeaderSectionLength: Int = 32768,
        maxFieldCount: Int = 100,
        maxBodyLength: Int = 1 << 20,
        maxChunkExtensionLength: Int = 1024,
        maxTrailerSectionLength: Int = 8192
    ) {
        precondition(
            maxRequestLineLength >= 0 && maxFieldLineLength >= 0 && maxHeaderSectionLength >= 0
                && maxFieldCount >= 0 && maxBodyLength >= 0 && maxChunkExtensionLength >= 0
                && maxTrailerSectionLength >= 0,
            "HTTP limits must not be negative"
        )
        self.maxRequestLineLength = maxRequestLineLength
        self.maxFieldLineLength = maxFieldLineLength
        self.maxHeaderSectionLength = maxHeaderSectionLength
        self.maxFieldCount = maxFieldCount
        self.maxBodyLength = maxBodyLength
        self.maxChunkExtensionLength = maxChunkExtensionLength
        self.maxTrailerSectionLength = maxTrailerSectionLength
    }
}
