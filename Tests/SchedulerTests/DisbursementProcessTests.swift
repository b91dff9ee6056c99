import Foundation
import Postgres
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Disbursement runs worked by real `shebao scheduler` processes against PostgreSQL, killed with
/// `kill -9` (their own pid) or by fail points (`_exit(137)` at a named point of a test build):
/// SCHEDULER.md S3–S6 and S14, each ending with the invariant queries.
@Suite(.serialized) struct DisbursementProcessTests {
    /// S4: killed after the third page of a computation, then a new scheduler: the run it
    /// finishes has the lines an uninterrupted computation gives (`EXCEPT` both ways empty).
    @Test func s4AComputationKilledAtAPageResumesToTheSameLines() throws {
        let fixture = try SchedulerFixture("s4")
        defer { fixture.close() }
        try fixture.addPensioners(1_000)
        let run = try fixture.createRun()
        let victim = try fixture.startScheduler(
            ["--disbursement-page-size", "100"],
            environment: ["SHEBAO_FAILPOINTS": "disbursement.compute.page.3:exit"]
        )
        #expect(victim.wait(timeout: .seconds(60)) == 137)
        let done = try fixture.scalar(
            "SELECT done FROM shebao.disbursement_task WHERE run_id = $1",
            [run],
            as: Int64.self
        )
        #expect(done == 300)
        let successor = try fixture.startScheduler(["--disbursement-page-size", "100", "--lease-duration", "2"])
        defer { successor.send(SIGKILL) }
        #expect(fixture.waitForRun(run, "computed"))
        let resumed = try fixture.lineSet(run)
        // The same run computed without interruption: cancelled, then again.
        try fixture.execute(
            "UPDATE shebao.disbursement_run SET status = 'cancelled', cancelled_at = now() WHERE id = $1",
            [run]
        )
        try fixture.execute("UPDATE shebao.payment_attempt SET status = 'cancelled' WHERE run_id = $1", [run])
        let again = try fixture.createRun()
        #expect(fixture.waitForRun(again, "computed"))
        #expect(resumed.count == 1_000)
        #expect(resumed == (try fixture.lineSet(again)))
        let attempts = try fixture.scalar(
            "SELECT attempts FROM shebao.disbursement_task WHERE run_id = $1",
            [run],
            as: Int.self
        )
        #expect(attempts == 2)
        try fixture.expectDisbursementInvariants()
    }

