import Postgres
import Store
import TestSupport
import Testing

/// Row-level security against the real server, table by table: the application role, through
/// ``Store``, sees and changes only what its scope allows.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the throwaway cluster of make test"), .serialized)
struct RowLevelSecurityTests {
    let fixture: ScopeFixture
    let store: Store

    init() throws {
        self.init(fixture: try ScopeFixture.shared())
    }

    init(fixture: ScopeFixture) {
        self.fixture = fixture
        self.store = Store(database: fixture.app)
    }

    private static let clerk = Principal(kind: .operator, id: 1)

    private func count(_ table: String, id: Int64, scope: Scope) throws -> Int {
        try self.store.withScope(scope, principal: Self.clerk) { connection in
            try connection.query(
                "SELECT count(*) FROM shebao.\(table) WHERE \(ScopeFixture.keyColumn(table)) = $1",
                [id]
            ).single().decode(0, as: Int.self)
        }
    }

    /// Runs `sql` as the application in `scope`; returns the rows affected, or the SQLSTATE it
    /// was refused with.
    private func attempt(_ sql: String, _ binds: [(any PostgresEncodable)?], scope: Scope) -> Result<Int, PostgresError>
    {
        Result {
            try self.store.withScope(scope, principal: Self.clerk) { connection in
                try connection.query(sql, binds).affectedRows
            }
        }.mapError { $0 as! PostgresError }
    }

    @Test func everyTableWithAnOfficeColumnHasForcedRowLevelSecurityAndPolicies() throws {
        let offenders = try self.fixture.database.withConnection { connection in
            try connection.query(
                """
                SELECT c.relname,
                    c.relrowsecurity AND c.relforcerowsecurity AS forced,
                    (SELECT array_agg(DISTINCT p.polcmd ORDER BY p.polcmd) FROM pg_policy p
                     WHERE p.polrelid = c.oid AND 'shebao_app'::regrole = ANY (p.polroles))::text AS commands
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'shebao' AND c.relkind = 'r'
                    AND EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'office_id' AND NOT a.attisdropped)
                ORDER BY 1
                """
            ).map { row in
                (
                    try row.decode(0, as: String.self), try row.decode(1, as: Bool.self),
                    try row.decode(2, as: String?.self)
                )
            }
        }
        #expect(offenders.count >= 27, "fewer office-scoped tables than expected: \(offenders.map(\.0))")
        for (table, forced, commands) in offenders {
            #expect(forced, "\(table): row-level security is not enabled and forced")
            // p.cmd: r = SELECT, a = INSERT, w = UPDATE, d = DELETE.
            #expect(commands == "{a,d,r,w}", "\(table): the application's policies cover \(commands ?? "nothing")")
        }
        // The fixture covers every one of them, so the tests below reach every table.
        #expect(Set(offenders.map(\.0)) == Set(ScopeFixture.tables.map(\.table)))
    }

    @Test(arguments: ScopeFixture.tables.map(\.table))
    func anOfficeSeesItsOwnRowsAndNotItsSiblings(table: String) throws {
        let (a, b) = (self.fixture.a, self.fixture.b)
        #expect(try self.count(table, id: a.rows[table]!, scope: .office(id: a.id)) == 1)
        #expect(try self.count(table, id: b.rows[table]!, scope: .office(id: a.id)) == 0, "A reads B's \(table)")
        // The parent sees both; the district under A sees neither (A's rows are A's own).
        #expect(try self.count(table, id: a.rows[table]!, scope: .office(id: self.fixture.province)) == 1)
        #expect(try self.count(table, id: b.rows[table]!, scope: .office(id: self.fixture.province)) == 1)
        #expect(try self.count(table, id: a.rows[table]!, scope: .office(id: self.fixture.districtOfA)) == 0)
        // No scope: nothing.
        #expect(try self.count(table, id: a.rows[table]!, scope: .none) == 0)
    }

