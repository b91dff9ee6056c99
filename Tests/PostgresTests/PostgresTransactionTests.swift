import ConnectionPool
import Postgres
import Synchronization
import TestSupport
import Testing

private struct Abort: Error {}

@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the throwaway cluster of make test"))
struct PostgresTransactionTests {
    private func count(_ connection: PostgresConnection, _ table: String) throws -> Int64 {
        try connection.query("SELECT count(*) FROM \(table)").single().decode(0)
    }

    @Test func commitsWhenTheBodyReturnsAndRollsBackWhenItThrows() throws {
        try TestDatabase.shared().withConnection { connection in
            try connection.execute("CREATE TEMP TABLE ledger (id int8 PRIMARY KEY)")
            try connection.withTransaction { tx in
                try tx.execute("INSERT INTO ledger VALUES ($1)", [1])
            }
            #expect(throws: Abort.self) {
                try connection.withTransaction { tx in
                    try tx.execute("INSERT INTO ledger VALUES ($1)", [2])
                    throw Abort()
                }
            }
            #expect(try self.count(connection, "ledger") == 1)
            #expect(!connection.isInTransaction)
        }
    }

    @Test func aSwallowedStatementErrorStillRollsTheTransactionBack() throws {
        try TestDatabase.shared().withConnection { connection in
            try connection.execute("CREATE TEMP TABLE ledger (id int8 PRIMARY KEY)")
            do {
                try connection.withTransaction { tx in
                    try tx.execute("INSERT INTO ledger VALUES ($1)", [1])
                    _ = try? tx.execute("INSERT INTO ledger VALUES ($1)", [1])
                }
                Issue.record("expected the commit to fail")
            } catch let error as PostgresError {
                #expect(error.sqlState == .inFailedSQLTransaction)
            }
            #expect(try self.count(connection, "ledger") == 0)
            #expect(!connection.isInTransaction)
        }
    }

    @Test func isolationLevelAndReadOnlyAreApplied() throws {
        try TestDatabase.shared().withConnection { connection in
            let level = try connection.withTransaction(isolation: .serializable, readOnly: true) { tx in
                try tx.query(
                    "SELECT current_setting('transaction_isolation'), current_setting('transaction_read_only')"
                )
                .single()
            }
            #expect(try level.decode(0, as: String.self) == "serializable")
            #expect(try level.decode(1, as: String.self) == "on")
            do {
                try connection.withTransaction(readOnly: true) { tx in
                    try tx.execute("CREATE TEMP TABLE nope (id int)")
                }
                Issue.record("expected a read-only error")
            } catch let error as PostgresError {
                #expect(error.sqlState == .readOnlySQLTransaction)
            }
        }
    }

    @Test func serializationFailuresAreRetriedAndOneWriterWinsAtATime() async throws {
        let database = try TestDatabase.create("serializable", migrated: false)
        defer { database.drop() }
        try database.withConnection { connection in
            try connection.execute(
                unsafeScript:
                    "CREATE TABLE counter (id int PRIMARY KEY, value int8 NOT NULL); INSERT INTO counter VALUES (1, 0)"
            )
        }
        let client = PostgresClient(configuration: database.configuration, pool: .init(maximumConnections: 4))
        defer { client.close() }
        final class Attempts: Sendable {
            let count = Atomic<Int>(0)
        }
        let attempts = Attempts()
        let workers = 4
        let increments = 10
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<workers {
                group.addTask {
                    try await onThread {
                        for _ in 0..<increments {
                            try client.withTransaction(isolation: .serializable, maxAttempts: 50) { tx in
                                attempts.count.add(1, ordering: .relaxed)
                                let value: Int64 = try tx.query("SELECT value FROM counter WHERE id = 1").single()
                                    .decode(0)
                                try tx.execute("UPDATE counter SET value = $1 WHERE id = 1", [value + 1])
                            }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let final: Int64 = try client.query("SELECT value FROM counter WHERE id = 1").single().decode(0)
        // Lost updates would leave the counter short; retries make every increment count.
        #expect(final == Int64(workers * increments))
        #expect(attempts.count.load(ordering: .relaxed) >= workers * increments)
    }

    @Test func withoutRetriesASerializationFailureSurfacesWithItsSQLState() throws {
        let database = try TestDatabase.create("conflict", migrated: false)
        defer { database.drop() }
        let first = try database.connect()
        let second = try database.connect()
        defer {
            first.close()
            second.close()
        }
        try first.execute(
            unsafeScript: "CREATE TABLE item (id int PRIMARY KEY, value int NOT NULL); INSERT INTO item VALUES (1, 0)"
        )
        try first.execute(unsafeScript: "BEGIN ISOLATION LEVEL SERIALIZABLE")
        try second.execute(unsafeScript: "BEGIN ISOLATION LEVEL SERIALIZABLE")
        _ = try first.query("SELECT value FROM item WHERE id = 1")
        _ = try second.query("SELECT value FROM item WHERE id = 1")
        try first.execute("UPDATE item SET value = 1 WHERE id = 1")
        try first.execute(unsafeScript: "COMMIT")
        do {
            try second.execute("UPDATE item SET value = 2 WHERE id = 1")
            Issue.record("expected a serialization failure")
        } catch let error as PostgresError {
            #expect(error.sqlState == .serializationFailure)
            #expect(error.isTransient)
        }
        try second.execute(unsafeScript: "ROLLBACK")
    }
}
