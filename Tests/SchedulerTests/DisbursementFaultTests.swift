import EmbeddedPostgres
import Foundation
import Postgres
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Disbursement under faults, on a PostgreSQL cluster of the test's own (restarting the shared
/// one would break the tests running beside): SCHEDULER.md S10, PostgreSQL restarted fast and
/// then immediately during a run and under HTTP load, and S15, the bounded crash soak.
@Suite(.serialized) struct DisbursementFaultTests {
    /// Requests to `/readyz` in a loop on a thread of its own until stopped: the statuses seen
    /// and the slowest answer.
    final class Load: Sendable {
        let statuses = Mutex<[Int: Int]>([:])
        let slowest = Mutex<Duration>(.zero)
        private let running = Atomic<Bool>(true)
        private let done = DispatchSemaphore(value: 0)

        init(port: Int) {
            Thread.detachNewThread {
                while self.running.load(ordering: .relaxed) {
                    let started = ContinuousClock.now
                    var status = 0
                    if let client = try? TestClient(port: port, timeout: .seconds(10)),
                        (try? client.send("GET /readyz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")) != nil,
                        let response = try? client.readResponse()
                    {
                        status = response.status
                    }
                    let took = ContinuousClock.now - started
                    self.statuses.withLock { $0[status, default: 0] += 1 }
                    self.slowest.withLock { $0 = max($0, took) }
                    usleep(20_000)
                }
                self.done.signal()
            }
        }

        func stop() {
            self.running.store(false, ordering: .relaxed)
            _ = self.done.wait(timeout: .now() + 15)
        }

        /// Requests answered 200 since the last call.
        func reset() -> [Int: Int] {
            self.statuses.withLock { counts in
                defer { counts = [:] }
                return counts
            }
        }
    }

    @Test func s10PostgreSQLRestartedDuringARunAndUnderLoad() throws {
        let cluster = try PrivateCluster("s10")
        defer { cluster.destroy() }
        let fixture = try SchedulerFixture("s10", cluster: cluster)
        defer { fixture.close() }
        try fixture.addPensioners(3_000)
        try fixture.execute("UPDATE shebao.bank SET max_batch_lines = 500")
        let port = try EmbeddedPostgres.freePort()
        let server = try BackgroundProcess(
            try #require(TestEnvironment.shebaoExecutable),
            ["serve", "--workers", "1", "--port", "\(port)"],
            environment: ["DATABASE_URL": fixture.appURL, "SHEBAO_ACCESS_LOG": "0"]
        )
        defer { server.send(SIGKILL) }
        #expect(server.waitUntil(timeout: .seconds(30)) { server.standardOutput.contains("serving on") })
        let scheduler = try fixture.startScheduler(["--disbursement-page-size", "100"])
        defer { scheduler.send(SIGKILL) }
        let load = Load(port: port)
        defer { load.stop() }

        let run = try fixture.createRun()
        // Fast, while it computes (a page of work done, some left).
        #expect(
            waitUntil(timeout: .seconds(60)) {
                ((try? fixture.scalar(
                    "SELECT done FROM shebao.disbursement_task WHERE run_id = $1",
                    [run],
                    as: Int64.self
                ))
                    ?? 0) > 0
            }
        )
        try cluster.restart(immediate: false)
        #expect(fixture.waitForRun(run, "computed"))
        try fixture.approveAndExport(run, approver: try fixture.addApprover())
        // Immediate, while it exports.
        try cluster.restart(immediate: true)
        #expect(fixture.waitForRun(run, "exported"))
        for answer in try fixture.bankAnswers(run) {
            try fixture.uploadReturn(run, answer)
        }
        try cluster.restart(immediate: true)
        #expect(fixture.waitForRun(run, "reconciled"))

