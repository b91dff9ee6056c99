import API
import ArgumentParser
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
        let database = try ServerSettings.databaseClient()
        defer { database?.close() }
        let metrics = ServerMetrics()
        var router = Router()
        let box = ServerBox()
        SystemRoutes.register(on: &router, database: database, metrics: metrics) {
            box.server?.handlerQueueDepth ?? (0, 0)
        }
        var services: [any EventLoopService] = []
        if Environment.value("SHEBAO_BENCHMARK_ROUTES") == "1" {
            let pipeline = try ServerSettings.databasePipeline()
            if let pipeline {
                services.append(DatabasePipelineService(pipeline: pipeline, logger: logger))
            }
            BenchmarkRoutes.register(on: &router, database: database, pipeline: pipeline.map(LoopBound.init))
        }
        let server = HTTPServer(
            configuration: configuration,
            router: router,
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

/// Server settings from the environment.
enum ServerSettings {
    static func fromEnvironment() throws -> ServerConfiguration {
        var configuration = ServerConfiguration()
        if let threads = Environment.value("SHEBAO_HANDLER_THREADS").flatMap(Int.init), threads > 0 {
            configuration.handlerThreads = threads
        }
        if Environment.value("SHEBAO_ACCESS_LOG") == "0" {
            configuration.isAccessLogEnabled = false
        }
        if let certificate = Environment.value("SHEBAO_TLS_CERTIFICATE") {
            guard let key = Environment.value("SHEBAO_TLS_KEY") else {
                throw ValidationError("SHEBAO_TLS_CERTIFICATE is set but SHEBAO_TLS_KEY is not")
            }
            configuration.tls = TLSConfiguration(certificateChainPath: certificate, privateKeyPath: key)
        }
        return configuration
    }

    /// The event loop's pipelined connections, if `DATABASE_URL` is set and
    /// `SHEBAO_DB_PIPELINE_CONNECTIONS` is not 0 (default 2).
    static func databasePipeline() throws -> PostgresPipeline? {
        guard let url = Environment.value("DATABASE_URL") else { return nil }
        var options = PostgresPipeline.Options()
        if let count = Environment.value("SHEBAO_DB_PIPELINE_CONNECTIONS").flatMap(Int.init) {
            guard count > 0 else { return nil }
            options.connections = count
        }
        return PostgresPipeline(
            configuration: try Environment.configuration(url: url, variable: "DATABASE_URL"),
            options: options
        )
    }

    /// The database pool, if `DATABASE_URL` is set.
    static func databaseClient() throws -> PostgresClient? {
        guard let url = Environment.value("DATABASE_URL") else { return nil }
        let size = Environment.value("SHEBAO_DB_POOL_SIZE").flatMap(Int.init) ?? 16
        return PostgresClient(
            configuration: try Environment.configuration(url: url, variable: "DATABASE_URL"),
            pool: .init(maximumConnections: size, acquireTimeout: .seconds(5))
        )
    }
}
