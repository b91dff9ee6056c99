import Foundation
import Postgres
import TestSupport
import Testing

/// The operator's whole flow over HTTP, against a real worker and PostgreSQL: entry, preview,
/// the two check stages, submission, review, the voucher and its verification, and what must
/// be refused on the way.
@Suite(
    .enabled(if: TestEnvironment.shebaoExecutable != nil && TestEnvironment.hasDatabase, "needs make test"),
    .serialized
)
struct BusinessFlowTests {
    static let citizen = "110105199003071239"
    static let creditCode = "91350100M000100Y43"

    /// Registers the employer through its own application, approved by `reviewer`.
    static func registerEmployer(_ fixture: BusinessFixture, clerk: String, reviewer: String) throws -> Int64 {
        let id = try Self.submitEmployerRegistration(fixture, clerk: clerk)
        let approved = try fixture.request("POST", "/api/v1/applications/\(id)/approve", token: reviewer)
        #expect(approved.status == 200, "\(approved.text)")
        return try #require(
            try fixture.sql("SELECT id FROM shebao.employer WHERE credit_code = $1", [Self.creditCode]).first?.decode(
                0,
                as: Int64.self
            )
        )
    }

    /// The employer's registration, made and submitted by `clerk`: its application's ID.
    static func submitEmployerRegistration(_ fixture: BusinessFixture, clerk: String) throws -> Int {
        let created = try fixture.request(
            "POST",
            "/api/v1/applications",
            json: [
                "type": "employer_registration",
                "payload": [
                    "creditCode": Self.creditCode, "name": "南京示例科技有限公司", "industryCode": "I65", "riskClass": 1,
                    "address": "南京市玄武区示例路1号", "contactPhone": "025-84000000",
                ],
            ],
            token: clerk
        )
        #expect(created.status == 201, "\(created.text)")
        let id = try #require(created.object["id"] as? Int)
        let submitted = try fixture.request("POST", "/api/v1/applications/\(id)/submit", token: clerk)
        #expect(submitted.status == 200, "\(submitted.text)")
        return id
    }

    static func registration(citizen: String, employer: Int64, wageFen: Int) -> [String: Any] {
        [
            "type": "person_registration",
            "payload": [
                "name": "张三", "citizenId": citizen, "gender": "male", "phone": "13812345678",
                "householdType": "urban", "bankCardNumber": "6222 0212 3456 7894",
                "enrolments": [
                    ["schemeCode": "110", "employerId": employer, "startPeriod": 202611, "declaredWageFen": wageFen]
                ],
            ],
        ]
    }

    @Test func aClerkRegistersAndEnrolsAReviewerApprovesAndTheVoucherVerifies() throws {
        let fixture = try BusinessFixture()
        try fixture.addOperator("clerk-a", office: "320102", roles: ["clerk"])
        try fixture.addOperator("reviewer-a", office: "320102", roles: ["reviewer"])
        try fixture.addOperator("clerk-b", office: "320104", roles: ["clerk"])
        try fixture.addOperator("reviewer-b", office: "320104", roles: ["reviewer"])
        let clerk = try fixture.login("clerk-a")
        let reviewer = try fixture.login("reviewer-a")
        let employer = try Self.registerEmployer(fixture, clerk: clerk, reviewer: reviewer)

        // A wrong check character: the draft is kept, submission answers 422 naming the field.
        let wrongID = String(Self.citizen.dropLast()) + "4"
        let draft = try fixture.request(
            "POST",
            "/api/v1/applications",
            json: Self.registration(citizen: wrongID, employer: employer, wageFen: 300_000),
            token: clerk
        )
        #expect(draft.status == 201, "\(draft.text)")
        let id = try #require(draft.object["id"] as? Int)
        let etag = try #require(draft.header("ETag"))
        let refused = try fixture.request("POST", "/api/v1/applications/\(id)/submit", token: clerk)
        #expect(refused.status == 422)
        #expect(refused.header("Content-Type") == "application/problem+json")
        #expect(
            refused.issues().contains {
                $0["field"] as? String == "citizenId" && $0["code"] as? String == "citizen_id.check_character"
            }
        )
        #expect(
            try fixture.sql("SELECT status FROM shebao.application WHERE id = $1", [id]).single().decode(
                0,
                as: String.self
            ) == "draft"
        )

        // The preview shows the clamped base, the warning naming both figures, and the amounts.
        let corrected = Self.registration(citizen: Self.citizen, employer: employer, wageFen: 300_000)
        let preview = try fixture.request("POST", "/api/v1/applications/preview", json: corrected, token: clerk)
        #expect(preview.status == 200, "\(preview.text)")
        let checks = try #require(preview.object["checks"] as? [String: Any])
        #expect(checks["valid"] as? Bool == true)
        let warning = try #require(preview.issues("warnings", in: checks).first)
        #expect(warning["code"] as? String == "base.below_floor")
        let message = try #require(warning["message"] as? String)
        #expect(
            message.contains("4500.00") && message.contains("22500.00") && message.contains("3000.00"),
            "\(message)"
        )
        let effects = try #require(checks["effects"] as? [String: Any])
        let pension = try #require((effects["contributions"] as? [[String: Any]])?.first)
        #expect(pension["baseFen"] as? Int == 450_000)
        #expect(pension["clamped"] as? String == "floor")
        #expect(pension["employerFen"] as? Int == 72_000)
        #expect(pension["personalFen"] as? Int == 36_000)
        #expect(try fixture.sql("SELECT count(*) FROM shebao.person").single().decode(0, as: Int64.self) == 0)

        // A stale If-Match is refused; the current one takes the correction.
        let stale = try fixture.request(
            "PUT",
            "/api/v1/applications/\(id)",
            json: corrected,
            token: clerk,
            headers: [("If-Match", "\"99\"")]
        )
        #expect(stale.status == 412)
        let updated = try fixture.request(
            "PUT",
            "/api/v1/applications/\(id)",
            json: corrected,
            token: clerk,
            headers: [("If-Match", etag)]
        )
        #expect(updated.status == 200, "\(updated.text)")
        #expect(updated.header("ETag") != etag)
        let submitted = try fixture.request("POST", "/api/v1/applications/\(id)/submit", token: clerk)
        #expect(submitted.status == 200, "\(submitted.text)")
        #expect(submitted.object["status"] as? String == "submitted")

        // The maker cannot approve; a sibling office cannot see it at all.
        #expect(try fixture.request("POST", "/api/v1/applications/\(id)/approve", token: clerk).status == 403)
        let otherReviewer = try fixture.login("reviewer-b")
        #expect(try fixture.request("GET", "/api/v1/applications/\(id)", token: otherReviewer).status == 404)
        #expect(try fixture.request("POST", "/api/v1/applications/\(id)/approve", token: otherReviewer).status == 404)

        let approved = try fixture.request("POST", "/api/v1/applications/\(id)/approve", token: reviewer)
        #expect(approved.status == 200, "\(approved.text)")
        #expect(approved.object["status"] as? String == "approved")
        let number = try #require(approved.object["voucherNumber"] as? String)
        #expect(number.hasPrefix("320102-"))
        let person = try fixture.sql(
            "SELECT id, bank_card_number FROM shebao.person WHERE citizen_id = $1",
            [Self.citizen]
        ).single()
        let personID = try person.decode(0, as: Int64.self)
        #expect(try person.decode(1, as: String.self) == "6222021234567894")
        let enrolment = try fixture.sql(
            "SELECT status, start_period FROM shebao.enrolment WHERE person_id = $1 AND scheme_code = '110'",
            [personID]
        ).single()
        #expect(try enrolment.decode(0, as: String.self) == "active")
        #expect(try enrolment.decode(1, as: Int.self) == 202611)
        #expect(
            try fixture.sql("SELECT base_fen FROM shebao.base_declaration WHERE person_id = $1", [personID]).single()
                .decode(0, as: Int64.self) == 450_000
        )
        let notices = try fixture.sql(
            "SELECT channel FROM shebao.notification_outbox WHERE person_id = $1 ORDER BY channel",
            [personID]
        ).map { try $0.decode(0, as: String.self) }
        #expect(notices == ["inbox", "sms"])

        // The voucher: JSON, a printable page, and the public verification.
        let voucher = try fixture.request("GET", "/api/v1/vouchers/\(number)", token: clerk)
        #expect(voucher.status == 200, "\(voucher.text)")
        let code = try #require(voucher.object["verificationCode"] as? String)
        let content = try #require(voucher.object["content"] as? [String: Any])
        #expect(content["personCitizenIdMasked"] as? String == "110105********1239")
        #expect(content["reviewerUsername"] as? String == "reviewer-a")
        let page = try fixture.request(
            "GET",
            "/api/v1/vouchers/\(number)",
            token: clerk,
            headers: [("Accept", "text/html")]
        )
        #expect(page.status == 200)
        #expect(page.header("Content-Type")?.hasPrefix("text/html") == true)
        #expect(page.text.contains("社会保险业务办理凭证") && page.text.contains(number) && page.text.contains(code))
        #expect(!page.text.contains(Self.citizen))
        let verified = try fixture.request("GET", "/verify/\(number)?code=\(code)")
        #expect(verified.status == 200, "\(verified.text)")
        #expect(verified.object["valid"] as? Bool == true)
        #expect(!verified.text.contains(Self.citizen) && !verified.text.contains("reviewer-a"))
        let forged = try fixture.request("GET", "/verify/\(number)?code=AAAAAAAAAAAAAAAA")
        #expect(forged.status == 404)
        #expect(forged.object["valid"] as? Bool == false)
        #expect(try fixture.request("GET", "/api/v1/vouchers/\(number)", token: otherReviewer).status == 404)

        // Another office's clerk cannot enrol the same citizen in 110: the first office is named.
        let otherClerk = try fixture.login("clerk-b")
        let elsewhere = try fixture.request(
            "POST",
            "/api/v1/applications",
            json: [
                "type": "enrolment",
                "payload": ["citizenId": Self.citizen, "enrolments": [["schemeCode": "110", "startPeriod": 202612]]],
            ],
            token: otherClerk
        )
        #expect(elsewhere.status == 201, "\(elsewhere.text)")
        let otherID = try #require(elsewhere.object["id"] as? Int)
        let duplicate = try fixture.request("POST", "/api/v1/applications/\(otherID)/submit", token: otherClerk)
        #expect(duplicate.status == 422)
        let active = try #require(duplicate.issues().first { $0["code"] as? String == "enrolment.active_elsewhere" })
        #expect(active["field"] as? String == "enrolments[0].schemeCode")
        #expect((active["message"] as? String)?.contains("320102") == true, "\(active)")
        #expect((active["arguments"] as? [String: String])?["office"] == "320102")

        // The sibling office sees none of it: the person, the application, the voucher.
        #expect(try fixture.request("GET", "/api/v1/persons/\(personID)", token: otherClerk).status == 404)
        #expect(
            try fixture.request("GET", "/api/v1/persons?citizenId=\(Self.citizen)", token: otherClerk).object["items"]
                as? [Any] == nil
                || (try fixture.request("GET", "/api/v1/persons?citizenId=\(Self.citizen)", token: otherClerk).object[
                    "items"
                ] as? [Any])?.isEmpty == true
        )

        // The home office: a list masks, opening the record shows it in full and is audited.
        let list = try fixture.request("GET", "/api/v1/persons?citizenId=\(Self.citizen)", token: clerk)
        let item = try #require((list.object["items"] as? [[String: Any]])?.first)
        #expect(item["citizenIdMasked"] as? String == "110105********1239")
        #expect(item["phoneMasked"] as? String == "138****5678")
        #expect(!list.text.contains(Self.citizen))
        let record = try fixture.request("GET", "/api/v1/persons/\(personID)", token: clerk)
        #expect(record.object["citizenId"] as? String == Self.citizen)
        let enrolments = try #require(record.object["enrolments"] as? [[String: Any]])
        #expect(enrolments.first?["schemeCode"] as? String == "110")
        #expect((record.object["applications"] as? [[String: Any]])?.first?["voucherNumber"] as? String == number)

        let opened = try fixture.request("GET", "/api/v1/applications/\(id)", token: reviewer)
        #expect(opened.object["voucherNumber"] as? String == number)
        #expect((opened.object["payload"] as? [String: Any])?["citizenId"] as? String == Self.citizen)

        let actions = try fixture.sql("SELECT action FROM shebao.audit_event ORDER BY id").map {
            try $0.decode(0, as: String.self)
        }
        for action in [
            "application.create", "application.update", "application.submit", "application.approve", "voucher.read",
            "person.read", "application.read",
        ] {
            #expect(actions.contains(action), "no \(action) in \(actions)")
        }
        #expect(!actions.contains("application.preview"))
    }

    @Test func aReplayedIdempotencyKeyCreatesOneRecordAndAnotherBodyIsRefused() throws {
        let fixture = try BusinessFixture()
        try fixture.addOperator("clerk-a", office: "320102", roles: ["clerk"])
        let clerk = try fixture.login("clerk-a")
        let body: [String: Any] = [
            "type": "employer_registration",
            "payload": ["creditCode": "91110108MA01ABCD5T", "name": "北京示例有限公司", "industryCode": "C13", "riskClass": 2],
        ]
        let first = try fixture.request(
            "POST",
            "/api/v1/applications",
            json: body,
            token: clerk,
            headers: [("Idempotency-Key", "k-1")]
        )
        #expect(first.status == 201, "\(first.text)")
        let again = try fixture.request(
            "POST",
            "/api/v1/applications",
            json: body,
            token: clerk,
            headers: [("Idempotency-Key", "k-1")]
        )
        #expect(again.status == 201)
        #expect(again.header("Idempotent-Replayed") == "true")
        #expect(again.object["id"] as? Int == first.object["id"] as? Int)
        #expect(try fixture.sql("SELECT count(*) FROM shebao.application").single().decode(0, as: Int64.self) == 1)
        var other = body
        other["payload"] = ["creditCode": "91350100M000100Y43", "name": "另一家公司", "industryCode": "C13", "riskClass": 2]
        let conflicting = try fixture.request(
            "POST",
            "/api/v1/applications",
            json: other,
            token: clerk,
            headers: [("Idempotency-Key", "k-1")]
        )
        #expect(conflicting.status == 422)
        #expect(try fixture.sql("SELECT count(*) FROM shebao.application").single().decode(0, as: Int64.self) == 1)
    }

    @Test func theMakerCannotApproveTheirOwnApplicationWhateverRolesTheyHold() throws {
        let fixture = try BusinessFixture()
        // Lift the incompatible-post rule for this test, so one operator holds both roles.
        _ = try fixture.sql("DELETE FROM shebao.role_conflict")
        try fixture.addOperator("both", office: "320102", roles: ["clerk", "reviewer"])
        let token = try fixture.login("both")
        let created = try fixture.request(
            "POST",
            "/api/v1/applications",
            json: [
                "type": "employer_registration",
                "payload": ["creditCode": Self.creditCode, "name": "示例公司", "industryCode": "C13", "riskClass": 1],
            ],
            token: token
        )
        let id = try #require(created.object["id"] as? Int)
        #expect(try fixture.request("POST", "/api/v1/applications/\(id)/submit", token: token).status == 200)
        let own = try fixture.request("POST", "/api/v1/applications/\(id)/approve", token: token)
        #expect(own.status == 403)
        #expect(own.object["detail"] as? String == "不能复核自己经办的业务（经办与复核须为不同人员）")
        let english = try fixture.request(
            "POST",
            "/api/v1/applications/\(id)/approve",
            token: token,
            headers: [("Accept-Language", "en-US,en;q=0.9")]
        )
        #expect(english.object["detail"] as? String == "you cannot decide an application you made (maker-checker)")
        #expect(
            try fixture.sql("SELECT status FROM shebao.application WHERE id = $1", [id]).single().decode(
                0,
                as: String.self
            ) == "submitted"
        )
    }

    @Test func anAdministratorAndAnAuditorCannotReadPersonsAndAPersonSeesOnlyTheirOwn() throws {
        let fixture = try BusinessFixture()
        try fixture.addOperator("admin", office: "320102", roles: ["administrator"])
        try fixture.addOperator("auditor", office: "320102", roles: ["auditor"])
        let office = try #require(fixture.offices["320102"])
        var persons: [Int64] = []
        for (citizen, name, gender, birth, phone) in [
            (Self.citizen, "张三", "male", "1990-03-07", "13812345678"),
            ("440305198511150040", "李四", "female", "1985-11-15", "13912345678"),
        ] {
            persons.append(
                try fixture.sql(
                    """
                    INSERT INTO shebao.person (office_id, citizen_id, name, gender, birth_date, phone, household_type)
                    VALUES ($1, $2, $3, $4, $5::date, $6, 'urban') RETURNING id
                    """,
                    [office, citizen, name, gender, birth, phone]
                ).single().decode(0, as: Int64.self)
            )
        }
        for role in ["admin", "auditor"] {
            let token = try fixture.login(role)
            #expect(try fixture.request("GET", "/api/v1/persons/\(persons[0])", token: token).status == 403)
            #expect(try fixture.request("GET", "/api/v1/persons?name=%E5%BC%A0", token: token).status == 403)
            #expect(
                try fixture.request(
                    "POST",
                    "/api/v1/applications",
                    json: ["type": "enrolment", "payload": [:]],
                    token: token
                )
                .status == 403
            )
        }
        // The person logs in with an SMS code read from the outbox.
        let sent = try fixture.request("POST", "/api/v1/auth/person/code", json: ["citizenId": Self.citizen])
        #expect(sent.status == 202)
        let code = try #require(
            try fixture.sql(
                "SELECT payload->>'code' FROM shebao.notification_outbox WHERE person_id = $1 ORDER BY id DESC LIMIT 1",
                [persons[0]]
            ).single().decode(0, as: String?.self)
        )
        let login = try fixture.request(
            "POST",
            "/api/v1/auth/person/login",
            json: ["citizenId": Self.citizen, "code": code]
        )
        let token = try #require(login.object["token"] as? String, "\(login.text)")
        let own = try fixture.request("GET", "/api/v1/persons/\(persons[0])", token: token)
        #expect(own.status == 200, "\(own.text)")
        #expect(own.object["citizenId"] as? String == Self.citizen)
        #expect(try fixture.request("GET", "/api/v1/persons/\(persons[1])", token: token).status == 404)
        #expect(try fixture.request("GET", "/api/v1/persons?name=%E6%9D%8E", token: token).status == 403)
        // Their own applications, and nobody else's.
        try fixture.addOperator("clerk-a", office: "320102", roles: ["clerk"])
        let clerk = try fixture.login("clerk-a")
        for citizen in [Self.citizen, "440305198511150040"] {
            let created = try fixture.request(
                "POST",
                "/api/v1/applications",
                json: ["type": "person_change", "payload": ["citizenId": citizen, "address": "南京市玄武区北京东路1号"]],
                token: clerk
            )
            #expect(created.status == 201, "\(created.text)")
        }
        let list = try fixture.request("GET", "/api/v1/applications", token: token)
        let items = try #require(list.object["items"] as? [[String: Any]], "\(list.text)")
        #expect(items.count == 1)
        #expect(items.first?["subjectIdMasked"] as? String == "110105********1239")
        let audited = try fixture.sql(
            "SELECT actor_kind FROM shebao.audit_event WHERE action = 'person.read' AND target_id = $1",
            ["\(persons[0])"]
        ).map { try $0.decode(0, as: String.self) }
        #expect(audited == ["person"])
    }
}

