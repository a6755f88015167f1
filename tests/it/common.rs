//! The harness: a temporary folder with its own database, running the real `xueshi` binary.

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

/// A fresh folder and database for one test: a SQLite file in the folder, or with
/// `$XUESHI_TEST_ENGINE=postgres` a school of its own on the one PostgreSQL server of the test
/// process (`--db postgres://… --school tN`), so that the same tests run on both engines.
pub struct School {
    pub dir: tempfile::TempDir,
    db: PathBuf,
}

/// Whether the tests run on PostgreSQL (`$XUESHI_TEST_ENGINE=postgres`), else on SQLite files.
pub fn on_postgres() -> bool {
    std::env::var("XUESHI_TEST_ENGINE").is_ok_and(|e| e == "postgres")
}

/// For a test of what only a SQLite file has (its permissions, its journal, a file of another
/// version): on PostgreSQL it says "skipped: …" and returns true (the test then returns).
pub fn sqlite_only(why: &str) -> bool {
    if on_postgres() {
        crate::output::skipped(&format!("on PostgreSQL: {why}"));
    }
    on_postgres()
}

/// The database of the PostgreSQL engine's schools, made once per test process.
fn pg_database() -> &'static str {
    static DB: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DB.get_or_init(|| crate::postgres::shared().database())
}

/// A `--db` of the PostgreSQL engine names its school after `#`: `postgresql://…/db#t5`. The
/// harness splits it into `--db` and `--school`; `None` for a SQLite file.
pub fn pg_target(db: &Path) -> Option<(&str, &str)> {
    let s = db.to_str()?;
    if !s.starts_with("postgres") {
        return None;
    }
    s.split_once('#')
}

/// The arguments that name database `db` (a `School::db()`): `--db FILE`, or on PostgreSQL
/// `--db URL --school CODE`.
pub fn db_args(db: &Path) -> Vec<String> {
    match pg_target(db) {
        Some((url, school)) => vec!["--db".into(), url.into(), "--school".into(), school.into()],
        None => vec!["--db".into(), db.display().to_string()],
    }
}

/// A connection to a PostgreSQL test school, its tables first on the search path.
fn pg_client(db: &Path) -> Option<postgres::Client> {
    let (url, school) = pg_target(db)?;
    let mut client = postgres::Client::connect(url, postgres::NoTls).expect("connect to the test server");
    client.batch_execute(&format!("SET search_path TO school_{school}")).expect("the school's schema");
    Some(client)
}

/// Every row of each of `tables` as JSON, a row a line under a `[table]` line, each table in the
/// order of all its columns (a row compares column by column), read by one query (with
/// `blank_at`, the `at` columns blanked): a PostgreSQL dump.
fn pg_dump(client: &mut postgres::Client, tables: &[String], blank_at: bool) -> String {
    let json = if blank_at {
        "CASE WHEN to_jsonb(t) ? 'at' THEN to_jsonb(t) || '{\"at\": \"<at>\"}' ELSE to_jsonb(t) END::text"
    } else {
        "to_jsonb(t)::text"
    };
    let each: Vec<String> =
        tables.iter().map(|t| format!("(SELECT string_agg({json}, E'\\n' ORDER BY t) FROM \"{t}\" t)")).collect();
    let messages = client.simple_query(&format!("SELECT {}", each.join(", "))).expect("the school's rows");
    let row = messages
        .iter()
        .find_map(|m| match m {
            postgres::SimpleQueryMessage::Row(r) => Some(r),
            _ => None,
        })
        .expect("a row");
    let mut out = String::new();
    for (i, table) in tables.iter().enumerate() {
        out.push_str(&format!("[{table}]\n"));
        if let Some(rows) = row.get(i) {
            out.push_str(rows);
            out.push('\n');
        }
    }
    out
}

/// A connection to a test database on either engine, for what a test reads or writes itself.
pub enum Conn {
    Sqlite(rusqlite::Connection),
    Pg(postgres::Client),
}

