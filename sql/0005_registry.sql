-- The registry: employers (参保单位), insured persons (参保人) and their documents.
-- Formats are checked here as well as in the Domain module; check digits are the Domain's.
SET LOCAL ROLE shebao_owner;

CREATE TABLE shebao.employer (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id bigint NOT NULL REFERENCES shebao.office (id),
    -- Unified social credit code (GB 32100): 18 characters of 0-9 and A-Z without I, O, Z, S, V.
    credit_code text NOT NULL UNIQUE CHECK (credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$'),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- National industry classification (GB/T 4754) and the work-injury risk class it falls in.
    industry_code text NOT NULL CHECK (industry_code ~ '^[A-T][0-9]{0,4}$'),
    risk_class smallint NOT NULL CHECK (risk_class BETWEEN 1 AND 8),
    address text CHECK (length(address) <= 300),
    contact_phone text CHECK (contact_phone ~ '^[0-9+-]{5,20}$'),
    status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'closed')),
    registered_at timestamptz NOT NULL DEFAULT now()
);
CALL shebao.scope_by_office('shebao.employer');
CREATE INDEX employer_name_trgm ON shebao.employer USING gin (name gin_trgm_ops);
GRANT SELECT, INSERT, UPDATE ON shebao.employer TO shebao_app;

CREATE TABLE shebao.person (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id bigint NOT NULL REFERENCES shebao.office (id),
    -- The citizen ID is the social security number (SIL art. 58): 17 digits and a check digit
    -- or X, upper case.
    id_type text NOT NULL DEFAULT 'citizen' CHECK (id_type IN ('citizen', 'permanent_resident')),
    citizen_id text NOT NULL CHECK (citizen_id ~ '^[1-9][0-9]{16}[0-9X]$'),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
    gender text NOT NULL CHECK (gender IN ('male', 'female')),
    birth_date date NOT NULL CHECK (birth_date >= '1900-01-01'),
    phone text CHECK (phone ~ '^1[3-9][0-9]{9}$'),
    address text CHECK (length(address) <= 300),
    household_type text NOT NULL CHECK (household_type IN ('urban', 'rural')),
    -- The card number is opaque and changes on reissue (domain rules §4).
    ss_card_number text CHECK (ss_card_number ~ '^[0-9A-Z]{1,20}$'),
    bank_card_number text CHECK (bank_card_number ~ '^[0-9]{16,19}$'),
    bank_name text CHECK (length(bank_name) <= 100),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    -- Birth date and gender are those the ID number encodes.
    CHECK (to_char(birth_date, 'YYYYMMDD') = substr(citizen_id, 7, 8)),
    CHECK ((gender = 'male') = (substr(citizen_id, 17, 1)::int % 2 = 1)),
    UNIQUE (id_type, citizen_id)
);
CALL shebao.scope_by_office('shebao.person', 'id');
CREATE INDEX person_name_trgm ON shebao.person USING gin (name gin_trgm_ops);
GRANT SELECT, INSERT, UPDATE ON shebao.person TO shebao_app;

ALTER TABLE shebao.session ADD FOREIGN KEY (person_id) REFERENCES shebao.person (id);

-- Uploaded scans (ID card, household register …), kept in the database with their checksum.
CREATE TABLE shebao.person_document (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id bigint NOT NULL REFERENCES shebao.office (id),
    person_id bigint NOT NULL REFERENCES shebao.person (id),
    application_id bigint,
    document_type text NOT NULL CHECK (document_type IN (
        'id_card_front', 'id_card_back', 'household_register', 'birth_certificate', 'bank_card', 'other'
    )),
    content_type text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'application/pdf')),
    size_bytes integer NOT NULL CHECK (size_bytes BETWEEN 1 AND 5242880),
    sha256 bytea NOT NULL CHECK (length(sha256) = 32),
    content bytea NOT NULL,
    uploaded_by bigint REFERENCES shebao.operator (id),
    uploaded_at timestamptz NOT NULL DEFAULT now(),
    CHECK (length(content) = size_bytes)
);
CALL shebao.scope_by_office('shebao.person_document', 'person_id');
CREATE INDEX ON shebao.person_document (person_id);
GRANT SELECT, INSERT, DELETE ON shebao.person_document TO shebao_app;
