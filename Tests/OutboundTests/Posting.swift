import Outbound
import TestSupport

/// A client for loopback receivers: plain HTTP allowed, and timeouts long enough for a loaded
/// machine (the tests that need a timeout set a short one themselves).
func loopbackConfiguration() -> HTTPClient.Configuration {
    var configuration = HTTPClient.Configuration()
    configuration.allowsPlainHTTP = true
    configuration.connectTimeout = .seconds(10)
    configuration.totalTimeout = .seconds(30)
    return configuration
}

/// POSTs each request in turn with one client, made, used and closed on a thread of its own:
/// the client blocks, and must not hold one of the cooperative pool's few threads.
func post(
    _ requests: [HTTPClient.Request],
    configuration: HTTPClient.Configuration = loopbackConfiguration()
) async throws -> [Result<HTTPClient.Response, HTTPClientError>] {
    try await onThread {
        let client = try HTTPClient(configuration: configuration)
        defer { client.close() }
        return requests.map { request in Result { () throws(HTTPClientError) in try client.post(request) } }
    }
}

/// POSTs one request with a client of its own.
func post(
    _ request: HTTPClient.Request,
    configuration: HTTPClient.Configuration = loopbackConfiguration()
) async throws -> Result<HTTPClient.Response, HTTPClientError> {
    try await post([request], configuration: configuration)[0]
}

extension Result {
    /// The error, or nil on success.
    var failure: Failure? {
        if case .failure(let error) = self { error } else { nil }
    }
}
