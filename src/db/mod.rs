//! The database file: creation (private to its owner), the pragmas every connection needs,
//! migrations by `PRAGMA user_version`, and the audit log.

use std::path::Path;

mod dialect;
mod engine;

use rusqlite::{OpenFlags, TransactionBehavior};
use serde_json::Value as Json;

pub(crate) use engine::params;
pub use engine::{Column, Elements, Engine, Param, PgConn, Row, ToParam, Tx, Value};

use crate::error::{Error, Result};
use crate::msg::{IoWhy, Msg};

/// The whole schema: its steps, each after a `-- @step N` line (the first step has none).
const SCHEMA: &str = include_str!("../../schema.sql");

/// The same schema on PostgreSQL, step for step: one migration history per engine.
const SCHEMA_PG: &str = include_str!("../../schema-pg.sql");

/// Migration steps of a schema: step `i` takes a database from version `i` to `i + 1`. Never edit
/// a shipped step; add one.
fn steps(schema: &'static str) -> impl Iterator<Item = &'static str> {
    // Each later step begins with the rest of its marker line (`2 ----`): skip that line.
    schema.split("\n-- @step ").enumerate().map(|(i, s)| {
        if i == 0 {
            s
        } else {
            s.split_once('\n').map_or("", |(_, rest)| rest)
        }
    })
}

pub const VERSION: i64 = 2;

/// A school's tables on PostgreSQL at the current version: those its schema's steps create and do
/// not drop, with the two the program makes itself (its version; `grant`'s roles, grant.sql).
/// What `grant` gives and takes: the default school may share its schema with others' tables.
pub fn school_tables() -> Vec<&'static str> {
    let mut tables = vec!["schema_version", "grant_role"];
    for line in SCHEMA_PG.lines() {
        let name = |rest: &'static str| rest.split(|c: char| c.is_whitespace() || c == '(' || c == ';').next();
        if let Some(table) = line.strip_prefix("CREATE TABLE ").and_then(name) {
            tables.push(table);
        } else if let Some(table) = line.strip_prefix("DROP TABLE ").and_then(name) {
            tables.retain(|t| *t != table);
        }
    }
    tables
}

/// The page size of a new database, in bytes. Larger than SQLite's 4 KiB: a bulk import splits
/// and logs a quarter as many pages (importing a million attendance rows takes about 13% less
/// time), and reports read whole tables. A database keeps the size it was created with.
const PAGE_SIZE: i64 = 16 * 1024;

/// Statements each SQLite connection keeps prepared (rusqlite keeps 16): every statement of the
/// store goes through the cache, and a command's hot loops must not push each other's out.
const STATEMENT_CACHE: usize = 64;

/// A database connection, on either engine: what commands hold, and open transactions on.
pub struct Connection(Conn);

enum Conn {
    Sqlite(rusqlite::Connection),
    Pg(Box<PgConn>),
}

impl Connection {
    pub fn engine(&self) -> Engine {
        match self.0 {
            Conn::Sqlite(_) => Engine::Sqlite,
            Conn::Pg(_) => Engine::Postgres,
        }
    }

    /// On PostgreSQL, the role the connection logged in as (`session_user`): the audit log's
    /// operator there.
    pub fn role(&self) -> Option<&str> {
        match &self.0 {
            Conn::Sqlite(_) => None,
            Conn::Pg(pg) => Some(&pg.role),
        }
    }

    /// The SQLite connection underneath, for what only SQLite has (pragmas, the backup API).
    pub fn sqlite(&self) -> Option<&rusqlite::Connection> {
        match &self.0 {
            Conn::Sqlite(c) => Some(c),
            Conn::Pg(_) => None,
        }
    }
}

/// How long a command waits for another writer before it gives up (SPEC §7: at least 5 s).
const BUSY_TIMEOUT_MS: u32 = 60_000;

/// The server a `--db` names, if it is a PostgreSQL URL (`postgres://…`, `postgresql://…`);
/// anything else is a SQLite file.
pub fn postgres_url(db: &Path) -> Option<&str> {
    db.to_str().filter(|s| s.starts_with("postgres://") || s.starts_with("postgresql://"))
}

/// The database as messages name it: a file's path, a server's URL without its password (in the
/// user part, or a `password=` parameter), which a terminal or a log should not show.
pub fn shown(db: &Path) -> String {
    let Some(url) = postgres_url(db) else { return db.display().to_string() };
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let authority = match authority.rsplit_once('@') {
        Some((user, host)) => format!("{}@{host}", user.split(':').next().unwrap_or(user)),
        None => authority.to_string(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let kept: Vec<&str> = query.split('&').filter(|p| !p.starts_with("password=")).collect();
            if kept.is_empty() {
                path.to_string()
            } else {
                format!("{path}?{}", kept.join("&"))
            }
        }
        None => tail.to_string(),
    };
    format!("{scheme}://{authority}{tail}")
}

/// The schema that holds school `code` on a PostgreSQL server (`school_` and the code in lower
/// case), or `None` when the code is not letters, digits and underscores (at most 40 of them).
pub fn school_schema(code: &str) -> Option<String> {
    let fits = !code.is_empty() && code.len() <= 40 && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    fits.then(|| format!("school_{}", code.to_ascii_lowercase()))
}

/// Opens an existing database and brings it to the current schema.
pub fn open(path: &Path) -> Result<Connection> {
    open_school(path, None)
}

/// Opens an existing database, on a server in school `school`'s schema (`None`: the server's
/// default school, its `public` schema), and brings it to the current schema.
pub fn open_school(path: &Path, school: Option<&str>) -> Result<Connection> {
    if let Some(url) = postgres_url(path) {
        return open_postgres(url, school, false).map(|(conn, _)| conn);
    }
    if !path.exists() {
        return Err(Error::Other(Msg::NoDatabase { path: path.display().to_string() }));
    }
    let conn = rusqlite::Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    configure(&conn).map_err(|e| not_a_database(e, path))?;
    migrate(&conn)?;
    Ok(Connection(Conn::Sqlite(conn)))
}

/// A connection for what spans a server's schools (`report schools`): no school need exist, none
/// is migrated. A SQLite file opens as one school (which such a command then refuses).
pub fn open_server(path: &Path) -> Result<Connection> {
    let Some(url) = postgres_url(path) else { return open_school(path, None) };
    let mut client = postgres::Client::connect(url, postgres::NoTls)?;
    let role = session_user(&mut client)?;
    Ok(Connection(Conn::Pg(Box::new(PgConn::new(client, role, false)))))
}

/// The role a server connection logged in as: the operator of every change made through it.
fn session_user(client: &mut impl postgres::GenericClient) -> Result<String> {
    Ok(client.query_one("SELECT session_user::text", &[])?.get(0))
}

/// Creates the database file readable and writable by its owner only, or opens it if it exists,
/// and brings it to the current schema. Returns whether the file was created.
pub fn create(path: &Path) -> Result<(Connection, bool)> {
    create_school(path, None)
}

/// As `create`, on a server in school `school`'s schema, which is made if need be.
pub fn create_school(path: &Path, school: Option<&str>) -> Result<(Connection, bool)> {
    if let Some(url) = postgres_url(path) {
        return open_postgres(url, school, true);
    }
    let created = create_private_file(path)?;
    let conn = rusqlite::Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    if created {
        // Only an empty file takes a page size; WAL mode fixes it for good.
        conn.pragma_update(None, "page_size", PAGE_SIZE)?;
    }
    configure(&conn).map_err(|e| not_a_database(e, path))?;
    migrate(&conn)?;
    Ok((Connection(Conn::Sqlite(conn)), created))
}

/// Connects to a PostgreSQL database and brings it to the current schema; with `create`, a
/// database without the schema gets it (`init`), else it is refused as SQLite refuses a missing
/// file. Returns whether the schema was created.
fn open_postgres(url: &str, school: Option<&str>, create: bool) -> Result<(Connection, bool)> {
    let mut client = postgres::Client::connect(url, postgres::NoTls)?;
    let schema = match school {
        Some(code) => school_schema(code).ok_or_else(|| Error::usage(Msg::SchoolCodeInvalid { code: code.into() }))?,
        None => "public".to_string(),
    };
    // Every statement of the connection names its tables unqualified: they are the school's.
    // Only its schema (and the catalogue) is searched, so two schools' records never meet.
    client.batch_execute(&format!("SET search_path TO {schema}"))?;
    let mut tx = client.transaction()?;
    // One migration of a school at a time: a second process waits here, then finds the work
    // done. Other schools' commands go on.
    tx.batch_execute(&format!("SELECT pg_advisory_xact_lock(7873, hashtext('{schema}'))"))?;
    if create && school.is_some() {
        tx.batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))?;
    }
    if !create {
        readable(&mut tx, &schema, school)?;
    }
    let exists: bool = tx.query_one("SELECT to_regclass('schema_version') IS NOT NULL", &[])?.get(0);
    if !exists && !create {
        return Err(Error::Other(match school {
            Some(code) => Msg::NoSchool { school: code.to_string(), path: shown(Path::new(url)) },
            None => Msg::NoDatabase { path: shown(Path::new(url)) },
        }));
    }
    if !exists {
        tx.batch_execute(
            "CREATE TABLE schema_version (version BIGINT NOT NULL); INSERT INTO schema_version VALUES (0)",
        )?;
    }
    let version: i64 = tx.query_one("SELECT version FROM schema_version", &[])?.get(0);
    if version > VERSION {
        return Err(Error::Other(Msg::SchemaNewer { version, known: VERSION }));
    }
    // A database at the current version is left untouched: a granted role (`grant`) may open it
    // without the right to change the schema.
    if version < VERSION {
        for step in steps(SCHEMA_PG).skip(version as usize) {
            tx.batch_execute(step)?;
        }
        tx.execute("UPDATE schema_version SET version = $1", &[&VERSION])?;
    }
    let role = session_user(&mut tx)?;
    tx.commit()?;
    Ok((Connection(Conn::Pg(Box::new(PgConn::new(client, role, true)))), !exists))
}

