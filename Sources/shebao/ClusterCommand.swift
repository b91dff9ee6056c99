import ArgumentParser
import EmbeddedPostgres
import Foundation

/// `shebao cluster start|stop|status|restart`: the embedded PostgreSQL cluster on its own, for
/// scripts (the test runner starts a throwaway one with it).
struct ClusterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Manage an embedded PostgreSQL cluster in a folder.",
        subcommands: [Start.self, Stop.self, Status.self, Restart.self]
    )

    struct Options: ParsableArguments {
        @Option(help: "The cluster's folder.")
        var dir: String = ".shebao/postgres"
    }

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the cluster if needed and start it; print shell variables to reach it."
        )

        @OptionGroup var options: Options

        @Option(help: "TCP port on 127.0.0.1 (default: the previous one, or a free one).")
        var port: Int?

        @Option(name: .customLong("set"), help: "A server setting name=value; repeatable.")
        var settings: [String] = []

        func run() throws {
            var values: [String: String] = [:]
            for setting in self.settings {
                let parts = setting.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, parts[0].allSatisfy({ $0.isLetter || $0 == "_" || $0 == "." }),
                    parts[1].allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) })
                else {
                    throw ValidationError("--set takes name=value with a plain value: \(setting)")
                }
                values[parts[0]] = parts[1]
            }
            do {
                let cluster = try EmbeddedPostgres(directory: self.options.dir, settings: values)
                let running = try cluster.start(port: self.port)
                print("SHEBAO_PG_URL='\(running.url())'")
                print("SHEBAO_PG_PORT=\(running.port)")
                print("SHEBAO_PG_PID=\(running.pid)")
                print("SHEBAO_PG_BIN='\(cluster.binDirectory)'")
            } catch let error as EmbeddedPostgresError {
                printError("shebao cluster start: \(error)")
                throw ExitCode.failure
            }
        }
    }

    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the cluster (fast shutdown, by its PID).")

        @OptionGroup var options: Options

        @Flag(help: "Delete the folder afterwards.")
        var remove = false

        func run() throws {
            do {
                let cluster = try EmbeddedPostgres(directory: self.options.dir)
                if self.remove {
                    try cluster.destroy()
                } else {
                    try cluster.stop()
                }
            } catch let error as EmbeddedPostgresError {
                printError("shebao cluster stop: \(error)")
                throw ExitCode.failure
            }
        }
    }

    struct Restart: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Restart the cluster (pg_ctl restart -m fast).")

        @OptionGroup var options: Options

        func run() throws {
            do {
                try EmbeddedPostgres(directory: self.options.dir).restart()
            } catch let error as EmbeddedPostgresError {
                printError("shebao cluster restart: \(error)")
                throw ExitCode.failure
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Say whether the cluster runs.")

        @OptionGroup var options: Options

        func run() throws {
            let cluster = try EmbeddedPostgres(directory: self.options.dir)
            if let pid = cluster.runningPID {
                print("running: pid \(pid)")
            } else {
                print("not running")
                throw ExitCode(3)
            }
        }
    }
}
