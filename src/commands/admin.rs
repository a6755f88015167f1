//! The database itself: init, backup, check.

use std::path::Path;

use crate::db;
use crate::error::{Error, Result};
use crate::Ctx;

pub fn init(ctx: &Ctx) -> Result<()> {
    let (_, created) = db::create(&ctx.db)?;
    let what = if created { "created" } else { "is up to date at" };
    eprintln!("{} {what} schema version {}", ctx.db.display(), db::VERSION);
    Ok(())
}

pub fn backup(ctx: &Ctx, file: &Path) -> Result<()> {
    let conn = ctx.open()?;
    if file.exists() {
        return Err(Error::Other(format!("{} exists already: name a new file", file.display())));
    }
    // Create it private first; the backup API then fills it page by page, taking a consistent
    // snapshot while others may be writing.
    let (dest, _) = db::create(file)?;
    drop(dest);
    let mut dest = rusqlite::Connection::open(file)?;
    {
        let backup = rusqlite::backup::Backup::new(&conn, &mut dest)?;
        backup.run_to_completion(256, std::time::Duration::from_millis(5), None)?;
    }
    dest.pragma_update(None, "journal_mode", "wal")?;
    eprintln!("backed up {} to {}", ctx.db.display(), file.display());
    Ok(())
}

pub fn check(ctx: &Ctx) -> Result<()> {
    let mut conn = ctx.open()?;
    let tx = db::read(&mut conn)?;
    let mut problems = Vec::new();
    let integrity: Vec<String> =
        tx.prepare("PRAGMA integrity_check")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    if integrity != ["ok"] {
        problems.extend(integrity.into_iter().map(|m| format!("integrity: {m}")));
    }
    let fk: Vec<String> = tx
        .prepare("PRAGMA foreign_key_check")?
        .query_map([], |r| {
            Ok(format!(
                "foreign key: {} row {:?} points to a missing {}",
                r.get::<_, String>(0)?,
                r.get::<_, Option<i64>>(1)?,
                r.get::<_, String>(2)?
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    problems.extend(fk);
    // Record-level rules the schema cannot state, each offending record named.
    let rules: [(&str, &str); 3] = [
        (
            "SELECT 'session ' || s.id || ', staff id ' || l.staff_id || ': credited ' || a.hours || ' hundredths, more than the session''s ' || s.hours
             FROM attendance a JOIN session s ON s.id = a.session_id JOIN learner l ON l.id = a.learner_id WHERE a.hours > s.hours",
            "own hours above the session's",
        ),
        (
            "SELECT 'session ' || a.session_id || ', staff id ' || l.staff_id || ': ' || a.status || ' with ' || a.hours || ' hundredths'
             FROM attendance a JOIN learner l ON l.id = a.learner_id WHERE a.hours IS NOT NULL AND a.status NOT IN ('present', 'late')",
            "hours on a record that earns none",
        ),
        (
            "SELECT 'staff id ' || staff_id || ': left ' || left_on || ', before joining ' || joined FROM learner WHERE left_on < joined",
            "leaving before joining",
        ),
    ];
    for (sql, what) in rules {
        let found: Vec<String> = tx.prepare(sql)?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        problems.extend(found.into_iter().map(|f| format!("{what}: {f}")));
    }
    problems.extend(crate::store::lives::records_outside_enrolment(&tx)?);
    let dates = "SELECT 'session ' || id, date FROM session
                 UNION ALL SELECT 'assessment ' || code, date FROM assessment
                 UNION ALL SELECT 'online hours of learner ' || learner_id, date FROM online
                 UNION ALL SELECT 'staff id ' || staff_id || ' joined', joined FROM learner WHERE joined IS NOT NULL
                 UNION ALL SELECT 'staff id ' || staff_id || ' left', left_on FROM learner WHERE left_on IS NOT NULL";
    let mut stmt = tx.prepare(dates)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (what, day): (String, String) = (r.get(0)?, r.get(1)?);
        if crate::date::parse(&day).map(crate::date::iso).as_deref() != Some(day.as_str()) {
            problems.push(format!("not a date: {what}: {day:?}"));
        }
    }
    let counts: Vec<(String, i64)> = [
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
    ]
    .iter()
    .map(|t| Ok(((*t).to_string(), tx.query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| r.get(0))?)))
    .collect::<Result<_>>()?;
    for (t, n) in &counts {
        crate::say(format_args!("{t:<12} {n:>10}"))?;
    }
    if problems.is_empty() {
        crate::say(format_args!("ok"))?;
        Ok(())
    } else {
        Err(Error::Invalid(problems.into_iter().map(crate::error::Problem::new).collect()))
    }
}
