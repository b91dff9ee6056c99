import Foundation
import Postgres
import Security
import TestSupport
import Testing

/// `shebao admin create-operator` on an empty database and beside existing offices.
@Suite(.enabled(if: TestEnvironment.hasDatabase && TestEnvironment.shebaoExecutable != nil, "needs make test"))
struct CreateOperatorCommandTests {
    private var shebao: String { TestEnvironment.shebaoExecutable ?? "" }

    @Test func theFirstAdministratorIsCreatedWithTheRootOfficeAndAOneTimePassword() throws {
        let database = try TestDatabase.create("createop")
        defer { database.drop() }
        let environment: [String: String?] = ["DATABASE_URL": nil, "MIGRATION_DATABASE_URL": try database.url()]
        let base = ["admin", "create-operator", "--username", "admin", "--display-name", "系统管理员", "--office", "320000"]

        let withoutOffice = try Subprocess.run(
            self.shebao,
            base + ["--role", "administrator"],
            environment: environment
        )
        #expect(withoutOffice.status != 0)
        #expect(withoutOffice.standardError.contains("--office-name"), "\(withoutOffice.standardError)")

        let created = try Subprocess.run(
            self.shebao,
            base + ["--office-name", "江苏省社会保险事业管理中心", "--role", "administrator"],
            environment: environment
        )
        #expect(created.status == 0, "\(created.standardError)")
        let password = try #require(
            created.standardOutput.split(separator: "\n").first { $0.hasPrefix("one-time password: ") }?
                .dropFirst("one-time password: ".count).split(separator: " ").first.map(String.init)
        )
        #expect(PasswordPolicy().violations(of: password, username: "admin") == [])

        let row = try database.withConnection { connection in
            try connection.query(
                """
                SELECT o.password_hash, o.must_change_password, f.code, f.level,
                    (SELECT array_agg(role) FROM shebao.role_assignment r WHERE r.operator_id = o.id)::text,
                    (SELECT count(*) FROM shebao.operator_password_history h WHERE h.operator_id = o.id),
                    (SELECT count(*) FROM shebao.audit_event WHERE action = 'operator.create')
                FROM shebao.operator o JOIN shebao.office f ON f.id = o.office_id WHERE o.username = 'admin'
                """
            ).single()
        }
        let hash = try #require(PasswordHash(encoded: try row.decode(0, as: String.self)))
        #expect(try hash.verify(password))
        #expect(try row.decode(1, as: Bool.self), "the one-time password must be changed")
        #expect(try row.decode(2, as: String.self) == "320000")
        #expect(try row.decode(3, as: String.self) == "province")
        #expect(try row.decode(4, as: String.self) == "{administrator}")
        #expect(try row.decode(5, as: Int.self) == 1)
        #expect(try row.decode(6, as: Int.self) == 1)

        // Incompatible duties are refused, and nothing of the refused operator remains.
        let conflicting = try Subprocess.run(
            self.shebao,
            [
                "admin", "create-operator", "--username", "clerk1", "--display-name", "经办", "--office", "320000",
                "--role", "clerk", "--role", "reviewer",
            ],
            environment: environment
        )
        #expect(conflicting.status != 0)
        #expect(conflicting.standardError.contains("conflicts"), "\(conflicting.standardError)")
        let operators = try database.withConnection {
            try $0.query("SELECT count(*) FROM shebao.operator").single().decode(0, as: Int.self)
        }
        #expect(operators == 1)

        let unknownOffice = try Subprocess.run(
            self.shebao,
            [
                "admin", "create-operator", "--username", "clerk2", "--display-name", "经办", "--office", "320100",
                "--role", "clerk",
            ],
            environment: environment
        )
        #expect(unknownOffice.status != 0)
        #expect(unknownOffice.standardError.contains("no office with code 320100"))
    }
}