extension BusinessFlowTests {
    @Test func administrationHonoursIdempotencyKeysButNeverKeepsAOneTimePassword() throws {
        let fixture = try BusinessFixture()
        try fixture.addOperator("admin", office: "320100", roles: ["administrator"])
        let token = try fixture.login("admin")
        let city = try #require(fixture.offices["320100"])
        let office: [String: Any] = ["parentId": city, "code": "320105", "name": "建邺区社会保险管理中心", "level": "district"]
        let first = try fixture.request(
            "POST",
            "/api/v1/admin/offices",
            json: office,
            token: token,
            headers: [("Idempotency-Key", "o-1")]
        )
        #expect(first.status == 201, "\(first.text)")
        let again = try fixture.request(
            "POST",
            "/api/v1/admin/offices",
            json: office,
            token: token,
            headers: [("Idempotency-Key", "o-1")]
        )
        #expect(again.status == 201)
        #expect(again.header("Idempotent-Replayed") == "true")
        #expect(again.object["id"] as? Int == first.object["id"] as? Int)
        #expect(
            try fixture.sql("SELECT count(*) FROM shebao.office WHERE code = '320105'").single().decode(
                0,
                as: Int64.self
            ) == 1
        )

        let person: [String: Any] = [
            "username": "clerk-new", "displayName": "新经办员", "officeId": city, "roles": ["clerk"],
        ]
        let created = try fixture.request(
            "POST",
            "/api/v1/admin/operators",
            json: person,
            token: token,
            headers: [("Idempotency-Key", "p-1")]
        )
        #expect(created.status == 201, "\(created.text)")
        let password = try #require(created.object["oneTimePassword"] as? String)
        let retried = try fixture.request(
            "POST",
            "/api/v1/admin/operators",
            json: person,
            token: token,
            headers: [("Idempotency-Key", "p-1")]
        )
        #expect(retried.status == 409)
        #expect(!retried.text.contains(password))
        let kept = try fixture.sql("SELECT response_body FROM shebao.idempotency_key WHERE key = 'p-1'").single()
            .decode(0, as: PostgresBytes.self).bytes
        #expect(!String(decoding: kept, as: UTF8.self).contains(password))
        #expect(
            try fixture.sql("SELECT count(*) FROM shebao.operator WHERE username = 'clerk-new'").single().decode(
                0,
                as: Int64.self
            ) == 1
        )
        let english = try fixture.request(
            "POST",
            "/api/v1/admin/operators/\(created.object["id"] as? Int ?? 0)/roles",
            json: ["role": "reviewer"],
            token: token,
            headers: [("Accept-Language", "en")]
        )
        #expect(english.status == 409)
        #expect(english.header("Content-Type") == "application/problem+json")
        #expect(english.object["title"] as? String == "Conflict")
    }
}
