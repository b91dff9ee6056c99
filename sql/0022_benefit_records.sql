-- Benefits as records that operators read and change: the version a change expects (If-Match),
-- what an insured person reads of their own, and the look-ups across offices that the takeover
-- of a benefit from a previous system checks against.
SET LOCAL ROLE shebao_owner;

-- Raised by every change of a benefit's status through the API: a change names the version it
-- read, and one that finds another changes nothing (412).
ALTER TABLE shebao.benefit ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version > 0);

-- A person reads their own benefits (the person_read policy of 0008) with the name of the bank
-- that pays them: the banks are policy figures, not office data.
GRANT SELECT ON shebao.bank TO shebao_person;

-- The non-ended benefit of `benefit_kind` that `person` has, in any office: the office's code
-- and the benefit's status, nothing else. The takeover's duplicate check: a benefit of the
-- person at an office outside the caller's scope still counts (one per person and kind).
CREATE FUNCTION shebao.live_benefit_anywhere(person bigint, benefit_kind text)
RETURNS TABLE (office_code text, status text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = shebao, pg_catalog AS $$
    SELECT o.code, b.status FROM shebao.benefit b JOIN shebao.office o ON o.id = b.office_id
    WHERE b.person_id = person AND b.kind = benefit_kind AND b.status <> 'ended'
    ORDER BY b.id LIMIT 1
$$;

-- A submitted takeover of `benefit_kind` for `person` in any office, other than the application
-- `except_application` (the one being approved): its id, or NULL.
CREATE FUNCTION shebao.pending_benefit_takeover(person bigint, benefit_kind text, except_application bigint)
RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = shebao, pg_catalog AS $$
    SELECT a.id FROM shebao.application a
    WHERE a.person_id = person AND a.type = 'benefit_takeover' AND a.status = 'submitted'
        AND a.payload ->> 'kind' = benefit_kind AND a.id IS DISTINCT FROM except_application
    ORDER BY a.id LIMIT 1
$$;

REVOKE ALL ON FUNCTION shebao.live_benefit_anywhere(bigint, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION shebao.pending_benefit_takeover(bigint, text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION shebao.live_benefit_anywhere(bigint, text) TO shebao_app;
GRANT EXECUTE ON FUNCTION shebao.pending_benefit_takeover(bigint, text, bigint) TO shebao_app;
