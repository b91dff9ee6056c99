import Postgres
import Store
import TestSupport
import Testing

/// `AuditChain.verify` against the real server: an intact chain, then each kind of tampering
/// an owner of the database could do behind the application's back.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the throwaway cluster of make test"), .serialized)
struct AuditChainTests {
    /// A database with one office and `count` audit events appended the usual way.
    private func chain(_ count: Int) throws -> TestDatabase {
        let database = try TestDatabase.create("audit")
        try database.withConnection { connection in
            let office = try connection.query(
                """
                INSERT INTO shebao.office (parent_id, code, region_code, level, name)
                VALUES (NULL, '320000', '320000', 'province', '省中心') RETURNING id
                """
            ).single().decode(0, as: Int64.self)
            for index in 1...count {
                try connection.query(
                    """
                    INSERT INTO shebao.audit_event (office_id, actor_kind, actor_id, action, target_type, target_id, outcome, after)
                    VALUES ($1, 'operator', 7, 'person.update', 'person', $2, 'success', jsonb_build_object('step', $3::int))
                    """,
                    [office, "\(index)", index]
                )
            }
        }
        return database
    }

    private func verify(_ database: TestDatabase, batch: Int = 2) throws -> AuditChain.Verdict {
        try database.withConnection { try AuditChain.verify(on: $0, batch: batch) }
    }

    /// Changes rows without the chain's trigger noticing, as someone with the owner's rights could.
    private func tamper(_ database: TestDatabase, _ sql: String) throws {
        try database.withConnection { connection in
            try connection.execute(unsafeScript: "SET session_replication_role = replica; \(sql)")
        }
    }

    @Test func anIntactChainVerifiesAndItsHeadIsTheLastEvent() throws {
        let database = try self.chain(5)
        defer { database.drop() }
        let head = try database.withConnection { try AuditChain.head(on: $0) }
        #expect(head?.position == 5)
        #expect(head?.hash.count == 32)
        #expect(try self.verify(database) == .intact(events: 5, head: head))
        #expect(try self.verify(database, batch: 10_000) == .intact(events: 5, head: head))
    }

    @Test func anEmptyLogIsIntact() throws {
        let database = try TestDatabase.create("auditempty")
        defer { database.drop() }
        #expect(try self.verify(database) == .intact(events: 0, head: nil))
        #expect(try database.withConnection { try AuditChain.head(on: $0) } == nil)
    }

    @Test func anAlteredEventIsNamed() throws {
        let database = try self.chain(5)
        defer { database.drop() }
        try self.tamper(database, "UPDATE shebao.audit_event SET outcome = 'failure' WHERE chain_position = 3")
        #expect(
            try self.verify(database) == .broken(position: 3, reason: "its content does not match its hash (altered)")
        )
    }

    @Test func aRemovedEventIsNamed() throws {
        let database = try self.chain(5)
        defer { database.drop() }
        try self.tamper(database, "DELETE FROM shebao.audit_event WHERE chain_position = 4")
        #expect(try self.verify(database) == .broken(position: 4, reason: "event 4 is missing (the next one is 5)"))
    }

    @Test func aRehashedEventStillBreaksTheNextLink() throws {
        let database = try self.chain(5)
        defer { database.drop() }
        // Altered and given a correct hash of its own: the next event still links to the old one.
        try self.tamper(
            database,
            """
            UPDATE shebao.audit_event e SET outcome = 'denied' WHERE chain_position = 2;
            UPDATE shebao.audit_event e SET hash = digest(e.previous_hash || convert_to(shebao.audit_canonical(e), 'UTF8'), 'sha256')
            WHERE chain_position = 2;
            """
        )
        #expect(try self.verify(database) == .broken(position: 3, reason: "it does not link to event 2"))
    }

    @Test func theApplicationCannotRewriteTheChain() throws {
        let database = try self.chain(2)
        defer { database.drop() }
        let refused = Result {
            try database.withConnection { connection in
                try connection.execute(
                    unsafeScript: "SET ROLE shebao_app; UPDATE shebao.audit_event SET outcome = 'failure'"
                )
            }
        }
        guard case .failure(let error as PostgresError) = refused else {
            Issue.record("the application updated the audit log")
            return
        }
        #expect(error.sqlState == SQLState("42501"))
    }
}
