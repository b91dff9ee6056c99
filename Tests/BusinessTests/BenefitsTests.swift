import Business
import Domain
import Postgres
import Store
import TestSupport
import Testing

/// The takeover of a benefit from a previous system, and benefits as records, in-process under
/// row-level security: each call runs as the application role, scoped to the acting operator's
/// office or to the insured person's own rows.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the throwaway cluster of make test"))
struct BenefitsTests {
    /// A takeover of `kind` for the person `person`, 3,500 yuan a month from January 2024.
    static func takeover(_ person: Int64, kind: BenefitKind = .basicPension) -> TypedPayload {
        .benefitTakeover(
            BenefitTakeover(
                citizenId: "",
                personId: person,
                kind: kind.rawValue,
                monthlyAmountFen: 350_000,
                startPeriod: 202_401,
                bankCode: "ccb",
                bankCardNumber: "6217 0012 3456 7890 122",
                previousReference: "JS-2019-0001"
            )
        )
    }

    /// Makes and submits `payload` as the clerk, and approves it as the reviewer.
    @discardableResult
    func approved(_ scope: BusinessScope, _ payload: TypedPayload) throws -> ApplicationRecord {
        let submitted = try scope.run(as: scope.clerk) { context in
            let record = try ApplicationWorkflow.create(payload, context)
            return try ApplicationWorkflow.submit(record.id, expecting: nil, context)
        }
        return try scope.run(as: scope.reviewer) { try ApplicationWorkflow.approve(submitted.id, expecting: nil, $0) }
    }

    /// The benefit the application `id` brought in.
    func benefit(of application: Int64, _ scope: BusinessScope) throws -> Int64 {
        try scope.sql("SELECT id FROM shebao.benefit WHERE application_id = $1", [application]).single()
            .decode(0, as: Int64.self)
    }

    @Test func anApprovedTakeoverInsertsTheBenefitAndTheVoucherNamesIt() throws {
        let scope = try BusinessScope()
        let person = try #require(try scope.addPerson(1, office: "320102").personID)
        let record = try self.approved(scope, Self.takeover(person))
        #expect(record.status == .approved && record.personID == person)
        let row = try scope.sql(
            """
            SELECT office_id, person_id, scheme_code, kind, monthly_amount_fen, start_period, end_period, bank_code,
                bank_card_number, status, version FROM shebao.benefit WHERE application_id = $1
            """,
            [record.id]
        ).single()
        #expect(try row.decode("office_id", as: Int64.self) == scope.offices["320102"])
        #expect(try row.decode("person_id", as: Int64.self) == person)
        #expect(try row.decode("scheme_code", as: String.self) == "110")
        #expect(try row.decode("kind", as: String.self) == "basic_pension")
        #expect(try row.decode("monthly_amount_fen", as: Int64.self) == 350_000)
        #expect(try row.decode("start_period", as: Int.self) == 202_401)
        #expect(try row.decode("end_period", as: Int?.self) == nil)
        #expect(try row.decode("bank_code", as: String.self) == "CCB")
        #expect(try row.decode("bank_card_number", as: String.self) == "6217001234567890122")
        #expect(try row.decode("status", as: String.self) == "active")
        #expect(try row.decode("version", as: Int.self) == 1)
        let benefit = try self.benefit(of: record.id, scope)
        let content = try scope.sql(
            "SELECT content::text FROM shebao.voucher WHERE application_id = $1",
            [record.id]
        ).single().decode(0, as: String.self)
        #expect(content.contains("基本养老金（待遇编号 \(benefit)）"), "\(content)")
        #expect(content.contains("3500.00 元") && content.contains("621700*********0122"), "\(content)")
    }

    @Test func aSecondBenefitOfTheKindIsRefusedAndAnotherKindIsNot() throws {
        let scope = try BusinessScope()
        let person = try #require(try scope.addPerson(2, office: "320102").personID)
        try self.approved(scope, Self.takeover(person))
        let again = try scope.run(as: scope.clerk) { try ApplicationWorkflow.preview(Self.takeover(person), $0) }
        #expect(again.issues.map(\.code) == [.benefitExists])
        #expect(again.issues.first?.arguments == ["office": "320102", "kind": "basic_pension", "status": "active"])
        let draft = try scope.run(as: scope.clerk) { try ApplicationWorkflow.create(Self.takeover(person), $0) }
        do {
            _ = try scope.run(as: scope.clerk) { try ApplicationWorkflow.submit(draft.id, expecting: nil, $0) }
            Issue.record("a second pension was submitted")
        } catch let failure as BusinessFailure {
            #expect(failure.kind == .invalid && failure.issues.map(\.code) == [.benefitExists])
        }
        let other = try scope.run(as: scope.clerk) {
            try ApplicationWorkflow.preview(Self.takeover(person, kind: .survivorPension), $0)
        }
        #expect(other.issues.isEmpty)
        #expect(other.effects.benefit?.schemeCode == "110" && other.effects.benefit?.bankName == "中国建设银行")
    }

