-- Notifications (outbox and in-app inbox), announcements, the audit log, and the transfer of a
-- person between offices.
SET LOCAL ROLE shebao_owner;

-- Written in the business transaction, delivered by the scheduler.
CREATE TABLE shebao.notification_outbox (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id bigint NOT NULL REFERENCES shebao.office (id),
    person_id bigint REFERENCES shebao.person (id),
    operator_id bigint REFERENCES shebao.operator (id),
    channel text NOT NULL CHECK (channel IN ('inbox', 'sms', 'webhook')),
    -- For SMS: the number at the time of writing (a person may not exist yet, e.g. a log-in code).
    address text CHECK (length(address) <= 300),
    template text NOT NULL CHECK (length(template) BETWEEN 1 AND 100),
    payload jsonb NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'dead')),
    attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz,
    CHECK (person_id IS NOT NULL OR operator_id IS NOT NULL OR address IS NOT NULL)
);
CALL shebao.scope_by_office('shebao.notification_outbox');
CREATE INDEX notification_outbox_due ON shebao.notification_outbox (next_attempt_at) WHERE status = 'pending';
GRANT SELECT, INSERT, UPDATE ON shebao.notification_outbox TO shebao_app;

CREATE TABLE shebao.inbox_message (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id bigint NOT NULL REFERENCES shebao.office (id),
    person_id bigint REFERENCES shebao.person (id),
    operator_id bigint REFERENCES shebao.operator (id),
    outbox_id bigint UNIQUE REFERENCES shebao.notification_outbox (id),
    title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    body text NOT NULL CHECK (length(body) <= 5000),
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at timestamptz,
    CHECK ((person_id IS NULL) <> (operator_id IS NULL))
);
CALL shebao.scope_by_office('shebao.inbox_message', 'person_id');
CREATE INDEX ON shebao.inbox_message (person_id, created_at DESC) WHERE person_id IS NOT NULL;
GRANT SELECT, INSERT, UPDATE ON shebao.inbox_message TO shebao_app;

-- Announcements of an office, for its subtree's staff or for the public.
CREATE TABLE shebao.announcement (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id bigint NOT NULL REFERENCES shebao.office (id),
    audience text NOT NULL CHECK (audience IN ('staff', 'public')),
    title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    body text NOT NULL CHECK (length(body) <= 20000),
    published_at timestamptz,
    expires_at timestamptz,
    created_by bigint REFERENCES shebao.operator (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (expires_at IS NULL OR published_at IS NULL OR expires_at > published_at)
);
CALL shebao.scope_by_office('shebao.announcement');
GRANT SELECT, INSERT, UPDATE ON shebao.announcement TO shebao_app;

-- The audit log. The application only appends (no UPDATE or DELETE grant); each event's hash
-- covers the previous event's hash and this event's canonical form, so an edit anywhere breaks
-- the chain from there on.
CREATE TABLE shebao.audit_event (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id bigint NOT NULL REFERENCES shebao.office (id),
    occurred_at timestamptz NOT NULL DEFAULT now(),
    actor_kind text NOT NULL CHECK (actor_kind IN ('operator', 'person', 'system', 'anonymous')),
    actor_id bigint,
    action text NOT NULL CHECK (action ~ '^[a-z][a-z0-9_.]{1,63}$'),
    target_type text CHECK (length(target_type) <= 50),
    target_id text CHECK (length(target_id) <= 100),
    request_id text CHECK (length(request_id) <= 64),
    client_address inet,
    outcome text NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
    before jsonb,
    after jsonb,
    -- The chain, kept by the trigger below: position, previous hash, this event's hash.
    chain_position bigint UNIQUE,
    previous_hash bytea,
    hash bytea
);
CALL shebao.scope_by_office('shebao.audit_event');
CREATE INDEX ON shebao.audit_event (office_id, occurred_at DESC, id DESC);
GRANT SELECT, INSERT ON shebao.audit_event TO shebao_app;

-- The canonical form an event's hash covers (jsonb's text form is deterministic).
CREATE FUNCTION shebao.audit_canonical(event shebao.audit_event) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = shebao, pg_catalog AS $$
    SELECT jsonb_build_object(
        'position', event.chain_position, 'office', event.office_id,
        'at', to_char(event.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        'actorKind', event.actor_kind, 'actor', event.actor_id, 'action', event.action,
        'targetType', event.target_type, 'target', event.target_id, 'request', event.request_id,
        'address', host(event.client_address), 'outcome', event.outcome,
        'before', event.before, 'after', event.after
    )::text
$$;

-- Links each new event to the last one. Writers take a transaction-scoped lock first, so
-- concurrent transactions append one after another and the chain follows commit order.
CREATE FUNCTION shebao.audit_chain() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = shebao, pg_catalog, public AS $$
DECLARE
    last shebao.audit_event;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('shebao.audit_event'));
    SELECT * INTO last FROM shebao.audit_event ORDER BY chain_position DESC LIMIT 1;
    NEW.chain_position := coalesce(last.chain_position, 0) + 1;
    NEW.previous_hash := coalesce(last.hash, '\x'::bytea);
    NEW.hash := digest(NEW.previous_hash || convert_to(shebao.audit_canonical(NEW), 'UTF8'), 'sha256');
    RETURN NEW;
