-- Separation of duties (不相容岗位相互分离): pairs of roles one operator may not hold at once.
-- The pairs are data, so that a province can add its own; the defaults are the ones every
-- social-insurance agency separates: who enters and who reviews, who prepares a disbursement
-- and who approves it, who administers and who audits.
SET LOCAL ROLE shebao_owner;

CREATE TABLE shebao.role_conflict (
    role_a text NOT NULL,
    role_b text NOT NULL,
    PRIMARY KEY (role_a, role_b),
    -- Each pair once, in order.
    CHECK (role_a < role_b)
);
INSERT INTO shebao.role_conflict VALUES
    ('clerk', 'reviewer'),
    ('disbursement_approver', 'disbursement_officer'),
    ('administrator', 'auditor');
GRANT SELECT ON shebao.role_conflict TO shebao_app;

-- Refuses an active assignment that conflicts with another active one of the same operator.
-- It sees every assignment of the operator whatever the caller's scope, and takes a lock on
-- the operator so that two conflicting assignments made at once cannot both pass.
CREATE FUNCTION shebao.role_assignment_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = shebao, pg_catalog AS $$
DECLARE
    held text;
BEGIN
    IF NEW.revoked_at IS NOT NULL THEN
        RETURN NEW;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('shebao.role_assignment'), hashtext(NEW.operator_id::text));
    SELECT r.role INTO held FROM shebao.role_assignment r
    JOIN shebao.role_conflict c ON (c.role_a = r.role AND c.role_b = NEW.role) OR (c.role_b = r.role AND c.role_a = NEW.role)
    WHERE r.operator_id = NEW.operator_id AND r.revoked_at IS NULL AND r.id IS DISTINCT FROM NEW.id
    LIMIT 1;
    IF held IS NOT NULL THEN
        RAISE EXCEPTION 'role % conflicts with role % that the operator holds', NEW.role, held
            USING ERRCODE = 'check_violation', CONSTRAINT = 'role_conflict',
                DETAIL = format('incompatible duties: %s and %s', least(held, NEW.role), greatest(held, NEW.role));
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER role_assignment_check BEFORE INSERT OR UPDATE OF role, revoked_at ON shebao.role_assignment
    FOR EACH ROW EXECUTE FUNCTION shebao.role_assignment_check();
