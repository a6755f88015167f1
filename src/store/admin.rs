//! The database as a whole: what `check` finds wrong in it, how many rows each table holds, a
//! backup, and the mark of the demo's database.

use std::path::Path;

use rusqlite::OptionalExtension;

use crate::db::{params, Connection, Row, Tx};
use crate::error::{Error, Result};
use crate::msg::Msg;
use crate::store::events::attended_sql;
use crate::store::lives;

/// Every table, in the order `check` counts them.
const TABLES: [&str; 15] = [
    "branch",
    "learner",
    "course",
    "session",
    "attendance",
    "assessment",
    "result",
    "online",
    "spell",
    "category_change",
    "branch_change",
    "exemption",
    "closed_year",
    "import_batch",
    "audit",
];

/// Every table's name and row count.
pub fn table_counts(tx: &Tx) -> Result<Vec<(&'static str, i64)>> {
    TABLES.iter().map(|t| Ok((*t, tx.one(&format!("SELECT COUNT(*) FROM {t}"), params![], |r| r.get(0))?))).collect()
}

/// Everything wrong with the stored data, each offending record named: SQLite's integrity check,
/// references to missing records, then the record-level rules the schema cannot state (own hours above the
/// session's, hours on a record that earns none, leaving before joining, records outside
/// enrolment, dates that are not ISO days). Empty when all is well.
pub fn problems(tx: &Tx) -> Result<Vec<Msg>> {
    let mut problems: Vec<Msg> = Vec::new();
    if tx.sqlite().is_some() {
        let integrity: Vec<String> = tx.all("PRAGMA integrity_check", params![], |r| r.get(0))?;
        if integrity != ["ok"] {
            problems.extend(integrity.into_iter().map(|detail| Msg::CheckIntegrity { detail }));
        }
    }
    // Each reference that names a missing record, once per missing record with the rows naming
    // it (a learner deleted behind the keys' back is named by each of their attendance rows).
    let references: Vec<(String, String, String, String)> =
        tx.all(tx.engine().references_to_check(), params![], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    for (table, column, parent, key) in references {
        let dangling = format!(
            "SELECT c.{column}, COUNT(*) FROM {table} c
             WHERE c.{column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {parent} p WHERE p.{key} = c.{column})
             GROUP BY c.{column} ORDER BY c.{column}"
        );
        problems.extend(found(tx, &dangling, |r| {
            Ok(Msg::CheckForeignKey {
                table: table.clone(),
                column: column.clone(),
                value: r.get(0)?,
                parent: parent.clone(),
                rows: r.get(1)?,
            })
        })?);
    }
    let own_above = "SELECT s.id, l.staff_id, a.hours, s.hours
         FROM attendance a JOIN session s ON s.id = a.session_id JOIN learner l ON l.id = a.learner_id WHERE a.hours > s.hours";
    problems.extend(found(tx, own_above, |r| {
        Ok(Msg::CheckOwnHoursAbove {
            session: r.get(0)?,
            staff_id: r.get(1)?,
            hours: r.get(2)?,
            session_hours: r.get(3)?,
        })
    })?);
    let no_credit = format!(
        "SELECT a.session_id, l.staff_id, a.status, a.hours
         FROM attendance a JOIN learner l ON l.id = a.learner_id WHERE a.hours IS NOT NULL AND a.status NOT IN ({})",
        attended_sql()
    );
    problems.extend(found(tx, &no_credit, |r| {
        Ok(Msg::CheckHoursWithoutCredit {
            session: r.get(0)?,
            staff_id: r.get(1)?,
            status: r.get(2)?,
            hours: r.get(3)?,
        })
    })?);
    let left_first = "SELECT staff_id, left_on, joined FROM learner WHERE left_on < joined";
    problems.extend(found(tx, left_first, |r| {
        Ok(Msg::CheckLeftBeforeJoined { staff_id: r.get(0)?, left: r.get(1)?, joined: r.get(2)? })
    })?);
    problems.extend(lives::records_outside_enrolment(tx)?);
    problems.extend(malformed_dates(tx)?);
    Ok(problems)
}

/// One problem per row a query finds.
fn found(tx: &Tx, sql: &str, problem: impl FnMut(&Row) -> Result<Msg>) -> Result<Vec<Msg>> {
    tx.all(sql, params![], problem)
}

/// Every stored date that is not an ISO day, with what it belongs to.
fn malformed_dates(tx: &Tx) -> Result<Vec<Msg>> {
    // What each stored date belongs to: (kind, row id, code or staff id, the date); a column
    // holds one type on every engine.
    let dates = "SELECT 'session', id, NULL, date FROM session
                 UNION ALL SELECT 'assessment', NULL, code, date FROM assessment
                 UNION ALL SELECT 'online', learner_id, NULL, date FROM online
                 UNION ALL SELECT 'joined', NULL, staff_id, joined FROM learner WHERE joined IS NOT NULL
                 UNION ALL SELECT 'left', NULL, staff_id, left_on FROM learner WHERE left_on IS NOT NULL";
    let mut out = Vec::new();
    tx.each(dates, params![], |r| {
        let day: String = r.get(3)?;
        if crate::date::parse(&day).map(crate::date::iso).as_deref() != Some(day.as_str()) {
            let what = match r.str(0)? {
                "session" => Msg::Session { id: r.get(1)? },
                "assessment" => Msg::Assessment { code: r.get(2)? },
                "online" => Msg::CheckOnlineOfLearner { id: r.get(1)? },
                "joined" => Msg::CheckJoined { staff_id: r.get(2)? },
                _ => Msg::CheckLeft { staff_id: r.get(2)? },
            };
            out.push(Msg::CheckNotADate { what: Box::new(what), day });
        }
        Ok(())
    })?;
    Ok(out)
}

/// Copies the database of `conn` into `file`, a new database (`db::create`), page by page: a
/// consistent snapshot while others may be writing. SQLite's alone: a server has its own dumps.
pub fn backup(conn: &Connection, file: &Path) -> Result<()> {
    let conn = conn
        .sqlite()
        .ok_or_else(|| Error::Other(Msg::Database { detail: "backup copies a SQLite file; use pg_dump".into() }))?;
    let mut dest = rusqlite::Connection::open(file)?;
    {
        let backup = rusqlite::backup::Backup::new(conn, &mut dest)?;
        backup.run_to_completion(256, std::time::Duration::from_millis(5), None)?;
    }
    dest.pragma_update(None, "journal_mode", "wal")?;
    Ok(())
}

/// The origin a database records in its meta table (`demo` for the demo's), if it can be read,
/// and how many changes it holds beyond those the demo made (`changes_since_demo`); the file is
/// opened as it is, neither created nor upgraded.
pub fn origin(path: &Path) -> (Option<String>, i64) {
    let Ok(conn) = rusqlite::Connection::open(path) else { return (None, 0) };
    let origin = conn.query_row(ORIGIN, [], |r| r.get(0)).optional().unwrap_or(None);
    let since = conn.query_row(SINCE_DEMO, [], |r| r.get(0)).optional().unwrap_or(None);
    (origin, since.unwrap_or(0))
}

/// The origin the open database records in its meta table, if any, and how many changes it holds
/// beyond those the demo made.
pub fn origin_in(tx: &Tx) -> Result<(Option<String>, i64)> {
    let origin = tx.optional(ORIGIN, params![], |r| r.get(0))?;
    let since: Option<i64> = tx.optional(SINCE_DEMO, params![], |r| r.get(0))?;
    Ok((origin, since.unwrap_or(0)))
}

const ORIGIN: &str = "SELECT value FROM meta WHERE key = 'origin'";

/// Audit rows written after the demo finished building the database (none recorded: the demo
/// did not finish, and nothing of its is worth keeping).
const SINCE_DEMO: &str = "SELECT (SELECT COALESCE(MAX(id), 0) FROM audit) - CAST(value AS BIGINT)
                          FROM meta WHERE key = 'demo_audit'";

/// Records, the demo built, how far its audit log goes: a change after it is the user's own, and
/// the demo will not build the database again over it. (`WHERE true`: SQLite's grammar needs it
/// to read the upsert of an `INSERT … SELECT`.)
pub fn seal_demo(tx: &Tx) -> Result<()> {
    tx.execute(
        "INSERT INTO meta (key, value) SELECT 'demo_audit', CAST(COALESCE(MAX(id), 0) AS TEXT) FROM audit
         WHERE true ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![],
    )?;
    Ok(())
}

/// Marks a database as the demo's, which the demo may then remove and build again.
pub fn mark_demo(tx: &Tx) -> Result<()> {
    tx.execute("INSERT INTO meta (key, value) VALUES ('origin', 'demo')", params![])?;
    Ok(())
}

/// New rows from which an import refreshes the statistics of the tables it wrote.
const ANALYZE_AFTER: i64 = 10_000;

/// After an import of `new` rows into `tables`: the server's statistics refreshed when they are
/// many (a role that does not own a table is told so by the server and goes on without).
pub fn refresh_statistics(tx: &Tx, tables: &[&str], new: i64) -> Result<()> {
    if new < ANALYZE_AFTER {
        return Ok(());
    }
    for table in tables {
        if let Some(sql) = tx.engine().analyze(table) {
            tx.batch(&sql)?;
        }
    }
    Ok(())
}
