import Foundation
import Postgres
import Security
import TestSupport
import Testing

/// `shebao admin operator …`: the administration calls from the command line.
@Suite(.enabled(if: TestEnvironment.hasDatabase && TestEnvironment.shebaoExecutable != nil, "needs make test"))
struct OperatorCommandTests {
    private var shebao: String { TestEnvironment.shebaoExecutable ?? "" }

    @Test func rolesDisablingAndResetsFromTheCommandLine() throws {
        let database = try TestDatabase.create("opcmd")
        defer { database.drop() }
        let environment: [String: String?] = ["DATABASE_URL": nil, "MIGRATION_DATABASE_URL": try database.url()]
        let created = try Subprocess.run(
            self.shebao,
            [
                "admin", "create-operator", "--username", "clerk1", "--display-name", "经办", "--office", "320000",
                "--office-name", "省中心", "--role", "clerk",
            ],
            environment: environment
        )
        #expect(created.status == 0, "\(created.standardError)")
        func run(_ arguments: [String]) throws -> Subprocess.Result {
            try Subprocess.run(
                self.shebao,
                ["admin", "operator"] + arguments + ["--username", "clerk1"],
                environment: environment
            )
        }
        let conflicting = try run(["assign-role", "--role", "reviewer"])
        #expect(conflicting.status != 0)
        #expect(conflicting.standardError.contains("conflicts"), "\(conflicting.standardError)")
        #expect(try run(["assign-role", "--role", "office_manager"]).status == 0)
        #expect(try run(["revoke-role", "--role", "office_manager"]).status == 0)
        #expect(try run(["revoke-role", "--role", "office_manager"]).status != 0)
        #expect(try run(["assign-role", "--role", "king"]).status != 0)
        #expect(try run(["disable", "--role", "clerk"]).status != 0)

        let reset = try run(["reset-password"])
        #expect(reset.status == 0)
        let password = try #require(
            reset.standardOutput.split(separator: "\n").first { $0.hasPrefix("one-time password: ") }?
                .dropFirst("one-time password: ".count).split(separator: " ").first.map(String.init)
        )
        #expect(try run(["reset-totp"]).status == 0)
        #expect(try run(["disable"]).status == 0)
        let row = try database.withConnection { connection in
            try connection.query(
                "SELECT password_hash, must_change_password, disabled_at IS NOT NULL FROM shebao.operator WHERE username = 'clerk1'"
            ).single()
        }
        #expect(try #require(PasswordHash(encoded: try row.decode(0, as: String.self))).verify(password))
        #expect(try row.decode(1, as: Bool.self))
        #expect(try row.decode(2, as: Bool.self))
        let actions = try database.withConnection { connection in
            try connection.query("SELECT action FROM shebao.audit_event WHERE actor_kind = 'system' ORDER BY id")
                .map { try $0.decode(0, as: String.self) }
        }
        #expect(
            actions == [
                "operator.create", "operator.role_assign", "operator.role_revoke", "operator.password_reset",
                "operator.totp_reset", "operator.disable",
            ]
        )
        #expect(
            try Subprocess.run(
                self.shebao,
                ["admin", "operator", "disable", "--username", "nobody"],
                environment: environment
            ).status != 0
        )
    }
}
