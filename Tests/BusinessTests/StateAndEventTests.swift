import Business
import Domain
import Postgres
import TestSupport
import Testing

/// S12 (SCHEDULER.md): a failure injected between a state change and the event it queues leaves
/// neither visible. The failure is a trigger on the outbox that raises, so approval fails after
/// the registry, the application and the voucher were written, at the notification's insert.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the throwaway cluster of make test"))
struct StateAndEventTests {
    @Test func anApprovalWhoseNotificationFailsLeavesNothingBehind() throws {
        let scope = try BusinessScope()
        let submitted = try scope.run(as: scope.clerk) { context in
            let record = try ApplicationWorkflow.create(scope.registration(30), context)
            return try ApplicationWorkflow.submit(record.id, expecting: nil, context)
        }
        func count(_ table: String) throws -> Int64 {
            try scope.sql("SELECT count(*) FROM shebao.\(table)").single().decode(0, as: Int64.self)
        }
        let before = try ["person", "enrolment", "voucher", "notification_outbox", "audit_event"].map(count)
        _ = try scope.sql(
            """
            CREATE FUNCTION shebao.test_refuse_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'injected between state and event' USING ERRCODE = 'XX000'; END $$
            """
        )
        _ = try scope.sql(
            """
            CREATE TRIGGER test_refuse_outbox BEFORE INSERT ON shebao.notification_outbox
            FOR EACH ROW EXECUTE FUNCTION shebao.test_refuse_outbox()
            """
        )
        #expect(throws: PostgresError.self) {
            _ = try scope.run(as: scope.reviewer) { try ApplicationWorkflow.approve(submitted.id, expecting: nil, $0) }
        }
        #expect(try ["person", "enrolment", "voucher", "notification_outbox", "audit_event"].map(count) == before)
        let record = try scope.run(as: scope.reviewer) { try ApplicationWorkflow.read(submitted.id, $0) }
        #expect(record.status == .submitted)
        #expect(record.voucherNumber == nil)

        // Without the failure, the same approval goes through: the state and its event together.
        _ = try scope.sql("DROP TRIGGER test_refuse_outbox ON shebao.notification_outbox")
        let approved = try scope.run(as: scope.reviewer) {
            try ApplicationWorkflow.approve(submitted.id, expecting: nil, $0)
        }
        #expect(approved.status == .approved)
        #expect(try count("notification_outbox") == before[3] + 2)
    }
}
