-- The in-app inbox as its readers use it: an insured person marks their own messages read, and
-- an operator's inbox is found by operator.
SET LOCAL ROLE shebao_owner;

-- A person's transactions run as shebao_person, which may only read (their own rows): this marks
-- one of their messages read, the first time only (a second call keeps the first read_at), and
-- returns it; nothing when the message is not theirs or does not exist.
CREATE FUNCTION shebao.person_read_message(message bigint)
RETURNS TABLE (id bigint, title text, body text, created_at timestamptz, read_at timestamptz)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = shebao, pg_catalog AS $$
    UPDATE shebao.inbox_message m SET read_at = coalesce(m.read_at, now())
    WHERE m.id = message AND m.person_id = shebao.scope_person_id()
    RETURNING m.id, m.title, m.body, m.created_at, m.read_at
$$;
REVOKE ALL ON FUNCTION shebao.person_read_message(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION shebao.person_read_message(bigint) TO shebao_person;

-- An operator's inbox, newest first (a person's is found by the index on person_id).
CREATE INDEX inbox_message_by_operator ON shebao.inbox_message (operator_id, id DESC) WHERE operator_id IS NOT NULL;
