import ConnectionPool
import Postgres
import Store
import TestSupport
import Testing

/// Incompatible roles (不相容岗位) refused by the database at assignment, whoever assigns them.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the throwaway cluster of make test"), .serialized)
struct SeparationOfDutiesTests {
    private static let administrator = Principal(kind: .operator, id: 1)

    /// A database with an office and an operator in it; the application's pool on it.
    private func setUp() throws -> (TestDatabase, Store, office: Int64, operator: Int64) {
        let database = try TestDatabase.create("sod")
        let (office, id) = try database.withConnection { connection in
            let office = try connection.query(
                """
                INSERT INTO shebao.office (parent_id, code, region_code, level, name)
                VALUES (NULL, '320000', '320000', 'province', '省中心') RETURNING id
                """
            ).single().decode(0, as: Int64.self)
            let id = try connection.query(
                """
                INSERT INTO shebao.operator (office_id, username, display_name, password_hash)
                VALUES ($1, 'clerk1', '经办', '$scrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA')
                RETURNING id
                """,
                [office]
            ).single().decode(0, as: Int64.self)
            return (office, id)
        }
        var configuration = database.configuration
        configuration.parameters.append(.init("options", "-c role=shebao_app"))
        let store = Store(database: PostgresClient(configuration: configuration, pool: .init(maximumConnections: 2)))
        return (database, store, office, id)
    }

    private func assign(
        _ role: String,
        _ store: Store,
        office: Int64,
        operator id: Int64
    ) -> Result<Void, PostgresError> {
        Result {
            try store.withScope(.office(id: office), principal: Self.administrator) { connection in
                _ = try connection.query(
                    "INSERT INTO shebao.role_assignment (office_id, operator_id, role) VALUES ($1, $2, $3)",
                    [office, id, role]
                )
            }
        }.mapError { $0 as! PostgresError }
    }

    @Test(arguments: [
        ("clerk", "reviewer"), ("disbursement_officer", "disbursement_approver"), ("auditor", "administrator"),
    ])
    func anIncompatibleSecondRoleIsRefused(first: String, second: String) throws {
        let (database, store, office, id) = try self.setUp()
        defer {
            store.database.close()
            database.drop()
        }
        #expect(throws: Never.self) { try self.assign(first, store, office: office, operator: id).get() }
        guard case .failure(let error) = self.assign(second, store, office: office, operator: id) else {
            Issue.record("\(first) and \(second) were both assigned")
            return
        }
        #expect(error.sqlState == SQLState("23514"))
        #expect(error.constraint == "role_conflict")
        // Compatible roles are fine beside it.
        #expect(throws: Never.self) { try self.assign("office_manager", store, office: office, operator: id).get() }
    }

    @Test func aRevokedRoleNoLongerConflictsAndNewPairsAreData() throws {
        let (database, store, office, id) = try self.setUp()
        defer {
            store.database.close()
            database.drop()
        }
        try self.assign("clerk", store, office: office, operator: id).get()
        try store.withScope(.office(id: office), principal: Self.administrator) { connection in
            _ = try connection.query(
                "UPDATE shebao.role_assignment SET revoked_at = now() WHERE operator_id = $1 AND role = 'clerk'",
                [id]
            )
        }
        try self.assign("reviewer", store, office: office, operator: id).get()
        // Re-activating the revoked clerk role would break the rule again.
        let reactivated = Result {
            try store.withScope(.office(id: office), principal: Self.administrator) { connection in
                _ = try connection.query(
                    "UPDATE shebao.role_assignment SET revoked_at = NULL WHERE operator_id = $1 AND role = 'clerk'",
                    [id]
                )
            }
        }
        #expect(throws: PostgresError.self) { try reactivated.get() }
        // A province adds a pair of its own.
        try database.withConnection {
            try $0.execute(unsafeScript: "INSERT INTO shebao.role_conflict VALUES ('office_manager', 'reviewer')")
        }
        guard case .failure(let error) = self.assign("office_manager", store, office: office, operator: id) else {
            Issue.record("a configured pair was not enforced")
            return
        }
        #expect(error.constraint == "role_conflict")
    }
}
