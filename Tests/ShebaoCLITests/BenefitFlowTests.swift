import Foundation
import Postgres
import Security
import TestSupport
import Testing

/// A benefit taken over from a previous system, over HTTP against a real worker: the takeover
/// through the application workflow (its formats refused as every type's are, its duplicates
/// at compliance), then the benefit as a record: listed, read, its status changed under
/// If-Match, by the roles that may and no others, and read by its own person.
@Suite(
    .enabled(if: TestEnvironment.shebaoExecutable != nil && TestEnvironment.hasDatabase, "needs make test"),
    .serialized
)
struct BenefitFlowTests {
    /// A pension for the person the office fixture registered: 3,500 yuan from January 2024.
    static func takeover(_ changes: [String: Any] = [:]) -> [String: Any] {
        let payload: [String: Any] = [
            "citizenId": BusinessFlowTests.citizen, "kind": "basic_pension", "monthlyAmountFen": 350_000,
            "startPeriod": 202_401, "bankCode": "icbc", "bankCardNumber": "6222 0212 3456 7894",
            "previousReference": "JS-2019-0001",
        ]
        return ["type": "benefit_takeover", "payload": payload.merging(changes) { $1 }]
    }

    /// Takes the pension (with `changes`) over through the workflow; the benefit's ID.
    static func takenOver(_ office: BusinessTypesTests.Office, _ changes: [String: Any] = [:]) throws -> Int64 {
        let approved = try office.submitAndApprove(try office.create(Self.takeover(changes)))
        let application = try #require(approved.object["id"] as? Int)
        return try office.scalar(
            "SELECT id FROM shebao.benefit WHERE application_id = $1",
            [Int64(application)],
            as: Int64.self
        )
    }

    @Test func aTakeoverIsMadeCheckedAndApprovedAndItsDuplicateRefused() throws {
        let office = try BusinessTypesTests.Office()
        let fixture = office.fixture
        // The shape first: a kind paid once, no amount, a member no one knows: 400, each named.
        for (changes, field) in [
            (["kind": "medical_reimbursement"], "payload.kind"), (["monthlyAmountFen": 0], "payload.monthlyAmountFen"),
            (["monthlyAmountFen": 5_000_001], "payload.monthlyAmountFen"), (["salary": 1], "payload.salary"),
            (["startPeriod": "202401"], "payload.startPeriod"),
        ] as [([String: Any], String)] {
            let refused = try fixture.request(
                "POST",
                "/api/v1/applications",
                json: Self.takeover(changes),
                token: office.clerk
            )
            #expect(refused.status == 400, "\(refused.text)")
            #expect(refused.issues().contains { $0["field"] as? String == field }, "\(refused.text)")
        }
        // Then the checks: a draft is kept with its findings, and submission refuses it with 422.
        let wrongCard = try office.create(Self.takeover(["bankCardNumber": "6222021234567891", "bankCode": "HSBC"]))
        let submitted = try fixture.request("POST", "/api/v1/applications/\(wrongCard)/submit", token: office.clerk)
        #expect(submitted.status == 422)
        #expect(
            Set(submitted.issues().compactMap { $0["code"] as? String }) == [
                "bank_card.check_digit", "bank.not_found",
            ],
            "\(submitted.text)"
        )

        // A good one: previewed with the benefit it makes, made, submitted, approved by another.
        let preview = try fixture.request(
            "POST",
            "/api/v1/applications/preview",
            json: Self.takeover(),
            token: office.clerk
        )
        let checks = try #require(preview.object["checks"] as? [String: Any], "\(preview.text)")
        #expect(checks["valid"] as? Bool == true, "\(preview.text)")
        let effect = (checks["effects"] as? [String: Any])?["benefit"] as? [String: Any]
        #expect(effect?["bankName"] as? String == "中国工商银行" && effect?["monthlyAmount"] as? String == "3500.00")
        let id = try office.create(Self.takeover())
        try office.submitAndApprove(id)
        let approved = try fixture.request("GET", "/api/v1/applications/\(id)", token: office.reviewer)
        let voucher = try #require(approved.object["voucherNumber"] as? String)
        let content = try fixture.request("GET", "/api/v1/vouchers/\(voucher)", token: office.clerk)
        #expect(content.text.contains("基本养老金（待遇编号"), "\(content.text)")
        let row = try fixture.sql(
            """
            SELECT b.office_id, b.kind, b.bank_code, b.bank_card_number, b.status, b.application_id
            FROM shebao.benefit b JOIN shebao.person p ON p.id = b.person_id WHERE p.citizen_id = $1
            """,
            [BusinessFlowTests.citizen]
        ).single()
        #expect(try row.decode(0, as: Int64.self) == fixture.offices["320102"])
        #expect(try row.decode(1, as: String.self) == "basic_pension" && row.decode(2, as: String.self) == "ICBC")
        #expect(try row.decode(3, as: String.self) == "6222021234567894" && row.decode(4, as: String.self) == "active")
        #expect(try row.decode(5, as: Int64.self) == Int64(id))

