import API
import ArgumentParser
import ConnectionPool
import Foundation
import Postgres
import Synchronization

/// The benchmarks' helpers: the client half of `make bench-db` (the default), and the simulated
/// bank of `make bench-disburse`.
@main
struct ShebaoBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ShebaoBench",
        abstract: "Benchmark helpers.",
        subcommands: [ClientBench.self, BankAnswer.self],
        defaultSubcommand: ClientBench.self
    )
}

/// The client half of `make bench-db`: N threads, each running the pair
/// `SELECT … WHERE id = $1` + `INSERT …` as prepared statements in autocommit through one shared
/// pool, for a fixed time. Prints pairs per second on standard output.
struct ClientBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client",
        abstract: "Measure the PostgreSQL client: point SELECT + small INSERT, prepared, per thread."
    )

    @Option(help: "Database URL (the bench_item and bench_event tables must exist).")
    var url: String

    @Option(help: "Concurrent threads, each with its own pooled connection.")
    var clients: Int = 1

    @Option(help: "Seconds to run.")
    var seconds: Int = 10

    @Option(help: "Rows in bench_item.")
    var rows: Int = 10_000

    static let select = PreparedStatement("SELECT id, name, price_cents FROM bench_item WHERE id = $1")
    static let insert = PreparedStatement("INSERT INTO bench_event (item_id, kind) VALUES ($1, 'view')")

    func run() throws {
        let client = PostgresClient(
            configuration: try PostgresConfiguration(url: self.url),
            pool: .init(maximumConnections: self.clients, acquireTimeout: .seconds(30))
        )
        defer { client.close() }
        // Open every connection (and prepare both statements on it) before the clock starts, as
        // pgbench does.
        let warm = try (0..<self.clients).map { _ in try client.pool.acquire() }
        for connection in warm {
            _ = try connection.query(Self.select, [Int32(1)])
        }
        warm.forEach(client.pool.release)

        final class Shared: Sendable {
            let pairs = Atomic<Int>(0)
            let failures = Atomic<Int>(0)
            let stop = Atomic<Bool>(false)
        }
        let shared = Shared()
        let done = DispatchGroup()
        let rows = self.rows
        let started = ContinuousClock.now
        for index in 0..<self.clients {
            done.enter()
            let thread = Thread {
                var random = SplitMix64(seed: UInt64(index + 1) &* 0x9E37_79B9_7F4A_7C15)
                var count = 0
                while !shared.stop.load(ordering: .relaxed) {
                    let id = Int32(truncatingIfNeeded: random.next() % UInt64(rows) + 1)
                    do {
                        try client.withConnection { connection in
                            let row = try connection.query(Self.select, [id]).single()
                            _ = try row.decode(1, as: String.self)
                            try connection.query(Self.insert, [id])
                        }
                        count += 1
                    } catch {
                        shared.failures.add(1, ordering: .relaxed)
                    }
                }
                shared.pairs.add(count, ordering: .relaxed)
                done.leave()
            }
            thread.start()
        }
        Thread.sleep(forTimeInterval: Double(self.seconds))
        shared.stop.store(true, ordering: .relaxed)
        done.wait()
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        if shared.failures.load(ordering: .relaxed) > 0 {
            FileHandle.standardError.write(Data("failures: \(shared.failures.load(ordering: .relaxed))\n".utf8))
        }
        print(String(format: "%.1f", Double(shared.pairs.load(ordering: .relaxed)) / seconds))
    }
}
