import Foundation
import Postgres
import TestSupport
import Testing

/// The API as its description says, over HTTP against a real worker: what the description does
/// not take is a 400 naming every member (never a 500), what it takes is not refused for its
/// shape, and an answer kept for an `Idempotency-Key` comes back whole.
@Suite(
    .enabled(if: TestEnvironment.shebaoExecutable != nil && TestEnvironment.hasDatabase, "needs make test"),
    .serialized
)
struct APIContractTests {
    /// `errors` of a problem document as `field code` lines.
    static func errors(_ response: TestResponse) -> [String] {
        (response.object["errors"] as? [[String: Any]] ?? []).map {
            "\($0["field"] as? String ?? "?") \($0["code"] as? String ?? "?")"
        }
    }

    @Test func aNULInAStringIsAFieldErrorNotAServerError() throws {
        let fixture = try BusinessFixture()
        try fixture.addOperator("clerk", office: "320102", roles: ["clerk"])
        let clerk = try fixture.login("clerk")
        for path in ["/api/v1/applications", "/api/v1/applications/preview"] {
            let response = try fixture.request(
                "POST",
                path,
                json: [
                    "type": "person_registration",
                    "payload": ["name": "张\u{0}三", "citizenId": "11010519491231002X", "householdType": "urban"],
                ],
                token: clerk
            )
            #expect(response.status == 400, "\(response.text)")
            #expect(Self.errors(response) == ["payload.name control_character"])
        }
        // In a query parameter too: the same check, before any statement.
        let search = try fixture.request("GET", "/api/v1/persons?name=%E5%BC%A0%00", token: clerk)
        #expect(search.status == 400, "\(search.text)")
        #expect(Self.errors(search) == ["name control_character"])
        #expect(try fixture.sql("SELECT count(*) FROM shebao.application").single().decode(0, as: Int64.self) == 0)
    }

    @Test func everyFilterOfTheQueueTogetherAndInAnyOrderOfUse() throws {
        let fixture = try BusinessFixture()
        try fixture.addOperator("clerk", office: "320102", roles: ["clerk"])
        let clerk = try fixture.login("clerk")
        let office = try #require(fixture.offices["320102"])
        // The statement is prepared by its first use on a connection: once with every filter given
        // (an integer for the interval's days), then with none, then with every one again.
        let all =
            "/api/v1/applications?limit=50&cursor=1&status=draft&type=person_registration&officeId=\(office)"
            + "&olderThanDays=0&order=oldest&mine=true"
        for path in [all, "/api/v1/applications", all, "/api/v1/applications?olderThanDays=3650&order=newest"] {
            let response = try fixture.request("GET", path, token: clerk)
            #expect(response.status == 200, "\(path): \(response.text)")
            #expect(response.object["items"] is [Any])
        }
    }

    @Test func shapeErrorsListEveryProblemInTheClientsLanguage() throws {
        let fixture = try BusinessFixture()
        try fixture.addOperator("clerk", office: "320102", roles: ["clerk"])
        // A code under another name is named, not dropped.
        let login = try fixture.request(
            "POST",
            "/api/v1/auth/login",
            json: ["username": "clerk", "password": BusinessFixture.password, "totpCode": "123456"]
        )
        #expect(login.status == 400, "\(login.text)")
        #expect(Self.errors(login) == ["totpCode unknown_field"])
        #expect(login.header("Content-Language") == "zh-CN")

        let clerk = try fixture.login("clerk")
        let body: [String: Any] = [
            "type": "enrolment",
            "payload": [
                "citizenId": 110_105,
                "enrolments": [["schemeCode": "110", "employerId": "one", "startPeriod": 202_612]],
            ],
        ]
        let english = try fixture.request(
            "POST",
            "/api/v1/applications/preview",
            json: body,
            token: clerk,
            headers: [("Accept-Language", "en")]
        )
        #expect(english.status == 400)
        #expect(
            Self.errors(english) == ["payload.citizenId wrong_type", "payload.enrolments[0].employerId wrong_type"]
        )
        let issues = english.object["errors"] as? [[String: Any]] ?? []
        #expect(issues.first?["message"] as? String == "Wrong type: expected string.")
        #expect((issues.first?["arguments"] as? [String: String])?["expected"] == "string")
        #expect(english.header("Content-Language") == "en")
        let chinese = try fixture.request("POST", "/api/v1/applications/preview", json: body, token: clerk)
        #expect((chinese.object["errors"] as? [[String: Any]])?.first?["message"] as? String == "类型错误，应为文本（string）")

