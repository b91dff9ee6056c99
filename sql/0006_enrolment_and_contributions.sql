-- Schemes, enrolments, contribution policy and what is due, paid and owed.
-- Money is integer fen; rates are integer parts per million (16% = 160000); periods are YYYYMM
-- integers.
SET LOCAL ROLE shebao_owner;

CREATE FUNCTION shebao.is_period(value integer) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT value BETWEEN 190001 AND 299912 AND value % 100 BETWEEN 1 AND 12
$$;
-- CHECK constraints run with the inserting role's rights.
GRANT EXECUTE ON FUNCTION shebao.is_period(integer) TO shebao_app, shebao_person;

-- Insurance scheme codes (险种, domain rules §5): a reference table, not an enum.
CREATE TABLE shebao.scheme (
    code text PRIMARY KEY CHECK (code ~ '^[1-5][0-9]{2}$'),
    name_zh text NOT NULL,
    name_en text NOT NULL,
    code_system text NOT NULL CHECK (code_system IN ('hrss', 'nhsa')),
    valid_from date NOT NULL DEFAULT '1990-01-01',
    valid_to date
);
INSERT INTO shebao.scheme (code, name_zh, name_en, code_system) VALUES
    ('110', '企业职工基本养老保险', 'enterprise employees'' basic pension', 'hrss'),
    ('120', '机关事业单位基本养老保险', 'public institutions'' basic pension', 'hrss'),
    ('170', '城乡居民基本养老保险', 'urban and rural residents'' basic pension', 'hrss'),
    ('210', '失业保险', 'unemployment insurance', 'hrss'),
    ('310', '职工基本医疗保险', 'employees'' basic medical insurance', 'nhsa'),
    ('390', '城乡居民基本医疗保险', 'urban and rural residents'' basic medical insurance', 'nhsa'),
    ('410', '工伤保险', 'work injury insurance', 'hrss'),
    ('510', '生育保险', 'maternity insurance', 'nhsa');
GRANT SELECT ON shebao.scheme TO shebao_app, shebao_person;

CREATE TABLE shebao.enrolment (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id bigint NOT NULL REFERENCES shebao.office (id),
    person_id bigint NOT NULL REFERENCES shebao.person (id),
    -- Copied from the person so that one index can hold the country-wide rule below.
    citizen_id text NOT NULL CHECK (citizen_id ~ '^[1-9][0-9]{16}[0-9X]$'),
    scheme_code text NOT NULL REFERENCES shebao.scheme (code),
    employer_id bigint REFERENCES shebao.employer (id),
    status text NOT NULL CHECK (status IN ('active', 'suspended', 'ended')),
    start_period integer NOT NULL CHECK (shebao.is_period(start_period)),
    end_period integer CHECK (end_period IS NULL OR (shebao.is_period(end_period) AND end_period >= start_period)),
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'ended') = (end_period IS NOT NULL))
);
CALL shebao.scope_by_office('shebao.enrolment', 'person_id');
-- One active enrolment per citizen and scheme in the whole country.
CREATE UNIQUE INDEX enrolment_one_active ON shebao.enrolment (citizen_id, scheme_code) WHERE status = 'active';
CREATE INDEX ON shebao.enrolment (person_id);
CREATE INDEX ON shebao.enrolment (employer_id) WHERE employer_id IS NOT NULL;
GRANT SELECT, INSERT, UPDATE ON shebao.enrolment TO shebao_app;

