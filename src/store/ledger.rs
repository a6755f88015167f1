//! Reading what the credit rules judge: the rules by year, every learner's totals over a date
//! range, the programme of sessions held. The million attendance rows are read here, once each.

use std::collections::HashMap;

use crate::db::{params, Row, Tx};
use chrono::NaiveDate;
use rusqlite::ffi;

use crate::credit::{session_credit, AssessmentRule, Ledger, Programme, RuleBook, Rules};
use crate::date;
use crate::error::{Error, Result};
use crate::hours::{Fixed, Hours};
use crate::model::{Award, CourseKind, Status};
use crate::msg::Msg;
use crate::period::Period;

/// Every rule's values by year, as stored.
pub fn rule_book(tx: &Tx) -> Result<RuleBook> {
    let rows = tx.all("SELECT name, from_year, value FROM rule_by_year ORDER BY name, from_year", params![], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
    })?;
    Ok(RuleBook { rows })
}

/// The rules of `year` as stored.
pub fn rules(tx: &Tx, year: i32) -> Result<Rules> {
    Ok(rule_book(tx)?.year(year))
}

/// A status as stored (always a code): matched on bytes, for the million-row path.
fn stored_status(code: &[u8]) -> Result<Status> {
    Ok(match code {
        b"present" => Status::Present,
        b"late" => Status::Late,
        b"excused" => Status::Excused,
        b"absent" => Status::Absent,
        other => return Err(bad_code(other)),
    })
}

fn stored_kind(code: &[u8]) -> Result<CourseKind> {
    Ok(match code {
        b"theory" => CourseKind::Theory,
        b"extension" => CourseKind::Extension,
        b"topic" => CourseKind::Topic,
        other => return Err(bad_code(other)),
    })
}

fn bad_code(code: &[u8]) -> Error {
    not_a_code(&String::from_utf8_lossy(code))
}

fn not_a_code(text: &str) -> Error {
    Error::Other(crate::msg::Msg::Database { detail: format!("Invalid column type Text at index: 0, name: {text}") })
}

/// A stored vocabulary code, parsed; a code the schema would not allow is a database error.
pub(crate) fn stored<T: std::str::FromStr>(text: &str) -> Result<T> {
    text.parse::<T>().map_err(|_| not_a_code(text))
}

/// Every learner's totals for items dated `from` to `to` (inclusive), keyed by learner id.
/// Learners with no items have no entry.
pub fn totals(tx: &Tx, rules: &Rules, from: NaiveDate, to: NaiveDate) -> Result<Ledger> {
    Ok(totals_and_since(tx, rules, from, to, None)?.0)
}