    @Test func twoTakeoversOfOneBenefitAreNotBothUnderWay() throws {
        let scope = try BusinessScope()
        let person = try #require(try scope.addPerson(3, office: "320102").personID)
        let (first, second) = try scope.run(as: scope.clerk) { context in
            (
                try ApplicationWorkflow.create(Self.takeover(person), context),
                try ApplicationWorkflow.create(Self.takeover(person), context)
            )
        }
        _ = try scope.run(as: scope.clerk) { try ApplicationWorkflow.submit(first.id, expecting: nil, $0) }
        do {
            _ = try scope.run(as: scope.clerk) { try ApplicationWorkflow.submit(second.id, expecting: nil, $0) }
            Issue.record("two takeovers of one pension were submitted")
        } catch let failure as BusinessFailure {
            #expect(failure.issues.map(\.code) == [.applicationPending])
            #expect(failure.issues.first?.arguments == ["application": "\(first.id)"])
        }
        // The one under review is not in its own way.
        let approved = try scope.run(as: scope.reviewer) {
            try ApplicationWorkflow.approve(first.id, expecting: nil, $0)
        }
        #expect(approved.status == .approved)
    }

    @Test func aPersonOutsideTheOfficesOrABankNobodyKnowsIsRefused() throws {
        let scope = try BusinessScope()
        let elsewhere = try #require(try scope.addPerson(4, office: "320104").personID)
        let outcome = try scope.run(as: scope.clerk) { try ApplicationWorkflow.preview(Self.takeover(elsewhere), $0) }
        #expect(outcome.issues.map(\.code) == [.personNotFound])
        let person = try #require(try scope.addPerson(5, office: "320102").personID)
        guard case .benefitTakeover(var payload) = Self.takeover(person) else { return }
        payload.bankCode = "HSBC"
        payload.startPeriod = 198_001
        let refused = try scope.run(as: scope.clerk) { try ApplicationWorkflow.preview(.benefitTakeover(payload), $0) }
        #expect(refused.issues.map(\.code) == [.bankNotFound, .periodBeforeBirth])
        #expect(refused.issues.first?.arguments == ["allowed": "BOC,CCB,ICBC"])
        #expect(refused.effects.benefit == nil)
    }

    @Test func benefitsAreSeenInTheirOfficeAndByTheirPersonOnly() throws {
        let scope = try BusinessScope()
        let personSession = try scope.addPerson(6, office: "320102")
        let person = try #require(personSession.personID)
        let benefit = try self.benefit(of: try self.approved(scope, Self.takeover(person)).id, scope)

        let page = try scope.run(as: scope.reviewer) { try Benefits.list(BenefitFilter(), PageRequest(limit: 10), $0) }
        #expect(page.items.map(\.id) == [benefit])
        #expect(page.items.first?.citizenIDMasked?.contains("*") == true)
        #expect(page.items.first?.bankCardMasked == "621700*********0122")
        let filtered = try scope.run(as: scope.reviewer) { context in
            try Benefits.list(BenefitFilter(personID: person, kind: .basicPension), PageRequest(limit: 10), context)
        }
        #expect(filtered.items.count == 1)
        let suspended = try scope.run(as: scope.reviewer) { context in
            try Benefits.list(BenefitFilter(status: .suspended), PageRequest(limit: 10), context)
        }
        #expect(suspended.items.isEmpty)

        let record = try scope.run(as: scope.reviewer) { try Benefits.benefit(benefit, $0) }
        #expect(record.bankCardNumber == "6217001234567890122" && record.bankName == "中国建设银行")
        #expect(record.personName == BusinessScope.name(6) && record.applicationID != nil)
        #expect(
            try scope.sql(
                "SELECT count(*) FROM shebao.audit_event WHERE action = 'benefit.read' AND target_id = $1",
                ["\(benefit)"]
            ).single().decode(0, as: Int64.self) == 1
        )