impl Conn {
    /// Opens database `db` (a `School::db()`, or one `beside` it).
    pub fn open(db: &Path) -> Conn {
        match pg_client(db) {
            Some(client) => Conn::Pg(client),
            None => Conn::Sqlite(rusqlite::Connection::open(db).expect("open the database")),
        }
    }

    /// The rows of a query, columns joined by `|`, NULL as `-`.
    pub fn rows(&mut self, sql: &str) -> Vec<String> {
        let conn = match self {
            Conn::Pg(client) => {
                return client
                    .simple_query(sql)
                    .unwrap_or_else(|e| panic!("{sql}: {e}"))
                    .iter()
                    .filter_map(|m| match m {
                        postgres::SimpleQueryMessage::Row(r) => Some(
                            (0..r.len()).map(|i| r.get(i).unwrap_or("-").to_string()).collect::<Vec<_>>().join("|"),
                        ),
                        _ => None,
                    })
                    .collect();
            }
            Conn::Sqlite(conn) => conn,
        };
        let mut stmt = conn.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
        let n = stmt.column_count();
        stmt.query_map([], |r| {
            Ok((0..n)
                .map(|i| match r.get_ref(i).unwrap() {
                    rusqlite::types::ValueRef::Null => "-".to_string(),
                    rusqlite::types::ValueRef::Integer(v) => v.to_string(),
                    rusqlite::types::ValueRef::Real(v) => v.to_string(),
                    rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                    rusqlite::types::ValueRef::Blob(_) => "blob".to_string(),
                })
                .collect::<Vec<_>>()
                .join("|"))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
    }

    /// One integer a query gives (a count).
    pub fn number(&mut self, sql: &str) -> i64 {
        let rows = self.rows(sql);
        rows.first().and_then(|r| r.parse().ok()).unwrap_or_else(|| panic!("{sql} gave {rows:?}"))
    }

    /// Runs statements (`BEGIN`, `COMMIT` among them).
    pub fn batch(&mut self, sql: &str) -> Result<(), String> {
        match self {
            Conn::Sqlite(conn) => conn.execute_batch(sql).map_err(|e| e.to_string()),
            Conn::Pg(client) => client.batch_execute(sql).map_err(|e| e.to_string()),
        }
    }

    /// The columns of `table`, in their order.
    pub fn columns(&mut self, table: &str) -> Vec<String> {
        self.rows(&match self {
            Conn::Sqlite(_) => format!("SELECT name FROM pragma_table_info('{table}')"),
            Conn::Pg(_) => format!(
                "SELECT attname FROM pg_attribute WHERE attrelid = '{table}'::regclass AND attnum > 0 \
                 AND NOT attisdropped ORDER BY attnum"
            ),
        })
    }

    /// Runs one statement written with SQLite's placeholders (`?1` … `?N`), its values bound as
    /// their columns take them; the rows it changed.
    pub fn execute(&mut self, sql: &str, values: &[rusqlite::types::Value]) -> Result<usize, String> {
        match self {
            Conn::Sqlite(conn) => conn.execute(sql, rusqlite::params_from_iter(values)).map_err(|e| e.to_string()),
            Conn::Pg(client) => {
                // A test's statements have no `?` operator: every one is a placeholder.
                let bound: Vec<Bound> = values.iter().map(Bound).collect();
                let params: Vec<&(dyn postgres::types::ToSql + Sync)> =
                    bound.iter().map(|b| b as &(dyn postgres::types::ToSql + Sync)).collect();
                client.execute(&sql.replace('?', "$"), &params).map(|n| n as usize).map_err(|e| e.to_string())
            }
        }
    }
}

/// A value bound on PostgreSQL as its column takes it: an integer into a text column as its
/// digits, and digits into an integer column, as SQLite's column affinity converts them.
#[derive(Debug)]
struct Bound<'a>(&'a rusqlite::types::Value);

impl postgres::types::ToSql for Bound<'_> {
    fn to_sql(
        &self,
        ty: &postgres::types::Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        use postgres::types::Type;
        use rusqlite::types::Value;
        match self.0 {
            Value::Null => Ok(postgres::types::IsNull::Yes),
            Value::Integer(i) if *ty == Type::INT8 => i.to_sql(ty, out),
            Value::Integer(i) => i.to_string().to_sql(ty, out),
            Value::Text(t) if *ty == Type::INT8 => t.parse::<i64>()?.to_sql(ty, out),
            Value::Text(t) => t.to_sql(ty, out),
            Value::Real(f) => f.to_sql(ty, out),
            Value::Blob(b) => b.to_sql(ty, out),
        }
    }

