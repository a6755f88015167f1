//! Writing learners and their lives (SPEC v2 §2): enrolment, leaving and returning, dated
//! changes of category and branch, exemptions, corrections, removal. Every write is audited.
//! Reading lives is `lives`'.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde_json::json;

use crate::credit::Learner;
use crate::date;
use crate::db::{audit, params, Action, Actor, Engine, Param, Tx};
use crate::error::Result;
use crate::model::Category;
use crate::store::{lives, sql_to_json, Value};

/// Adds a learner (`joined`: None when enrolled from before any record), audited.
pub fn add_learner(
    tx: &Tx,
    actor: &Actor,
    staff_id: &str,
    name: &str,
    branch_id: i64,
    category: Category,
    joined: Option<NaiveDate>,
) -> Result<()> {
    let joined = joined.map(date::iso);
    tx.execute(
        "INSERT INTO learner (staff_id, name, branch_id, category, joined) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![staff_id, name, branch_id, category.code(), joined],
    )?;
    let new = json!({ "name": name, "branch_id": branch_id, "category": category.code(), "joined": joined });
    audit(tx, actor, "learner", &json!({ "staff_id": staff_id }), Action::Insert, None, Some(&new))
}

/// A learner a roster import adds: the id reserved for them (see `next_learner_id`) and the
/// row's values.
pub struct NewLearner {
    pub id: i64,
    pub staff_id: String,
    pub name: String,
    pub branch_id: i64,
    pub category: Category,
    pub joined: Option<String>,
}

/// The id the next learner added gets: an import reserves ids from it, holding the write lock, as
/// SQLite gives row ids.
pub fn next_learner_id(tx: &Tx) -> Result<i64> {
    tx.one("SELECT COALESCE(MAX(id), 0) + 1 FROM learner", params![], |r| r.get(0))
}

/// Every learner's name and join date as stored, by id.
pub fn names_and_joins(tx: &Tx) -> Result<HashMap<i64, (String, Option<String>)>> {
    let mut out = HashMap::new();
    tx.each("SELECT id, name, joined FROM learner", params![], |r| {
        out.insert(r.get(0)?, (r.get(1)?, r.get(2)?));
        Ok(())
    })?;
    Ok(out)
}

/// Writes learners an import adds, their staff ids new to the school, under its batch (no audit
/// row each): on PostgreSQL by COPY, its identity then moved past them; on SQLite one prepared
/// insert each. Not under a batch, each is audited.
pub fn insert_imported_learners(tx: &Tx, actor: &Actor, rows: &[NewLearner]) -> Result<()> {
    let Some(batch) = actor.batch else {
        for l in rows {
            let joined = l.joined.as_deref().and_then(date::parse);
            add_learner(tx, actor, &l.staff_id, &l.name, l.branch_id, l.category, joined)?;
        }
        return Ok(());
    };
    fn fields(l: &NewLearner, batch: i64) -> [Param<'_>; 7] {
        [
            Param::Int(l.id),
            Param::Text(&l.staff_id),
            Param::Text(&l.name),
            Param::Int(l.branch_id),
            Param::Text(l.category.code()),
            l.joined.as_deref().map_or(Param::Null, Param::Text),
            Param::Int(batch),
        ]
    }
    const COLUMNS: &str = "id, staff_id, name, branch_id, category, joined, batch_id";
    match tx.engine() {
        Engine::Sqlite => {
            for l in rows {
                tx.execute(
                    "INSERT INTO learner (id, staff_id, name, branch_id, category, joined, batch_id)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    fields(l, batch),
                )?;
            }
        }
        Engine::Postgres => {
            let copied = rows.iter().map(|l| fields(l, batch));
            if crate::store::grant::bound(tx)? {
                // A role row-level security binds (`grant`) may not COPY into the table: the rows
                // are copied beside it and inserted from there, each seen by the policies.
                tx.batch(&format!(
                    "CREATE TEMPORARY TABLE IF NOT EXISTS new_learner ON COMMIT DROP AS
                     SELECT {COLUMNS} FROM learner WITH NO DATA;
                     TRUNCATE new_learner"
                ))?;
                tx.copy_in("new_learner", COLUMNS, copied)?;
                tx.execute(&format!("INSERT INTO learner ({COLUMNS}) SELECT {COLUMNS} FROM new_learner"), params![])?;
            } else {
                tx.copy_in("learner", COLUMNS, copied)?;
            }
            if let (Some(sql), Some(last)) = (tx.engine().identity_past("learner"), rows.iter().map(|l| l.id).max()) {
                tx.one(&sql, params![last], |_| Ok(()))?;
            }
        }
    }
    Ok(())
}

/// Renames a learner, audited with the old name. Like any overwrite by a command, the row leaves
/// the import batch that wrote it (its old batch id is in the audit row), so that undoing that
/// batch is refused rather than silently putting the old name back.
pub fn rename(tx: &Tx, actor: &Actor, l: &Learner, name: &str) -> Result<()> {
    let batch = leave_batch(tx, l.id)?;
    tx.execute("UPDATE learner SET name = ?1 WHERE id = ?2", params![name, l.id])?;
    let (old, new) = (json!({ "name": l.name, "batch_id": batch }), json!({ "name": name, "batch_id": null }));
    audit(tx, actor, "learner", &json!({ "staff_id": l.staff_id }), Action::Update, Some(&old), Some(&new))
}

