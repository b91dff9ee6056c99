-- Business handling: what the application workflow needs beyond the tables of 0005–0009. The
-- look-ups across offices that compliance needs (each answers an office code, nothing more), the
-- time limits and policy parameters as data, voucher numbers and their key, and transfers
-- between offices in two steps.
SET LOCAL ROLE shebao_owner;

-- Where a citizen ID is registered: the office's code, or NULL.
CREATE FUNCTION shebao.person_registered_office(citizen text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = shebao, pg_catalog AS $$
    SELECT o.code FROM shebao.person p JOIN shebao.office o ON o.id = p.office_id
    WHERE p.citizen_id = upper(citizen) AND p.id_type = 'citizen'
$$;
GRANT EXECUTE ON FUNCTION shebao.person_registered_office(text) TO shebao_app;

-- Where a credit code is registered: the office's code, or NULL.
CREATE FUNCTION shebao.employer_registered_office(credit text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = shebao, pg_catalog AS $$
    SELECT o.code FROM shebao.employer e JOIN shebao.office o ON o.id = e.office_id
    WHERE e.credit_code = upper(credit)
$$;
GRANT EXECUTE ON FUNCTION shebao.employer_registered_office(text) TO shebao_app;

-- A citizen's active enrolments in the whole country: the scheme and the office's code.
CREATE FUNCTION shebao.active_enrolments_anywhere(citizen text)
RETURNS TABLE (scheme_code text, office_code text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = shebao, pg_catalog AS $$
    SELECT e.scheme_code, o.code
    FROM shebao.enrolment e JOIN shebao.office o ON o.id = e.office_id
    WHERE e.citizen_id = upper(citizen) AND e.status = 'active'
$$;
GRANT EXECUTE ON FUNCTION shebao.active_enrolments_anywhere(text) TO shebao_app;

-- The statutory or promised time limit of each business type, in working days (domain rules
-- §11.1): printed on the voucher.
CREATE TABLE shebao.application_time_limit (
    type text PRIMARY KEY,
    working_days integer NOT NULL CHECK (working_days BETWEEN 0 AND 365),
    basis text NOT NULL
);
INSERT INTO shebao.application_time_limit (type, working_days, basis) VALUES
    ('person_registration', 10, 'SIHR art. 6'),
    ('person_change', 10, 'SIHR art. 10'),
    ('employer_registration', 15, 'SIL art. 57'),
    ('enrolment', 10, 'SIHR art. 6'),
    ('newborn_enrolment', 10, 'SIHR art. 6'),
    ('enrolment_end', 10, 'SIHR art. 10'),
    ('base_declaration', 10, 'SIHR art. 10'),
    ('transfer_out', 15, 'practice'),
    ('transfer_in', 15, 'practice');
GRANT SELECT ON shebao.application_time_limit TO shebao_app;

-- Policy parameters by region and date that are not contribution rates: the newborn window,
-- the retirement ages behind a warning. Region 000000 holds the national defaults; a region's
-- own row wins.
CREATE TABLE shebao.policy_parameter (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region_code text NOT NULL CHECK (region_code ~ '^[0-9]{6}$'),
    name text NOT NULL CHECK (name ~ '^[a-z][a-z0-9_]{1,62}$'),
    valid_from date NOT NULL,
    valid_to date,
    value integer NOT NULL,
    CHECK (valid_to IS NULL OR valid_to > valid_from),
    EXCLUDE USING gist (region_code WITH =, name WITH =, daterange(valid_from, valid_to) WITH &&)
);
INSERT INTO shebao.policy_parameter (region_code, name, valid_from, value) VALUES
    ('000000', 'newborn_window_days', '1990-01-01', 90),
    ('000000', 'retirement_age_male', '1990-01-01', 60),
    ('000000', 'retirement_age_female', '1990-01-01', 50);
GRANT SELECT ON shebao.policy_parameter TO shebao_app;

-- A parameter's value for a region on a day: the region's own, else its city's, its
-- province's, the national default.
CREATE FUNCTION shebao.policy_value(region text, parameter text, day date) RETURNS integer
LANGUAGE sql STABLE SET search_path = shebao, pg_catalog AS $$
    SELECT p.value FROM shebao.policy_parameter p
    WHERE p.region_code IN (region, left(region, 4) || '00', left(region, 2) || '0000', '000000')
        AND p.name = parameter AND daterange(p.valid_from, p.valid_to) @> day
    ORDER BY p.region_code DESC
    LIMIT 1
$$;
GRANT EXECUTE ON FUNCTION shebao.policy_value(text, text, date) TO shebao_app;

-- The next voucher number of an office: its code, the day in China Standard Time and the day's
-- sequence (320102001-20261130-000017). The caller's scope must hold the office.
CREATE FUNCTION shebao.next_voucher_number(issuing bigint) RETURNS text
LANGUAGE sql VOLATILE SET search_path = shebao, pg_catalog AS $$
    WITH next AS (
        INSERT INTO shebao.voucher_sequence AS s (office_id, day, last_value)
        VALUES (issuing, (now() AT TIME ZONE 'Asia/Shanghai')::date, 1)
        ON CONFLICT (office_id, day) DO UPDATE SET last_value = s.last_value + 1
        RETURNING s.day, s.last_value
    )
    SELECT o.code || '-' || to_char(next.day, 'YYYYMMDD') || '-' || lpad(next.last_value::text, 6, '0')
    FROM next, shebao.office o WHERE o.id = issuing
$$;
GRANT EXECUTE ON FUNCTION shebao.next_voucher_number(bigint) TO shebao_app;

-- The key of the vouchers' verification codes, made once. Workers read it through the function
-- below; nobody reads the table directly.
CREATE TABLE shebao.voucher_key (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),
    key bytea NOT NULL CHECK (length(key) = 32)
);
INSERT INTO shebao.voucher_key (key) VALUES (public.gen_random_bytes(32));
REVOKE ALL ON shebao.voucher_key FROM PUBLIC;

CREATE FUNCTION shebao.voucher_signing_key() RETURNS bytea
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = shebao, pg_catalog AS $$
    SELECT key FROM shebao.voucher_key
$$;
REVOKE ALL ON FUNCTION shebao.voucher_signing_key() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION shebao.voucher_signing_key() TO shebao_app;

-- The public verification of a voucher by its number: the content and code, for the caller to
-- check the code given and show masked data only. No scope needed, nothing else readable.
CREATE FUNCTION shebao.voucher_by_number(voucher_number text)
RETURNS TABLE (content jsonb, verification_code text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = shebao, pg_catalog AS $$
    SELECT v.content, v.verification_code FROM shebao.voucher v WHERE v.number = voucher_number
$$;
REVOKE ALL ON FUNCTION shebao.voucher_by_number(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION shebao.voucher_by_number(text) TO shebao_app;

-- A transfer between offices in two steps: the origin approves the transfer-out, the
-- destination approves the transfer-in, which moves the person (shebao.transfer_person's work).
-- Both offices read it.
CREATE TABLE shebao.person_transfer (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id bigint NOT NULL REFERENCES shebao.office (id),
    destination_office_id bigint NOT NULL REFERENCES shebao.office (id),
    person_id bigint NOT NULL REFERENCES shebao.person (id),
    -- The destination cannot read the person until the transfer completes.
    citizen_id text NOT NULL CHECK (citizen_id ~ '^[1-9][0-9]{16}[0-9X]$'),
    last_period integer NOT NULL CHECK (shebao.is_period(last_period)),
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed', 'cancelled')),
    out_application_id bigint NOT NULL REFERENCES shebao.application (id),
    in_application_id bigint REFERENCES shebao.application (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz,
    CHECK (destination_office_id <> office_id),
    CHECK ((status = 'completed') = (completed_at IS NOT NULL AND in_application_id IS NOT NULL))
);
CALL shebao.scope_by_office('shebao.person_transfer', 'person_id');
CREATE POLICY destination_read ON shebao.person_transfer FOR SELECT TO shebao_app
    USING (destination_office_id = ANY (ARRAY(SELECT unnest(shebao.scope_office_ids()))));
CREATE UNIQUE INDEX person_transfer_one_pending ON shebao.person_transfer (person_id) WHERE status = 'pending';
CREATE INDEX ON shebao.person_transfer (destination_office_id) WHERE status = 'pending';
GRANT SELECT, INSERT ON shebao.person_transfer TO shebao_app;

-- Completes a pending transfer at its destination: the person, their active enrolments (ended
-- at the origin with the transfer's last period, started here at `first_period`), their
-- personal account balance and their documents move. The caller's scope must hold the
-- destination. Returns the person.
CREATE FUNCTION shebao.accept_transfer(transfer bigint, first_period integer, application bigint) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = shebao, pg_catalog AS $$
DECLARE
    moving shebao.person_transfer;
    balance bigint;
    active_row shebao.enrolment;
BEGIN
    SELECT * INTO moving FROM shebao.person_transfer t WHERE t.id = transfer FOR UPDATE;
    IF NOT FOUND OR NOT moving.destination_office_id = ANY (shebao.scope_office_ids()) THEN
        RAISE EXCEPTION 'no such transfer in scope' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF moving.status <> 'pending' THEN
        RAISE EXCEPTION 'the transfer is %', moving.status USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF NOT shebao.is_period(first_period) OR first_period <= moving.last_period THEN
        RAISE EXCEPTION 'the first period must follow %', moving.last_period USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM FROM shebao.person p WHERE p.id = moving.person_id FOR UPDATE;
    FOR active_row IN
        SELECT * FROM shebao.enrolment e WHERE e.person_id = moving.person_id AND e.status = 'active' FOR UPDATE
    LOOP
        UPDATE shebao.enrolment e SET status = 'ended', end_period = greatest(moving.last_period, active_row.start_period)
        WHERE e.id = active_row.id;
        INSERT INTO shebao.enrolment (office_id, person_id, citizen_id, scheme_code, status, start_period)
        VALUES (moving.destination_office_id, moving.person_id, active_row.citizen_id, active_row.scheme_code,
            'active', first_period);
    END LOOP;
    SELECT coalesce(sum(x.amount_fen), 0) INTO balance FROM shebao.personal_account_entry x
    WHERE x.person_id = moving.person_id;
    IF balance > 0 THEN
        INSERT INTO shebao.personal_account_entry (office_id, person_id, period, kind, amount_fen)
        VALUES (moving.office_id, moving.person_id, moving.last_period, 'transfer_out', -balance),
            (moving.destination_office_id, moving.person_id, first_period, 'transfer_in', balance);
    END IF;
    UPDATE shebao.person p SET office_id = moving.destination_office_id, updated_at = now()
    WHERE p.id = moving.person_id;
    UPDATE shebao.person_document d SET office_id = moving.destination_office_id WHERE d.person_id = moving.person_id;
    UPDATE shebao.person_transfer t SET status = 'completed', completed_at = now(), in_application_id = application
    WHERE t.id = transfer;
    RETURN moving.person_id;
END
$$;
REVOKE ALL ON FUNCTION shebao.accept_transfer(bigint, integer, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION shebao.accept_transfer(bigint, integer, bigint) TO shebao_app;

-- The review queue by type as well as status.
CREATE INDEX application_queue_by_type ON shebao.application (office_id, type, status, submitted_at, id);

-- Scans attached to an application before its person exists (a registration), moved to the
-- person on approval.
ALTER TABLE shebao.person_document ALTER COLUMN person_id DROP NOT NULL;
ALTER TABLE shebao.person_document ADD CHECK (person_id IS NOT NULL OR application_id IS NOT NULL);
GRANT UPDATE (person_id) ON shebao.person_document TO shebao_app;
CREATE INDEX ON shebao.person_document (application_id) WHERE application_id IS NOT NULL;

-- An insured person's own audit events (reading their record, their voucher): the person role
-- may not insert into the log itself; this writes the event as theirs, under their office.
CREATE FUNCTION shebao.record_person_event(
    event_action text, event_target_type text, event_target_id text, event_request_id text, client inet
) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = shebao, pg_catalog AS $$
DECLARE
    actor bigint := shebao.scope_person_id();
BEGIN
    IF actor IS NULL THEN
        RAISE EXCEPTION 'no person in scope' USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO shebao.audit_event (office_id, actor_kind, actor_id, action, target_type, target_id, request_id,
        client_address, outcome)
    SELECT p.office_id, 'person', actor, event_action, event_target_type, event_target_id, event_request_id, client,
        'success'
    FROM shebao.person p WHERE p.id = actor;
END
$$;
REVOKE ALL ON FUNCTION shebao.record_person_event(text, text, text, text, inet) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION shebao.record_person_event(text, text, text, text, inet) TO shebao_person;

-- The earliest birth date of a valid citizen ID is 1800-01-01 (domain rules §1.5: the
-- standard's own example was born in 1880).
ALTER TABLE shebao.person DROP CONSTRAINT person_birth_date_check;
ALTER TABLE shebao.person ADD CONSTRAINT person_birth_date_check CHECK (birth_date >= '1800-01-01');
