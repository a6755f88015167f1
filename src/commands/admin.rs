//! The database itself: init, backup, check.

use std::path::Path;

use crate::db;
use crate::error::{Error, Problem, Result};
use crate::msg::Msg;
use crate::Ctx;

pub fn init(ctx: &Ctx) -> Result<()> {
    let (_, created) = db::create(&ctx.db)?;
    let (path, version) = (ctx.db.display().to_string(), db::VERSION);
    ctx.note(if created { Msg::DbCreated { path, version } } else { Msg::DbUpToDate { path, version } });
    Ok(())
}

pub fn backup(ctx: &Ctx, file: &Path) -> Result<()> {
    let conn = ctx.open()?;
    if file.exists() {
        return Err(Error::Other(Msg::BackupExists { path: file.display().to_string() }));
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
    ctx.note(Msg::BackedUp { from: ctx.db.display().to_string(), to: file.display().to_string() });
    Ok(())
}

pub fn check(ctx: &Ctx) -> Result<()> {
    let mut conn = ctx.open()?;
    let tx = db::read(&mut conn)?;
    let mut problems: Vec<Msg> = Vec::new();
    let integrity: Vec<String> =
        tx.prepare("PRAGMA integrity_check")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    if integrity != ["ok"] {
        problems.extend(integrity.into_iter().map(|detail| Msg::CheckIntegrity { detail }));
    }
    let fk: Vec<Msg> = tx
        .prepare("PRAGMA foreign_key_check")?
        .query_map([], |r| Ok(Msg::CheckForeignKey { table: r.get(0)?, row: r.get(1)?, parent: r.get(2)? }))?
        .collect::<rusqlite::Result<_>>()?;
    problems.extend(fk);
    // Record-level rules the schema cannot state, each offending record named.
    let own_above = "SELECT s.id, l.staff_id, a.hours, s.hours
         FROM attendance a JOIN session s ON s.id = a.session_id JOIN learner l ON l.id = a.learner_id WHERE a.hours > s.hours";
    problems.extend(
        tx.prepare(own_above)?
            .query_map([], |r| {
                Ok(Msg::CheckOwnHoursAbove {
                    session: r.get(0)?,
                    staff_id: r.get(1)?,
                    hours: r.get(2)?,
                    session_hours: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?,
    );
    let no_credit = "SELECT a.session_id, l.staff_id, a.status, a.hours
         FROM attendance a JOIN learner l ON l.id = a.learner_id WHERE a.hours IS NOT NULL AND a.status NOT IN ('present', 'late')";
    problems.extend(
        tx.prepare(no_credit)?
            .query_map([], |r| {
                Ok(Msg::CheckHoursWithoutCredit {
                    session: r.get(0)?,
                    staff_id: r.get(1)?,
                    status: r.get(2)?,
                    hours: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?,
    );
    let left_first = "SELECT staff_id, left_on, joined FROM learner WHERE left_on < joined";
    problems.extend(
        tx.prepare(left_first)?
            .query_map([], |r| {
                Ok(Msg::CheckLeftBeforeJoined { staff_id: r.get(0)?, left: r.get(1)?, joined: r.get(2)? })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?,
    );
    problems.extend(crate::store::lives::records_outside_enrolment(&tx)?);
    // What each stored date belongs to: (kind, id or code or staff id, the date).
    let dates = "SELECT 'session', id, date FROM session
                 UNION ALL SELECT 'assessment', code, date FROM assessment
                 UNION ALL SELECT 'online', learner_id, date FROM online
                 UNION ALL SELECT 'joined', staff_id, joined FROM learner WHERE joined IS NOT NULL
                 UNION ALL SELECT 'left', staff_id, left_on FROM learner WHERE left_on IS NOT NULL";
    let mut stmt = tx.prepare(dates)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (kind, day): (String, String) = (r.get(0)?, r.get(2)?);
        if crate::date::parse(&day).map(crate::date::iso).as_deref() != Some(day.as_str()) {
            let what = match kind.as_str() {
                "session" => Msg::Session { id: r.get(1)? },
                "assessment" => Msg::Assessment { code: r.get(1)? },
                "online" => Msg::CheckOnlineOfLearner { id: r.get(1)? },
                "joined" => Msg::CheckJoined { staff_id: r.get(1)? },
                _ => Msg::CheckLeft { staff_id: r.get(1)? },
            };
            problems.push(Msg::CheckNotADate { what: Box::new(what), day });
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
        ctx.say(Msg::CheckOk)
    } else {
        Err(Error::Invalid(problems.into_iter().map(Problem::new).collect()))
    }
}
