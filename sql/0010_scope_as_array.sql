-- The office policies match office_id against ARRAY(SELECT unnest(scope)) instead of the scalar
-- sub-select (SELECT scope). Both run once per statement (an InitPlan) and use the office_id
-- index. The difference is per row: PostgreSQL keeps a scalar sub-select's result in a copied
-- tuple, where an array of up to 126 bytes (about a dozen offices, e.g. a district's subtree)
-- is stored with a short header, and every row's ANY converted it back, a palloc and a copy per
-- row. An ARRAY(...) sub-select keeps the array as it was built.
SET LOCAL ROLE shebao_owner;

CREATE OR REPLACE PROCEDURE shebao.scope_by_office(target regclass, person_column text DEFAULT NULL, person_grant boolean DEFAULT true)
LANGUAGE plpgsql SET search_path = shebao, pg_catalog AS $$
DECLARE
    in_scope constant text := 'office_id = ANY (ARRAY(SELECT unnest(shebao.scope_office_ids())))';
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

-- The tables already under the procedure's policies.
DO $$
DECLARE
    in_scope constant text := 'office_id = ANY (ARRAY(SELECT unnest(shebao.scope_office_ids())))';
    target regclass;
BEGIN
    FOR target IN
        SELECT p.polrelid::regclass FROM pg_catalog.pg_policy p
        JOIN pg_catalog.pg_class c ON c.oid = p.polrelid
        WHERE p.polname = 'scope_read' AND c.relnamespace = 'shebao'::regnamespace
    LOOP
        EXECUTE format('ALTER POLICY scope_read ON %s USING (%s)', target, in_scope);
        EXECUTE format('ALTER POLICY scope_insert ON %s WITH CHECK (%s)', target, in_scope);
        EXECUTE format('ALTER POLICY scope_update ON %s USING (%s) WITH CHECK (%s)', target, in_scope, in_scope);
        EXECUTE format('ALTER POLICY scope_delete ON %s USING (%s)', target, in_scope);
    END LOOP;
END
$$;

ALTER POLICY office_insert ON shebao.office
    WITH CHECK (parent_id = ANY (ARRAY(SELECT unnest(shebao.scope_office_ids()))));
ALTER POLICY office_update ON shebao.office
    USING (id = ANY (ARRAY(SELECT unnest(shebao.scope_office_ids()))))
    WITH CHECK (id = ANY (ARRAY(SELECT unnest(shebao.scope_office_ids()))));
