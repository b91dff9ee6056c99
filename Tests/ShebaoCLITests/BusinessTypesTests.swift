import Domain
import Foundation
import Postgres
import Synchronization
import TestSupport
import Testing

/// The other business types through the same workflow: newborn enrolment, change of details,
/// end of enrolment, the base declaration, transfer between offices, and the reviewer's and
/// maker's other answers (reject, return, cancel), uploads, the review queue and English.
@Suite(
    .enabled(if: TestEnvironment.shebaoExecutable != nil && TestEnvironment.hasDatabase, "needs make test"),
    .serialized
)
struct BusinessTypesTests {
    /// A fixture with a clerk and a reviewer at each district, the employer and one person
    /// enrolled in 110 at 320102, put there through the API.
    struct Office {
        let fixture: BusinessFixture
        let clerk: String
        let reviewer: String
        let otherClerk: String
        let otherReviewer: String
        let employer: Int64

        init() throws {
            let fixture = try BusinessFixture()
            self.fixture = fixture
            try fixture.addOperator("clerk-a", office: "320102", roles: ["clerk"])
            try fixture.addOperator("reviewer-a", office: "320102", roles: ["reviewer"])
            try fixture.addOperator("clerk-b", office: "320104", roles: ["clerk"])
            try fixture.addOperator("reviewer-b", office: "320104", roles: ["reviewer"])
            self.clerk = try fixture.login("clerk-a")
            self.reviewer = try fixture.login("reviewer-a")
            self.otherClerk = try fixture.login("clerk-b")
            self.otherReviewer = try fixture.login("reviewer-b")
            self.employer = try BusinessFlowTests.registerEmployer(fixture, clerk: self.clerk, reviewer: self.reviewer)
            let id = try self.create(
                BusinessFlowTests.registration(
                    citizen: BusinessFlowTests.citizen,
                    employer: self.employer,
                    wageFen: 1_200_000
                )
            )
            try self.submitAndApprove(id)
        }

        /// Creates an application as `token` (the first clerk by default) and returns its ID.
        func create(_ body: [String: Any], token: String? = nil) throws -> Int {
            let created = try self.fixture.request(
                "POST",
                "/api/v1/applications",
                json: body,
                token: token ?? self.clerk
            )
            #expect(created.status == 201, "\(created.text)")
            return try #require(created.object["id"] as? Int, "\(created.text)")
        }

        @discardableResult
        func submitAndApprove(_ id: Int, clerk: String? = nil, reviewer: String? = nil) throws -> TestResponse {
            let submitted = try self.fixture.request(
                "POST",
                "/api/v1/applications/\(id)/submit",
                token: clerk ?? self.clerk
            )
            #expect(submitted.status == 200, "\(submitted.text)")
            let approved = try self.fixture.request(
                "POST",
                "/api/v1/applications/\(id)/approve",
                token: reviewer ?? self.reviewer
            )
            #expect(approved.status == 200, "\(approved.text)")
            return approved
        }

        func scalar<T: PostgresDecodable>(
            _ sql: String,
            _ binds: [(any PostgresEncodable)?] = [],
            as type: T.Type
        ) throws -> T {
            try self.fixture.sql(sql, binds).single().decode(0, as: T.self)
        }
    }

