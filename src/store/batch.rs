//! Import batches: the batch row an import writes, the list of batches, and undo. Rows a batch
//! added carry its id; rows it overwrote are in the audit log under its id with their old values
//! (and old batch id), which is what undo restores.

use rusqlite::OptionalExtension;
use serde_json::{json, Value as Json};

use crate::db::{self, params, Action, Actor, Connection, DroppedIndex, Engine, Param, ToParam, Tx, Value};
use crate::error::{Error, Problem, Result};
use crate::model::Counts;
use crate::msg::Msg;
use crate::store::closed::Closed;
use crate::store::{self, json_to_sql, Table};

/// SQLite's page cache during an import, in KiB. Rows go into the tables in key order and a large
/// import builds the learner index by sorting (see `bulk::LearnerIndex`), so few pages are hot at
/// once; the sort takes as much memory again. Both within SPEC §7's bound of 64 MB.
const IMPORT_CACHE_KIB: i64 = 8 * 1024;

/// Readies a connection for an import, before its transaction. `references_proven`: the import
/// proves every row's references itself (attendance), so SQLite need not look them up again.
pub fn ready_for_import(conn: &Connection, references_proven: bool) -> Result<()> {
    // The pragmas are SQLite's; a server manages its own memory.
    let Some(conn) = conn.sqlite() else { return Ok(()) };
    // Negative: a size in KiB, not a number of pages.
    conn.pragma_update(None, "cache_size", -IMPORT_CACHE_KIB)?;
    if references_proven {
        // SQLite would look up every row's session, learner and batch (three B-tree searches a
        // row, the dearest part of a large import after the writes themselves). The import has
        // proven all three: the learner and the session come from those loaded or created in
        // this transaction, which holds the write lock, and the batch is its own. Should a bug
        // ever write a dangling reference, `xueshi check` (PRAGMA foreign_key_check) names it.
        // The pragma holds for this connection only, and cannot change inside a transaction.
        conn.pragma_update(None, "foreign_keys", false)?;
    }
    // Temporary files on disk, not in memory: the sort that builds an index anew spills there
    // (memory stays flat whatever the sheet's size), and so would a statement journal.
    conn.pragma_update(None, "temp_store", "file")?;
    Ok(())
}

/// Starts the batch of an import of `file` (its SHA-256 `sha256`); returns its id.
pub fn begin(tx: &Tx, actor: &Actor, kind: &str, file: &str, sha256: &str) -> Result<i64> {
    tx.one(
        // MAX + 1 on both engines (the command holds the write lock): a server's sequence would
        // skip the numbers of imports that were refused and rolled back.
        "INSERT INTO import_batch (id, kind, file, sha256, operator, at)
         VALUES ((SELECT COALESCE(MAX(id), 0) + 1 FROM import_batch), ?1, ?2, ?3, ?4, ?5) RETURNING id",
        params![kind, file, sha256, actor.operator, actor.at],
        |r| r.get(0),
    )
}

/// Records what batch `batch` came to, and logs it.
pub fn finish(tx: &Tx, actor: &Actor, batch: i64, kind: &str, file: &str, sha256: &str, counts: &Counts) -> Result<()> {
    tx.execute(
        "UPDATE import_batch SET new = ?1, unchanged = ?2, updated = ?3 WHERE id = ?4",
        params![counts.new, counts.unchanged, counts.updated, batch],
    )?;
    let new = json!({ "kind": kind, "file": file, "sha256": sha256,
                      "new": counts.new, "unchanged": counts.unchanged, "updated": counts.updated });
    db::audit(tx, actor, "import_batch", &json!({ "id": batch }), Action::Insert, None, Some(&new))
}

/// One import batch, as `imports list` shows it.
#[derive(Debug, Clone)]
pub struct Batch {
    pub id: i64,
    pub kind: String,
    pub file: String,
    pub sha256: String,
    pub new: i64,
    pub unchanged: i64,
    pub updated: i64,
    pub operator: String,
    pub at: String,
    pub undone: bool,
}