-- The duplicate check across offices: whether this citizen is actively enrolled in the scheme
-- anywhere, and at which office (its code). Nothing else about the other office's rows.
CREATE FUNCTION shebao.active_enrolment_office(citizen text, scheme text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = shebao, pg_catalog AS $$
    SELECT o.code
    FROM shebao.enrolment e JOIN shebao.office o ON o.id = e.office_id
    WHERE e.citizen_id = upper(citizen) AND e.scheme_code = scheme AND e.status = 'active'
$$;
GRANT EXECUTE ON FUNCTION shebao.active_enrolment_office(text, text) TO shebao_app;

-- Contribution policy per region, scheme and date range: the published figures as data.
CREATE TABLE shebao.contribution_policy (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region_code text NOT NULL CHECK (region_code ~ '^[1-9][0-9]{5}$'),
    scheme_code text NOT NULL REFERENCES shebao.scheme (code),
    valid_from date NOT NULL,
    valid_to date,
    employer_rate_ppm integer NOT NULL CHECK (employer_rate_ppm BETWEEN 0 AND 1000000),
    personal_rate_ppm integer NOT NULL CHECK (personal_rate_ppm BETWEEN 0 AND 1000000),
    -- Work injury: the employer rate per risk class 1-8, if the scheme has classes.
    employer_rate_ppm_by_risk_class integer[] CHECK (
        employer_rate_ppm_by_risk_class IS NULL OR cardinality(employer_rate_ppm_by_risk_class) = 8
    ),
    average_wage_fen bigint NOT NULL CHECK (average_wage_fen > 0),
    base_floor_fen bigint NOT NULL CHECK (base_floor_fen > 0),
    base_ceiling_fen bigint NOT NULL CHECK (base_ceiling_fen >= base_floor_fen),
    CHECK (valid_to IS NULL OR valid_to > valid_from),
    EXCLUDE USING gist (
        region_code WITH =, scheme_code WITH =, daterange(valid_from, valid_to) WITH &&
    )
);
GRANT SELECT ON shebao.contribution_policy TO shebao_app;

-- An employer's yearly declaration of a staff member's base.
CREATE TABLE shebao.base_declaration (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id bigint NOT NULL REFERENCES shebao.office (id),
    employer_id bigint NOT NULL REFERENCES shebao.employer (id),
    person_id bigint NOT NULL REFERENCES shebao.person (id),
    year smallint NOT NULL CHECK (year BETWEEN 1990 AND 2999),
    declared_wage_fen bigint NOT NULL CHECK (declared_wage_fen >= 0),
    base_fen bigint NOT NULL CHECK (base_fen > 0),
    status text NOT NULL DEFAULT 'declared' CHECK (status IN ('declared', 'approved', 'superseded')),
    declared_at timestamptz NOT NULL DEFAULT now()
);
CALL shebao.scope_by_office('shebao.base_declaration', 'person_id');
CREATE UNIQUE INDEX base_declaration_current ON shebao.base_declaration (employer_id, person_id, year)
    WHERE status <> 'superseded';
GRANT SELECT, INSERT, UPDATE ON shebao.base_declaration TO shebao_app;

-- What is due for one person, scheme, period and party: one line, rounded half-up to the fen.
CREATE TABLE shebao.contribution_due (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id bigint NOT NULL REFERENCES shebao.office (id),
    person_id bigint NOT NULL REFERENCES shebao.person (id),
    employer_id bigint REFERENCES shebao.employer (id),
    scheme_code text NOT NULL REFERENCES shebao.scheme (code),
    period integer NOT NULL CHECK (shebao.is_period(period)),
    party text NOT NULL CHECK (party IN ('employer', 'personal')),
    base_fen bigint NOT NULL CHECK (base_fen >= 0),
    rate_ppm integer NOT NULL CHECK (rate_ppm BETWEEN 0 AND 1000000),
    amount_fen bigint NOT NULL CHECK (amount_fen >= 0),
    paid_fen bigint NOT NULL DEFAULT 0 CHECK (paid_fen >= 0 AND paid_fen <= amount_fen),
    due_date date NOT NULL,
    assessed_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE NULLS NOT DISTINCT (person_id, employer_id, scheme_code, period, party)
);
CALL shebao.scope_by_office('shebao.contribution_due', 'person_id');
CREATE INDEX ON shebao.contribution_due (period, office_id);
CREATE INDEX ON shebao.contribution_due (employer_id, period) WHERE employer_id IS NOT NULL;
GRANT SELECT, INSERT, UPDATE ON shebao.contribution_due TO shebao_app;

-- Money received, by an employer (for its staff) or by a person (flexible workers).
CREATE TABLE shebao.contribution_payment (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id bigint NOT NULL REFERENCES shebao.office (id),
    employer_id bigint REFERENCES shebao.employer (id),
    person_id bigint REFERENCES shebao.person (id),
    amount_fen bigint NOT NULL CHECK (amount_fen > 0),
    -- The bank's or the tax bureau's reference: the same payment is never posted twice.
    reference text NOT NULL UNIQUE CHECK (length(reference) BETWEEN 1 AND 64),
    paid_on date NOT NULL,
    posted_at timestamptz NOT NULL DEFAULT now(),
    CHECK (employer_id IS NOT NULL OR person_id IS NOT NULL)
);
CALL shebao.scope_by_office('shebao.contribution_payment', 'person_id');
GRANT SELECT, INSERT ON shebao.contribution_payment TO shebao_app;

-- Which dues a payment settled.
CREATE TABLE shebao.payment_allocation (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id bigint NOT NULL REFERENCES shebao.office (id),
    payment_id bigint NOT NULL REFERENCES shebao.contribution_payment (id),
    due_id bigint NOT NULL REFERENCES shebao.contribution_due (id),
    amount_fen bigint NOT NULL CHECK (amount_fen > 0),
    UNIQUE (payment_id, due_id)
);
CALL shebao.scope_by_office('shebao.payment_allocation');
GRANT SELECT, INSERT ON shebao.payment_allocation TO shebao_app;

-- Late surcharges (滞纳金): 0.05% of the arrears per day, assessed for a range of days.
CREATE TABLE shebao.late_surcharge (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id bigint NOT NULL REFERENCES shebao.office (id),
    due_id bigint NOT NULL REFERENCES shebao.contribution_due (id),
    from_date date NOT NULL,
    to_date date NOT NULL CHECK (to_date >= from_date),
    arrears_fen bigint NOT NULL CHECK (arrears_fen > 0),
    amount_fen bigint NOT NULL CHECK (amount_fen >= 0),
    paid_fen bigint NOT NULL DEFAULT 0 CHECK (paid_fen >= 0 AND paid_fen <= amount_fen),
    EXCLUDE USING gist (due_id WITH =, daterange(from_date, to_date, '[]') WITH &&)
);
CALL shebao.scope_by_office('shebao.late_surcharge');
GRANT SELECT, INSERT, UPDATE ON shebao.late_surcharge TO shebao_app;

-- Arrears: what is due and unpaid past its date. The caller's scope applies (security_invoker).
CREATE VIEW shebao.arrears WITH (security_invoker = true) AS
    SELECT d.id AS due_id, d.office_id, d.person_id, d.employer_id, d.scheme_code, d.period, d.party,
        d.amount_fen - d.paid_fen AS unpaid_fen, d.due_date
    FROM shebao.contribution_due d
    WHERE d.paid_fen < d.amount_fen AND d.due_date < current_date;
GRANT SELECT ON shebao.arrears TO shebao_app;

-- The personal pension account: an append-only ledger.
CREATE TABLE shebao.personal_account_entry (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id bigint NOT NULL REFERENCES shebao.office (id),
    person_id bigint NOT NULL REFERENCES shebao.person (id),
    period integer NOT NULL CHECK (shebao.is_period(period)),
    kind text NOT NULL CHECK (kind IN ('contribution', 'interest', 'transfer_in', 'transfer_out', 'payout')),
    amount_fen bigint NOT NULL CHECK (amount_fen <> 0),
    due_id bigint REFERENCES shebao.contribution_due (id),
    recorded_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind IN ('transfer_out', 'payout')) = (amount_fen < 0))
);
CALL shebao.scope_by_office('shebao.personal_account_entry', 'person_id');
CREATE INDEX ON shebao.personal_account_entry (person_id, period);
CREATE UNIQUE INDEX personal_account_entry_per_due ON shebao.personal_account_entry (due_id) WHERE due_id IS NOT NULL;
GRANT SELECT, INSERT ON shebao.personal_account_entry TO shebao_app;
