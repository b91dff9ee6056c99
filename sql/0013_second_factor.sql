-- Enrolling a second factor, and the recovery codes of operators who lost their authenticator.
SET LOCAL ROLE shebao_owner;

-- A secret handed out for enrolment: it becomes totp_secret once a code from it is confirmed.
ALTER TABLE shebao.operator
    ADD COLUMN totp_pending_secret bytea CHECK (totp_pending_secret IS NULL OR length(totp_pending_secret) BETWEEN 10 AND 64);

-- One-time recovery codes: shown once at enrolment, kept only as SHA-256, each usable once in
-- place of a TOTP code. The application may list and replace them but never read a digest
-- back; a log-in spends one through shebao.use_recovery_code.
CREATE TABLE shebao.operator_recovery_code (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id bigint NOT NULL REFERENCES shebao.office (id),
    operator_id bigint NOT NULL REFERENCES shebao.operator (id) ON DELETE CASCADE,
    code_hash bytea NOT NULL CHECK (length(code_hash) = 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    used_at timestamptz,
    UNIQUE (operator_id, code_hash)
);
CALL shebao.scope_by_office('shebao.operator_recovery_code');
GRANT SELECT (id, office_id, operator_id, created_at, used_at), INSERT, DELETE
    ON shebao.operator_recovery_code TO shebao_app;

-- Spends the recovery code of `account` whose SHA-256 is `hash`: whether there was an unused one.
CREATE FUNCTION shebao.use_recovery_code(account bigint, hash bytea) RETURNS boolean
LANGUAGE sql SECURITY DEFINER SET search_path = shebao, pg_catalog AS $$
    WITH spent AS (
        UPDATE shebao.operator_recovery_code SET used_at = now()
        WHERE operator_id = account AND code_hash = hash AND used_at IS NULL
        RETURNING id
    )
    SELECT EXISTS (SELECT FROM spent)
$$;
REVOKE ALL ON FUNCTION shebao.use_recovery_code(bigint, bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION shebao.use_recovery_code(bigint, bytea) TO shebao_app;