    fn accepts(_: &postgres::types::Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

/// What one run printed, and how it ended.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn from_output(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Asserts the exit code, printing all three on failure.
    #[track_caller]
    pub fn expect(self, code: i32) -> Run {
        assert_eq!(self.code, code, "exit code\n--- stdout\n{}\n--- stderr\n{}", self.stdout, self.stderr);
        self
    }

    pub fn ok(self) -> Run {
        self.expect(0)
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", self.stdout))
    }
}

impl School {
    /// An empty folder; the database is not created yet.
    /// Who the audit log names for this school's commands: `tester` (the harness's
    /// `$XUESHI_OPERATOR`) on a SQLite file, the role in the server's URL on PostgreSQL.
    pub fn operator(&self) -> String {
        match pg_target(&self.db) {
            Some((url, _)) => url
                .split_once("://")
                .and_then(|(_, rest)| rest.split_once('@'))
                .map_or_else(|| "postgres".to_string(), |(user, _)| user.split(':').next().unwrap_or(user).to_string()),
            None => "tester".to_string(),
        }
    }

    pub fn empty() -> School {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let db = if on_postgres() {
            static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            PathBuf::from(format!("{}#t{}", pg_database(), N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)))
        } else {
            dir.path().join("school.db")
        };
        School { dir, db }
    }

    /// A folder with an initialised database.
    pub fn new() -> School {
        let s = School::empty();
        s.run(&["init"]).ok();
        s
    }

    /// The database: the SQLite file, or the PostgreSQL school as `pg_target` reads it.
    pub fn db(&self) -> PathBuf {
        self.db.clone()
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes a file into the folder and returns its path.
    pub fn file(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, bytes).expect("write a test file");
        p
    }