/// Refuses a school that is there but that the role may not read (never granted, or the grant
/// taken back): said as such, not as a school to create, nor as the server's bare refusal of its
/// first table.
fn readable(tx: &mut postgres::Transaction, schema: &str, school: Option<&str>) -> Result<()> {
    let row = tx.query_opt(
        "SELECT has_schema_privilege(oid, 'USAGE'),
                has_schema_privilege(oid, 'USAGE') AND (to_regclass(nspname || '.schema_version') IS NULL
                    OR has_table_privilege(nspname || '.schema_version', 'SELECT'))
         FROM pg_namespace WHERE nspname = $1",
        &[&schema],
    )?;
    let Some(row) = row else { return Ok(()) };
    let detail = match (row.get(0), row.get(1)) {
        (false, _) => format!("permission denied for schema {schema}"),
        (true, false) => "permission denied for table schema_version".to_string(),
        (true, true) => return Ok(()),
    };
    Err(Error::invalid(match school {
        Some(code) => Msg::SchoolNotReadable { school: code.to_string(), detail },
        None => Msg::DefaultSchoolNotReadable { detail },
    }))
}

/// Drops school `code` from its server with all its records (the demo's own school, rebuilt).
pub fn drop_school(conn: &mut Connection, code: &str) -> Result<()> {
    let schema = school_schema(code).ok_or_else(|| Error::usage(Msg::SchoolCodeInvalid { code: code.into() }))?;
    match &mut conn.0 {
        Conn::Pg(pg) => Ok(pg.client.batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))?),
        Conn::Sqlite(_) => Ok(()),
    }
}

