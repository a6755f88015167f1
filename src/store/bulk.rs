//! Writing many rows of a table keyed by two ids (attendance, results) a chunk at a time. A chunk
//! is put in key order (its rows then land side by side in the table's B-tree) and written by
//! multi-row INSERT OR IGNORE statements, whose change counts say which rows were new; only the
//! rows of a statement that did not insert them all are read back, in the sheet's order, and go
//! through `Writer::put` (unchanged, conflict, update: overwrites audited as always). Records are
//! plain values: the hot path allocates nothing per row.
//!
//! OR IGNORE, not ON CONFLICT DO NOTHING: a statement that can abort half-way (a CHECK or NOT NULL
//! constraint under ABORT) makes SQLite copy every page it touches into a statement journal first.
//! A row that OR IGNORE skipped for a reason other than its key is read back like any other and
//! fails in `Writer::put`, whose single-row insert does abort on it. (PostgreSQL takes the same
//! statements with ON CONFLICT DO NOTHING; its imports are to go through COPY instead.)

use std::cell::OnceCell;
use std::collections::HashMap;

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::ToSql;

use crate::db::{params, Actor, DroppedIndex, Engine, Param, ToParam, Tx, Value};
use crate::error::Result;
use crate::model::Counts;
use crate::msg::Msg;
use crate::store::{Overwrite, Put, Table, Verdict, Writer, ATTENDANCE_LEARNER};

/// Rows `push` gathers before it writes them.
const CHUNK: usize = 4096;

/// Rows per INSERT statement: each statement opens its cursors once for all of them.
const ROWS_PER_STATEMENT: usize = 256;

/// How a stored record that stops a row reads: (stored values, key) → message.
pub type Describe<'d> = &'d (dyn Fn(&[Value], &[Value]) -> Msg + Sync);

/// A value of a record written in bulk, bound as it is (no `Value`, and no `String`, per row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Null,
    Int(i64),
    /// A vocabulary code (`present`, `first`).
    Code(&'static str),
}

impl Field {
    pub fn int(i: Option<i64>) -> Field {
        i.map_or(Field::Null, Field::Int)
    }

    pub fn code(c: Option<&'static str>) -> Field {
        c.map_or(Field::Null, Field::Code)
    }

    /// As a parameter that borrows nothing (a code is `'static`).
    fn owned(self) -> Param<'static> {
        match self {
            Field::Null => Param::Null,
            Field::Int(i) => Param::Int(i),
            Field::Code(c) => Param::Text(c),
        }
    }

    fn value(self) -> Value {
        match self {
            Field::Null => Value::Null,
            Field::Int(i) => Value::Integer(i),
            Field::Code(c) => Value::Text(c.to_string()),
        }
    }
}

impl ToParam for Field {
    fn param(&self) -> Param<'_> {
        match *self {
            Field::Null => Param::Null,
            Field::Int(i) => Param::Int(i),
            Field::Code(c) => Param::Text(c),
        }
    }
}

/// SQLite's fast path binds fields straight into its statement.
impl ToSql for Field {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match *self {
            Field::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Field::Int(i) => ToSqlOutput::Borrowed(ValueRef::Integer(i)),
            Field::Code(c) => ToSqlOutput::Borrowed(ValueRef::Text(c.as_bytes())),
        })
    }
}

/// One record to write: its key (two ids), its two values, and the sheet line it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record {
    pub key: (i64, i64),
    pub values: [Field; 2],
    pub line: u64,
}

/// A record a `Bulk` writes: where in the sheet it came from, its key and values as the table's
/// columns take them, and its key as memory tells keys apart.
pub trait BulkRecord: Clone {
    type Key: Ord + std::hash::Hash + Clone;
    fn line(&self) -> u64;
    fn key(&self) -> Self::Key;
    /// The key's columns, then the values', bound as they are.
    fn fields<'a>(&'a self) -> impl Iterator<Item = Param<'a>> + 'a;
    fn key_values(&self) -> Vec<Value>;
    fn values(&self) -> Vec<Value>;
}

impl Record {
    /// Its columns as the table has them, then `last` (the batch).
    fn fields_and(&self, last: Field) -> [Field; 5] {
        [Field::Int(self.key.0), Field::Int(self.key.1), self.values[0], self.values[1], last]
    }
}

