//! `grant` (PostgreSQL only): which records a database role may change. The row-level security it
//! rests on is `grant.sql`, the one place of its SQL; here a role gets its row in `grant_role` and
//! the table privileges that go with it.

use serde_json::json;

use crate::db::{audit, params, Action, Actor, Tx};
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
    tx.batch(SETUP)?;
    let schema: String = tx.one("SELECT current_schema()::text", params![], |r| r.get(0))?;
    let (r, s) = (quoted(role), quoted(&schema));
    tx.batch(&format!(
        "REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {r};
         GRANT USAGE ON SCHEMA {s} TO {r};
         GRANT SELECT ON ALL TABLES IN SCHEMA {s} TO {r};
         GRANT USAGE ON ALL SEQUENCES IN SCHEMA {s} TO {r};
         GRANT INSERT ON session, audit, import_batch TO {r};
         GRANT UPDATE ON import_batch TO {r};"
    ))?;
    match scope {
        Scope::Branch(..) => tx.batch(&format!("GRANT INSERT, UPDATE, DELETE ON {LEARNER_TABLES} TO {r}"))?,
        Scope::School => tx.batch(&format!(
            "GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {r};
             REVOKE INSERT, UPDATE, DELETE ON {KEPT_TABLES} FROM {r};
             REVOKE UPDATE, DELETE ON audit FROM {r};"
        ))?,
    }
    let branch = match scope {
        Scope::Branch(id, _) => Some(*id),
        Scope::School => None,
    };
    let old: Option<Option<String>> = tx.optional(
        "SELECT b.code FROM grant_role g LEFT JOIN branch b ON b.id = g.branch_id WHERE g.role = ?1",
        params![role],
        |r| r.get(0),
    )?;
    tx.execute(
        "INSERT INTO grant_role (role, branch_id) VALUES (?1, ?2)
         ON CONFLICT (role) DO UPDATE SET branch_id = EXCLUDED.branch_id",
        params![role, branch],
    )?;
    let new = match scope {
        Scope::Branch(_, code) => json!({ "branch": code }),
        Scope::School => json!({ "branch": null }),
    };
    let (action, old) = match old {
        Some(code) => (Action::Update, Some(json!({ "branch": code }))),
        None => (Action::Insert, None),
    };
    audit(tx, actor, "grant", &json!({ "role": role }), action, old.as_ref(), Some(&new))
}

/// Takes `role`'s grant in the connection's schema back: its privileges there and its row in
/// `grant_role`; audited. A role without a grant here is refused.
pub fn revoke(tx: &Tx, actor: &Actor, role: &str) -> Result<()> {
    let granted = tx.one("SELECT to_regclass('grant_role') IS NOT NULL", params![], |r| r.get::<bool>(0))?;
    let old: Option<Option<String>> = match granted {
        true => tx.optional(
            "SELECT b.code FROM grant_role g LEFT JOIN branch b ON b.id = g.branch_id WHERE g.role = ?1",
            params![role],
            |r| r.get(0),
        )?,
        false => None,
    };
    let Some(branch) = old else { return Err(Error::invalid(Msg::NotGrantedHere { role: role.to_string() })) };
    let schema: String = tx.one("SELECT current_schema()::text", params![], |r| r.get(0))?;
    let (r, s) = (quoted(role), quoted(&schema));
    tx.batch(&format!(
        "REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {r};
         REVOKE ALL ON ALL SEQUENCES IN SCHEMA {s} FROM {r};
         REVOKE USAGE ON SCHEMA {s} FROM {r};"
    ))?;
    tx.execute("DELETE FROM grant_role WHERE role = ?1", params![role])?;
    audit(tx, actor, "grant", &json!({ "role": role }), Action::Delete, Some(&json!({ "branch": branch })), None)
}
