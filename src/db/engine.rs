//! The engine seam: one transaction handle, `Tx`, over SQLite (rusqlite) or PostgreSQL (postgres),
//! with the few calls the store makes (execute, one row, an optional row, every row through a
//! callback), parameters of one small type (`Param`) and rows read by index (`Row::get`; on
//! PostgreSQL an array column's elements too, `Row::elements`).
//!
//! SQL is written once, in what both dialects share, with SQLite's `?1 … ?N` placeholders; the
//! PostgreSQL path rewrites them to `$1 … $N` here and nowhere else, once per statement text
//! (with the prepared statement, cached per connection). Where the dialects differ the store asks
//! `dialect`. The SQLite path costs what rusqlite costs: cached statements, parameters bound as
//! borrowed values, rows read in place, no allocation per row.

use std::cell::RefCell;
use std::collections::HashMap;

use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{IsNull, Type};

use crate::error::{Error, Result};
use crate::msg::Msg;

/// Which engine a handle runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A parameter, bound as it is: text is borrowed, never copied.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Param<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'a str),
}

/// What can be bound as a parameter (`params![…]` calls it on each argument).
pub trait ToParam {
    fn param(&self) -> Param<'_>;
}

impl ToParam for i64 {
    fn param(&self) -> Param<'_> {
        Param::Int(*self)
    }
}

impl ToParam for i32 {
    fn param(&self) -> Param<'_> {
        Param::Int(i64::from(*self))
    }
}

impl ToParam for bool {
    fn param(&self) -> Param<'_> {
        Param::Int(i64::from(*self))
    }
}

impl ToParam for f64 {
    fn param(&self) -> Param<'_> {
        Param::Real(*self)
    }
}

impl ToParam for str {
    fn param(&self) -> Param<'_> {
        Param::Text(self)
    }
}

impl ToParam for String {
    fn param(&self) -> Param<'_> {
        Param::Text(self)
    }
}

impl<T: ToParam> ToParam for Option<T> {
    fn param(&self) -> Param<'_> {
        self.as_ref().map_or(Param::Null, ToParam::param)
    }
}

impl<T: ToParam + ?Sized> ToParam for &T {
    fn param(&self) -> Param<'_> {
        (**self).param()
    }
}

impl ToParam for Value {
    fn param(&self) -> Param<'_> {
        match self {
            Value::Null => Param::Null,
            Value::Integer(i) => Param::Int(*i),
            Value::Real(f) => Param::Real(*f),
            Value::Text(s) => Param::Text(s),
        }
    }
}

impl ToParam for Param<'_> {
    fn param(&self) -> Param<'_> {
        *self
    }
}

/// The parameters of a statement, in order: `params![code, name, actor.batch]`.
macro_rules! params {
    () => {
        [] as [$crate::db::Param<'static>; 0]
    };
    ($($x:expr),+ $(,)?) => {
        [$($crate::db::ToParam::param(&$x)),+]
    };
}
pub(crate) use params;

/// A stored value of any type (a record a `store::Writer` compares and logs).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
}

impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput::Borrowed, ValueRef};
        Ok(Borrowed(match *self {
            Param::Null => ValueRef::Null,
            Param::Int(i) => ValueRef::Integer(i),
            Param::Real(f) => ValueRef::Real(f),
            Param::Text(s) => ValueRef::Text(s.as_bytes()),
        }))
    }
}

type BoxError = Box<dyn std::error::Error + Sync + Send>;

impl postgres::types::ToSql for Param<'_> {
    /// The server says what type each parameter is; an integer goes into any integer or boolean
    /// column (SQLite's schema and SQL use integers for both), text into any text.
    fn to_sql(&self, ty: &Type, out: &mut postgres::types::private::BytesMut) -> Result<IsNull, BoxError> {
        match *self {
            Param::Null => Ok(IsNull::Yes),
            Param::Int(i) => match *ty {
                Type::INT8 => i.to_sql(ty, out),
                Type::INT4 => i32::try_from(i)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(i)?.to_sql(ty, out),
                Type::BOOL => (i != 0).to_sql(ty, out),
                Type::FLOAT8 => (i as f64).to_sql(ty, out),
                Type::NUMERIC | Type::TEXT | Type::VARCHAR => {
                    Err(format!("an integer parameter where {ty} is wanted: cast it in the SQL").into())
                }
                _ => Err(format!("an integer parameter where {ty} is wanted").into()),
            },
            Param::Real(f) => match *ty {
                Type::FLOAT8 => f.to_sql(ty, out),
                Type::FLOAT4 => (f as f32).to_sql(ty, out),
                _ => Err(format!("a real parameter where {ty} is wanted").into()),
            },
            Param::Text(s) => s.to_sql(ty, out),
        }
    }

    fn accepts(ty: &Type) -> bool {
        matches!(
            *ty,
            Type::INT8
                | Type::INT4
                | Type::INT2
                | Type::BOOL
                | Type::FLOAT8
                | Type::FLOAT4
                | Type::TEXT
                | Type::VARCHAR
                | Type::BPCHAR
                | Type::NAME
                | Type::UNKNOWN
        )
    }

    postgres::types::to_sql_checked!();
}

