import Synchronization

/// The scheduler's counters, for `/metrics` in Prometheus' text format (version 0.0.4). Shared
/// by the job loop, the listener and the metrics server's handler threads.
public final class SchedulerMetrics: Sendable {
    /// What happened to a claimed piece of work, counted per kind (an outbox channel, or a
    /// recurring job's kind).
    public enum Event: String, Sendable, CaseIterable {
        /// Claimed under a lease.
        case claimed
        /// Done: a message delivered, a job run.
        case done
        /// Given up: a message `failed` or `dead`, a job that threw.
        case failed
        /// Put back for a later attempt.
        case retried
        /// Dropped because the lease had passed to another holder (its write changed 0 rows).
        case fenced
    }

    /// Why the job loop woke.
    public enum Wakeup: String, Sendable, CaseIterable {
        case notification
        case poll
    }

    /// Upper bounds of the delivery latency buckets (outbox row written to sent), in seconds.
    static let latencyBounds: [Double] = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600]

    private struct Key: Hashable {
        var event: Event
        var kind: String
    }

    private struct State {
        var counts: [Key: Int] = [:]
        var wakeups: [Wakeup: Int] = [:]
        var backlog: [String: (pending: Int, oldestSeconds: Double)] = [:]
        var latencyBuckets = [Int](repeating: 0, count: SchedulerMetrics.latencyBounds.count)
        var latencyCount = 0
        var latencySum = 0.0
        var listenerConnects = 0
        var isListening = false
    }

    private let state = Mutex(State())

    public init() {}

    /// Counts `count` events of `kind`.
    public func record(_ event: Event, kind: String, count: Int = 1) {
        guard count > 0 else { return }
        self.state.withLock { $0.counts[Key(event: event, kind: kind), default: 0] += count }
    }

    /// How many events of `kind` were counted.
    public func count(_ event: Event, kind: String) -> Int {
        self.state.withLock { $0.counts[Key(event: event, kind: kind)] ?? 0 }
    }

    func recordWakeup(_ reason: Wakeup) {
        self.state.withLock { $0.wakeups[reason, default: 0] += 1 }
    }

    func recordDeliveryLatency(seconds: Double) {
        self.state.withLock { state in
            for (index, bound) in Self.latencyBounds.enumerated() where seconds <= bound {
                state.latencyBuckets[index] += 1
            }
            state.latencyCount += 1
            state.latencySum += seconds
        }
    }

    func setBacklog(_ backlog: [String: (pending: Int, oldestSeconds: Double)]) {
        self.state.withLock { $0.backlog = backlog }
    }

    func setListening(_ isListening: Bool) {
        self.state.withLock { state in
            if isListening && !state.isListening {
                state.listenerConnects += 1
            }
            state.isListening = isListening
        }
    }

    /// The metrics as Prometheus text.
    public func prometheusText() -> String {
        let state = self.state.withLock { $0 }
        var lines: [String] = []
        for event in Event.allCases {
            let name = "shebao_scheduler_jobs_\(event.rawValue)_total"
            lines.append("# HELP \(name) Work \(event.rawValue), per kind (outbox channel or recurring job).")
            lines.append("# TYPE \(name) counter")
            for (key, count) in state.counts.filter({ $0.key.event == event }).sorted(by: { $0.key.kind < $1.key.kind })
            {
                lines.append("\(name){kind=\"\(key.kind)\"} \(count)")
            }
        }
        lines.append("# HELP shebao_scheduler_wakeups_total Times the job loop woke, by reason.")
        lines.append("# TYPE shebao_scheduler_wakeups_total counter")
        for reason in Wakeup.allCases {
            lines.append("shebao_scheduler_wakeups_total{reason=\"\(reason.rawValue)\"} \(state.wakeups[reason] ?? 0)")
        }
        lines.append("# HELP shebao_scheduler_outbox_backlog Outbox rows pending, per channel.")
        lines.append("# TYPE shebao_scheduler_outbox_backlog gauge")
        lines.append("# HELP shebao_scheduler_outbox_oldest_seconds Age of the oldest pending outbox row, per channel.")
        lines.append("# TYPE shebao_scheduler_outbox_oldest_seconds gauge")
        for (channel, backlog) in state.backlog.sorted(by: { $0.key < $1.key }) {
            lines.append("shebao_scheduler_outbox_backlog{channel=\"\(channel)\"} \(backlog.pending)")
            lines.append("shebao_scheduler_outbox_oldest_seconds{channel=\"\(channel)\"} \(backlog.oldestSeconds)")
        }
        lines.append("# HELP shebao_scheduler_delivery_latency_seconds From an outbox row's writing to its delivery.")
        lines.append("# TYPE shebao_scheduler_delivery_latency_seconds histogram")
        for (index, bound) in Self.latencyBounds.enumerated() {
            lines.append(
                "shebao_scheduler_delivery_latency_seconds_bucket{le=\"\(bound)\"} \(state.latencyBuckets[index])"
            )
        }
        lines.append("shebao_scheduler_delivery_latency_seconds_bucket{le=\"+Inf\"} \(state.latencyCount)")
        lines.append("shebao_scheduler_delivery_latency_seconds_sum \(state.latencySum)")
        lines.append("shebao_scheduler_delivery_latency_seconds_count \(state.latencyCount)")
        lines.append("# HELP shebao_scheduler_listening Whether the LISTEN connection is up.")
        lines.append("# TYPE shebao_scheduler_listening gauge")
        lines.append("shebao_scheduler_listening \(state.isListening ? 1 : 0)")
        lines.append("# HELP shebao_scheduler_listener_connects_total Times LISTEN was issued on a new connection.")
        lines.append("# TYPE shebao_scheduler_listener_connects_total counter")
        lines.append("shebao_scheduler_listener_connects_total \(state.listenerConnects)")
        return lines.joined(separator: "\n") + "\n"
    }
}
