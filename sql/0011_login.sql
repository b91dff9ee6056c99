-- Log-in and sessions. Before a log-in there is no scope, so what it needs crosses offices
-- through the narrow SECURITY DEFINER functions below; the application never selects a
-- session's token hash, it hands the hash to these functions.
SET LOCAL ROLE shebao_owner;

-- The office that events without one of their own (a log-in attempt for an unknown name) are
-- recorded under: the root of the office tree.
CREATE FUNCTION shebao.root_office() RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = shebao, pg_catalog AS $$
    SELECT id FROM shebao.office WHERE parent_id IS NULL ORDER BY id LIMIT 1
$$;

-- What a log-in needs to know of the operator called `name`, and how many attempts from
-- `address` failed within `failure_window`: nothing else about the operator, and for an
-- unknown name a row of NULLs beside the failure count.
CREATE FUNCTION shebao.login_operator(name text, address inet, failure_window interval)
RETURNS TABLE (
    operator_id bigint, office_id bigint, password_hash text, totp_secret bytea, totp_last_step bigint,
    locked boolean, disabled boolean, must_change_password boolean, password_changed_at timestamptz,
    roles text[], address_failures bigint
)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = shebao, pg_catalog AS $$
    SELECT o.id, o.office_id, o.password_hash, o.totp_secret, o.totp_last_step,
        coalesce(o.locked_until > now(), false), o.disabled_at IS NOT NULL, o.must_change_password,
        o.password_changed_at,
        coalesce((SELECT array_agg(r.role ORDER BY r.role) FROM shebao.role_assignment r
                  WHERE r.operator_id = o.id AND r.revoked_at IS NULL), '{}'),
        (SELECT count(*) FROM shebao.login_attempt a
         WHERE a.client_address = address AND NOT a.succeeded AND a.attempted_at > now() - failure_window)
    FROM (SELECT 1) AS one
    LEFT JOIN shebao.operator o ON o.username = name
$$;

-- Records the outcome of a log-in attempt in the same transaction as its audit event: the
-- attempt itself, the operator's failure count and lock, and for a success the session (only
-- the token's hash) and the TOTP step used, which must be later than the last one accepted
-- (a code counts once, even when two log-ins race with it). Returns the new session's id, or
-- NULL when the attempt failed or the TOTP step was already spent.
CREATE FUNCTION shebao.login_finish(
    name text, address inet, request text, account bigint, succeeded boolean, totp_step bigint,
    max_failures integer, lock_for interval, token_hash bytea, lifetime interval
) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = shebao, pg_catalog AS $$
DECLARE
    office bigint;
    session bigint;
    outcome boolean := succeeded;
    reason text;
BEGIN
    IF outcome AND totp_step IS NOT NULL THEN
        UPDATE shebao.operator SET totp_last_step = totp_step
        WHERE id = account AND (totp_last_step IS NULL OR totp_last_step < totp_step);
        IF NOT FOUND THEN
            outcome := false;
            reason := 'totp_replayed';
        END IF;
    END IF;
    INSERT INTO shebao.login_attempt (username, client_address, succeeded)
    VALUES (left(name, 200), address, outcome);
    IF account IS NOT NULL THEN
        IF outcome THEN
            UPDATE shebao.operator SET failed_logins = 0, locked_until = NULL WHERE id = account
            RETURNING office_id INTO office;
            INSERT INTO shebao.session (token_hash, principal_kind, operator_id, office_id, expires_at, client_address)
            VALUES (token_hash, 'operator', account, office, now() + lifetime, address)
            RETURNING id INTO session;
        ELSE
            -- Attempts while locked neither extend the lock nor count.
            UPDATE shebao.operator SET
                failed_logins = CASE WHEN failed_logins + 1 >= max_failures THEN 0 ELSE failed_logins + 1 END,
                locked_until = CASE WHEN failed_logins + 1 >= max_failures THEN now() + lock_for ELSE locked_until END
            WHERE id = account AND (locked_until IS NULL OR locked_until <= now())
            RETURNING office_id, CASE WHEN locked_until > now() THEN 'locked' END INTO office, reason;
            IF office IS NULL THEN
                SELECT o.office_id, 'while_locked' INTO office, reason FROM shebao.operator o WHERE o.id = account;
            END IF;
        END IF;
    END IF;
    office := coalesce(office, shebao.root_office());
    IF office IS NOT NULL THEN
        INSERT INTO shebao.audit_event (office_id, actor_kind, actor_id, action, target_type, target_id,
            request_id, client_address, outcome, after)
        VALUES (office, CASE WHEN account IS NULL THEN 'anonymous' ELSE 'operator' END, account, 'auth.login',
            'operator', left(name, 100), request, address, CASE WHEN outcome THEN 'success' ELSE 'failure' END,
            CASE WHEN reason IS NULL THEN NULL ELSE jsonb_build_object('reason', reason) END);
    END IF;
    RETURN session;
