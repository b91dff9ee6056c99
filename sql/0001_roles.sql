-- The two roles of the schema (DESIGN.md §4):
--   shebao_owner  owns the schema and every object in it; migrations create objects as it.
--   shebao_app    what the workers and the scheduler run as: no BYPASSRLS, owns nothing, and
--                 holds only the grants each later migration gives it.
-- Both are NOLOGIN group roles; login users are made members of them (the embedded cluster's
-- shebao_api, or a deployment's own users). Roles are shared by every database of a server, so
-- this file tolerates them existing already, and another database creating them concurrently.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'shebao_owner') THEN
        BEGIN
            CREATE ROLE shebao_owner NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'shebao_app') THEN
        BEGIN
            CREATE ROLE shebao_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END IF;
    IF EXISTS (
        SELECT FROM pg_catalog.pg_roles
        WHERE rolname = 'shebao_app' AND (rolsuper OR rolbypassrls OR rolcreaterole OR rolcreatedb)
    ) THEN
        RAISE EXCEPTION 'role shebao_app must not be a superuser, bypass row-level security, or create roles or databases';
    END IF;
    -- The migrating user must be able to SET ROLE shebao_owner.
    IF current_user <> 'shebao_owner' AND NOT pg_catalog.pg_has_role(current_user, 'shebao_owner', 'MEMBER') THEN
        GRANT shebao_owner TO CURRENT_USER;
    END IF;
    EXECUTE format('GRANT CONNECT, CREATE, TEMPORARY ON DATABASE %I TO shebao_owner', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO shebao_app', current_database());
    EXECUTE format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('ALTER DATABASE %I SET search_path TO shebao, public', current_database());
END
$$;

-- Nobody but the owner creates objects in public.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

CREATE SCHEMA IF NOT EXISTS shebao AUTHORIZATION shebao_owner;
REVOKE ALL ON SCHEMA shebao FROM PUBLIC;
GRANT USAGE ON SCHEMA shebao TO shebao_app;

-- Objects shebao_owner creates later grant nothing by default; each migration grants what the
-- application needs, table by table.
ALTER DEFAULT PRIVILEGES FOR ROLE shebao_owner REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
