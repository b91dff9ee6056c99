import Foundation
import Postgres
import Security
import TestSupport
import Testing

/// The roles of `SHEBAO_SECOND_FACTOR_ROLES` are held to it: until such an operator enrols a
/// second factor, their sessions reach only the enrolment, `me`, the log-out and the password
/// change. Over HTTP, against a real worker and PostgreSQL.
@Suite(
    .enabled(if: TestEnvironment.shebaoExecutable != nil && TestEnvironment.hasDatabase, "needs make test"),
    .serialized
)
struct SecondFactorEnforcementTests {
    /// A route of each role of the default list, and the status it answers with a second factor.
    /// The disbursement roles have no routes of their own yet: theirs answers the role's 403.
    static let routes: [(role: String, method: String, path: String, json: [String: String]?, status: Int)] = [
        ("administrator", "POST", "/api/v1/admin/operators/{clerk}/roles", ["role": "office_manager"], 201),
        ("auditor", "GET", "/api/v1/audit", nil, 200),
        ("reviewer", "POST", "/api/v1/applications/{application}/approve", nil, 200),
        ("disbursement_officer", "GET", "/api/v1/applications", nil, 403),
        ("disbursement_approver", "GET", "/api/v1/applications", nil, 403),
    ]

    static let zhDetail = "您的角色须使用第二认证因素，请先绑定（POST /api/v1/auth/totp，再 …/totp/confirm）"
    static let enDetail =
        "your roles need a second factor: enrol one first (POST /api/v1/auth/totp, then …/totp/confirm)"

    /// Enrols a second factor through the API for the session `token`.
    static func enrol(_ fixture: BusinessFixture, token: String) throws {
        let begun = try fixture.request("POST", "/api/v1/auth/totp", token: token)
        #expect(begun.status == 200, "\(begun.text)")
        let secret = try #require((begun.object["secret"] as? String).flatMap(Base32.decode))
        let code = TOTP(secret: secret).code(at: Int64(Date().timeIntervalSince1970))
        let confirmed = try fixture.request("POST", "/api/v1/auth/totp/confirm", json: ["code": code], token: token)
        #expect(confirmed.status == 200, "\(confirmed.text)")
    }

    @Test func everyRoleOfTheDefaultListReachesOnlyTheEnrolmentUntilItEnrols() throws {
        let fixture = try BusinessFixture()
        let clerkID = try fixture.addOperator("clerk", office: "320102", roles: ["clerk"], hasSecondFactor: false)
        let clerk = try fixture.login("clerk")
        // What the reviewer approves; the clerk, whose role needs no second factor, made it.
        let application = try BusinessFlowTests.submitEmployerRegistration(fixture, clerk: clerk)
        for route in Self.routes {
            let username = route.role.replacing("_", with: "-")
            try fixture.addOperator(username, office: "320102", roles: [route.role], hasSecondFactor: false)
            let path = route.path.replacing("{clerk}", with: "\(clerkID)")
                .replacing("{application}", with: "\(application)")
            let loggedIn = try fixture.request(
                "POST",
                "/api/v1/auth/login",
                json: ["username": username, "password": BusinessFixture.password]
            )
            #expect(loggedIn.object["secondFactorEnrolmentRequired"] as? Bool == true, "\(route.role)")
            let token = try #require(loggedIn.object["token"] as? String)

            let refused = try fixture.request(route.method, path, json: route.json, token: token)
            #expect(refused.status == 403, "\(route.role): \(refused.text)")
            #expect(refused.object["detail"] as? String == Self.zhDetail, "\(route.role)")
            #expect(refused.header("Content-Language") == "zh-CN")
            let english = try fixture.request(
                route.method,
                path,
                json: route.json,
                token: token,
                headers: [("Accept-Language", "en")]
            )
            #expect(english.status == 403)
            #expect(english.object["detail"] as? String == Self.enDetail, "\(route.role)")
            #expect(english.header("Content-Language") == "en")

            let me = try fixture.request("GET", "/api/v1/auth/me", token: token)
            #expect(me.status == 200, "\(route.role): \(me.text)")
            #expect(me.object["secondFactorEnrolmentRequired"] as? Bool == true)
            // A second session of the same operator logs out.
            let other = try #require(
                try fixture.request(
                    "POST",
                    "/api/v1/auth/login",
                    json: ["username": username, "password": BusinessFixture.password]
                ).object["token"] as? String
            )
            #expect(try fixture.request("POST", "/api/v1/auth/logout", token: other).status == 204, "\(route.role)")

            // Enrolled, the same session reaches the route: the database says so on the next request.
            try Self.enrol(fixture, token: token)
            let after = try fixture.request(route.method, path, json: route.json, token: token)
            #expect(after.status == route.status, "\(route.role): \(after.text)")
            #expect(after.object["detail"] as? String != Self.zhDetail, "\(route.role)")
            let enrolled = try fixture.request("GET", "/api/v1/auth/me", token: token)
            #expect(enrolled.object["secondFactorEnrolmentRequired"] as? Bool == false)
        }
        #expect(
            try fixture.sql("SELECT status FROM shebao.application WHERE id = $1", [application]).single()
                .decode(0, as: String.self) == "approved"
        )
        // The clerk, whose role needs none, was never asked for one.
        let me = try fixture.request("GET", "/api/v1/auth/me", token: clerk)
        #expect(me.object["secondFactorEnrolmentRequired"] as? Bool == false)
        #expect(try fixture.request("GET", "/api/v1/applications", token: clerk).status == 200)
    }

    @Test func aOneTimePasswordIsChangedFirstAndTheSecondFactorEnrolledNext() throws {
        let fixture = try BusinessFixture()
        let id = try fixture.addOperator("reviewer", office: "320102", roles: ["reviewer"], hasSecondFactor: false)
        _ = try fixture.sql("UPDATE shebao.operator SET must_change_password = true WHERE id = $1", [id])
        let token = try fixture.login("reviewer")
        let first = try fixture.request("GET", "/api/v1/applications", token: token)
        #expect(first.status == 403)
        #expect(first.object["detail"] as? String == "请先修改密码（POST /api/v1/auth/password）")
        let changed = try fixture.request(
            "POST",
            "/api/v1/auth/password",
            json: ["currentPassword": BusinessFixture.password, "newPassword": "Another#2027"],
            token: token
        )
        #expect(changed.status == 204, "\(changed.text)")
        let next = try fixture.request("GET", "/api/v1/applications", token: token)
        #expect(next.status == 403)
        #expect(next.object["detail"] as? String == Self.zhDetail)
        try Self.enrol(fixture, token: token)
        #expect(try fixture.request("GET", "/api/v1/applications", token: token).status == 200)
    }

    @Test func theConfiguredRolesAreTheOnesHeldToIt() throws {
        let fixture = try BusinessFixture(environment: ["SHEBAO_SECOND_FACTOR_ROLES": "clerk"])
        try fixture.addOperator("clerk", office: "320102", roles: ["clerk"], hasSecondFactor: false)
        try fixture.addOperator("reviewer", office: "320102", roles: ["reviewer"], hasSecondFactor: false)
        let clerk = try fixture.login("clerk")
        let reviewer = try fixture.login("reviewer")
        let refused = try fixture.request("GET", "/api/v1/applications", token: clerk)
        #expect(refused.status == 403)
        #expect(refused.object["detail"] as? String == Self.zhDetail)
        #expect(try fixture.request("GET", "/api/v1/applications", token: reviewer).status == 200)
        let me = try fixture.request("GET", "/api/v1/auth/me", token: reviewer)
        #expect(me.object["secondFactorEnrolmentRequired"] as? Bool == false)
    }
}
