import Business
import ConnectionPool
import Domain
import Foundation
import Postgres
import Store
import TestSupport
import Testing

/// A database with a province, its city and two districts, the province's contribution policy,
/// an employer, and a clerk and a reviewer at the first district, inserted as the superuser.
/// Business operations then run in-process as the application role (`shebao_app`), each in a
/// transaction scoped to the acting operator's office, as the API runs them.
final class BusinessScope: Sendable {
    let database: TestDatabase
    /// The application's view: sessions as `shebao_app`.
    let app: PostgresClient
    /// Office IDs by code: 320000 province, 320100 city, 320102 and 320104 districts.
    let offices: [String: Int64]
    let employer: Int64
    let clerk: SessionPrincipal
    let reviewer: SessionPrincipal
    /// A reviewer of the other district, 320104.
    let otherReviewer: SessionPrincipal

    init() throws {
        let database = try TestDatabase.create("business")
        self.database = database
        var offices: [String: Int64] = [:]
        var operators: [String: Int64] = [:]
        var employer: Int64 = 0
        try database.withConnection { connection in
            for (code, parent, level) in [
                ("320000", nil, "province"), ("320100", "320000", "city"), ("320102", "320100", "district"),
                ("320104", "320100", "district"),
            ] as [(String, String?, String)] {
                offices[code] = try connection.query(
                    """
                    INSERT INTO shebao.office (parent_id, code, region_code, level, name)
                    VALUES ($1, $2, $2, $3, $4) RETURNING id
                    """,
                    [parent.flatMap { offices[$0] }, code, level, "经办机构 \(code)"]
                ).single().decode(0, as: Int64.self)
            }
            for (scheme, employerRate, personalRate) in [("110", 160_000, 80_000), ("310", 80_000, 20_000)] {
                try connection.query(
                    """
                    INSERT INTO shebao.contribution_policy (region_code, scheme_code, valid_from, employer_rate_ppm,
                        personal_rate_ppm, average_wage_fen, base_floor_fen, base_ceiling_fen)
                    VALUES ('320000', $1, '2024-07-01', $2, $3, 750000, 450000, 2250000)
                    """,
                    [scheme, employerRate, personalRate]
                )
            }
            employer = try connection.query(
                """
                INSERT INTO shebao.employer (office_id, credit_code, name, industry_code, risk_class)
                VALUES ($1, '913201020000000002', '南京测试有限公司', 'I65', 1) RETURNING id
                """,
                [offices["320102"]]
            ).single().decode(0, as: Int64.self)
            for (username, office, role) in [
                ("clerk", "320102", "clerk"), ("reviewer", "320102", "reviewer"), ("other", "320104", "reviewer"),
            ] {
                let id = try connection.query(
                    """
                    INSERT INTO shebao.operator (office_id, username, display_name, password_hash)
                    VALUES ($1, $2, $3, 'not-a-hash-of-any-password') RETURNING id
                    """,
                    [offices[office], username, "经办员 \(username)"]
                ).single().decode(0, as: Int64.self)
                try connection.query(
                    "INSERT INTO shebao.role_assignment (office_id, operator_id, role) VALUES ($1, $2, $3)",
                    [offices[office], id, role]
                )
                operators[username] = id
            }
        }
        self.offices = offices
        self.employer = employer
        func principal(_ username: String, _ office: String, _ role: String) -> SessionPrincipal {
            Self.principal(operators[username]!, username: username, office: offices[office]!, role: role)
        }
        self.clerk = principal("clerk", "320102", "clerk")
        self.reviewer = principal("reviewer", "320102", "reviewer")
        self.otherReviewer = principal("other", "320104", "reviewer")
        var app = database.configuration
        app.parameters.append(.init("options", "-c role=shebao_app"))
        self.app = PostgresClient(configuration: app, pool: .init(maximumConnections: 2))
    }

    deinit {
        self.app.close()
        self.database.drop()
    }

    /// The session of the operator `id` at `office` holding `role`.
    static func principal(_ id: Int64, username: String, office: Int64, role: String) -> SessionPrincipal {
        SessionPrincipal(
            sessionID: 0,
            kind: .operator,
            operatorID: id,
            personID: nil,
            officeID: office,
            username: username,
            displayName: "经办员 \(username)",
            roles: [role],
            mustChangePassword: false,
            passwordChangedAt: nil,
            expiresAt: Date().addingTimeInterval(3600),
            hasSecondFactor: true
        )
    }

