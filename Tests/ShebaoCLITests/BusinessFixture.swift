import EmbeddedPostgres
import Foundation
import Postgres
import Security
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A migrated database with a province, a city and two sibling districts, the worked example's
/// contribution policy (domain rules §6.3), and a worker serving it as `shebao_app`: what the
/// business tests run against, over a real socket.
final class BusinessFixture: Sendable {
    static let password = "Shebao@2026"
    private static let quick = PasswordHash.Parameters(logN: 10, r: 8, p: 1)

    let database: TestDatabase
    let process: BackgroundProcess
    let port: Int
    /// Office IDs by code: 320000 province, 320100 city, 320102 and 320104 districts.
    let offices: [String: Int64]

    /// - Parameter environment: more variables for the worker.
    init(environment extra: [String: String] = [:]) throws {
        let database = try TestDatabase.create("business")
        self.database = database
        self.offices = try database.withConnection { connection in
            var offices: [String: Int64] = [:]
            for (code, parent, level, name) in [
                ("320000", nil, "province", "江苏省社会保险事业管理中心"), ("320100", "320000", "city", "南京市社会保险管理中心"),
                ("320102", "320100", "district", "玄武区社会保险管理中心"), ("320104", "320100", "district", "秦淮区社会保险管理中心"),
            ] as [(String, String?, String, String)] {
                offices[code] = try connection.query(
                    """
                    INSERT INTO shebao.office (parent_id, code, region_code, level, name)
                    VALUES ($1, $2, $2, $3, $4) RETURNING id
                    """,
                    [parent.flatMap { offices[$0] }, code, level, name]
                ).single().decode(0, as: Int64.self)
            }
            for (scheme, employer, personal, byClass) in [
                ("110", 160_000, 80_000, nil), ("310", 80_000, 20_000, nil), ("210", 5_000, 5_000, nil),
                ("410", 2_000, 0, "{2000,4000,7000,9000,11000,13000,16000,19000}"), ("510", 0, 0, nil),
            ] as [(String, Int, Int, String?)] {
                try connection.query(
                    """
                    INSERT INTO shebao.contribution_policy (region_code, scheme_code, valid_from, employer_rate_ppm,
                        personal_rate_ppm, employer_rate_ppm_by_risk_class, average_wage_fen, base_floor_fen,
                        base_ceiling_fen)
                    VALUES ('320000', $1, '2024-07-01', $2, $3, $4::integer[], 750000, 450000, 2250000)
                    """,
                    [scheme, employer, personal, byClass]
                )
            }
            return offices
        }
        let port = try EmbeddedPostgres.freePort()
        self.port = port
        let process = try BackgroundProcess(
            try #require(TestEnvironment.shebaoExecutable),
            ["worker", "--port", "\(port)"],
            environment: [
                "DATABASE_URL": try database.url() + "?options=-c%20role%3Dshebao_app",
                "SHEBAO_ACCESS_LOG": "0", "SHEBAO_DB_PIPELINE_CONNECTIONS": "0",
            ].merging(extra) { $1 }
        )
        self.process = process
        let up = process.waitUntil(timeout: .seconds(30)) { process.standardError.contains("serving") }
        try #require(up, "worker did not start: \(process.standardError)")
    }

    deinit {
        self.process.send(SIGKILL)
        self.database.drop()
    }

    /// The second factor of the operator `username`: every fixture operator has one, as the
    /// reviewers' and administrators' roles require.
    static func totp(_ username: String) -> TOTP {
        TOTP(secret: Array("shebao-test-\(username)".utf8))
    }

    /// Adds an operator at the office `code` with `roles`, enrolled in a second factor unless
    /// `hasSecondFactor` is false.
    @discardableResult
    func addOperator(
        _ username: String,
        office code: String,
        roles: [String],
        hasSecondFactor: Bool = true
    ) throws -> Int64 {
        let hash = try PasswordHash.make(password: Self.password, parameters: Self.quick)
        let office = try #require(self.offices[code])
        return try self.database.withConnection { connection in
            let id = try connection.query(
                """
                INSERT INTO shebao.operator (office_id, username, display_name, password_hash, must_change_password,
                    totp_secret)
                VALUES ($1, $2, $3, $4, false, $5) RETURNING id
                """,
                [
                    office, username, "经办员\(username)", hash.encoded,
                    hasSecondFactor ? PostgresBytes(Self.totp(username).secret) : nil,
                ]
            ).single().decode(0, as: Int64.self)
            for role in roles {
                try connection.query(
                    "INSERT INTO shebao.role_assignment (office_id, operator_id, role) VALUES ($1, $2, $3)",
                    [office, id, role]
                )
            }
            return id
        }
    }

    /// Logs in `username`, with the code of their second factor (ignored when they have none),
    /// and returns the token. A code counts once: an operator logs in once per fixture.
    func login(_ username: String) throws -> String {
        let code = Self.totp(username).code(at: Int64(Date().timeIntervalSince1970))
        let response = try self.request(
            "POST",
            "/api/v1/auth/login",
            json: ["username": username, "password": Self.password, "code": code]
        )
        return try #require(response.object["token"] as? String, "log-in of \(username): \(response.text)")
    }

    func sql(_ text: String, _ binds: [(any PostgresEncodable)?] = []) throws -> PostgresRows {
        try self.database.withConnection { try $0.query(text, binds) }
    }

    /// One request on a connection of its own: `json` is any JSON-serialisable value, `body`
    /// raw bytes.
    func request(
        _ method: String,
        _ path: String,
        json: Any? = nil,
        body raw: [UInt8]? = nil,
        token: String? = nil,
        headers: [(String, String)] = []
    ) throws -> TestResponse {
        let client = try TestClient(port: self.port, timeout: .seconds(30))
        var head = "\(method) \(path) HTTP/1.1\r\nHost: t\r\n"
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        var body: [UInt8] = raw ?? []
        if let json {
            body = Array(try JSONSerialization.data(withJSONObject: json))
            head += "Content-Type: application/json\r\n"
        }
        if !body.isEmpty || method != "GET" {
            head += "Content-Length: \(body.count)\r\n"
        }
        try client.send(Array((head + "\r\n").utf8) + body)
        let response = try #require(try client.readResponse())
        if response.status == 500 {
            Issue.record("500 from the worker: \(self.process.standardError.suffix(3000))")
        }
        return response
    }
}

extension TestResponse {
    /// The body as a JSON object (empty if it is not one).
    var object: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(self.body))) as? [String: Any] ?? [:]
    }

    /// The `errors` of a problem document or of `checks`.
    func issues(_ key: String = "errors", in object: [String: Any]? = nil) -> [[String: Any]] {
        ((object ?? self.object)[key] as? [[String: Any]]) ?? []
    }
}