/// Every learner's totals from `from` to `to`, and with `since` (a later day) also those from
/// `since` to `to`, read in one pass: a notice wants the year to date and the period itself.
pub fn totals_and_since(
    tx: &Tx,
    rules: &Rules,
    from: NaiveDate,
    to: NaiveDate,
    since: Option<NaiveDate>,
) -> Result<(Ledger, Ledger)> {
    let (from, to) = (date::iso(from), date::iso(to));
    // Past `to`, nothing is in the later range.
    let since = since.map_or_else(|| "9999-12-31".to_string(), date::iso);
    let (mut all, mut later) = (Ledger::default(), Ledger::default());

    // The sessions of the range first (a few thousand), then their records: the million
    // attendance rows are read once each, three columns.
    let sessions: Vec<Session> = tx.all(
        "SELECT s.id, s.hours, c.kind, s.date >= ?3 FROM session s JOIN course c ON c.id = s.course_id
         WHERE s.date BETWEEN ?1 AND ?2",
        params![from, to, since],
        |r| Ok((r.get(0)?, Fixed(r.get(1)?), stored_kind(r.bytes(2)?)?, r.get(3)?)),
    )?;
    const RECORDS: &std::ffi::CStr = c"SELECT learner_id, status, hours FROM attendance WHERE session_id = ?1";
    let mut add = |learner: i64, status: &[u8], own: Option<i64>, session: &Session| {
        let (_, session_hours, kind, is_later) = *session;
        let status = stored_status(status)?;
        let credit = session_credit(status, own.map(Fixed), session_hours);
        all.entry(learner).add_session(kind, status, credit);
        if is_later {
            later.entry(learner).add_session(kind, status, credit);
        }
        Ok::<_, crate::error::Error>(())
    };
    match tx.sqlite() {
        // SQLite's fast path: each session's rows by primary key, stepped through its C interface
        // (see `Raw`).
        Some(conn) => {
            let mut stmt = Raw::prepare(conn, RECORDS)?;
            for session in &sessions {
                stmt.start(session.0)?;
                while let Some((learner, status, own)) = stmt.next()? {
                    add(learner, status, own, session)?;
                }
            }
        }
        // On PostgreSQL each session's records come as one row, read by primary key as above but
        // in one statement: the postgres crate takes a trip through its async runtime for every
        // row it hands over, too much to pay a million times, and a query per session costs a
        // round trip. The statuses come as one text (no code has a comma): as an array of texts
        // the statement took the server 0.40 s, as one text 0.31 s. The three aggregates are fed
        // the same rows in the same order.
        None => {
            let by_id: HashMap<i64, &Session> = sessions.iter().map(|s| (s.0, s)).collect();
            tx.each(
                "SELECT s.id, a.learners, a.statuses, a.hours FROM session s CROSS JOIN LATERAL
                   (SELECT array_agg(learner_id) AS learners, string_agg(status, ',') AS statuses,
                           array_agg(hours) AS hours
                    FROM attendance WHERE session_id = s.id) a
                 WHERE s.date BETWEEN ?1 AND ?2 AND a.learners IS NOT NULL",
                params![from, to],
                |r| {
                    let id: i64 = r.get(0)?;
                    let (mut learners, statuses, mut hours) = (r.elements(1)?, r.bytes(2)?, r.elements(3)?);
                    let wrong = |what: &str| Error::Other(Msg::Database { detail: format!("session {id}: {what}") });
                    let session = by_id.get(&id).ok_or_else(|| wrong("not in the range"))?;
                    if statuses.iter().filter(|&&b| b == b',').count() + 1 != learners.len() {
                        return Err(wrong("its records do not line up"));
                    }
                    for status in statuses.split(|&b| b == b',') {
                        add(learners.next_as()?, status, hours.next_as()?, session)?;
                    }
                    Ok(())
                },
            )?;
        }
    }

    for (id, rule, score, award, is_later) in results(tx, &from, &to, &since)? {
        let credit = rule.credit(score, award);
        all.entry(id).assessment += credit;
        if is_later {
            later.entry(id).assessment += credit;
        }
    }

    // An online total is credited on its `to` date. The range is tested on each column, not on
    // COALESCE(to_date, date): PostgreSQL guesses that an expression keeps 1 row in 200, and for
    // that few it sorted the year's hundred thousand rows on disk; the columns have statistics.
    tx.each(
        "SELECT learner_id, CAST(SUM(hours) AS BIGINT),
                CAST(SUM(CASE WHEN COALESCE(to_date, date) >= ?3 THEN hours ELSE 0 END) AS BIGINT)
         FROM online WHERE to_date BETWEEN ?1 AND ?2 OR (to_date IS NULL AND date BETWEEN ?1 AND ?2)
         GROUP BY learner_id",
        params![from, to, since],
        |r| {
            let learner: i64 = r.get(0)?;
            all.entry(learner).online = rules.cap_online(Fixed(r.get(1)?));
            let in_later: i64 = r.get(2)?;
            if in_later > 0 {
                later.entry(learner).online = rules.cap_online(Fixed(in_later));
            }
            Ok(())
        },
    )?;
    Ok((all, later))
}

/// A session as the ledger reads it: id, hours, its course's kind, whether it is in the later range.
type Session = (i64, Hours, CourseKind, bool);

/// An attendance row as the ledger reads it: learner id, status code, own hours.
type AttendanceRow<'a> = (i64, &'a [u8], Option<i64>);

