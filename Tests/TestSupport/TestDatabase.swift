import EmbeddedPostgres
import Foundation
public import Postgres
import Synchronization

/// What `make test` (scripts/test.sh) passes to the tests through the environment.
public enum TestEnvironment {
    /// Superuser URL of the throwaway cluster's `postgres` database.
    public static var adminURL: String? { Self.value("SHEBAO_TEST_DATABASE_URL") }
    /// The migrated template database that ``TestDatabase`` copies.
    public static var template: String? { Self.value("SHEBAO_TEST_TEMPLATE") }
    /// The built `shebao` executable, for end-to-end tests.
    public static var shebaoExecutable: String? { Self.value("SHEBAO_BIN") }
    /// The project's `sql/` folder.
    public static var sqlDirectory: String? { Self.value("SHEBAO_SQL_DIR") }
    /// The folder with the PostgreSQL server programs.
    public static var binDirectory: String? { Self.value("SHEBAO_TEST_PG_BIN") }

    /// Whether a database is there to test against (`make test` always provides one).
    public static var hasDatabase: Bool { Self.adminURL != nil }

    /// Connection settings for the admin URL.
    public static func adminConfiguration() throws -> PostgresConfiguration {
        guard let url = Self.adminURL else {
            throw TestSetupError("SHEBAO_TEST_DATABASE_URL is not set: run the tests with `make test`")
        }
        return try PostgresConfiguration(url: url)
    }

    private static func value(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }
}

/// A database of its own for one test or suite, on the throwaway cluster: created empty or as a
/// copy of the migrated template, and dropped by ``drop()``.
public final class TestDatabase: Sendable {
    /// The database's name.
    public let name: String
    /// Superuser settings for it.
    public let configuration: PostgresConfiguration

    /// The cluster's superuser settings and URL (of its `postgres` database).
    private let admin: PostgresConfiguration
    private let adminURL: String?

    private init(name: String, configuration: PostgresConfiguration, admin: PostgresConfiguration, adminURL: String?) {
        self.name = name
        self.configuration = configuration
        self.admin = admin
        self.adminURL = adminURL
    }

    /// Creates a migrated database named after `label` in a cluster of the test's own.
    public static func create(_ label: String, on cluster: PrivateCluster) throws -> TestDatabase {
        try Self.create(label, admin: cluster.admin, adminURL: cluster.url("postgres"), template: "shebao_template")
    }

    private static func create(
        _ label: String,
        admin: PostgresConfiguration,
        adminURL: String?,
        template: String
    ) throws -> TestDatabase {
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let name = "t_\(label.lowercased().filter { $0.isLetter || $0.isNumber })_\(suffix)"
        let connection = try PostgresConnection.connect(admin)
        defer { connection.close() }
        try DatabaseBootstrap.createDatabaseIfMissing(name, template: template, on: connection)
        return TestDatabase(name: name, configuration: admin.withDatabase(name), admin: admin, adminURL: adminURL)
    }

    /// Creates a database named after `label` plus a random suffix.
    ///
    /// - Parameter migrated: copy the migrated template (default) or start empty.
    public static func create(_ label: String = "test", migrated: Bool = true) throws -> TestDatabase {
        try Self.create(
            label,
            admin: try TestEnvironment.adminConfiguration(),
            adminURL: TestEnvironment.adminURL,
            template: migrated ? (TestEnvironment.template ?? "template0") : "template0"
        )
    }

    /// One database shared by the tests of this process that need no isolation of their own
    /// (they use temporary tables or none). Created at first use; the cluster is thrown away.
    public static func shared() throws -> TestDatabase {
        try Self.sharedDatabase.withLock { database in
            if let database {
                return database
            }
            let created = try TestDatabase.create("shared")
            database = created
            return created
        }
    }

    private static let sharedDatabase = Mutex<TestDatabase?>(nil)

    /// A superuser URL for this database, for processes started by a test.
    public func url() throws -> String {
        guard let admin = self.adminURL, admin.hasSuffix("/postgres") else {
            throw TestSetupError("SHEBAO_TEST_DATABASE_URL does not end in /postgres")
        }
        return String(admin.dropLast("postgres".count)) + self.name
    }

    /// Opens a superuser connection to this database.
    public func connect() throws -> PostgresConnection {
        try PostgresConnection.connect(self.configuration)
    }

    /// Runs `body` with a fresh connection that is closed afterwards.
    public func withConnection<R>(_ body: (PostgresConnection) throws -> R) throws -> R {
        let connection = try self.connect()
        defer { connection.close() }
        return try body(connection)
    }

    /// Drops the database (ending its sessions).
    public func drop() {
        guard let connection = try? PostgresConnection.connect(self.admin) else {
            return
        }
        defer { connection.close() }
        // best effort: the cluster is thrown away anyway
        try? DatabaseBootstrap.dropDatabaseIfExists(self.name, on: connection)
    }
}

/// The test environment is not set up.
public struct TestSetupError: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