/// Every import batch, oldest first.
pub fn list(tx: &Tx) -> Result<Vec<Batch>> {
    tx.all(
        "SELECT id, kind, file, sha256, new, unchanged, updated, operator, at, undone FROM import_batch ORDER BY id",
        params![],
        |r| {
            Ok(Batch {
                id: r.get(0)?,
                kind: r.get(1)?,
                file: r.get(2)?,
                sha256: r.get(3)?,
                new: r.get(4)?,
                unchanged: r.get(5)?,
                updated: r.get(6)?,
                operator: r.get(7)?,
                at: r.get(8)?,
                undone: r.get(9)?,
            })
        },
    )
}

/// The tables a batch writes by natural key, children before parents so that deletes never
/// break a reference.
const KEYED: [&Table; 7] = [
    &store::ATTENDANCE,
    &store::RESULT,
    &store::ONLINE,
    &store::CATEGORY_CHANGE,
    &store::BRANCH_CHANGE,
    &store::LEARNER,
    &store::COURSE,
];

/// A table whose rows undo deletes. Each deleted row is logged with its key and its values as the
/// table's `Table` lists them (and its batch id), so a column added there is logged too.
struct Deleted {
    table: &'static Table,
    /// The name under which the key also gives the row id (others refer to the row by it).
    row_id: Option<&'static str>,
    /// Columns the row has that no import writes (its `Table` does not list them).
    unwritten: &'static [&'static str],
}

/// The tables undo deletes from, children before parents.
const DELETED: [Deleted; 8] = [
    Deleted { table: &store::ATTENDANCE, row_id: None, unwritten: &[] },
    Deleted { table: &store::RESULT, row_id: None, unwritten: &[] },
    Deleted { table: &store::ONLINE, row_id: None, unwritten: &[] },
    Deleted { table: &store::SESSION, row_id: None, unwritten: &[] },
    Deleted { table: &store::CATEGORY_CHANGE, row_id: None, unwritten: &[] },
    Deleted { table: &store::BRANCH_CHANGE, row_id: None, unwritten: &[] },
    Deleted { table: &store::LEARNER, row_id: Some("learner_id"), unwritten: &["left_on"] },
    Deleted { table: &store::COURSE, row_id: Some("id"), unwritten: &[] },
];

impl Deleted {
    /// `json_object('k1', k1, …)`: the deleted row's audit key.
    fn key_sql(&self, e: Engine) -> String {
        let row_id = self.row_id.map(|name| (name, "id"));
        e.json_object(self.table.key.iter().map(|k| (*k, *k)).chain(row_id))
    }

    /// `json_object('v1', v1, …, 'batch_id', batch_id)`: the deleted row's old values.
    fn old_sql(&self, e: Engine) -> String {
        let columns = self.table.values.iter().chain(self.unwritten).copied().chain(std::iter::once("batch_id"));
        e.json_object(columns.map(|c| (c, c)))
    }
}

/// SQLite's page cache during an undo, in KiB: a large batch's rows are read, logged and deleted
/// a page at a time, and its audit rows written, without the cache spilling at every page.
const UNDO_CACHE_KIB: i64 = 16 * 1024;

/// The audit log's index on batches, as schema.sql names it.
const AUDIT_BATCH: &str = "audit_batch";

