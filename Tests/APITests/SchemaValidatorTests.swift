import Domain
import Foundation
import HTTP1
import Testing

@testable import API
@testable import HTTPServer

/// The shape checks of requests, against the schemas the API description publishes.
@Suite struct SchemaValidatorTests {
    let validator = SchemaValidator.shared

    func issues(_ json: String, _ schema: String) throws -> [ValidationIssue] {
        self.validator.issues(try JSONInput.parse(Array(json.utf8)), OpenAPI.Schema.ref(schema))
    }

    func fields(_ json: String, _ schema: String) throws -> [String] {
        try self.issues(json, schema).map { "\($0.field) \($0.code.rawValue)" }
    }

    @Test func aValidBodyHasNoIssues() throws {
        let body = """
            {"type": "enrolment", "payload": {"citizenId": "11010519491231002X",
             "enrolments": [{"schemeCode": "110", "employerId": 1, "startPeriod": 202612, "declaredWageFen": 800000}]}}
            """
        #expect(try self.issues(body, "ApplicationRequest").isEmpty)
    }

    @Test func everyProblemIsListedAtItsPathInOrder() throws {
        let body = """
            {"type": "enrolment", "extra": true, "payload": {"citizenId": 7, "totpCode": "1",
             "enrolments": [{"schemeCode": "999", "employerId": "one", "startPeriod": 202612.5}, {}]}}
            """
        #expect(
            try self.fields(body, "ApplicationRequest") == [
                "extra unknown_field",
                "payload.citizenId wrong_type",
                "payload.enrolments[0].employerId wrong_type",
                "payload.enrolments[0].schemeCode not_allowed",
                "payload.enrolments[0].startPeriod wrong_type",
                "payload.enrolments[1].schemeCode required",
                "payload.enrolments[1].startPeriod required",
                "payload.totpCode unknown_field",
            ]
        )
    }

    @Test func aMemberNamedWithControlCharactersIsNamedByTheirEscapes() throws {
        let body = #"{"status": "active", "\u0007bell\u007f": 1, "a\ufffd\nb": 2}"#
        #expect(
            try self.fields(body, "BenefitStatusChange") == [
                #"\u0007bell\u007f unknown_field"#, #"a\ufffd\u000ab unknown_field"#,
            ]
        )
    }

    @Test func theTypeChoosesThePayloadSchema() throws {
        // A transfer_in payload under `type: enrolment` is checked as an enrolment's.
        #expect(
            try self.fields(#"{"type": "enrolment", "payload": {"transferId": 1}}"#, "ApplicationRequest") == [
                "payload.citizenId required", "payload.enrolments required", "payload.transferId unknown_field",
            ]
        )
        // An unknown type is named once, not once per payload schema.
        #expect(
            try self.fields(#"{"type": "pension", "payload": {}}"#, "ApplicationRequest") == ["type not_allowed"]
        )
        #expect(try self.fields(#"{"payload": {}}"#, "ApplicationRequest") == ["type required"])
    }

    @Test func aPersonIsNamedByCitizenIDOrRecord() throws {
        let lines = #""enrolments": [{"schemeCode": "390", "startPeriod": 202612}]"#
        #expect(try self.issues(#"{"personId": 5, \#(lines)}"#, "Enrolment").isEmpty)
        #expect(try self.issues(#"{"citizenId": "11010519491231002X", \#(lines)}"#, "Enrolment").isEmpty)
        #expect(try self.fields("{\(lines)}", "Enrolment") == ["citizenId required"])
    }

    @Test func controlCharactersAreRefusedAndLineBreaksOnlyWhereLinesAre() throws {
        #expect(
            try self.fields(#"{"username": "a\u0000b", "password": "x"}"#, "LoginRequest") == [
                "username control_character"
            ]
        )
        #expect(try self.fields(#"{"reasons": "one\nline\u0007"}"#, "Reasons") == ["reasons control_character"])
        #expect(try self.issues(#"{"reasons": "first line\nsecond\tline"}"#, "Reasons").isEmpty)
        #expect(
            try self.fields(#"{"username": "a\nb", "password": "x"}"#, "LoginRequest") == [
                "username control_character"
            ]
        )
    }

    @Test func lengthsCountUnicodeScalars() throws {
        // 18 scalars, each 4 bytes in UTF-8: within `maxLength: 18`.
        let wide = String(repeating: "𠀀", count: 18)
        #expect(try self.issues(#"{"citizenId": "\#(wide)"}"#, "PersonCodeRequest").isEmpty)
        #expect(try self.fields(#"{"citizenId": "\#(wide)1"}"#, "PersonCodeRequest") == ["citizenId too_long"])
        #expect(try self.fields(#"{"reasons": ""}"#, "Reasons") == ["reasons too_short"])
    }

    @Test func integersHaveTheirRangeAndAnIntegralNumberIsOne() throws {
        #expect(try self.issues(#"{"transferId": 1.0, "startPeriod": 202612}"#, "TransferIn").isEmpty)
        #expect(
            try self.fields(#"{"transferId": 0, "startPeriod": 202612}"#, "TransferIn") == [
                "transferId out_of_range"
            ]
        )
        #expect(
            try self.fields(#"{"transferId": 9223372036854775808, "startPeriod": 1}"#, "TransferIn") == [
                "startPeriod out_of_range", "transferId out_of_range",
            ]
        )
        #expect(
            try self.fields(#"{"transferId": true, "startPeriod": "202612"}"#, "TransferIn") == [
                "startPeriod wrong_type", "transferId wrong_type",
            ]
        )
        let largest = try self.issues(#"{"transferId": 9223372036854775807, "startPeriod": 202612}"#, "TransferIn")
        #expect(largest.isEmpty)
    }

    @Test func datesAreCalendarDates() throws {
        let base = #""name": "张三", "citizenId": "11010519491231002X", "householdType": "urban""#
        #expect(try self.issues(#"{\#(base), "birthDate": "1949-12-31"}"#, "PersonRegistration").isEmpty)
        #expect(
            try self.fields(#"{\#(base), "birthDate": "1949-02-30"}"#, "PersonRegistration") == [
                "birthDate invalid_date"
            ]
        )
    }

    @Test func exactlyOneOfPasswordAndCode() throws {
        #expect(try self.issues(#"{"citizenId": "1", "password": "p"}"#, "PersonLoginRequest").isEmpty)
        #expect(try self.issues(#"{"citizenId": "1", "code": "123456"}"#, "PersonLoginRequest").isEmpty)
        #expect(
            try self.fields(#"{"citizenId": "1", "password": "p", "code": "1"}"#, "PersonLoginRequest") == [
                " shape_mismatch"
            ]
        )
        #expect(try self.fields(#"{"citizenId": "1"}"#, "PersonLoginRequest").count == 1)
    }

    @Test func notJSONAndTooDeepNameTheBody() throws {
        #expect(throws: ShapeFailure.self) { try JSONInput.parse(Array("{\"a\": ".utf8)) }
        let deep = Array(String(repeating: "[", count: 40).utf8) + Array(repeating: 93, count: 40)
        do throws(ShapeFailure) {
            _ = try JSONInput.parse(deep)
            Issue.record("a body 40 deep was taken")
        } catch {
            #expect(error.issues.map(\.code) == [.nestedTooDeep])
            #expect(error.issues.first?.field == "")
        }
    }

    @Test func aHostileBodyGetsABoundedList() throws {
        let members = (0..<500).map { "\"m\($0)\": 1" }.joined(separator: ", ")
        let found = try self.issues("{\(members), \"username\": \"u\", \"password\": \"p\"}", "LoginRequest")
        #expect(found.count == SchemaValidator.maxIssues)
    }

    @Test func messagesComeInTheClientsLanguageWithTheExpectedType() throws {
        let issue = try #require(try self.issues(#"{"transferId": "x", "startPeriod": 202612}"#, "TransferIn").first)
        #expect(issue.arguments["expected"] == "integer")
        #expect(issue.message(.en) == "Wrong type: expected integer.")
        #expect(issue.message(.zh) == "类型错误，应为整数（integer）")
    }

    // MARK: Parameters

    func request(_ target: String, headers: [(String, String)] = []) throws -> HTTPRequest {
        try HTTPRequest(
            method: .get,
            target: Array(target.utf8).withUnsafeBytes { RequestTarget.parse($0) }.get(),
            headers: HTTPHeaders(headers.map { (name: $0.0, value: $0.1) }),
            requestID: "t"
        )
    }

    @Test func queryParametersAreTypedDefaultedAndChecked() throws {
        let operation = ApplicationQueue.operation
        let input = try operation.input(of: try self.request("/api/v1/applications?status=submitted&mine=true"))
        #expect(input.integer(required: "limit") == 50)
        #expect(input.string("status") == "submitted")
        #expect(input.bool("mine") == true)
        #expect(input.string("order") == "newest")
        #expect(input.integer("officeId") == nil)

        let bad = try self.request("/api/v1/applications?limit=12a&mine=yes&olderThanDays=-1&type=pension&cursor=0")
        do throws(ShapeFailure) {
            _ = try operation.input(of: bad)
            Issue.record("bad parameters were taken")
        } catch {
            #expect(
                error.issues.map { "\($0.field) \($0.code.rawValue) \($0.arguments["in"] ?? "")" } == [
                    "cursor out_of_range query", "limit wrong_type query", "mine wrong_type query",
                    "olderThanDays out_of_range query", "type not_allowed query",
                ]
            )
        }
    }

    @Test func headerParametersAreChecked() throws {
        let operation = ApplicationRoutes.step(
            "cancel",
            id: "cancelApplication",
            summary: "s / s",
            description: "",
            access: .operators(["clerk"])
        )
        var request = try self.request("/api/v1/applications/1/cancel", headers: [("Idempotency-Key", "a b")])
        request.parameters = ["id": "1"]
        do throws(ShapeFailure) {
            _ = try operation.input(of: request)
            Issue.record("a key with a space was taken")
        } catch {
            #expect(error.issues.map { "\($0.field) \($0.code.rawValue)" } == ["Idempotency-Key pattern_mismatch"])
        }
        request.parameters = ["id": "x"]
        request.headers = HTTPHeaders([(name: "Idempotency-Key", value: "k-1")])
        do throws(ShapeFailure) {
            _ = try operation.input(of: request)
            Issue.record("a non-numeric id was taken")
        } catch {
            #expect(
                error.issues.map { "\($0.field) \($0.code.rawValue) \($0.arguments["in"] ?? "")" } == [
                    "id wrong_type path"
                ]
            )
        }
    }
}
