-- Disbursement (待遇发放): benefits as the records that runs pay, the banks and their file
-- formats, runs per office, benefit kind and period with the scheduler's tasks on them, the
-- obligation (benefit, period) kept apart from its attempts, the bank files and the lines of the
-- bank's answers. SCHEDULER.md states the invariants this schema holds; docs/bank-files.md the
-- file formats.
--
-- The tables of 0008 for runs, lines and files were never written to: they are replaced here.
SET LOCAL ROLE shebao_owner;

DROP TABLE shebao.bank_file;
DROP TABLE shebao.payment_line;
DROP TABLE shebao.disbursement_run;
DROP TABLE shebao.disbursement_schedule;

-- The banks that pay benefits: the file each takes, its largest batch (a run is split into
-- batches of at most this many lines per bank) and the agency's paying account there. Policy
-- figures, not office data.
CREATE TABLE shebao.bank (
    code text PRIMARY KEY CHECK (code ~ '^[A-Z]{2,12}$'),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    -- ISO 9362 business identifier code, written in an ISO 20022 file.
    bic text NOT NULL CHECK (bic ~ '^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$'),
    file_format text NOT NULL CHECK (file_format IN ('fixed', 'pain.001')),
    max_batch_lines integer NOT NULL CHECK (max_batch_lines BETWEEN 1 AND 9999999),
    payer_account text NOT NULL CHECK (payer_account ~ '^[0-9]{8,32}$'),
    payer_name text NOT NULL CHECK (length(payer_name) BETWEEN 1 AND 70)
);
GRANT SELECT ON shebao.bank TO shebao_app;

INSERT INTO shebao.bank (code, name, bic, file_format, max_batch_lines, payer_account, payer_name) VALUES
    ('ICBC', '中国工商银行', 'ICBKCNBJ', 'fixed', 50000, '4301010909001234567', '社会保险基金支出户'),
    ('BOC', '中国银行', 'BKCHCNBJ', 'pain.001', 20000, '104100000012345678', '社会保险基金支出户'),
    ('CCB', '中国建设银行', 'PCBCCNBJ', 'fixed', 50000, '32001881236052500001', '社会保险基金支出户');

-- A benefit: its bank, and for a suspended or ended one why and since when.
ALTER TABLE shebao.benefit
    ADD COLUMN bank_code text NOT NULL DEFAULT 'ICBC' REFERENCES shebao.bank (code),
    ADD COLUMN status_reason text CHECK (length(status_reason) BETWEEN 1 AND 500),
    ADD COLUMN status_changed_on date,
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
    ADD CONSTRAINT benefit_status_reason CHECK (
        (status = 'active') = (status_reason IS NULL AND status_changed_on IS NULL)
    );
ALTER TABLE shebao.benefit ALTER COLUMN bank_code DROP DEFAULT;
-- What a run reads: an office's benefits of a kind, in id order (the computation's keyset).
CREATE INDEX benefit_by_kind ON shebao.benefit (office_id, kind, id);
DROP INDEX shebao.benefit_payable;
-- One benefit of a kind per person at a time.
CREATE UNIQUE INDEX benefit_one_live_per_kind ON shebao.benefit (person_id, kind) WHERE status <> 'ended';

-- A pensioner taken over from a previous system enters through a reviewed application.
ALTER TABLE shebao.application DROP CONSTRAINT application_type_check;
ALTER TABLE shebao.application ADD CONSTRAINT application_type_check CHECK (type IN (
    'person_registration', 'person_change', 'employer_registration', 'enrolment', 'newborn_enrolment',
    'enrolment_end', 'base_declaration', 'transfer_out', 'transfer_in', 'pension_claim',
    'unemployment_claim', 'injury_recognition', 'medical_reimbursement', 'benefit_takeover'
));
INSERT INTO shebao.application_time_limit (type, working_days, basis)
    SELECT 'benefit_takeover', working_days, basis FROM shebao.application_time_limit WHERE type = 'pension_claim'
    ON CONFLICT DO NOTHING;

