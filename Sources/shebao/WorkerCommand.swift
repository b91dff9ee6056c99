import API
import ArgumentParser
import Business
import CSystem
import ConnectionPool
import Foundation
import HTTPServer
import Logging
import Postgres
import TLS

/// `shebao worker`: one worker process serving HTTP. Normally started by `shebao serve`, which
/// passes the listening socket (`--listen-fd`) and a readiness pipe (`--ready-fd`); on its own it
/// binds `SHEBAO_HTTP_HOST:SHEBAO_HTTP_PORT` with `SO_REUSEPORT`.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Serve HTTP in this process (started by `shebao serve`)."
    )

    @Option(help: "Inherited listening socket descriptor.")
    var listenFD: Int32?

    @Option(help: "Descriptor to write one byte to once serving.")
    var readyFD: Int32?

    @Option(help: "Address to bind when no socket is inherited (default: SHEBAO_HTTP_HOST or 127.0.0.1).")
    var host: String?

    @Option(help: "Port to bind when no socket is inherited (default: SHEBAO_HTTP_PORT or 8080).")
    var port: Int?

    @Flag(help: "Started by a supervisor: exit when it dies.")
    var supervised = false

    func run() throws {
        // Block the stop signals before any thread starts, so that sigwait below receives them.
        let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]
        _ = signals.withUnsafeBufferPointer { csystem_block_signals($0.baseAddress, Int32($0.count)) }
        if (self.listenFD != nil || self.supervised) && csystem_die_with_parent(SIGTERM) != 0 {
            // Started by a supervisor that is already gone.
            throw ExitCode.failure
        }
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        var logger = Logger(label: "shebao.worker")
        logger[metadataKey: "pid"] = "\(getpid())"

        var configuration = try ServerSettings.fromEnvironment()
        if let listenFD {
            configuration.listen = .inherited(descriptor: listenFD)
        } else {
            configuration.listen = .bind(
                host: self.host ?? Environment.value("SHEBAO_HTTP_HOST") ?? "127.0.0.1",
                port: self.port ?? Environment.value("SHEBAO_HTTP_PORT").flatMap(Int.init) ?? 8080
            )
        }
        let databaseConfiguration = try ServerSettings.databaseConfiguration()
        let database = databaseConfiguration.map(ServerSettings.databaseClient)
        defer { database?.close() }
        let metrics = ServerMetrics()
        var api = APIRouter()
        let box = ServerBox()
        var services: [any EventLoopService] = []
        var pipeline: DatabasePipelineService?
        if Environment.value("SHEBAO_BENCHMARK_ROUTES") == "1" {
            pipeline = databaseConfiguration.flatMap(ServerSettings.databasePipeline).map {
                DatabasePipelineService(pipeline: $0, logger: logger)
            }
            services += pipeline.map { [$0] } ?? []
            BenchmarkRoutes.register(
                on: &api.router,
                database: database,
                pipeline: pipeline.map { LoopBound($0.pipeline) }
            )
        }
        if let database {
            let authenticator = try Authenticator(database: database, settings: try ServerSettings.authentication())
            APIRoutes.register(
                on: &api,
                authenticator: authenticator,
                publicURL: Environment.value("SHEBAO_PUBLIC_URL") ?? ""
            )
        }
        SystemRoutes.register(on: &api, database: database, metrics: metrics, pipeline: pipeline?.gauges) {
            box.server?.handlerQueueDepth ?? (0, 0)
        }
        let server = HTTPServer(
            configuration: configuration,
            router: api.finish(),
            logger: logger,
            metrics: metrics,
            services: services
        )
        box.server = server
        let port: Int
        do {
            port = try server.start()
        } catch {
            printError("shebao worker: cannot start: \(error)")
            throw ExitCode.failure
        }
        logger.info("serving", metadata: ["port": "\(port)", "tls": "\(configuration.tls != nil)"])
        if let readyFD {
            var byte: UInt8 = 1
            _ = write(readyFD, &byte, 1)
            close(readyFD)
        }
        let received = signals.withUnsafeBufferPointer { csystem_wait_for_signal($0.baseAddress, Int32($0.count)) }
        logger.info("draining", metadata: ["signal": "\(received)"])
        server.stop(graceful: true)
        server.waitUntilStopped()
        logger.info("stopped")
    }
}

/// Lets a route read the server it is served by, once the server exists.
final class ServerBox: @unchecked Sendable {
    // @unchecked: written once, before the server starts (and so before any request can read
    // it); the thread start that follows orders the write before every read.
    var server: HTTPServer?
}