impl BulkRecord for Record {
    type Key = (i64, i64);

    fn line(&self) -> u64 {
        self.line
    }

    fn key(&self) -> (i64, i64) {
        self.key
    }

    fn fields<'a>(&'a self) -> impl Iterator<Item = Param<'a>> + 'a {
        let fields = [Field::Int(self.key.0), Field::Int(self.key.1), self.values[0], self.values[1]];
        fields.into_iter().map(|f| -> Param<'a> { f.owned() })
    }

    fn key_values(&self) -> Vec<Value> {
        vec![Value::Integer(self.key.0), Value::Integer(self.key.1)]
    }

    fn values(&self) -> Vec<Value> {
        self.values.iter().map(|v| v.value()).collect()
    }
}

/// A record of any key and values (online hours: a learner, a date and a source): fewer rows
/// than attendance, so held as stored values.
#[derive(Debug, Clone, PartialEq)]
pub struct Values {
    pub key: Vec<Value>,
    pub values: Vec<Value>,
    pub line: u64,
}

impl BulkRecord for Values {
    /// The key's values as text, apart by a separator no cell holds: equal keys, equal text.
    type Key = String;

    fn line(&self) -> u64 {
        self.line
    }

    fn key(&self) -> String {
        let parts: Vec<String> = self.key.iter().map(|v| format!("{v:?}")).collect();
        parts.join("\u{1f}")
    }

    fn fields<'a>(&'a self) -> impl Iterator<Item = Param<'a>> + 'a {
        self.key.iter().chain(&self.values).map(Value::param)
    }

    fn key_values(&self) -> Vec<Value> {
        self.key.clone()
    }

    fn values(&self) -> Vec<Value> {
        self.values.clone()
    }
}

/// Where a chunk is written, and what its rows come to.
pub struct Target<'a, 't> {
    pub tx: &'a Tx<'t>,
    pub actor: &'a Actor,
    pub update: bool,
    pub counts: &'a mut Counts,
}

pub struct Bulk<'w, R: BulkRecord = Record> {
    table: &'static Table,
    writer: Writer<'w>,
    /// SQLite: the statement that writes `ROWS_PER_STATEMENT` rows (a shorter last one is made as
    /// needed).
    full: OnceCell<String>,
    /// Rows gathered by `push`.
    pending: Vec<R>,
    /// Rows of statements that did not insert all of theirs: read back one by one.
    check: Vec<R>,
    /// Rows refused by what is stored: (line, message), for the reader to place and report.
    refused: Vec<(u64, Msg)>,
    /// PostgreSQL: whether the temporary table that COPY fills has been made.
    staged: bool,
    /// PostgreSQL: whether the temporary table of a chunk's overwrites has been made.
    overwriting: bool,
    /// PostgreSQL: whether a chunk is first copied into the table itself (see `copy_straight`).
    straight: bool,
}

impl<R: BulkRecord> Bulk<'static, R> {
    /// `known`: which of the table's value columns the sheet has (see `Writer::partial`).
    pub fn new(table: &'static Table, known: &[bool]) -> Bulk<'static, R> {
        Bulk {
            table,
            writer: Writer::partial(table, known),
            full: OnceCell::new(),
            pending: Vec::with_capacity(CHUNK),
            check: Vec::new(),
            refused: Vec::new(),
            staged: false,
            overwriting: false,
            straight: false,
        }
    }
}

