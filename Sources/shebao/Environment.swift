import ArgumentParser
import Foundation
import Migrations
import Postgres

/// Reading configuration from the environment and reporting failures the same way everywhere.
enum Environment {
    static func value(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }

    /// The folder of migration files: `--sql-dir`, `SHEBAO_SQL_DIR`, `./sql`, or the `sql/` of
    /// the checkout this executable was built in.
    static func sqlDirectory(_ option: String?) throws -> String {
        if let option { return option }
        if let value = Self.value("SHEBAO_SQL_DIR") { return value }
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: "sql/0001_roles.sql") { return "sql" }
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = folder.appendingPathComponent("sql")
            if fileManager.fileExists(atPath: candidate.appendingPathComponent("0001_roles.sql").path) {
                return candidate.path
            }
            folder.deleteLastPathComponent()
        }
        throw ValidationError("cannot find the migrations folder: pass --sql-dir or set SHEBAO_SQL_DIR")
    }

    /// Parses a database URL, turning a parse failure into a message without the password.
    static func configuration(url: String, variable: String) throws -> PostgresConfiguration {
        do {
            return try PostgresConfiguration(url: url)
        } catch let error as PostgresError {
            throw Failure("\(variable) is not a valid PostgreSQL URL: \(error.message ?? "\(error)")")
        }
    }

    /// Connects, turning a failure into a message that names the server but not the password.
    static func connect(_ configuration: PostgresConfiguration) throws -> PostgresConnection {
        do {
            return try PostgresConnection.connect(configuration)
        } catch let error as PostgresError {
            throw Failure(
                "cannot connect to PostgreSQL (\(configuration.redactedDescription)): \(error.message ?? "\(error)")"
            )
        }
    }
}

/// Applies `migrations` on `connection`, printing each file as it is applied and a summary.
func applyMigrations(_ migrations: [Migration], on connection: PostgresConnection) throws {
    let report = try Migrator().migrate(migrations, on: connection) { print("applying \($0.fileName)") }
    print("migrations: \(report.applied.count) applied, \(report.alreadyApplied) already applied")
}

/// A failure to report as one line on standard error, exiting with status 1.
struct Failure: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// The text for a failure on the command line. Database errors include the server's message,
/// which the operator running the command needs (it never carries a connection password).
func describe(_ error: any Error) -> String {
    if let error = error as? PostgresError {
        return error.debugDescription
    }
    return String(describing: error)
}

/// The operator roles the data model knows (`shebao.role_assignment.role`).
let operatorRoles: Set<String> = [
    "administrator", "auditor", "clerk", "reviewer", "disbursement_officer", "disbursement_approver", "office_manager",
]

/// A connection as the schema owner or a superuser, for the commands that work across offices:
/// `url`, else MIGRATION_DATABASE_URL, else DATABASE_URL.
func ownerConnection(_ url: String?) throws -> PostgresConnection {
    guard let url = url ?? Environment.value("MIGRATION_DATABASE_URL") ?? Environment.value("DATABASE_URL") else {
        throw Failure("set MIGRATION_DATABASE_URL (or DATABASE_URL, or pass --database-url)")
    }
    return try Environment.connect(try Environment.configuration(url: url, variable: "the database URL"))
}
