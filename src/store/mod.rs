//! Writing records on their natural keys, the one way commands and imports both use: a new key is
//! inserted, the same values again change nothing, other values are a conflict unless the caller
//! asked to update. Every overwrite is audited with the old values (which `imports undo` restores).

pub mod admin;
pub mod batch;
pub mod bulk;
pub mod closed;
pub mod events;
pub mod grant;
pub mod ledger;
pub mod lives;
pub mod lookup;
pub mod people;
pub mod records;
pub mod rules;
pub mod school;
pub mod schools;
pub mod transcript;

use serde_json::{Map, Value as Json};

/// A stored value, as import kinds hand a record to a `Writer`.
pub use crate::db::Value;
use crate::db::{self, Action, Actor, ToParam, Tx};
use crate::error::Result;

/// A table written by natural key.
pub struct Table {
    pub entity: &'static str,
    pub key: &'static [&'static str],
    pub values: &'static [&'static str],
}

impl Table {
    /// PostgreSQL: an UPDATE of this table from the temporary table `staging` (the key columns and
    /// the columns written, and `order`): `columns` set from it (`assignments` appended as
    /// they are), a key staged twice taking its row of the highest `order`.
    pub fn update_from_staging<'a>(
        &self,
        staging: &str,
        columns: impl Iterator<Item = &'a str>,
        assignments: &str,
        order: &str,
    ) -> String {
        let keys = self.key.join(", ");
        let mut sets: Vec<String> = columns.map(|c| format!("{c} = u.{c}")).collect();
        sets.extend((!assignments.is_empty()).then(|| assignments.to_string()));
        let on: Vec<String> = self.key.iter().map(|k| format!("t.{k} = u.{k}")).collect();
        format!(
            "UPDATE {} t SET {} FROM (SELECT DISTINCT ON ({keys}) * FROM {staging} ORDER BY {keys}, {order} DESC) u
             WHERE {}",
            self.entity,
            sets.join(", "),
            on.join(" AND ")
        )
    }
}

pub const ATTENDANCE: Table =
    Table { entity: "attendance", key: &["session_id", "learner_id"], values: &["status", "hours"] };
/// The attendance table's index on learners, as schema.sql names it.
pub const ATTENDANCE_LEARNER: &str = "attendance_learner";
/// The result table's index on learners.
pub const RESULT_LEARNER: &str = "result_learner";
pub const RESULT: Table =
    Table { entity: "result", key: &["assessment_id", "learner_id"], values: &["score", "award"] };
pub const ONLINE: Table =
    Table { entity: "online", key: &["learner_id", "date", "source"], values: &["hours", "to_date"] };
pub const LEARNER: Table =
    Table { entity: "learner", key: &["staff_id"], values: &["name", "branch_id", "category", "joined"] };
/// Dated changes (SPEC v2): a category or branch from a day on.
pub const CATEGORY_CHANGE: Table =
    Table { entity: "category_change", key: &["learner_id", "from_date"], values: &["category"] };
pub const BRANCH_CHANGE: Table =
    Table { entity: "branch_change", key: &["learner_id", "from_date"], values: &["branch_id"] };
pub const COURSE: Table = Table { entity: "course", key: &["code"], values: &["title", "kind", "mode", "hours"] };
/// Sessions are written by row id, never put; undo reads their columns here.
pub const SESSION: Table =
    Table { entity: "session", key: &["id"], values: &["course_id", "date", "hours", "days", "teacher"] };

/// What a put did, or why it did not.
#[derive(Debug, Clone, PartialEq)]
pub enum Put {
    New,
    Unchanged,
    Updated,
    /// A stored record with the same key says otherwise; its values.
    Conflict(Vec<Value>),
    /// The same key came earlier in this batch with other values.
    Repeated(Vec<Value>),
}

/// What a record's values come to against those its key holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The same, in the columns the caller knows.
    Same,
    /// Others, which this batch wrote: the key given twice.
    Repeated,
    /// Others, and the caller did not ask to update.
    Conflict,
    /// Others, to be written over the stored ones (and audited).
    Overwrite,
}

