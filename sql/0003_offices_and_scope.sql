-- Offices (经办机构) as a tree, and the scope every office-scoped row is checked against.
--
-- A transaction's scope is what the application enters with shebao.enter_scope(office, person),
-- which keeps it in the transaction's settings (set_config(..., true)):
--   shebao.office_ids  the operator's office and every office below it
--   shebao.person_id   an insured person: the scope is that person's own rows
-- Nothing entered (or empty): no rows, no writes. The policies read the scope through the two
-- functions below, wrapped in a sub-select so that PostgreSQL evaluates them once per
-- statement (an InitPlan) and matches office_id against the result with its index.
--
-- An insured person's transactions run as a role of their own, shebao_person (the application
-- switches to it with SET LOCAL ROLE): it may only read its own rows, and an operator's queries
-- carry no person predicate at all. shebao_app is a member of it without inheriting its rights
-- (NOINHERIT), so the person policies never apply to operators.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'shebao_person') THEN
        BEGIN
            CREATE ROLE shebao_person NOLOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END IF;
END
$$;
-- Roles belong to the whole server: another database migrating at the same moment may change
-- them first (the loser gets "tuple concurrently updated"). What matters is the end state.
DO $$
BEGIN
    IF (SELECT rolinherit FROM pg_catalog.pg_roles WHERE rolname = 'shebao_app') THEN
        BEGIN
            ALTER ROLE shebao_app NOINHERIT;
        EXCEPTION WHEN OTHERS THEN
            IF (SELECT rolinherit FROM pg_catalog.pg_roles WHERE rolname = 'shebao_app') THEN
                RAISE;
            END IF;
        END;
    END IF;
    IF NOT pg_catalog.pg_has_role('shebao_app', 'shebao_person', 'MEMBER') THEN
        BEGIN
            GRANT shebao_person TO shebao_app;
        EXCEPTION WHEN OTHERS THEN
            IF NOT pg_catalog.pg_has_role('shebao_app', 'shebao_person', 'MEMBER') THEN
                RAISE;
            END IF;
        END;
    END IF;
END
$$;
GRANT USAGE ON SCHEMA shebao TO shebao_person;

SET LOCAL ROLE shebao_owner;

CREATE TABLE shebao.office (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    parent_id bigint REFERENCES shebao.office (id),
    -- The region code (GB/T 2260, 6 digits) for a province, city or district office; a service
    -- point adds 3 digits of its own.
    code text NOT NULL UNIQUE CHECK (code ~ '^[1-9][0-9]{5}([0-9]{3})?$'),
    region_code text NOT NULL CHECK (region_code ~ '^[1-9][0-9]{5}$' AND left(code, 6) = region_code),
    level text NOT NULL CHECK (level IN ('province', 'city', 'district', 'service_point')),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    -- Ids from the root down ('1.4.17'), kept by the trigger below: "this subtree" is one
    -- indexed lookup (path <@ ...).
    path ltree NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((parent_id IS NULL) = (level = 'province')),
    CHECK ((level = 'service_point') = (length(code) = 9))
);
CREATE INDEX office_path ON shebao.office USING gist (path);
CREATE INDEX office_parent ON shebao.office (parent_id);

CREATE FUNCTION shebao.office_set_path() RETURNS trigger
LANGUAGE plpgsql SET search_path = shebao, pg_catalog, public AS $$
DECLARE
    parent shebao.office;
    depth constant jsonb := '{"province": 1, "city": 2, "district": 3, "service_point": 4}';
BEGIN
    IF TG_OP = 'UPDATE' AND (NEW.parent_id IS DISTINCT FROM OLD.parent_id OR NEW.id <> OLD.id
        OR NEW.level <> OLD.level) THEN
        RAISE EXCEPTION 'an office keeps its place in the tree' USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.parent_id IS NULL THEN
        NEW.path := text2ltree(NEW.id::text);
        RETURN NEW;
    END IF;
    SELECT * INTO parent FROM shebao.office WHERE id = NEW.parent_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no parent office %', NEW.parent_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF (depth ->> NEW.level)::int <= (depth ->> parent.level)::int THEN
        RAISE EXCEPTION 'a % office cannot be under a % office', NEW.level, parent.level
            USING ERRCODE = 'check_violation';
    END IF;
    NEW.path := parent.path || text2ltree(NEW.id::text);
    RETURN NEW;
END
$$;
CREATE TRIGGER office_set_path BEFORE INSERT OR UPDATE ON shebao.office
    FOR EACH ROW EXECUTE FUNCTION shebao.office_set_path();

