//! `grant` (PostgreSQL only): which records a database role may change. The row-level security it
//! rests on is `grant.sql`, the one place of its SQL; here a role gets its row in `grant_role` and
//! the table privileges that go with it.

use serde_json::json;

use crate::db::{audit, params, Action, Actor, Engine, Tx};
use crate::error::{Error, Result};
use crate::msg::Msg;

/// The policies, their functions and triggers, and the table of granted roles.
const SETUP: &str = include_str!("grant.sql");

/// The tables a branch role changes rows of, each row its branch's learner's (grant.sql's policies).
const LEARNER_TABLES: &str = "learner, attendance, result, online, spell, category_change, branch_change, exemption";

/// Tables no granted role changes: who may do what, and the schema's version (nor does it change or
/// delete audit rows: it only adds them).
const KEPT_TABLES: &str = "grant_role, schema_version";

/// What a role may change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The records of one branch's learners: the branch's row id and code.
    Branch(i64, String),
    /// Every record of the school.
    School,
    /// Nothing: the role reads the school (a commission's, for `report schools`).
    Read,
}

/// A name as SQL quotes it: `"nk1"`.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The role named `role` as the server spells it (an unquoted name is folded to lower case, as
/// CREATE ROLE folds it), if there is one.
pub fn role(tx: &Tx, role: &str) -> Result<String> {
    for name in [role.to_string(), role.to_lowercase()] {
        if let Some(found) =
            tx.optional("SELECT rolname::text FROM pg_roles WHERE rolname = ?1", params![name], |r| r.get(0))?
        {
            return Ok(found);
        }
    }
    Err(Error::invalid(Msg::NoSuchRole { role: role.to_string() }))
}

/// Grants `role` (as the server spells it) `scope`, in the schema the connection works in;
/// audited. A role granted before gets the new scope instead of the old.
pub fn grant(tx: &Tx, actor: &Actor, role: &str, scope: &Scope) -> Result<()> {
    refuse_unbound(tx, role)?;
    tx.batch(SETUP)?;
    let old = granted(tx, role)?;
    let (r, s) = (quoted(role), quoted(&schema(tx)?));
    let Own { tables, sequences } = own(tx)?;
    tx.batch(&format!(
        "REVOKE ALL ON {tables} FROM {r};
         REVOKE ALL ON SEQUENCE {sequences} FROM {r};
         GRANT USAGE ON SCHEMA {s} TO {r};
         GRANT SELECT ON {tables} TO {r};"
    ))?;
    // UPDATE on the id sequences: a roster import moves the learner identity past the ids it
    // reserved (setval).
    let writes = format!(
        "GRANT USAGE, UPDATE ON SEQUENCE {sequences} TO {r};
         GRANT INSERT ON session, audit, import_batch TO {r};
         GRANT UPDATE ON import_batch TO {r};"
    );
    // A role's row in grant_role says whose records it changes; without one it changes none
    // (grant.sql).
    let branch = match scope {
        Scope::Branch(id, _) => {
            tx.batch(&format!("{writes} GRANT INSERT, UPDATE, DELETE ON {LEARNER_TABLES} TO {r}"))?;
            Some(Some(*id))
        }
        Scope::School => {
            tx.batch(&format!(
                "{writes}
                 GRANT INSERT, UPDATE, DELETE ON {tables} TO {r};
                 REVOKE INSERT, UPDATE, DELETE ON {KEPT_TABLES} FROM {r};
                 REVOKE UPDATE, DELETE ON audit FROM {r};"
            ))?;
            Some(None)
        }
        Scope::Read => None,
    };
    match branch {
        Some(branch) => tx.execute(
            "INSERT INTO grant_role (role, branch_id) VALUES (?1, ?2)
             ON CONFLICT (role) DO UPDATE SET branch_id = EXCLUDED.branch_id",
            params![role, branch],
        )?,
        None => tx.execute("DELETE FROM grant_role WHERE role = ?1", params![role])?,
    };
    let action = if old.is_some() { Action::Update } else { Action::Insert };
    audit(tx, actor, "grant", &json!({ "role": role }), action, old.as_ref(), Some(&logged(scope)))
}

/// Takes `role`'s grant in the connection's schema back: its privileges there and its row in
/// `grant_role`; audited. A role without a grant here is refused.
pub fn revoke(tx: &Tx, actor: &Actor, role: &str) -> Result<()> {
    refuse_unbound(tx, role)?;
    let Some(old) = granted(tx, role)? else {
        return Err(Error::invalid(Msg::NotGrantedHere { role: role.to_string() }));
    };
    let schema = schema(tx)?;
    let (r, s) = (quoted(role), quoted(&schema));
    let Own { tables, sequences } = own(tx)?;
    tx.batch(&format!("REVOKE ALL ON {tables} FROM {r}; REVOKE ALL ON SEQUENCE {sequences} FROM {r};"))?;
    // A school's own schema is the program's; the default school's may serve others too.
    if schema != super::schools::DEFAULT_SCHOOL {
        tx.batch(&format!("REVOKE USAGE ON SCHEMA {s} FROM {r}"))?;
    }
    if has_rows_table(tx)? {
        tx.execute("DELETE FROM grant_role WHERE role = ?1", params![role])?;
    }
    audit(tx, actor, "grant", &json!({ "role": role }), Action::Delete, Some(&old), None)
}

