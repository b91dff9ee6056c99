import API
import ArgumentParser
import Business
import CSystem
import Demo
import EmbeddedPostgres
import Foundation
import Migrations
import Postgres

/// `shebao dev`: everything for development in one command. Starts (or reuses) the embedded
/// PostgreSQL cluster, migrates, creates the application's login role, prints how to reach it,
/// and waits; Ctrl-C stops what it started.
struct DevCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Start an embedded PostgreSQL, migrate, and serve (development).",
        discussion: "With DATABASE_URL set, uses that server instead of the embedded one."
    )

    @Option(help: "Folder of the embedded cluster.")
    var dataDir: String = ".shebao/postgres"

    @Option(help: "Port of the embedded cluster (default: the previous one, or a free one).")
    var port: Int?

    @Option(help: "Folder of NNNN_name.sql files.")
    var sqlDir: String?

    @Option(help: "Name of the database in the embedded cluster.")
    var database: String = "shebao"

    @Option(help: "HTTP worker processes.")
    var workers: Int = 2

    func run() throws {
        csystem_line_buffer_stdout()
        // Block the signals the supervisor waits for before any thread starts.
        Supervisor.blockSignals()
        var startedCluster: EmbeddedPostgres?
        var appURL: String?
        do {
            let migrations = try Migration.load(directory: try Environment.sqlDirectory(self.sqlDir))
            if let url = Environment.value("DATABASE_URL") {
                let configuration = try Environment.configuration(url: url, variable: "DATABASE_URL")
                let migrationConfiguration = try Environment.value("MIGRATION_DATABASE_URL").map {
                    try Environment.configuration(url: $0, variable: "MIGRATION_DATABASE_URL")
                }
                try self.migrate(migrations, configuration: migrationConfiguration ?? configuration)
                try self.seed(configuration: migrationConfiguration ?? configuration)
                let check = try Environment.connect(configuration)
                check.close()
                print("Using the PostgreSQL server of DATABASE_URL (\(configuration.redactedDescription)).")
                appURL = url
            } else {
                let cluster = try EmbeddedPostgres(directory: self.dataDir)
                let running = try cluster.start(port: self.port)
                if running.didStart {
                    startedCluster = cluster
                }
                let admin = try Environment.connect(running.configuration())
                defer { admin.close() }
                try DatabaseBootstrap.createDatabaseIfMissing(self.database, on: admin)
                try self.migrate(migrations, configuration: running.configuration(database: self.database))
                try self.seed(configuration: running.configuration(database: self.database))
                let appPassword =
                    try cluster.storedValue("appPassword")
                    ?? {
                        let password = try EmbeddedPostgres.randomToken()
                        try cluster.storeValue(password, for: "appPassword")
                        return password
                    }()
                try DatabaseBootstrap.ensureLoginRole(
                    "shebao_api",
                    password: appPassword,
                    memberOf: "shebao_app",
                    on: admin
                )
                let url = "postgresql://shebao_api:\(appPassword)@127.0.0.1:\(running.port)/\(self.database)"
                appURL = url
                print(
                    """

                    Shebao development environment
                      PostgreSQL \(running.didStart ? "started" : "already running") (pid \(running.pid)), cluster in \(cluster.directory)
                      application URL:  \(url)
                      superuser URL:    \(running.url(database: self.database))
                      psql:             psql '\(url)'
                    """
                )
            }
        } catch {
            printError("shebao dev: \(describe(error))")
            try? startedCluster?.stop()  // best effort: we are failing anyway
            throw ExitCode.failure
        }
        setenv("DATABASE_URL", appURL ?? "", 1)
        let port = Environment.value("SHEBAO_HTTP_PORT").flatMap(Int.init) ?? 8080
        if Environment.value("SHEBAO_PUBLIC_URL") == nil {
            setenv("SHEBAO_PUBLIC_URL", "\(ServerSettings.urlScheme)://127.0.0.1:\(port)", 1)
        }
        let folder = URL(fileURLWithPath: self.dataDir).deletingLastPathComponent().path
        let scheduler = DevScheduler.start(folder: folder)
        let schedulerLine =
            scheduler.map {
                "  scheduler:        pid \($0.pid); every SMS (log-in codes too) is a line of \($0.smsLog)"
            }
            ?? "  scheduler:        did not start (SMS and inbox messages wait in the outbox)"
        print(
            """
              API:              \(ServerSettings.urlScheme)://127.0.0.1:\(port)/healthz, /readyz, /metrics
              log in:           POST \(ServerSettings.urlScheme)://127.0.0.1:\(port)/api/v1/auth/login {"username": …, "password": …}
              business API:     \(ServerSettings.urlScheme)://127.0.0.1:\(port)/api/v1/applications (described at /api/v1/openapi.json)
            \(Self.demoLogins(password: DemoData.Options().password))
            \(schedulerLine)
            Press Ctrl-C to stop\(startedCluster != nil ? " (the embedded cluster stops too)" : "").

            """
        )
        var supervisor = Supervisor(options: .init(workers: self.workers, host: "127.0.0.1", port: port))
        do {
            try supervisor.run()
        } catch {
            printError("shebao dev: \(describe(error))")
        }
        scheduler?.stop()
        if let cluster = startedCluster {
            try cluster.stop()
            print("PostgreSQL stopped.")
        }
    }

    /// The demo log-ins as a small table (user name, role, password, TOTP secret), how to get a
    /// code from a secret, and the insured person who logs in with a password.
    static func demoLogins(password: String) -> String {
        let header = ["user name", "role", "password", "TOTP secret"]
        let rows = [header] + DemoData.operators.map { [$0.username, $0.role, password, $0.totpSecret ?? "—"] }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        // Every column padded to its widest cell but the last, so that no line ends in spaces.
        let table = rows.map { row in
            let padded = zip(row.dropLast(), widths).map { cell, width in
                cell + String(repeating: " ", count: width - cell.count)
            }
            return "    " + (padded + [row[row.count - 1]]).joined(separator: "  ")
        }
        return """
              demo log-ins (one per role; send the TOTP code as "code" where there is a secret):
            \(table.joined(separator: "\n"))
              a TOTP code:      oathtool --totp -b SECRET (Debian package oathtool)
              insured person:   citizen ID \(DemoData.Examples.personCitizenID), password \(password) \
            (POST /api/v1/auth/person/login {"citizenId": …, "password": …})
            """
    }

    /// Loads the demo data into a database that has no offices yet.
    private func seed(configuration: PostgresConfiguration) throws {
        let connection = try Environment.connect(configuration)
        defer { connection.close() }
        let summary = try DemoData(options: DemoData.Options()).load(on: connection)
        if summary.seeded {
            // The demo's applications were written as rows: the reviewer sees their checks too.
            _ = try ApplicationChecks.recordMissing(on: connection)
            print(
                "Demo data loaded: \(summary.offices) offices, \(summary.persons) persons, \(summary.operators) operators."
            )
        }
    }

    private func migrate(_ migrations: [Migration], configuration: PostgresConfiguration) throws {
        let connection = try Environment.connect(configuration)
        defer { connection.close() }
        try applyMigrations(migrations, on: connection)
    }
}
