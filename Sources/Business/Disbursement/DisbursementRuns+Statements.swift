import Postgres

extension DisbursementRuns {
    static let runColumns = """
        r.id, r.office_id, r.benefit_kind, r.period, r.value_date::text AS value_date, r.status, r.origin, \
        r.created_by, r.approved_by, r.cancelled_by, r.cancel_reason, r.line_count, r.total_fen, r.excluded_count, \
        r.carried_count, r.carried_fen, r.paid_count, r.paid_fen, r.failed_count, r.failed_fen, r.version, \
        r.created_at, r.computed_at, r.approved_at, r.exported_at, r.reconciled_at, r.cancelled_at
        """
    static let taskColumns = """
        t.id, t.run_id, t.office_id, t.kind, t.status, t.stage, t.done, t.total, t.attempts, t.last_error, \
        t.return_file_id, t.created_at, t.started_at, t.progress_at, t.finished_at, t.lease_expires_at, \
        (t.status = 'failed' OR (t.status = 'pending' AND t.lease_expires_at IS NOT NULL \
        AND t.lease_expires_at < now())) AS stalled
        """
    static let lineColumns = """
        a.id, a.run_id, a.benefit_id, a.person_id, a.period, a.payee_name, a.bank_code, a.bank_card_number, \
        a.amount_fen, a.carried_from, a.status, a.failure_code, a.settled_at
        """

    static let selectCurrentPeriod = PreparedStatement("SELECT shebao.current_period()")

