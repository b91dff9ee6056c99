-- The scheduler (`shebao scheduler`, DESIGN.md §6, SCHEDULER.md): leases on the notification
-- outbox, a wake-up on every new outbox row, the clock of the recurring jobs, the message
-- templates, and the narrow functions through which a scheduler, running as shebao_app under
-- row-level security, finds work across offices.
--
-- A lease is (holder, expiry, epoch). Claiming a row raises its epoch; every later write of the
-- holder names the epoch it was granted, so a holder that stalled past its expiry and woke up
-- after another scheduler claimed the row changes 0 rows (SCHEDULER.md invariant 2).
SET LOCAL ROLE shebao_owner;

ALTER TABLE shebao.notification_outbox
    ADD COLUMN lease_holder text CHECK (length(lease_holder) <= 200),
    ADD COLUMN lease_expires_at timestamptz,
    ADD COLUMN lease_epoch bigint NOT NULL DEFAULT 0 CHECK (lease_epoch >= 0),
    ADD CONSTRAINT notification_outbox_last_error_length CHECK (length(last_error) <= 2000);
-- The statuses: pending (waiting, or leased while being delivered), sent, failed (the channel
-- refused it for good: a poison message), dead (retried until the attempts ran out).
COMMENT ON COLUMN shebao.notification_outbox.status IS
    'pending: waiting or leased; sent; failed: refused for good by the channel; dead: attempts exhausted';
CREATE INDEX notification_outbox_due_by_channel ON shebao.notification_outbox (channel, next_attempt_at, id)
    WHERE status = 'pending';

-- The language a recipient's messages are written in; NULL is the default, Chinese.
ALTER TABLE shebao.person ADD COLUMN preferred_language text CHECK (preferred_language IN ('zh', 'en'));
ALTER TABLE shebao.operator ADD COLUMN preferred_language text CHECK (preferred_language IN ('zh', 'en'));

-- Every new outbox row wakes the schedulers that listen (delivered at commit). The payload is
-- the channel only: a wake-up, never the work itself (lost notifications cost latency; the
-- schedulers poll as well).
CREATE FUNCTION shebao.outbox_notify() RETURNS trigger
LANGUAGE plpgsql SET search_path = shebao, pg_catalog AS $$
BEGIN
    PERFORM pg_notify('shebao_outbox', NEW.channel);
    RETURN NULL;
END
$$;
CREATE TRIGGER outbox_notify AFTER INSERT ON shebao.notification_outbox
    FOR EACH ROW EXECUTE FUNCTION shebao.outbox_notify();

-- The texts of the messages, per template and language, with {name} placeholders filled from
-- the outbox row's payload. An SMS is the body alone; an inbox message has both.
CREATE TABLE shebao.notification_template (
    template text NOT NULL CHECK (length(template) BETWEEN 1 AND 100),
    language text NOT NULL CHECK (language IN ('zh', 'en')),
    title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    body text NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
    PRIMARY KEY (template, language)
);
GRANT SELECT ON shebao.notification_template TO shebao_app;

INSERT INTO shebao.notification_template (template, language, title, body) VALUES
    ('login_code', 'zh', '登录验证码', '【社保】您的登录验证码为 {code}，{minutes} 分钟内有效，请勿告诉他人。'),
    ('login_code', 'en', 'Log-in code', '[Shebao] Your log-in code is {code}, valid for {minutes} minutes. Do not share it.'),
    ('application.approved', 'zh', '业务已办结',
        '您的{typeName}申请（编号 {applicationId}）已审核通过，办理凭证号 {voucherNumber}。'),
    ('application.approved', 'en', 'Application approved',
        'Your application {applicationId} ({type}) was approved. Voucher number: {voucherNumber}.'),
    ('application.rejected', 'zh', '业务未通过审核',
        '您的{typeName}申请（编号 {applicationId}）未通过审核，原因：{reasons}'),
    ('application.rejected', 'en', 'Application rejected',
        'Your application {applicationId} ({type}) was rejected: {reasons}'),
    ('application.returned', 'zh', '业务已退回补正',
        '您的{typeName}申请（编号 {applicationId}）已退回，请补正后重新提交：{reasons}'),
    ('application.returned', 'en', 'Application returned',
        'Your application {applicationId} ({type}) was returned for correction: {reasons}');

-- The clock of the recurring jobs: one row per kind. The next run is claimed like any other
-- work (a lease with holder, expiry and epoch), so two schedulers never fire one run twice; the
-- run's completion, conditional on the epoch, moves next_run_at on. Not office data: no
-- office_id, and the rows say nothing of any office.
CREATE TABLE shebao.recurring_job (
    kind text PRIMARY KEY CHECK (kind ~ '^[a-z][a-z0-9_.]{1,63}$'),
    next_run_at timestamptz NOT NULL DEFAULT now(),
    lease_holder text CHECK (length(lease_holder) <= 200),
    lease_expires_at timestamptz,
    lease_epoch bigint NOT NULL DEFAULT 0 CHECK (lease_epoch >= 0),
    runs bigint NOT NULL DEFAULT 0 CHECK (runs >= 0),
    last_run_at timestamptz,
    last_error text CHECK (length(last_error) <= 2000)
);
GRANT SELECT, INSERT ON shebao.recurring_job TO shebao_app;
GRANT UPDATE (next_run_at, lease_holder, lease_expires_at, lease_epoch, runs, last_run_at, last_error)
    ON shebao.recurring_job TO shebao_app;

