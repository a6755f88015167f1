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
pub type Describe<'d> = &'d dyn Fn(&[Value], &[Value], &Row) -> crate::msg::Msg;

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
            "INSERT INTO {} ({}) VALUES {} ON CONFLICT DO NOTHING",
            t.entity,
            columns.join(", "),
            vec![one.as_str(); self.pending.len()].join(", "),
        );
        let batch = job.actor.batch.map_or(Value::Null, Value::Integer);
        let params = self.pending.iter().flat_map(|(_, (a, b), values)| {
            [Value::Integer(*a), Value::Integer(*b)].into_iter().chain(values.iter().cloned()).chain([batch.clone()])
        });
        // An import always runs under its batch, whose id marks its new rows (no audit row each).
        let inserted = job.tx.prepare_cached(&sql)?.execute(params_from_iter(params))? as i64;
        job.counts.new += inserted;
        if inserted == self.pending.len() as i64 {
            self.pending.clear();
            self.keys.clear();
            return Ok(());
        }
        // Some keys were stored already: read each row once. A stored row that carries this batch
        // and these values is one this statement just wrote or the same row given earlier in the
        // file; taking the statement's count off them leaves the unchanged ones.
        let select = format!(
            "SELECT {}, batch_id FROM {} WHERE {} = ?1 AND {} = ?2",
            t.values.join(", "),
            t.entity,
            t.key[0],
            t.key[1]
        );
        let n = t.values.len();
        let mut ours = 0;
        for (row, key, values) in self.pending.drain(..) {
            let stored: Option<(Vec<Value>, Option<i64>)> = job
                .tx
                .prepare_cached(&select)?
                .query_row([key.0, key.1], |r| {
                    Ok(((0..n).map(|i| r.get(i)).collect::<rusqlite::Result<_>>()?, r.get(n)?))
                })
                .optional()?;
            match stored {
                Some((stored, batch)) if self.writer.same(&stored, &values) => {
                    if batch == job.actor.batch {
                        ours += 1;
                    } else {
                        job.counts.unchanged += 1;
                    }
                }
                _ => job.put(&self.writer, &row, &[Value::Integer(key.0), Value::Integer(key.1)], &values, describe)?,
            }
        }
        job.counts.unchanged += ours - inserted;
        self.keys.clear();
        Ok(())
    }
}