        // Nothing exited; the requests failed fast with 503 while the database was away and
        // are answered again.
        #expect(server.wait(timeout: .zero) == nil, "the server exited: \(server.standardError)")
        #expect(scheduler.wait(timeout: .zero) == nil, "the scheduler exited: \(scheduler.standardError)")
        let during = load.reset()
        #expect(Set(during.keys).isSubset(of: [200, 503]), "statuses: \(during)")
        #expect(load.slowest.withLock { $0 } < .seconds(10))
        #expect(waitUntil(timeout: .seconds(30)) { load.reset()[200, default: 0] > 0 })
        try fixture.expectDisbursementInvariants()
    }

    /// S15: 20 rounds of a 5,000-line run (computed, approved, exported, answered 99% paid); in
    /// each, a random one of the two schedulers is killed at a random moment, and every third
    /// round PostgreSQL is restarted immediately as well. Every run reaches its end, and the
    /// invariants hold after each round.
    @Test func s15BoundedCrashSoak() throws {
        let cluster = try PrivateCluster("s15")
        defer { cluster.destroy() }
        let fixture = try SchedulerFixture("s15", cluster: cluster)
        defer { fixture.close() }
        try fixture.addPensioners(5_000)
        try fixture.execute("UPDATE shebao.bank SET max_batch_lines = 1000")
        let approver = try fixture.addApprover()
        let arguments = ["--disbursement-page-size", "500", "--lease-duration", "2"]
        var schedulers = try (0..<2).map { _ in try fixture.startScheduler(arguments) }
        defer { schedulers.forEach { $0.send(SIGKILL) } }
        var random = SystemRandomNumberGenerator()
        var period = 202401
        for round in 1...Int(ProcessInfo.processInfo.environment["SHEBAO_SOAK_ROUNDS"] ?? "20")! {
            // The fault: at a random moment soon after the start of a random stage, a random one
            // of the schedulers is killed, and every third round PostgreSQL crashes as well. The
            // next step of the round waits for it to be over.
            let stage = Int.random(in: 0..<3, using: &random)
            let victim = schedulers[Int.random(in: 0..<2, using: &random)]
            let delay = UInt32.random(in: 50_000...1_500_000, using: &random)
            let crashDatabase = round % 3 == 0
            let faultDone = DispatchSemaphore(value: 0)
            func fault(at current: Int) {
                guard current == stage else { return }
                Thread.detachNewThread {
                    usleep(delay)
                    victim.send(SIGKILL)
                    // Dead before the round goes on, so that the round's end starts it anew.
                    _ = victim.wait(timeout: .seconds(30))
                    if crashDatabase {
                        try? cluster.restart(immediate: true)
                    }
                    faultDone.signal()
                }
            }
            let run = try fixture.createRun(period: period)
            period = period % 100 == 12 ? period + 89 : period + 1
            // What the round left, when it does not end: the tasks and the schedulers' last words.
            let schedulersNow = schedulers
            func state() -> String {
                let tasks =
                    (try? fixture.database.withConnection { connection in
                        try connection.query(
                            """
                            SELECT kind || ' ' || status || ' ' || coalesce(stage, '') || ' ' || checkpoint || ' '
                                || attempts || ' ' || coalesce(last_error, '') FROM shebao.disbursement_task
                            WHERE run_id = $1 ORDER BY id
                            """,
                            [run]
                        ).map { try $0.decode(0, as: String.self) }
                    }) ?? []
                let words = schedulersNow.map { String($0.standardError.suffix(1500)) }
                let report =
                    (try? fixture.database.withConnection { connection in
                        try connection.query(
                            """
                            SELECT reason || ' ' || count(*) FROM shebao.run_exclusion WHERE run_id = $1 GROUP BY reason
                            UNION ALL SELECT 'carried ' || count(*) FROM shebao.payment_attempt
                            WHERE run_id = $1 AND carried_from IS NOT NULL
                            """,
                            [run]
                        ).map { try $0.decode(0, as: String.self) }
                    }) ?? []
                return "tasks \(tasks); exclusions and carried \(report); schedulers: \(words)"
            }
            fault(at: 0)
            #expect(fixture.waitForRun(run, "computed", timeout: .seconds(180)), "round \(round): \(state())")
            if stage == 0 { faultDone.wait() }
            try fixture.approveAndExport(run, approver: approver)
            fault(at: 1)
            #expect(fixture.waitForRun(run, "exported", timeout: .seconds(180)), "round \(round): \(state())")
            if stage == 1 { faultDone.wait() }
            let answers = try fixture.bankAnswers(run)
            for answer in answers {
                try fixture.uploadReturn(run, answer)
            }
            fault(at: 2)
            #expect(fixture.waitForRun(run, "reconciled", timeout: .seconds(180)), "round \(round): \(state())")
            if stage == 2 { faultDone.wait() }
            // The killed scheduler comes back for the next round.
            for (index, process) in schedulers.enumerated() where process.wait(timeout: .zero) != nil {
                schedulers[index] = try fixture.startScheduler(arguments)
            }
            try fixture.expectDisbursementInvariants()
            let lines = try fixture.scalar(
                "SELECT line_count FROM shebao.disbursement_run WHERE id = $1",
                [run],
                as: Int.self
            )
            // Each period pays the 5,000 pensioners, plus the failures carried from the last.
            #expect(lines == 5_000 + (round == 1 ? 0 : 50), "round \(round): \(state())")
        }
    }
}
