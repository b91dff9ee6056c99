import Postgres
import TestSupport
import Testing

@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the throwaway cluster of make test"))
struct PostgresListenerTests {
    @Test func aNotifyReachesTheListenerWithItsPayload() throws {
        let database = try TestDatabase.shared()
        let listener = try PostgresListener(configuration: database.configuration)
        defer { listener.close() }
        try listener.listen("disbursement_run")
        try listener.listen("outbox")
        try database.withConnection { connection in
            try connection.notify(channel: "outbox", payload: "{\"id\": 42, \"text\": \"通知\"}")
            try connection.notify(channel: "disbursement_run", payload: "")
        }
        var received: [PostgresNotification] = []
        while received.count < 2 {
            let batch = try listener.wait(timeout: .seconds(10))
            #expect(!batch.isEmpty, "no notification within 10 s")
            if batch.isEmpty { break }
            received += batch
        }
        #expect(received.map(\.channel) == ["outbox", "disbursement_run"])
        #expect(received.first?.payload == "{\"id\": 42, \"text\": \"通知\"}")
    }

    @Test func aNotifyInsideATransactionArrivesOnlyAfterCommit() throws {
        let database = try TestDatabase.shared()
        let listener = try PostgresListener(configuration: database.configuration)
        defer { listener.close() }
        try listener.listen("queued")
        try database.withConnection { connection in
            try connection.withTransaction { tx in
                try tx.notify(channel: "queued", payload: "one")
                #expect(try listener.wait(timeout: .milliseconds(200)).isEmpty)
            }
            #expect(try listener.wait(timeout: .seconds(10)).map(\.payload) == ["one"])
            #expect(throws: PostgresError.self) {
                try connection.withTransaction { tx in
                    try tx.notify(channel: "queued", payload: "rolled back")
                    try tx.execute(unsafeScript: "SELECT 1/0")
                }
            }
        }
        #expect(try listener.wait(timeout: .milliseconds(300)).isEmpty)
    }

    @Test func waitReturnsEmptyAfterTheTimeout() throws {
        let listener = try PostgresListener(configuration: try TestDatabase.shared().configuration)
        defer { listener.close() }
        try listener.listen("silence")
        let started = ContinuousClock.now
        #expect(try listener.wait(timeout: .milliseconds(150)).isEmpty)
        #expect(ContinuousClock.now - started >= .milliseconds(140))
    }

    @Test func aBrokenListenerConnectionThrows() throws {
        let database = try TestDatabase.shared()
        let listener = try PostgresListener(configuration: database.configuration)
        defer { listener.close() }
        try listener.listen("doomed")
        let pid = try database.withConnection { connection in
            try connection.query(
                "SELECT pid FROM pg_stat_activity WHERE query LIKE 'LISTEN%doomed%' AND pid <> pg_backend_pid()"
            ).single().decode(0, as: Int32.self)
        }
        try database.withConnection { connection in
            _ = try connection.query("SELECT pg_terminate_backend($1)", [pid])
        }
        #expect(throws: PostgresError.self) {
            for _ in 0..<50 {
                _ = try listener.wait(timeout: .milliseconds(100))
            }
        }
    }
}
