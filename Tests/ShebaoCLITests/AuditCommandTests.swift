import Foundation
import Postgres
import TestSupport
import Testing

/// `shebao audit verify` and `shebao audit anchor`, run as separate processes.
@Suite(.enabled(if: TestEnvironment.hasDatabase && TestEnvironment.shebaoExecutable != nil, "needs make test"))
struct AuditCommandTests {
    private var shebao: String { TestEnvironment.shebaoExecutable ?? "" }

    @Test func verifyPassesAnIntactChainChecksAnAnchorAndNamesTheFirstBrokenLink() throws {
        let database = try TestDatabase.create("auditcli")
        defer { database.drop() }
        try database.withConnection { connection in
            let office = try connection.query(
                """
                INSERT INTO shebao.office (parent_id, code, region_code, level, name)
                VALUES (NULL, '320000', '320000', 'province', '省中心') RETURNING id
                """
            ).single().decode(0, as: Int64.self)
            for index in 1...3 {
                try connection.query(
                    "INSERT INTO shebao.audit_event (office_id, actor_kind, action, target_id, outcome) VALUES ($1, 'system', 'demo.step', $2, 'success')",
                    [office, "\(index)"]
                )
            }
        }
        let environment: [String: String?] = ["DATABASE_URL": nil, "MIGRATION_DATABASE_URL": try database.url()]
        let anchor = try Subprocess.run(self.shebao, ["audit", "anchor"], environment: environment)
        #expect(anchor.status == 0, "\(anchor.standardError)")
        let head = anchor.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(head.hasPrefix("3:") && head.count == 66, "\(head)")

        let intact = try Subprocess.run(self.shebao, ["audit", "verify", "--anchor", head], environment: environment)
        #expect(intact.status == 0, "\(intact.standardOutput) \(intact.standardError)")
        #expect(intact.standardOutput.contains("audit chain intact: 3 events, head \(head)"))

        try database.withConnection { connection in
            try connection.execute(
                unsafeScript:
                    "SET session_replication_role = replica; UPDATE shebao.audit_event SET target_id = 'x' WHERE chain_position = 2"
            )
        }
        let broken = try Subprocess.run(self.shebao, ["audit", "verify"], environment: environment)
        #expect(broken.status == 1)
        #expect(broken.standardOutput.contains("audit chain broken at event 2: its content does not match its hash"))
        let unknown = try Subprocess.run(
            self.shebao,
            ["audit", "verify", "--anchor", "3:zz"],
            environment: environment
        )
        #expect(unknown.status == 1)
    }
}