/// Readies a connection for the undo of batch `batch`, before its transaction.
pub fn ready_for_undo(conn: &Connection, batch: i64) -> Result<()> {
    let Some(conn) = conn.sqlite() else { return Ok(()) };
    conn.pragma_update(None, "cache_size", -UNDO_CACHE_KIB)?;
    // An attendance batch that outweighs the rest of the table: with foreign keys on, SQLite
    // deletes its rows in two passes (their keys gathered and sorted first, then each looked up
    // again), without them in one (a fifth of the time). Nothing refers to attendance rows; the
    // parents the undo deletes too (the batch's sessions) are checked by `check_references`.
    // A hint read before the transaction: the check holds whatever changed since.
    let (kind, rows): (String, i64) = match conn
        .query_row("SELECT kind, new FROM import_batch WHERE id = ?1", [batch], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
    {
        Some(found) => found,
        None => return Ok(()),
    };
    if kind == "attendance" {
        let stored: i64 = conn.query_row("SELECT COUNT(*) FROM attendance", [], |r| r.get(0))?;
        if DroppedIndex::pays(rows, stored - rows) {
            conn.pragma_update(None, "foreign_keys", false)?;
        }
    }
    Ok(())
}

/// With foreign keys off (see `ready_for_undo`), what SQLite would have refused: a row left
/// referring to one the undo deleted from `parents`. Only the tables referring to those are read.
fn check_references(tx: &Tx, parents: &[&str]) -> Result<()> {
    let Some(tx) = tx.sqlite() else { return Ok(()) };
    let on: bool = tx.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
    if on || parents.is_empty() {
        return Ok(());
    }
    let children: Vec<String> = {
        let marks = vec!["?"; parents.len()].join(", ");
        let mut stmt = tx.prepare(&format!(
            "SELECT DISTINCT m.name FROM sqlite_schema m, pragma_foreign_key_list(m.name) f
             WHERE m.type = 'table' AND f.\"table\" IN ({marks}) ORDER BY m.name"
        ))?;
        let names = stmt.query_map(rusqlite::params_from_iter(parents), |r| r.get(0))?;
        names.collect::<rusqlite::Result<_>>()?
    };
    for child in children {
        let dangling: Option<String> = tx
            .query_row(&format!("SELECT \"table\" FROM pragma_foreign_key_check('{child}') LIMIT 1"), [], |r| r.get(0))
            .optional()?;
        if dangling.is_some() {
            return Err(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY),
                Some("FOREIGN KEY constraint failed".into()),
            )
            .into());
        }
    }
    Ok(())
}

/// What an undo did.
#[derive(Debug, Clone)]
pub struct Undone {
    /// The batch's file.
    pub file: String,
    /// Rows removed, by table (those it removed any of, in the order removed).
    pub removed: Vec<(String, usize)>,
    pub restored: usize,
}