/// SQLite would create the file with the umask's permissions; make it first, mode 0600. Its WAL
/// and shared-memory files take the same permissions from it.
fn create_private_file(path: &Path) -> Result<bool> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(Error::Other(Msg::CannotCreate { path: path.display().to_string(), why: IoWhy::from(&e) })),
    }
}

/// The first statement on a file that is not SQLite's (a spreadsheet named .db, a damaged file)
/// fails with SQLite's "file is not a database": said of the file, in the user's language.
fn not_a_database(e: Error, path: &Path) -> Error {
    match &e {
        Error::Other(Msg::Database { detail }) if detail.contains("file is not a database") => {
            Error::Other(Msg::NotADatabase { path: path.display().to_string() })
        }
        _ => e,
    }
}

fn configure(conn: &rusqlite::Connection) -> Result<()> {
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    conn.busy_timeout(std::time::Duration::from_millis(BUSY_TIMEOUT_MS.into()))?;
    conn.pragma_update(None, "foreign_keys", true)?;
    let mode: String = conn.pragma_update_and_check(None, "journal_mode", "wal", |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::Other(Msg::NotWal { mode }));
    }
    // One commit per command: a full sync costs one fsync and keeps the last command on power loss.
    conn.pragma_update(None, "synchronous", "FULL")?;
    Ok(())
}