-- The period a moment falls in: one time zone (Asia/Shanghai) and the database's clock for
-- every process (SCHEDULER.md S14).
CREATE FUNCTION shebao.period_of(moment timestamptz) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = shebao, pg_catalog AS $$
    SELECT to_char(moment AT TIME ZONE 'Asia/Shanghai', 'YYYYMM')::integer
$$;
CREATE FUNCTION shebao.current_period() RETURNS integer
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = shebao, pg_catalog AS $$
    SELECT shebao.period_of(now())
$$;
CREATE FUNCTION shebao.today() RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = shebao, pg_catalog AS $$
    SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date
$$;
GRANT EXECUTE ON FUNCTION shebao.period_of(timestamptz), shebao.current_period(), shebao.today() TO shebao_app;

-- The day of the month each office pays each kind: the scheduler creates the period's run on
-- that day (Asia/Shanghai) unless one exists.
CREATE TABLE shebao.disbursement_schedule (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id bigint NOT NULL REFERENCES shebao.office (id),
    benefit_kind text NOT NULL CHECK (benefit_kind IN (
        'basic_pension', 'unemployment_benefit', 'disability_allowance', 'survivor_pension',
        'one_off_disability_subsidy', 'medical_reimbursement'
    )),
    day_of_month smallint NOT NULL CHECK (day_of_month BETWEEN 1 AND 28),
    active boolean NOT NULL DEFAULT true,
    UNIQUE (office_id, benefit_kind)
);
CALL shebao.scope_by_office('shebao.disbursement_schedule');
GRANT SELECT, INSERT, UPDATE ON shebao.disbursement_schedule TO shebao_app;