        // The same pension again: refused at compliance, naming the office that pays it.
        let again = try office.create(Self.takeover())
        let duplicate = try fixture.request("POST", "/api/v1/applications/\(again)/submit", token: office.clerk)
        #expect(duplicate.status == 422)
        #expect(duplicate.issues().first?["code"] as? String == "benefit.exists", "\(duplicate.text)")
        #expect((duplicate.issues().first?["arguments"] as? [String: String])?["office"] == "320102")
        // The sibling district's clerk does not find the person at all.
        let sibling = try fixture.request(
            "POST",
            "/api/v1/applications/preview",
            json: Self.takeover(["kind": "survivor_pension"]),
            token: office.otherClerk
        )
        let siblingChecks = try #require(sibling.object["checks"] as? [String: Any])
        #expect(sibling.issues("errors", in: siblingChecks).map { $0["code"] as? String } == ["person.not_found"])
    }

    @Test func aBenefitIsReadAndChangedByItsRolesAndReadByItsPerson() throws {
        let office = try BusinessTypesTests.Office()
        let fixture = office.fixture
        let benefit = try Self.takenOver(office)

        let list = try fixture.request("GET", "/api/v1/benefits?kind=basic_pension&limit=5", token: office.clerk)
        #expect(list.status == 200)
        let items = try #require(list.object["items"] as? [[String: Any]], "\(list.text)")
        #expect(items.map { $0["id"] as? Int } == [Int(benefit)])
        #expect(items.first?["bankCardMasked"] as? String == "622202******7894")
        // A second benefit of the person, for a second page: its link carries the query as it came,
        // a parameter no operation declares included, escaped into one line of printable text.
        let survivorID = try Self.takenOver(office, ["kind": "survivor_pension"])
        let first = try fixture.request("GET", "/api/v1/benefits?limit=1&%07bell=%E2%80%A8", token: office.clerk)
        let next = try #require(first.object["next"] as? String, "\(first.text)")
        #expect(next.hasPrefix("/api/v1/benefits?") && next.contains("%07bell=%E2%80%A8"), "\(next)")
        #expect(next.unicodeScalars.allSatisfy { (0x20..<0x7F).contains($0.value) }, "\(next)")
        let second = try fixture.request("GET", next, token: office.clerk)
        #expect((second.object["items"] as? [[String: Any]])?.map { $0["id"] as? Int } == [Int(benefit)])
        let none = try fixture.request("GET", "/api/v1/benefits", token: office.otherClerk)
        #expect((none.object["items"] as? [Any])?.isEmpty == true, "\(none.text)")
        #expect(try fixture.request("GET", "/api/v1/benefits/\(benefit)", token: office.otherReviewer).status == 404)
        let bad = try fixture.request("GET", "/api/v1/benefits?status=paused", token: office.clerk)
        #expect(bad.status == 400 && bad.issues().first?["field"] as? String == "status")

        let read = try fixture.request("GET", "/api/v1/benefits/\(benefit)", token: office.reviewer)
        #expect(read.status == 200)
        #expect(read.header("ETag") == "\"1\"")
        #expect(read.object["bankCardNumber"] as? String == "6222021234567894")
        #expect(read.object["kindName"] as? String == "基本养老金")

        let path = "/api/v1/benefits/\(benefit)/status"
        /// A status change `body` as `token` (the clerk's by default) with `If-Match: version`.
        func change(_ body: [String: Any], _ version: String?, token: String? = nil) throws -> TestResponse {
            try fixture.request(
                "POST",
                path,
                json: body,
                token: token ?? office.clerk,
                headers: version.map { [("If-Match", $0), ("Accept-Language", "en")] } ?? []
            )
        }
        let suspend: [String: Any] = ["status": "suspended", "reason": "未按期完成资格认证", "effectiveOn": "2026-12-01"]
        #expect(try change(suspend, nil).status == 400, "no If-Match")
        let stale = try change(suspend, "\"7\"")
        #expect(stale.status == 412 && stale.header("ETag") == "\"1\"")
        #expect(try change(suspend, "\"1\"", token: office.reviewer).status == 403, "a reviewer decides others' work")
        let noReason = try change(["status": "ended", "effectiveOn": "2026-12-01"], "\"1\"")
        #expect(noReason.status == 422 && noReason.issues().first?["field"] as? String == "reason")
        let suspended = try change(suspend, "\"1\"")
        #expect(suspended.status == 200, "\(suspended.text)")
        #expect(suspended.object["status"] as? String == "suspended" && suspended.header("ETag") == "\"2\"")
        let ended = try change(["status": "ended", "reason": "待遇领取人死亡", "effectiveOn": "2026-11-20"], "\"2\"")
        #expect(ended.object["endPeriod"] as? Int == 202_611 && ended.object["statusName"] as? String == "ended")
        let final = try change(["status": "active"], "*")
        #expect(final.status == 409, "\(final.text)")
        let audited = try fixture.sql(
            "SELECT action FROM shebao.audit_event WHERE target_type = 'benefit' AND target_id = $1 ORDER BY id",
            ["\(benefit)"]
        ).map { try $0.decode(0, as: String.self) }
        #expect(audited == ["benefit.read", "benefit.suspend", "benefit.end"])

        // The person logs in and sees their own benefits (another's are the in-process tests').
        let hash = try PasswordHash.make(password: "huaxia2026", parameters: .init(logN: 10, r: 8, p: 1))
        _ = try fixture.sql(
            """
            INSERT INTO shebao.person_credential (person_id, office_id, password_hash, password_changed_at)
            SELECT id, office_id, $2, now() FROM shebao.person WHERE citizen_id = $1
            """,
            [BusinessFlowTests.citizen, hash.encoded]
        )
        let login = try fixture.request(
            "POST",
            "/api/v1/auth/person/login",
            json: ["citizenId": BusinessFlowTests.citizen, "password": "huaxia2026"]
        )
        let person = try #require(login.object["token"] as? String, "\(login.text)")
        let own = try fixture.request("GET", "/api/v1/benefits", token: person)
        #expect(
            (own.object["items"] as? [[String: Any]])?.map { $0["id"] as? Int } == [Int(survivorID), Int(benefit)],
            "\(own.text)"
        )
        #expect(try fixture.request("GET", "/api/v1/benefits/\(benefit)", token: person).status == 200)
        #expect(try fixture.request("GET", "/api/v1/benefits/\(survivorID + 1)", token: person).status == 404)
        #expect(try change(["status": "active"], "*", token: person).status == 403)
    }
}