        // The sibling district sees none of it.
        let sibling = try scope.run(as: scope.otherReviewer) { context in
            try Benefits.list(BenefitFilter(), PageRequest(limit: 10), context)
        }
        #expect(sibling.items.isEmpty)
        #expect(throws: BusinessFailure.self) {
            try scope.run(as: scope.otherReviewer) { try Benefits.benefit(benefit, $0) }
        }

        // The person sees their own; another person nothing.
        let own = try scope.run(as: personSession) { try Benefits.benefit(benefit, $0) }
        #expect(own.id == benefit)
        let mine = try scope.run(as: personSession) { try Benefits.list(BenefitFilter(), PageRequest(limit: 10), $0) }
        #expect(mine.items.map(\.id) == [benefit])
        let stranger = try scope.addPerson(7, office: "320102")
        let theirs = try scope.run(as: stranger) { try Benefits.list(BenefitFilter(), PageRequest(limit: 10), $0) }
        #expect(theirs.items.isEmpty)
        #expect(throws: BusinessFailure.self) {
            try scope.run(as: stranger) { try Benefits.benefit(benefit, $0) }
        }
    }

    @Test func aStatusChangeExpectsTheVersionReadAndIsAuditedBeforeAndAfter() throws {
        let scope = try BusinessScope()
        let person = try #require(try scope.addPerson(8, office: "320102").personID)
        let benefit = try self.benefit(of: try self.approved(scope, Self.takeover(person)).id, scope)
        let suspend = BenefitStatusChange(
            status: .suspended,
            reason: " 未按期完成资格认证 ",
            effectiveOn: CalendarDate(year: 2026, month: 12, day: 1)
        )
        func change(_ change: BenefitStatusChange, _ expected: ExpectedVersion?) throws -> BenefitRecord {
            try scope.run(as: scope.clerk) { try Benefits.changeStatus(benefit, change, expecting: expected, $0) }
        }
        func refusal(_ change: BenefitStatusChange, _ expected: ExpectedVersion?) -> BusinessFailure? {
            do {
                _ = try scope.run(as: scope.clerk) {
                    try Benefits.changeStatus(benefit, change, expecting: expected, $0)
                }
                return nil
            } catch {
                return error as? BusinessFailure
            }
        }
        #expect(refusal(suspend, nil)?.kind == .versionRequired)
        #expect(refusal(suspend, .oneOf([9]))?.kind == .stale(version: "1"))
        #expect(
            refusal(BenefitStatusChange(status: .suspended), .any)?.issues.map { "\($0.field) \($0.code.rawValue)" }
                == ["reason required", "effectiveOn required"]
        )
        #expect(refusal(BenefitStatusChange(status: .active), .any)?.kind == .conflict, "active already")

        let suspended = try change(suspend, .oneOf([1]))
        #expect(suspended.status == .suspended && suspended.version == 2)
        #expect(suspended.statusReason == "未按期完成资格认证" && suspended.statusChangedOn?.iso == "2026-12-01")
        let resumed = try change(BenefitStatusChange(status: .active, reason: "已补办认证"), .oneOf([2]))
        #expect(resumed.status == .active && resumed.statusReason == nil && resumed.statusChangedOn == nil)

        let tooEarly = BenefitStatusChange(
            status: .ended,
            reason: "死亡",
            effectiveOn: CalendarDate(year: 2023, month: 12, day: 31)
        )
        #expect(refusal(tooEarly, .any)?.issues.map(\.code) == [.benefitEndBeforeStart])
        let end = BenefitStatusChange(
            status: .ended,
            reason: "死亡",
            effectiveOn: CalendarDate(year: 2026, month: 11, day: 20)
        )
        let ended = try change(end, .oneOf([3]))
        #expect(ended.status == .ended && ended.endPeriod == 202_611 && ended.version == 4)
        #expect(refusal(BenefitStatusChange(status: .active), .any)?.kind == .conflict, "an end is final")

        // Another district's operator cannot reach it.
        #expect(throws: BusinessFailure.self) {
            try scope.run(as: scope.otherReviewer) {
                try Benefits.changeStatus(benefit, suspend, expecting: .any, $0)
            }
        }

        let events = try scope.sql(
            """
            SELECT action, before->>'status', after->>'status', after->>'reason', after->>'endPeriod'
            FROM shebao.audit_event WHERE target_type = 'benefit' AND target_id = $1 ORDER BY id
            """,
            ["\(benefit)"]
        ).map {
            [
                try $0.decode(0, as: String.self), try $0.decode(1, as: String?.self) ?? "-",
                try $0.decode(2, as: String?.self) ?? "-", try $0.decode(3, as: String?.self) ?? "-",
                try $0.decode(4, as: String?.self) ?? "-",
            ].joined(separator: " ")
        }
        #expect(
            events == [
                "benefit.suspend active suspended - -", "benefit.resume suspended active 已补办认证 -",
                "benefit.end active ended - 202611",
            ]
        )
    }
}
