/// How the body that follows a request head is delimited (RFC 9112 §6.3).
public enum HTTPBodyFraming: Sendable, Equatable {
    /// No body: a request with neither Content-Length nor Transfer-Encoding has none.
    case none
    /// Exactly this many bytes follow the head.
    case contentLength(Int)
    /// A chunked body follows; decode it with ``ChunkedBodyDecoder``.
    case chunked
}
