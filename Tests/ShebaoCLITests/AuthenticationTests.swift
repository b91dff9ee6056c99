import EmbeddedPostgres
import Foundation
import Postgres
import Security
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Log-in, sessions and lock-outs through a real `shebao worker` on a real socket, against
/// the real database, connected as the application role.
@Suite(
    .enabled(if: TestEnvironment.shebaoExecutable != nil && TestEnvironment.hasDatabase, "needs make test"),
    .serialized
)
struct AuthenticationTests {
    /// Quick scrypt parameters for the test operators (the decoy still uses the real ones).
    private static let quick = PasswordHash.Parameters(logN: 10, r: 8, p: 1)
    private static let password = "Shebao@2026"

    /// A migrated database with one office, and a worker serving it as `shebao_app`.
    final class Fixture: Sendable {
        let database: TestDatabase
        let process: BackgroundProcess
        let port: Int
        let office: Int64

        init(environment extra: [String: String] = [:]) throws {
            let database = try TestDatabase.create("auth")
            self.database = database
            self.office = try database.withConnection { connection in
                try connection.query(
                    """
                    INSERT INTO shebao.office (parent_id, code, region_code, level, name)
                    VALUES (NULL, '320000', '320000', 'province', '江苏省社会保险事业管理中心') RETURNING id
                    """
                ).single().decode(0, as: Int64.self)
            }
            let port = try EmbeddedPostgres.freePort()
            self.port = port
            var environment = [
                "DATABASE_URL": try database.url() + "?options=-c%20role%3Dshebao_app",
                "SHEBAO_ACCESS_LOG": "0", "SHEBAO_DB_PIPELINE_CONNECTIONS": "0",
            ]
            environment.merge(extra) { $1 }
            let process = try BackgroundProcess(
                try #require(TestEnvironment.shebaoExecutable),
                ["worker", "--port", "\(port)"],
                environment: environment
            )
            self.process = process
            let up = process.waitUntil(timeout: .seconds(30)) { process.standardError.contains("serving") }
            try #require(up, "worker did not start: \(process.standardError)")
        }

        deinit {
            self.process.send(SIGKILL)
            self.database.drop()
        }

        /// Adds an operator of the office with `roles`, and a TOTP secret if given.
        @discardableResult
        func addOperator(
            _ username: String,
            roles: [String] = ["clerk"],
            totp: [UInt8]? = nil,
            mustChangePassword: Bool = false
        ) throws -> Int64 {
            let hash = try PasswordHash.make(
                password: AuthenticationTests.password,
                parameters: AuthenticationTests.quick
            )
            return try self.database.withConnection { connection in
                let id = try connection.query(
                    """
                    INSERT INTO shebao.operator (office_id, username, display_name, password_hash, must_change_password, totp_secret)
                    VALUES ($1, $2, $3, $4, $6, $5) RETURNING id
                    """,
                    [
                        self.office, username, "经办 \(username)", hash.encoded, totp.map(PostgresBytes.init),
                        mustChangePassword,
                    ]
                ).single().decode(0, as: Int64.self)
                for role in roles {
                    try connection.query(
                        "INSERT INTO shebao.role_assignment (office_id, operator_id, role) VALUES ($1, $2, $3)",
                        [self.office, id, role]
                    )
                }
                return id
            }
        }

        func sql(_ text: String, _ binds: [(any PostgresEncodable)?] = []) throws -> PostgresRows {
            try self.database.withConnection { try $0.query(text, binds) }
        }

        /// One request on a connection of its own.
        func request(
            _ method: String,
            _ path: String,
            json: [String: String]? = nil,
            token: String? = nil,
            headers: [(String, String)] = []
        ) throws
            -> TestResponse
        {
            let client = try TestClient(port: self.port, timeout: .seconds(20))
            var head = "\(method) \(path) HTTP/1.1\r\nHost: t\r\n"
            if let token { head += "Authorization: Bearer \(token)\r\n" }
            for (name, value) in headers { head += "\(name): \(value)\r\n" }
            var body: [UInt8] = []
            if let json {
                body = Array(try JSONSerialization.data(withJSONObject: json))
                head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n"
            } else if method == "POST" {
                head += "Content-Length: 0\r\n"
            }
            try client.send(head + "\r\n" + String(decoding: body, as: UTF8.self))
            let response = try #require(try client.readResponse())
            if response.status == 500 {
                Issue.record("500 from the worker: \(self.process.standardError.suffix(2000))")
            }
            return response
        }