impl<R: BulkRecord> Bulk<'_, R> {
    /// Adds a record, writing the chunk when it is full.
    pub fn push(&mut self, to: Target, record: R, describe: Describe) -> Result<()> {
        self.pending.push(record);
        if self.pending.len() == CHUNK {
            self.flush(to, describe)?;
        }
        Ok(())
    }

    /// Writes the records pushed so far.
    pub fn flush(&mut self, to: Target, describe: Describe) -> Result<()> {
        let mut records = std::mem::take(&mut self.pending);
        self.write(to, &mut records, describe)?;
        records.clear();
        self.pending = records;
        Ok(())
    }

    /// PostgreSQL: whether each chunk is first copied into the table itself, its keys taken to be
    /// new, instead of through the temporary table and the merge. A chunk with a key stored
    /// already (or any other error) is rolled back to the savepoint taken before it, and goes the
    /// merge's way, which judges each row. Worth it only with the table's foreign keys set aside
    /// (`LearnerIndex::set_aside`): with them each row is checked by a query of its own either way.
    pub fn copy_straight(&mut self, on: bool) {
        self.straight = on;
    }

    /// The rows refused so far, (line, message), to be reported at the key column.
    pub fn refused(&mut self) -> std::vec::Drain<'_, (u64, Msg)> {
        self.refused.drain(..)
    }

    /// Writes a chunk of records (reordered: by key). A conflict or a key given twice with other
    /// values is kept in `refused`.
    pub fn write(&mut self, mut to: Target, records: &mut [R], describe: Describe) -> Result<()> {
        let Some(conn) = to.tx.sqlite() else {
            return self.write_copied(to, records, describe);
        };
        // Key order, and the sheet's order among rows of one key (the first is the one written).
        records.sort_by_cached_key(|r| (r.key(), r.line()));
        let batch = to.actor.batch;
        // Inserted by the statements whose rows are read back.
        let mut inserted_checked = 0;
        for rows in records.chunks(ROWS_PER_STATEMENT) {
            let inserted = self.insert(conn, rows, batch)?;
            to.counts.new += inserted as i64;
            if inserted < rows.len() {
                inserted_checked += inserted as i64;
                self.check.extend_from_slice(rows);
            }
        }
        if self.check.is_empty() {
            return Ok(());
        }
        // Some keys were stored already: read each row once, in the sheet's order (overwrites are
        // audited in it). A stored row that carries this batch and these values is one this
        // chunk just wrote or the same row given earlier in the file; taking the statements'
        // count off them leaves the unchanged ones.
        self.check.sort_unstable_by_key(|r| r.line());
        let t = self.table;
        let on: Vec<String> = t.key.iter().enumerate().map(|(i, k)| format!("{k} = ?{}", i + 1)).collect();
        let select = format!("SELECT {}, batch_id FROM {} WHERE {}", t.values.join(", "), t.entity, on.join(" AND "));
        let n = t.values.len();
        let mut ours = 0;
        for r in std::mem::take(&mut self.check) {
            let values = r.values();
            let key = r.key_values();
            let stored: Option<(Vec<Value>, Option<i64>)> =
                to.tx.optional(&select, key.iter().map(Value::param), |row| {
                    Ok(((0..n).map(|i| row.get(i)).collect::<Result<_>>()?, row.get(n)?))
                })?;
            let stored = stored.as_ref().map(|(values, b)| (values.as_slice(), *b));
            self.judge(&mut to, &r, &values, stored, &mut ours, describe)?;
        }
        to.counts.unchanged += ours - inserted_checked;
        Ok(())
    }

    /// PostgreSQL: the chunk goes into a temporary table through COPY and is merged into the
    /// table by one INSERT … SELECT … ON CONFLICT DO NOTHING (in key order, and the sheet's among
    /// rows of one key: the first is the one written). When it did not insert them all, the
    /// chunk's rows are read back with what is stored under their keys, in one query, and are
    /// judged in memory in the sheet's order as `Writer::put` judges a row (unchanged, conflict,
    /// repeated, overwrite); the chunk's overwrites are then written and audited together
    /// (`write_overwrites`).
    fn write_copied(&mut self, mut to: Target, records: &mut [R], describe: Describe) -> Result<()> {
        if records.is_empty() {
            return Ok(());
        }
        let t = self.table;
        let columns: Vec<&str> = t.key.iter().chain(t.values).copied().collect();
        let columns = columns.join(", ");
        let batch = to.actor.batch;
        if self.straight {
            // Key order, as the merge inserts; a key given twice in the chunk is the merge's to judge.
            records.sort_by_cached_key(|r| r.key());
            if records.windows(2).all(|w| w[0].key() != w[1].key()) {
                if let Some(copied) = self.copy_into_table(to.tx, &columns, records, batch)? {
                    to.counts.new += copied as i64;
                    return Ok(());
                }
            }
        }
        let staging = format!("bulk_{}", t.entity);
        if self.staged {
            to.tx.batch(&format!("TRUNCATE {staging}"))?;
        } else {
            to.tx.batch(&format!(
                "CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS
                 SELECT {columns}, CAST(0 AS BIGINT) AS line FROM {} WITH NO DATA",
                t.entity
            ))?;
            self.staged = true;
        }
        records.sort_unstable_by_key(|r| r.line());
        let rows = records.iter().map(|r| fields_and(r, Param::Int(r.line() as i64)));
        to.tx.copy_in(&staging, &format!("{columns}, line"), rows)?;
        let keys = t.key.join(", ");
        let merge = format!(
            "INSERT INTO {} ({columns}, batch_id) SELECT {columns}, CAST(?1 AS BIGINT) FROM {staging}
             ORDER BY {keys}, line ON CONFLICT DO NOTHING",
            t.entity
        );
        let inserted = to.tx.execute(&merge, params![batch])? as i64;
        to.counts.new += inserted;
        if inserted == records.len() as i64 {
            return Ok(());
        }
        // Every row of the chunk, in the sheet's order, with what its key holds now.
        let on: Vec<String> = t.key.iter().map(|k| format!("s.{k} = t.{k}")).collect();
        let stored: Vec<String> = t.values.iter().map(|v| format!("t.{v}")).collect();
        let select = format!(
            "SELECT s.line, {}, t.batch_id FROM {staging} s JOIN {} t ON {} ORDER BY s.line",
            stored.join(", "),
            t.entity,
            on.join(" AND ")
        );
        let n = t.values.len();
        let rows: Vec<(u64, Vec<Value>, Option<i64>)> = to.tx.all(&select, params![], |row| {
            let line: i64 = row.get(0)?;
            Ok((line as u64, (1..=n).map(|i| row.get(i)).collect::<Result<_>>()?, row.get(n + 1)?))
        })?;
        // What each key holds as the rows go by: SQLite's path reads it again for each row.
        let mut now: HashMap<R::Key, (Vec<Value>, Option<i64>)> = HashMap::new();
        let mut overwrites = Vec::new();
        let mut ours = 0;
        for (line, stored, b) in rows {
            let Ok(i) = records.binary_search_by_key(&line, |r| r.line()) else { continue };
            let r = &records[i];
            let values = r.values();
            let (stored, b) = now.entry(r.key()).or_insert((stored, b));
            match self.writer.judge(stored, *b, &values, to.actor, to.update) {
                Verdict::Same => same(&mut to, *b, &mut ours),
                Verdict::Repeated => self.refuse(r, stored, true, describe),
                Verdict::Conflict => self.refuse(r, stored, false, describe),
                Verdict::Overwrite => {
                    let key = r.key_values();
                    let overwrite = self.writer.overwrite(to.actor, &key, stored, *b, &values);
                    // The key holds the given values (those the sheet has) and this batch.
                    stored.clone_from(&overwrite.merged);
                    *b = batch;
                    to.counts.updated += 1;
                    overwrites.push(Overwritten { key, line, overwrite });
                }
            }
        }
        self.write_overwrites(to.tx, to.actor, &overwrites)?;
        to.counts.unchanged += ours - inserted;
        Ok(())
    }

    /// PostgreSQL: writes a chunk's overwrites, gathered in the sheet's order, in four statements
    /// for the chunk (`Writer::put` takes four for each: insert, select, update, audit row): copied
    /// into a temporary table, written over the stored rows by one UPDATE … FROM, and logged by one
    /// INSERT … SELECT in the sheet's order (the audit rows get the ids, one after another, that
    /// rows logged one by one get). The server checks each row as it checks `Writer::put`'s
    /// UPDATE: a role's policy refuses it with the same error.
    fn write_overwrites(&mut self, tx: &Tx, actor: &Actor, overwrites: &[Overwritten]) -> Result<()> {
        if overwrites.is_empty() {
            return Ok(());
        }
        let t = self.table;
        let staging = format!("overwrite_{}", t.entity);
        let columns: Vec<&str> = t.key.iter().chain(t.values).copied().collect();
        let columns = columns.join(", ");
        if self.overwriting {
            tx.batch(&format!("TRUNCATE {staging}"))?;
        } else {
            tx.batch(&format!(
                "CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS
                 SELECT {columns}, CAST(0 AS BIGINT) AS line, CAST('' AS TEXT) AS audit_key,
                        CAST('' AS TEXT) AS audit_old, CAST('' AS TEXT) AS audit_new
                 FROM {} WITH NO DATA",
                t.entity
            ))?;
            self.overwriting = true;
        }
        let logged: Vec<[String; 3]> = overwrites
            .iter()
            .map(|w| [w.overwrite.key.to_string(), w.overwrite.old.to_string(), w.overwrite.new.to_string()])
            .collect();
        let rows = overwrites.iter().zip(&logged).map(|(w, [key, old, new])| {
            let logged = [Param::Int(w.line as i64), Param::Text(key), Param::Text(old), Param::Text(new)];
            w.key.iter().chain(&w.overwrite.merged).map(Value::param).chain(logged)
        });
        tx.copy_in(&staging, &format!("{columns}, line, audit_key, audit_old, audit_new"), rows)?;
        // Only the columns the sheet has; a key overwritten twice (only an import without a batch
        // could) ends with its last values.
        let known = t.values.iter().zip(self.writer.known()).filter(|(_, known)| **known).map(|(v, _)| *v);
        tx.execute(&t.update_from_staging(&staging, known, "batch_id = ?1", "line"), params![actor.batch])?;
        tx.execute(
            &format!(
                "INSERT INTO audit (at, operator, batch_id, entity, key, action, old, new)
                 SELECT ?1, ?2, ?3, '{}', audit_key, 'update', audit_old, audit_new FROM {staging} ORDER BY line",
                t.entity
            ),
            params![actor.at, actor.operator, actor.batch],
        )?;
        Ok(())
    }

    /// Copies `records` (keys distinct) into the table itself under a savepoint: the number of
    /// rows copied, or `None` when the server refused them (a key stored already, as a rule),
    /// rolled back to before them.
    fn copy_into_table(&self, tx: &Tx, columns: &str, records: &[R], batch: Option<i64>) -> Result<Option<u64>> {
        const SAVEPOINT: &str = "bulk_straight";
        let batch = Field::int(batch).owned();
        tx.batch(&format!("SAVEPOINT {SAVEPOINT}"))?;
        let rows = records.iter().map(|r| fields_and(r, batch));
        let copied = tx.copy_in(self.table.entity, &format!("{columns}, batch_id"), rows);
        match copied {
            Ok(n) => {
                tx.batch(&format!("RELEASE SAVEPOINT {SAVEPOINT}"))?;
                Ok(Some(n))
            }
            // A server that cannot roll back to the savepoint has lost the transaction: its error
            // is the one that counts.
            Err(refused) => {
                match tx.batch(&format!("ROLLBACK TO SAVEPOINT {SAVEPOINT}; RELEASE SAVEPOINT {SAVEPOINT}")) {
                    Ok(()) => Ok(None),
                    Err(_) => Err(refused),
                }
            }
        }
    }

    /// SQLite: judges a row whose key was stored already (`stored`: the values and batch the key
    /// holds, if it still holds any): one of this batch's own rows (counted in `ours`), unchanged,
    /// or handed to `Writer::put` — a conflict or a repeated row refused, an overwrite audited.
    fn judge(
        &mut self,
        to: &mut Target,
        r: &R,
        values: &[Value],
        stored: Option<(&[Value], Option<i64>)>,
        ours: &mut i64,
        describe: Describe,
    ) -> Result<()> {
        if let Some((_, b)) = stored.filter(|(stored, _)| self.writer.same(stored, values)) {
            same(to, b, ours);
            return Ok(());
        }
        match self.writer.put(to.tx, to.actor, &r.key_values(), values, to.update)? {
            Put::Conflict(stored) => self.refuse(r, &stored, false, describe),
            Put::Repeated(stored) => self.refuse(r, &stored, true, describe),
            put => to.counts.add(&put),
        }
        Ok(())
    }

    /// Keeps a row refused by what its key holds (`stored`): a conflict, or with `repeated` a key
    /// given twice.
    fn refuse(&mut self, r: &R, stored: &[Value], repeated: bool, describe: Describe) {
        let what = Box::new(describe(stored, &r.key_values()));
        let message = if repeated { Msg::RepeatedRow { what } } else { Msg::Conflict { what } };
        self.refused.push((r.line(), message));
    }

    /// Inserts the rows whose keys are not stored yet; returns how many it inserted.
    fn insert(&self, conn: &rusqlite::Connection, rows: &[R], batch: Option<i64>) -> Result<usize> {
        let shorter;
        let sql = if rows.len() == ROWS_PER_STATEMENT {
            self.full.get_or_init(|| insert_sql(self.table, ROWS_PER_STATEMENT))
        } else {
            shorter = insert_sql(self.table, rows.len());
            &shorter
        };
        // Every field bound in place, no parameter list built.
        let mut stmt = conn.prepare_cached(sql)?;
        stmt.raw_bind_parameter(1, Field::int(batch))?;
        let mut i = 1;
        for r in rows {
            for field in r.fields() {
                i += 1;
                stmt.raw_bind_parameter(i, field)?;
            }
        }
        Ok(stmt.raw_execute()?)
    }
}

