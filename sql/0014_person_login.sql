-- Insured persons log in from the mobile and web clients with their citizen ID and a password,
-- or with a one-time code sent by SMS. Their sessions carry the person scope.
SET LOCAL ROLE shebao_owner;

-- A person's password, apart from the person row (which the person may read).
CREATE TABLE shebao.person_credential (
    person_id bigint PRIMARY KEY REFERENCES shebao.person (id),
    office_id bigint NOT NULL REFERENCES shebao.office (id),
    password_hash text CHECK (length(password_hash) BETWEEN 20 AND 500),
    password_changed_at timestamptz,
    failed_logins integer NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    locked_until timestamptz
);
CALL shebao.scope_by_office('shebao.person_credential');
GRANT SELECT (person_id, office_id, password_changed_at, failed_logins, locked_until), INSERT, UPDATE
    ON shebao.person_credential TO shebao_app;

-- One-time log-in codes: only their SHA-256 is kept; the code itself travels in the SMS of the
-- notification outbox, which the scheduler delivers.
CREATE TABLE shebao.person_login_code (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id bigint NOT NULL REFERENCES shebao.office (id),
    person_id bigint NOT NULL REFERENCES shebao.person (id),
    code_hash bytea NOT NULL CHECK (length(code_hash) = 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    CHECK (expires_at > created_at)
);
CALL shebao.scope_by_office('shebao.person_login_code');
CREATE INDEX ON shebao.person_login_code (person_id, created_at DESC);
GRANT SELECT (id, office_id, person_id, created_at, expires_at, used_at, attempts), INSERT
    ON shebao.person_login_code TO shebao_app;

-- What a person's log-in needs, found by citizen ID: nothing else, a row of NULLs beside the
-- failure count of the client's address for an unknown number. (Not `address`: the person
-- table has a column of that name.)
CREATE FUNCTION shebao.person_login(citizen text, client inet, failure_window interval)
RETURNS TABLE (person_id bigint, office_id bigint, password_hash text, locked boolean, address_failures bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = shebao, pg_catalog AS $$
    SELECT p.id, p.office_id, c.password_hash, coalesce(c.locked_until > now(), false),
        (SELECT count(*) FROM shebao.login_attempt a
         WHERE a.client_address = client AND NOT a.succeeded AND a.attempted_at > now() - failure_window)
    FROM (SELECT 1) AS one
    LEFT JOIN shebao.person p ON p.citizen_id = citizen AND p.id_type = 'citizen'
    LEFT JOIN shebao.person_credential c ON c.person_id = p.id
$$;

-- Sends a log-in code to the person's phone: the code's hash is kept for `lifetime`, the code
-- goes into the outbox. At most `per_hour` codes an hour. Whether one was sent (no phone, an
-- unknown number and too many codes all answer false; the caller answers the same either way).
CREATE FUNCTION shebao.person_send_code(citizen text, code text, lifetime interval, per_hour integer)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = shebao, pg_catalog, public AS $$
DECLARE
    found_person shebao.person;
BEGIN
    SELECT * INTO found_person FROM shebao.person p WHERE p.citizen_id = citizen AND p.id_type = 'citizen';
    IF NOT FOUND OR found_person.phone IS NULL THEN
        RETURN false;
    END IF;
    IF (SELECT count(*) FROM shebao.person_login_code c
        WHERE c.person_id = found_person.id AND c.created_at > now() - interval '1 hour') >= per_hour THEN
        RETURN false;
    END IF;
    INSERT INTO shebao.person_login_code (office_id, person_id, code_hash, expires_at)
    VALUES (found_person.office_id, found_person.id, digest(code, 'sha256'), now() + lifetime);
    INSERT INTO shebao.notification_outbox (office_id, person_id, channel, address, template, payload)
    VALUES (found_person.office_id, found_person.id, 'sms', found_person.phone, 'login_code',
        jsonb_build_object('code', code, 'minutes', extract(epoch FROM lifetime)::integer / 60));
    RETURN true;
END
$$;

-- Records a person's log-in attempt: with `code`, the newest live code must match (five wrong
-- tries spend it); with a verified password, `password_ok`. Counts failures and locks like
-- an operator's, audits, and for a success opens the session. Returns the session's id or NULL.
CREATE FUNCTION shebao.person_login_finish(
    citizen text, client inet, request text, account bigint, password_ok boolean, code text,
    max_failures integer, lock_for interval, token_hash bytea, lifetime interval
) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = shebao, pg_catalog, public AS $$
DECLARE
    office bigint;
    session bigint;
    outcome boolean := coalesce(password_ok, false);
    live shebao.person_login_code;