    /// A citizen ID for someone born `daysAgo` days ago in Xuanwu district.
    static func newbornID(daysAgo: Int, sequence: String = "001") throws -> (id: String, birth: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let date = calendar.date(byAdding: .day, value: -daysAgo, to: Date())!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        let ymd = String(format: "%04d%02d%02d", parts.year!, parts.month!, parts.day!)
        let id = try #require(CitizenID.complete(body: "320102" + ymd + sequence))
        return (id, String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!))
    }

    @Test func aNewbornIsEnrolledInResidentsMedicalInsuranceFromBirthInsideTheWindow() throws {
        let office = try Office()
        let (inside, birth) = try Self.newbornID(daysAgo: 30)
        let body: [String: Any] = [
            "type": "newborn_enrolment",
            "payload": [
                "name": "张小宝", "citizenId": inside, "householdType": "urban",
                "guardianCitizenId": BusinessFlowTests.citizen, "guardianPhone": "13812345678",
            ],
        ]
        let preview = try office.fixture.request(
            "POST",
            "/api/v1/applications/preview",
            json: body,
            token: office.clerk
        )
        let checks = try #require(preview.object["checks"] as? [String: Any], "\(preview.text)")
        #expect(checks["valid"] as? Bool == true, "\(preview.text)")
        #expect((checks["effects"] as? [String: Any])?["coverFrom"] as? String == birth)
        try office.submitAndApprove(try office.create(body))
        let start = try office.scalar(
            "SELECT e.start_period FROM shebao.enrolment e WHERE e.citizen_id = $1 AND e.scheme_code = '390'",
            [inside],
            as: Int.self
        )
        #expect(start == Int(birth.replacingOccurrences(of: "-", with: "").prefix(6)))

        // Outside the window: a warning, and cover only after payment.
        let (late, _) = try Self.newbornID(daysAgo: 120, sequence: "003")
        var lateBody = body
        lateBody["payload"] = [
            "name": "张二宝", "citizenId": late, "householdType": "urban", "guardianCitizenId": BusinessFlowTests.citizen,
        ]
        let latePreview = try office.fixture.request(
            "POST",
            "/api/v1/applications/preview",
            json: lateBody,
            token: office.clerk
        )
        let lateChecks = try #require(latePreview.object["checks"] as? [String: Any])
        #expect(
            latePreview.issues("warnings", in: lateChecks).map { $0["code"] as? String } == ["newborn.outside_window"]
        )
        #expect((lateChecks["effects"] as? [String: Any])?["coverFrom"] as? String == "payment")

        // The same child twice: already registered, named by office.
        let twice = try office.fixture.request("POST", "/api/v1/applications/preview", json: body, token: office.clerk)
        let again = try #require(twice.object["checks"] as? [String: Any])
        #expect(twice.issues("errors", in: again).contains { $0["code"] as? String == "person.already_registered" })
    }

    @Test func aChangeOfDetailsShowsWhatChangesAndAppliesItOnApproval() throws {
        let office = try Office()
        let body: [String: Any] = [
            "type": "person_change",
            "payload": ["citizenId": BusinessFlowTests.citizen, "phone": "13900001111", "address": "南京市玄武区新街口1号"],
        ]
        let preview = try office.fixture.request(
            "POST",
            "/api/v1/applications/preview",
            json: body,
            token: office.clerk
        )
        let changes =
            ((preview.object["checks"] as? [String: Any])?["effects"] as? [String: Any])?["changes"] as? [[String: Any]]
        #expect(changes?.map { $0["field"] as? String } == ["phone", "address"], "\(preview.text)")
        try office.submitAndApprove(try office.create(body))
        #expect(
            try office.scalar(
                "SELECT phone FROM shebao.person WHERE citizen_id = $1",
                [BusinessFlowTests.citizen],
                as: String.self
            )
                == "13900001111"
        )
        let approved = try office.fixture.sql(
            "SELECT before IS NOT NULL FROM shebao.audit_event WHERE action = 'application.approve' ORDER BY id DESC LIMIT 1"
        ).single().decode(0, as: Bool.self)
        #expect(approved)
        // The change is in the person's history.
        let person = try office.scalar(
            "SELECT id FROM shebao.person WHERE citizen_id = $1",
            [BusinessFlowTests.citizen],
            as: Int64.self
        )
        let record = try office.fixture.request("GET", "/api/v1/persons/\(person)", token: office.clerk)
        let types = (record.object["applications"] as? [[String: Any]])?.compactMap { $0["type"] as? String }
        #expect(types?.contains("person_change") == true, "\(record.text)")

        // Nothing to change is an error.
        let same = try office.fixture.request(
            "POST",
            "/api/v1/applications/preview",
            json: [
                "type": "person_change", "payload": ["citizenId": BusinessFlowTests.citizen, "phone": "13900001111"],
            ],
            token: office.clerk
        )
        let checks = try #require(same.object["checks"] as? [String: Any])
        #expect(same.issues("errors", in: checks).map { $0["code"] as? String } == ["nothing_changed"])
    }

    @Test func anEnrolmentEndsAndTheBaseDeclarationSupersedesTheYearsBase() throws {
        let office = try Office()
        let enrolment = try office.scalar(
            "SELECT id FROM shebao.enrolment WHERE citizen_id = $1 AND scheme_code = '110'",
            [BusinessFlowTests.citizen],
            as: Int64.self
        )
        let declaration = try office.create([
            "type": "base_declaration",
            "payload": [
                "employerId": office.employer, "year": 2026,
                "lines": [["citizenId": BusinessFlowTests.citizen, "declaredWageFen": 3_000_000]],
            ],
        ])
        try office.submitAndApprove(declaration)
        let bases = try office.fixture.sql(
            "SELECT status, base_fen FROM shebao.base_declaration ORDER BY id"
        ).map { (try $0.decode(0, as: String.self), try $0.decode(1, as: Int64.self)) }
        #expect(bases.map(\.0) == ["superseded", "approved"])
        #expect(bases.last?.1 == 2_250_000)

        let early = try office.create([
            "type": "enrolment_end",
            "payload": ["enrolmentId": enrolment, "endPeriod": 202601, "reason": "left_employer"],
        ])
        let refused = try office.fixture.request("POST", "/api/v1/applications/\(early)/submit", token: office.clerk)
        #expect(refused.status == 422)
        #expect(refused.issues().map { $0["code"] as? String } == ["enrolment.end_before_start"])
        let ending = try office.create([
            "type": "enrolment_end",
            "payload": ["enrolmentId": enrolment, "endPeriod": 202612, "reason": "left_employer"],
        ])
        try office.submitAndApprove(ending)
        let row = try office.fixture.sql("SELECT status, end_period FROM shebao.enrolment WHERE id = $1", [enrolment])
            .single()
        #expect(try row.decode(0, as: String.self) == "ended")
        #expect(try row.decode(1, as: Int.self) == 202612)
    }

    @Test func aTransferLeavesOneOfficeAndArrivesAtTheOther() throws {
        let office = try Office()
        let out = try office.create([
            "type": "transfer_out",
            "payload": ["citizenId": BusinessFlowTests.citizen, "toOfficeCode": "320104", "lastPeriod": 202612],
        ])
        try office.submitAndApprove(out)
        let transfer = try office.scalar(
            "SELECT id FROM shebao.person_transfer WHERE status = 'pending'",
            as: Int64.self
        )
        // The origin cannot take it in; the destination can.
        let wrong = try office.fixture.request(
            "POST",
            "/api/v1/applications/preview",
            json: ["type": "transfer_in", "payload": ["transferId": transfer, "startPeriod": 202701]],
            token: office.clerk
        )
        let wrongChecks = try #require(wrong.object["checks"] as? [String: Any])
        #expect(wrong.issues("errors", in: wrongChecks).map { $0["field"] as? String } == ["transferId"])
        let arrival = try office.create(
            ["type": "transfer_in", "payload": ["transferId": transfer, "startPeriod": 202701]],
            token: office.otherClerk
        )
        try office.submitAndApprove(arrival, clerk: office.otherClerk, reviewer: office.otherReviewer)
        let destination = try #require(office.fixture.offices["320104"])
        #expect(
            try office.scalar(
                "SELECT office_id FROM shebao.person WHERE citizen_id = $1",
                [BusinessFlowTests.citizen],
                as: Int64.self
            )
                == destination
        )
        let enrolments = try office.fixture.sql(
            "SELECT office_id, status FROM shebao.enrolment WHERE citizen_id = $1 AND scheme_code = '110' ORDER BY id",
            [BusinessFlowTests.citizen]
        ).map { (try $0.decode(0, as: Int64.self), try $0.decode(1, as: String.self)) }
        #expect(enrolments.map(\.1) == ["ended", "active"])
        #expect(enrolments.last?.0 == destination)
        // Now the person is the other office's, and no longer the first one's.
        let person = try office.scalar(
            "SELECT id FROM shebao.person WHERE citizen_id = $1",
            [BusinessFlowTests.citizen],
            as: Int64.self
        )
        #expect(try office.fixture.request("GET", "/api/v1/persons/\(person)", token: office.otherClerk).status == 200)
        #expect(try office.fixture.request("GET", "/api/v1/persons/\(person)", token: office.clerk).status == 404)
    }

    @Test func reviewersRejectAndReturnWithReasonsAndMakersCancel() throws {
        let office = try Office()
        func employerBody(_ code: String) -> [String: Any] {
            [
                "type": "employer_registration",
                "payload": ["creditCode": code, "name": "示例单位", "industryCode": "F51", "riskClass": 3],
            ]
        }
        let codes = [
            "91110108MA01ABCD5T", try #require(Self.creditCode("913201020000000A1")),
            try #require(Self.creditCode("913201020000000B2")),
        ]
        let rejected = try office.create(employerBody(codes[0]))
        #expect(
            try office.fixture.request("POST", "/api/v1/applications/\(rejected)/submit", token: office.clerk).status
                == 200
        )
        let noReasons = try office.fixture.request(
            "POST",
            "/api/v1/applications/\(rejected)/reject",
            json: [String: String](),
            token: office.reviewer
        )
        #expect(noReasons.status == 400)
        #expect(noReasons.text.contains(#""field":"reasons","code":"required""#), "\(noReasons.text)")
        let blank = try office.fixture.request(
            "POST",
            "/api/v1/applications/\(rejected)/reject",
            json: ["reasons": "  \n "],
            token: office.reviewer
        )
        #expect(blank.status == 422, "blank reasons are well-formed but no reasons")
        let reject = try office.fixture.request(
            "POST",
            "/api/v1/applications/\(rejected)/reject",
            json: ["reasons": "营业执照信息与登记不符"],
            token: office.reviewer
        )
        #expect(reject.object["status"] as? String == "rejected")
        #expect(reject.object["reasons"] as? String == "营业执照信息与登记不符")
        #expect(
            try office.fixture.request("POST", "/api/v1/applications/\(rejected)/approve", token: office.reviewer)
                .status == 409
        )

        let returned = try office.create(employerBody(codes[1]))
        #expect(
            try office.fixture.request("POST", "/api/v1/applications/\(returned)/submit", token: office.clerk).status
                == 200
        )
        let giveBack = try office.fixture.request(
            "POST",
            "/api/v1/applications/\(returned)/return",
            json: ["reasons": "请补充单位地址"],
            token: office.reviewer
        )
        #expect(giveBack.object["status"] as? String == "returned")
        let resubmitted = try office.fixture.request(
            "POST",
            "/api/v1/applications/\(returned)/submit",
            token: office.clerk
        )
        #expect(resubmitted.object["status"] as? String == "submitted")

        let cancelled = try office.create(employerBody(codes[2]))
        #expect(
            try office.fixture.request("POST", "/api/v1/applications/\(cancelled)/cancel", token: office.otherClerk)
                .status == 404
        )
        let cancel = try office.fixture.request("POST", "/api/v1/applications/\(cancelled)/cancel", token: office.clerk)
        #expect(cancel.object["status"] as? String == "cancelled")
        #expect(
            try office.fixture.request("POST", "/api/v1/applications/\(cancelled)/submit", token: office.clerk).status
                == 409
        )

        // The queue: submitted ones, oldest first, with masked subjects; a second page by cursor.
        let queue = try office.fixture.request(
            "GET",
            "/api/v1/applications?status=submitted&order=oldest&limit=1",
            token: office.reviewer
        )
        let items = try #require(queue.object["items"] as? [[String: Any]], "\(queue.text)")
        #expect(items.map { $0["id"] as? Int } == [returned])
        #expect(queue.object["next"] is NSNull || queue.object["next"] == nil)
        let all = try office.fixture.request(
            "GET",
            "/api/v1/applications?type=employer_registration&limit=2",
            token: office.reviewer
        )
        #expect((all.object["items"] as? [Any])?.count == 2)
        let next = try #require(all.object["next"] as? String)
        let second = try office.fixture.request("GET", next, token: office.reviewer)
        #expect((second.object["items"] as? [Any])?.count == 2)
        #expect(
            try office.fixture.request("GET", "/api/v1/applications?status=bogus", token: office.reviewer).status == 400
        )
        #expect(
            try office.fixture.request("GET", "/api/v1/applications", token: office.otherReviewer).object["items"]
                as? [Any] == nil
                || ((try office.fixture.request("GET", "/api/v1/applications", token: office.otherReviewer).object[
                    "items"
                ] as? [Any])?.isEmpty ?? false)
        )
    }

    @Test func scansAreRecognisedByTheirBytesAndCapped() throws {
        let office = try Office()
        let person = try office.scalar(
            "SELECT id FROM shebao.person WHERE citizen_id = $1",
            [BusinessFlowTests.citizen],
            as: Int64.self
        )
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 7, count: 100)
        let stored = try office.fixture.request(
            "POST",
            "/api/v1/persons/\(person)/documents?type=id_card_front",
            body: png,
            token: office.clerk,
            headers: [("Content-Type", "image/jpeg")]
        )
        #expect(stored.status == 201, "\(stored.text)")
        #expect(stored.object["contentType"] as? String == "image/png")
        let document = try #require(stored.object["id"] as? Int)
        let read = try office.fixture.request("GET", "/api/v1/documents/\(document)", token: office.clerk)
        #expect(read.body == png)
        #expect(read.header("Content-Type") == "image/png")
        #expect(
            try office.fixture.request("GET", "/api/v1/documents/\(document)", token: office.otherClerk).status == 404
        )

        let text = try office.fixture.request(
            "POST",
            "/api/v1/persons/\(person)/documents?type=other",
            body: Array("MZ not a scan".utf8),
            token: office.clerk,
            headers: [("Content-Type", "image/png")]
        )
        #expect(text.status == 415)
        // Refused from the announced length; the client still sending its body reads the answer.
        let large = try office.fixture.request(
            "POST",
            "/api/v1/persons/\(person)/documents?type=other",
            body: Array("%PDF-".utf8) + Array(repeating: 0x20, count: 5 * 1024 * 1024),
            token: office.clerk
        )
        #expect(large.status == 413)
        #expect(try office.scalar("SELECT count(*) FROM shebao.person_document", as: Int64.self) == 1)
    }

    @Test func messagesAreChineseByDefaultAndEnglishOnRequest() throws {
        let office = try Office()
        let body: [String: Any] = [
            "type": "person_registration",
            "payload": ["name": "李四", "citizenId": "110105199003071234", "householdType": "urban"],
        ]
        let chinese = try office.fixture.request(
            "POST",
            "/api/v1/applications/preview",
            json: body,
            token: office.clerk
        )
        let english = try office.fixture.request(
            "POST",
            "/api/v1/applications/preview",
            json: body,
            token: office.clerk,
            headers: [("Accept-Language", "en")]
        )
        let zh = try #require(
            chinese.issues("errors", in: chinese.object["checks"] as? [String: Any]).first?["message"] as? String
        )
        let en = try #require(
            english.issues("errors", in: english.object["checks"] as? [String: Any]).first?["message"] as? String
        )
        #expect(zh.unicodeScalars.contains { $0.value >= 0x4E00 && $0.value <= 0x9FFF }, "\(zh)")
        #expect(en.unicodeScalars.allSatisfy { $0.isASCII }, "\(en)")
        #expect(english.header("Content-Language") == "en")
        let unknown = try office.fixture.request(
            "GET",
            "/api/v1/applications/999999",
            token: office.clerk,
            headers: [("Accept-Language", "en")]
        )
        #expect(unknown.status == 404)
        #expect(unknown.object["title"] as? String == "Not Found")
        let unknownZh = try office.fixture.request("GET", "/api/v1/applications/999999", token: office.clerk)
        #expect(unknownZh.object["title"] as? String == "未找到")
    }

    /// A credit code for a 17-character body.
    static func creditCode(_ body: String) -> String? {
        CreditCode.checkCharacter(body: body).map { body + String($0) }
    }
}

