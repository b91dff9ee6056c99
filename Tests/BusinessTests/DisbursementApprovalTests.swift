import Business
import Domain
import Foundation
import Postgres
import Store
import Synchronization
import TestSupport
import Testing

/// Approval, cancellation and export of runs (SCHEDULER.md S13), the diff the approver sees,
/// and an officer of the sibling office who sees none of it.
@Suite struct DisbursementApprovalTests {
    /// A computed run of `count` pensioners, created by the officer.
    func computedRun(_ scope: DisbursementScope, count: Int = 20, period: Int = 202611) throws -> DisbursementRun {
        if try scope.base.sql("SELECT count(*) FROM shebao.benefit").single().decode(0, as: Int.self) == 0 {
            try scope.addPensioners(count)
        }
        let run = try scope.base.run(as: scope.officer) {
            try DisbursementRuns.create(.init(kind: .basicPension, period: Period(period)), $0)
        }
        try scope.drain(scope.engine())
        return try scope.base.run(as: scope.officer) { try DisbursementRuns.read(run.id, $0) }.run
    }

    func failure(_ body: () throws -> Void) -> BusinessFailure.Kind? {
        do {
            try body()
            return nil
        } catch let failure as BusinessFailure {
            return failure.kind
        } catch {
            Issue.record("not a business failure: \(error)")
            return nil
        }
    }