/// One row of a result, read by column index.
pub struct Row<'r>(RowRef<'r>);

enum RowRef<'r> {
    Sqlite(&'r rusqlite::Row<'r>),
    Pg(&'r postgres::Row),
}

impl<'r> Row<'r> {
    pub fn get<T: Column>(&self, i: usize) -> Result<T> {
        match self.0 {
            // rusqlite's own conversion, as the store called it before the seam.
            RowRef::Sqlite(r) => Ok(r.get::<_, T>(i)?),
            RowRef::Pg(r) => {
                let (ty, raw) = pg_value(r, i)?;
                T::pg(ty, raw, i)
            }
        }
    }

    /// A text column's bytes, unchecked: the million-row paths match stored codes on them.
    pub fn bytes(&self, i: usize) -> Result<&[u8]> {
        Ok(match self.0 {
            RowRef::Sqlite(r) => r.get_ref(i)?.as_bytes().map_err(rusqlite::Error::from)?,
            RowRef::Pg(r) => match pg_value(r, i)? {
                (ty, Some(raw)) if <&str as postgres::types::FromSql>::accepts(ty) => raw,
                (ty, _) => return Err(wrong(i, &format!("{ty} is not text, or NULL"))),
            },
        })
    }

    /// A text column, borrowed from the row (the hot paths match codes without a `String`).
    pub fn str(&self, i: usize) -> Result<&str> {
        self.opt_str(i)?.ok_or_else(|| Error::Other(Msg::Database { detail: format!("column {i} is NULL") }))
    }

    /// A text column or NULL, borrowed from the row.
    pub fn opt_str(&self, i: usize) -> Result<Option<&str>> {
        Ok(match self.0 {
            RowRef::Sqlite(r) => r.get_ref(i)?.as_str_or_null().map_err(rusqlite::Error::from)?,
            RowRef::Pg(r) => {
                let (ty, raw) = pg_value(r, i)?;
                from_pg(ty, raw, i)?
            }
        })
    }

    /// An array column's elements, in order: PostgreSQL's `array_agg`, which brings a million
    /// values in a few thousand rows. SQLite has no arrays.
    pub fn elements(&self, i: usize) -> Result<Elements<'r>> {
        let RowRef::Pg(r) = self.0 else { return Err(wrong(i, "SQLite has no arrays")) };
        let (_, raw) = pg_value(r, i)?;
        let failed = |e: BoxError| wrong(i, &e.to_string());
        let array = postgres_protocol::types::array_from_sql(raw.ok_or_else(|| wrong(i, "NULL"))?).map_err(failed)?;
        let ty = Type::from_oid(array.element_type()).ok_or_else(|| wrong(i, "an array of an unknown type"))?;
        let dimensions: Vec<_> = array.dimensions().collect().map_err(failed)?;
        let len = match dimensions[..] {
            [] => 0,
            [d] => usize::try_from(d.len).map_err(|_| wrong(i, "a negative length"))?,
            _ => return Err(wrong(i, "an array of more than one dimension")),
        };
        Ok(Elements { ty, values: array.values(), len, column: i })
    }

    /// The number of columns.
    pub fn len(&self) -> usize {
        match self.0 {
            RowRef::Sqlite(r) => r.as_ref().column_count(),
            RowRef::Pg(r) => r.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A column's name, as the query names it.
    pub fn name(&self, i: usize) -> Result<&str> {
        Ok(match self.0 {
            RowRef::Sqlite(r) => r.as_ref().column_name(i)?,
            RowRef::Pg(r) => r.columns().get(i).map(|c| c.name()).ok_or_else(|| wrong(i, "no such column"))?,
        })
    }
}

fn wrong(i: usize, what: &str) -> Error {
    Error::Other(Msg::Database { detail: format!("column {i}: {what}") })
}

/// A PostgreSQL value as it came (binary), with its type: what every read of a column decodes.
fn pg_value(r: &postgres::Row, i: usize) -> Result<(&Type, Option<&[u8]>)> {
    let ty = r.columns().get(i).map(|c| c.type_()).ok_or_else(|| wrong(i, "no such column"))?;
    Ok((ty, r.try_get::<_, RawValue>(i)?.0))
}

/// The elements of an array column (`Row::elements`), read one after another as columns are.
pub struct Elements<'r> {
    ty: Type,
    values: postgres_protocol::types::ArrayValues<'r>,
    len: usize,
    /// The array's column, for errors.
    column: usize,
}