        func login(
            _ username: String,
            password: String = AuthenticationTests.password,
            code: String? = nil
        ) throws
            -> TestResponse
        {
            var body = ["username": username, "password": password]
            body["code"] = code
            return try self.request("POST", "/api/v1/auth/login", json: body)
        }
    }

    private static func object(_ response: TestResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
    }

    private static func token(_ response: TestResponse) throws -> String {
        try #require(Self.object(response)["token"] as? String, "\(String(decoding: response.body, as: UTF8.self))")
    }

    @Test func aLogInOpensASessionThatAuthenticatesUntilLogOut() throws {
        let fixture = try Fixture()
        let id = try fixture.addOperator("clerk1")
        let response = try fixture.login("clerk1")
        #expect(response.status == 200, "\(String(decoding: response.body, as: UTF8.self))")
        let token = try Self.token(response)
        #expect(token.utf8.count == 52)
        // Only the token's SHA-256 is stored.
        let stored = try fixture.sql("SELECT token_hash FROM shebao.session WHERE operator_id = $1", [id])
            .single().decode(0, as: PostgresBytes.self)
        #expect(stored.bytes == SHA256.hash(Array(token.utf8)))

        let me = try fixture.request("GET", "/api/v1/auth/me", token: token)
        #expect(me.status == 200)
        let principal = Self.object(me)
        #expect(principal["username"] as? String == "clerk1")
        #expect(principal["roles"] as? [String] == ["clerk"])
        #expect(principal["officeId"] as? Int == Int(fixture.office))

        #expect(try fixture.request("GET", "/api/v1/auth/me").status == 401)
        let forged = String(repeating: "A", count: 52)
        #expect(try fixture.request("GET", "/api/v1/auth/me", token: forged).status == 401)

        // The quick test hash was upgraded to today's parameters at the log-in.
        let upgraded = try fixture.sql("SELECT password_hash FROM shebao.operator WHERE id = $1", [id]).single()
            .decode(0, as: String.self)
        #expect(upgraded.hasPrefix("$scrypt$ln=17,r=8,p=1$"))
        #expect(try #require(PasswordHash(encoded: upgraded)).verify(Self.password))

        #expect(try fixture.request("POST", "/api/v1/auth/logout", token: token).status == 204)
        let after = try fixture.request("GET", "/api/v1/auth/me", token: token)
        #expect(after.status == 401)
        #expect(after.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
        #expect(try fixture.request("POST", "/api/v1/auth/logout", token: token).status == 401)
        let actions = try fixture.sql("SELECT action, outcome FROM shebao.audit_event ORDER BY id")
            .map { "\(try $0.decode(0, as: String.self)):\(try $0.decode(1, as: String.self))" }
        #expect(actions == ["auth.login:success", "auth.logout:success"])
    }

