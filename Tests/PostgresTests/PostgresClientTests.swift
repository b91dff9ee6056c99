import ConnectionPool
import EmbeddedPostgres
import Foundation
import Postgres
import TestSupport
import Testing

@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the throwaway cluster of make test"))
struct PostgresClientTests {
    @Test func poolExhaustionTimesOutWithAnError() throws {
        let client = PostgresClient(
            configuration: try TestDatabase.shared().configuration,
            pool: .init(maximumConnections: 2, acquireTimeout: .milliseconds(300))
        )
        defer { client.close() }
        let first = try client.pool.acquire()
        let second = try client.pool.acquire()
        let started = ContinuousClock.now
        do {
            _ = try client.query("SELECT 1")
            Issue.record("expected the pool to be exhausted")
        } catch let error as ConnectionPoolError {
            #expect(error.code == .acquireTimeout)
            #expect(ContinuousClock.now - started >= .milliseconds(290))
        }
        client.pool.release(first)
        client.pool.release(second)
        #expect(try client.query("SELECT 1::int4").single().decode(0, as: Int32.self) == 1)
    }

    @Test func aConnectionWhoseBackendWasTerminatedIsReplaced() throws {
        let database = try TestDatabase.shared()
        let client = PostgresClient(configuration: database.configuration, pool: .init(maximumConnections: 1))
        defer { client.close() }
        let firstPID = try client.withConnection { $0.backendPID }
        // With a timeout, pg_terminate_backend returns once the backend has exited, so its
        // goodbye is on the idle socket before the pool looks at it.
        let exited = try database.withConnection { admin in
            try admin.query("SELECT pg_terminate_backend($1, 10000)", [firstPID]).single().decode(0, as: Bool.self)
        }
        try #require(exited)
        let secondPID = try client.withConnection { connection in
            try connection.query("SELECT pg_backend_pid()").single().decode(0, as: Int32.self)
        }
        #expect(secondPID != firstPID)
        #expect(client.pool.statistics.open == 1)
    }

    @Test func aConnectionLeftInATransactionIsRolledBackBeforeReuse() throws {
        let client = PostgresClient(
            configuration: try TestDatabase.shared().configuration,
            pool: .init(maximumConnections: 1)
        )
        defer { client.close() }
        try client.withConnection { connection in
            try connection.execute(unsafeScript: "BEGIN")
        }
        let inTransaction = try client.withConnection { $0.isInTransaction }
        #expect(!inTransaction)
    }

    @Test func thePoolRecoversAfterPostgreSQLRestarts() throws {
        // A cluster of its own: restarting the shared one would break the tests running beside.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "shebao-restart-\(UUID().uuidString.prefix(8))"
        ).path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        _ = chmod(folder, 0o755)
        let cluster = try EmbeddedPostgres(
            directory: folder + "/pg",
            binDirectory: TestEnvironment.binDirectory,
            settings: ["fsync": "off"]
        )
        defer {
            try? cluster.destroy()
            try? FileManager.default.removeItem(atPath: folder)
        }
        let running = try cluster.start()
        let client = PostgresClient(configuration: running.configuration(), pool: .init(maximumConnections: 3))
        defer { client.close() }
        let before = try client.query("SELECT pg_postmaster_start_time()").single().decode(0, as: Date.self)
        // Fill the pool with idle connections that the restart will break.
        let leases = try (0..<3).map { _ in try client.pool.acquire() }
        leases.forEach(client.pool.release)
        #expect(client.pool.statistics.idle == 3)

        try cluster.restart()

        let after = try client.query("SELECT pg_postmaster_start_time()").single().decode(0, as: Date.self)
        #expect(after > before)
        for _ in 0..<5 {
            #expect(try client.query("SELECT 1::int4").single().decode(0, as: Int32.self) == 1)
        }
        // A second start reuses the running cluster rather than making a new one.
        let again = try cluster.start()
        #expect(!again.didStart)
        #expect(again.port == running.port)
        #expect(again.superuserPassword == running.superuserPassword)
    }
}
