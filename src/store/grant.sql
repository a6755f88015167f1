-- Who may change what, on PostgreSQL (issue 12, `xueshi grant`): row-level security for the roles
-- a school grants. Run by the school's owner in the school's schema, each time `grant` runs (every
-- statement can run again); the roles themselves get their privileges in store/grant.rs.
--
-- A granted role reads the whole school. A branch role changes only the records of its branch's
-- learners: learner rows and every table keyed by a learner. Its imports and commands also add
-- sessions, import batches and audit rows; the audit's and batches' operator must be the role it
-- logged in as (session_user). A school-wide role changes any record. The owner, superusers and
-- BYPASSRLS roles are not subject to any of this; any other role without a row in grant_role
-- changes nothing.
--
-- The policies are the boundary for new rows (INSERT, and UPDATE's new row: WITH CHECK). A USING
-- filter on UPDATE and DELETE would make a change outside the branch touch no row and succeed
-- silently, so those let every row through to the trigger guard_branch, which refuses it by name
-- (SQLSTATE 42501, message 'xueshi: outside the branch', the role, branch and learner as JSON in
-- the detail); the trigger runs before the policies' checks and says the same for new rows. It
-- runs only where row security applies (row_security_active), so the owner's imports pay nothing.

CREATE TABLE IF NOT EXISTS grant_role (
    role      TEXT PRIMARY KEY,
    -- NULL: the whole school.
    branch_id BIGINT REFERENCES branch(id)
);

-- The branch learner `l` belongs to now: the latest of their dated branches, else the one they
-- were enrolled in.
CREATE OR REPLACE FUNCTION learner_branch(l BIGINT) RETURNS BIGINT
LANGUAGE sql STABLE SET search_path FROM CURRENT AS $$
    SELECT COALESCE(
        (SELECT branch_id FROM branch_change WHERE learner_id = l ORDER BY from_date DESC LIMIT 1),
        (SELECT branch_id FROM learner WHERE id = l))
$$;

-- Whether the current role may change records of branch `b`.
CREATE OR REPLACE FUNCTION may_change_branch(b BIGINT) RETURNS BOOLEAN
LANGUAGE sql STABLE SET search_path FROM CURRENT AS $$
    SELECT EXISTS (SELECT 1 FROM grant_role g
                   WHERE g.role = current_user AND (g.branch_id IS NULL OR g.branch_id = b))
$$;

-- Whether the current role may change records of learner `l`.
CREATE OR REPLACE FUNCTION may_change(l BIGINT) RETURNS BOOLEAN
LANGUAGE sql STABLE SET search_path FROM CURRENT AS $$
    SELECT may_change_branch(learner_branch(l))
$$;

-- Refuses a change of a record of branch `b` (learner `staff`) by a role granted branch `granted`
-- (NULL: no grant at all).
CREATE OR REPLACE FUNCTION refuse_outside(granted BIGINT, b BIGINT, staff TEXT) RETURNS VOID
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF granted IS NULL OR b IS DISTINCT FROM granted THEN
        RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'xueshi: outside the branch',
            DETAIL = json_build_object('role', current_user::text,
                'branch', (SELECT code FROM branch WHERE id = granted), 'staff_id', staff)::text;
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION guard_branch() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    granted BIGINT;
    old_row JSONB;
    new_row JSONB;
    l BIGINT;
BEGIN
    SELECT g.branch_id INTO granted FROM grant_role g WHERE g.role = current_user;
    IF NOT (FOUND AND granted IS NULL) THEN
        IF TG_OP <> 'INSERT' THEN old_row := to_jsonb(OLD); END IF;
        IF TG_OP <> 'DELETE' THEN new_row := to_jsonb(NEW); END IF;
        IF TG_TABLE_NAME = 'learner' AND TG_OP = 'INSERT' THEN
            PERFORM refuse_outside(granted, (new_row ->> 'branch_id')::BIGINT, new_row ->> 'staff_id');
        ELSIF TG_TABLE_NAME = 'learner' THEN
            PERFORM refuse_outside(granted, learner_branch((old_row ->> 'id')::BIGINT), old_row ->> 'staff_id');
        ELSE
            -- The learners the change touches: the old row's and the new row's.
            FOR l IN SELECT DISTINCT x FROM unnest(ARRAY[(old_row ->> 'learner_id')::BIGINT,
                                                         (new_row ->> 'learner_id')::BIGINT]) AS x
                     WHERE x IS NOT NULL LOOP
                PERFORM refuse_outside(granted, learner_branch(l), (SELECT staff_id FROM learner WHERE id = l));
            END LOOP;
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$;

ALTER TABLE learner ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS read ON learner;
CREATE POLICY read ON learner FOR SELECT USING (true);
DROP POLICY IF EXISTS add ON learner;
CREATE POLICY add ON learner FOR INSERT WITH CHECK (may_change_branch(branch_id));
DROP POLICY IF EXISTS change ON learner;
CREATE POLICY change ON learner FOR UPDATE USING (true) WITH CHECK (may_change(id));
DROP POLICY IF EXISTS remove ON learner;
CREATE POLICY remove ON learner FOR DELETE USING (true);
CREATE OR REPLACE TRIGGER guard_branch BEFORE INSERT OR UPDATE OR DELETE ON learner
    FOR EACH ROW WHEN (row_security_active('learner')) EXECUTE FUNCTION guard_branch();

DO $$
DECLARE
    t TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['attendance', 'result', 'online', 'spell', 'category_change',
                             'branch_change', 'exemption'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('DROP POLICY IF EXISTS read ON %I', t);
        EXECUTE format('CREATE POLICY read ON %I FOR SELECT USING (true)', t);
        EXECUTE format('DROP POLICY IF EXISTS add ON %I', t);
        EXECUTE format('CREATE POLICY add ON %I FOR INSERT WITH CHECK (may_change(learner_id))', t);
        EXECUTE format('DROP POLICY IF EXISTS change ON %I', t);
        EXECUTE format('CREATE POLICY change ON %I FOR UPDATE USING (true) WITH CHECK (may_change(learner_id))', t);
        EXECUTE format('DROP POLICY IF EXISTS remove ON %I', t);
        EXECUTE format('CREATE POLICY remove ON %I FOR DELETE USING (true)', t);
        EXECUTE format('CREATE OR REPLACE TRIGGER guard_branch BEFORE INSERT OR UPDATE OR DELETE ON %I
            FOR EACH ROW WHEN (row_security_active(%L)) EXECUTE FUNCTION guard_branch()', t, t);
    END LOOP;
    -- Who did it: the operator of an audit row, a batch or a closed year is the role itself.
    FOREACH t IN ARRAY ARRAY['audit', 'import_batch', 'closed_year'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('DROP POLICY IF EXISTS read ON %I', t);
        EXECUTE format('CREATE POLICY read ON %I FOR SELECT USING (true)', t);
        EXECUTE format('DROP POLICY IF EXISTS own ON %I', t);
        EXECUTE format('CREATE POLICY own ON %I FOR ALL USING (operator = session_user)
            WITH CHECK (operator = session_user)', t);
    END LOOP;
END
$$;