    @Test func anUnknownNameAWrongPasswordAndADisabledAccountGetTheSameAnswer() throws {
        let fixture = try Fixture()
        try fixture.addOperator("clerk2")
        let disabled = try fixture.addOperator("clerk3")
        _ = try fixture.sql("UPDATE shebao.operator SET disabled_at = now() WHERE id = $1", [disabled])
        let answers = try [
            fixture.login("nobody"), fixture.login("clerk2", password: "Wrong@2026x"), fixture.login("clerk3"),
        ]
        for answer in answers {
            #expect(answer.status == 401)
            var body = Self.object(answer)
            body["requestId"] = nil
            #expect(body["detail"] as? String == "用户名或密码错误，或该账号当前不能登录")
            #expect(body.count == 4)
        }
        let outcomes = try fixture.sql(
            "SELECT actor_kind || ':' || outcome FROM shebao.audit_event WHERE action = 'auth.login' ORDER BY id"
        ).map { try $0.decode(0, as: String.self) }
        #expect(outcomes == ["anonymous:failure", "operator:failure", "operator:failure"])
        #expect(
            try fixture.sql("SELECT count(*) FROM shebao.login_attempt WHERE NOT succeeded").single().decode(
                0,
                as: Int.self
            ) == 3
        )
    }

    @Test func fiveFailuresLockTheAccountEvenAgainstTheRightPassword() throws {
        let fixture = try Fixture()
        try fixture.addOperator("clerk4")
        for _ in 0..<5 {
            #expect(try fixture.login("clerk4", password: "Wrong@2026x").status == 401)
        }
        #expect(try fixture.login("clerk4").status == 401, "locked")
        let lock = try fixture.sql(
            "SELECT locked_until > now() + interval '29 minutes', failed_logins FROM shebao.operator WHERE username = 'clerk4'"
        ).single()
        #expect(try lock.decode(0, as: Bool.self))
        // The lock runs out: the right password works again, and the count starts from zero.
        _ = try fixture.sql(
            "UPDATE shebao.operator SET locked_until = now() - interval '1 second' WHERE username = 'clerk4'"
        )
        #expect(try fixture.login("clerk4").status == 200)
        #expect(
            try fixture.sql("SELECT failed_logins FROM shebao.operator WHERE username = 'clerk4'").single()
                .decode(0, as: Int.self) == 0
        )
    }

    @Test func aSecondFactorIsRequiredOnceEnrolledAndEachCodeCountsOnce() throws {
        let fixture = try Fixture()
        let totp = try TOTP.generate()
        try fixture.addOperator("reviewer1", roles: ["reviewer"], totp: totp.secret)
        let missing = try fixture.login("reviewer1")
        #expect(missing.status == 401)
        #expect(Self.object(missing)["detail"] as? String == "请输入认证器（手机令牌）上的动态验证码")
        let now = Int64(Date().timeIntervalSince1970)
        let wrong = totp.code(step: totp.step(at: now) + 5)
        #expect(try fixture.login("reviewer1", code: wrong).status == 401)
        let code = totp.code(at: now)
        let accepted = try fixture.login("reviewer1", code: code)
        #expect(accepted.status == 200, "\(String(decoding: accepted.body, as: UTF8.self))")
        #expect(Self.object(accepted)["secondFactorEnrolmentRequired"] as? Bool == false)
        #expect(try fixture.login("reviewer1", code: code).status == 401, "a replayed code")
        // A reviewer without a second factor logs in, told to enrol one.
        try fixture.addOperator("reviewer2", roles: ["reviewer"])
        let unenrolled = try fixture.login("reviewer2")
        #expect(Self.object(unenrolled)["secondFactorEnrolmentRequired"] as? Bool == true)
    }

    @Test func sessionsEndWhenIdleWhenExpiredAndWhenTheOperatorIsDisabled() throws {
        let fixture = try Fixture()
        let id = try fixture.addOperator("clerk5")
        let idle = try Self.token(try fixture.login("clerk5"))
        let expired = try Self.token(try fixture.login("clerk5"))
        let disabled = try Self.token(try fixture.login("clerk5"))
        for token in [idle, expired, disabled] {
            #expect(try fixture.request("GET", "/api/v1/auth/me", token: token).status == 200)
        }
        let hash = { (token: String) in PostgresBytes(SHA256.hash(Array(token.utf8))) }
        _ = try fixture.sql(
            "UPDATE shebao.session SET last_seen_at = now() - interval '16 minutes' WHERE token_hash = $1",
            [hash(idle)]
        )
        _ = try fixture.sql(
            "UPDATE shebao.session SET created_at = now() - interval '9 hours', expires_at = now() - interval '1 hour' WHERE token_hash = $1",
            [hash(expired)]
        )
        #expect(try fixture.request("GET", "/api/v1/auth/me", token: idle).status == 401)
        #expect(try fixture.request("GET", "/api/v1/auth/me", token: expired).status == 401)
        #expect(try fixture.request("GET", "/api/v1/auth/me", token: disabled).status == 200)
        _ = try fixture.sql("UPDATE shebao.operator SET disabled_at = now() WHERE id = $1", [id])
        #expect(try fixture.request("GET", "/api/v1/auth/me", token: disabled).status == 401)
    }

    @Test func anAddressWithTooManyFailuresIsThrottled() throws {
        let fixture = try Fixture(environment: ["SHEBAO_AUTH_ADDRESS_FAILURES": "3"])
        try fixture.addOperator("clerk6")
        for name in ["a1", "a2", "a3"] {
            #expect(try fixture.login(name).status == 401)
        }
        let throttled = try fixture.login("clerk6")
        #expect(throttled.status == 429)
        #expect(throttled.header("Retry-After") == "900")
    }

    @Test func aOneTimePasswordIsChangedUnderThePolicyAndTheOtherSessionsEnd() throws {
        let fixture = try Fixture()
        try fixture.addOperator("clerk7", mustChangePassword: true)
        let first = try fixture.login("clerk7")
        #expect(Self.object(first)["mustChangePassword"] as? Bool == true)
        let token = try Self.token(first)
        let other = try Self.token(try fixture.login("clerk7"))
        let me = try fixture.request("GET", "/api/v1/auth/me", token: token)
        #expect(Self.object(me)["mustChangePassword"] as? Bool == true)

        func change(_ current: String, _ new: String, token: String) throws -> TestResponse {
            try fixture.request(
                "POST",
                "/api/v1/auth/password",
                json: ["currentPassword": current, "newPassword": new],
                token: token
            )
        }
        #expect(try change("Wrong@2026x", "Another#2027", token: token).status == 403)
        let weak = try change(Self.password, "short", token: token)
        #expect(weak.status == 422)
        let codes = (Self.object(weak)["errors"] as? [[String: Any]])?.compactMap { $0["code"] as? String }
        #expect(codes == ["password_too_short", "password_too_few_classes"])
        let same = try change(Self.password, Self.password, token: token)
        #expect((Self.object(same)["errors"] as? [[String: Any]])?.first?["code"] as? String == "password_reused")

        #expect(try change(Self.password, "Another#2027", token: token).status == 204)
        let after = try fixture.request("GET", "/api/v1/auth/me", token: token)
        #expect(after.status == 200, "this session stays")
        #expect(Self.object(after)["mustChangePassword"] as? Bool == false)
        #expect(try fixture.request("GET", "/api/v1/auth/me", token: other).status == 401, "the others end")
        #expect(try fixture.login("clerk7").status == 401, "the old password is gone")
        #expect(try fixture.login("clerk7", password: "Another#2027").status == 200)
        // The one-time password stays remembered: changing back to it is reuse.
        let back = try change("Another#2027", Self.password, token: token)
        #expect((Self.object(back)["errors"] as? [[String: Any]])?.first?["code"] as? String == "password_reused")
        let outcomes = try fixture.sql(
            "SELECT outcome FROM shebao.audit_event WHERE action = 'auth.password_change' ORDER BY id"
        ).map { try $0.decode(0, as: String.self) }
        #expect(outcomes == ["failure", "success"])
    }

    @Test func anOperatorEnrolsASecondFactorAndCanFallBackOnARecoveryCodeOnce() throws {
        let fixture = try Fixture()
        try fixture.addOperator("auditor1", roles: ["auditor"])
        let first = try fixture.login("auditor1")
        #expect(Self.object(first)["secondFactorEnrolmentRequired"] as? Bool == true)
        let token = try Self.token(first)
        #expect(
            try fixture.request("POST", "/api/v1/auth/totp/confirm", json: ["code": "123456"], token: token).status
                == 409
        )

        let begun = try fixture.request("POST", "/api/v1/auth/totp", token: token)
        #expect(begun.status == 200)
        let secretText = try #require(Self.object(begun)["secret"] as? String)
        let secret = try #require(Base32.decode(secretText))
        let uri = try #require(Self.object(begun)["uri"] as? String)
        #expect(uri.hasPrefix("otpauth://totp/Shebao:auditor1?secret="))
        let totp = TOTP(secret: secret)
        let now = Int64(Date().timeIntervalSince1970)
        let wrong = totp.code(step: totp.step(at: now) + 4)
        #expect(
            try fixture.request("POST", "/api/v1/auth/totp/confirm", json: ["code": wrong], token: token).status == 422
        )
        let confirmed = try fixture.request(
            "POST",
            "/api/v1/auth/totp/confirm",
            json: ["code": totp.code(at: now)],
            token: token
        )
        #expect(confirmed.status == 200, "\(String(decoding: confirmed.body, as: UTF8.self))")
        let codes = try #require(Self.object(confirmed)["recoveryCodes"] as? [String])
        #expect(codes.count == 10)
        #expect(try fixture.request("POST", "/api/v1/auth/totp", token: token).status == 409, "enrolled already")
        // Only digests are kept, and the application cannot read them.
        let stored = try fixture.sql(
            "SELECT count(*) FROM shebao.operator_recovery_code WHERE code_hash = $1",
            [RecoveryCode.hash(codes[0]).map(PostgresBytes.init)]
        ).single().decode(0, as: Int.self)
        #expect(stored == 1)

        // Now the second factor is required; the code of the enrolment's step is spent.
        #expect(try fixture.login("auditor1").status == 401)
        #expect(try fixture.login("auditor1", code: totp.code(at: now)).status == 401)
        let next = try fixture.login("auditor1", code: totp.code(step: totp.step(at: now) + 1))
        #expect(next.status == 200)
        #expect(Self.object(next)["secondFactorEnrolmentRequired"] as? Bool == false)
        // A recovery code works once, in any case and with spaces for hyphens.
        let typed = codes[3].lowercased().replacing("-", with: " ")
        #expect(try fixture.login("auditor1", code: typed).status == 200)
        #expect(try fixture.login("auditor1", code: codes[3]).status == 401)
    }

    @Test func auditorsPageThroughTheAuditLogAndNoOneElseReadsIt() throws {
        let fixture = try Fixture(environment: ["SHEBAO_SECOND_FACTOR_ROLES": "administrator"])
        try fixture.addOperator("auditor2", roles: ["auditor"])
        try fixture.addOperator("clerk8")
        #expect(try fixture.login("clerk8", password: "Wrong@2026x").status == 401)
        let clerk = try Self.token(try fixture.login("clerk8"))
        let auditor = try Self.token(try fixture.login("auditor2"))
        #expect(try fixture.request("GET", "/api/v1/audit", token: clerk).status == 403)
        #expect(try fixture.request("GET", "/api/v1/audit").status == 401)
        #expect(try fixture.request("GET", "/api/v1/audit?limit=0", token: auditor).status == 400)
        #expect(try fixture.request("GET", "/api/v1/audit?before=x", token: auditor).status == 400)

        let first = try fixture.request("GET", "/api/v1/audit?limit=2", token: auditor)
        #expect(first.status == 200)
        let page = Self.object(first)
        let events = try #require(page["events"] as? [[String: Any]])
        #expect(events.count == 2)
        #expect(events.map { $0["action"] as? String } == ["auth.login", "auth.login"])
        #expect(events[0]["targetId"] as? String == "auditor2", "newest first")
        #expect((events[0]["hash"] as? String)?.count == 64)
        let next = try #require(page["next"] as? String)
        let second = Self.object(try fixture.request("GET", next, token: auditor))
        let rest = try #require(second["events"] as? [[String: Any]])
        #expect(rest.count == 1)
        #expect(rest[0]["outcome"] as? String == "failure")
        #expect((rest[0]["after"] as? [String: Any]) == nil, "a plain failure has no details")
        #expect(second["next"] is NSNull)
        let failures = Self.object(
            try fixture.request("GET", "/api/v1/audit?action=auth.login&limit=10", token: auditor)
        )
        #expect((failures["events"] as? [[String: Any]])?.count == 3)
    }

    @Test func anInsuredPersonLogsInWithAnSMSCodeSetsAPasswordAndLogsInWithIt() throws {
        let fixture = try Fixture()
        let person = try fixture.sql(
            """
            INSERT INTO shebao.person (office_id, citizen_id, name, gender, birth_date, household_type, phone)
            VALUES ($1, '11010519491231002X', '李四', 'female', '1949-12-31', 'urban', '13800138000') RETURNING id
            """,
            [fixture.office]
        ).single().decode(0, as: Int64.self)
        let citizen = "11010519491231002X"
        let sent = try fixture.request("POST", "/api/v1/auth/person/code", json: ["citizenId": citizen])
        let unknown = try fixture.request("POST", "/api/v1/auth/person/code", json: ["citizenId": "110105194912310021"])
        #expect(sent.status == 202 && unknown.status == 202)
        #expect(sent.body == unknown.body, "the answer tells nobody who is insured")
        // In the client's language, Chinese by default.
        #expect(sent.header("Content-Language") == "zh-CN")
        #expect(Self.object(sent)["status"] as? String == "如该公民身份号码登记了手机号码，验证码已发送至该号码")
        let english = try fixture.request(
            "POST",
            "/api/v1/auth/person/code",
            json: ["citizenId": "110105194912310021"],
            headers: [("Accept-Language", "en")]
        )
        #expect(english.status == 202)
        #expect(english.header("Content-Language") == "en")
        #expect(Self.object(english)["status"] as? String == "a code is sent to the registered phone, if there is one")
        // The code waits in the outbox for the scheduler's SMS; only its hash is kept beside it.
        let outbox = try fixture.sql(
            "SELECT payload->>'code', address, template FROM shebao.notification_outbox WHERE person_id = $1",
            [person]
        ).single()
        let code = try outbox.decode(0, as: String.self)
        #expect(code.count == 6 && code.allSatisfy(\.isNumber))
        #expect(try outbox.decode(1, as: String.self) == "13800138000")

        let wrongCode = code == "000000" ? "000001" : "000000"
        #expect(
            try fixture.request("POST", "/api/v1/auth/person/login", json: ["citizenId": citizen, "code": wrongCode])
                .status == 401
        )
        let loggedIn = try fixture.request(
            "POST",
            "/api/v1/auth/person/login",
            json: ["citizenId": citizen, "code": code]
        )
        #expect(loggedIn.status == 200, "\(String(decoding: loggedIn.body, as: UTF8.self))")
        let token = try Self.token(loggedIn)
        let me = Self.object(try fixture.request("GET", "/api/v1/auth/me", token: token))
        #expect(me["kind"] as? String == "person")
        #expect(me["id"] as? Int == Int(person))
        #expect(
            try fixture.request("POST", "/api/v1/auth/person/login", json: ["citizenId": citizen, "code": code]).status
                == 401,
            "a code counts once"
        )
        #expect(try fixture.request("GET", "/api/v1/audit", token: token).status == 403)

        // A first password needs no current one; a second does. The refusal names the persons'
        // rules, not the operators'.
        let short = try fixture.request(
            "POST",
            "/api/v1/auth/password",
            json: ["newPassword": "short"],
            token: token,
            headers: [("Accept-Language", "en")]
        )
        #expect(short.status == 422)
        let messages = (Self.object(short)["errors"] as? [[String: Any]])?.compactMap { $0["message"] as? String }
        #expect(messages?.first == "at least 8 characters")
        #expect(
            try fixture.request("POST", "/api/v1/auth/password", json: ["newPassword": "huaxia2026"], token: token)
                .status == 204
        )
        #expect(
            try fixture.request("POST", "/api/v1/auth/password", json: ["newPassword": "other2026x"], token: token)
                .status == 403
        )
        let withPassword = try fixture.request(
            "POST",
            "/api/v1/auth/person/login",
            json: ["citizenId": citizen, "password": "huaxia2026"]
        )
        #expect(withPassword.status == 200)
        #expect(
            try fixture.request(
                "POST",
                "/api/v1/auth/person/login",
                json: ["citizenId": citizen, "password": "wrong2026x"]
            ).status == 401
        )
        #expect(try fixture.request("POST", "/api/v1/auth/person/login", json: ["citizenId": citizen]).status == 400)
        let kinds = try fixture.sql("SELECT DISTINCT principal_kind FROM shebao.session WHERE person_id = $1", [person])
            .map { try $0.decode(0, as: String.self) }
        #expect(kinds == ["person"])
    }

    @Test func anAdministratorManagesOperatorsWithinTheRulesAndEveryStepIsAudited() throws {
        let fixture = try Fixture(environment: ["SHEBAO_SECOND_FACTOR_ROLES": "auditor"])
        let adminID = try fixture.addOperator("admin1", roles: ["administrator"])
        try fixture.addOperator("clerk9")
        let admin = try Self.token(try fixture.login("admin1"))
        let clerk = try Self.token(try fixture.login("clerk9"))
        // The body by hand: officeId is a number and roles a list.
        func create(_ token: String, _ roles: [String]) throws -> TestResponse {
            let client = try TestClient(port: fixture.port, timeout: .seconds(20))
            let json =
                #"{"username":"newclerk","displayName":"新经办","officeId":\#(fixture.office),"roles":["#
                + roles.map { "\"\($0)\"" }.joined(separator: ",") + "]}"
            try client.send(
                "POST /api/v1/admin/operators HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer \(token)\r\n"
                    + "Content-Type: application/json\r\nContent-Length: \(json.utf8.count)\r\n\r\n" + json
            )
            return try #require(try client.readResponse())
        }
        #expect(try create(clerk, ["clerk"]).status == 403, "only administrators")
        #expect(try create(admin, ["clerk", "reviewer"]).status == 409, "incompatible duties")
        #expect(
            try fixture.sql("SELECT count(*) FROM shebao.operator WHERE username = 'newclerk'").single().decode(
                0,
                as: Int.self
            ) == 0
        )
        let created = try create(admin, ["clerk"])
        #expect(created.status == 201, "\(String(decoding: created.body, as: UTF8.self))")
        let id = try #require(Self.object(created)["id"] as? Int)
        let oneTime = try #require(Self.object(created)["oneTimePassword"] as? String)
        #expect(try create(admin, ["clerk"]).status == 409, "the name is taken")

        let first = try fixture.login("newclerk", password: oneTime)
        #expect(first.status == 200)
        #expect(Self.object(first)["mustChangePassword"] as? Bool == true)
        let session = try Self.token(first)

        let roles = "/api/v1/admin/operators/\(id)/roles"
        #expect(try fixture.request("POST", roles, json: ["role": "reviewer"], token: admin).status == 409)
        #expect(try fixture.request("POST", roles, json: ["role": "office_manager"], token: admin).status == 201)
        #expect(try fixture.request("POST", roles, json: ["role": "office_manager"], token: admin).status == 409)
        // Not a role at all: the body does not match the description (400), naming the member.
        let king = try fixture.request("POST", roles, json: ["role": "king"], token: admin)
        #expect(king.status == 400)
        #expect(String(decoding: king.body, as: UTF8.self).contains(#""field":"role","code":"not_allowed""#))
        #expect(try fixture.request("DELETE", "\(roles)/office_manager", token: admin).status == 204)
        #expect(try fixture.request("DELETE", "\(roles)/office_manager", token: admin).status == 404)

        let reset = try fixture.request("POST", "/api/v1/admin/operators/\(id)/reset-password", token: admin)
        let again = try #require(Self.object(reset)["oneTimePassword"] as? String)
        #expect(try fixture.request("GET", "/api/v1/auth/me", token: session).status == 401, "sessions end")
        #expect(try fixture.login("newclerk", password: oneTime).status == 401)
        let later = try Self.token(try fixture.login("newclerk", password: again))
        #expect(try fixture.request("POST", "/api/v1/admin/operators/\(id)/reset-totp", token: admin).status == 204)
        #expect(try fixture.request("POST", "/api/v1/admin/operators/\(adminID)/disable", token: admin).status == 409)
        #expect(try fixture.request("POST", "/api/v1/admin/operators/\(id)/disable", token: admin).status == 204)
        #expect(try fixture.request("GET", "/api/v1/auth/me", token: later).status == 401)
        #expect(try fixture.login("newclerk", password: again).status == 401)
        #expect(try fixture.request("POST", "/api/v1/admin/operators/999999/disable", token: admin).status == 404)

        let actions = try fixture.sql(
            "SELECT action FROM shebao.audit_event WHERE action LIKE 'operator.%' ORDER BY id"
        ).map { try $0.decode(0, as: String.self) }
        #expect(
            actions == [
                "operator.create", "operator.role_assign", "operator.role_revoke", "operator.password_reset",
                "operator.totp_reset", "operator.disable",
            ]
        )
    }

    @Test func anAdministratorOpensOfficesBelowTheirOwnOnly() throws {
        let fixture = try Fixture(environment: ["SHEBAO_SECOND_FACTOR_ROLES": "auditor"])
        try fixture.addOperator("admin2", roles: ["administrator"])
        let admin = try Self.token(try fixture.login("admin2"))
        func open(_ parent: Int64, _ code: String, _ level: String) throws -> TestResponse {
            let client = try TestClient(port: fixture.port, timeout: .seconds(20))
            let json = #"{"parentId":\#(parent),"code":"\#(code)","name":"南京市社会保险管理中心","level":"\#(level)"}"#
            try client.send(
                "POST /api/v1/admin/offices HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer \(admin)\r\n"
                    + "Content-Type: application/json\r\nContent-Length: \(json.utf8.count)\r\n\r\n" + json
            )
            return try #require(try client.readResponse())
        }
        let city = try open(fixture.office, "320100", "city")
        #expect(city.status == 201, "\(String(decoding: city.body, as: UTF8.self))")
        let cityID = Int64(try #require(Self.object(city)["id"] as? Int))
        #expect(try open(cityID, "320102", "district").status == 201)
        #expect(try open(cityID, "320102", "district").status == 409, "the code is taken")
        // The description's pattern and enumeration: 400 before any business rule.
        #expect(try open(cityID, "32010", "district").status == 400)
        #expect(try open(cityID, "320104", "province").status == 400)
        #expect(try open(cityID, "320104001", "district").status == 422, "a nine-digit code is a service point")
        // An office outside the administrator's own: a sibling root made behind the API.
        let other = try fixture.sql(
            "INSERT INTO shebao.office (parent_id, code, region_code, level, name) VALUES (NULL, '330000', '330000', 'province', '浙江') RETURNING id"
        ).single().decode(0, as: Int64.self)
        #expect(try open(other, "330100", "city").status == 403)
        let path = try fixture.sql("SELECT path::text FROM shebao.office WHERE code = '320102'").single()
            .decode(0, as: String.self)
        #expect(path == "\(fixture.office).\(cityID).\(path.split(separator: ".").last!)")
        #expect(
            try fixture.sql("SELECT count(*) FROM shebao.audit_event WHERE action = 'office.create'").single()
                .decode(0, as: Int.self) == 2
        )
    }

    @Test func fiftyParallelChangesLeaveAnIntactChainAndAnAuditorChangesNothing() throws {
        // Neither role needs a second factor here: the auditor is refused for the role alone.
        let fixture = try Fixture(environment: [
            "SHEBAO_SECOND_FACTOR_ROLES": "disbursement_officer", "SHEBAO_AUTH_ADDRESS_FAILURES": "1000",
        ])
        try fixture.addOperator("admin3", roles: ["administrator"])
        try fixture.addOperator("auditor3", roles: ["auditor"])
        let targets = try (0..<50).map { try fixture.addOperator("clerk-p\($0)") }
        let admin = try Self.token(try fixture.login("admin3"))
        let auditor = try Self.token(try fixture.login("auditor3"))
        #expect(
            try fixture.request("POST", "/api/v1/admin/operators/\(targets[0])/disable", token: auditor).status == 403
        )
        #expect(
            try fixture.request(
                "POST",
                "/api/v1/admin/operators/\(targets[0])/roles",
                json: ["role": "office_manager"],
                token: auditor
            ).status == 403
        )

        let statuses = Mutex([Int](repeating: 0, count: targets.count))
        DispatchQueue.concurrentPerform(iterations: targets.count) { index in
            let status =
                (try? fixture.request(
                    "POST",
                    "/api/v1/admin/operators/\(targets[index])/roles",
                    json: ["role": "office_manager"],
                    token: admin
                ))?.status ?? 0
            statuses.withLock { $0[index] = status }
        }
        #expect(statuses.withLock { $0 } == [Int](repeating: 201, count: targets.count))
        let verified = try Subprocess.run(
            try #require(TestEnvironment.shebaoExecutable),
            ["audit", "verify"],
            environment: ["DATABASE_URL": nil, "MIGRATION_DATABASE_URL": try fixture.database.url()]
        )
        #expect(verified.status == 0, "\(verified.standardOutput) \(verified.standardError)")
        let count = try fixture.sql("SELECT count(*) FROM shebao.audit_event").single().decode(0, as: Int.self)
        #expect(verified.standardOutput.contains("audit chain intact: \(count) events"))
        #expect(
            try fixture.sql("SELECT count(*) FROM shebao.audit_event WHERE action = 'operator.role_assign'").single()
                .decode(0, as: Int.self) == 50
        )
    }

    @Test func malformedLogInBodiesAreRefusedWith400() throws {
        let fixture = try Fixture()
        #expect(try fixture.request("POST", "/api/v1/auth/login", json: ["username": "x"]).status == 400)
        #expect(try fixture.request("POST", "/api/v1/auth/login").status == 400)
        let long = String(repeating: "a", count: 300)
        #expect(
            try fixture.request("POST", "/api/v1/auth/login", json: ["username": long, "password": "x"]).status == 400
        )
    }

    @Test func aBadSettingStopsTheWorkerWithAMessageNamingIt() throws {
        let database = try TestDatabase.create("authbad")
        defer { database.drop() }
        let process = try BackgroundProcess(
            try #require(TestEnvironment.shebaoExecutable),
            ["worker", "--port", "\(try EmbeddedPostgres.freePort())"],
            environment: ["DATABASE_URL": try database.url(), "SHEBAO_AUTH_MAX_FAILURES": "five"]
        )
        defer { process.send(SIGKILL) }
        let ended = process.waitUntil(timeout: .seconds(20)) {
            process.standardError.contains("SHEBAO_AUTH_MAX_FAILURES")
        }
        #expect(ended, "\(process.standardError)")
    }
}