        // Path and query parameters name themselves and where they are.
        let path = try fixture.request("GET", "/api/v1/applications/abc", token: clerk)
        #expect(path.status == 400)
        #expect(Self.errors(path) == ["id wrong_type"])
        let query = try fixture.request("GET", "/api/v1/applications?limit=500&order=up", token: clerk)
        #expect(Self.errors(query) == ["limit out_of_range", "order not_allowed"])
        #expect(
            ((query.object["errors"] as? [[String: Any]])?.first?["arguments"] as? [String: String])?["in"] == "query"
        )
    }

    @Test func aRoleThatMayNotHearsSoWhateverItSent() throws {
        let fixture = try BusinessFixture()
        try fixture.addOperator("reviewer", office: "320102", roles: ["reviewer"])
        let reviewer = try fixture.login("reviewer")
        let response = try fixture.request(
            "POST",
            "/api/v1/applications",
            json: ["type": "enrolment", "payload": ["nonsense": true]],
            token: reviewer
        )
        #expect(response.status == 403)
        // No session at all: 401 before anything is read.
        #expect(try fixture.request("POST", "/api/v1/applications", json: ["x": 1]).status == 401)
    }

    @Test func aReplayIsTheSameAnswerHeadersAndAll() throws {
        let fixture = try BusinessFixture()
        try fixture.addOperator("clerk", office: "320102", roles: ["clerk"])
        let clerk = try fixture.login("clerk")
        let body: [String: Any] = [
            "type": "person_registration",
            "payload": ["name": "李四", "citizenId": "11010519491231002X", "householdType": "rural"],
        ]
        let key = [("Idempotency-Key", "replay-\(UUID().uuidString)"), ("Accept-Language", "en")]
        let first = try fixture.request("POST", "/api/v1/applications", json: body, token: clerk, headers: key)
        let again = try fixture.request("POST", "/api/v1/applications", json: body, token: clerk, headers: key)
        #expect(first.status == 201, "\(first.text)")
        #expect(again.status == 201)
        #expect(again.header("Idempotent-Replayed") == "true")
        #expect(first.header("Idempotent-Replayed") == nil)
        for name in ["ETag", "Location", "Content-Language", "Content-Type"] {
            #expect(first.header(name) != nil, "\(name)")
            #expect(again.header(name) == first.header(name), "\(name)")
        }
        #expect(again.body == first.body)
        #expect(try fixture.sql("SELECT count(*) FROM shebao.application").single().decode(0, as: Int64.self) == 1)
    }

    @Test func anApplicationChangedToAnotherTypeIsRefusedNamingTheType() throws {
        let fixture = try BusinessFixture()
        try fixture.addOperator("clerk", office: "320102", roles: ["clerk"])
        let clerk = try fixture.login("clerk")
        let created = try fixture.request(
            "POST",
            "/api/v1/applications",
            json: [
                "type": "person_registration",
                "payload": ["name": "李四", "citizenId": "11010519491231002X", "householdType": "rural"],
            ],
            token: clerk
        )
        let id = try #require(created.object["id"] as? Int)
        let etag = try #require(created.header("ETag"))
        let other = try fixture.request(
            "PUT",
            "/api/v1/applications/\(id)",
            json: ["type": "transfer_in", "payload": ["transferId": 1, "startPeriod": 202_612]],
            token: clerk,
            headers: [("If-Match", etag)]
        )
        #expect(other.status == 422, "\(other.text)")
        #expect(Self.errors(other) == ["type not_allowed"])
        // The payload of another type without `type`: each member against the application's own.
        let mismatched = try fixture.request(
            "PUT",
            "/api/v1/applications/\(id)",
            json: ["payload": ["transferId": 1, "startPeriod": 202_612]],
            token: clerk,
            headers: [("If-Match", etag)]
        )
        #expect(mismatched.status == 422, "\(mismatched.text)")
        #expect(Self.errors(mismatched).contains("payload.citizenId required"))
        let same = try fixture.request(
            "PUT",
            "/api/v1/applications/\(id)",
            json: [
                "type": "person_registration",
                "payload": ["name": "李四", "citizenId": "11010519491231002X", "householdType": "urban"],
            ],
            token: clerk,
            headers: [("If-Match", etag)]
        )
        #expect(same.status == 200, "\(same.text)")
    }

    @Test func aPersonFoundByNameIsNamedByTheRecordAndAllPersonsCanBeListed() throws {
        let fixture = try BusinessFixture()
        try fixture.addOperator("clerk", office: "320102", roles: ["clerk"])
        let clerk = try fixture.login("clerk")
        let office = try #require(fixture.offices["320102"])
        let person = try fixture.sql(
            """
            INSERT INTO shebao.person (office_id, citizen_id, name, gender, birth_date, household_type)
            VALUES ($1, '11010519491231002X', '王五', 'female', '1949-12-31', 'urban') RETURNING id
            """,
            [office]
        ).single().decode(0, as: Int64.self)
        // No criteria: every person of the offices, masked.
        let all = try fixture.request("GET", "/api/v1/persons", token: clerk)
        #expect(all.status == 200, "\(all.text)")
        let items = all.object["items"] as? [[String: Any]] ?? []
        #expect(items.map { $0["citizenIdMasked"] as? String } == ["110105********002X"])

        let preview = try fixture.request(
            "POST",
            "/api/v1/applications/preview",
            json: [
                "type": "enrolment",
                "payload": ["personId": person, "enrolments": [["schemeCode": "390", "startPeriod": 202_612]]],
            ],
            token: clerk
        )
        #expect(preview.status == 200, "\(preview.text)")
        #expect((preview.object["payload"] as? [String: Any])?["citizenId"] as? String == "11010519491231002X")
        let checks = preview.object["checks"] as? [String: Any]
        #expect((checks?["errors"] as? [Any])?.isEmpty == true, "\(preview.text)")

        let unknown = try fixture.request(
            "POST",
            "/api/v1/applications/preview",
            json: [
                "type": "enrolment",
                "payload": ["personId": person + 1000, "enrolments": [["schemeCode": "390", "startPeriod": 202_612]]],
            ],
            token: clerk
        )
        let unknownErrors = (unknown.object["checks"] as? [String: Any])?["errors"] as? [[String: Any]] ?? []
        #expect(
            unknownErrors.map { "\($0["field"] as? String ?? "") \($0["code"] as? String ?? "")" } == [
                "personId person.not_found"
            ]
        )
    }

    @Test func theVerificationAddressWithoutACodeAsksForIt() throws {
        let fixture = try BusinessFixture()
        let form = try fixture.request("GET", "/verify/320102-20261130-000001", headers: [("Accept", "text/html")])
        #expect(form.status == 200)
        #expect(form.header("Content-Type")?.hasPrefix("text/html") == true)
        #expect(form.text.contains("<form") && form.text.contains("name=\"code\""))
        let wrong = try fixture.request(
            "GET",
            "/verify/320102-20261130-000001?code=AAAA",
            headers: [("Accept", "text/html")]
        )
        #expect(wrong.status == 404)
        #expect(wrong.text.contains("<form"), "a wrong code can be typed again")
        let malformed = try fixture.request("GET", "/verify/not-a-number?code=AAAA")
        #expect(malformed.status == 400)
        #expect(Self.errors(malformed) == ["number pattern_mismatch"])
    }
}