-- Claims up to `max_rows` due outbox rows of `wanted_channel` for `holder`, for `lease`: rows
-- pending, due, and unleased or with an expired lease, oldest first, skipping rows another
-- transaction has locked. Returns each row's id, office and the new epoch, nothing else: the
-- work on a row is done in a transaction scoped to its office, under row-level security.
CREATE FUNCTION shebao.outbox_claim(holder text, lease interval, wanted_channel text, max_rows integer)
RETURNS TABLE (outbox_id bigint, office bigint, epoch bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = shebao, pg_catalog AS $$
BEGIN
    IF holder IS NULL OR length(holder) NOT BETWEEN 1 AND 200 OR lease IS NULL
        OR lease NOT BETWEEN interval '1 second' AND interval '1 hour' THEN
        RAISE EXCEPTION 'a lease has a holder and lasts 1 s to 1 h' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY
    UPDATE shebao.notification_outbox o
    SET lease_holder = holder, lease_expires_at = now() + lease, lease_epoch = o.lease_epoch + 1
    FROM (
        SELECT c.id FROM shebao.notification_outbox c
        WHERE c.status = 'pending' AND c.channel = wanted_channel AND c.next_attempt_at <= now()
            AND (c.lease_expires_at IS NULL OR c.lease_expires_at <= now())
        ORDER BY c.next_attempt_at, c.id
        LIMIT least(greatest(max_rows, 0), 1000)
        FOR UPDATE SKIP LOCKED
    ) AS due
    WHERE o.id = due.id
    RETURNING o.id, o.office_id, o.lease_epoch;
END
$$;

-- The outbox's backlog per channel, for the metrics: rows pending, and how long the oldest has
-- waited (seconds). Counts only.
CREATE FUNCTION shebao.outbox_backlog()
RETURNS TABLE (channel text, pending bigint, oldest_seconds double precision)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = shebao, pg_catalog AS $$
    SELECT o.channel, count(*), coalesce(extract(epoch FROM now() - min(o.created_at))::double precision, 0)
    FROM shebao.notification_outbox o WHERE o.status = 'pending' GROUP BY o.channel
$$;

-- The top offices (provinces): housekeeping runs once in the scope of each, which covers its
-- whole subtree.
CREATE FUNCTION shebao.top_offices() RETURNS SETOF bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = shebao, pg_catalog AS $$
    SELECT o.id FROM shebao.office o WHERE o.parent_id IS NULL ORDER BY o.id
$$;

-- The audit chain's head (position and hash), to write outside the database as an anchor
-- (`shebao audit verify --anchor`). The head of every office's events: a hash and a number.
CREATE FUNCTION shebao.audit_head() RETURNS TABLE (chain_position bigint, hash bytea)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = shebao, pg_catalog AS $$
    SELECT e.chain_position, e.hash FROM shebao.audit_event e
    WHERE e.chain_position IS NOT NULL ORDER BY e.chain_position DESC LIMIT 1
$$;

-- Log-in attempts are not office data (an unknown name has no office) and the application only
-- appends them; this deletes the ones older than `retention`, never less than a day, so that
-- the throttles and lock-outs, which look back minutes, always see what they count.
CREATE FUNCTION shebao.delete_login_attempts(retention interval) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = shebao, pg_catalog AS $$
DECLARE
    deleted bigint;
BEGIN
    DELETE FROM shebao.login_attempt a WHERE a.attempted_at < now() - greatest(retention, interval '1 day');
    GET DIAGNOSTICS deleted = ROW_COUNT;
    RETURN deleted;
END
$$;

REVOKE ALL ON FUNCTION shebao.outbox_claim(text, interval, text, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION shebao.outbox_backlog() FROM PUBLIC;
REVOKE ALL ON FUNCTION shebao.top_offices() FROM PUBLIC;
REVOKE ALL ON FUNCTION shebao.audit_head() FROM PUBLIC;
REVOKE ALL ON FUNCTION shebao.delete_login_attempts(interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION shebao.outbox_claim(text, interval, text, integer) TO shebao_app;
GRANT EXECUTE ON FUNCTION shebao.outbox_backlog() TO shebao_app;
GRANT EXECUTE ON FUNCTION shebao.top_offices() TO shebao_app;
GRANT EXECUTE ON FUNCTION shebao.audit_head() TO shebao_app;
GRANT EXECUTE ON FUNCTION shebao.delete_login_attempts(interval) TO shebao_app;

-- Housekeeping deletes expired sessions and log-in codes in each office's scope (the policies
-- already cover DELETE; the grants did not).
GRANT DELETE ON shebao.session TO shebao_app;
GRANT DELETE ON shebao.person_login_code TO shebao_app;
