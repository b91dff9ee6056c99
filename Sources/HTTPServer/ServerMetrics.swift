import Synchronization

/// Counters for `/metrics`, in Prometheus' text format (version 0.0.4).
public final class ServerMetrics: Sendable {
    /// Upper bounds of the latency histogram's buckets, in seconds.
    static let bucketBounds: [Double] = [
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ]

    /// Routes by index, with `-1` for requests that matched none. Integers keep the per-request
    /// bookkeeping free of string hashing.
    private struct RequestKey: Hashable {
        var route: Int
        var status: Int
    }

    private struct State {
        var routes: [(pattern: String, method: String)] = []
        var requests: [RequestKey: Int] = [:]
        var bucketCounts = [Int](repeating: 0, count: ServerMetrics.bucketBounds.count)
        var latencyCount = 0
        var latencySum = 0.0
        var rejectedBusy = 0
    }

    private let state = Mutex(State())
    /// Open connections (the loop updates it).
    let openConnections = Atomic<Int>(0)
    /// Connections accepted since start.
    let acceptedConnections = Atomic<Int>(0)

    public init() {}

    /// Connections open now.
    public var openConnectionCount: Int { self.openConnections.load(ordering: .relaxed) }

    /// Names the routes that ``RequestTally/record(route:status:seconds:)`` counts by index.
    func setRoutes(_ routes: [(pattern: String, method: String)]) {
        self.state.withLock { $0.routes = routes }
    }

    /// Adds what the event loop counted since the last call, and empties `tally`: one lock for a
    /// round of requests.
    func merge(_ tally: inout RequestTally) {
        guard tally.latencyCount > 0 else { return }
        self.state.withLock { state in
            for (slot, statuses) in tally.byRoute.enumerated() {
                for entry in statuses where entry.count > 0 {
                    state.requests[RequestKey(route: slot - 1, status: entry.status), default: 0] += entry.count
                }
            }
            for (bucket, count) in tally.bucketCounts.enumerated() {
                state.bucketCounts[bucket] += count
            }
            state.latencyCount += tally.latencyCount
            state.latencySum += tally.latencySum
        }
        tally.reset()
    }

    /// Counts a request refused because the handler queue was full.
    func recordBusy() {
        self.state.withLock { $0.rejectedBusy += 1 }
    }

    /// The metrics as Prometheus text; `extra` lines (gauges of other components) are appended.
    public func render(handlerQueue: (queued: Int, running: Int), extra: [String] = []) -> String {
        let state = self.state.withLock { $0 }
        var lines: [String] = []
        lines.append("# HELP shebao_http_requests_total Requests answered, by route pattern, method and status.")
        lines.append("# TYPE shebao_http_requests_total counter")
        for (key, count) in state.requests.sorted(by: { ($0.key.route, $0.key.status) < ($1.key.route, $1.key.status) })
        {
            let (pattern, method) = state.routes.indices.contains(key.route) ? state.routes[key.route] : ("-", "-")
            lines.append(
                "shebao_http_requests_total{route=\"\(Self.escape(pattern))\",method=\"\(method)\",status=\"\(key.status)\"} \(count)"
            )
        }
        lines.append("# HELP shebao_http_request_duration_seconds Time from the end of the request to the response.")
        lines.append("# TYPE shebao_http_request_duration_seconds histogram")
        var cumulative = 0
        for (index, bound) in Self.bucketBounds.enumerated() {
            cumulative += state.bucketCounts[index]
            lines.append("shebao_http_request_duration_seconds_bucket{le=\"\(bound)\"} \(cumulative)")
        }
        lines.append("shebao_http_request_duration_seconds_bucket{le=\"+Inf\"} \(state.latencyCount)")
        lines.append("shebao_http_request_duration_seconds_sum \(state.latencySum)")
        lines.append("shebao_http_request_duration_seconds_count \(state.latencyCount)")
        lines.append("# HELP shebao_http_open_connections Connections open in this worker.")
        lines.append("# TYPE shebao_http_open_connections gauge")
        lines.append("shebao_http_open_connections \(self.openConnections.load(ordering: .relaxed))")
        lines.append("# HELP shebao_http_accepted_connections_total Connections accepted by this worker.")
        lines.append("# TYPE shebao_http_accepted_connections_total counter")
        lines.append("shebao_http_accepted_connections_total \(self.acceptedConnections.load(ordering: .relaxed))")
        lines.append("# HELP shebao_handler_queue_depth Requests waiting for a handler thread.")
        lines.append("# TYPE shebao_handler_queue_depth gauge")
        lines.append("shebao_handler_queue_depth \(handlerQueue.queued)")
        lines.append("# HELP shebao_handler_busy_threads Handler threads running a request.")
        lines.append("# TYPE shebao_handler_busy_threads gauge")
        lines.append("shebao_handler_busy_threads \(handlerQueue.running)")
        lines.append("# HELP shebao_handler_rejected_total Requests answered 503 because the handler queue was full.")
        lines.append("# TYPE shebao_handler_rejected_total counter")
        lines.append("shebao_handler_rejected_total \(state.rejectedBusy)")
        lines += extra
        return lines.joined(separator: "\n") + "\n"
    }

    private static func escape(_ text: String) -> String {
        text.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"")
    }
}

/// Requests counted by one event loop between two ``ServerMetrics/merge(_:)``: plain counters
/// that only the loop thread touches, by route index and status, with no hashing.
struct RequestTally {
    /// By route index + 1 (slot 0: no route matched): the statuses seen and their counts.
    fileprivate(set) var byRoute: [[(status: Int, count: Int)]] = []
    fileprivate(set) var bucketCounts = [Int](repeating: 0, count: ServerMetrics.bucketBounds.count)
    fileprivate(set) var latencyCount = 0
    fileprivate(set) var latencySum = 0.0

    /// Counts one finished request of route `route` (an index; -1 for none).
    mutating func record(route: Int, status: Int, seconds: Double) {
        let slot = route + 1
        if slot >= self.byRoute.count {
            self.byRoute.append(contentsOf: repeatElement([], count: slot + 1 - self.byRoute.count))
        }
        if let index = self.byRoute[slot].firstIndex(where: { $0.status == status }) {
            self.byRoute[slot][index].count += 1
        } else {
            self.byRoute[slot].append((status, 1))
        }
        self.latencyCount += 1
        self.latencySum += seconds
        if let bucket = ServerMetrics.bucketBounds.firstIndex(where: { seconds <= $0 }) {
            self.bucketCounts[bucket] += 1
        }
    }

    /// Zeroes the counts, keeping the storage.
    fileprivate mutating func reset() {
        for slot in self.byRoute.indices {
            for index in self.byRoute[slot].indices {
                self.byRoute[slot][index].count = 0
            }
        }
        for bucket in self.bucketCounts.indices {
            self.bucketCounts[bucket] = 0
        }
        self.latencyCount = 0
        self.latencySum = 0
    }
}