-- A run: one office's payments of one benefit kind for one period.
--   computing → computed → approved → exported → reconciled, or cancelled before export.
-- The control totals (line_count, total_fen) are frozen when it is computed.
CREATE TABLE shebao.disbursement_run (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id bigint NOT NULL REFERENCES shebao.office (id),
    benefit_kind text NOT NULL CHECK (benefit_kind IN (
        'basic_pension', 'unemployment_benefit', 'disability_allowance', 'survivor_pension',
        'one_off_disability_subsidy', 'medical_reimbursement'
    )),
    period integer NOT NULL CHECK (shebao.is_period(period)),
    -- The day the bank credits the payees, written in the file's header.
    value_date date NOT NULL,
    status text NOT NULL DEFAULT 'computing' CHECK (status IN (
        'computing', 'computed', 'approved', 'exported', 'reconciled', 'cancelled'
    )),
    origin text NOT NULL CHECK (origin IN ('api', 'command', 'schedule')),
    created_by bigint REFERENCES shebao.operator (id),
    approved_by bigint REFERENCES shebao.operator (id),
    cancelled_by bigint REFERENCES shebao.operator (id),
    cancel_reason text CHECK (length(cancel_reason) BETWEEN 1 AND 500),
    line_count integer NOT NULL DEFAULT 0 CHECK (line_count >= 0),
    total_fen bigint NOT NULL DEFAULT 0 CHECK (total_fen >= 0),
    excluded_count integer NOT NULL DEFAULT 0 CHECK (excluded_count >= 0),
    carried_count integer NOT NULL DEFAULT 0 CHECK (carried_count >= 0),
    carried_fen bigint NOT NULL DEFAULT 0 CHECK (carried_fen >= 0),
    paid_count integer NOT NULL DEFAULT 0 CHECK (paid_count >= 0),
    paid_fen bigint NOT NULL DEFAULT 0 CHECK (paid_fen >= 0),
    failed_count integer NOT NULL DEFAULT 0 CHECK (failed_count >= 0),
    failed_fen bigint NOT NULL DEFAULT 0 CHECK (failed_fen >= 0),
    version integer NOT NULL DEFAULT 1 CHECK (version > 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    computed_at timestamptz,
    approved_at timestamptz,
    exported_at timestamptz,
    reconciled_at timestamptz,
    cancelled_at timestamptz,
    -- Separation of duties: the approver is never the creator.
    CHECK (approved_by IS NULL OR approved_by IS DISTINCT FROM created_by),
    CHECK ((status IN ('approved', 'exported', 'reconciled')) <= (approved_by IS NOT NULL AND approved_at IS NOT NULL)),
    CHECK ((status IN ('computed', 'approved', 'exported', 'reconciled')) <= (computed_at IS NOT NULL)),
    CHECK ((status IN ('exported', 'reconciled')) <= (exported_at IS NOT NULL)),
    CHECK ((status = 'reconciled') = (reconciled_at IS NOT NULL)),
    CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
    CHECK (origin = 'schedule' OR created_by IS NOT NULL),
    CHECK (paid_count + failed_count <= line_count)
);
CALL shebao.scope_by_office('shebao.disbursement_run');
CREATE UNIQUE INDEX disbursement_run_one_per_period ON shebao.disbursement_run (office_id, benefit_kind, period)
    WHERE status <> 'cancelled';
CREATE INDEX disbursement_run_listing ON shebao.disbursement_run (office_id, id);
GRANT SELECT, INSERT, UPDATE ON shebao.disbursement_run TO shebao_app;

-- The batches of an exported run: per bank, consecutive lines in id order, at most the bank's
-- largest batch each. The batch number is a function of the run and the batch's index, so
-- exporting again names the same batches.
CREATE TABLE shebao.bank_batch (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id bigint NOT NULL REFERENCES shebao.office (id),
    run_id bigint NOT NULL REFERENCES shebao.disbursement_run (id),
    batch_index integer NOT NULL CHECK (batch_index >= 0),
    batch_number text NOT NULL UNIQUE CHECK (batch_number ~ '^SB[0-9]{13}$'),
    bank_code text NOT NULL REFERENCES shebao.bank (code),
    file_format text NOT NULL CHECK (file_format IN ('fixed', 'pain.001')),
    first_attempt_id bigint NOT NULL,
    last_attempt_id bigint NOT NULL CHECK (last_attempt_id >= first_attempt_id),
    line_count integer NOT NULL CHECK (line_count > 0),
    total_fen bigint NOT NULL CHECK (total_fen > 0),
    UNIQUE (run_id, batch_index)
);
CALL shebao.scope_by_office('shebao.bank_batch');
GRANT SELECT, INSERT ON shebao.bank_batch TO shebao_app;

-- The files: a payment file per batch (written by the export, byte for byte the same every
-- time) and the bank's return files as uploaded.
CREATE TABLE shebao.bank_file (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id bigint NOT NULL REFERENCES shebao.office (id),
    run_id bigint NOT NULL REFERENCES shebao.disbursement_run (id),
    batch_id bigint REFERENCES shebao.bank_batch (id),
    kind text NOT NULL CHECK (kind IN ('payment', 'return')),
    file_format text NOT NULL CHECK (file_format IN ('fixed', 'pain.001', 'fixed-return', 'pain.002', 'camt.054')),
    file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
    content bytea NOT NULL,
    sha256 bytea NOT NULL CHECK (length(sha256) = 32),
    line_count integer NOT NULL CHECK (line_count >= 0),
    total_fen bigint NOT NULL CHECK (total_fen >= 0),
    uploaded_by bigint REFERENCES shebao.operator (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'payment') = (batch_id IS NOT NULL AND uploaded_by IS NULL))
);
CALL shebao.scope_by_office('shebao.bank_file');
CREATE UNIQUE INDEX bank_file_one_per_batch ON shebao.bank_file (batch_id) WHERE kind = 'payment';
CREATE UNIQUE INDEX bank_file_return_once ON shebao.bank_file (run_id, sha256) WHERE kind = 'return';
CREATE INDEX bank_file_by_run ON shebao.bank_file (run_id, kind, id);
GRANT SELECT, INSERT ON shebao.bank_file TO shebao_app;

