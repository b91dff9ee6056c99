import Business
import Domain
import Foundation
import Postgres
import Store
import TestSupport
import Testing

/// The application workflow run in-process, without HTTP: the operations the API and the
/// scheduler share, against a real PostgreSQL under row-level security.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the throwaway cluster of make test"))
struct ApplicationWorkflowTests {
    /// The failure `body` throws, or nil when it throws none (or another error).
    func failure(_ body: () throws -> Void) -> BusinessFailure? {
        do {
            try body()
            return nil
        } catch let failure as BusinessFailure {
            return failure
        } catch {
            return nil
        }
    }

    @Test func previewComputesTheContributionsFromThePolicyOfTheRegionChainAndSavesNothing() throws {
        let scope = try BusinessScope()
        // 320102 has no policy of its own nor has its city: the province's applies. A wage under
        // the floor (4,500 yuan) is clamped up to it.
        let outcome = try scope.run(as: scope.clerk) { context in
            try ApplicationWorkflow.preview(scope.registration(1, wageFen: 300_000), context)
        }
        #expect(!outcome.issues.hasErrors, "\(outcome.issues)")
        let line = try #require(outcome.effects.contributions.first)
        #expect(line.schemeCode == "110")
        #expect(line.baseFen == 450_000)
        #expect(line.clamped == "floor")
        #expect(line.employerFen == 72_000)
        #expect(line.personalFen == 36_000)
        #expect(outcome.effects.monthlyEmployerFen == 72_000)
        #expect(try scope.sql("SELECT count(*) FROM shebao.application").single().decode(0, as: Int64.self) == 0)
        #expect(try scope.sql("SELECT count(*) FROM shebao.audit_event").single().decode(0, as: Int64.self) == 0)
    }

    @Test func aCityPolicyOverridesTheProvincesForItsDistricts() throws {
        let scope = try BusinessScope()
        _ = try scope.sql(
            """
            INSERT INTO shebao.contribution_policy (region_code, scheme_code, valid_from, employer_rate_ppm,
                personal_rate_ppm, average_wage_fen, base_floor_fen, base_ceiling_fen)
            VALUES ('320100', '110', '2024-07-01', 150000, 80000, 800000, 480000, 2400000)
            """
        )
        let outcome = try scope.run(as: scope.clerk) { context in
            try ApplicationWorkflow.preview(scope.registration(2, wageFen: 1_000_000), context)
        }
        let line = try #require(outcome.effects.contributions.first)
        #expect(line.baseFloorFen == 480_000)
        #expect(line.employerRatePpm == 150_000)
        #expect(line.employerFen == 150_000)
    }