/// Refuses a role no grant binds: a superuser, one that bypasses row-level security, or one that
/// owns the school's tables (or belongs to the role that does). It reads and changes everything
/// whatever a grant says; and granting or revoking would take the owner's own privileges away.
fn refuse_unbound(tx: &Tx, role: &str) -> Result<()> {
    let unbound: bool = tx.one(
        "SELECT r.rolsuper OR r.rolbypassrls
                OR pg_has_role(r.oid, (SELECT relowner FROM pg_class WHERE oid = to_regclass('learner')), 'USAGE')
         FROM pg_roles r WHERE r.rolname = ?1",
        params![role],
        |r| r.get(0),
    )?;
    match unbound {
        true => Err(Error::invalid(Msg::GrantUnbound { role: role.to_string() })),
        false => Ok(()),
    }
}

/// The school's own tables and the sequences of their ids, as SQL lists.
struct Own {
    tables: String,
    sequences: String,
}

/// What a grant gives and takes: the school's own tables and their sequences by name, never all
/// of a schema's (the default school's, `public`, may hold another application's tables).
fn own(tx: &Tx) -> Result<Own> {
    let tables = crate::db::school_tables();
    let names: Vec<String> = tables.iter().map(|t| format!("'{t}'")).collect();
    let sequences: Option<String> = tx.one(
        &format!(
            "SELECT string_agg(quote_ident(s.relname), ', ' ORDER BY s.relname)
             FROM pg_class s
             JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid AND d.deptype IN ('a', 'i')
             JOIN pg_class t ON t.oid = d.refobjid
             WHERE s.relkind = 'S' AND s.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
               AND t.relname IN ({})",
            names.join(", ")
        ),
        params![],
        |r| r.get(0),
    )?;
    let sequences = sequences.ok_or_else(|| Error::Other(Msg::Database { detail: "no sequences of ids".into() }))?;
    Ok(Own { tables: tables.join(", "), sequences })
}

/// What the role this command runs as may change, when row-level security binds it (a granted
/// role on PostgreSQL, `grant.sql`), with the role's name: an import then names each row of a
/// learner outside it where it is, as the policies would refuse them. None where nothing binds
/// the role (a SQLite file, the tables' owner, a superuser): it may change every record.
pub fn bound_scope(tx: &Tx) -> Result<Option<(String, Scope)>> {
    if !bound(tx)? {
        return Ok(None);
    }
    let role: String = tx.one("SELECT current_user::text", params![], |r| r.get(0))?;
    let granted: Option<(Option<i64>, Option<String>)> = tx.optional(
        "SELECT g.branch_id, b.code FROM grant_role g LEFT JOIN branch b ON b.id = g.branch_id WHERE g.role = ?1",
        params![role],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let scope = match granted {
        Some((Some(id), code)) => Scope::Branch(id, code.unwrap_or_default()),
        Some((None, _)) => Scope::School,
        None => Scope::Read,
    };
    Ok(Some((role, scope)))
}

/// Whether row-level security binds the role this command runs as (never on SQLite).
pub fn bound(tx: &Tx) -> Result<bool> {
    Ok(tx.engine() == Engine::Postgres && tx.one("SELECT row_security_active('learner')", params![], |r| r.get(0))?)
}

fn schema(tx: &Tx) -> Result<String> {
    tx.one("SELECT current_schema()::text", params![], |r| r.get(0))
}

fn has_rows_table(tx: &Tx) -> Result<bool> {
    tx.one("SELECT to_regclass('grant_role') IS NOT NULL", params![], |r| r.get(0))
}

/// A scope as the audit log holds it: `{"branch": "NK1"}`, `{"branch": null}` (every branch),
/// `{"read_only": true}`.
fn logged(scope: &Scope) -> serde_json::Value {
    match scope {
        Scope::Branch(_, code) => json!({ "branch": code }),
        Scope::School => json!({ "branch": null }),
        Scope::Read => json!({ "read_only": true }),
    }
}

/// `role`'s grant in this school as the audit log holds it, if it has one: its row in grant_role,
/// or else its own right to read the school's learners, given to it by name (which only a grant
/// does; a right it has through another role or PUBLIC is not its grant).
fn granted(tx: &Tx, role: &str) -> Result<Option<serde_json::Value>> {
    if has_rows_table(tx)? {
        let row: Option<Option<String>> = tx.optional(
            "SELECT b.code FROM grant_role g LEFT JOIN branch b ON b.id = g.branch_id WHERE g.role = ?1",
            params![role],
            |r| r.get(0),
        )?;
        if let Some(code) = row {
            return Ok(Some(json!({ "branch": code })));
        }
    }
    let reads: bool = tx.one(
        "SELECT EXISTS (SELECT 1 FROM pg_class c, aclexplode(c.relacl) a
                        WHERE c.oid = to_regclass('learner') AND a.privilege_type = 'SELECT'
                          AND a.grantee = (SELECT oid FROM pg_roles WHERE rolname = ?1))",
        params![role],
        |r| r.get(0),
    )?;
    Ok(reads.then(|| logged(&Scope::Read)))
}
