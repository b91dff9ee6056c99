import ArgumentParser
import EmbeddedPostgres
import Migrations
import Postgres

/// `shebao migrate`: applies the SQL migrations in order, each once.
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply the migrations in sql/ that the database has not seen yet.",
        discussion: """
            Connects with MIGRATION_DATABASE_URL (or DATABASE_URL). The user needs to be a superuser, or \
            the database's owner with CREATEROLE: the first migrations create the owner and application roles.
            """
    )

    @Option(help: "Database URL (default: MIGRATION_DATABASE_URL, then DATABASE_URL).")
    var databaseURL: String?

    @Option(help: "Folder of NNNN_name.sql files.")
    var sqlDir: String?

    @Flag(help: "Only list applied and pending migrations.")
    var status = false

    @Option(help: "After migrating, make this login user a member of shebao_app (created or updated).")
    var appUser: String?

    @Option(help: "Environment variable holding --app-user's password.")
    var appPasswordEnv: String = "SHEBAO_APP_PASSWORD"

    func run() throws {
        do {
            try self.migrate()
        } catch let error as ValidationError {
            throw error
        } catch {
            printError("shebao migrate: \(describe(error))")
            throw ExitCode.failure
        }
    }

    private func migrate() throws {
        let (url, variable): (String, String)
        if let databaseURL {
            (url, variable) = (databaseURL, "--database-url")
        } else if let value = Environment.value("MIGRATION_DATABASE_URL") {
            (url, variable) = (value, "MIGRATION_DATABASE_URL")
        } else if let value = Environment.value("DATABASE_URL") {
            (url, variable) = (value, "DATABASE_URL")
        } else {
            throw Failure("set DATABASE_URL (or MIGRATION_DATABASE_URL, or pass --database-url)")
        }
        let configuration = try Environment.configuration(url: url, variable: variable)
        let migrations = try Migration.load(directory: try Environment.sqlDirectory(self.sqlDir))
        let connection = try Environment.connect(configuration)
        defer { connection.close() }
        if self.status {
            let applied = try Migrator().appliedMigrations(on: connection)
            for migration in migrations {
                print("\(applied[migration.version] == nil ? "pending" : "applied") \(migration.fileName)")
            }
            return
        }
        try applyMigrations(migrations, on: connection)
        if let appUser {
            guard let password = Environment.value(self.appPasswordEnv) else {
                throw Failure("--app-user needs a password in \(self.appPasswordEnv)")
            }
            try DatabaseBootstrap.ensureLoginRole(appUser, password: password, memberOf: "shebao_app", on: connection)
            print("login user \(appUser) is a member of shebao_app")
        }
    }
}