BEGIN
    IF account IS NOT NULL AND code IS NOT NULL THEN
        SELECT * INTO live FROM shebao.person_login_code c
        WHERE c.person_id = account AND c.used_at IS NULL AND c.expires_at > now() AND c.attempts < 5
        ORDER BY c.created_at DESC LIMIT 1 FOR UPDATE;
        IF FOUND THEN
            IF live.code_hash = digest(code, 'sha256') THEN
                UPDATE shebao.person_login_code SET used_at = now() WHERE id = live.id;
                outcome := true;
            ELSE
                UPDATE shebao.person_login_code SET attempts = attempts + 1 WHERE id = live.id;
            END IF;
        END IF;
    END IF;
    IF account IS NOT NULL AND EXISTS (SELECT FROM shebao.person_credential c WHERE c.person_id = account AND c.locked_until > now()) THEN
        outcome := false;
    END IF;
    INSERT INTO shebao.login_attempt (username, client_address, succeeded) VALUES (left(citizen, 200), client, outcome);
    SELECT p.office_id INTO office FROM shebao.person p WHERE p.id = account;
    IF account IS NOT NULL THEN
        IF outcome THEN
            UPDATE shebao.person_credential SET failed_logins = 0, locked_until = NULL WHERE person_id = account;
            INSERT INTO shebao.session (token_hash, principal_kind, person_id, office_id, expires_at, client_address)
            VALUES (token_hash, 'person', account, office, now() + lifetime, client)
            RETURNING id INTO session;
        ELSE
            INSERT INTO shebao.person_credential (person_id, office_id) VALUES (account, office)
            ON CONFLICT (person_id) DO NOTHING;
            UPDATE shebao.person_credential SET
                failed_logins = CASE WHEN failed_logins + 1 >= max_failures THEN 0 ELSE failed_logins + 1 END,
                locked_until = CASE WHEN failed_logins + 1 >= max_failures THEN now() + lock_for ELSE locked_until END
            WHERE person_id = account AND (locked_until IS NULL OR locked_until <= now());
        END IF;
    END IF;
    office := coalesce(office, shebao.root_office());
    IF office IS NOT NULL THEN
        INSERT INTO shebao.audit_event (office_id, actor_kind, actor_id, action, target_type, target_id,
            request_id, client_address, outcome)
        VALUES (office, CASE WHEN account IS NULL THEN 'anonymous' ELSE 'person' END, account, 'auth.person_login',
            'person', CASE WHEN account IS NULL THEN NULL ELSE account::text END, request, client,
            CASE WHEN outcome THEN 'success' ELSE 'failure' END);
    END IF;
    RETURN session;
END
$$;

REVOKE ALL ON FUNCTION shebao.person_login(text, inet, interval) FROM PUBLIC;
REVOKE ALL ON FUNCTION shebao.person_send_code(text, text, interval, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION shebao.person_login_finish(text, inet, text, bigint, boolean, text, integer, interval, bytea, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION shebao.person_login(text, inet, interval) TO shebao_app;
GRANT EXECUTE ON FUNCTION shebao.person_send_code(text, text, interval, integer) TO shebao_app;
GRANT EXECUTE ON FUNCTION shebao.person_login_finish(text, inet, text, bigint, boolean, text, integer, interval, bytea, interval) TO shebao_app;

-- A person's own password, for the person's own session (shebao_person): the hash, to check
-- the current password before a change, and the change itself, which succeeds only if the
-- password is still `expected` (NULL: none set yet).
CREATE FUNCTION shebao.person_password() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = shebao, pg_catalog AS $$
    SELECT c.password_hash FROM shebao.person_credential c WHERE c.person_id = shebao.scope_person_id()
$$;

CREATE FUNCTION shebao.person_set_password(new_hash text, expected text) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = shebao, pg_catalog AS $$
DECLARE
    account bigint := shebao.scope_person_id();
BEGIN
    IF account IS NULL THEN
        RETURN false;
    END IF;
    INSERT INTO shebao.person_credential (person_id, office_id)
    SELECT p.id, p.office_id FROM shebao.person p WHERE p.id = account
    ON CONFLICT (person_id) DO NOTHING;
    UPDATE shebao.person_credential SET password_hash = new_hash, password_changed_at = now()
    WHERE person_id = account AND password_hash IS NOT DISTINCT FROM expected;
    RETURN FOUND;
END
$$;
REVOKE ALL ON FUNCTION shebao.person_password() FROM PUBLIC;
REVOKE ALL ON FUNCTION shebao.person_set_password(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION shebao.person_password() TO shebao_person;
GRANT EXECUTE ON FUNCTION shebao.person_set_password(text, text) TO shebao_person;