fn migrate(conn: &rusqlite::Connection) -> Result<()> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version > VERSION {
        return Err(Error::Other(Msg::SchemaNewer { version, known: VERSION }));
    }
    if version == VERSION {
        return Ok(());
    }
    // A step may rebuild a table that others reference; foreign keys are checked after it, in
    // the same transaction (the pragma cannot change inside one).
    conn.pragma_update(None, "foreign_keys", false)?;
    let migrated = (|| {
        let tx = rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
        // Another process may have migrated while this one waited for the lock.
        let version: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        for step in steps(SCHEMA).skip(version as usize) {
            tx.execute_batch(step)?;
        }
        let broken: i64 = tx.query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
        if broken > 0 {
            return Err(Error::Other(Msg::UpgradeBroken { n: broken }));
        }
        tx.pragma_update(None, "user_version", VERSION)?;
        tx.commit()?;
        Ok(())
    })();
    conn.pragma_update(None, "foreign_keys", true)?;
    migrated
}

/// The write transaction of one command: taken at once, so that a second writer waits its turn
/// (busy timeout) instead of failing half-way.
pub fn write(conn: &mut Connection) -> Result<Tx<'_>> {
    match &mut conn.0 {
        Conn::Sqlite(c) => Ok(Tx::sqlite_tx(c.transaction_with_behavior(TransactionBehavior::Immediate)?)),
        Conn::Pg(pg) => pg.begin(false),
    }
}

/// A read transaction: every query of a report sees one snapshot.
pub fn read(conn: &mut Connection) -> Result<Tx<'_>> {
    match &mut conn.0 {
        Conn::Sqlite(c) => Ok(Tx::sqlite_tx(c.transaction_with_behavior(TransactionBehavior::Deferred)?)),
        Conn::Pg(pg) => pg.begin(true),
    }
}

/// PostgreSQL: the tables whose indexes a large change sets aside (attendance, results, the audit
/// log) with those an attendance row's foreign keys reference, in the order they are locked. A
/// change that sets an index or a key aside first takes them all exclusively; a read of a school
/// takes them shared first. A report that began before the change then holds all it needs and the
/// change waits for it; one that begins after waits holding nothing. Otherwise each could hold
/// what the other waits for, and the server would end one of them.
pub const LOCKED_TO_SET_ASIDE: &str = "attendance, audit, import_batch, learner, result, session";

/// An index set aside while most of its table changes at once, and built again before the
/// transaction ends. Placing (or removing) a million entries one by one at scattered places of an
/// index costs more than building it anew from sorted keys, which SQLite's CREATE INDEX does; and
/// unlike scattered placement, the sort's cost does not grow once the index outgrows the page
/// cache. All in the caller's transaction: a kill before the commit leaves the index as it was.
#[derive(Debug, Default)]
pub struct DroppedIndex {
    /// The index's definition as the schema holds it, to build it again.
    sql: Option<String>,
}

impl DroppedIndex {
    /// Whether a bulk change of `changing` rows of a table that holds `stored` rows (before the
    /// change, or with the rows added so far) is cheaper with the index built anew: when the rows
    /// changing outnumber those that stay as they are.
    pub fn pays(changing: i64, stored: i64) -> bool {
        changing > stored
    }