/// Takes batch `batch` back: its new rows go, the rows it overwrote get their old values back,
/// and every change is logged under the batch. Refused, and nothing changed, when a later change
/// or a closed year stands in the way.
pub fn undo(tx: &Tx, actor: &Actor, batch: i64) -> Result<Undone> {
    let (file, undone, kind, rows): (String, bool, String, i64) = tx
        .optional("SELECT file, undone, kind, new FROM import_batch WHERE id = ?1", params![batch], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .ok_or_else(|| Error::invalid(Msg::BatchUnknown { batch }))?;
    if undone {
        return Err(Error::invalid(Msg::BatchUndoneAlready { batch, file }));
    }
    refuse_if_changed_since(tx, batch)?;
    refuse_if_closed(tx, batch)?;
    refuse_if_outside(tx, batch)?;
    // The undo's audit rows carry the batch's id: they belong to its history.
    let actor = Actor { batch: Some(batch), ..actor.clone() };
    let restored = restore_overwritten(tx, &actor, batch)?;
    // One audit row for each row deleted: a large batch adds more of them than the log held.
    let logged: i64 = tx.one("SELECT COUNT(*) FROM audit", params![], |r| r.get(0))?;
    let audit_index =
        if DroppedIndex::pays(rows, logged) { DroppedIndex::drop(tx, AUDIT_BATCH)? } else { DroppedIndex::default() };
    let mut removed = Vec::new();
    let mut parents = Vec::new();
    for d in &DELETED {
        let table = d.table.entity;
        // Most of a table's rows going at once: its learner index is built anew after.
        let index = match (table, kind.as_str()) {
            ("attendance", "attendance") => Some(store::ATTENDANCE_LEARNER),
            ("result", "results") => Some(store::RESULT_LEARNER),
            _ => None,
        };
        let dropped = match index {
            Some(index) => {
                let stored: i64 = tx.one(&format!("SELECT COUNT(*) FROM {table}"), params![], |r| r.get(0))?;
                if DroppedIndex::pays(rows, stored - rows) {
                    DroppedIndex::drop(tx, index)?
                } else {
                    DroppedIndex::default()
                }
            }
            None => DroppedIndex::default(),
        };
        // Set-based: one audit row per deleted row without a round trip each.
        let (key, old) = (d.key_sql(tx.engine()), d.old_sql(tx.engine()));
        tx.execute(
            &format!(
                "INSERT INTO audit (at, operator, batch_id, entity, key, action, old, new)
                 SELECT ?1, ?2, ?3, '{table}', {key}, 'delete', {old}, NULL FROM {table} WHERE batch_id = ?3"
            ),
            params![actor.at, actor.operator, batch],
        )?;
        let gone = tx.execute(&format!("DELETE FROM {table} WHERE batch_id = ?1"), params![batch])?;
        if gone > 0 {
            parents.push(table);
            removed.push((table.to_string(), gone));
        }
        dropped.build(tx)?;
    }
    check_references(tx, &parents)?;
    audit_index.build(tx)?;
    if kind == "learners" {
        let branches = delete_created_branches(tx, &actor, batch)?;
        if branches > 0 {
            removed.push(("branch".to_string(), branches));
        }
    }
    tx.execute("UPDATE import_batch SET undone = 1 WHERE id = ?1", params![batch])?;
    db::audit(
        tx,
        &actor,
        "import_batch",
        &json!({ "id": batch }),
        Action::Update,
        Some(&json!({ "undone": false })),
        Some(&json!({ "undone": true })),
    )?;
    Ok(Undone { file, removed, restored })
}

/// A record named by its audit key, as a person knows it: staff ids and codes, not row ids.
fn describe_record(tx: &Tx, entity: &str, key: &str) -> Result<Msg> {
    let key: serde_json::Value = serde_json::from_str(key).unwrap_or_default();
    let id = |name: &str| key.get(name).and_then(serde_json::Value::as_i64);
    let staff_id = |learner: Option<i64>| -> Result<String> {
        Ok(tx
            .optional("SELECT staff_id FROM learner WHERE id = ?1", params![learner], |r| r.get::<String>(0))?
            .unwrap_or_else(|| "?".into()))
    };
    Ok(match entity {
        "attendance" => {
            Msg::RecAttendanceOf { staff_id: staff_id(id("learner_id"))?, session: id("session_id").unwrap_or(0) }
        }
        "result" => {
            let code: Option<String> =
                tx.optional("SELECT code FROM assessment WHERE id = ?1", params![id("assessment_id")], |r| r.get(0))?;
            Msg::RecResultIn { staff_id: staff_id(id("learner_id"))?, code: code.unwrap_or_else(|| "?".into()) }
        }
        "online" => Msg::RecOnlineOf {
            staff_id: staff_id(id("learner_id"))?,
            date: key.get("date").and_then(serde_json::Value::as_str).unwrap_or("?").to_string(),
        },
        other => Msg::RecEntity { entity: other.to_string(), key: key.to_string() },
    })
}

/// Undo would silently lose a later change to a row the batch wrote: refuse, and say which.
fn refuse_if_changed_since(tx: &Tx, batch: i64) -> Result<()> {
    let e = tx.engine();
    // An overwrite records the row's old batch id; one by another batch (not itself undone) or by
    // a command means the batch's values are no longer what is stored.
    let sql = format!(
        "SELECT a.entity, a.key, a.operator, a.at, a.batch_id FROM audit a
         WHERE {old_batch} = ?1
           AND a.batch_id IS DISTINCT FROM ?1
           AND NOT EXISTS (SELECT 1 FROM import_batch b WHERE b.id = a.batch_id AND b.undone <> 0)
         ORDER BY a.id",
        old_batch = e.json_int("a.old", "batch_id")
    );
    let changes: Vec<(String, String, String, String, Option<i64>)> =
        tx.all(&sql, params![batch], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
    let mut problems = Vec::with_capacity(changes.len());
    for (entity, key, operator, at, by) in changes {
        let what = describe_record(tx, &entity, &key)?;
        let what = Box::new(what);
        problems.push(Problem::new(match by {
            Some(by) => Msg::UndoChangedByBatch { batch, what, by, operator, at },
            None => Msg::UndoChangedByCommand { batch, what, operator, at },
        }));
    }
    // Rows others added that hang on what the batch created (a session's attendance recorded by
    // a command, a learner's results) would be orphaned. A learner or course the batch overwrote
    // (an update under its id) it did not create: undo gives it its old values back.
    let (session_key, learner_key, course_key) = (
        e.json_object([("id", "s.id")].into_iter()),
        e.json_object([("staff_id", "l.staff_id")].into_iter()),
        e.json_object([("code", "c.code")].into_iter()),
    );
    for (what, sql) in [
        (
            "session",
            "SELECT DISTINCT s.id FROM session s JOIN attendance a ON a.session_id = s.id
             WHERE s.batch_id = ?1 AND a.batch_id IS DISTINCT FROM ?1"
                .to_string(),
        ),
        (
            "session",
            format!(
                "SELECT DISTINCT s.id FROM session s JOIN audit a ON a.entity = 'session' AND a.action = 'update'
                     AND a.key = {session_key}
                 WHERE s.batch_id = ?1 AND a.batch_id IS DISTINCT FROM ?1"
            ),
        ),
        (
            "learner",
            // Created, not overwritten: an overwritten row carries the batch's id too, and undo
            // only puts its old values back.
            format!(
                "SELECT l.staff_id FROM learner l WHERE l.batch_id = ?1
             AND NOT EXISTS (SELECT 1 FROM audit a WHERE a.batch_id = ?1 AND a.entity = 'learner'
                             AND a.action = 'update' AND a.key = {learner_key})
             AND (
                 l.left_on IS NOT NULL
                 OR EXISTS (SELECT 1 FROM spell x WHERE x.learner_id = l.id)
                 OR EXISTS (SELECT 1 FROM exemption x WHERE x.learner_id = l.id)
                 OR EXISTS (SELECT 1 FROM category_change x WHERE x.learner_id = l.id AND x.batch_id IS DISTINCT FROM ?1)
                 OR EXISTS (SELECT 1 FROM branch_change x WHERE x.learner_id = l.id AND x.batch_id IS DISTINCT FROM ?1)
                 OR EXISTS (SELECT 1 FROM attendance a WHERE a.learner_id = l.id AND a.batch_id IS DISTINCT FROM ?1)
                 OR EXISTS (SELECT 1 FROM result r WHERE r.learner_id = l.id AND r.batch_id IS DISTINCT FROM ?1)
                 OR EXISTS (SELECT 1 FROM online o WHERE o.learner_id = l.id AND o.batch_id IS DISTINCT FROM ?1))"
            ),
        ),
        (
            "course",
            format!(
                "SELECT c.code FROM course c WHERE c.batch_id = ?1
             AND NOT EXISTS (SELECT 1 FROM audit a WHERE a.batch_id = ?1 AND a.entity = 'course'
                             AND a.action = 'update' AND a.key = {course_key})
             AND EXISTS (SELECT 1 FROM session s WHERE s.course_id = c.id AND s.batch_id IS DISTINCT FROM ?1)"
            ),
        ),
    ] {
        let found: Vec<Value> = tx.all(&sql, params![batch], |r| r.get(0))?;
        for v in found {
            let name = store::sql_to_json(&v).to_string();
            problems.push(Problem::new(Msg::UndoCreatedHasRecords { batch, entity: what.to_string(), name }));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(problems))
    }
}

/// Undo would change a closed year's figures: refuse, naming the year (SPEC v2 §2).
fn refuse_if_closed(tx: &Tx, batch: i64) -> Result<()> {
    let e = tx.engine();
    let closed = Closed::load(tx)?;
    if closed.is_empty() {
        return Ok(());
    }
    // The years the batch's rows (added or overwritten: both carry its id) are dated in.
    let years: Vec<String> = tx.all(
        "SELECT substr(s.date, 1, 4) FROM attendance a JOIN session s ON s.id = a.session_id WHERE a.batch_id = ?1
         UNION SELECT substr(x.date, 1, 4) FROM result r JOIN assessment x ON x.id = r.assessment_id WHERE r.batch_id = ?1
         UNION SELECT substr(date, 1, 4) FROM online WHERE batch_id = ?1
         UNION SELECT substr(to_date, 1, 4) FROM online WHERE batch_id = ?1 AND to_date IS NOT NULL
         UNION SELECT substr(date, 1, 4) FROM session WHERE batch_id = ?1",
        params![batch],
        |r| r.get(0),
    )?;
    for y in years.iter().filter_map(|y| y.parse::<i32>().ok()) {
        closed.check_years(y, Some(y), Msg::WhatUndoingDated { batch })?;
    }
    // A course kind the batch changed goes back: every year with sessions of the course changes.
    let sql = format!(
        "SELECT DISTINCT CAST(substr(s.date, 1, 4) AS INTEGER) FROM audit a
         JOIN course c ON c.code = {key_code} JOIN session s ON s.course_id = c.id
         WHERE a.batch_id = ?1 AND a.entity = 'course' AND a.action = 'update'
           AND {old_kind} IS DISTINCT FROM {new_kind}",
        key_code = e.json_text("a.key", "code"),
        old_kind = e.json_text("a.old", "kind"),
        new_kind = e.json_text("a.new", "kind"),
    );
    let years: Vec<i32> = tx.all(&sql, params![batch], |r| r.get(0))?;
    for y in years {
        closed.check_years(y, Some(y), Msg::WhatUndoingKind { batch })?;
    }
    // Dated changes and new learners reach every year from their date on.
    let sql = format!(
        "SELECT from_date FROM category_change WHERE batch_id = ?1
         UNION ALL SELECT from_date FROM branch_change WHERE batch_id = ?1
         UNION ALL SELECT COALESCE(l.joined, '0000-01-01') FROM learner l WHERE l.batch_id = ?1
             AND NOT EXISTS (SELECT 1 FROM audit a WHERE a.batch_id = ?1 AND a.entity = 'learner'
                             AND a.action = 'update' AND a.key = {learner_key})",
        learner_key = e.json_object([("staff_id", "l.staff_id")].into_iter()),
    );
    let from: Vec<String> = tx.all(&sql, params![batch], |r| r.get(0))?;
    if let Some(first) = from.iter().filter_map(|d| d.get(..4)?.parse::<i32>().ok()).min() {
        closed.check_years(first, None, Msg::WhatUndoingEnrolled { batch })?;
    }
    // A join date the batch moved goes back: every year between the two dates changes.
    for MovedJoin { old, new, .. } in moved_join_dates(tx, batch)? {
        let year = |d: &Option<String>| d.as_deref().and_then(|d| d.get(..4)?.parse::<i32>().ok()).unwrap_or(i32::MIN);
        let (a, b) = (year(&old), year(&new));
        closed.check_years(a.min(b), Some(a.max(b)), Msg::WhatUndoingJoin { batch })?;
    }
    Ok(())
}

/// A join date a batch overwrote: whose, what it was, what the batch made it.
struct MovedJoin {
    staff_id: String,
    old: Option<String>,
    new: Option<String>,
}

fn moved_join_dates(tx: &Tx, batch: i64) -> Result<Vec<MovedJoin>> {
    let e = tx.engine();
    let sql = format!(
        "SELECT {key_staff}, {old_joined}, {new_joined}
         FROM audit WHERE batch_id = ?1 AND entity = 'learner' AND action = 'update'
           AND {old_joined} IS DISTINCT FROM {new_joined}",
        key_staff = e.json_text("key", "staff_id"),
        old_joined = e.json_text("old", "joined"),
        new_joined = e.json_text("new", "joined"),
    );
    tx.all(&sql, params![batch], |r| Ok(MovedJoin { staff_id: r.get(0)?, old: r.get(1)?, new: r.get(2)? }))
}

/// Undo would put back a later join date than a learner's records recorded since (SPEC v2 §2:
/// no record outside enrolment): refuse, naming them.
fn refuse_if_outside(tx: &Tx, batch: i64) -> Result<()> {
    let mut problems = Vec::new();
    for MovedJoin { staff_id, old, .. } in moved_join_dates(tx, batch)? {
        let Some(day) = old.as_deref().and_then(crate::date::parse) else { continue };
        let id: Option<i64> =
            tx.optional("SELECT id FROM learner WHERE staff_id = ?1", params![staff_id], |r| r.get(0))?;
        let Some(id) = id else { continue };
        let before = store::lives::records_before(tx, id, day)?;
        if !before.is_empty() {
            problems.push(Problem::new(Msg::UndoJoinBack {
                batch,
                staff_id,
                day: crate::date::iso(day),
                records: before,
            }));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(problems))
    }
}

/// A row a batch overwrote, as the audit log holds it: its table, key, old values (with its old
/// batch id) and the values the batch wrote.
struct Overwritten {
    table: &'static Table,
    key: Json,
    old: Json,
    new: Json,
}

impl Overwritten {
    /// The columns undo writes back: the table's values and the row's batch id, as `old` has them.
    fn columns(&self) -> impl Iterator<Item = &'static str> {
        self.table.values.iter().copied().chain(std::iter::once("batch_id"))
    }

    fn old_values(&self) -> impl Iterator<Item = Value> + '_ {
        self.columns().map(|c| json_to_sql(&self.old[c]))
    }

    fn key_values(&self) -> impl Iterator<Item = Value> + '_ {
        self.table.key.iter().map(|k| json_to_sql(&self.key[*k]))
    }
}