    /// Runs `xueshi --db school.db ARGS` in the folder, in English (`$XUESHI_LANG=en`) unless ARGS
    /// say `--lang zh`, with a fixed today and operator.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_env(args, &[])
    }

    /// As `run`, with more environment (`("XUESHI_LANG", "zh")` asks for Chinese).
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = xueshi(self.dir.path(), &self.db());
        for (k, v) in env {
            cmd.env(k, v);
        }
        Run::from_output(cmd.args(args).output().expect("run xueshi"))
    }

    /// As `run` in Chinese.
    pub fn zh(&self, args: &[&str]) -> Run {
        self.run_env(args, &[("XUESHI_LANG", "zh")])
    }

    /// As `run` with the language left to the system's locale: `$XUESHI_LANG` unset, `$LANG` as
    /// given, plus `env`.
    pub fn run_locale(&self, args: &[&str], lang: &str, env: &[(&str, &str)]) -> Run {
        let mut cmd = xueshi(self.dir.path(), &self.db());
        cmd.env_remove("XUESHI_LANG").env("LANG", lang);
        for (k, v) in env {
            cmd.env(k, v);
        }
        Run::from_output(cmd.args(args).output().expect("run xueshi"))
    }

    /// The year report as JSON.
    pub fn year(&self, year: i32) -> serde_json::Value {
        self.run(&["report", "year", &year.to_string(), "--format", "json"]).ok().json()
    }

    /// The rows of a query on the school's database (either engine), columns joined by `|`,
    /// NULL as `-`.
    pub fn sql(&self, sql: &str) -> Vec<String> {
        Conn::open(&self.db).rows(sql)
    }

    /// One integer a query gives (a count).
    pub fn number(&self, sql: &str) -> i64 {
        Conn::open(&self.db).number(sql)
    }

    /// Runs statements on the school's database (either engine), as a program of another
    /// version could have written them.
    pub fn execute(&self, sql: &str) {
        Conn::open(&self.db).batch(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    /// Every stored row of every record table, for "nothing changed" checks.
    pub fn dump(&self) -> String {
        let mut out = String::new();
        let tables = [
            "branch",
            "learner",
            "course",
            "session",
            "attendance",
            "assessment",
            "result",
            "online",
            "rule_by_year",
            "spell",
            "category_change",
            "branch_change",
            "exemption",
            "closed_year",
            "import_batch",
        ];
        if let Some(mut client) = pg_client(&self.db) {
            return pg_dump(&mut client, &tables.map(String::from), false);
        }
        let conn = rusqlite::Connection::open(self.db()).expect("open the database");
        for table in tables {
            let mut stmt = conn.prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2")).unwrap();
            let n = stmt.column_count();
            let rows = stmt
                .query_map([], |r| {
                    Ok((0..n).map(|i| format!("{:?}", r.get_ref(i).unwrap())).collect::<Vec<_>>().join("|"))
                })
                .unwrap();
            out.push_str(&format!("[{table}]\n"));
            for row in rows {
                out.push_str(&row.unwrap());
                out.push('\n');
            }
        }
        out
    }
}

/// The real binary on database `db`, run in folder `dir` with a fixed today and operator, in
/// English whatever the machine's locale (`$XUESHI_LANG=en`, `$LANG=C`), and no database from the
/// environment.
pub fn xueshi(dir: &Path, db: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("xueshi"));
    cmd.current_dir(dir)
        .env_remove("XUESHI_DB")
        .env("XUESHI_LANG", "en")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("XUESHI_OPERATOR", "tester")
        .env("XUESHI_TODAY", "2025-01-15")
        .env("LANG", "C")
        .env("NO_COLOR", "1")
        .env_remove("XUESHI_SCHOOL");
    match pg_target(db) {
        Some((url, school)) => cmd.args(["--db", url, "--school", school]),
        None => cmd.arg("--db").arg(db),
    };
    cmd
}

/// Runs a command with its output in files beside `dir` (no pipe to fill), killing it after
/// `limit`: `None` when it had to be killed.
pub fn run_within(mut cmd: std::process::Command, dir: &Path, limit: Duration) -> Option<Run> {
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let (out, err) = (dir.join(format!("run-{n}.stdout")), dir.join(format!("run-{n}.stderr")));
    let file = |p: &Path| std::fs::File::create(p).expect("an output file");
    let mut child = cmd.stdout(file(&out)).stderr(file(&err)).stdin(Stdio::null()).spawn().expect("run xueshi");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for xueshi") {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let read = |p: &Path| {
        let text = String::from_utf8_lossy(&std::fs::read(p).unwrap_or_default()).into_owned();
        let _ = std::fs::remove_file(p);
        text
    };
    Some(Run { code: status.code().unwrap_or(-1), stdout: read(&out), stderr: read(&err) })
}

/// Every row of every table of a database (the audit log and the batches included), each table
/// in key order, with the `at` columns (the clock, which differs between two runs of one command)
/// blanked: equal snapshots are equal states.
pub fn snapshot(db: &Path) -> String {
    tables(db, &[], true)
}

