import ConnectionPool
import HTTP1
public import HTTPServer
public import Postgres

/// Routes every deployment has: liveness, readiness and metrics.
public enum SystemRoutes {
    /// Adds `GET /healthz`, `GET /readyz` and `GET /metrics`.
    ///
    /// - Parameters:
    ///   - router: the router to add them to.
    ///   - database: the pool `/readyz` checks and `/metrics` reports on.
    ///   - metrics: the server's counters, rendered by `/metrics`.
    ///   - pipeline: the event loop's pipelined connections, if any, for `/metrics`.
    ///   - handlerQueueDepth: the handler pool's depth, read at each scrape.
    public static func register(
        on api: inout APIRouter,
        database: PostgresClient?,
        metrics: ServerMetrics,
        pipeline: PipelineGauges? = nil,
        handlerQueueDepth: @escaping @Sendable () -> (queued: Int, running: Int)
    ) {
        api.add(
            OpenAPI.Operation(
                method: .get,
                path: "/healthz",
                id: "getHealth",
                tag: "system",
                summary: "存活检查 / Liveness",
                description: "Answers while the worker runs; touches nothing else.",
                access: .open,
                responses: [200: OpenAPI.Reply.json("Health", "The worker runs.")]
            ),
            execution: .inline
        ) { _, _ in
            .json(Array("{\"status\":\"ok\"}".utf8))
        }
        api.add(
            OpenAPI.Operation(
                method: .get,
                path: "/readyz",
                id: "getReadiness",
                tag: "system",
                summary: "就绪检查 / Readiness",
                description:
                    "Whether the database answers (`database: \"not configured\"` when the worker has none).",
                access: .open,
                responses: [200: OpenAPI.Reply.json("Health", "Ready.")]
            )
        ) { request, _ in
            guard let database else {
                return .json(Array("{\"status\":\"ok\",\"database\":\"not configured\"}".utf8))
            }
            do {
                _ = try database.query(Self.ping)
                return .json(Array("{\"status\":\"ok\",\"database\":\"ok\"}".utf8))
            } catch {
                throw BusinessError(
                    503,
                    zh: "数据库暂不可达",
                    en: "the database is not reachable",
                    headers: [("Retry-After", "1")]
                )
            }
        }
        api.add(
            OpenAPI.Operation(
                method: .get,
                path: "/metrics",
                id: "getMetrics",
                tag: "system",
                summary: "运行指标 / Metrics",
                description: "Counters and gauges of the worker in the Prometheus text format 0.0.4.",
                access: .open,
                responses: [
                    200: OpenAPI.Reply.media(["text/plain"], ["type": "string"], "Prometheus text format.")
                ]
            )
        ) { _, _ in
            var extra: [String] = []
            if let database {
                let pool = database.pool.statistics
                extra += [
                    "# HELP shebao_db_pool_connections Database connections by state.",
                    "# TYPE shebao_db_pool_connections gauge",
                    "shebao_db_pool_connections{state=\"open\"} \(pool.open)",
                    "shebao_db_pool_connections{state=\"idle\"} \(pool.idle)",
                    "# HELP shebao_db_pool_waiting Threads waiting for a database connection.",
                    "# TYPE shebao_db_pool_waiting gauge",
                    "shebao_db_pool_waiting \(pool.waiting)",
                    "# HELP shebao_db_pool_max Most database connections this worker opens.",
                    "# TYPE shebao_db_pool_max gauge",
                    "shebao_db_pool_max \(database.pool.configuration.maximumConnections)",
                ]
            }
            extra += pipeline?.lines ?? []
            let text = metrics.render(handlerQueue: handlerQueueDepth(), extra: extra)
            return HTTPResponse(
                status: 200,
                headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")],
                body: Array(text.utf8)
            )
        }
    }

    static let ping = PreparedStatement("SELECT 1")
}
