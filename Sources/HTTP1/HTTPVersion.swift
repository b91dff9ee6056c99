/// The HTTP versions a request may carry; any other is refused with 505.
public enum HTTPVersion: Sendable, Equatable {
    /// `HTTP/1.0`: connections close after each response unless the client asks for keep-alive.
    case http1_0
    /// `HTTP/1.1`: connections persist unless either side sends `Connection: close`.
    case http1_1
}