impl Bulk<'_, Record> {
    /// PostgreSQL, with the table's primary key set aside (`LearnerIndex::set_key_aside`): copies
    /// `records`, which the caller knows to be of keys nothing stored holds, in one COPY as they
    /// come: the server takes rows while the sheet is still being read. A key given twice is
    /// found when the primary key is built again.
    pub fn copy_new(&mut self, to: Target, records: impl IntoIterator<Item = Record>) -> Result<()> {
        let t = self.table;
        let columns: Vec<&str> = t.key.iter().chain(t.values).copied().chain(std::iter::once("batch_id")).collect();
        let batch = Field::int(to.actor.batch);
        let rows = records.into_iter().map(|r| r.fields_and(batch).map(Field::owned));
        to.counts.new += to.tx.copy_in(t.entity, &columns.join(", "), rows)? as i64;
        Ok(())
    }
}

/// A row that says what its key holds (under batch `b`): one of this batch's own rows (counted in
/// `ours`: the statement that wrote it counted it new) or unchanged.
fn same(to: &mut Target, b: Option<i64>, ours: &mut i64) {
    if b == to.actor.batch {
        *ours += 1;
    } else {
        to.counts.unchanged += 1;
    }
}

/// An overwrite a chunk gathers on PostgreSQL: its key, its sheet line, what it writes and logs.
struct Overwritten {
    key: Vec<Value>,
    line: u64,
    overwrite: Overwrite,
}