extension BusinessTypesTests {
    @Test func twoOfficesApprovingTheSameCitizenAtOnceLeaveOneRegistrationAndNothingHalfDone() throws {
        let office = try Office()
        let (citizen, _) = try Self.newbornID(daysAgo: 9000, sequence: "015")
        let body: [String: Any] = [
            "type": "person_registration",
            "payload": [
                "name": "王五", "citizenId": citizen, "householdType": "rural",
                "enrolments": [["schemeCode": "390", "startPeriod": 202612]],
            ],
        ]
        let first = try office.create(body)
        let second = try office.create(body, token: office.otherClerk)
        for (id, clerk) in [(first, office.clerk), (second, office.otherClerk)] {
            #expect(try office.fixture.request("POST", "/api/v1/applications/\(id)/submit", token: clerk).status == 200)
        }
        let statuses = Mutex<[Int]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            let (id, reviewer) = index == 0 ? (first, office.reviewer) : (second, office.otherReviewer)
            let status = (try? office.fixture.request("POST", "/api/v1/applications/\(id)/approve", token: reviewer))?
                .status
            statuses.withLock { $0.append(status ?? 0) }
        }
        // The loser is refused by the checks (422: registered meanwhile) or, when both ran their
        // checks before either committed, by the database's uniqueness (409).
        let sorted = statuses.withLock { $0.sorted() }
        #expect(sorted.first == 200 && [409, 422].contains(sorted.last), "\(sorted)")
        #expect(
            try office.scalar("SELECT count(*) FROM shebao.person WHERE citizen_id = $1", [citizen], as: Int64.self)
                == 1
        )
        #expect(
            try office.scalar("SELECT count(*) FROM shebao.enrolment WHERE citizen_id = $1", [citizen], as: Int64.self)
                == 1
        )
        let decided = try office.fixture.sql(
            "SELECT a.status, (SELECT count(*) FROM shebao.voucher v WHERE v.application_id = a.id) FROM shebao.application a WHERE a.id IN ($1, $2) ORDER BY a.status",
            [first, second]
        ).map { (try $0.decode(0, as: String.self), try $0.decode(1, as: Int64.self)) }
        #expect(decided.map(\.0) == ["approved", "submitted"])
        #expect(decided.map(\.1) == [1, 0])
    }
}