    @Test(arguments: ScopeFixture.tables.map(\.table))
    func anOfficeCannotChangeOrDeleteASiblingsRowsNorMoveItsOwnThere(table: String) throws {
        let (a, b) = (self.fixture.a, self.fixture.b)
        let key = ScopeFixture.keyColumn(table)
        // Updating or deleting B's row from A finds nothing (or is not granted at all).
        for sql in [
            "UPDATE shebao.\(table) SET office_id = office_id WHERE \(key) = $1",
            "DELETE FROM shebao.\(table) WHERE \(key) = $1",
        ] {
            switch self.attempt(sql, [b.rows[table]!], scope: .office(id: a.id)) {
            case .success(let rows): #expect(rows == 0, "A changed B's \(table): \(sql)")
            case .failure(let error): #expect(error.sqlState == SQLState("42501"), "\(table): \(error)")
            }
        }
        #expect(try self.count(table, id: b.rows[table]!, scope: .office(id: b.id)) == 1, "B's \(table) row is gone")
        // Moving A's row to B is refused by the policy (or by the grants).
        let move = self.attempt(
            "UPDATE shebao.\(table) SET office_id = $2 WHERE \(key) = $1",
            [a.rows[table]!, b.id],
            scope: .office(id: a.id)
        )
        guard case .failure(let error) = move else {
            Issue.record("A moved its \(table) row to B")
            return
        }
        #expect(error.sqlState == SQLState("42501"), "\(table): \(error)")
    }

    /// The binds of a table's insert for `office`, with a number not used before.
    private func binds(for office: ScopeFixture.Office, _ uses: [String], number: Int) -> [(any PostgresEncodable)?] {
        var binds: [(any PostgresEncodable)?] = [office.id]
        for use in uses {
            switch use {
            case "#number": binds.append(number)
            case "#citizen": binds.append(ScopeFixture.citizenID(number: number, male: true))
            default: binds.append(office.rows[use]!)
            }
        }
        return binds
    }

    @Test(arguments: ScopeFixture.tables)
    func anOfficeCannotInsertRowsForASibling(table: String, insert: String, uses: [String]) throws {
        let (a, b) = (self.fixture.a, self.fixture.b)
        let result = self.attempt(insert, self.binds(for: b, uses, number: 90 + Int(b.id)), scope: .office(id: a.id))
        guard case .failure(let error) = result else {
            Issue.record("A inserted a \(table) row for B")
            return
        }
        #expect(error.sqlState == SQLState("42501"), "\(table): \(error)")
        #expect(error.message?.contains("row-level security") == true, "\(table): \(error.message ?? "")")
    }

