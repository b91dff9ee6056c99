import Postgres
import TestSupport
import Testing

@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the throwaway cluster of make test"))
struct PostgresErrorTests {
    private func withTables(_ body: (PostgresConnection) throws -> Void) throws {
        try TestDatabase.shared().withConnection { connection in
            try connection.execute(
                unsafeScript: """
                    CREATE TEMP TABLE parent (id int8 PRIMARY KEY, code text NOT NULL UNIQUE CONSTRAINT code_format CHECK (code ~ '^[A-Z]{3}$'));
                    CREATE TEMP TABLE child (id int8 PRIMARY KEY, parent_id int8 NOT NULL CONSTRAINT child_parent_fk REFERENCES parent (id));
                    """
            )
            try body(connection)
        }
    }

    private func expectViolation(
        _ state: SQLState,
        constraint: String?,
        table: String,
        sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () throws -> Void
    ) {
        do {
            try body()
            Issue.record("expected \(state)", sourceLocation: sourceLocation)
        } catch let error as PostgresError {
            #expect(error.code == .server, sourceLocation: sourceLocation)
            #expect(error.sqlState == state, sourceLocation: sourceLocation)
            #expect(error.constraint == constraint, sourceLocation: sourceLocation)
            #expect(error.table == table, sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func constraintViolationsCarryTheirSQLStateAndConstraintName() throws {
        try self.withTables { connection in
            try connection.execute("INSERT INTO parent (id, code) VALUES ($1, $2)", [1, "ABC"])
            self.expectViolation(.uniqueViolation, constraint: "parent_pkey", table: "parent") {
                try connection.execute("INSERT INTO parent (id, code) VALUES ($1, $2)", [1, "XYZ"])
            }
            self.expectViolation(.uniqueViolation, constraint: "parent_code_key", table: "parent") {
                try connection.execute("INSERT INTO parent (id, code) VALUES ($1, $2)", [2, "ABC"])
            }
            self.expectViolation(.checkViolation, constraint: "code_format", table: "parent") {
                try connection.execute("INSERT INTO parent (id, code) VALUES ($1, $2)", [3, "abc"])
            }
            self.expectViolation(.foreignKeyViolation, constraint: "child_parent_fk", table: "child") {
                try connection.execute("INSERT INTO child (id, parent_id) VALUES ($1, $2)", [1, 99])
            }
            self.expectViolation(.notNullViolation, constraint: nil, table: "parent") {
                try connection.execute("INSERT INTO parent (id, code) VALUES ($1, $2)", [4, nil])
            }
        }
    }

    @Test func anErrorsDescriptionNeverCarriesTheValuesThatCausedIt() throws {
        try self.withTables { connection in
            try connection.execute("INSERT INTO parent (id, code) VALUES ($1, $2)", [7, "SEC"])
            do {
                try connection.execute("INSERT INTO parent (id, code) VALUES ($1, $2)", [8, "SEC"])
                Issue.record("expected a unique violation")
            } catch let error as PostgresError {
                #expect(error.detail?.contains("SEC") == true)
                #expect(!error.description.contains("SEC"))
                #expect(error.description.contains("23505"))
                #expect(error.debugDescription.contains("SEC"))
            }
            do {
                try connection.query("SELECT $1::int8", ["secret-value-42"])
                Issue.record("expected invalid input")
            } catch let error as PostgresError {
                #expect(error.sqlState == .invalidTextRepresentation)
                #expect(!error.description.contains("secret-value-42"))
            }
        }
    }

    @Test func aQuoteLadenParameterIsStoredVerbatimAndExecutesNothing() throws {
        try self.withTables { connection in
            try connection.execute("CREATE TEMP TABLE note (id int8 PRIMARY KEY, body text NOT NULL)")
            let hostile = "x'); DROP TABLE parent; --\"; DELETE FROM note; $1 \\' ;"
            try connection.execute("INSERT INTO note (id, body) VALUES ($1, $2)", [1, hostile])
            let stored = try connection.query("SELECT body FROM note WHERE body = $1", [hostile]).single()
            #expect(try stored.decode(0, as: String.self) == hostile)
            #expect(try connection.query("SELECT count(*) FROM parent").single().decode(0, as: Int64.self) == 0)
            #expect(try connection.query("SELECT count(*) FROM note").single().decode(0, as: Int64.self) == 1)
        }
    }

    @Test func theConnectionIsUsableAfterAStatementError() throws {
        try TestDatabase.shared().withConnection { connection in
            #expect(throws: PostgresError.self) { try connection.query("SELECT * FROM no_such_table") }
            let value = try connection.query("SELECT 2::int8").single().decode(0, as: Int64.self)
            #expect(value == 2)
            #expect(!connection.isBroken)
        }
    }

    @Test func preparedStatementsAreReusedAndSurviveTheServerForgettingThem() throws {
        let statement = PreparedStatement("SELECT $1::int8 * 2")
        try TestDatabase.shared().withConnection { connection in
            for value in 0..<50 {
                let doubled = try connection.query(statement, [Int64(value)]).single().decode(0, as: Int64.self)
                #expect(doubled == Int64(value) * 2)
            }
            let prepared = try connection.query("SELECT count(*) FROM pg_prepared_statements").single()
            #expect(try prepared.decode(0, as: Int64.self) == 1)
            try connection.execute(unsafeScript: "DEALLOCATE ALL")
            #expect(try connection.query(statement, [Int64(21)]).single().decode(0, as: Int64.self) == 42)
        }
    }
}
