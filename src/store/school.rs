//! The school's standing records, branches and courses: added, renamed and removed by commands
//! (each write audited), and listed.

use serde_json::json;

use crate::db::{audit, params, Action, Actor, Tx};
use crate::error::Result;
use crate::model::{CourseKind, Mode};
use crate::store::records::{course_row, BranchRow, CourseRow, COURSE_COLUMNS};

/// The branch (code, name) that already has this code, else this name, if one does.
pub fn branch_taken(tx: &Tx, code: &str, name: &str) -> Result<Option<(String, String)>> {
    tx.optional(
        "SELECT code, name FROM branch WHERE code = ?1 OR name = ?2 ORDER BY code = ?1 DESC LIMIT 1",
        params![code, name],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

/// The code of a branch other than row `id` that has this name, if one does.
pub fn branch_name_taken(tx: &Tx, name: &str, id: i64) -> Result<Option<String>> {
    tx.optional("SELECT code FROM branch WHERE name = ?1 AND id <> ?2", params![name, id], |r| r.get(0))
}

/// Adds a branch, audited.
pub fn add_branch(tx: &Tx, actor: &Actor, code: &str, name: &str) -> Result<()> {
    tx.execute("INSERT INTO branch (code, name) VALUES (?1, ?2)", params![code, name])?;
    audit(tx, actor, "branch", &json!({ "code": code }), Action::Insert, None, Some(&json!({ "name": name })))
}

/// Renames a branch, audited with its old name.
pub fn rename_branch(tx: &Tx, actor: &Actor, b: &BranchRow, name: &str) -> Result<()> {
    tx.execute("UPDATE branch SET name = ?1 WHERE id = ?2", params![name, b.id])?;
    let (old, new) = (json!({ "name": b.name }), json!({ "name": name }));
    audit(tx, actor, "branch", &json!({ "code": b.code }), Action::Update, Some(&old), Some(&new))
}

/// Removes a branch, audited with its row id too: learners' audit rows refer to the branch by it.
pub fn delete_branch(tx: &Tx, actor: &Actor, b: &BranchRow) -> Result<()> {
    tx.execute("DELETE FROM branch WHERE id = ?1", params![b.id])?;
    let key = json!({ "code": b.code, "id": b.id });
    audit(tx, actor, "branch", &key, Action::Delete, Some(&json!({ "name": b.name })), None)
}

/// A branch as the branch listing shows it.
#[derive(Debug, Clone)]
pub struct BranchCount {
    pub code: String,
    pub name: String,
    /// Learners whose branch it is now (after their last dated move), as `learner list --branch`
    /// finds them.
    pub learners: i64,
}

/// Every branch with its learners' count, by code.
pub fn branch_counts(tx: &Tx) -> Result<Vec<BranchCount>> {
    let mut now: std::collections::HashMap<i64, i64> = std::collections::HashMap::new();
    for l in crate::store::lives::learners(tx, None)? {
        *now.entry(l.life.branch_now()).or_default() += 1;
    }
    tx.all("SELECT id, code, name FROM branch ORDER BY code", params![], |r| {
        let id: i64 = r.get(0)?;
        Ok(BranchCount { code: r.get(1)?, name: r.get(2)?, learners: now.get(&id).copied().unwrap_or(0) })
    })
}

/// Adds a course of `hours` hundredths, audited.
pub fn add_course(
    tx: &Tx,
    actor: &Actor,
    code: &str,
    title: &str,
    kind: CourseKind,
    mode: Mode,
    hours: i64,
) -> Result<()> {
    tx.execute(
        "INSERT INTO course (code, title, kind, mode, hours) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![code, title, kind.code(), mode.code(), hours],
    )?;
    let new = json!({ "title": title, "kind": kind.code(), "mode": mode.code(), "hours": hours });
    audit(tx, actor, "course", &json!({ "code": code }), Action::Insert, None, Some(&new))
}

/// Every course, by code.
pub fn courses(tx: &Tx) -> Result<Vec<CourseRow>> {
    tx.all(&format!("SELECT {COURSE_COLUMNS} FROM course ORDER BY code"), params![], course_row)
}
