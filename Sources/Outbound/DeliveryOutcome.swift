/// What one delivery attempt came to, from its response or its error: what the scheduler
/// records, and decides the next attempt from with its own retry policy.
public enum DeliveryOutcome: Sendable, Equatable {
    /// A 2xx: the receiver has the message.
    case delivered(status: Int)
    /// Worth trying again: a timeout, a connection that failed or broke, a TLS failure (a
    /// certificate can be renewed), a 5xx, 408 or 429. `retryAfter` is the server's
    /// `Retry-After`, when it sent one that parsed.
    case retry(reason: String, retryAfter: Duration?)
    /// Trying again would fail the same way: another 4xx (the message is poison to this
    /// receiver), a 1xx or 3xx final status (redirects are not followed), or a request refused
    /// before sending.
    case permanent(reason: String)

    /// The outcome of a response.
    /// - Parameters:
    ///   - response: what the receiver answered.
    ///   - now: the current time in Unix seconds, for a `Retry-After` date.
    /// - Returns: the outcome.
    public init(response: HTTPClient.Response, now: Int64 = UnixClock.seconds()) {
        let status = response.status
        switch status {
        case 200..<300:
            self = .delivered(status: status)
        case 408, 429, 500..<600:
            let retryAfter = response.header("Retry-After").flatMap { RetryAfter.delay($0, now: now) }
            self = .retry(reason: "HTTP \(status)", retryAfter: retryAfter)
        default:
            self = .permanent(reason: "HTTP \(status)")
        }
    }

    /// The outcome of a request that got no response.
    /// - Parameter error: why.
    /// - Returns: the outcome.
    public init(error: HTTPClientError) {
        switch error {
        case .invalidRequest:
            self = .permanent(reason: error.description)
        case .responseTooLarge(let status, _) where (200..<300).contains(status):
            // A 2xx status line has been read: the receiver took the message, whatever its body.
            self = .delivered(status: status)
        case .responseTooLarge, .couldNotResolve, .couldNotConnect, .connectionLost, .timedOut, .tlsFailure, .other:
            self = .retry(reason: error.description, retryAfter: nil)
        }
    }

    /// The outcome of an attempt.
    /// - Parameters:
    ///   - result: the response, or why there was none.
    ///   - now: the current time in Unix seconds, for a `Retry-After` date.
    /// - Returns: the outcome.
    public init(_ result: Result<HTTPClient.Response, HTTPClientError>, now: Int64 = UnixClock.seconds()) {
        switch result {
        case .success(let response): self.init(response: response, now: now)
        case .failure(let error): self.init(error: error)
        }
    }
}