    /// Adds an operator at the office `code` holding `role`, and returns their session.
    func addOperator(_ username: String, office code: String, role: String) throws -> SessionPrincipal {
        let office = try #require(self.offices[code])
        let id = try self.sql(
            """
            INSERT INTO shebao.operator (office_id, username, display_name, password_hash)
            VALUES ($1, $2, $3, 'not-a-hash-of-any-password') RETURNING id
            """,
            [office, username, "经办员 \(username)"]
        ).single().decode(0, as: Int64.self)
        _ = try self.sql(
            "INSERT INTO shebao.role_assignment (office_id, operator_id, role) VALUES ($1, $2, $3)",
            [office, id, role]
        )
        return Self.principal(id, username: username, office: office, role: role)
    }

    /// Adds an insured person at the office `code` (a valid citizen ID by `number`, born
    /// 1990-01-01, of the gender it says), and returns their session.
    func addPerson(_ number: Int, office code: String) throws -> SessionPrincipal {
        let office = try #require(self.offices[code])
        let sequence = String(number % 1000)
        let citizen = try #require(
            CitizenID.complete(body: "32010219900101" + String(repeating: "0", count: 3 - sequence.count) + sequence)
        )
        let id = try self.sql(
            """
            INSERT INTO shebao.person (office_id, citizen_id, name, gender, birth_date, household_type)
            VALUES ($1, $2, $3, CASE WHEN substr($2, 17, 1)::int % 2 = 1 THEN 'male' ELSE 'female' END, '1990-01-01',
                'urban')
            RETURNING id
            """,
            [office, citizen, Self.name(number)]
        ).single().decode(0, as: Int64.self)
        return SessionPrincipal(
            sessionID: 0,
            kind: .person,
            operatorID: nil,
            personID: id,
            officeID: office,
            username: nil,
            displayName: Self.name(number),
            roles: [],
            mustChangePassword: false,
            passwordChangedAt: nil,
            expiresAt: Date().addingTimeInterval(3600),
            hasSecondFactor: false
        )
    }

    /// Runs `body` as `principal` in a transaction scoped to their office (an insured person's:
    /// to their own rows, as the person role), as the API does; the transaction commits unless
    /// `body` throws.
    func run<R>(as principal: SessionPrincipal, _ body: (BusinessContext) throws -> R) throws -> R {
        let scope = principal.personID.map { Scope.person(id: $0) } ?? .office(id: principal.officeID)
        return try Store(database: self.app).withScope(scope, principal: principal.principal) { connection in
            try body(BusinessContext(connection: connection, principal: principal, traceID: "test"))
        }
    }

    /// What the superuser sees.
    func sql(_ text: String, _ binds: [(any PostgresEncodable)?] = []) throws -> PostgresRows {
        try self.database.withConnection { try $0.query(text, binds) }
    }

    /// The name of person `number`: 测试 and its digits in Chinese (names hold no digits).
    static func name(_ number: Int) -> String {
        let digits = Array("零一二三四五六七八九")
        return "测试" + String(String(number).compactMap { $0.wholeNumberValue.map { digits[$0] } })
    }

    /// A person registration of a new person born 1990-01-01 (a valid citizen ID by `number`),
    /// with a phone number, enrolled in the employer's pension from December 2026 at `wageFen`.
    func registration(_ number: Int, wageFen: Int64 = 600_000) -> TypedPayload {
        let sequence = String(number % 1000)
        let body = "32010219900101" + String(repeating: "0", count: 3 - sequence.count) + sequence
        return .personRegistration(
            PersonRegistration(
                name: Self.name(number),
                citizenId: CitizenID.complete(body: body)!,
                phone: "13912345678",
                householdType: "urban",
                enrolments: [
                    EnrolmentLine(
                        schemeCode: "110",
                        employerId: self.employer,
                        startPeriod: 202612,
                        declaredWageFen: wageFen
                    )
                ]
            )
        )
    }
}
