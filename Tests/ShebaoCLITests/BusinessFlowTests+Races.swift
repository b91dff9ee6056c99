import Foundation
import Postgres
import Synchronization
import TestSupport
import Testing

extension BusinessFlowTests {
    /// What the 409 of a cancelled application says.
    static let cancelledRefusal = "该申请当前状态为“已撤销”，不能进行此操作"

    /// The application's status, the employer's registrations and the application's vouchers.
    static func outcome(_ fixture: BusinessFixture, _ id: Int) throws -> (String, Int64, Int64) {
        let row = try fixture.sql(
            """
            SELECT a.status, (SELECT count(*) FROM shebao.employer e WHERE e.credit_code = $2),
                (SELECT count(*) FROM shebao.voucher v WHERE v.application_id = a.id)
            FROM shebao.application a WHERE a.id = $1
            """,
            [id, Self.creditCode]
        ).single()
        return (
            try row.decode(0, as: String.self), try row.decode(1, as: Int64.self), try row.decode(2, as: Int64.self)
        )
    }

    @Test func aDecisionOvertakenByACancellationIsRefusedAndLeavesNothingBehind() throws {
        let fixture = try BusinessFixture()
        try fixture.addOperator("clerk-a", office: "320102", roles: ["clerk"])
        try fixture.addOperator("reviewer-a", office: "320102", roles: ["reviewer"])
        let clerk = try fixture.login("clerk-a")
        let reviewer = try fixture.login("reviewer-a")
        let id = try Self.submitEmployerRegistration(fixture, clerk: clerk)

        // Cancelled behind the API's back between the decision's load and its update: by a
        // trigger on the employer that the approval inserts first, in the approval's own
        // transaction. The update expecting `submitted` changes no row: a 409, all rolled back.
        _ = try fixture.sql(
            """
            CREATE FUNCTION public.cancel_behind_the_api() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE shebao.application SET status = 'cancelled', version = version + 1 WHERE status = 'submitted';
                RETURN NULL;
            END $$
            """
        )
        _ = try fixture.sql(
            """
            CREATE TRIGGER cancel_behind_the_api AFTER INSERT ON shebao.employer
            FOR EACH ROW EXECUTE FUNCTION public.cancel_behind_the_api()
            """
        )
        let overtaken = try fixture.request("POST", "/api/v1/applications/\(id)/approve", token: reviewer)
        #expect(overtaken.status == 409, "\(overtaken.text)")
        #expect(overtaken.object["detail"] as? String == Self.cancelledRefusal)
        #expect(try Self.outcome(fixture, id) == ("submitted", 0, 0))
        _ = try fixture.sql("DROP TRIGGER cancel_behind_the_api ON shebao.employer")

        // Cancelled in a transaction that holds the row while the decision waits for it: the
        // decision reads the cancellation once it commits, and the status refuses it.
        final class Answer: Sendable {
            let value = Mutex<(status: Int, detail: String?)?>(nil)
            let arrived = DispatchSemaphore(value: 0)
        }
        let answer = Answer()
        try fixture.database.withConnection { monitor in
            try fixture.database.withConnection { canceller in
                try canceller.withTransaction { tx in
                    try tx.query(
                        """
                        UPDATE shebao.application SET status = 'cancelled', version = version + 1
                        WHERE id = $1 AND status = 'submitted'
                        """,
                        [id]
                    )
                    Thread {
                        let response = try? fixture.request(
                            "POST",
                            "/api/v1/applications/\(id)/approve",
                            token: reviewer
                        )
                        let result = response.map { (status: $0.status, detail: $0.object["detail"] as? String) }
                        answer.value.withLock { $0 = result }
                        answer.arrived.signal()
                    }.start()
                    let isWaiting = try waitUntil(timeout: .seconds(30)) {
                        try monitor.query(
                            """
                            SELECT count(*) FROM pg_stat_activity
                            WHERE datname = current_database() AND wait_event_type = 'Lock'
                            """
                        ).single().decode(0, as: Int64.self) > 0
                    }
                    #expect(isWaiting, "the decision never waited for the cancellation's lock")
                }
            }
        }
        #expect(answer.arrived.wait(timeout: .now() + 30) == .success)
        let raced = answer.value.withLock { $0 }
        #expect(raced?.status == 409, "\(String(describing: raced))")
        #expect(raced?.detail == Self.cancelledRefusal)
        #expect(try Self.outcome(fixture, id) == ("cancelled", 0, 0))
    }
}