-- Enters a scope for the rest of the transaction: an office (and so its subtree), or a person.
-- The subtree is computed here, once, and kept in the transaction's settings, so that the
-- policies read a setting rather than query the tree at every statement.
CREATE FUNCTION shebao.enter_scope(office bigint, person bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = shebao, pg_catalog, public AS $$
DECLARE
    ids bigint[] := '{}';
BEGIN
    IF office IS NOT NULL THEN
        SELECT coalesce(array_agg(o.id ORDER BY o.id), '{}') INTO ids
        FROM shebao.office o
        WHERE o.path <@ (SELECT s.path FROM shebao.office s WHERE s.id = office);
        IF ids = '{}' THEN
            RAISE EXCEPTION 'no office %', office USING ERRCODE = 'invalid_parameter_value';
        END IF;
    END IF;
    PERFORM set_config('shebao.office_id', coalesce(office::text, ''), true);
    PERFORM set_config('shebao.office_ids', ids::text, true);
    PERFORM set_config('shebao.person_id', coalesce(person::text, ''), true);
END
$$;
GRANT EXECUTE ON FUNCTION shebao.enter_scope(bigint, bigint) TO shebao_app;

-- The offices of the current scope, as entered; none if no scope was entered. Plain SQL over a
-- setting: inlined, and evaluated once per statement as an InitPlan.
CREATE FUNCTION shebao.scope_office_ids() RETURNS bigint[]
LANGUAGE sql STABLE AS $$
    SELECT coalesce(nullif(current_setting('shebao.office_ids', true), '')::bigint[], '{}')
$$;

-- The person of the current scope, or NULL.
CREATE FUNCTION shebao.scope_person_id() RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT nullif(current_setting('shebao.person_id', true), '')::bigint
$$;

GRANT EXECUTE ON FUNCTION shebao.scope_office_ids() TO shebao_app, shebao_person;
GRANT EXECUTE ON FUNCTION shebao.scope_person_id() TO shebao_app, shebao_person;

-- Offices are not secret (a transfer names its destination): everyone with a scope reads them
-- all. Writes stay inside the subtree: a new office goes under one in scope.
ALTER TABLE shebao.office ENABLE ROW LEVEL SECURITY;
ALTER TABLE shebao.office FORCE ROW LEVEL SECURITY;
CREATE POLICY office_read ON shebao.office FOR SELECT TO shebao_app
    USING ((SELECT shebao.scope_office_ids()) <> '{}');
CREATE POLICY office_read_person ON shebao.office FOR SELECT TO shebao_person
    USING ((SELECT shebao.scope_person_id()) IS NOT NULL);
CREATE POLICY office_insert ON shebao.office FOR INSERT TO shebao_app
    WITH CHECK (parent_id = ANY ((SELECT shebao.scope_office_ids())::bigint[]));
CREATE POLICY office_update ON shebao.office FOR UPDATE TO shebao_app
    USING (id = ANY ((SELECT shebao.scope_office_ids())::bigint[]))
    WITH CHECK (id = ANY ((SELECT shebao.scope_office_ids())::bigint[]));
CREATE POLICY owner_all ON shebao.office TO shebao_owner USING (true) WITH CHECK (true);
GRANT SELECT, INSERT ON shebao.office TO shebao_app;
GRANT SELECT ON shebao.office TO shebao_person;
GRANT UPDATE (name) ON shebao.office TO shebao_app;

-- Puts an office-scoped table under row-level security, the same way for every table:
--   operators  read and write the rows of offices in scope; an update cannot move a row out
--   persons    (with person_column) read their own rows, and nothing else; SELECT is granted
--              here unless person_grant is false (a table whose columns are granted one by one)
--   owner      everything (migrations, seeding, audit verification run as the owner)
-- The application's grants are each migration's own business.
CREATE PROCEDURE shebao.scope_by_office(target regclass, person_column text DEFAULT NULL, person_grant boolean DEFAULT true)
LANGUAGE plpgsql SET search_path = shebao, pg_catalog AS $$
DECLARE
    in_scope constant text := 'office_id = ANY ((SELECT shebao.scope_office_ids())::bigint[])';
BEGIN
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', target);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', target);
    IF person_column IS NOT NULL THEN
        EXECUTE format(
            'CREATE POLICY person_read ON %s FOR SELECT TO shebao_person USING (%I = (SELECT shebao.scope_person_id()))',
            target, person_column
        );
        IF person_grant THEN
            EXECUTE format('GRANT SELECT ON %s TO shebao_person', target);
        END IF;
    END IF;
    EXECUTE format('CREATE POLICY scope_read ON %s FOR SELECT TO shebao_app USING (%s)', target, in_scope);
    EXECUTE format('CREATE POLICY scope_insert ON %s FOR INSERT TO shebao_app WITH CHECK (%s)', target, in_scope);
    EXECUTE format(
        'CREATE POLICY scope_update ON %s FOR UPDATE TO shebao_app USING (%s) WITH CHECK (%s)',
        target, in_scope, in_scope
    );
    EXECUTE format('CREATE POLICY scope_delete ON %s FOR DELETE TO shebao_app USING (%s)', target, in_scope);
    EXECUTE format('CREATE POLICY owner_all ON %s TO shebao_owner USING (true) WITH CHECK (true)', target);
    EXECUTE format('CREATE INDEX ON %s (office_id)', target);
END
$$;