/// The attendance rows of one session after another, read through SQLite's C interface: the
/// million-row loop of every report, where the driver's checked access to each value (its type
/// looked up, then converted) took about a sixth of a year report's time.
struct Raw<'c> {
    db: *mut ffi::sqlite3,
    stmt: *mut ffi::sqlite3_stmt,
    _conn: std::marker::PhantomData<&'c rusqlite::Connection>,
}

impl<'c> Raw<'c> {
    fn prepare(conn: &'c rusqlite::Connection, sql: &std::ffi::CStr) -> rusqlite::Result<Raw<'c>> {
        // SAFETY: the handle lives as long as `conn`, which this borrows; the statement is
        // finalized on drop, before the borrow ends.
        let db = unsafe { conn.handle() };
        let mut stmt = std::ptr::null_mut();
        let rc = unsafe { ffi::sqlite3_prepare_v2(db, sql.as_ptr(), -1, &mut stmt, std::ptr::null_mut()) };
        let raw = Raw { db, stmt, _conn: std::marker::PhantomData };
        raw.check(rc)?;
        Ok(raw)
    }

    fn check(&self, rc: std::ffi::c_int) -> rusqlite::Result<()> {
        if rc == ffi::SQLITE_OK {
            return Ok(());
        }
        // SAFETY: the message belongs to the open connection and is copied at once.
        let msg = unsafe {
            let m = ffi::sqlite3_errmsg(self.db);
            (!m.is_null()).then(|| std::ffi::CStr::from_ptr(m).to_string_lossy().into_owned())
        };
        Err(rusqlite::Error::SqliteFailure(ffi::Error::new(rc), msg))
    }

    /// Starts the rows of `session`.
    fn start(&mut self, session: i64) -> rusqlite::Result<()> {
        // SAFETY: a prepared statement of this connection, with one parameter.
        unsafe {
            ffi::sqlite3_reset(self.stmt);
            self.check(ffi::sqlite3_bind_int64(self.stmt, 1, session))
        }
    }

    /// The next row: learner id, status code, own hours.
    fn next(&mut self) -> rusqlite::Result<Option<AttendanceRow<'_>>> {
        // SAFETY: columns 0–2 exist; the status text is valid until the next step or reset,
        // which needs `&mut self`, so the returned borrow cannot outlive it.
        unsafe {
            match ffi::sqlite3_step(self.stmt) {
                ffi::SQLITE_ROW => {
                    let learner = ffi::sqlite3_column_int64(self.stmt, 0);
                    let text = ffi::sqlite3_column_text(self.stmt, 1);
                    let len = usize::try_from(ffi::sqlite3_column_bytes(self.stmt, 1)).unwrap_or(0);
                    let status: &[u8] = if text.is_null() { &[] } else { std::slice::from_raw_parts(text, len) };
                    let own = match ffi::sqlite3_column_type(self.stmt, 2) {
                        ffi::SQLITE_NULL => None,
                        _ => Some(ffi::sqlite3_column_int64(self.stmt, 2)),
                    };
                    Ok(Some((learner, status, own)))
                }
                ffi::SQLITE_DONE => Ok(None),
                rc => self.check(rc).map(|()| None),
            }
        }
    }
}

impl Drop for Raw<'_> {
    fn drop(&mut self) {
        // SAFETY: finalized once, here.
        unsafe {
            ffi::sqlite3_finalize(self.stmt);
        }
    }
}

/// One result as the rules see it: (learner id, its assessment's rule, score, award, whether it
/// is in the later range).
type ResultRow = (i64, AssessmentRule, Option<Fixed>, Option<Award>, bool);

/// Results of assessments dated in the range.
fn results(tx: &Tx, from: &str, to: &str, since: &str) -> Result<Vec<ResultRow>> {
    tx.all(
        "SELECT r.learner_id, a.kind, a.hours, a.pass_mark, a.first, a.second, a.third, a.merit, r.score, r.award,
                a.date >= ?3
         FROM assessment a JOIN result r ON r.assessment_id = a.id
         WHERE a.date BETWEEN ?1 AND ?2",
        params![from, to, since],
        |r| {
            let (rule, score, award) = assessment_result(r, 1)?;
            Ok((r.get(0)?, rule, score, award, r.get(10)?))
        },
    )
}