/// A record's fields and one more (its line, its batch), as COPY takes a row.
fn fields_and<'a, R: BulkRecord>(r: &'a R, last: Param<'static>) -> impl Iterator<Item = Param<'a>> {
    r.fields().chain(std::iter::once(last))
}

/// `INSERT OR IGNORE INTO t (k1, k2, v1, v2, batch_id) VALUES (?2, ?3, ?4, ?5, ?1), …` for `rows`
/// rows: `?1` is the batch, bound once. An import always runs under its batch, whose id marks its
/// new rows (no audit row each).
fn insert_sql(t: &Table, rows: usize) -> String {
    let columns: Vec<&str> = t.key.iter().chain(t.values).copied().chain(std::iter::once("batch_id")).collect();
    let per_row = columns.len() - 1;
    let values: Vec<String> = (0..rows)
        .map(|r| {
            let marks: Vec<String> = (0..per_row).map(|c| format!("?{}", 2 + r * per_row + c)).collect();
            format!("({}, ?1)", marks.join(", "))
        })
        .collect();
    Engine::Sqlite.insert_ignoring(t.entity, &columns.join(", "), &values.join(", "))
}

/// The attendance table's index on learner_id during a large import: once the import has shown
/// that the rows still to come outnumber every row the table holds, it is dropped, and built
/// anew when the rows are written (see `db::DroppedIndex`). On PostgreSQL the table's foreign keys
/// go with it, and may its primary key (`set_key_aside`).
#[derive(Default)]
pub struct LearnerIndex {
    weighed: bool,
    dropped: DroppedIndex,
    /// PostgreSQL: the table's foreign keys set aside with the index, (name, definition). The
    /// server checks each row of a foreign key by a query of its own (three quarters of the
    /// import's time). They are added again unchecked (`NOT VALID`): each row the import wrote
    /// names a learner and a session it found or made, under locks that keep either from going.
    keys: Vec<(String, String)>,
    /// PostgreSQL: the primary key, when set aside too, (name, definition).
    primary: Option<(String, String)>,
}

