-- Applications (业务申请): one workflow for every business type, with a typed payload; vouchers
-- (办理凭证) issued on approval; idempotency keys for retried POSTs.
SET LOCAL ROLE shebao_owner;

CREATE TABLE shebao.application (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id bigint NOT NULL REFERENCES shebao.office (id),
    type text NOT NULL CHECK (type IN (
        'person_registration', 'person_change', 'employer_registration', 'enrolment', 'newborn_enrolment',
        'enrolment_end', 'base_declaration', 'transfer_out', 'transfer_in', 'pension_claim',
        'unemployment_claim', 'injury_recognition', 'medical_reimbursement'
    )),
    payload jsonb NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
    status text NOT NULL DEFAULT 'draft' CHECK (status IN (
        'draft', 'submitted', 'approved', 'rejected', 'returned', 'cancelled'
    )),
    -- The last run of the accuracy and compliance checks: errors, warnings, computed effects.
    check_results jsonb,
    person_id bigint REFERENCES shebao.person (id),
    employer_id bigint REFERENCES shebao.employer (id),
    maker_id bigint NOT NULL REFERENCES shebao.operator (id),
    checker_id bigint REFERENCES shebao.operator (id),
    reasons text CHECK (length(reasons) <= 2000),
    -- Optimistic concurrency: If-Match carries it, every change increments it.
    version integer NOT NULL DEFAULT 1 CHECK (version > 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    submitted_at timestamptz,
    decided_at timestamptz,
    -- Maker-checker: whoever made it never decides it.
    CHECK (checker_id IS NULL OR checker_id <> maker_id),
    CHECK ((status IN ('approved', 'rejected')) = (decided_at IS NOT NULL AND checker_id IS NOT NULL)),
    CHECK (status NOT IN ('rejected', 'returned') OR reasons IS NOT NULL)
);
CALL shebao.scope_by_office('shebao.application', 'person_id');
CREATE INDEX application_queue ON shebao.application (office_id, status, submitted_at, id);
CREATE INDEX ON shebao.application (person_id) WHERE person_id IS NOT NULL;
GRANT SELECT, INSERT, UPDATE ON shebao.application TO shebao_app;

ALTER TABLE shebao.person_document ADD FOREIGN KEY (application_id) REFERENCES shebao.application (id);

CREATE TABLE shebao.voucher (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id bigint NOT NULL REFERENCES shebao.office (id),
    application_id bigint NOT NULL UNIQUE REFERENCES shebao.application (id),
    person_id bigint REFERENCES shebao.person (id),
    -- Office code, date and a sequence: 320102001-20261130-000017.
    number text NOT NULL UNIQUE CHECK (number ~ '^[0-9]{6,9}-[0-9]{8}-[0-9]{6}$'),
    -- HMAC of the number and content, shown on the printout, checked by /verify.
    verification_code text NOT NULL CHECK (verification_code ~ '^[0-9A-Z]{8,32}$'),
    content jsonb NOT NULL CHECK (jsonb_typeof(content) = 'object'),
    issued_at timestamptz NOT NULL DEFAULT now()
);
CALL shebao.scope_by_office('shebao.voucher', 'person_id');
GRANT SELECT, INSERT ON shebao.voucher TO shebao_app;

-- The per-office, per-day voucher sequence.
CREATE TABLE shebao.voucher_sequence (
    office_id bigint NOT NULL REFERENCES shebao.office (id),
    day date NOT NULL,
    last_value integer NOT NULL CHECK (last_value BETWEEN 0 AND 999999),
    PRIMARY KEY (office_id, day)
);
CALL shebao.scope_by_office('shebao.voucher_sequence');
GRANT SELECT, INSERT, UPDATE ON shebao.voucher_sequence TO shebao_app;

-- A retried POST returns the first response: keys per principal, with the request's hash.
CREATE TABLE shebao.idempotency_key (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id bigint NOT NULL REFERENCES shebao.office (id),
    principal_kind text NOT NULL CHECK (principal_kind IN ('operator', 'person')),
    principal_id bigint NOT NULL,
    key text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    request_hash bytea NOT NULL CHECK (length(request_hash) = 32),
    response_status smallint CHECK (response_status BETWEEN 100 AND 599),
    response_body bytea,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (principal_kind, principal_id, key)
);
CALL shebao.scope_by_office('shebao.idempotency_key');
CREATE INDEX ON shebao.idempotency_key (created_at);
GRANT SELECT, INSERT, UPDATE, DELETE ON shebao.idempotency_key TO shebao_app;
