import ArgumentParser
import CSystem
import Foundation

/// `shebao serve`: the supervisor and its worker processes.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve HTTP with a supervisor and N worker processes on one port.",
        discussion: """
            SIGTERM or SIGINT drains the workers and stops; SIGHUP replaces them one by one without \
            refusing a connection. Workers read DATABASE_URL, SHEBAO_TLS_CERTIFICATE/SHEBAO_TLS_KEY, \
            SHEBAO_HANDLER_THREADS, SHEBAO_DB_POOL_SIZE, SHEBAO_ACCESS_LOG and SHEBAO_BENCHMARK_ROUTES.
            """
    )

    @Option(help: "Worker processes (default: the number of cores).")
    var workers: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Address to listen on (default: SHEBAO_HTTP_HOST or 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (default: SHEBAO_HTTP_PORT or 8080).")
    var port: Int?

    @Flag(
        help:
            "Each worker binds the port with SO_REUSEPORT instead of inheriting one socket (reloads may reset queued connections)."
    )
    var reusePort = false

    func run() throws {
        guard self.workers >= 1 else { throw ValidationError("--workers must be at least 1") }
        csystem_line_buffer_stdout()
        Supervisor.blockSignals()
        var supervisor = Supervisor(
            options: .init(
                workers: self.workers,
                host: self.host ?? Environment.value("SHEBAO_HTTP_HOST") ?? "127.0.0.1",
                port: self.port ?? Environment.value("SHEBAO_HTTP_PORT").flatMap(Int.init) ?? 8080,
                reusePort: self.reusePort
            )
        )
        do {
            try supervisor.run()
        } catch {
            printError("shebao serve: \(describe(error))")
            throw ExitCode.failure
        }
    }
}
