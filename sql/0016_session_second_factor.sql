-- A session's principal says whether its operator has a second factor, read in the statement
-- that authenticates the request: an operator whose roles need one (the server's setting) and
-- who has none reaches nothing but the enrolment until they enrol. The application cannot read
-- the secret itself, so only this function tells.
SET LOCAL ROLE shebao_owner;

-- The row type gains a column: a function's result type cannot change in place.
DROP FUNCTION shebao.authenticate(bytea, interval);

-- Authenticates a request: the live session whose token hashes to `hash` (not revoked, not
-- past its absolute expiry, seen within `idle`, its operator not disabled), marks it seen
-- (at most every 30 seconds: a write per request would cost more than it tells), and enters
-- its scope for the rest of the transaction. No row when there is no such session.
CREATE FUNCTION shebao.authenticate(hash bytea, idle interval)
RETURNS TABLE (
    session_id bigint, principal_kind text, operator_id bigint, person_id bigint, office_id bigint,
    username text, display_name text, roles text[], must_change_password boolean,
    password_changed_at timestamptz, expires_at timestamptz, has_second_factor boolean
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
            coalesce(o.must_change_password, false), o.password_changed_at, found_session.expires_at,
            o.totp_secret IS NOT NULL
        FROM (SELECT 1) AS one
        LEFT JOIN shebao.operator o ON o.id = found_session.operator_id;
END
$$;

REVOKE ALL ON FUNCTION shebao.authenticate(bytea, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION shebao.authenticate(bytea, interval) TO shebao_app;