    @Test(arguments: ScopeFixture.tables)
    func anOfficeMayInsertRowsForItself(table: String, insert: String, uses: [String]) throws {
        let a = self.fixture.a
        // Inserted (then rolled back), or refused by a unique or exclusion constraint: both
        // come after the policy and the grants let the row through.
        let result = Result {
            try self.store.withScope(.office(id: a.id), principal: Self.clerk) { connection in
                _ = try connection.query(insert, self.binds(for: a, uses, number: 300 + Int(a.id)))
                throw Rollback()
            }
        }
        switch result {
        case .failure(is Rollback):
            break
        case .failure(let error as PostgresError):
            // 23505 unique, 23P01 exclusion: constraints checked after the policy.
            #expect(
                [SQLState("23505"), SQLState("23P01")].contains(error.sqlState),
                "\(table): \(error) \(error.message ?? "")"
            )
        case .failure(let error):
            Issue.record("\(table): \(error)")
        case .success:
            Issue.record("\(table): the transaction was not rolled back")
        }
    }

    private struct Rollback: Error {}

    @Test(arguments: ScopeFixture.tables.map(\.table))
    func aPersonSeesOnlyTheirOwnRows(table: String) throws {
        let (a, b) = (self.fixture.a, self.fixture.b)
        if ScopeFixture.personReadable.contains(table) {
            #expect(try self.count(table, id: a.rows[table]!, scope: .person(id: a.person)) == 1)
            #expect(try self.count(table, id: b.rows[table]!, scope: .person(id: a.person)) == 0)
        } else {
            // Not the person's row (the payment is the employer's), or not a person's table at
            // all: the person role may not even read it.
            switch self.attempt(
                "SELECT 1 FROM shebao.\(table) WHERE \(ScopeFixture.keyColumn(table)) = $1",
                [a.rows[table]!],
                scope: .person(id: a.person)
            ) {
            case .success(let rows): #expect(rows == 0, "a person read \(table)")
            case .failure(let error): #expect(error.sqlState == SQLState("42501"))
            }
        }
        // And changes nothing, not even their own rows.
        switch self.attempt(
            "UPDATE shebao.\(table) SET office_id = office_id WHERE \(ScopeFixture.keyColumn(table)) = $1",
            [a.rows[table]!],
            scope: .person(id: a.person)
        ) {
        case .success(let rows): #expect(rows == 0)
        case .failure(let error): #expect(error.sqlState == SQLState("42501"))
        }
    }

    @Test func theApplicationCannotTurnRowLevelSecurityOff() throws {
        let disable = self.attempt(
            "ALTER TABLE shebao.person DISABLE ROW LEVEL SECURITY",
            [],
            scope: .office(id: self.fixture.a.id)
        )
        guard case .failure(let error) = disable else {
            Issue.record("the application disabled row-level security")
            return
        }
        #expect(error.sqlState == SQLState("42501"))
        // row_security = off makes a query that policies would filter fail, not bypass them.
        let bypass = Result {
            try self.store.withScope(.office(id: self.fixture.a.id), principal: Self.clerk) { connection in
                try connection.execute(unsafeScript: "SET LOCAL row_security = off")
                return try connection.query("SELECT count(*) FROM shebao.person").single().decode(0, as: Int.self)
            }
        }
        guard case .failure(let refused as PostgresError) = bypass else {
            Issue.record("row_security = off let the application read: \(bypass)")
            return
        }
        #expect(refused.sqlState == SQLState("42501"))
    }

    @Test func theApplicationCanAppendToTheAuditLogButNotAlterIt() throws {
        let a = self.fixture.a
        let appended = self.attempt(
            "INSERT INTO shebao.audit_event (office_id, actor_kind, action, outcome) VALUES ($1, 'system', 'test.append', 'success')",
            [a.id],
            scope: .office(id: a.id)
        )
        #expect((try? appended.get()) == 1)
        for sql in [
            "UPDATE shebao.audit_event SET outcome = 'failure' WHERE id = $1",
            "DELETE FROM shebao.audit_event WHERE id = $1",
        ] {
            let result = self.attempt(sql, [a.rows["audit_event"]!], scope: .office(id: a.id))
            guard case .failure(let error) = result else {
                Issue.record("the application altered the audit log: \(sql)")
                continue
            }
            #expect(error.sqlState == SQLState("42501"))
        }
        // Each event is chained to the one before.
        let chained = try self.fixture.database.withConnection { connection in
            try connection.query(
                """
                SELECT count(*) FROM shebao.audit_event e JOIN shebao.audit_event p ON p.chain_position = e.chain_position - 1
                WHERE e.previous_hash = p.hash AND e.hash = sha256(e.previous_hash || convert_to(shebao.audit_canonical(e), 'UTF8'))
                """
            ).single().decode(0, as: Int.self)
        }
        #expect(chained >= 2)
    }

    @Test func theApplicationCannotReadSessionTokenHashes() throws {
        let a = self.fixture.a
        let hashes = self.attempt("SELECT token_hash FROM shebao.session", [], scope: .office(id: a.id))
        guard case .failure(let error) = hashes else {
            Issue.record("the application read token hashes")
            return
        }
        #expect(error.sqlState == SQLState("42501"))
        #expect(
            (try? self.attempt("SELECT id, expires_at FROM shebao.session", [], scope: .office(id: a.id)).get()) == 1
        )
    }

    @Test func theDuplicateCheckRevealsTheOtherOfficesCodeAndNothingElse() throws {
        let citizenOfB = ScopeFixture.citizenID(number: 2, male: true)
        let answer = try self.store.withScope(.office(id: self.fixture.a.id), principal: Self.clerk) { connection in
            try connection.query("SELECT * FROM shebao.active_enrolment_office($1, '110')", [citizenOfB]).single()
        }
        #expect(answer.columnCount == 1)
        #expect(try answer.decode(0, as: String?.self) == self.fixture.b.code)
        let none = try self.store.withScope(.office(id: self.fixture.a.id), principal: Self.clerk) { connection in
            try connection.query("SELECT shebao.active_enrolment_office($1, '210')", [citizenOfB]).single()
                .decode(0, as: String?.self)
        }
        #expect(none == nil)
    }

    @Test func theCountryWideUniqueIndexRefusesASecondActiveEnrolment() throws {
        let a = self.fixture.a
        let citizenOfB = ScopeFixture.citizenID(number: 2, male: true)
        let second = self.attempt(
            "INSERT INTO shebao.enrolment (office_id, person_id, citizen_id, scheme_code, status, start_period) VALUES ($1, $2, $3, '110', 'active', 202602)",
            [a.id, a.person, citizenOfB],
            scope: .office(id: a.id)
        )
        guard case .failure(let error) = second else {
            Issue.record("a second active enrolment was accepted")
            return
        }
        #expect(error.sqlState == SQLState("23505"))
        #expect(error.constraint == "enrolment_one_active")
    }

    @Test func policiesEvaluateTheScopeOncePerStatementAndUseTheOfficeIndex() throws {
        let plan = try self.store.withScope(.office(id: self.fixture.a.id), principal: Self.clerk) { connection in
            try connection.execute(unsafeScript: "SET LOCAL enable_seqscan = off")
            return try connection.query("EXPLAIN SELECT * FROM shebao.person WHERE name = '张三'")
                .map { try $0.decode(0, as: String.self) }.joined(separator: "\n")
        }
        #expect(plan.contains("InitPlan"), "\(plan)")
        #expect(
            !plan.contains("scope_person_id") && !plan.contains(" OR "),
            "an operator's plan checks for a person:\n\(plan)"
        )
        #expect(!plan.contains("SubPlan"), "the scope is evaluated per row:\n\(plan)")
        #expect(plan.contains("person_office_id_idx"), "\(plan)")
    }

    /// A scalar sub-select of the scope array would be stored with a short header when small and
    /// converted back on every row (a palloc and a copy per row: a tenth of a scoped list's time).
    @Test func everyPolicyReadsTheOfficeScopeAsAnArraySubSelect() throws {
        let policies = try self.fixture.database.withConnection { connection in
            try connection.query(
                """
                SELECT tablename || '.' || policyname, coalesce(qual, '') || ' ' || coalesce(with_check, '')
                FROM pg_policies
                WHERE schemaname = 'shebao' AND (qual LIKE '%scope_office_ids%' OR with_check LIKE '%scope_office_ids%')
                """
            ).map { (try $0.decode(0, as: String.self), try $0.decode(1, as: String.self)) }
        }
        #expect(policies.count >= 27 * 4, "\(policies.count) policies read the office scope")
        for (policy, expression) in policies where expression.contains("= ANY") {
            #expect(
                expression.contains("ANY (ARRAY( SELECT unnest("),
                "\(policy): \(expression)"
            )
        }
    }

    @Test func aTransferMovesThePersonAndTheirActiveEnrolmentsToTheOtherOffice() throws {
        // A fixture of its own: this test changes the rows.
        let fixture = try ScopeFixture.make()
        defer { fixture.close() }
        let tests = RowLevelSecurityTests(fixture: fixture)
        try tests.transfer()
    }

    private func transfer() throws {
        let (a, b) = (self.fixture.a, self.fixture.b)
        let moved = try self.store.withScope(.office(id: a.id), principal: Self.clerk) { connection in
            try connection.query("SELECT shebao.transfer_person($1, $2, 202607)", [a.person, b.id]).single()
                .decode(0, as: Int.self)
        }
        #expect(moved == 1)
        #expect(try self.count("person", id: a.person, scope: .office(id: a.id)) == 0)
        #expect(try self.count("person", id: a.person, scope: .office(id: b.id)) == 1)
        let enrolments = try self.store.withScope(.office(id: self.fixture.province), principal: Self.clerk) {
            connection in
            try connection.query(
                "SELECT office_id, status, start_period, end_period FROM shebao.enrolment WHERE person_id = $1 ORDER BY id",
                [a.person]
            ).map { row in
                "\(try row.decode(0, as: Int64.self)) \(try row.decode(1, as: String.self)) \(try row.decode(2, as: Int.self)) \(try row.decode(3, as: Int?.self).map(String.init) ?? "-")"
            }
        }
        #expect(enrolments == ["\(a.id) ended 202601 202606", "\(b.id) active 202607 -"])
        // From an office that does not hold the person, the transfer is refused.
        let refused = self.attempt(
            "SELECT shebao.transfer_person($1, $2, 202608)",
            [b.person, a.id],
            scope: .office(id: a.id)
        )
        guard case .failure(let error) = refused else {
            Issue.record("an office transferred a person it does not hold")
            return
        }
        #expect(error.sqlState == SQLState("42501"))
    }
}
