/// The outcome of ``HTTPRequestParser/parseHead(_:)``.
public enum HTTPHeadParseResult: Sendable, Equatable {
    /// The head is complete and valid.
    case complete(HTTPRequestHead)
    /// The bytes so far are a valid beginning: call again with more.
    case incomplete
    /// The request is refused; answer with the error's status and close the connection.
    case invalid(HTTPParseError)
}