END
$$;

-- Authenticates a request: the live session whose token hashes to `hash` (not revoked, not
-- past its absolute expiry, seen within `idle`, its operator not disabled), marks it seen
-- (at most every 30 seconds: a write per request would cost more than it tells), and enters
-- its scope for the rest of the transaction. No row when there is no such session.
CREATE FUNCTION shebao.authenticate(hash bytea, idle interval)
RETURNS TABLE (
    session_id bigint, principal_kind text, operator_id bigint, person_id bigint, office_id bigint,
    username text, display_name text, roles text[], must_change_password boolean,
    password_changed_at timestamptz, expires_at timestamptz
)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = shebao, pg_catalog AS $$
DECLARE
    found_session shebao.session%ROWTYPE;
BEGIN
    SELECT * INTO found_session FROM shebao.session s
    WHERE s.token_hash = hash AND s.revoked_at IS NULL AND s.expires_at > now() AND s.last_seen_at > now() - idle;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    IF found_session.principal_kind = 'operator' THEN
        IF NOT EXISTS (SELECT FROM shebao.operator o WHERE o.id = found_session.operator_id AND o.disabled_at IS NULL) THEN
            RETURN;
        END IF;
        PERFORM shebao.enter_scope(found_session.office_id, NULL);
    ELSE
        PERFORM shebao.enter_scope(NULL, found_session.person_id);
    END IF;
    PERFORM set_config('shebao.principal_kind', found_session.principal_kind, true),
        set_config('shebao.principal_id', coalesce(found_session.operator_id, found_session.person_id)::text, true),
        set_config('shebao.session_id', found_session.id::text, true);
    IF found_session.last_seen_at < now() - interval '30 seconds' THEN
        UPDATE shebao.session SET last_seen_at = now() WHERE id = found_session.id;
    END IF;
    RETURN QUERY
        SELECT found_session.id, found_session.principal_kind, found_session.operator_id, found_session.person_id,
            found_session.office_id, o.username, o.display_name,
            coalesce((SELECT array_agg(r.role ORDER BY r.role) FROM shebao.role_assignment r
                      WHERE r.operator_id = o.id AND r.revoked_at IS NULL), '{}'),
            coalesce(o.must_change_password, false), o.password_changed_at, found_session.expires_at
        FROM (SELECT 1) AS one
        LEFT JOIN shebao.operator o ON o.id = found_session.operator_id;
END
$$;

-- Ends the session whose token hashes to `hash`; whether there was one to end.
CREATE FUNCTION shebao.logout(hash bytea) RETURNS boolean
LANGUAGE sql SECURITY DEFINER SET search_path = shebao, pg_catalog AS $$
    WITH ended AS (
        UPDATE shebao.session SET revoked_at = now()
        WHERE token_hash = hash AND revoked_at IS NULL
        RETURNING id
    )
    SELECT EXISTS (SELECT FROM ended)
$$;

REVOKE ALL ON FUNCTION shebao.root_office() FROM PUBLIC;
REVOKE ALL ON FUNCTION shebao.login_operator(text, inet, interval) FROM PUBLIC;
REVOKE ALL ON FUNCTION shebao.login_finish(text, inet, text, bigint, boolean, bigint, integer, interval, bytea, interval) FROM PUBLIC;
REVOKE ALL ON FUNCTION shebao.authenticate(bytea, interval) FROM PUBLIC;
REVOKE ALL ON FUNCTION shebao.logout(bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION shebao.login_operator(text, inet, interval) TO shebao_app;
GRANT EXECUTE ON FUNCTION shebao.login_finish(text, inet, text, bigint, boolean, bigint, integer, interval, bytea, interval) TO shebao_app;
GRANT EXECUTE ON FUNCTION shebao.authenticate(bytea, interval) TO shebao_app;
GRANT EXECUTE ON FUNCTION shebao.logout(bytea) TO shebao_app;
