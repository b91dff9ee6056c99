/// Why an ``HTTPClient`` request produced no response.
///
/// An enum rather than the project's usual error struct with an extensible code: the kinds are
/// what ``DeliveryOutcome`` decides on, and a new kind should fail to compile until it is given
/// a place there. The messages are libcurl's (they name the host and port, never the path or
/// query, the headers or the body) and are safe to log.
public enum HTTPClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The request was refused before anything was sent: a malformed or non-HTTP(S) URL, plain
    /// HTTP where only HTTPS is allowed, or a header that could break the request's framing.
    case invalidRequest(String)
    /// The host name did not resolve.
    case couldNotResolve(String)
    /// No connection was made: refused, unreachable.
    case couldNotConnect(String)
    /// The connection broke while sending the request or reading the response, or the server
    /// closed it without answering.
    case connectionLost(String)
    /// The connect timeout or the total timeout passed.
    case timedOut(String)
    /// The TLS handshake failed, or the server's certificate did not verify against the trusted
    /// CAs or did not match the host.
    case tlsFailure(String)
    /// The response's body or header section exceeded its bound; the transfer was abandoned.
    /// `status` is the response's status code (0 if its status line was not read).
    case responseTooLarge(status: Int, limit: Int)
    /// Any other libcurl failure, with its `CURLcode` and message.
    case other(code: Int, message: String)

    public var description: String {
        switch self {
        case .invalidRequest(let message): "invalid request: \(message)"
        case .couldNotResolve(let message): "could not resolve: \(message)"
        case .couldNotConnect(let message): "could not connect: \(message)"
        case .connectionLost(let message): "connection lost: \(message)"
        case .timedOut(let message): "timed out: \(message)"
        case .tlsFailure(let message): "TLS failure: \(message)"
        case .responseTooLarge(let status, let limit): "response too large: over \(limit) bytes (status \(status))"
        case .other(let code, let message): "libcurl error \(code): \(message)"
        }
    }
}