/// An overwrite, as the key holds it after and the audit log keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct Overwrite {
    /// The given values in the columns the caller knows, the stored ones in the rest.
    pub merged: Vec<Value>,
    /// The audit row's key, old values and new values (each with the batch the row carries).
    pub key: Json,
    pub old: Json,
    pub new: Json,
}

/// Prepared SQL for one table; built once per command, used for every row.
pub struct Writer<'t> {
    table: &'t Table,
    /// Which value columns the caller knows: a sheet without a column says nothing about it, so
    /// that column is neither compared nor overwritten (a new record gets the value passed).
    known: Vec<bool>,
    insert: String,
    select: String,
    update: String,
    /// Which of key, values and batch (as `put` lists them) the update binds, in order.
    update_params: Vec<usize>,
}

impl<'t> Writer<'t> {
    pub fn new(table: &'t Table) -> Writer<'t> {
        Writer::partial(table, &vec![true; table.values.len()])
    }

    /// A writer for callers that know only some of the value columns (`known`, in table order).
    pub fn partial(table: &'t Table, known: &[bool]) -> Writer<'t> {
        let name = table.entity;
        let cols: Vec<&str> = table.key.iter().chain(table.values).copied().collect();
        let marks: Vec<String> = (1..=cols.len() + 1).map(|i| format!("?{i}")).collect();
        let key_match: Vec<String> = table.key.iter().enumerate().map(|(i, k)| format!("{k} = ?{}", i + 1)).collect();
        let key_match = key_match.join(" AND ");
        let nk = table.key.len();
        // The update binds the key, the known value columns and the batch, in that order
        // (PostgreSQL cannot type a parameter a statement does not use).
        let set: Vec<usize> = (0..table.values.len()).filter(|i| known.get(*i).copied().unwrap_or(true)).collect();
        let sets: Vec<String> =
            set.iter().enumerate().map(|(n, &i)| format!("{} = ?{}", table.values[i], nk + n + 1)).collect();
        let update_params: Vec<usize> =
            (0..nk).chain(set.iter().map(|i| nk + i)).chain(std::iter::once(cols.len())).collect();
        Writer {
            table,
            known: known.to_vec(),
            insert: format!(
                "INSERT INTO {name} ({}, batch_id) VALUES ({}) ON CONFLICT DO NOTHING",
                cols.join(", "),
                marks.join(", ")
            ),
            select: format!("SELECT {}, batch_id FROM {name} WHERE {key_match}", table.values.join(", ")),
            update: format!(
                "UPDATE {name} SET {}, batch_id = ?{} WHERE {key_match}",
                sets.join(", "),
                nk + set.len() + 1
            ),
            update_params,
        }
    }

    /// Inserts or compares (and with `update`, overwrites) one record.
    pub fn put(&self, tx: &Tx, actor: &Actor, key: &[Value], values: &[Value], update: bool) -> Result<Put> {
        let batch = batch_value(actor);
        let params = || key.iter().chain(values).chain(std::iter::once(&batch)).map(Value::param);
        if tx.execute(&self.insert, params())? == 1 {
            if actor.batch.is_none() {
                db::audit(
                    tx,
                    actor,
                    self.table.entity,
                    &self.key_json(key),
                    Action::Insert,
                    None,
                    Some(&self.values_json(values, None)),
                )?;
            }
            return Ok(Put::New);
        }
        let n = self.table.values.len();
        let (stored, stored_batch) = tx.one(&self.select, key.iter().map(Value::param), |r| {
            let stored = (0..n).map(|i| r.get::<Value>(i)).collect::<Result<Vec<_>>>()?;
            Ok((stored, r.get::<Option<i64>>(n)?))
        })?;
        match self.judge(&stored, stored_batch, values, actor, update) {
            Verdict::Same => return Ok(Put::Unchanged),
            Verdict::Repeated => return Ok(Put::Repeated(stored)),
            Verdict::Conflict => return Ok(Put::Conflict(stored)),
            Verdict::Overwrite => {}
        }
        let all: Vec<&Value> = key.iter().chain(values).chain(std::iter::once(&batch)).collect();
        tx.execute(&self.update, self.update_params.iter().map(|&i| all[i].param()))?;
        let o = self.overwrite(actor, key, &stored, stored_batch, values);
        db::audit(tx, actor, self.table.entity, &o.key, Action::Update, Some(&o.old), Some(&o.new))?;
        Ok(Put::Updated)
    }

    /// What `values` come to against what their key holds (`stored`, under `stored_batch`): the
    /// one judgement of `put` and of the bulk writes that read stored rows themselves.
    pub fn judge(
        &self,
        stored: &[Value],
        stored_batch: Option<i64>,
        values: &[Value],
        actor: &Actor,
        update: bool,
    ) -> Verdict {
        if self.same(stored, values) {
            Verdict::Same
        } else if actor.batch.is_some() && stored_batch == actor.batch {
            Verdict::Repeated
        } else if !update {
            Verdict::Conflict
        } else {
            Verdict::Overwrite
        }
    }

    /// An overwrite of `stored` (under `stored_batch`) by `values`: what the key holds after it
    /// and its audit row's key, old and new values.
    pub fn overwrite(
        &self,
        actor: &Actor,
        key: &[Value],
        stored: &[Value],
        stored_batch: Option<i64>,
        values: &[Value],
    ) -> Overwrite {
        let merged: Vec<Value> = values
            .iter()
            .zip(stored)
            .zip(&self.known)
            .map(|((given, had), known)| if *known { given.clone() } else { had.clone() })
            .collect();
        Overwrite {
            key: self.key_json(key),
            old: self.values_json(stored, Some(stored_batch)),
            new: self.values_json(&merged, Some(actor.batch)),
            merged,
        }
    }

    /// Which value columns the caller knows (see `partial`).
    pub fn known(&self) -> &[bool] {
        &self.known
    }

    /// Whether a stored record says what `values` say, in the columns the caller knows.
    pub fn same(&self, stored: &[Value], values: &[Value]) -> bool {
        stored.iter().zip(values).zip(&self.known).all(|((had, given), known)| !known || had == given)
    }

    pub fn key_json(&self, key: &[Value]) -> Json {
        columns_json(self.table.key, key)
    }

    /// The values as JSON; with `batch`, the batch id the row carries too (what undo restores).
    pub fn values_json(&self, values: &[Value], batch: Option<Option<i64>>) -> Json {
        let mut json = columns_json(self.table.values, values);
        if let (Some(batch), Json::Object(map)) = (batch, &mut json) {
            map.insert("batch_id".into(), batch.map_or(Json::Null, Json::from));
        }
        json
    }
}

fn batch_value(actor: &Actor) -> Value {
    actor.batch.map_or(Value::Null, Value::Integer)
}

/// `{"col": value, …}` for an audit row.
pub fn columns_json(names: &[&str], values: &[Value]) -> Json {
    let mut map = Map::new();
    for (name, v) in names.iter().zip(values) {
        map.insert((*name).to_string(), sql_to_json(v));
    }
    Json::Object(map)
}

pub fn sql_to_json(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Integer(i) => Json::from(*i),
        Value::Real(f) => Json::from(*f),
        Value::Text(s) => Json::from(s.as_str()),
    }
}

pub fn json_to_sql(v: &Json) -> Value {
    match v {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Integer(i64::from(*b)),
        Json::Number(n) => n.as_i64().map_or_else(|| Value::Real(n.as_f64().unwrap_or(0.0)), Value::Integer),
        Json::String(s) => Value::Text(s.clone()),
        other => Value::Text(other.to_string()),
    }
}

/// Text or NULL.
pub fn text(s: Option<&str>) -> Value {
    s.map_or(Value::Null, |s| Value::Text(s.to_string()))
}

/// Integer or NULL.
pub fn int(i: Option<i64>) -> Value {
    i.map_or(Value::Null, Value::Integer)
}

impl crate::model::Counts {
    pub fn add(&mut self, put: &Put) {
        match put {
            Put::New => self.new += 1,
            Put::Unchanged => self.unchanged += 1,
            Put::Updated => self.updated += 1,
            _ => {}
        }
    }
}