impl<'r> Elements<'r> {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The next element, as `T`; past the last, a database error.
    pub fn next_as<T: Column>(&mut self) -> Result<T> {
        let raw = self.next_raw()?;
        T::pg(&self.ty, raw, self.column)
    }

    fn next_raw(&mut self) -> Result<Option<&'r [u8]>> {
        use postgres::fallible_iterator::FallibleIterator;
        let column = self.column;
        self.values
            .next()
            .map_err(|e| wrong(column, &e.to_string()))?
            .ok_or_else(|| wrong(column, "past the last element"))
    }
}

/// A type a column can be read as, on either engine: on SQLite as rusqlite reads it, on
/// PostgreSQL from the value's bytes and type (`raw`: `None` for NULL).
pub trait Column: rusqlite::types::FromSql + Sized {
    fn pg(ty: &Type, raw: Option<&[u8]>, i: usize) -> Result<Self>;
}

/// Any PostgreSQL value, as its bytes (`None`: NULL).
struct RawValue<'a>(Option<&'a [u8]>);

impl<'a> postgres::types::FromSql<'a> for RawValue<'a> {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        Ok(RawValue(Some(raw)))
    }

    fn from_sql_null(_: &Type) -> Result<Self, BoxError> {
        Ok(RawValue(None))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

/// A PostgreSQL value decoded as `T`, which must accept its type (as `postgres::Row::try_get`).
fn from_pg<'a, T: postgres::types::FromSql<'a>>(ty: &Type, raw: Option<&'a [u8]>, i: usize) -> Result<T> {
    if !T::accepts(ty) {
        return Err(wrong(i, &format!("{ty} cannot be read as {}", std::any::type_name::<T>())));
    }
    T::from_sql_nullable(ty, raw).map_err(|e| wrong(i, &e.to_string()))
}

impl Column for i64 {
    /// Integers of any width (COUNT is BIGINT, a CAST to INTEGER is INT4) and booleans (the
    /// result of a comparison) read as SQLite gives them.
    fn pg(ty: &Type, raw: Option<&[u8]>, i: usize) -> Result<Self> {
        Ok(match *ty {
            Type::INT8 => from_pg::<i64>(ty, raw, i)?,
            Type::INT4 => from_pg::<i32>(ty, raw, i)?.into(),
            Type::INT2 => from_pg::<i16>(ty, raw, i)?.into(),
            Type::BOOL => from_pg::<bool>(ty, raw, i)?.into(),
            _ => return Err(wrong(i, &format!("{ty} is not an integer"))),
        })
    }
}

impl Column for i32 {
    fn pg(ty: &Type, raw: Option<&[u8]>, i: usize) -> Result<Self> {
        i32::try_from(i64::pg(ty, raw, i)?).map_err(|e| wrong(i, &e.to_string()))
    }
}

impl Column for bool {
    fn pg(ty: &Type, raw: Option<&[u8]>, i: usize) -> Result<Self> {
        Ok(i64::pg(ty, raw, i)? != 0)
    }
}

impl Column for f64 {
    fn pg(ty: &Type, raw: Option<&[u8]>, i: usize) -> Result<Self> {
        Ok(match *ty {
            Type::FLOAT8 => from_pg::<f64>(ty, raw, i)?,
            Type::FLOAT4 => from_pg::<f32>(ty, raw, i)?.into(),
            _ => i64::pg(ty, raw, i)? as f64,
        })
    }
}

impl Column for String {
    fn pg(ty: &Type, raw: Option<&[u8]>, i: usize) -> Result<Self> {
        from_pg(ty, raw, i)
    }
}

impl<T: Column> Column for Option<T> {
    fn pg(ty: &Type, raw: Option<&[u8]>, i: usize) -> Result<Self> {
        match raw {
            None => Ok(None),
            Some(_) => T::pg(ty, raw, i).map(Some),
        }
    }
}

impl rusqlite::types::FromSql for Value {
    fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        use rusqlite::types::ValueRef;
        Ok(match v {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(i) => Value::Integer(i),
            ValueRef::Real(f) => Value::Real(f),
            ValueRef::Text(t) | ValueRef::Blob(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        })
    }
}

impl Column for Value {
    fn pg(ty: &Type, raw: Option<&[u8]>, i: usize) -> Result<Self> {
        if raw.is_none() {
            return Ok(Value::Null);
        }
        Ok(match *ty {
            Type::INT8 | Type::INT4 | Type::INT2 | Type::BOOL => Value::Integer(i64::pg(ty, raw, i)?),
            Type::FLOAT8 | Type::FLOAT4 => Value::Real(f64::pg(ty, raw, i)?),
            _ => Value::Text(from_pg(ty, raw, i)?),
        })
    }
}

/// A PostgreSQL connection and its prepared statements, by their text as the store writes it.
pub struct PgConn {
    pub(super) client: postgres::Client,
    /// The role it logged in as (`session_user`).
    pub(super) role: String,
    /// Whether it works inside a school (not the server's view across schools).
    school: bool,
    statements: HashMap<String, Pg>,
}

/// A prepared PostgreSQL statement and which of the store's parameters it takes, in order.
#[derive(Clone)]
struct Pg {
    statement: postgres::Statement,
    /// The 1-based numbers of the `?N` the SQL names, as `$1 … $M` number them.
    takes: Vec<usize>,
}

impl Pg {
    /// The parameters the statement takes, of those the store passes for its SQL: PostgreSQL
    /// cannot type a parameter the SQL never names (an UPDATE of only the changed columns).
    fn params<'p>(&self, params: impl IntoIterator<Item = Param<'p>>) -> Vec<Param<'p>> {
        let all: Vec<Param> = params.into_iter().collect();
        self.takes.iter().map(|&n| all.get(n - 1).copied().unwrap_or(Param::Null)).collect()
    }
}