/// New rows an import writes with the index kept before it weighs building it anew: on SQLite,
/// enough to foresee the rest of the sheet well; on PostgreSQL, a chunk, since every row written
/// with the foreign keys in place costs about ten times one written without them.
const WEIGH_AFTER: i64 = 1 << 16;
const WEIGH_AFTER_ON_POSTGRES: i64 = 1 << 12;

/// A table's constraints of one type ('f' foreign, 'p' primary), (name, definition).
const CONSTRAINTS: &str = "SELECT conname::text, pg_get_constraintdef(oid) FROM pg_constraint
                           WHERE conrelid = 'attendance'::regclass AND CAST(contype AS TEXT) = ?1
                           ORDER BY conname";

const NOT_VALID: &str = " NOT VALID";

impl LearnerIndex {
    /// Weighs, once `new` rows are written (or about to be) and the share `read` of the sheet is
    /// read, whether to build the index anew. True when it set the index aside now.
    pub fn weigh(&mut self, tx: &Tx, new: i64, read: f64) -> Result<bool> {
        let after = match tx.engine() {
            Engine::Sqlite => WEIGH_AFTER,
            Engine::Postgres => WEIGH_AFTER_ON_POSTGRES,
        };
        if self.weighed || new < after {
            return Ok(false);
        }
        self.weighed = true;
        // Rows to come, foreseen from the share of the sheet read so far.
        let to_come = if read > 0.0 && read < 1.0 { (new as f64 * (1.0 / read - 1.0)) as i64 } else { 0 };
        let stored: i64 = tx.one("SELECT COUNT(*) FROM attendance", params![], |r| r.get(0))?;
        if !DroppedIndex::pays(to_come, stored) {
            return Ok(false);
        }
        self.dropped = DroppedIndex::drop(tx, ATTENDANCE_LEARNER)?;
        // Only a role that owns the table may alter it (`grant`ed roles keep index and keys).
        if tx.engine() == Engine::Postgres && self.dropped.is_dropped() {
            self.keys = tx.all(CONSTRAINTS, params!["f"], |r| Ok((r.get(0)?, r.get(1)?)))?;
            for (name, _) in &self.keys {
                tx.batch(&format!("ALTER TABLE attendance DROP CONSTRAINT {name}"))?;
            }
        }
        Ok(self.dropped.is_dropped())
    }