/// An assessment's rule and one result of it, read from a row holding, from column `at`: kind,
/// hours, pass mark, the four award bonuses, score, award.
pub fn assessment_result(r: &Row, at: usize) -> Result<(AssessmentRule, Option<Fixed>, Option<Award>)> {
    let rule = AssessmentRule {
        kind: stored(r.str(at)?)?,
        hours: Fixed(r.get(at + 1)?),
        pass_mark: Fixed(r.get(at + 2)?),
        bonus: [Fixed(r.get(at + 3)?), Fixed(r.get(at + 4)?), Fixed(r.get(at + 5)?), Fixed(r.get(at + 6)?)],
    };
    let award = match r.opt_str(at + 8)? {
        Some(a) => Some(stored::<Award>(a)?),
        None => None,
    };
    Ok((rule, r.get::<Option<i64>>(at + 7)?.map(Fixed), award))
}

pub fn programme(tx: &Tx, from: NaiveDate, to: NaiveDate) -> Result<Programme> {
    tx.one(
        "SELECT COUNT(*), CAST(COALESCE(SUM(s.hours), 0) AS BIGINT),
                CAST(COALESCE(SUM(CASE WHEN c.kind = ?3 THEN s.hours END), 0) AS BIGINT)
         FROM session s JOIN course c ON c.id = s.course_id WHERE s.date BETWEEN ?1 AND ?2",
        params![date::iso(from), date::iso(to), CourseKind::Theory.code()],
        |r| Ok(Programme { sessions: r.get(0)?, session_hours: Fixed(r.get(1)?), theory_hours: Fixed(r.get(2)?) }),
    )
}

/// Everything the year report is built from: the year's rules, every learner with their dated
/// life, their totals, the branches, the programme.
#[derive(Debug)]
pub struct YearData {
    pub year: i32,
    pub rules: Rules,
    pub learners: Vec<crate::credit::Learner>,
    pub totals: Ledger,
    pub branches: std::collections::HashMap<i64, super::lives::Branch>,
    pub programme: Programme,
}

/// Everything the year report is built from, read in one snapshot.
pub fn year_data(tx: &Tx, year: i32) -> Result<YearData> {
    let from = NaiveDate::from_ymd_opt(year, 1, 1).expect("a valid year");
    let to = NaiveDate::from_ymd_opt(year, 12, 31).expect("a valid year");
    let rules = rules(tx, year)?;
    let totals = totals(tx, &rules, from, to)?;
    Ok(YearData {
        year,
        totals,
        rules,
        learners: super::lives::learners(tx, None)?,
        branches: super::lives::branches(tx)?,
        programme: programme(tx, from, to)?,
    })
}

/// Everything a notice is built from: the period's year's rules, every learner with their life,
/// their totals from 1 January to the period's end, their totals over the period itself when it
/// starts later, the branches and the number of sessions held in the period.
#[derive(Debug)]
pub struct NoticeData {
    pub period: Period,
    pub rules: Rules,
    pub learners: Vec<crate::credit::Learner>,
    /// From 1 January to the period's end: what pace is judged on.
    pub to_date: Ledger,
    /// Over the period itself; `None` when the period starts on 1 January (then `to_date`).
    pub in_period: Option<Ledger>,
    pub branches: std::collections::HashMap<i64, super::lives::Branch>,
    pub sessions: i64,
}

/// Everything a notice for `period` is built from, read in one snapshot (the year to date and
/// the period in one pass over the records).
pub fn notice_data(tx: &Tx, period: Period) -> Result<NoticeData> {
    let rules = rules(tx, period.year)?;
    let year_start = NaiveDate::from_ymd_opt(period.year, 1, 1).expect("a period's year is valid");
    let later = (period.from() != year_start).then(|| period.from());
    let (to_date, own) = totals_and_since(tx, &rules, year_start, period.to(), later)?;
    Ok(NoticeData {
        period,
        rules,
        learners: super::lives::learners(tx, None)?,
        to_date,
        in_period: later.map(|_| own),
        branches: super::lives::branches(tx)?,
        sessions: programme(tx, period.from(), period.to())?.sessions,
    })
}