impl PgConn {
    pub fn new(client: postgres::Client, role: String, school: bool) -> PgConn {
        PgConn { client, role, school, statements: HashMap::new() }
    }

    /// A transaction; `read_only`: a read of one snapshot (repeatable read).
    pub(super) fn begin(&mut self, read_only: bool) -> Result<Tx<'_>> {
        let tx = if read_only {
            let mut tx = self
                .client
                .build_transaction()
                .isolation_level(postgres::IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()?;
            // No JIT compilation: a report's big reads (a year's attendance) take well under a
            // second, and compiling them first added a fifth of a second to the year report.
            let mut first = "SET LOCAL jit = off".to_string();
            // Before the snapshot is taken (at the first query): see `LOCKED_TO_SET_ASIDE`.
            if self.school {
                first += &format!("; LOCK TABLE {} IN ACCESS SHARE MODE", super::LOCKED_TO_SET_ASIDE);
            }
            tx.batch_execute(&first)?;
            tx
        } else {
            let mut tx = self.client.transaction()?;
            // One writer at a time, as SQLite's IMMEDIATE transaction: a command reads, checks
            // and writes (new ids are MAX + 1) knowing that no other command writes meanwhile.
            tx.batch_execute("SELECT pg_advisory_xact_lock(7874, hashtext(current_schema()))")?;
            tx
        };
        Ok(Tx(Inner::Pg(RefCell::new(PgTx { tx, statements: &mut self.statements }))))
    }
}

struct PgTx<'c> {
    tx: postgres::Transaction<'c>,
    statements: &'c mut HashMap<String, Pg>,
}

