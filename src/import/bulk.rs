//! Writing many rows of a table keyed by two ids (attendance, results) a chunk at a time: one
//! multi-row INSERT … ON CONFLICT DO NOTHING RETURNING tells which keys were new; only the rest go
//! through `Writer::put` one by one (unchanged, conflict, update). Executing one statement per
//! row costs more than the row itself (cursor set-up, the CHECK's IN list, the statement's end).

use std::collections::HashSet;

use rusqlite::types::Value;
use rusqlite::{params_from_iter, OptionalExtension};

use super::{Job, Row};
use crate::error::Result;
use crate::store::{Table, Writer};

/// Rows per statement: well under SQLite's limit of bound parameters.
const CHUNK: usize = 256;

/// How a stored record that stops a row reads: (stored values, key, row) → message.
pub type Describe<'d> = &'d dyn Fn(&[Value], &[Value], &Row) -> String;

pub struct Bulk<'w> {
    table: &'static Table,
    writer: Writer<'w>,
    pending: Vec<(Row, (i64, i64), Vec<Value>)>,
    /// The keys pending, so that a key twice in one chunk is never taken for two new rows.
    keys: HashSet<(i64, i64)>,
}

impl Bulk<'static> {
    /// `known`: which of the table's value columns the sheet has (see `Writer::partial`).
    pub fn new(table: &'static Table, known: &[bool]) -> Bulk<'static> {
        Bulk { table, writer: Writer::partial(table, known), pending: Vec::with_capacity(CHUNK), keys: HashSet::new() }
    }
}

impl Bulk<'_> {
    pub fn push(
        &mut self,
        job: &mut Job,
        row: Row,
        key: (i64, i64),
        values: Vec<Value>,
        describe: Describe,
    ) -> Result<()> {
        if self.keys.contains(&key) || self.pending.len() == CHUNK {
            self.flush(job, describe)?;
        }
        self.keys.insert(key);
        self.pending.push((row, key, values));
        Ok(())
    }

    pub fn flush(&mut self, job: &mut Job, describe: Describe) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let t = self.table;
        let columns: Vec<&str> = t.key.iter().chain(t.values).copied().chain(std::iter::once("batch_id")).collect();
        let one = format!("({})", vec!["?"; columns.len()].join(", "));
        let sql = format!(
            "INSERT INTO {} ({}) VALUES {} ON CONFLICT DO NOTHING RETURNING {}",
            t.entity,
            columns.join(", "),
            vec![one.as_str(); self.pending.len()].join(", "),
            t.key.join(", ")
        );
        let batch = job.actor.batch.map_or(Value::Null, Value::Integer);
        let params = self.pending.iter().flat_map(|(_, (a, b), values)| {
            [Value::Integer(*a), Value::Integer(*b)].into_iter().chain(values.iter().cloned()).chain([batch.clone()])
        });
        let mut inserted = HashSet::with_capacity(self.pending.len());
        {
            let mut stmt = job.tx.prepare_cached(&sql)?;
            let mut rows = stmt.query(params_from_iter(params))?;
            while let Some(r) = rows.next()? {
                inserted.insert((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?));
            }
        }
        // A re-imported sheet is mostly unchanged rows: compare those with one cheap read each.
        let select =
            format!("SELECT {} FROM {} WHERE {} = ?1 AND {} = ?2", t.values.join(", "), t.entity, t.key[0], t.key[1]);
        for (row, key, values) in self.pending.drain(..) {
            // An import always runs under its batch, whose id marks its new rows (no audit row each).
            if inserted.contains(&key) {
                job.counts.new += 1;
                continue;
            }
            let stored: Option<Vec<Value>> = job
                .tx
                .prepare_cached(&select)?
                .query_row([key.0, key.1], |r| (0..t.values.len()).map(|i| r.get(i)).collect())
                .optional()?;
            if stored.as_deref().is_some_and(|stored| self.writer.same(stored, &values)) {
                job.counts.unchanged += 1;
            } else {
                job.put(&self.writer, &row, &[Value::Integer(key.0), Value::Integer(key.1)], &values, describe)?;
            }
        }
        self.keys.clear();
        Ok(())
    }
}