/// Gives a learner another staff id, audited under their row id (the staff id is what changes);
/// the row leaves its import batch as a rename does.
pub fn set_staff_id(tx: &Tx, actor: &Actor, l: &Learner, new: &str) -> Result<()> {
    let batch = leave_batch(tx, l.id)?;
    tx.execute("UPDATE learner SET staff_id = ?1 WHERE id = ?2", params![new, l.id])?;
    let (old, new) =
        (json!({ "staff_id": l.staff_id, "batch_id": batch }), json!({ "staff_id": new, "batch_id": null }));
    audit(tx, actor, "learner", &json!({ "learner_id": l.id }), Action::Update, Some(&old), Some(&new))
}

/// Takes learner `id` out of the import batch that last wrote their row, returning that batch.
fn leave_batch(tx: &Tx, id: i64) -> Result<Option<i64>> {
    let batch = tx.one("SELECT batch_id FROM learner WHERE id = ?1", params![id], |r| r.get(0))?;
    tx.execute("UPDATE learner SET batch_id = NULL WHERE id = ?1", params![id])?;
    Ok(batch)
}

/// Ends the learner's latest (open) spell on `day`: the first spell's end is the learner row's
/// `left_on`, a later spell's its own row's `end`.
pub fn leave(tx: &Tx, actor: &Actor, l: &Learner, day: NaiveDate) -> Result<()> {
    let day = date::iso(day);
    if l.life.spells.len() <= 1 {
        tx.execute("UPDATE learner SET left_on = ?1 WHERE id = ?2", params![day, l.id])?;
        let (old, new) = (json!({ "left_on": null }), json!({ "left_on": day }));
        audit(tx, actor, "learner", &json!({ "staff_id": l.staff_id }), Action::Update, Some(&old), Some(&new))
    } else {
        let start = l.life.spells.last().and_then(|s| s.start).map(date::iso);
        tx.execute("UPDATE spell SET \"end\" = ?1 WHERE learner_id = ?2 AND start = ?3", params![day, l.id, start])?;
        let key = json!({ "staff_id": l.staff_id, "learner_id": l.id, "start": start });
        audit(tx, actor, "spell", &key, Action::Update, Some(&json!({ "end": null })), Some(&json!({ "end": day })))
    }
}

/// Starts a new (open) spell of the learner on `day`, audited.
pub fn add_spell(tx: &Tx, actor: &Actor, l: &Learner, day: NaiveDate) -> Result<()> {
    let day = date::iso(day);
    tx.execute("INSERT INTO spell (learner_id, start) VALUES (?1, ?2)", params![l.id, day])?;
    let key = json!({ "staff_id": l.staff_id, "learner_id": l.id, "start": day });
    audit(tx, actor, "spell", &key, Action::Insert, None, Some(&json!({ "end": null })))
}

/// Adds an exemption from `from` to `to`, audited with its row id.
pub fn add_exemption(tx: &Tx, actor: &Actor, l: &Learner, from: NaiveDate, to: NaiveDate, reason: &str) -> Result<()> {
    let (from, to) = (date::iso(from), date::iso(to));
    let id: i64 = tx.one(
        "INSERT INTO exemption (learner_id, from_date, to_date, reason) VALUES (?1, ?2, ?3, ?4) RETURNING id",
        params![l.id, from, to, reason],
        |r| r.get(0),
    )?;
    let key = json!({ "staff_id": l.staff_id, "learner_id": l.id, "exemption": id });
    let new = json!({ "from_date": from, "to_date": to, "reason": reason });
    audit(tx, actor, "exemption", &key, Action::Insert, None, Some(&new))
}

/// A learner's category or branch (its row id) from a day on.
#[derive(Debug, Clone, Copy)]
pub enum Change {
    Category(Category),
    Branch(i64),
}

/// Records a category or branch that holds from `day` on: a change already dated `day` is
/// overwritten (audited with its old value), else one is added.
pub fn dated_change(tx: &Tx, actor: &Actor, l: &Learner, change: Change, day: NaiveDate) -> Result<()> {
    let (table, column, value) = match change {
        Change::Category(c) => ("category_change", "category", Value::Text(c.code().to_string())),
        Change::Branch(id) => ("branch_change", "branch_id", Value::Integer(id)),
    };
    let iso = date::iso(day);
    let old: Option<Value> = tx.optional(
        &format!("SELECT {column} FROM {table} WHERE learner_id = ?1 AND from_date = ?2"),
        params![l.id, iso],
        |r| r.get(0),
    )?;
    let key = json!({ "staff_id": l.staff_id, "learner_id": l.id, "from_date": iso });
    let json_of = |v: &Value| json!({ column: sql_to_json(v) });
    match old {
        Some(old) => {
            tx.execute(
                &format!("UPDATE {table} SET {column} = ?1 WHERE learner_id = ?2 AND from_date = ?3"),
                params![value, l.id, iso],
            )?;
            audit(tx, actor, table, &key, Action::Update, Some(&json_of(&old)), Some(&json_of(&value)))
        }
        None => {
            tx.execute(
                &format!("INSERT INTO {table} (learner_id, from_date, {column}) VALUES (?1, ?2, ?3)"),
                params![l.id, iso, value],
            )?;
            audit(tx, actor, table, &key, Action::Insert, None, Some(&json_of(&value)))
        }
    }
}

/// Removes a learner with their dated history, audited with all of it (`lives::history_json`).
pub fn delete_learner(tx: &Tx, actor: &Actor, l: &Learner) -> Result<()> {
    let old = lives::history_json(tx, l.id)?;
    for table in ["spell", "category_change", "branch_change", "exemption"] {
        tx.execute(&format!("DELETE FROM {table} WHERE learner_id = ?1"), params![l.id])?;
    }
    tx.execute("DELETE FROM learner WHERE id = ?1", params![l.id])?;
    let key = json!({ "staff_id": l.staff_id, "learner_id": l.id });
    audit(tx, actor, "learner", &key, Action::Delete, Some(&old), None)
}
