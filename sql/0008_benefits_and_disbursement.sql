-- Benefits (待遇) and their monthly disbursement: schedules, runs, payment lines, bank files.
SET LOCAL ROLE shebao_owner;

CREATE TABLE shebao.benefit (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id bigint NOT NULL REFERENCES shebao.office (id),
    person_id bigint NOT NULL REFERENCES shebao.person (id),
    scheme_code text NOT NULL REFERENCES shebao.scheme (code),
    kind text NOT NULL CHECK (kind IN (
        'basic_pension', 'unemployment_benefit', 'disability_allowance', 'survivor_pension',
        'one_off_disability_subsidy', 'medical_reimbursement'
    )),
    monthly_amount_fen bigint NOT NULL CHECK (monthly_amount_fen >= 0),
    start_period integer NOT NULL CHECK (shebao.is_period(start_period)),
    end_period integer CHECK (end_period IS NULL OR (shebao.is_period(end_period) AND end_period >= start_period)),
    bank_card_number text NOT NULL CHECK (bank_card_number ~ '^[0-9]{16,19}$'),
    status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'ended')),
    application_id bigint REFERENCES shebao.application (id),
    created_at timestamptz NOT NULL DEFAULT now()
);
CALL shebao.scope_by_office('shebao.benefit', 'person_id');
CREATE INDEX ON shebao.benefit (person_id);
CREATE INDEX benefit_payable ON shebao.benefit (office_id, scheme_code) WHERE status = 'active';
GRANT SELECT, INSERT, UPDATE ON shebao.benefit TO shebao_app;

CREATE TABLE shebao.disbursement_schedule (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id bigint NOT NULL REFERENCES shebao.office (id),
    scheme_code text NOT NULL REFERENCES shebao.scheme (code),
    day_of_month smallint NOT NULL CHECK (day_of_month BETWEEN 1 AND 28),
    active boolean NOT NULL DEFAULT true,
    UNIQUE (office_id, scheme_code)
);
CALL shebao.scope_by_office('shebao.disbursement_schedule');
GRANT SELECT, INSERT, UPDATE ON shebao.disbursement_schedule TO shebao_app;

CREATE TABLE shebao.disbursement_run (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id bigint NOT NULL REFERENCES shebao.office (id),
    scheme_code text NOT NULL REFERENCES shebao.scheme (code),
    period integer NOT NULL CHECK (shebao.is_period(period)),
    status text NOT NULL DEFAULT 'scheduled' CHECK (status IN (
        'scheduled', 'computing', 'computed', 'approved', 'exported', 'reconciled', 'cancelled'
    )),
    created_by bigint REFERENCES shebao.operator (id),
    approved_by bigint REFERENCES shebao.operator (id),
    -- Where a killed computation resumes: the last benefit id done.
    checkpoint_benefit_id bigint NOT NULL DEFAULT 0,
    line_count integer NOT NULL DEFAULT 0 CHECK (line_count >= 0),
    total_fen bigint NOT NULL DEFAULT 0 CHECK (total_fen >= 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    approved_at timestamptz,
    -- Separation of duties: the approver is never the creator.
    CHECK (approved_by IS NULL OR approved_by IS DISTINCT FROM created_by),
    CHECK ((status IN ('approved', 'exported', 'reconciled')) <= (approved_by IS NOT NULL))
);
CALL shebao.scope_by_office('shebao.disbursement_run');
CREATE UNIQUE INDEX disbursement_run_one_per_period ON shebao.disbursement_run (office_id, scheme_code, period)
    WHERE status <> 'cancelled';
GRANT SELECT, INSERT, UPDATE ON shebao.disbursement_run TO shebao_app;

CREATE TABLE shebao.payment_line (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id bigint NOT NULL REFERENCES shebao.office (id),
    run_id bigint NOT NULL REFERENCES shebao.disbursement_run (id),
    benefit_id bigint NOT NULL REFERENCES shebao.benefit (id),
    person_id bigint NOT NULL REFERENCES shebao.person (id),
    period integer NOT NULL CHECK (shebao.is_period(period)),
    amount_fen bigint NOT NULL CHECK (amount_fen > 0),
    bank_card_number text NOT NULL CHECK (bank_card_number ~ '^[0-9]{16,19}$'),
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'exported', 'paid', 'failed', 'carried')),
    failure_reason text,
    -- One payment per benefit and period, ever.
    UNIQUE (benefit_id, period)
);
CALL shebao.scope_by_office('shebao.payment_line', 'person_id');
CREATE INDEX ON shebao.payment_line (run_id, id);
GRANT SELECT, INSERT, UPDATE ON shebao.payment_line TO shebao_app;

CREATE TABLE shebao.bank_file (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id bigint NOT NULL REFERENCES shebao.office (id),
    run_id bigint NOT NULL REFERENCES shebao.disbursement_run (id),
    kind text NOT NULL CHECK (kind IN ('payment', 'return')),
    file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
    content bytea NOT NULL,
    sha256 bytea NOT NULL CHECK (length(sha256) = 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (run_id, kind, sha256)
);
CALL shebao.scope_by_office('shebao.bank_file');
GRANT SELECT, INSERT ON shebao.bank_file TO shebao_app;
