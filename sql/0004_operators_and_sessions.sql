-- Operators (经办人员), their roles, sessions and log-in attempts.
SET LOCAL ROLE shebao_owner;

CREATE TABLE shebao.operator (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id bigint NOT NULL REFERENCES shebao.office (id),
    username text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._-]{2,39}$'),
    display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
    -- Self-describing (scheme, parameters, salt, hash), so parameters can be raised later.
    password_hash text NOT NULL CHECK (length(password_hash) BETWEEN 20 AND 500),
    password_changed_at timestamptz NOT NULL DEFAULT now(),
    must_change_password boolean NOT NULL DEFAULT true,
    totp_secret bytea CHECK (totp_secret IS NULL OR length(totp_secret) BETWEEN 10 AND 64),
    -- The last TOTP time step accepted: a code is accepted once.
    totp_last_step bigint,
    failed_logins integer NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    locked_until timestamptz,
    disabled_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CALL shebao.scope_by_office('shebao.operator');
GRANT SELECT, INSERT, UPDATE ON shebao.operator TO shebao_app;

-- The last passwords of each operator, so that none is reused.
CREATE TABLE shebao.operator_password_history (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id bigint NOT NULL REFERENCES shebao.office (id),
    operator_id bigint NOT NULL REFERENCES shebao.operator (id) ON DELETE CASCADE,
    password_hash text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CALL shebao.scope_by_office('shebao.operator_password_history');
CREATE INDEX ON shebao.operator_password_history (operator_id, created_at DESC);
GRANT SELECT, INSERT, DELETE ON shebao.operator_password_history TO shebao_app;

CREATE TABLE shebao.role_assignment (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id bigint NOT NULL REFERENCES shebao.office (id),
    operator_id bigint NOT NULL REFERENCES shebao.operator (id),
    role text NOT NULL CHECK (role IN (
        'administrator', 'auditor', 'clerk', 'reviewer', 'disbursement_officer',
        'disbursement_approver', 'office_manager'
    )),
    granted_by bigint REFERENCES shebao.operator (id),
    granted_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz,
    CHECK (revoked_at IS NULL OR revoked_at >= granted_at)
);
CALL shebao.scope_by_office('shebao.role_assignment');
CREATE UNIQUE INDEX role_assignment_active ON shebao.role_assignment (operator_id, role) WHERE revoked_at IS NULL;
GRANT SELECT, INSERT, UPDATE ON shebao.role_assignment TO shebao_app;

-- Sessions of operators and of insured persons. Only the SHA-256 of the token is stored, and
-- the application cannot read it back: it finds a session by hash through the functions of the
-- log-in migration, never by selecting the column.
CREATE TABLE shebao.session (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    principal_kind text NOT NULL CHECK (principal_kind IN ('operator', 'person')),
    operator_id bigint REFERENCES shebao.operator (id),
    person_id bigint,
    office_id bigint NOT NULL REFERENCES shebao.office (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz,
    client_address inet,
    CHECK ((principal_kind = 'operator') = (operator_id IS NOT NULL AND person_id IS NULL)),
    CHECK ((principal_kind = 'person') = (person_id IS NOT NULL AND operator_id IS NULL)),
    CHECK (expires_at > created_at)
);
CALL shebao.scope_by_office('shebao.session', 'person_id', person_grant => false);
CREATE INDEX ON shebao.session (operator_id) WHERE revoked_at IS NULL;
GRANT SELECT (id, principal_kind, operator_id, person_id, office_id, created_at, last_seen_at, expires_at,
    revoked_at, client_address) ON shebao.session TO shebao_app;
GRANT SELECT (id, principal_kind, person_id, office_id, created_at, last_seen_at, expires_at, revoked_at,
    client_address) ON shebao.session TO shebao_person;
GRANT INSERT ON shebao.session TO shebao_app;
GRANT UPDATE (last_seen_at, revoked_at) ON shebao.session TO shebao_app;

-- Every log-in attempt, including those for unknown names (no office then): the throttles and
-- lock-outs count them. Not office-scoped; the application only appends to it and reads it
-- through the log-in functions.
CREATE TABLE shebao.login_attempt (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username text NOT NULL CHECK (length(username) <= 200),
    client_address inet,
    succeeded boolean NOT NULL,
    attempted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ON shebao.login_attempt (username, attempted_at DESC);
CREATE INDEX ON shebao.login_attempt (client_address, attempted_at DESC);
ALTER TABLE shebao.login_attempt ENABLE ROW LEVEL SECURITY;
ALTER TABLE shebao.login_attempt FORCE ROW LEVEL SECURITY;
CREATE POLICY append ON shebao.login_attempt FOR INSERT TO shebao_app WITH CHECK (true);
CREATE POLICY owner_all ON shebao.login_attempt TO shebao_owner USING (true) WITH CHECK (true);
GRANT INSERT ON shebao.login_attempt TO shebao_app;