    /// Drops the index `name` (one of the schema's, never a user's word).
    pub fn drop(tx: &Tx, name: &'static str) -> Result<DroppedIndex> {
        let sql: Option<String> = tx.optional(tx.engine().index_definition(), params![name], |r| r.get(0))?;
        if sql.is_some() {
            if tx.engine() == Engine::Postgres {
                tx.batch(&format!("LOCK TABLE {LOCKED_TO_SET_ASIDE} IN ACCESS EXCLUSIVE MODE"))?;
            }
            tx.batch(&format!("DROP INDEX {name}"))?;
        }
        Ok(DroppedIndex { sql })
    }

    pub fn is_dropped(&self) -> bool {
        self.sql.is_some()
    }

    /// Builds the index again, if it was dropped.
    pub fn build(self, tx: &Tx) -> Result<()> {
        if let Some(sql) = self.sql {
            tx.batch(&sql)?;
        }
        Ok(())
    }
}

/// Who changes records, when, and (for an import) under which batch.
#[derive(Debug, Clone)]
pub struct Actor {
    pub operator: String,
    /// RFC 3339 with the local offset: `2024-03-15T10:02:11+08:00`.
    pub at: String,
    pub batch: Option<i64>,
}

impl Actor {
    pub fn new(operator: &str) -> Actor {
        Actor {
            operator: operator.to_string(),
            at: chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            batch: None,
        }
    }
}

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Insert,
    Update,
    Delete,
}

impl Action {
    fn code(self) -> &'static str {
        match self {
            Action::Insert => "insert",
            Action::Update => "update",
            Action::Delete => "delete",
        }
    }
}

/// Writes one audit row. `key` names the record (natural key and row ids), `old` and `new` its
/// values before and after.
pub fn audit(
    tx: &Tx,
    actor: &Actor,
    entity: &str,
    key: &Json,
    action: Action,
    old: Option<&Json>,
    new: Option<&Json>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO audit (at, operator, batch_id, entity, key, action, old, new)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            actor.at,
            actor.operator,
            actor.batch,
            entity,
            key.to_string(),
            action.code(),
            old.map(Json::to_string),
            new.map(Json::to_string),
        ],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_is_shown_without_its_password() {
        let shown = |db: &str| shown(Path::new(db));
        assert_eq!(shown("postgresql://li:s3cr@t@db.example:5432/xs"), "postgresql://li@db.example:5432/xs");
        assert_eq!(shown("postgres://li@db/xs?sslmode=require&password=x"), "postgres://li@db/xs?sslmode=require");
        assert_eq!(shown("postgres://db/xs?password=x"), "postgres://db/xs");
        assert_eq!(shown("postgres://li:pw@db"), "postgres://li@db");
        assert_eq!(shown("学时.db"), "学时.db");
    }

    #[test]
    fn the_schema_has_one_step_per_version() {
        assert_eq!(steps(SCHEMA).count() as i64, VERSION);
        assert_eq!(steps(SCHEMA_PG).count() as i64, VERSION);
    }

    #[test]
    fn a_schools_tables_are_those_of_a_new_database() {
        let dir = tempfile::tempdir().unwrap();
        let (conn, _) = create(&dir.path().join("x.db")).unwrap();
        let mut stmt = conn
            .sqlite()
            .unwrap()
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            .unwrap();
        let mut on_sqlite: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect();
        // SQLite keeps its version in a pragma; grant is PostgreSQL's.
        on_sqlite.extend(["schema_version".to_string(), "grant_role".to_string()]);
        on_sqlite.sort();
        let mut ours = school_tables();
        ours.sort_unstable();
        assert_eq!(ours, on_sqlite);
        assert!(!ours.contains(&"rule"), "dropped in step 2");
    }

    #[test]
    fn a_new_database_is_private_and_current() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.db");
        let (conn, created) = create(&path).unwrap();
        assert!(created);
        let sqlite = conn.sqlite().unwrap();
        let v: i64 = sqlite.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(v, VERSION);
        let fk: i64 = sqlite.pragma_query_value(None, "foreign_keys", |r| r.get(0)).unwrap();
        assert_eq!(fk, 1);
        let page: i64 = sqlite.pragma_query_value(None, "page_size", |r| r.get(0)).unwrap();
        assert_eq!(page, PAGE_SIZE);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        drop(conn);
        let (_, created) = create(&path).unwrap();
        assert!(!created, "init twice opens the same file");
    }
}
