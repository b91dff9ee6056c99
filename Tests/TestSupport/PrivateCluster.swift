public import EmbeddedPostgres
import Foundation
public import Postgres

#if canImport(Glibc)
    import Glibc
#endif

/// A PostgreSQL cluster of a test's own, for tests that restart or crash the server (restarting
/// the shared one would break the tests running beside): started in a temporary folder, a
/// database `shebao` migrated by the `shebao` executable, thrown away by ``destroy()``.
public final class PrivateCluster: Sendable {
    public let cluster: EmbeddedPostgres
    public let running: EmbeddedPostgres.Running
    let folder: String

    public init(_ label: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "shebao-\(label)-\(UUID().uuidString.prefix(8))"
        ).path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        _ = chmod(folder, 0o755)
        self.folder = folder
        self.cluster = try EmbeddedPostgres(
            directory: folder + "/pg",
            binDirectory: TestEnvironment.binDirectory,
            settings: ["fsync": "off", "max_connections": "100"]
        )
        self.running = try self.cluster.start()
        let admin = try PostgresConnection.connect(self.running.configuration())
        defer { admin.close() }
        try DatabaseBootstrap.createDatabaseIfMissing("shebao_template", template: "template0", on: admin)
        guard let executable = TestEnvironment.shebaoExecutable else {
            throw TestSetupError("SHEBAO_BIN is not set")
        }
        let migrate = try Subprocess.run(
            executable,
            ["migrate", "--database-url", self.running.url(database: "shebao_template")]
        )
        guard migrate.status == 0 else {
            throw TestSetupError("migrating the private cluster failed: \(migrate.standardError)")
        }
    }

    /// The superuser's settings for the cluster's `postgres` database.
    public var admin: PostgresConfiguration { self.running.configuration() }

    /// The superuser's URL of `database`.
    public func url(_ database: String) -> String { self.running.url(database: database) }

    /// Restarts the server: fast (a clean shutdown) or immediate (a crash, then recovery).
    public func restart(immediate: Bool) throws {
        try self.cluster.restart(immediate: immediate)
    }

    public func destroy() {
        try? self.cluster.destroy()  // best effort: a temporary folder
        try? FileManager.default.removeItem(atPath: self.folder)
    }
}
