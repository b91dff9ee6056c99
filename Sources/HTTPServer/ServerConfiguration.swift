public import HTTP1
public import TLS

/// Everything a worker's server can be told: where to listen, limits, timeouts, pool sizes.
/// The defaults are the safe ones.
public struct ServerConfiguration: Sendable {
    /// How the worker gets its listening socket.
    public enum Listen: Sendable {
        /// Bind `host:port` itself, with `SO_REUSEPORT` so sibling workers can bind it too.
        case bind(host: String, port: Int)
        /// Use a listening descriptor inherited from the supervisor.
        case inherited(descriptor: Int32)
    }

    public var listen: Listen = .bind(host: "127.0.0.1", port: 8080)
    /// Request parsing limits (request line, fields, body …).
    public var limits = HTTPLimits()
    /// From the first byte of a request head to its end (slowloris).
    public var headerReadTimeout: Duration = .seconds(10)
    /// Longest pause between two pieces of a body.
    public var bodyIdleTimeout: Duration = .seconds(10)
    /// From the end of the head to the end of the body.
    public var bodyTotalTimeout: Duration = .seconds(60)
    /// Longest time a response write may make no progress.
    public var writeIdleTimeout: Duration = .seconds(30)
    /// Longest idle time between requests on a kept-alive connection.
    public var keepAliveIdleTimeout: Duration = .seconds(15)
    /// For TLS connections: from accept to the end of the handshake.
    public var tlsHandshakeTimeout: Duration = .seconds(10)
    /// After an error answer given before the request was read whole: how long what still
    /// arrives is read and dropped so that the client can read the answer (zero: close at once).
    public var lingerTimeout: Duration = .seconds(2)
    /// …and how much of it at most.
    public var lingerBytes = 16 * 1024 * 1024
    /// Requests served on one connection before it is closed.
    public var maxRequestsPerConnection = 1000
    /// Bytes of further (pipelined) requests buffered while one is being handled; past this,
    /// the connection is not read until the response is written.
    public var maxPipelinedBytes = 64 * 1024
    /// Open connections per worker; past this the worker stops accepting until one closes.
    public var maxConnections = 10_000
    /// Threads that run handlers (they may block on the database).
    public var handlerThreads = 16
    /// Requests that may wait for a handler thread; beyond it: 503 with Retry-After.
    public var handlerQueueCapacity = 1024
    /// Write one access-log line per request.
    public var isAccessLogEnabled = true
    /// Serve TLS with this certificate and key, if set.
    public var tls: TLSConfiguration?
    /// How long a graceful stop waits for in-flight requests.
    public var drainTimeout: Duration = .seconds(10)

    public init() {}
}