    /// Whether the table's foreign keys are set aside (PostgreSQL): rows may then be copied
    /// into it straight (`Bulk::copy_straight`).
    pub fn set_aside(&self) -> bool {
        !self.keys.is_empty()
    }

    /// PostgreSQL, the foreign keys set aside: sets the primary key aside too, for an import whose
    /// rows are all to be new (`Bulk::copy_new`). Kept, the key costs the server a B-tree insert
    /// per row out of key order; built again at the end, one sort.
    pub fn set_key_aside(&mut self, tx: &Tx) -> Result<()> {
        if !self.set_aside() || self.primary.is_some() {
            return Ok(());
        }
        self.primary = tx.optional(CONSTRAINTS, params!["p"], |r| Ok((r.get(0)?, r.get(1)?)))?;
        if let Some((name, _)) = &self.primary {
            tx.batch(&format!("ALTER TABLE attendance DROP CONSTRAINT {name}"))?;
        }
        Ok(())
    }

    /// Whether the primary key is set aside.
    pub fn key_aside(&self) -> bool {
        self.primary.is_some()
    }

    /// Builds again what was set aside. False, the transaction as it was before the primary key
    /// was tried, when the primary key could not be built (a key given twice in the sheet): the
    /// import must then start over the careful way.
    pub fn build(self, tx: &Tx) -> Result<bool> {
        if let Some((name, definition)) = &self.primary {
            const SAVEPOINT: &str = "primary_key";
            tx.batch(&format!("SAVEPOINT {SAVEPOINT}"))?;
            if let Err(refused) = tx.batch(&format!("ALTER TABLE attendance ADD CONSTRAINT {name} {definition}")) {
                // A server that cannot roll back to the savepoint has lost the transaction.
                return match tx.batch(&format!("ROLLBACK TO SAVEPOINT {SAVEPOINT}")) {
                    Ok(()) => Ok(false),
                    Err(_) => Err(refused),
                };
            }
        }
        for (name, definition) in &self.keys {
            let definition = definition.strip_suffix(NOT_VALID).unwrap_or(definition);
            tx.batch(&format!("ALTER TABLE attendance ADD CONSTRAINT {name} {definition}{NOT_VALID}"))?;
        }
        self.dropped.build(tx)?;
        Ok(true)
    }
}
