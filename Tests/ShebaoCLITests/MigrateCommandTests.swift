import Foundation
import Postgres
import TestSupport
import Testing

/// The real `shebao` executable, run as a separate process against the throwaway cluster.
@Suite(.enabled(if: TestEnvironment.hasDatabase && TestEnvironment.shebaoExecutable != nil, "needs make test"))
struct MigrateCommandTests {
    private var shebao: String { TestEnvironment.shebaoExecutable ?? "" }

    @Test func migrateAppliesEverythingOnceAndAgainNothing() throws {
        let database = try TestDatabase.create("cli", migrated: false)
        defer { database.drop() }
        let environment: [String: String?] = [
            "DATABASE_URL": try database.url(), "MIGRATION_DATABASE_URL": nil,
        ]
        let first = try Subprocess.run(self.shebao, ["migrate"], environment: environment)
        #expect(first.status == 0, "\(first.standardError)")
        #expect(first.standardOutput.contains("applying 0001_roles.sql"))
        let second = try Subprocess.run(self.shebao, ["migrate"], environment: environment)
        #expect(second.status == 0)
        #expect(second.standardOutput.contains("migrations: 0 applied"))
        let status = try Subprocess.run(self.shebao, ["migrate", "--status"], environment: environment)
        #expect(status.standardOutput.contains("applied 0001_roles.sql"))
        #expect(!status.standardOutput.contains("pending"))
    }

    @Test func migrateCanCreateTheApplicationsLoginUser() throws {
        let database = try TestDatabase.create("cliappuser", migrated: false)
        defer { database.drop() }
        let user = "api_\(database.name.suffix(8))"
        let result = try Subprocess.run(
            self.shebao,
            ["migrate", "--app-user", user],
            environment: [
                "DATABASE_URL": try database.url(), "SHEBAO_APP_PASSWORD": "app-secret-1",
                "MIGRATION_DATABASE_URL": nil,
            ]
        )
        #expect(result.status == 0, "\(result.standardError)")
        let connection = try PostgresConnection.connect(database.configuration.withUser(user, password: "app-secret-1"))
        defer { connection.close() }
        let row = try connection.query("SELECT pg_has_role(current_user, 'shebao_app', 'MEMBER'), current_user")
            .single()
        #expect(try row.decode(0, as: Bool.self))
        #expect(try row.decode(1, as: String.self) == user)
    }

    @Test func twoMigratorProcessesAtOnceApplyEachFileOnce() async throws {
        let database = try TestDatabase.create("cliconcurrent", migrated: false)
        defer { database.drop() }
        let environment: [String: String?] = [
            "DATABASE_URL": try database.url(), "MIGRATION_DATABASE_URL": nil,
        ]
        let shebao = self.shebao
        async let first = onThread { try Subprocess.run(shebao, ["migrate"], environment: environment) }
        async let second = onThread { try Subprocess.run(shebao, ["migrate"], environment: environment) }
        let results = try await [first, second]
        #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.standardError))")
        let applied = results.map { $0.standardOutput.components(separatedBy: "applying ").count - 1 }
        let files = try FileManager.default.contentsOfDirectory(atPath: try #require(TestEnvironment.sqlDirectory))
            .filter { $0.hasSuffix(".sql") }.count
        #expect(applied.reduce(0, +) == files)
        let recorded = try database.withConnection { connection in
            try connection.query("SELECT count(*) FROM public.shebao_migration").single().decode(0, as: Int64.self)
        }
        #expect(recorded == Int64(files))
    }

    @Test func aWrongPasswordIsAClearErrorThatDoesNotEchoIt() throws {
        let admin = try #require(TestEnvironment.adminURL)
        let secret = "Wr0ngPassw0rd-xyzzy"
        let bad = admin.replacingOccurrences(
            of: #"://postgres:[^@]*@"#,
            with: "://postgres:\(secret)@",
            options: .regularExpression
        )
        let result = try Subprocess.run(
            self.shebao,
            ["migrate"],
            environment: ["DATABASE_URL": bad, "MIGRATION_DATABASE_URL": nil]
        )
        #expect(result.status == 1)
        #expect(result.standardError.contains("cannot connect to PostgreSQL"))
        #expect(result.standardError.contains("password authentication failed"))
        #expect(!result.standardError.contains(secret))
        #expect(!result.standardOutput.contains(secret))
    }

    @Test func aMalformedURLIsAClearErrorThatDoesNotEchoThePassword() throws {
        let secret = "S3cret-in-a-bad-url"
        for url in [
            "postgresql://u:\(secret)@[::1/db", "postgresql://u:\(secret)@127.0.0.1:notaport/db",
            "not a url at all \(secret)",
        ] {
            let result = try Subprocess.run(
                self.shebao,
                ["migrate"],
                environment: ["DATABASE_URL": url, "MIGRATION_DATABASE_URL": nil]
            )
            #expect(result.status == 1, "\(url)")
            #expect(result.standardError.hasPrefix("shebao migrate: "))
            #expect(!result.standardError.contains(secret), "\(result.standardError)")
        }
    }

    @Test func missingConfigurationSaysWhatToSet() throws {
        let result = try Subprocess.run(
            self.shebao,
            ["migrate"],
            environment: ["DATABASE_URL": nil, "MIGRATION_DATABASE_URL": nil]
        )
        #expect(result.status == 1)
        #expect(result.standardError.contains("set DATABASE_URL"))
    }
}