/// Every row of every table but those of `except`, each table in key order, every value exactly
/// as stored (with `blank_at`, the `at` columns blanked).
pub fn tables(db: &Path, except: &[&str], blank_at: bool) -> String {
    if let Some(mut client) = pg_client(db) {
        let names: Vec<String> = client
            .query(
                "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() \
                 ORDER BY tablename COLLATE \"C\"",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .filter(|t: &String| !except.contains(&t.as_str()))
            .collect();
        return pg_dump(&mut client, &names, blank_at);
    }
    let conn = rusqlite::Connection::open(db).expect("open the database");
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .filter(|t: &String| !except.contains(&t.as_str()))
        .collect();
    let mut out = String::new();
    for table in tables {
        let stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let names: Vec<String> = stmt.column_names().iter().map(|n| n.to_string()).collect();
        let order: Vec<String> = (1..=names.len()).map(|i| i.to_string()).collect();
        drop(stmt);
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\" ORDER BY {}", order.join(", "))).unwrap();
        let rows = stmt
            .query_map([], |r| {
                Ok(names
                    .iter()
                    .enumerate()
                    .map(|(i, name)| match r.get_ref(i).unwrap() {
                        _ if blank_at && name == "at" => "<at>".to_string(),
                        rusqlite::types::ValueRef::Text(t) => format!("{:?}", String::from_utf8_lossy(t)),
                        other => format!("{other:?}"),
                    })
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap();
        out.push_str(&format!("[{table}]\n"));
        for row in rows {
            out.push_str(&row.unwrap());
            out.push('\n');
        }
    }
    out
}

/// Where two dumps first differ, for a failure message.
pub fn first_difference(a: &str, b: &str) -> String {
    let (mut la, mut lb) = (a.lines(), b.lines());
    let mut n = 0;
    loop {
        n += 1;
        match (la.next(), lb.next()) {
            (Some(x), Some(y)) if x == y => continue,
            (x, y) => return format!("line {n}: {x:?} / {y:?}"),
        }
    }
}

/// Another database beside `db`, named `name` (letters, digits, hyphens): the file `name.db` in
/// its folder, or on PostgreSQL the school `<db's school>_<name>` of its server.
pub fn beside(db: &Path, name: &str) -> PathBuf {
    match pg_target(db) {
        Some((url, school)) => PathBuf::from(format!("{url}#{school}_{}", name.replace('-', "_"))),
        None => db.with_file_name(format!("{name}.db")),
    }
}

/// Copies a database that no process is writing over another beside it (`beside`): a SQLite
/// file (the copy's WAL and shared-memory files, which belong to what was there before,
/// cleared), or a school of a PostgreSQL server (`pg_copy`).
pub fn copy_db(from: &Path, to: &Path) {
    if pg_target(from).is_some() {
        return pg_copy(from, to);
    }
    for suffix in ["-wal", "-shm"] {
        let mut p = to.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
    std::fs::copy(from, to).expect("copy the database");
}

/// A copy of a school on its server, as a copy of a file is: the school `to` as the program makes
/// it (`init`: the same tables, checks, keys and indexes under the same names; kept from an
/// earlier copy), its rows replaced by every row of `from`, and its sequences set as those of
/// `from` are, all read at one snapshot.
fn pg_copy(from: &Path, to: &Path) {
    let (url, a) = pg_target(from).expect("a school");
    let (to_url, b) = pg_target(to).expect("a school's copy is a school");
    assert_eq!(url, to_url, "a school is copied on its own server");
    let (a, b) = (format!("school_{a}"), format!("school_{b}"));
    let mut client = postgres::Client::connect(url, postgres::NoTls).expect("connect to the test server");
    // A schema's relations of one kind, in the order they were made.
    let relations = |client: &mut postgres::Client, schema: &str, kind: &str| -> Vec<String> {
        client
            .query(
                &format!(
                    "SELECT relname::text FROM pg_class WHERE relkind = '{kind}' \
                     AND relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = $1) ORDER BY oid"
                ),
                &[&schema],
            )
            .expect("a school's relations")
            .iter()
            .map(|r| r.get(0))
            .collect()
    };
    let sorted = |mut names: Vec<String>| {
        names.sort();
        names
    };
    let theirs = sorted(relations(&mut client, &a, "r"));
    let mut tables = relations(&mut client, &b, "r");
    if sorted(tables.clone()) != theirs {
        client.batch_execute(&format!("DROP SCHEMA IF EXISTS {b} CASCADE")).expect("drop what the copy replaces");
        let init = xueshi(&std::env::temp_dir(), to).arg("init").output().expect("run xueshi init");
        assert!(init.status.success(), "init of a copy: {}", String::from_utf8_lossy(&init.stderr));
        tables = relations(&mut client, &b, "r");
        assert_eq!(sorted(tables.clone()), theirs, "{a} has tables the program does not make (grant's?)");
    }
    let sequences = relations(&mut client, &a, "S");
    let mut sql = format!("TRUNCATE {};", tables.iter().map(|t| format!("{b}.{t}")).collect::<Vec<_>>().join(", "));
    // In the order init made them: a table's foreign keys name tables made before it.
    for t in &tables {
        sql.push_str(&format!("INSERT INTO {b}.{t} SELECT * FROM {a}.{t};"));
    }
    for s in &sequences {
        sql.push_str(&format!("SELECT setval('{b}.{s}', last_value, is_called) FROM {a}.{s};"));
    }
    let mut tx = client
        .build_transaction()
        .isolation_level(postgres::IsolationLevel::RepeatableRead)
        .start()
        .expect("a transaction");
    tx.batch_execute(&sql).unwrap_or_else(|e| panic!("copy {a} to {b}: {e}"));
    tx.commit().expect("commit the copy");
}

/// A backup of database `db` into `to` (a file of the folder, for a SQLite file), taken as its
/// engine's users take one while others may write: `xueshi backup` of a SQLite file; for a school
/// of a PostgreSQL server, which `backup` refuses, `pg_dump` of its schema restored by `psql` into
/// a new database of the server. Returns the backup, as a database the harness opens, or what
/// `pg_dump` said when it stopped.
pub fn backup(dir: &Path, db: &Path, to: &Path) -> Result<PathBuf, String> {
    let Some((url, school)) = pg_target(db) else {
        let run = Run::from_output(xueshi(dir, db).arg("backup").arg(to).output().expect("run xueshi backup"));
        assert_eq!(run.code, 0, "xueshi backup: {}", run.stderr);
        return Ok(to.to_path_buf());
    };
    let copy = crate::postgres::shared().database();
    let tool = |name: &str| crate::postgres::newest_bin().map_or_else(|| PathBuf::from(name), |bin| bin.join(name));
    let dump = std::process::Command::new(tool("pg_dump"))
        .args(["--no-owner", "--schema", &format!("school_{school}"), "--file"])
        .arg(to)
        .arg(url)
        .output()
        .expect("run pg_dump");
    if !dump.status.success() {
        return Err(String::from_utf8_lossy(&dump.stderr).into_owned());
    }
    let restore = std::process::Command::new(tool("psql"))
        .args(["--quiet", "--no-psqlrc", "--set", "ON_ERROR_STOP=1", "--file"])
        .arg(to)
        .arg(&copy)
        .output()
        .expect("run psql");
    assert!(restore.status.success(), "psql: {}", String::from_utf8_lossy(&restore.stderr));
    Ok(PathBuf::from(format!("{copy}#{school}")))
}

/// Folds a database's WAL into its file, so that the file alone holds the whole state.
pub fn settle(db: &Path) {
    if pg_target(db).is_some() {
        return; // a server's commits are whole already
    }
    let conn = rusqlite::Connection::open(db).expect("open the database");
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).expect("checkpoint");
}

/// A fixture file of the repository.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name)
}

/// A sample sheet of ../shared/samples, if that folder is there.
pub fn sample(name: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/samples").join(name);
    p.exists().then_some(p)
}

/// Compares with a golden file under tests/golden; `UPDATE_GOLDEN=1` rewrites it.
#[track_caller]
pub fn golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("no golden file {} (run with UPDATE_GOLDEN=1 to create it)", path.display()));
    assert!(expected == actual, "{} differs:\n--- expected\n{expected}\n--- actual\n{actual}", path.display());
}
