import Business
import Domain
import Foundation
import Postgres
import Store
import TestSupport
import Testing

/// Computing runs in-process, as the scheduler's engine does, under row-level security as the
/// application role.
@Suite struct DisbursementComputeTests {
    @Test func aRunPaysEveryActiveBenefitOnceWithItsControlTotals() throws {
        let scope = try DisbursementScope()
        let benefits = try scope.addPensioners(250)
        // One suspended, one ended, one starting later: each left out with its reason.
        _ = try scope.base.sql(
            """
            UPDATE shebao.benefit SET status = 'suspended', status_reason = '待核实', status_changed_on = '2026-11-01'
            WHERE id = $1
            """,
            [benefits[0]]
        )
        _ = try scope.base.sql(
            "UPDATE shebao.benefit SET status = 'ended', status_reason = '死亡', status_changed_on = '2026-10-01' WHERE id = $1",
            [benefits[1]]
        )
        _ = try scope.base.sql("UPDATE shebao.benefit SET start_period = 209912 WHERE id = $1", [benefits[2]])
        let run = try scope.base.run(as: scope.officer) { context in
            try DisbursementRuns.create(.init(kind: .basicPension, period: Period(202611)), context)
        }
        #expect(run.status == .computing)
        let outcomes = try scope.drain(scope.engine(pageSize: 40))
        #expect(outcomes == [.done(.compute)])
        let detail = try scope.base.run(as: scope.officer) { try DisbursementRuns.read(run.id, $0) }
        #expect(detail.run.status == .computed)
        #expect(detail.run.lineCount == 247)
        let expected = try scope.base.sql(
            "SELECT sum(monthly_amount_fen)::bigint FROM shebao.benefit WHERE status = 'active' AND start_period <= 202611"
        ).single().decode(0, as: Int64.self)
        #expect(detail.run.totalFen == expected)
        #expect(detail.run.excludedCount == 3)
        #expect(detail.tasks.map(\.status) == [.done])
        #expect(detail.tasks.first?.done == 250)
        let report = try scope.base.run(as: scope.officer) {
            try DisbursementRuns.exclusions(run.id, reason: nil, PageRequest(limit: 10), $0)
        }
        #expect(report.counts == [.suspended: 1, .ended: 1, .notStarted: 1])
        #expect(report.page.map(\.benefitID) == Array(benefits.prefix(3)))
        // The officer is told in the inbox.
        let told = try scope.base.sql(
            "SELECT count(*) FROM shebao.notification_outbox WHERE template = 'disbursement.computed' AND operator_id = $1",
            [scope.officer.operatorID]
        ).single().decode(0, as: Int.self)
        #expect(told == 1)
        try scope.checkInvariants()
    }

    @Test func aSecondRunOfThePeriodIsAConflictAndACancelledOneFreesItsLines() throws {
        let scope = try DisbursementScope()
        try scope.addPensioners(30)
        let first = try scope.base.run(as: scope.officer) {
            try DisbursementRuns.create(.init(kind: .basicPension, period: Period(202611)), $0)
        }
        #expect(throws: BusinessFailure.self) {
            try scope.base.run(as: scope.officer) {
                try DisbursementRuns.create(.init(kind: .basicPension, period: Period(202611)), $0)
            }
        }
        try scope.drain(scope.engine())
        let cancelled = try scope.base.run(as: scope.officer) {
            try DisbursementRuns.cancel(first.id, version: nil, reason: "重算", $0)
        }
        #expect(cancelled.status == .cancelled)
        let second = try scope.base.run(as: scope.officer) {
            try DisbursementRuns.create(.init(kind: .basicPension, period: Period(202611)), $0)
        }
        try scope.drain(scope.engine())
        // S1: computed again, the same lines (but their ids and run).
        let lines = try scope.base.sql(
            """
            SELECT count(*) FROM (
                (SELECT benefit_id, period, payee_name, bank_code, bank_card_number, amount_fen
                 FROM shebao.payment_attempt WHERE run_id = $1
                 EXCEPT SELECT benefit_id, period, payee_name, bank_code, bank_card_number, amount_fen
                 FROM shebao.payment_attempt WHERE run_id = $2)
                UNION ALL
                (SELECT benefit_id, period, payee_name, bank_code, bank_card_number, amount_fen
                 FROM shebao.payment_attempt WHERE run_id = $2
                 EXCEPT SELECT benefit_id, period, payee_name, bank_code, bank_card_number, amount_fen
                 FROM shebao.payment_attempt WHERE run_id = $1)) d
            """,
            [first.id, second.id]
        ).single().decode(0, as: Int.self)
        #expect(lines == 0)
        let secondRun = try scope.base.run(as: scope.officer) { try DisbursementRuns.read(second.id, $0) }.run
        #expect(secondRun.lineCount == 30)
        try scope.checkInvariants()
    }

    @Test func aComputationKilledMidwayResumesFromItsCheckpoint() throws {
        let scope = try DisbursementScope()
        try scope.addPensioners(95)
        let run = try scope.base.run(as: scope.officer) {
            try DisbursementRuns.create(.init(kind: .basicPension, period: Period(202611)), $0)
        }
        // The first holder stops after its second page, its lease still held.
        let stopping = DisbursementEngineStop(after: "compute.page.2")
        let first = try scope.base.app.withConnection { connection in
            try DisbursementEngine.claim(on: connection, holder: "first", lease: .seconds(1), count: 1, maxAttempts: 5)
        }
        let task = try #require(first.first)
        #expect(throws: DisbursementEngineStop.Stopped.self) {
            try scope.engine("first", pageSize: 20, lease: .seconds(1), checkpoint: stopping.hit).work(task)
        }
        let halfway = try scope.base.sql("SELECT count(*) FROM shebao.payment_attempt WHERE run_id = $1", [run.id])
            .single().decode(0, as: Int.self)
        #expect(halfway == 40)
        // Nothing can claim it until the lease expires; then another holder resumes it.
        #expect(try scope.drain(scope.engine("second", pageSize: 20), holder: "second").isEmpty)
        let resumed = try waitUntil(timeout: .seconds(5)) {
            try scope.drain(scope.engine("second", pageSize: 20), holder: "second") == [.done(.compute)]
        }
        #expect(resumed)
        // The first holder's lease is gone: its next page changes nothing.
        #expect(try scope.engine("first", pageSize: 20).work(task) == .leaseLost)
        let detail = try scope.base.run(as: scope.officer) { try DisbursementRuns.read(run.id, $0) }
        #expect(detail.run.lineCount == 95)
        #expect(detail.tasks.first?.attempts == 2)
        try scope.checkInvariants()
    }
}

/// A checkpoint hook that throws at one named point, as a process killed there would stop.
struct DisbursementEngineStop: Sendable {
    struct Stopped: Error {}
    let name: String

    init(after name: String) {
        self.name = name
    }

    var hit: @Sendable (String) throws -> Void {
        { [name] point in
            if point == name { throw Stopped() }
        }
    }
}