impl PgTx<'_> {
    /// The statement for `sql`, prepared (placeholders rewritten) the first time it is asked for.
    fn statement(&mut self, sql: &str) -> Result<Pg> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let (text, takes) = dollar_placeholders(sql);
        let s = Pg { statement: self.tx.prepare(&text)?, takes };
        self.statements.insert(sql.to_string(), s.clone());
        Ok(s)
    }

    fn query<'p>(
        &mut self,
        sql: &str,
        params: impl IntoIterator<Item = Param<'p>>,
        mut each: impl FnMut(&Row) -> Result<bool>,
    ) -> Result<()> {
        let stmt = self.statement(sql)?;
        let params = stmt.params(params);
        let mut rows = self.tx.query_raw(&stmt.statement, params.iter())?;
        while let Some(r) = rows.next()? {
            if !each(&Row(RowRef::Pg(&r)))? {
                break;
            }
        }
        Ok(())
    }
}

/// `?N` → `$M` outside string literals and quoted names: SQLite's numbered placeholders as
/// PostgreSQL writes them, numbered anew over those the SQL names (`?1 … ?3, ?5` → `$1 … $4`);
/// also returns which `?N` each `$M` is.
pub fn dollar_placeholders(sql: &str) -> (String, Vec<usize>) {
    let mut used = Vec::new();
    each_placeholder(sql, |n| {
        used.push(n);
        String::new()
    });
    used.sort_unstable();
    used.dedup();
    let text = each_placeholder(sql, |n| format!("${}", used.binary_search(&n).map_or(n, |m| m + 1)));
    (text, used)
}

/// `sql` with each `?N` outside quotes replaced by what `f` makes of N.
fn each_placeholder(sql: &str, mut f: impl FnMut(usize) -> String) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quote: Option<char> = None;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                }
                out.push(c);
            }
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                out.push(c);
            }
            None if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) => {
                let mut n = 0;
                while let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
                    n = n * 10 + d as usize;
                    chars.next();
                }
                out.push_str(&f(n));
            }
            None => out.push(c),
        }
    }
    out
}

/// One transaction of one command, on either engine: everything the store reads and writes goes
/// through it. Dropped without `commit`, it rolls back.
pub struct Tx<'c>(Inner<'c>);

