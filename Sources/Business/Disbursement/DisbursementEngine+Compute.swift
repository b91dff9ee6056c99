import Domain
import Postgres
import Store

/// Computing a run: set-based SQL in keyset pages of the office's benefits of the kind (stage
/// `payees`), then of the office's failed lines of earlier periods (stage `carried`), then the
/// control totals (stage `totals`). Each page inserts with `ON CONFLICT DO NOTHING` and moves the
/// checkpoint in the same transaction, so a page done again after a crash changes nothing.
extension DisbursementEngine {
    func compute(
        _ task: ClaimedDisbursementTask,
        _ touched: Touched,
        page: Int,
        on connection: PostgresConnection
    ) throws -> Step {
        let run = touched.run
        guard run.status == .computing else {
            // Cancelled runs cancel their tasks, so this is a run moved on by hand: nothing to do.
            try self.finish(task, on: connection)
            return .finished(.compute)
        }
        let office = run.officeID
        let kind = run.kind.rawValue
        let period = run.period.value
        switch touched.stage {
        case "payees":
            let bounds = try connection.query(
                ComputeStatements.nextBenefits,
                [office, kind, touched.checkpoint, self.pageSize]
            ).single()
            guard let upTo = try bounds.decode(0, as: Int64?.self) else {
                try self.advance(
                    task,
                    stage: "carried",
                    checkpoint: 0,
                    done: touched.done,
                    on: connection
                )
                return .more("compute.payees_done")
            }
            let count = try bounds.decode(1, as: Int64.self)
            let range: [any PostgresEncodable & Sendable] = [office, kind, touched.checkpoint, upTo, period, run.id]
            let lined = try connection.query(ComputeStatements.payees, range).map { try $0.decode(0, as: Int64.self) }
            try connection.query(ComputeStatements.exclusions, range + [SQLArray.integers(lined)])
            try self.advance(
                task,
                stage: "payees",
                checkpoint: upTo,
                done: touched.done + count,
                on: connection
            )
            return .more("compute.page.\(page + 1)")
        case "carried":
            let bounds = try connection.query(
                ComputeStatements.nextFailures,
                [office, kind, period, touched.checkpoint, self.pageSize]
            ).single()
            guard let upTo = try bounds.decode(0, as: Int64?.self) else {
                try self.advance(
                    task,
                    stage: "totals",
                    checkpoint: 0,
                    done: touched.done,
                    on: connection
                )
                return .more("compute.carried_done")
            }
            try connection.query(ComputeStatements.carry, [office, kind, period, touched.checkpoint, upTo, run.id])
            try self.advance(
                task,
                stage: "carried",
                checkpoint: upTo,
                done: touched.done,
                on: connection
            )
            return .more("compute.carried.\(page + 1)")
        case "totals":
            guard let row = try connection.query(ComputeStatements.totals, [run.id]).first else {
                throw DisbursementRuns.corrupt
            }
            let computed = try DisbursementRuns.run(row)
            try self.finish(task, on: connection)
            try self.tell(computed, template: "disbursement.computed", [:], on: connection)
            return .finished(.compute)
        default:
            throw DisbursementRuns.corrupt
        }
    }
}

enum ComputeStatements {
    // The next page of the office's benefits of the kind after the checkpoint: its last id and
    // its size (NULL, 0 when none is left).
    static let nextBenefits = PreparedStatement(
        """
        SELECT max(p.id), count(*) FROM (SELECT b.id FROM shebao.benefit b \
        WHERE b.office_id = $1::bigint AND b.kind = $2::text AND b.id > $3::bigint ORDER BY b.id LIMIT $4::integer) p
        """
    )

    // One page of payees: what each payable benefit of the page is owed for the period (an
    // obligation that exists already keeps its amount once an attempt of it was made; one
    // whose attempts were all cancelled takes the benefit's amount now), and a line for every
    // obligation without a live or paid attempt (the live-attempt index refuses the others),
    // with the payee frozen as they are now, in benefit order. Returns the benefits lined.
    //
    // An obligation that exists already is "updated" to what it keeps, so that the insert
    // returns it even when another transaction made it after this statement's snapshot: the
    // two statements' parts meet only through what the inserts return, and the plan does not
    // depend on what the planner believes of the tables' sizes, which grow by the page.
    static let payees = PreparedStatement(
        """
        WITH page AS (SELECT b.id, b.office_id, b.person_id, b.kind, b.monthly_amount_fen, b.bank_code, \
        b.bank_card_number FROM shebao.benefit b WHERE \(payable)), \
        made AS (INSERT INTO shebao.payment_obligation AS o (office_id, benefit_id, person_id, benefit_kind, period, \
        amount_fen) SELECT g.office_id, g.id, g.person_id, g.kind, $5::integer, g.monthly_amount_fen FROM page g \
        ORDER BY g.id ON CONFLICT (benefit_id, period) DO UPDATE SET amount_fen = CASE \
        WHEN o.amount_fen = excluded.amount_fen THEN o.amount_fen \
        WHEN EXISTS (SELECT 1 FROM shebao.payment_attempt a WHERE a.obligation_id = o.id AND a.status <> 'cancelled') \
        THEN o.amount_fen ELSE excluded.amount_fen END RETURNING o.id, o.benefit_id, o.amount_fen) \
        INSERT INTO shebao.payment_attempt (office_id, run_id, obligation_id, benefit_id, person_id, period, \
        payee_name, bank_code, bank_card_number, amount_fen) \
        SELECT g.office_id, $6::bigint, m.id, g.id, g.person_id, $5::integer, p.name, g.bank_code, g.bank_card_number, \
        m.amount_fen FROM made m JOIN page g ON g.id = m.benefit_id JOIN shebao.person p ON p.id = g.person_id \
        ORDER BY g.id ON CONFLICT DO NOTHING RETURNING benefit_id
        """
    )