-- The obligation: what is owed for a benefit and a period, once. Its attempts are the tries to
-- pay it; at most one of them is live or paid.
CREATE TABLE shebao.payment_obligation (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id bigint NOT NULL REFERENCES shebao.office (id),
    benefit_id bigint NOT NULL REFERENCES shebao.benefit (id),
    person_id bigint NOT NULL REFERENCES shebao.person (id),
    benefit_kind text NOT NULL,
    period integer NOT NULL CHECK (shebao.is_period(period)),
    amount_fen bigint NOT NULL CHECK (amount_fen > 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    -- One obligation per benefit and period, ever.
    UNIQUE (benefit_id, period)
);
CALL shebao.scope_by_office('shebao.payment_obligation', 'person_id');
GRANT SELECT, INSERT, UPDATE ON shebao.payment_obligation TO shebao_app;

-- An attempt: one line of one run, with the payee as the run froze it. pending is live: in a
-- computed, approved or exported run (the run's status says which) and not yet answered by the
-- bank; paid and failed are the bank's answer; cancelled is a line of a cancelled run.
CREATE TABLE shebao.payment_attempt (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id bigint NOT NULL REFERENCES shebao.office (id),
    run_id bigint NOT NULL REFERENCES shebao.disbursement_run (id),
    obligation_id bigint NOT NULL REFERENCES shebao.payment_obligation (id),
    benefit_id bigint NOT NULL REFERENCES shebao.benefit (id),
    person_id bigint NOT NULL REFERENCES shebao.person (id),
    period integer NOT NULL CHECK (shebao.is_period(period)),
    payee_name text NOT NULL CHECK (length(payee_name) BETWEEN 1 AND 50),
    bank_code text NOT NULL REFERENCES shebao.bank (code),
    bank_card_number text NOT NULL CHECK (bank_card_number ~ '^[0-9]{16,19}$'),
    amount_fen bigint NOT NULL CHECK (amount_fen > 0),
    -- The failed attempt of an earlier run this one carries in.
    carried_from bigint REFERENCES shebao.payment_attempt (id),
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'paid', 'failed', 'cancelled')),
    failure_code text CHECK (failure_code ~ '^[A-Z0-9]{1,8}$'),
    failure_reason text CHECK (length(failure_reason) <= 500),
    settled_at timestamptz,
    return_file_id bigint REFERENCES shebao.bank_file (id),
    CHECK ((status = 'failed') = (failure_code IS NOT NULL)),
    CHECK ((status IN ('paid', 'failed')) = (settled_at IS NOT NULL AND return_file_id IS NOT NULL)),
    UNIQUE (run_id, obligation_id)
);
CALL shebao.scope_by_office('shebao.payment_attempt', 'person_id');
-- Invariant 1: at most one attempt of an obligation is live or paid.
CREATE UNIQUE INDEX payment_attempt_one_live ON shebao.payment_attempt (obligation_id)
    WHERE status IN ('pending', 'paid');
-- A failed attempt is carried into one later run at most.
CREATE UNIQUE INDEX payment_attempt_carried_once ON shebao.payment_attempt (carried_from)
    WHERE carried_from IS NOT NULL AND status <> 'cancelled';
CREATE INDEX payment_attempt_by_run ON shebao.payment_attempt (run_id, id);
CREATE INDEX payment_attempt_pending ON shebao.payment_attempt (run_id) WHERE status = 'pending';
CREATE INDEX payment_attempt_failed ON shebao.payment_attempt (office_id, id) WHERE status = 'failed';
GRANT SELECT, INSERT, UPDATE ON shebao.payment_attempt TO shebao_app;

-- Why a benefit of the run's office and kind is not in it.
CREATE TABLE shebao.run_exclusion (
    run_id bigint NOT NULL REFERENCES shebao.disbursement_run (id),
    benefit_id bigint NOT NULL REFERENCES shebao.benefit (id),
    office_id bigint NOT NULL REFERENCES shebao.office (id),
    person_id bigint NOT NULL REFERENCES shebao.person (id),
    reason text NOT NULL CHECK (reason IN ('suspended', 'ended', 'not_started', 'zero_amount', 'already_paid', 'in_another_run')),
    amount_fen bigint NOT NULL CHECK (amount_fen >= 0),
    PRIMARY KEY (run_id, benefit_id)
);
CALL shebao.scope_by_office('shebao.run_exclusion');
GRANT SELECT, INSERT ON shebao.run_exclusion TO shebao_app;