    /// S5: killed after every file is written, before the run is marked exported; a new
    /// scheduler marks it. Exporting again writes nothing new: the bytes and batch numbers are
    /// those first written (a second write that differed would fail the export).
    @Test func s5AnExportKilledBeforeItsMarkGivesTheSameFilesAgain() throws {
        let fixture = try SchedulerFixture("s5")
        defer { fixture.close() }
        try fixture.addPensioners(300)
        try fixture.execute("UPDATE shebao.bank SET max_batch_lines = 100")
        let run = try fixture.createRun()
        let approver = try fixture.addApprover()
        do {
            let first = try fixture.startScheduler(environment: [
                "SHEBAO_FAILPOINTS": "disbursement.export.files_written:exit"
            ])
            defer { first.send(SIGKILL) }
            #expect(fixture.waitForRun(run, "computed"))
            try fixture.approveAndExport(run, approver: approver)
            #expect(first.wait(timeout: .seconds(60)) == 137)
        }
        #expect(try fixture.runStatus(run) == "approved")
        let written = try fixture.paymentFiles(run)
        // 150 lines per bank, 100 per batch: two batches each.
        #expect(
            written.map(\.batch) == (1...4).map { "SB" + String(format: "%010d", run) + String(format: "%03d", $0) }
        )
        let second = try fixture.startScheduler()
        defer { second.send(SIGKILL) }
        #expect(fixture.waitForRun(run, "exported"))
        // Export again from the first file: each is written anew and checked against the kept one.
        try fixture.execute(
            "UPDATE shebao.disbursement_run SET status = 'approved', exported_at = NULL WHERE id = $1",
            [run]
        )
        try fixture.execute(
            """
            UPDATE shebao.disbursement_task SET status = 'pending', stage = 'files', checkpoint = 0,
                lease_expires_at = NULL, finished_at = NULL WHERE run_id = $1 AND kind = 'export'
            """,
            [run]
        )
        #expect(fixture.waitForRun(run, "exported"))
        let again = try fixture.paymentFiles(run)
        #expect(again.map(\.batch) == written.map(\.batch))
        #expect(again.map(\.sha) == written.map(\.sha))
        let lastError = try fixture.scalar(
            "SELECT coalesce(max(last_error), '') FROM shebao.disbursement_task WHERE run_id = $1",
            [run],
            as: String.self
        )
        #expect(lastError.isEmpty)
        try fixture.expectDisbursementInvariants()
    }

    /// S6: an import killed after its second page, then finished by a new scheduler; the same
    /// file uploaded again: every line is applied once, the run reconciled, every paid payee
    /// notified once.
    @Test func s6AnImportKilledHalfwayAndTheSameFileTwiceApplyEachLineOnce() throws {
        let fixture = try SchedulerFixture("s6")
        defer { fixture.close() }
        try fixture.addPensioners(400)
        try fixture.execute("UPDATE shebao.bank SET max_batch_lines = 1000")
        let run = try fixture.createRun()
        let approver = try fixture.addApprover()
        let pageSize = ["--disbursement-page-size", "50"]
        do {
            let scheduler = try fixture.startScheduler(pageSize)
            defer { scheduler.send(SIGKILL) }
            #expect(fixture.waitForRun(run, "computed"))
            try fixture.approveAndExport(run, approver: approver)
            #expect(fixture.waitForRun(run, "exported"))
        }
        let answers = try fixture.bankAnswers(run, failEvery: 10)
        #expect(answers.count == 2)
        try fixture.uploadReturn(run, answers[0])
        let victim = try fixture.startScheduler(
            pageSize,
            environment: ["SHEBAO_FAILPOINTS": "disbursement.import.page.2:exit"]
        )
        #expect(victim.wait(timeout: .seconds(60)) == 137)
        let halfway = try fixture.scalar("SELECT count(*) FROM shebao.return_line", as: Int.self)
        #expect(halfway == 100)
        let successor = try fixture.startScheduler(pageSize + ["--lease-duration", "2"])
        defer { successor.send(SIGKILL) }
        try fixture.uploadReturn(run, answers[1])
        #expect(fixture.waitForRun(run, "reconciled"))
        // The same files again: kept once, imported once.
        try fixture.uploadReturn(run, answers[0])
        try fixture.uploadReturn(run, answers[1])
        let files = try fixture.scalar("SELECT count(*) FROM shebao.bank_file WHERE kind = 'return'", as: Int.self)
        #expect(files == 2)
        let counts = try fixture.database.withConnection { connection in
            try connection.query(
                "SELECT paid_count, failed_count, paid_fen + failed_fen = total_fen FROM shebao.disbursement_run WHERE id = $1",
                [run]
            ).single()
        }
        #expect(try counts.decode(0, as: Int.self) == 360)
        #expect(try counts.decode(1, as: Int.self) == 40)
        #expect(try counts.decode(2, as: Bool.self))
        let applied = try fixture.scalar(
            "SELECT count(*) FROM shebao.return_line WHERE outcome = 'applied'",
            as: Int.self
        )
        #expect(applied == 400)
        try fixture.expectDisbursementInvariants()
    }

    /// S3: four runs of 2,500 lines each (four offices), four schedulers: every line is handled
    /// once, and the work is spread (the time is printed beside one scheduler's, not asserted).
    @Test func s3FourSchedulersShareTheRunsAndHandleEachLineOnce() throws {
        let fixture = try SchedulerFixture("s3")
        defer { fixture.close() }
        var offices: [Int64] = []
        for index in 0..<4 {
            let office = try fixture.scalar(
                """
                INSERT INTO shebao.office (parent_id, code, region_code, level, name)
                VALUES ($1, $2, $2, 'district', $3) RETURNING id
                """,
                [fixture.officeA, "32010\(index + 2)", "区 \(index)"],
                as: Int64.self
            )
            try fixture.addPensioners(2_500, first: index * 2_500, office: office, region: "32010\(index + 2)")
            offices.append(office)
        }
        func timed(_ schedulers: Int, period: Int) throws -> Duration {
            let runs = try offices.map { try fixture.createRun(period: period, office: $0) }
            let started = ContinuousClock.now
            let processes = try (0..<schedulers).map { _ in
                try fixture.startScheduler(["--disbursement-page-size", "250"])
            }
            defer { processes.forEach { $0.send(SIGKILL) } }
            for run in runs {
                #expect(fixture.waitForRun(run, "computed"))
            }
            return ContinuousClock.now - started
        }
        let one = try timed(1, period: 202610)
        let four = try timed(4, period: 202611)
        print("S3: 10,000 lines in four runs: one scheduler \(one), four schedulers \(four)")
        let lines = try fixture.scalar(
            "SELECT count(*) FROM shebao.payment_attempt WHERE period = 202611",
            as: Int.self
        )
        #expect(lines == 10_000)
        let holders = try fixture.scalar(
            """
            SELECT count(DISTINCT lease_holder) FROM shebao.disbursement_task t
            JOIN shebao.disbursement_run r ON r.id = t.run_id WHERE r.period = 202611
            """,
            as: Int.self
        )
        #expect(holders > 1, "the four runs were worked by \(holders) scheduler(s)")
        try fixture.expectDisbursementInvariants()
    }

    /// S14: 2026-01-31T16:00Z is 2026-02-01 in Asia/Shanghai; processes in other time zones
    /// name the database's period.
    @Test func s14EveryProcessNamesThePeriodOfTheDatabasesClockInShanghai() throws {
        let fixture = try SchedulerFixture("s14")
        defer { fixture.close() }
        let boundary = try fixture.scalar(
            "SELECT shebao.period_of('2026-01-31T16:00:00Z'::timestamptz)",
            as: Int.self
        )
        #expect(boundary == 202602)
        let before = try fixture.scalar(
            "SELECT shebao.period_of('2026-01-31T15:59:59Z'::timestamptz)",
            as: Int.self
        )
        #expect(before == 202601)
        // A schedule due today: a scheduler in Los Angeles and one in Kiritimati create one run,
        // of the database's period.
        try fixture.addPensioners(10)
        try fixture.execute(
            "INSERT INTO shebao.disbursement_schedule (office_id, benefit_kind, day_of_month) VALUES ($1, 'basic_pension', 1)",
            [fixture.officeA]
        )
        let west = try fixture.startScheduler(environment: ["TZ": "America/Los_Angeles"])
        defer { west.send(SIGKILL) }
        let east = try fixture.startScheduler(environment: ["TZ": "Pacific/Kiritimati"])
        defer { east.send(SIGKILL) }
        let created = try waitUntil(timeout: .seconds(60)) {
            try fixture.scalar("SELECT count(*) FROM shebao.disbursement_run", as: Int.self) == 1
        }
        #expect(created)
        let period = try fixture.scalar("SELECT period FROM shebao.disbursement_run", as: Int.self)
        #expect(period == (try fixture.scalar("SELECT shebao.current_period()", as: Int.self)))
        try fixture.expectDisbursementInvariants()
    }
}