    static let payable = """
        b.office_id = $1::bigint AND b.kind = $2::text AND b.id > $3::bigint AND b.id <= $4::bigint \
        AND b.status = 'active' AND b.start_period <= $5::integer \
        AND (b.end_period IS NULL OR b.end_period >= $5::integer) AND b.monthly_amount_fen > 0
        """

    // Every benefit of the page without a line in the run, with the reason: those the page's
    // insert did not line ($7, met in a hashed NOT IN), less any lined in the run already (by
    // another transaction, or a page done before); each of the few left looked up by index.
    static let exclusions = PreparedStatement(
        """
        INSERT INTO shebao.run_exclusion (run_id, benefit_id, office_id, person_id, reason, amount_fen) \
        SELECT $6::bigint, b.id, b.office_id, b.person_id, \
        CASE WHEN b.status = 'suspended' THEN 'suspended' \
        WHEN b.status = 'ended' OR b.end_period < $5::integer THEN 'ended' \
        WHEN b.start_period > $5::integer THEN 'not_started' \
        WHEN b.monthly_amount_fen = 0 THEN 'zero_amount' \
        WHEN x.paid THEN 'already_paid' ELSE 'in_another_run' END, b.monthly_amount_fen \
        FROM shebao.benefit b LEFT JOIN LATERAL (SELECT bool_or(a.status = 'paid') AS paid, \
        bool_or(a.run_id = $6::bigint) AS here FROM shebao.payment_obligation o \
        JOIN shebao.payment_attempt a ON a.obligation_id = o.id AND a.status IN ('pending', 'paid') \
        WHERE o.benefit_id = b.id AND o.period = $5::integer OFFSET 0) x ON true \
        WHERE b.office_id = $1::bigint AND b.kind = $2::text AND b.id > $3::bigint AND b.id <= $4::bigint \
        AND b.id NOT IN (SELECT unnest($7::bigint[])) AND x.here IS NOT TRUE \
        ON CONFLICT DO NOTHING
        """
    )

    // The failed lines of the office and kind from earlier periods that nothing carries yet and
    // whose obligation has no live or paid attempt: the next page's last id (NULL when none).
    static let carriable = """
        f.office_id = $1::bigint AND f.status = 'failed' AND f.period < $3::integer \
        AND o.benefit_kind = $2::text AND b.status <> 'suspended' \
        AND NOT EXISTS (SELECT 1 FROM shebao.payment_attempt c WHERE c.carried_from = f.id AND c.status <> 'cancelled') \
        AND NOT EXISTS (SELECT 1 FROM shebao.payment_attempt l WHERE l.obligation_id = f.obligation_id \
        AND l.status IN ('pending', 'paid'))
        """
    static let nextFailures = PreparedStatement(
        """
        SELECT max(p.id) FROM (SELECT f.id FROM shebao.payment_attempt f \
        JOIN shebao.payment_obligation o ON o.id = f.obligation_id JOIN shebao.benefit b ON b.id = f.benefit_id \
        WHERE \(carriable) AND f.id > $4::bigint ORDER BY f.id LIMIT $5::integer) p
        """
    )
    // Each carried in once: the live-attempt index and the carried-once index refuse a second.
    static let carry = PreparedStatement(
        """
        INSERT INTO shebao.payment_attempt (office_id, run_id, obligation_id, benefit_id, person_id, period, \
        payee_name, bank_code, bank_card_number, amount_fen, carried_from) \
        SELECT f.office_id, $6::bigint, f.obligation_id, f.benefit_id, f.person_id, f.period, p.name, b.bank_code, \
        b.bank_card_number, o.amount_fen, f.id FROM shebao.payment_attempt f \
        JOIN shebao.payment_obligation o ON o.id = f.obligation_id JOIN shebao.benefit b ON b.id = f.benefit_id \
        JOIN shebao.person p ON p.id = f.person_id \
        WHERE \(carriable) AND f.id > $4::bigint AND f.id <= $5::bigint ORDER BY f.id ON CONFLICT DO NOTHING
        """
    )

    // The control totals, frozen: the run is computed.
    static let totals = PreparedStatement(
        """
        UPDATE shebao.disbursement_run r SET status = 'computed', computed_at = now(), version = r.version + 1, \
        line_count = t.n, total_fen = t.s, carried_count = t.cn, carried_fen = t.cs, \
        excluded_count = (SELECT count(*) FROM shebao.run_exclusion e WHERE e.run_id = r.id) \
        FROM (SELECT count(*) AS n, coalesce(sum(a.amount_fen), 0) AS s, count(a.carried_from) AS cn, \
        coalesce(sum(a.amount_fen) FILTER (WHERE a.carried_from IS NOT NULL), 0) AS cs \
        FROM shebao.payment_attempt a WHERE a.run_id = $1::bigint AND a.status = 'pending') t \
        WHERE r.id = $1::bigint AND r.status = 'computing' RETURNING \(DisbursementRuns.runColumns)
        """
    )
}