/// Puts back the values the batch overwrote, newest overwrite first, each logged.
fn restore_overwritten(tx: &Tx, actor: &Actor, batch: i64) -> Result<usize> {
    let entities: Vec<String> = KEYED.iter().map(|t| format!("'{}'", t.entity)).collect();
    let sql = format!(
        "SELECT entity, key, old, new FROM audit WHERE batch_id = ?1 AND action = 'update'
         AND entity IN ({}) ORDER BY id DESC",
        entities.join(", ")
    );
    let logged: Vec<(String, String, Option<String>, Option<String>)> =
        tx.all(&sql, params![batch], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    let overwrites: Vec<Overwritten> = logged
        .iter()
        .map(|(entity, key, old, new)| {
            let table = KEYED
                .iter()
                .find(|t| t.entity == entity)
                .ok_or_else(|| Error::Other(Msg::AuditUnknownEntity { entity: entity.clone() }))?;
            let parse = |text: Option<&String>| -> Result<Json> {
                serde_json::from_str(text.map_or("null", String::as_str)).map_err(|e| {
                    Error::Other(Msg::AuditBadJson { entity: entity.clone(), key: key.clone(), detail: e.to_string() })
                })
            };
            Ok(Overwritten { table, key: parse(Some(key))?, old: parse(old.as_ref())?, new: parse(new.as_ref())? })
        })
        .collect::<Result<_>>()?;
    match tx.engine() {
        Engine::Sqlite => {
            for w in &overwrites {
                // Column names come from the table's definition, never from the log's text.
                let columns: Vec<&str> = w.columns().collect();
                let sets: Vec<String> = columns.iter().enumerate().map(|(i, c)| format!("{c} = ?{}", i + 1)).collect();
                let wheres: Vec<String> =
                    w.table.key.iter().enumerate().map(|(i, k)| format!("{k} = ?{}", columns.len() + i + 1)).collect();
                let values: Vec<Value> = w.old_values().chain(w.key_values()).collect();
                let sql = format!("UPDATE {} SET {} WHERE {}", w.table.entity, sets.join(", "), wheres.join(" AND "));
                tx.execute(&sql, values.iter().map(Value::param))?;
                db::audit(tx, actor, w.table.entity, &w.key, Action::Update, Some(&w.new), Some(&w.old))?;
            }
        }
        Engine::Postgres => restore_on_server(tx, actor, &overwrites)?,
    }
    Ok(overwrites.len())
}

/// PostgreSQL: `restore_overwritten`'s writes without a round trip per row (two each, forty
/// thousand rows took a quarter of a minute). Each table's old values are copied into a temporary
/// table and written back by one UPDATE … FROM, the oldest value of a key overwritten twice last;
/// the audit rows, copied likewise, go into the log by one INSERT … SELECT in the order a row at a
/// time would write them, so that they get the same ids.
fn restore_on_server(tx: &Tx, actor: &Actor, overwrites: &[Overwritten]) -> Result<()> {
    if overwrites.is_empty() {
        return Ok(());
    }
    for table in KEYED {
        let ours: Vec<(usize, &Overwritten)> =
            overwrites.iter().enumerate().filter(|(_, w)| w.table.entity == table.entity).collect();
        let Some((_, first)) = ours.first() else { continue };
        let staging = format!("undo_{}", table.entity);
        let columns: Vec<&str> = table.key.iter().copied().chain(first.columns()).collect();
        let columns = columns.join(", ");
        tx.batch(&format!(
            "CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS
             SELECT {columns}, CAST(0 AS BIGINT) AS turn FROM {} WITH NO DATA",
            table.entity
        ))?;
        let rows: Vec<Vec<Value>> = ours
            .iter()
            .map(|(turn, w)| w.key_values().chain(w.old_values()).chain([Value::Integer(*turn as i64)]).collect())
            .collect();
        tx.copy_in(&staging, &format!("{columns}, turn"), rows.iter().map(|r| r.iter().map(Value::param)))?;
        tx.batch(&table.update_from_staging(&staging, first.columns(), "", "turn"))?;
    }
    tx.batch(
        "CREATE TEMPORARY TABLE undo_audit (turn BIGINT, entity TEXT, key TEXT, old TEXT, new TEXT) ON COMMIT DROP",
    )?;
    // The undo's old values are what the batch wrote; its new ones, what the batch overwrote.
    let logged: Vec<[String; 3]> =
        overwrites.iter().map(|w| [w.key.to_string(), w.new.to_string(), w.old.to_string()]).collect();
    let rows = overwrites.iter().zip(&logged).enumerate().map(|(turn, (w, [key, written, restored]))| {
        let entity = Param::Text(w.table.entity);
        [Param::Int(turn as i64), entity, Param::Text(key), Param::Text(written), Param::Text(restored)]
    });
    tx.copy_in("undo_audit", "turn, entity, key, old, new", rows)?;
    tx.execute(
        "INSERT INTO audit (at, operator, batch_id, entity, key, action, old, new)
         SELECT ?1, ?2, ?3, entity, key, 'update', old, new FROM undo_audit ORDER BY turn",
        params![actor.at, actor.operator, actor.batch],
    )?;
    Ok(())
}

/// Branches `import learners --create-branches` made, logged as inserts under the batch.
fn delete_created_branches(tx: &Tx, actor: &Actor, batch: i64) -> Result<usize> {
    let sql = format!(
        "SELECT {} FROM audit WHERE batch_id = ?1 AND entity = 'branch' AND action = 'insert'",
        tx.engine().json_text("key", "code")
    );
    let codes: Vec<String> = tx.all(&sql, params![batch], |r| r.get(0))?;
    let mut deleted = 0;
    for code in codes {
        let row: Option<(i64, String)> =
            tx.optional("SELECT id, name FROM branch WHERE code = ?1", params![code], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let Some((id, name)) = row else { continue };
        let used: bool =
            tx.one("SELECT EXISTS (SELECT 1 FROM learner WHERE branch_id = ?1)", params![id], |r| r.get(0))?;
        if used {
            // Learners added since belong to it: the branch stays with them.
            continue;
        }
        tx.execute("DELETE FROM branch WHERE id = ?1", params![id])?;
        let key = json!({ "code": code, "id": id });
        db::audit(tx, actor, "branch", &key, Action::Delete, Some(&json!({ "name": name })), None)?;
        deleted += 1;
    }
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A column added to a table without a word here would be deleted by undo and lost from the
    /// audit log: every column is logged, as key, value or batch.
    #[test]
    fn undo_logs_every_column_of_what_it_deletes() {
        let dir = tempfile::tempdir().unwrap();
        let (conn, _) = db::create(&dir.path().join("x.db")).unwrap();
        let conn = conn.sqlite().unwrap();
        for d in &DELETED {
            let mut stmt = conn.prepare("SELECT name FROM pragma_table_info(?1) ORDER BY name").unwrap();
            let stored: Vec<String> =
                stmt.query_map([d.table.entity], |r| r.get(0)).unwrap().collect::<rusqlite::Result<_>>().unwrap();
            let mut logged: Vec<&str> = d.table.key.iter().chain(d.table.values).chain(d.unwritten).copied().collect();
            logged.push("batch_id");
            if d.row_id.is_some() {
                logged.push("id");
            }
            logged.sort_unstable();
            assert_eq!(stored, logged, "{}", d.table.entity);
        }
        for t in KEYED {
            assert!(DELETED.iter().any(|d| d.table.entity == t.entity), "{}", t.entity);
        }
    }

    #[test]
    fn a_deleted_row_is_logged_as_before() {
        let learner = &DELETED[6];
        assert_eq!(learner.key_sql(Engine::Sqlite), "json_object('staff_id', staff_id, 'learner_id', id)");
        assert_eq!(
            learner.old_sql(Engine::Sqlite),
            "json_object('name', name, 'branch_id', branch_id, 'category', category, 'joined', joined, \
             'left_on', left_on, 'batch_id', batch_id)"
        );
    }
}
