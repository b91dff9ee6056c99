public import Postgres

/// The invariant queries of SCHEDULER.md for disbursement, run as the superuser: what every
/// disbursement test ends with.
public enum DisbursementInvariants {
    /// The invariants that do not hold, each with its count; empty when all hold:
    /// - no obligation has two live or paid attempts;
    /// - each computed (or later) run's control totals equal its lines;
    /// - every paid line has exactly one notification, and every notification its paid line;
    /// - no failed line is carried by two lines;
    /// - no return-file line is recorded twice, and every applied one settled its line;
    /// - no pending task's lease expired more than `staleAfter` seconds ago.
    public static func violations(on connection: PostgresConnection, staleAfter: Int = 30) throws -> [String] {
        var violations: [String] = []
        for (name, sql) in Self.queries(staleAfter: staleAfter) {
            let count = try connection.query(sql).single().decode(0, as: Int.self)
            if count != 0 {
                violations.append("\(name): \(count)")
            }
        }
        return violations
    }

    static func queries(staleAfter: Int) -> [(String, String)] {
        [
            (
                "obligations with two live or paid attempts",
                """
                SELECT count(*) FROM (SELECT obligation_id FROM shebao.payment_attempt
                WHERE status IN ('pending', 'paid') GROUP BY obligation_id HAVING count(*) > 1) d
                """
            ),
            (
                "runs whose control totals differ from their lines",
                """
                SELECT count(*) FROM shebao.disbursement_run r
                CROSS JOIN LATERAL (SELECT count(*) AS n, coalesce(sum(a.amount_fen), 0)::bigint AS s
                    FROM shebao.payment_attempt a WHERE a.run_id = r.id AND a.status <> 'cancelled') t
                WHERE r.status IN ('computed', 'approved', 'exported', 'reconciled')
                AND (r.line_count <> t.n OR r.total_fen <> t.s)
                """
            ),
            (
                "runs whose paid and failed counts differ from their lines",
                """
                SELECT count(*) FROM shebao.disbursement_run r
                CROSS JOIN LATERAL (SELECT count(*) FILTER (WHERE a.status = 'paid') AS p,
                    count(*) FILTER (WHERE a.status = 'failed') AS f
                    FROM shebao.payment_attempt a WHERE a.run_id = r.id) t
                WHERE r.paid_count <> t.p OR r.failed_count <> t.f
                """
            ),
            (
                "paid lines without exactly one notification",
                """
                SELECT count(*) FROM shebao.payment_attempt a
                LEFT JOIN (SELECT (o.payload->>'lineId')::bigint AS line, count(*) AS n FROM shebao.notification_outbox o
                    WHERE o.template = 'disbursement.paid' GROUP BY 1) t ON t.line = a.id
                WHERE a.status = 'paid' AND coalesce(t.n, 0) <> 1
                """
            ),
            (
                "payment notifications without a paid line",
                """
                SELECT count(*) FROM shebao.notification_outbox o WHERE o.template = 'disbursement.paid'
                AND NOT EXISTS (SELECT 1 FROM shebao.payment_attempt a
                    WHERE a.id = (o.payload->>'lineId')::bigint AND a.status = 'paid')
                """
            ),
            (
                "failed lines carried twice",
                """
                SELECT count(*) FROM (SELECT carried_from FROM shebao.payment_attempt
                WHERE carried_from IS NOT NULL AND status <> 'cancelled' GROUP BY carried_from HAVING count(*) > 1) d
                """
            ),
            (
                "applied return lines whose payment is not settled by their file",
                """
                SELECT count(*) FROM shebao.return_line l JOIN shebao.payment_attempt a ON a.id = l.attempt_id
                WHERE l.outcome = 'applied' AND (a.return_file_id IS DISTINCT FROM l.file_id
                    OR a.status <> CASE WHEN l.paid THEN 'paid' ELSE 'failed' END)
                """
            ),
            (
                "payments settled by more than one applied line",
                """
                SELECT count(*) FROM (SELECT attempt_id FROM shebao.return_line WHERE outcome = 'applied'
                GROUP BY attempt_id HAVING count(*) > 1) d
                """
            ),
            (
                "pending tasks whose lease expired long ago",
                """
                SELECT count(*) FROM shebao.disbursement_task WHERE status = 'pending'
                AND lease_expires_at < now() - interval '\(staleAfter) seconds'
                """
            ),
        ]
    }
}