-- The scheduler's work on a run: compute it, export it, import a return file. Claimed under a
-- lease (holder, expiry, epoch) like outbox rows; every write of the holder is fenced by the
-- epoch; the checkpoint is where a killed holder's successor resumes. A task claimed
-- max-attempts times without finishing fails; an administrator re-drives it from its checkpoint.
CREATE TABLE shebao.disbursement_task (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id bigint NOT NULL REFERENCES shebao.office (id),
    run_id bigint NOT NULL REFERENCES shebao.disbursement_run (id),
    kind text NOT NULL CHECK (kind IN ('compute', 'export', 'import')),
    return_file_id bigint UNIQUE REFERENCES shebao.bank_file (id),
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed', 'cancelled')),
    stage text CHECK (length(stage) <= 40),
    checkpoint bigint NOT NULL DEFAULT 0,
    done bigint NOT NULL DEFAULT 0 CHECK (done >= 0),
    total bigint CHECK (total >= 0),
    attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error text CHECK (length(last_error) <= 2000),
    lease_holder text CHECK (length(lease_holder) <= 200),
    lease_expires_at timestamptz,
    lease_epoch bigint NOT NULL DEFAULT 0 CHECK (lease_epoch >= 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    started_at timestamptz,
    progress_at timestamptz,
    finished_at timestamptz,
    CHECK ((kind = 'import') = (return_file_id IS NOT NULL))
);
CALL shebao.scope_by_office('shebao.disbursement_task');
CREATE UNIQUE INDEX disbursement_task_once ON shebao.disbursement_task (run_id, kind) WHERE kind <> 'import';
CREATE INDEX disbursement_task_due ON shebao.disbursement_task (id) WHERE status = 'pending';
CREATE INDEX disbursement_task_by_run ON shebao.disbursement_task (run_id, id);
GRANT SELECT, INSERT, UPDATE ON shebao.disbursement_task TO shebao_app;

-- The lines of the bank's return files, each applied once: (file, line) is the key.
CREATE TABLE shebao.return_line (
    file_id bigint NOT NULL REFERENCES shebao.bank_file (id),
    line_number integer NOT NULL CHECK (line_number > 0),
    office_id bigint NOT NULL REFERENCES shebao.office (id),
    run_id bigint NOT NULL REFERENCES shebao.disbursement_run (id),
    reference text NOT NULL CHECK (length(reference) BETWEEN 1 AND 35),
    amount_fen bigint CHECK (amount_fen >= 0),
    paid boolean NOT NULL,
    reason_code text CHECK (reason_code ~ '^[A-Z0-9]{1,8}$'),
    attempt_id bigint REFERENCES shebao.payment_attempt (id),
    -- applied: the line settled its attempt; duplicate: the attempt had that answer already;
    -- quarantined: no payment of the run has the reference, or its amount differs, or it had
    -- another answer already. Nothing was applied.
    outcome text NOT NULL CHECK (outcome IN ('applied', 'duplicate', 'quarantined')),
    quarantine_reason text CHECK (quarantine_reason IN ('unknown_reference', 'amount_mismatch', 'conflicting_answer')),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (file_id, line_number),
    CHECK ((outcome = 'quarantined') = (quarantine_reason IS NOT NULL)),
    CHECK (paid OR reason_code IS NOT NULL)
);
CALL shebao.scope_by_office('shebao.return_line');
CREATE INDEX return_line_quarantined ON shebao.return_line (run_id, file_id, line_number) WHERE outcome = 'quarantined';
GRANT SELECT, INSERT ON shebao.return_line TO shebao_app;

-- Claims up to `max_rows` pending disbursement tasks for `holder`, for `lease`: unleased or
-- with an expired lease, oldest first, skipping rows another transaction has locked. Each claim
-- counts an attempt; a task already claimed `max_attempts` times comes back marked exhausted,
-- for the scheduler to fail it (and tell its run's creator) instead of trying it again.
CREATE FUNCTION shebao.disbursement_claim(holder text, lease interval, max_rows integer, max_attempts integer)
RETURNS TABLE (task_id bigint, office bigint, epoch bigint, exhausted boolean)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = shebao, pg_catalog AS $$
BEGIN
    IF holder IS NULL OR length(holder) NOT BETWEEN 1 AND 200 OR lease IS NULL
        OR lease NOT BETWEEN interval '1 second' AND interval '1 hour' THEN
        RAISE EXCEPTION 'a lease has a holder and lasts 1 s to 1 h' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY
    UPDATE shebao.disbursement_task t
    SET lease_holder = holder, lease_expires_at = now() + lease, lease_epoch = t.lease_epoch + 1,
        attempts = t.attempts + 1, started_at = coalesce(t.started_at, now())
    FROM (
        SELECT c.id FROM shebao.disbursement_task c
        WHERE c.status = 'pending' AND (c.lease_expires_at IS NULL OR c.lease_expires_at <= now())
        ORDER BY c.id
        LIMIT least(greatest(max_rows, 0), 100)
        FOR UPDATE SKIP LOCKED
    ) AS due
    WHERE t.id = due.id
    RETURNING t.id, t.office_id, t.lease_epoch, t.attempts > greatest(max_attempts, 1);
END
$$;

-- The pending tasks' count, for the metrics.
CREATE FUNCTION shebao.disbursement_backlog() RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = shebao, pg_catalog AS $$
    SELECT count(*) FROM shebao.disbursement_task t WHERE t.status = 'pending'
$$;

-- The schedules due today (Asia/Shanghai) whose office has no run of the kind for the current
-- period, cancelled ones included: the scheduler creates each in the office's scope.
CREATE FUNCTION shebao.disbursement_schedules_due()
RETURNS TABLE (schedule_id bigint, office bigint, benefit_kind text, period integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = shebao, pg_catalog AS $$
    SELECT s.id, s.office_id, s.benefit_kind, shebao.current_period()
    FROM shebao.disbursement_schedule s
    WHERE s.active AND extract(day FROM shebao.today()) >= s.day_of_month
        AND NOT EXISTS (
            SELECT 1 FROM shebao.disbursement_run r
            WHERE r.office_id = s.office_id AND r.benefit_kind = s.benefit_kind AND r.period = shebao.current_period()
        )
    ORDER BY s.id
$$;

REVOKE ALL ON FUNCTION shebao.disbursement_claim(text, interval, integer, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION shebao.disbursement_backlog() FROM PUBLIC;
REVOKE ALL ON FUNCTION shebao.disbursement_schedules_due() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION shebao.disbursement_claim(text, interval, integer, integer) TO shebao_app;
GRANT EXECUTE ON FUNCTION shebao.disbursement_backlog() TO shebao_app;
GRANT EXECUTE ON FUNCTION shebao.disbursement_schedules_due() TO shebao_app;

-- A new pending task wakes the schedulers, like a new outbox row.
CREATE FUNCTION shebao.disbursement_notify() RETURNS trigger
LANGUAGE plpgsql SET search_path = shebao, pg_catalog AS $$
BEGIN
    PERFORM pg_notify('shebao_outbox', 'disbursement');
    RETURN NULL;
END
$$;
CREATE TRIGGER disbursement_notify AFTER INSERT OR UPDATE OF status, lease_expires_at ON shebao.disbursement_task
    FOR EACH ROW WHEN (NEW.status = 'pending') EXECUTE FUNCTION shebao.disbursement_notify();

INSERT INTO shebao.notification_template (template, language, title, body) VALUES
    ('disbursement.paid', 'zh', '待遇已发放',
        '您{periodName}的{kindName}{amount}元已发放至尾号{cardTail}的银行卡。'),
    ('disbursement.paid', 'en', 'Benefit paid',
        'Your {kindNameEn} for {period}, CNY {amount}, was paid to the card ending {cardTail}.'),
    ('disbursement.computed', 'zh', '发放批次已计算',
        '发放批次 {runId}（{periodName}{kindName}）已计算完成：{lineCount} 笔，合计 {total} 元，待审批。'),
    ('disbursement.computed', 'en', 'Run computed',
        'Run {runId} ({kindNameEn}, {period}) is computed: {lineCount} payments, CNY {total} in all, awaiting approval.'),
    ('disbursement.failed', 'zh', '发放批次处理失败',
        '发放批次 {runId}（{periodName}{kindName}）的{taskName}未能完成：{error}。请联系系统管理员重新执行。'),
    ('disbursement.failed', 'en', 'Run failed',
        'The {taskNameEn} of run {runId} ({kindNameEn}, {period}) did not finish: {error}. An administrator can re-drive it.');