enum Inner<'c> {
    Sqlite(rusqlite::Transaction<'c>),
    /// postgres's calls take `&mut`; the store shares `&Tx`. A query inside another's row callback
    /// is refused (`busy`), never a panic.
    Pg(RefCell<PgTx<'c>>),
}

impl<'c> Tx<'c> {
    pub(super) fn sqlite_tx(tx: rusqlite::Transaction<'c>) -> Tx<'c> {
        Tx(Inner::Sqlite(tx))
    }

    pub fn engine(&self) -> Engine {
        match self.0 {
            Inner::Sqlite(_) => Engine::Sqlite,
            Inner::Pg(_) => Engine::Postgres,
        }
    }

    /// The SQLite transaction underneath, for the SQLite fast paths (bulk writes, pragmas).
    pub fn sqlite(&self) -> Option<&rusqlite::Transaction<'c>> {
        match &self.0 {
            Inner::Sqlite(tx) => Some(tx),
            Inner::Pg(_) => None,
        }
    }

    fn pg<'a>(cell: &'a RefCell<PgTx<'c>>) -> Result<std::cell::RefMut<'a, PgTx<'c>>> {
        cell.try_borrow_mut()
            .map_err(|_| Error::Other(Msg::Database { detail: "a query inside a row callback".into() }))
    }

    /// Runs a statement; returns how many rows it changed.
    pub fn execute<'p>(&self, sql: &str, params: impl IntoIterator<Item = Param<'p>>) -> Result<usize> {
        match &self.0 {
            Inner::Sqlite(tx) => Ok(tx.prepare_cached(sql)?.execute(rusqlite::params_from_iter(params))?),
            Inner::Pg(cell) => {
                let mut pg = Self::pg(cell)?;
                let stmt = pg.statement(sql)?;
                let params = stmt.params(params);
                let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
                    params.iter().map(|p| p as &(dyn postgres::types::ToSql + Sync)).collect();
                Ok(pg.tx.execute(&stmt.statement, &refs)? as usize)
            }
        }
    }

    /// Runs statements without parameters, separated by semicolons (schema steps, an index).
    pub fn batch(&self, sql: &str) -> Result<()> {
        match &self.0 {
            Inner::Sqlite(tx) => Ok(tx.execute_batch(sql)?),
            Inner::Pg(cell) => Ok(Self::pg(cell)?.tx.batch_execute(sql)?),
        }
    }

    /// Calls `f` on every row, as the engine reads them (a million rows stream through, none kept).
    /// `f` must not query: on PostgreSQL the connection is busy reading.
    pub fn each<'p>(
        &self,
        sql: &str,
        params: impl IntoIterator<Item = Param<'p>>,
        mut f: impl FnMut(&Row) -> Result<()>,
    ) -> Result<()> {
        match &self.0 {
            Inner::Sqlite(tx) => {
                let mut stmt = tx.prepare_cached(sql)?;
                let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
                while let Some(r) = rows.next()? {
                    f(&Row(RowRef::Sqlite(r)))?;
                }
                Ok(())
            }
            Inner::Pg(cell) => Self::pg(cell)?.query(sql, params, |r| f(r).map(|()| true)),
        }
    }

    /// Every row, each read by `f`.
    pub fn all<'p, T>(
        &self,
        sql: &str,
        params: impl IntoIterator<Item = Param<'p>>,
        mut f: impl FnMut(&Row) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        self.each(sql, params, |r| {
            out.push(f(r)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// The first row, if there is one, read by `f`.
    pub fn optional<'p, T>(
        &self,
        sql: &str,
        params: impl IntoIterator<Item = Param<'p>>,
        f: impl FnOnce(&Row) -> Result<T>,
    ) -> Result<Option<T>> {
        match &self.0 {
            Inner::Sqlite(tx) => {
                let mut stmt = tx.prepare_cached(sql)?;
                let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
                match rows.next()? {
                    Some(r) => f(&Row(RowRef::Sqlite(r))).map(Some),
                    None => Ok(None),
                }
            }
            Inner::Pg(cell) => {
                let mut f = Some(f);
                let mut out = None;
                Self::pg(cell)?.query(sql, params, |r| {
                    if let Some(f) = f.take() {
                        out = Some(f(r)?);
                    }
                    Ok(false)
                })?;
                Ok(out)
            }
        }
    }

    /// The first row, read by `f`; no row is a database error (the caller knows there is one).
    pub fn one<'p, T>(
        &self,
        sql: &str,
        params: impl IntoIterator<Item = Param<'p>>,
        f: impl FnOnce(&Row) -> Result<T>,
    ) -> Result<T> {
        self.optional(sql, params, f)?
            .ok_or_else(|| Error::Other(Msg::Database { detail: "Query returned no rows".into() }))
    }

    /// PostgreSQL only: `rows` into `table`'s `columns` through one `COPY … FROM STDIN` in binary
    /// (each value sent as the column's type, as a parameter is); returns how many rows went in.
    pub fn copy_in<'p, R: IntoIterator<Item = Param<'p>>>(
        &self,
        table: &str,
        columns: &str,
        rows: impl IntoIterator<Item = R>,
    ) -> Result<u64> {
        let Inner::Pg(cell) = &self.0 else {
            return Err(Error::Other(Msg::Database { detail: "COPY is PostgreSQL's".into() }));
        };
        let mut pg = Self::pg(cell)?;
        let types: Vec<Type> = pg
            .statement(&format!("SELECT {columns} FROM {table}"))?
            .statement
            .columns()
            .iter()
            .map(|c| c.type_().clone())
            .collect();
        let copy = pg.tx.copy_in(&format!("COPY {table} ({columns}) FROM STDIN (FORMAT binary)"))?;
        let mut writer = postgres::binary_copy::BinaryCopyInWriter::new(copy, &types);
        let mut row: Vec<Param> = Vec::with_capacity(types.len());
        for r in rows {
            row.clear();
            row.extend(r);
            writer.write_raw(row.iter())?;
        }
        Ok(writer.finish()?)
    }

    pub fn commit(self) -> Result<()> {
        match self.0 {
            Inner::Sqlite(tx) => Ok(tx.commit()?),
            Inner::Pg(cell) => Ok(cell.into_inner().tx.commit()?),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_rewritten_outside_quotes() {
        assert_eq!(
            dollar_placeholders("SELECT '?1', \"a?2\" FROM t WHERE a = ?1 AND b = ?12"),
            ("SELECT '?1', \"a?2\" FROM t WHERE a = $1 AND b = $2".to_string(), vec![1, 12])
        );
        // A parameter the SQL leaves out is not sent: the server could not type it.
        assert_eq!(
            dollar_placeholders("UPDATE t SET a = ?3, b = ?5 WHERE k = ?1 AND j = ?2"),
            ("UPDATE t SET a = $3, b = $4 WHERE k = $1 AND j = $2".to_string(), vec![1, 2, 3, 5])
        );
    }
}