    @Test func anApprovedApplicationCommitsItsEffectsVoucherNotificationsAndAuditTogether() throws {
        let scope = try BusinessScope()
        let created = try scope.run(as: scope.clerk) { context in
            try ApplicationWorkflow.create(scope.registration(3), context)
        }
        #expect(created.status == .draft)
        #expect(created.version == 1)
        let submitted = try scope.run(as: scope.clerk) { context in
            try ApplicationWorkflow.submit(created.id, expecting: .oneOf([created.version]), context)
        }
        #expect(submitted.status == .submitted)
        let approved = try scope.run(as: scope.reviewer) { context in
            try ApplicationWorkflow.approve(submitted.id, expecting: nil, context)
        }
        #expect(approved.status == .approved)
        #expect(approved.checkerID == scope.reviewer.operatorID)
        let number = try #require(approved.voucherNumber)
        let person = try #require(approved.personID)

        // The registry has the person and the enrolment.
        #expect(
            try scope.sql("SELECT count(*) FROM shebao.enrolment WHERE person_id = $1", [person]).single()
                .decode(0, as: Int64.self) == 1
        )
        // The voucher reads back and verifies with its code, and with no other.
        let voucher = try scope.run(as: scope.reviewer) { try Vouchers.read(number, $0) }
        #expect(voucher.content.applicationId == approved.id)
        #expect(voucher.content.personCitizenIdMasked?.contains("*") == true)
        let verified = try scope.app.withTransaction { connection in
            (
                try Vouchers.verify(number, code: voucher.verificationCode, on: connection),
                try Vouchers.verify(number, code: "AAAAAAAAAAAAAAAA", on: connection)
            )
        }
        #expect(verified.0 == voucher.content)
        #expect(verified.1 == nil)
        // The person is told in the inbox and by SMS, once each.
        let messages = try scope.sql(
            "SELECT channel, address, template, payload->>'voucherNumber' FROM shebao.notification_outbox ORDER BY channel"
        ).map {
            [
                try $0.decode(0, as: String.self), try $0.decode(1, as: String?.self) ?? "",
                try $0.decode(2, as: String.self), try $0.decode(3, as: String.self),
            ]
        }
        #expect(
            messages == [
                ["inbox", "", "application.approved", number], ["sms", "13912345678", "application.approved", number],
            ]
        )
        // Each step is in the audit trail, with the trace it was done under.
        let actions = try scope.sql(
            "SELECT action, request_id FROM shebao.audit_event WHERE target_type = 'application' ORDER BY id"
        ).map { "\(try $0.decode(0, as: String.self))@\(try $0.decode(1, as: String.self))" }
        #expect(actions == ["application.create@test", "application.submit@test", "application.approve@test"])
    }

    @Test func theMakerMayNotDecideTheirOwnApplication() throws {
        let scope = try BusinessScope()
        let submitted = try scope.run(as: scope.clerk) { context in
            let record = try ApplicationWorkflow.create(scope.registration(4), context)
            return try ApplicationWorkflow.submit(record.id, expecting: nil, context)
        }
        // The clerk holds no reviewer role here, but the rule is the business's, not the role's.
        let refusal = self.failure {
            _ = try scope.run(as: scope.clerk) { try ApplicationWorkflow.approve(submitted.id, expecting: nil, $0) }
        }
        #expect(refusal?.kind == .forbidden)
        #expect(try scope.run(as: scope.clerk) { try ApplicationWorkflow.read(submitted.id, $0) }.status == .submitted)
    }

    @Test func aChangeNeedsTheVersionItChangesAndAStaleOneNamesTheCurrent() throws {
        let scope = try BusinessScope()
        let record = try scope.run(as: scope.clerk) { try ApplicationWorkflow.create(scope.registration(5), $0) }
        let missing = self.failure {
            _ = try scope.run(as: scope.clerk) { context in
                try ApplicationWorkflow.update(
                    record.id,
                    expecting: nil,
                    payload: { _ in scope.registration(6) },
                    context
                )
            }
        }
        #expect(missing?.kind == .versionRequired)
        let stale = self.failure {
            _ = try scope.run(as: scope.clerk) { context in
                try ApplicationWorkflow.update(
                    record.id,
                    expecting: .oneOf([7]),
                    payload: { _ in scope.registration(6) },
                    context
                )
            }
        }
        #expect(stale?.kind == .stale(version: "1"))
        let updated = try scope.run(as: scope.clerk) { context in
            try ApplicationWorkflow.update(
                record.id,
                expecting: .oneOf([1]),
                payload: { type in
                    #expect(type == .personRegistration)
                    return scope.registration(6)
                },
                context
            )
        }
        #expect(updated.version == 2)
    }

    @Test func aStepTheStatusDoesNotAllowIsAConflictAndChangesNothing() throws {
        let scope = try BusinessScope()
        let cancelled = try scope.run(as: scope.clerk) { context in
            let record = try ApplicationWorkflow.create(scope.registration(7), context)
            return try ApplicationWorkflow.cancel(record.id, expecting: .any, context)
        }
        #expect(cancelled.status == .cancelled)
        let refusal = self.failure {
            _ = try scope.run(as: scope.clerk) { try ApplicationWorkflow.submit(cancelled.id, expecting: nil, $0) }
        }
        #expect(refusal?.kind == .conflict)
        #expect(refusal?.en.contains("cancelled") == true)
        #expect(try scope.run(as: scope.clerk) { try ApplicationWorkflow.read(cancelled.id, $0) }.version == 2)
    }

    @Test func aDecisionNeedsReasonsAndTellsThePerson() throws {
        let scope = try BusinessScope()
        let submitted = try scope.run(as: scope.clerk) { context in
            let record = try ApplicationWorkflow.create(scope.registration(8), context)
            return try ApplicationWorkflow.submit(record.id, expecting: nil, context)
        }
        let blank = self.failure {
            _ = try scope.run(as: scope.reviewer) { context in
                try ApplicationWorkflow.decide(submitted.id, .returned, reasons: " \n ", expecting: nil, context)
            }
        }
        #expect(blank?.kind == .invalid)
        #expect(blank?.issues.map(\.field) == ["reasons"])
        let returned = try scope.run(as: scope.reviewer) { context in
            try ApplicationWorkflow.decide(submitted.id, .returned, reasons: "缺少材料", expecting: nil, context)
        }
        #expect(returned.status == .returned)
        #expect(returned.reasons == "缺少材料")
        // A registration has no person yet: nobody to notify.
        #expect(
            try scope.sql("SELECT count(*) FROM shebao.notification_outbox").single().decode(0, as: Int64.self) == 0
        )
    }

    @Test func anotherDistrictsReviewerDoesNotSeeTheApplication() throws {
        let scope = try BusinessScope()
        let submitted = try scope.run(as: scope.clerk) { context in
            let record = try ApplicationWorkflow.create(scope.registration(9), context)
            return try ApplicationWorkflow.submit(record.id, expecting: nil, context)
        }
        let refusal = self.failure {
            _ = try scope.run(as: scope.otherReviewer) {
                try ApplicationWorkflow.approve(submitted.id, expecting: nil, $0)
            }
        }
        #expect(refusal?.kind == .notFound)
        let page = try scope.run(as: scope.otherReviewer) { context in
            try ApplicationQueries.list(ApplicationFilter(), PageRequest(limit: 10), context)
        }
        #expect(page.items.isEmpty)
    }

    @Test func theQueueListsMaskedSubjectsAPageAtATime() throws {
        let scope = try BusinessScope()
        let ids = try scope.run(as: scope.clerk) { context in
            try (10..<13).map { try ApplicationWorkflow.create(scope.registration($0), context).id }
        }
        let first = try scope.run(as: scope.reviewer) { context in
            try ApplicationQueries.list(ApplicationFilter(status: .draft), PageRequest(limit: 2), context)
        }
        #expect(first.items.map(\.id) == [ids[2], ids[1]])
        #expect(first.nextCursor == ids[1])
        #expect(first.items.allSatisfy { $0.subjectIdentifierMasked?.contains("*") == true })
        let second = try scope.run(as: scope.reviewer) { context in
            try ApplicationQueries.list(
                ApplicationFilter(status: .draft),
                PageRequest(limit: 2, cursor: first.nextCursor),
                context
            )
        }
        #expect(second.items.map(\.id) == [ids[0]])
        #expect(second.nextCursor == nil)
        let oldest = try scope.run(as: scope.reviewer) { context in
            try ApplicationQueries.list(ApplicationFilter(oldestFirst: true), PageRequest(limit: 1), context)
        }
        #expect(oldest.items.map(\.id) == [ids[0]])
    }

    @Test func theDatabasesRefusalsThatAreAnswersBecomeFailuresOfTheirKind() throws {
        let scope = try BusinessScope()
        func refusal(_ sql: String) -> BusinessFailure? {
            do {
                _ = try scope.sql(sql)
                return nil
            } catch let error as PostgresError {
                return BusinessFailure(error)
            } catch {
                return nil
            }
        }
        #expect(
            refusal(
                "INSERT INTO shebao.office (code, region_code, level, name) VALUES ('320000', '320000', 'province', 'x')"
            )?.kind == .conflict
        )
        #expect(refusal("UPDATE shebao.employer SET risk_class = 9")?.kind == .unprocessable)
        #expect(refusal("SELECT 1 / 0") == nil, "a fault is no answer")
    }
}
