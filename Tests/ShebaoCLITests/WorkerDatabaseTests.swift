import EmbeddedPostgres
import Foundation
import Postgres
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `shebao worker` answering `/db` from its event loop's pipelined connections, against the
/// real server: right rows, many connections at once, and recovery when the backends die.
@Suite(
    .enabled(if: TestEnvironment.shebaoExecutable != nil && TestEnvironment.hasDatabase, "needs make test"),
    .serialized
)
struct WorkerDatabaseTests {
    /// `world` as the benchmark has it, with a checkable random number: id * 7 % 10000 + 1.
    private func makeWorld() throws -> TestDatabase {
        let database = try TestDatabase.create("world", migrated: false)
        try database.withConnection { connection in
            try connection.execute(
                unsafeScript: """
                    CREATE TABLE world (id integer PRIMARY KEY, randomnumber integer NOT NULL);
                    INSERT INTO world SELECT id, id * 7 % 10000 + 1 FROM generate_series(1, 10000) AS id;
                    """
            )
        }
        return database
    }

    private func startWorker(_ database: TestDatabase) throws -> (BackgroundProcess, Int) {
        let port = try EmbeddedPostgres.freePort()
        let process = try BackgroundProcess(
            try #require(TestEnvironment.shebaoExecutable),
            ["worker", "--port", "\(port)"],
            environment: [
                "DATABASE_URL": try database.url(), "SHEBAO_BENCHMARK_ROUTES": "1", "SHEBAO_ACCESS_LOG": "0",
                "SHEBAO_DB_PIPELINE_CONNECTIONS": "2",
            ]
        )
        let up = process.waitUntil(timeout: .seconds(30)) { process.standardError.contains("serving") }
        try #require(up, "worker did not start: \(process.standardError)")
        return (process, port)
    }

    /// The `(id, randomNumber)` of a `/db` answer, or nil for anything but a well-formed 200.
    private static func world(_ response: TestResponse?) -> (id: Int, randomNumber: Int)? {
        guard let response, response.status == 200,
            let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Int],
            let id = object["id"], let randomNumber = object["randomNumber"]
        else {
            return nil
        }
        return (id, randomNumber)
    }

    /// Reads `/metrics` on `client` until its text holds every one of `lines`, for at most
    /// `timeout` (the loop publishes its gauges every 100 ms).
    /// - Returns: the last text read.
    @discardableResult
    private static func metrics(
        on client: TestClient,
        until lines: [String],
        timeout: Duration = .seconds(10)
    ) throws -> String {
        var text = ""
        _ = try waitUntil(timeout: timeout) {
            try client.send("GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n")
            text = try #require(try client.readResponse()).text
            return lines.allSatisfy { text.contains($0) }
        }
        return text
    }

    @Test func dbAnswersTheRightRowOnManyConnectionsAtOnce() throws {
        let database = try self.makeWorld()
        defer { database.drop() }
        let (process, port) = try self.startWorker(database)
        defer { process.send(SIGKILL) }
        // Eight connections, each with 25 requests pipelined at once: many statements per round.
        let clients = try (0..<8).map { _ in try TestClient(port: port, timeout: .seconds(10)) }
        for client in clients {
            try client.send(String(repeating: "GET /db HTTP/1.1\r\nHost: t\r\n\r\n", count: 25))
        }
        var rows: [(id: Int, randomNumber: Int)] = []
        for client in clients {
            for _ in 0..<25 {
                let row = try #require(Self.world(try client.readResponse()))
                rows.append(row)
            }
        }
        #expect(rows.count == 200)
        #expect(rows.allSatisfy { (1...10_000).contains($0.id) && $0.randomNumber == $0.id * 7 % 10_000 + 1 })
        #expect(Set(rows.map(\.id)).count > 150, "ids are not random")
        // /metrics reports the loop's pipelined connections.
        let text = try Self.metrics(
            on: clients[0],
            until: ["shebao_db_pipeline_ready 2\n", "shebao_db_pipeline_outstanding 0"]
        )
        #expect(text.contains("shebao_db_pipeline_ready 2\n"))
        #expect(text.contains("shebao_db_pipeline_outstanding 0"))
    }

    @Test func dbRecoversAfterItsDatabaseConnectionsAreTerminated() throws {
        let database = try self.makeWorld()
        defer { database.drop() }
        let (process, port) = try self.startWorker(database)
        defer { process.send(SIGKILL) }
        let client = try TestClient(port: port, timeout: .seconds(10))
        try client.send("GET /db HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(Self.world(try client.readResponse()) != nil)
        // The first answer needs only one connection: wait until both are up, so that both die.
        let ready = try Self.metrics(on: client, until: ["shebao_db_pipeline_ready 2\n"])
        try #require(ready.contains("shebao_db_pipeline_ready 2\n"), "\(ready)")
        let terminated = try database.withConnection { connection in
            try connection.query(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
                [database.name]
            ).single().decode(0, as: Int.self)
        }
        #expect(terminated >= 2)
        // Requests during the outage get a clean 503 (or are already served by a new
        // connection); within seconds every request succeeds again.
        var statuses: [Int] = []
        let deadline = ContinuousClock.now + .seconds(15)
        var consecutiveSuccesses = 0
        while consecutiveSuccesses < 20 && ContinuousClock.now < deadline {
            try client.send("GET /db HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = try #require(try client.readResponse())
            statuses.append(response.status)
            if Self.world(response) != nil {
                consecutiveSuccesses += 1
            } else {
                consecutiveSuccesses = 0
                #expect(response.status == 503)
                #expect(response.header("Retry-After") == "1")
                usleep(50_000)
            }
        }
        #expect(consecutiveSuccesses == 20, "statuses: \(statuses)")
    }
}
