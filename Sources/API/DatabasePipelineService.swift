public import HTTPServer
public import Logging
public import Postgres
import Synchronization

/// Runs a ``PostgresPipeline`` on an event loop: its connections' sockets sit in the loop's
/// epoll set, statements queued during a round go out together at its end, and results answer
/// their requests on the loop thread with no thread hop. For read-only single statements of
/// deferred routes; everything else uses the blocking pool on handler threads.
public final class DatabasePipelineService: EventLoopService {
    public let pipeline: PostgresPipeline
    /// The pipeline's state as of the last tick, readable from any thread (for `/metrics`).
    public let gauges = PipelineGauges()
    private let logger: Logger

    public init(pipeline: PostgresPipeline, logger: Logger) {
        self.pipeline = pipeline
        self.logger = logger
    }

    public func start(_ loop: EventLoopHandle) {
        let logger = self.logger
        self.pipeline.watcher = { old, new in
            if let old, old.descriptor != new?.descriptor {
                loop.unwatch(old.descriptor)
            }
            guard let new else { return }
            do {
                try loop.watch(new.descriptor, read: new.read, write: new.write)
            } catch {
                // The connection then times out or fails its statements; the pipeline replaces it.
                logger.error("cannot watch a database connection", metadata: ["error": "\(error)"])
            }
        }
        self.pipeline.start()
    }

    public func ready(descriptor: Int32, readable: Bool, writable: Bool) {
        self.pipeline.process(descriptor: descriptor, readable: readable, writable: writable)
    }

    public func endOfRound() {
        self.pipeline.flush()
    }

    public func tick(now: ContinuousClock.Instant) {
        self.pipeline.tick(now: now)
        self.gauges.ready.store(self.pipeline.readyConnections, ordering: .relaxed)
        self.gauges.outstanding.store(self.pipeline.outstanding, ordering: .relaxed)
    }

    public func stop() {
        self.pipeline.close()
    }
}

/// A pipeline's state, published by its event loop every tick.
public final class PipelineGauges: Sendable {
    /// Connections ready to take statements.
    let ready = Atomic<Int>(0)
    /// Statements submitted and not yet answered.
    let outstanding = Atomic<Int>(0)

    public init() {}

    /// Prometheus lines.
    public var lines: [String] {
        [
            "# HELP shebao_db_pipeline_ready Pipelined database connections of the event loop ready for statements.",
            "# TYPE shebao_db_pipeline_ready gauge",
            "shebao_db_pipeline_ready \(self.ready.load(ordering: .relaxed))",
            "# HELP shebao_db_pipeline_outstanding Statements sent on the pipelined connections and not yet answered.",
            "# TYPE shebao_db_pipeline_outstanding gauge",
            "shebao_db_pipeline_outstanding \(self.outstanding.load(ordering: .relaxed))",
        ]
    }
}

/// How database failures answer HTTP requests.
public enum DatabaseFailure {
    /// 503 with `Retry-After` when the database is unreachable or overloaded (the client may try
    /// again); `nil` for other errors, which are the handler's to report (a 500, logged).
    public static func unavailableResponse(_ error: any Error, requestID: String) -> HTTPResponse? {
        guard let error = error as? PostgresError, error.isConnectionLevel || error.code == .overloaded else {
            return nil
        }
        return .problem(
            status: 503,
            title: "Service Unavailable",
            detail: "the database is not reachable",
            requestID: requestID,
            headers: [("Retry-After", "1")]
        )
    }
}