    // The value date defaults to the office's scheduled day of the period's month, the 15th
    // without a schedule. A live run of the office, kind and period makes it insert nothing.
    static let insertRun = PreparedStatement(
        """
        INSERT INTO shebao.disbursement_run AS r (office_id, benefit_kind, period, value_date, origin, created_by) \
        VALUES ($1::bigint, $2::text, $3::integer, coalesce($4::date, make_date($3::integer / 100, $3::integer % 100, \
        coalesce((SELECT s.day_of_month FROM shebao.disbursement_schedule s \
        WHERE s.office_id = $1::bigint AND s.benefit_kind = $2::text), 15))), $5::text, $6::bigint) \
        ON CONFLICT (office_id, benefit_kind, period) WHERE status <> 'cancelled' DO NOTHING \
        RETURNING \(runColumns)
        """
    )
    static let findLive = PreparedStatement(
        """
        SELECT r.id FROM shebao.disbursement_run r \
        WHERE r.office_id = $1::bigint AND r.benefit_kind = $2::text AND r.period = $3::integer AND r.status <> 'cancelled'
        """
    )
    static let insertComputeTask = PreparedStatement(
        """
        INSERT INTO shebao.disbursement_task (office_id, run_id, kind, stage, total) \
        SELECT $1::bigint, $2::bigint, 'compute', 'payees', count(*) FROM shebao.benefit b \
        WHERE b.office_id = $1::bigint AND b.kind = $3::text
        """
    )
    static let insertExportTask = PreparedStatement(
        """
        INSERT INTO shebao.disbursement_task (office_id, run_id, kind, stage) \
        VALUES ($1::bigint, $2::bigint, 'export', 'batches') ON CONFLICT DO NOTHING
        """
    )
    static let listRuns = PreparedStatement(
        """
        SELECT \(runColumns) FROM shebao.disbursement_run r \
        WHERE ($1::text IS NULL OR r.status = $1::text) AND ($2::text IS NULL OR r.benefit_kind = $2::text) \
        AND ($3::integer IS NULL OR r.period = $3::integer) AND ($4::bigint IS NULL OR r.id < $4::bigint) \
        ORDER BY r.id DESC LIMIT $5::integer
        """
    )
    static let findRun = PreparedStatement(
        "SELECT \(runColumns) FROM shebao.disbursement_run r WHERE r.id = $1::bigint"
    )
    static let findRunForUpdate = PreparedStatement(
        "SELECT \(runColumns) FROM shebao.disbursement_run r WHERE r.id = $1::bigint FOR UPDATE"
    )
    static let tasksOfRun = PreparedStatement(
        "SELECT \(taskColumns) FROM shebao.disbursement_task t WHERE t.run_id = $1::bigint ORDER BY t.id"
    )
    static let approveRun = PreparedStatement(
        """
        UPDATE shebao.disbursement_run r SET status = $3::text, approved_by = $4::bigint, approved_at = now(), \
        version = r.version + 1 WHERE r.id = $1::bigint AND r.status = $2::text RETURNING \(runColumns)
        """
    )
    static let cancelRun = PreparedStatement(
        """
        UPDATE shebao.disbursement_run r SET status = $3::text, cancelled_by = $4::bigint, cancel_reason = $5::text, \
        cancelled_at = now(), version = r.version + 1 WHERE r.id = $1::bigint AND r.status = $2::text \
        RETURNING \(runColumns)
        """
    )
    static let cancelTasks = PreparedStatement(
        """
        UPDATE shebao.disbursement_task SET status = 'cancelled', finished_at = now() \
        WHERE run_id = $1::bigint AND status IN ('pending', 'failed')
        """
    )
    static let cancelLines = PreparedStatement(
        "UPDATE shebao.payment_attempt SET status = 'cancelled' WHERE run_id = $1::bigint AND status = 'pending'"
    )
    static let findTaskForUpdate = PreparedStatement(
        """
        SELECT \(taskColumns) FROM shebao.disbursement_task t JOIN shebao.disbursement_run r ON r.id = t.run_id \
        WHERE t.id = $1::bigint AND t.run_id = $2::bigint AND r.status <> 'cancelled' FOR UPDATE OF t
        """
    )
    static let redriveTask = PreparedStatement(
        """
        UPDATE shebao.disbursement_task SET status = 'pending', attempts = 0, lease_expires_at = NULL, \
        finished_at = NULL WHERE id = $1::bigint \
        AND (status = 'failed' OR (status = 'pending' AND lease_expires_at < now()))
        """
    )
    static let linesOfRun = PreparedStatement(
        """
        SELECT \(lineColumns) FROM shebao.payment_attempt a \
        WHERE a.run_id = $1::bigint AND ($2::text IS NULL OR a.status = $2::text) \
        AND ($3::bigint IS NULL OR a.id > $3::bigint) ORDER BY a.id LIMIT $4::integer
        """
    )
    static let failedLines = PreparedStatement(
        """
        SELECT \(lineColumns), \
        (SELECT c.id FROM shebao.payment_attempt c WHERE c.carried_from = a.id AND c.status <> 'cancelled') AS carried_by \
        FROM shebao.payment_attempt a JOIN shebao.disbursement_run r ON r.id = a.run_id \
        WHERE a.status = 'failed' AND ($1::text IS NULL OR r.benefit_kind = $1::text) \
        AND ($2::bigint IS NULL OR a.id > $2::bigint) ORDER BY a.id LIMIT $3::integer
        """
    )
    static let exclusionCounts = PreparedStatement(
        "SELECT e.reason, count(*) FROM shebao.run_exclusion e WHERE e.run_id = $1::bigint GROUP BY e.reason"
    )
    static let exclusionPage = PreparedStatement(
        """
        SELECT e.benefit_id, e.person_id, e.reason, e.amount_fen FROM shebao.run_exclusion e \
        WHERE e.run_id = $1::bigint AND ($2::text IS NULL OR e.reason = $2::text) \
        AND ($3::bigint IS NULL OR e.benefit_id > $3::bigint) ORDER BY e.benefit_id LIMIT $4::integer
        """
    )
    static let previousRun = PreparedStatement(
        """
        SELECT r.id, r.period FROM shebao.disbursement_run r \
        WHERE r.office_id = $1::bigint AND r.benefit_kind = $2::text AND r.period < $3::integer \
        AND r.status NOT IN ('computing', 'cancelled') ORDER BY r.period DESC, r.id DESC LIMIT 1
        """
    )
    // The run's own lines (not carried) against the previous run's by benefit, and the carried
    // lines apart: per category its count, its sum (for a change, of the differences) and the
    // first $3 in benefit order. A category with no rows is absent.
    static let diffRows = PreparedStatement(
        """
        WITH cur AS (SELECT a.benefit_id, a.person_id, a.payee_name, a.amount_fen FROM shebao.payment_attempt a \
        WHERE a.run_id = $1::bigint AND a.status <> 'cancelled' AND a.carried_from IS NULL), \
        old AS (SELECT a.benefit_id, a.person_id, a.payee_name, a.amount_fen FROM shebao.payment_attempt a \
        WHERE a.run_id = $2::bigint AND a.status <> 'cancelled' AND a.carried_from IS NULL), \
        joined AS ( \
        SELECT CASE WHEN o.benefit_id IS NULL THEN 'added' WHEN c.benefit_id IS NULL THEN 'stopped' \
        WHEN c.amount_fen <> o.amount_fen THEN 'changed' ELSE 'same' END AS category, \
        coalesce(c.benefit_id, o.benefit_id) AS benefit_id, coalesce(c.person_id, o.person_id) AS person_id, \
        coalesce(c.payee_name, o.payee_name) AS payee_name, o.amount_fen AS previous_fen, c.amount_fen AS current_fen \
        FROM cur c FULL JOIN old o ON o.benefit_id = c.benefit_id \
        UNION ALL \
        SELECT 'carried', a.benefit_id, a.person_id, a.payee_name, NULL, a.amount_fen FROM shebao.payment_attempt a \
        WHERE a.run_id = $1::bigint AND a.status <> 'cancelled' AND a.carried_from IS NOT NULL), \
        ranked AS (SELECT j.*, row_number() OVER (PARTITION BY j.category ORDER BY j.benefit_id) AS rn, \
        count(*) OVER (PARTITION BY j.category) AS n, \
        sum(CASE j.category WHEN 'stopped' THEN j.previous_fen WHEN 'changed' THEN j.current_fen - j.previous_fen \
        ELSE j.current_fen END) OVER (PARTITION BY j.category) AS s FROM joined j) \
        SELECT r.category, r.n, r.s::bigint AS s, CASE WHEN r.rn <= $3::integer THEN r.benefit_id END AS benefit_id, \
        r.person_id, r.payee_name, r.previous_fen, r.current_fen FROM ranked r \
        WHERE r.rn <= greatest($3::integer, 1) ORDER BY r.category, r.rn
        """
    )
}