END
$$;
CREATE TRIGGER audit_chain BEFORE INSERT ON shebao.audit_event
    FOR EACH ROW EXECUTE FUNCTION shebao.audit_chain();

-- Transfer (关系转移) of a person to another office, from the office that holds them: the
-- active enrolments end with the period before `first_period` and start again at the new
-- office, the personal account balance moves with them, and the person and their documents
-- move. Returns the number of enrolments moved. The caller's scope must hold the person.
CREATE FUNCTION shebao.transfer_person(transferred bigint, destination bigint, first_period integer)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = shebao, pg_catalog AS $$
DECLARE
    origin bigint;
    last_period integer;
    balance bigint;
    moved integer := 0;
    active_row shebao.enrolment;
BEGIN
    IF NOT shebao.is_period(first_period) THEN
        RAISE EXCEPTION 'not a period: %', first_period USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT p.office_id INTO origin FROM shebao.person p WHERE p.id = transferred FOR UPDATE;
    IF origin IS NULL OR NOT origin = ANY (shebao.scope_office_ids()) THEN
        RAISE EXCEPTION 'no such person in scope' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT EXISTS (SELECT FROM shebao.office o WHERE o.id = destination) OR destination = origin THEN
        RAISE EXCEPTION 'not a destination office: %', destination USING ERRCODE = 'invalid_parameter_value';
    END IF;
    last_period := CASE WHEN first_period % 100 = 1 THEN first_period - 89 ELSE first_period - 1 END;
    FOR active_row IN
        SELECT * FROM shebao.enrolment e WHERE e.person_id = transferred AND e.status = 'active' FOR UPDATE
    LOOP
        UPDATE shebao.enrolment e SET status = 'ended', end_period = greatest(last_period, active_row.start_period)
        WHERE e.id = active_row.id;
        INSERT INTO shebao.enrolment (office_id, person_id, citizen_id, scheme_code, status, start_period)
        VALUES (destination, transferred, active_row.citizen_id, active_row.scheme_code, 'active', first_period);
        moved := moved + 1;
    END LOOP;
    SELECT coalesce(sum(x.amount_fen), 0) INTO balance FROM shebao.personal_account_entry x WHERE x.person_id = transferred;
    IF balance > 0 THEN
        INSERT INTO shebao.personal_account_entry (office_id, person_id, period, kind, amount_fen)
        VALUES (origin, transferred, last_period, 'transfer_out', -balance),
            (destination, transferred, first_period, 'transfer_in', balance);
    END IF;
    UPDATE shebao.person p SET office_id = destination, updated_at = now() WHERE p.id = transferred;
    UPDATE shebao.person_document d SET office_id = destination WHERE d.person_id = transferred;
    RETURN moved;
END
$$;
GRANT EXECUTE ON FUNCTION shebao.transfer_person(bigint, bigint, integer) TO shebao_app;