    @Test func s13TheCreatorCannotApproveAndAnUnapprovedRunCannotBeExported() throws {
        let scope = try DisbursementScope()
        let run = try self.computedRun(scope)
        // The creator, even holding the approver's role in another session, may not approve.
        var creatorAsApprover = scope.officer
        creatorAsApprover.roles = ["disbursement_approver"]
        #expect(
            self.failure {
                _ = try scope.base.run(as: creatorAsApprover) {
                    try DisbursementRuns.approve(run.id, version: nil, code: "000000", $0)
                }
            } == .forbidden
        )
        #expect(
            self.failure { _ = try scope.base.run(as: scope.officer) { try DisbursementRuns.export(run.id, $0) } }
                == .conflict
        )
        // A wrong code, then a stale version, are refused; the right code once approves.
        #expect(
            self.failure {
                _ = try scope.base.run(as: scope.approver) {
                    try DisbursementRuns.approve(run.id, version: nil, code: "12345", $0)
                }
            } == .forbidden
        )
        #expect(
            self.failure {
                _ = try scope.base.run(as: scope.approver) {
                    try DisbursementRuns.approve(
                        run.id,
                        version: run.version + 5,
                        code: scope.code(scope.approverTOTP),
                        $0
                    )
                }
            } == .stale(version: "\(run.version)")
        )
        let code = scope.code(scope.approverTOTP)
        let approved = try scope.base.run(as: scope.approver) {
            try DisbursementRuns.approve(run.id, version: run.version, code: code, $0)
        }
        #expect(approved.status == .approved)
        #expect(approved.approvedBy == scope.approver.operatorID)
        // The code is spent: the same code again is refused, even for another run.
        let other = try scope.base.run(as: scope.officer) {
            try DisbursementRuns.create(.init(kind: .basicPension, period: Period(202610)), $0)
        }
        try scope.drain(scope.engine())
        #expect(
            self.failure {
                _ = try scope.base.run(as: scope.approver) {
                    try DisbursementRuns.approve(other.id, version: nil, code: code, $0)
                }
            } == .forbidden
        )
        // Approving twice is a conflict.
        #expect(
            self.failure {
                _ = try scope.base.run(as: scope.otherApprover) {
                    try DisbursementRuns.approve(run.id, version: nil, code: scope.code(scope.otherApproverTOTP), $0)
                }
            } == .conflict
        )
        let audited = try scope.base.sql(
            "SELECT count(*) FROM shebao.audit_event WHERE action = 'disbursement.approve' AND target_id = $1",
            [String(run.id)]
        ).single().decode(0, as: Int.self)
        #expect(audited == 1)
        try scope.checkInvariants()
    }

    /// Both callers name the version they saw (If-Match), as the console does.
    @Test func s13ApproveAndCancelAtOnceExactlyOneWins() throws {
        let scope = try DisbursementScope()
        for round in 0..<4 {
            let run = try self.computedRun(scope, period: 202601 + round)
            // Two approvers in turn, so that fresh codes never wait for the clock.
            let (approver, totp) =
                round % 2 == 0 ? (scope.approver, scope.approverTOTP) : (scope.otherApprover, scope.otherApproverTOTP)
            let code = scope.code(totp)
            let outcomes = Outcomes()
            let group = DispatchGroup()
            for action in ["approve", "cancel"] {
                group.enter()
                Thread.detachNewThread {
                    defer { group.leave() }
                    do {
                        if action == "approve" {
                            _ = try scope.base.run(as: approver) {
                                try DisbursementRuns.approve(run.id, version: run.version, code: code, $0)
                            }
                        } else {
                            _ = try scope.base.run(as: scope.officer) {
                                try DisbursementRuns.cancel(run.id, version: run.version, reason: "并发测试", $0)
                            }
                        }
                        outcomes.add("\(action) won")
                    } catch let failure as BusinessFailure {
                        outcomes.add("\(action) \(failure.kind)")
                    } catch {
                        outcomes.add("\(action) \(error)")
                    }
                }
            }
            group.wait()
            let seen = outcomes.all
            #expect(seen.filter { $0.hasSuffix("won") }.count == 1, "\(seen)")
            // Both saw the same version: the loser's copy is stale.
            #expect(seen.filter { $0.contains("stale") }.count == 1, "\(seen)")
            let status = try scope.base.run(as: scope.officer) { try DisbursementRuns.read(run.id, $0) }.run.status
            #expect(status == (seen.contains("approve won") ? .approved : .cancelled))
            if status == .approved {
                _ = try scope.base.run(as: scope.officer) {
                    try DisbursementRuns.cancel(run.id, version: nil, reason: "清理", $0)
                }
            }
        }
        try scope.checkInvariants()
    }

    @Test func theDiffShowsNewStoppedChangedAndCarriedPayees() throws {
        let scope = try DisbursementScope()
        let benefits = try scope.addPensioners(10)
        let first = try self.computedRun(scope, period: 202610)
        // One stops, one changes, one new payee; and one line of October failed at the bank.
        _ = try scope.base.sql(
            "UPDATE shebao.benefit SET status = 'ended', status_reason = '死亡', status_changed_on = '2026-10-20' WHERE id = $1",
            [benefits[0]]
        )
        _ = try scope.base.sql(
            "UPDATE shebao.benefit SET monthly_amount_fen = monthly_amount_fen + 5000 WHERE id = $1",
            [benefits[1]]
        )
        try scope.addPensioners(1, first: 10)
        let answer = try scope.base.sql(
            """
            INSERT INTO shebao.bank_file (office_id, run_id, kind, file_format, file_name, content, sha256, line_count,
                total_fen, uploaded_by)
            VALUES ($1, $2, 'return', 'fixed-return', 'answer.txt', '\\x00', sha256('\\x00'::bytea), 1, 0, $3) RETURNING id
            """,
            [scope.district, first.id, scope.officer.operatorID]
        ).single().decode(0, as: Int64.self)
        _ = try scope.base.sql(
            """
            UPDATE shebao.payment_attempt SET status = 'failed', failure_code = 'AC04', settled_at = now(),
                return_file_id = $3 WHERE run_id = $1 AND benefit_id = $2
            """,
            [first.id, benefits[2], answer]
        )
        let second = try self.computedRun(scope, period: 202611)
        let diff = try scope.base.run(as: scope.approver) { try DisbursementRuns.diff(second.id, sample: 5, $0) }
        #expect(diff.previousRunID == first.id)
        #expect(diff.added.count == 1)
        #expect(diff.stopped.count == 1)
        #expect(diff.stopped.sample.first?.benefitID == benefits[0])
        #expect(diff.changed.count == 1)
        #expect(diff.changed.totalFen == 5000)
        #expect(diff.carried.count == 1)
        #expect(diff.unchangedCount == 8)
        #expect(second.carriedCount == 1)
    }

    @Test func anOfficerOfTheSiblingOfficeSeesNoneOfIt() throws {
        let scope = try DisbursementScope()
        let run = try self.computedRun(scope)
        let page = try scope.base.run(as: scope.siblingOfficer) {
            try DisbursementRuns.list(.init(), PageRequest(limit: 50), $0)
        }
        #expect(page.items.isEmpty)
        #expect(
            self.failure { _ = try scope.base.run(as: scope.siblingOfficer) { try DisbursementRuns.read(run.id, $0) } }
                == .notFound
        )
        #expect(
            self.failure {
                _ = try scope.base.run(as: scope.siblingOfficer) {
                    try DisbursementRuns.cancel(run.id, version: nil, reason: "x", $0)
                }
            } == .notFound
        )
        let lines = try scope.base.run(as: scope.siblingOfficer) {
            try $0.connection.query("SELECT count(*) FROM shebao.payment_attempt").single().decode(0, as: Int.self)
        }
        #expect(lines == 0)
    }
}

/// What concurrent callers saw, collected across threads.
final class Outcomes: Sendable {
    private let values = Mutex<[String]>([])

    func add(_ value: String) {
        self.values.withLock { $0.append(value) }
    }

    var all: [String] {
        self.values.withLock { $0 }
    }
}
