//! Records read and removed one at a time, for the corrections of SPEC v2 §4: sessions and their
//! rosters, assessments and their results, online hours, the audit log. Every removal is audited
//! with the values it had (and the batch that wrote them).

use std::collections::HashMap;

use chrono::NaiveDate;
use serde_json::{json, Value as Json};

use crate::credit::AssessmentRule;
use crate::date;
use crate::db::{audit, params, Action, Actor, Param, Row, Tx, Value};
use crate::error::{Error, Result};
use crate::hours::Fixed;
use crate::model::AssessmentKind;
use crate::msg::Msg;
use crate::store::ledger::stored;

/// A day as stored: ISO text, which every stored date is.
fn stored_day(text: &str) -> Result<NaiveDate> {
    date::parse(text).ok_or_else(|| Error::Other(Msg::DbNotADate { text: text.to_string() }))
}

/// One branch.
#[derive(Debug, Clone)]
pub struct BranchRow {
    pub id: i64,
    pub code: String,
    pub name: String,
}

/// A branch by its code or name.
pub fn branch(tx: &Tx, code_or_name: &str) -> Result<BranchRow> {
    let id = crate::store::lookup::branch(tx, code_or_name)?;
    tx.one("SELECT id, code, name FROM branch WHERE id = ?1", params![id], |r| {
        Ok(BranchRow { id: r.get(0)?, code: r.get(1)?, name: r.get(2)? })
    })
}

/// Staff ids of the learners who belong to a branch from the start, and of those whose branch
/// history names it.
pub fn branch_members(tx: &Tx, branch_id: i64) -> Result<(Vec<String>, Vec<String>)> {
    let ids = |sql: &str| -> Result<Vec<String>> { tx.all(sql, params![branch_id], |r| r.get(0)) };
    Ok((
        ids("SELECT staff_id FROM learner WHERE branch_id = ?1 ORDER BY staff_id")?,
        ids("SELECT DISTINCT l.staff_id FROM branch_change c JOIN learner l ON l.id = c.learner_id
             WHERE c.branch_id = ?1 ORDER BY l.staff_id")?,
    ))
}

/// One course, as stored.
#[derive(Debug, Clone)]
pub struct CourseRow {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub kind: String,
    pub mode: String,
    pub hours: i64,
    pub batch_id: Option<i64>,
}

/// The columns a `CourseRow` is read from (`course_row`).
pub(crate) const COURSE_COLUMNS: &str = "id, code, title, kind, mode, hours, batch_id";

/// A course row read from `COURSE_COLUMNS`.
pub(crate) fn course_row(r: &Row) -> Result<CourseRow> {
    Ok(CourseRow {
        id: r.get(0)?,
        code: r.get(1)?,
        title: r.get(2)?,
        kind: r.get(3)?,
        mode: r.get(4)?,
        hours: r.get(5)?,
        batch_id: r.get(6)?,
    })
}

pub fn course(tx: &Tx, code: &str) -> Result<CourseRow> {
    let (id, _) = crate::store::lookup::course(tx, code)?;
    tx.one(&format!("SELECT {COURSE_COLUMNS} FROM course WHERE id = ?1"), params![id], course_row)
}

/// A course's row id and kind (its code), if it exists.
pub fn course_kind(tx: &Tx, code: &str) -> Result<Option<(i64, String)>> {
    tx.optional("SELECT id, kind FROM course WHERE code = ?1", params![code], |r| Ok((r.get(0)?, r.get(1)?)))
}

/// Ids of a course's sessions, by date.
pub fn course_sessions(tx: &Tx, course_id: i64) -> Result<Vec<i64>> {
    tx.all("SELECT id FROM session WHERE course_id = ?1 ORDER BY date, id", params![course_id], |r| r.get(0))
}

/// The years in which a course has sessions.
pub fn course_years(tx: &Tx, course_id: i64) -> Result<Vec<i32>> {
    tx.all(
        "SELECT DISTINCT CAST(substr(date, 1, 4) AS INTEGER) FROM session WHERE course_id = ?1 ORDER BY 1",
        params![course_id],
        |r| r.get(0),
    )
}

pub fn delete_course(tx: &Tx, actor: &Actor, c: &CourseRow) -> Result<()> {
    tx.execute("DELETE FROM course WHERE id = ?1", params![c.id])?;
    let old = json!({ "title": c.title, "kind": c.kind, "mode": c.mode, "hours": c.hours, "batch_id": c.batch_id });
    // The row id too: sessions and their audit rows refer to the course by it.
    audit(tx, actor, "course", &json!({ "code": c.code, "id": c.id }), Action::Delete, Some(&old), None)
}

/// Creates a branch whose code and name are both `code` (one a sheet names), audited under the
/// actor's batch, which is how undo finds it; returns its id.
pub fn insert_branch_named(tx: &Tx, actor: &Actor, code: &str) -> Result<i64> {
    let id = tx.one("INSERT INTO branch (code, name) VALUES (?1, ?1) RETURNING id", params![code], |r| r.get(0))?;
    audit(tx, actor, "branch", &json!({ "code": code }), Action::Insert, None, Some(&json!({ "name": code })))?;
    Ok(id)
}

/// One session with its course's code and title.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub id: i64,
    pub course_id: i64,
    pub course: String,
    pub title: String,
    pub date: String,
    pub hours: i64,
    pub days: i64,
    pub teacher: Option<String>,
    pub batch_id: Option<i64>,
}

impl SessionRow {
    pub fn day(&self) -> Result<NaiveDate> {
        stored_day(&self.date)
    }

    /// Its values as the audit log keeps them.
    pub fn json(&self) -> Json {
        json!({ "course_id": self.course_id, "date": self.date, "hours": self.hours, "days": self.days,
                "teacher": self.teacher, "batch_id": self.batch_id })
    }
}

pub fn session(tx: &Tx, id: i64) -> Result<SessionRow> {
    tx.optional(
        "SELECT s.id, s.course_id, c.code, c.title, s.date, s.hours, s.days, s.teacher, s.batch_id
         FROM session s JOIN course c ON c.id = s.course_id WHERE s.id = ?1",
        params![id],
        |r| {
            Ok(SessionRow {
                id: r.get(0)?,
                course_id: r.get(1)?,
                course: r.get(2)?,
                title: r.get(3)?,
                date: r.get(4)?,
                hours: r.get(5)?,
                days: r.get(6)?,
                teacher: r.get(7)?,
                batch_id: r.get(8)?,
            })
        },
    )?
    .ok_or_else(|| Error::invalid(Msg::SessionUnknown { id }))
}

/// Ids of the sessions of a course held on a day.
pub fn sessions_on(tx: &Tx, course_id: i64, day: &str) -> Result<Vec<i64>> {
    tx.all("SELECT id FROM session WHERE course_id = ?1 AND date = ?2 ORDER BY id", params![course_id, day], |r| {
        r.get(0)
    })
}

/// Creates a session of `days` days and returns its id; audited unless an import writes it (the
/// batch is logged instead). `id`: the id an import reserved for it (None: the next).
#[allow(clippy::too_many_arguments)]
pub fn insert_session(
    tx: &Tx,
    actor: &Actor,
    id: Option<i64>,
    course_id: i64,
    day: &str,
    hours: i64,
    days: i64,
    teacher: Option<&str>,
) -> Result<i64> {
    let id: i64 = tx.one(
        // No id: the next, as SQLite gives a row id (PostgreSQL's session ids are given, not drawn).
        "INSERT INTO session (id, course_id, date, hours, days, teacher, batch_id)
         VALUES (COALESCE(?1, (SELECT COALESCE(MAX(id), 0) + 1 FROM session)), ?2, ?3, ?4, ?5, ?6, ?7)
         RETURNING id",
        params![id, course_id, day, hours, days, teacher, actor.batch],
        |r| r.get(0),
    )?;
    if actor.batch.is_none() {
        let new = json!({ "course_id": course_id, "date": day, "hours": hours, "days": days, "teacher": teacher });
        audit(tx, actor, "session", &json!({ "id": id }), Action::Insert, None, Some(&new))?;
    }
    Ok(id)
}

/// A session an import creates: its id (reserved: see `next_session_id`), course, date, hours.
pub struct ImportedSession {
    pub id: i64,
    pub course_id: i64,
    pub day: String,
    pub hours: i64,
}

/// Inserts sessions an import creates, marked with its batch (no audit row each), many to a
/// statement: a sheet of a thousand classes creates them a chunk at a time, and a server answers
/// one statement as fast as one row.
pub fn insert_imported_sessions(tx: &Tx, actor: &Actor, sessions: &[ImportedSession]) -> Result<()> {
    const ROWS_PER_STATEMENT: usize = 128;
    let Some(batch) = actor.batch else {
        // Not under a batch: each is audited.
        for s in sessions {
            insert_session(tx, actor, Some(s.id), s.course_id, &s.day, s.hours, 1, None)?;
        }
        return Ok(());
    };
    for rows in sessions.chunks(ROWS_PER_STATEMENT) {
        let values: Vec<String> = (0..rows.len())
            .map(|i| format!("(?{}, ?{}, ?{}, ?{}, 1, ?1)", 4 * i + 2, 4 * i + 3, 4 * i + 4, 4 * i + 5))
            .collect();
        let sql =
            format!("INSERT INTO session (id, course_id, date, hours, days, batch_id) VALUES {}", values.join(", "));
        let params = std::iter::once(Param::Int(batch)).chain(
            rows.iter()
                .flat_map(|s| [Param::Int(s.id), Param::Int(s.course_id), Param::Text(&s.day), Param::Int(s.hours)]),
        );
        tx.execute(&sql, params)?;
    }
    Ok(())
}

/// The id the next session created gets (an import reserves ids from it, holding the write lock).
pub fn next_session_id(tx: &Tx) -> Result<i64> {
    tx.one("SELECT COALESCE(MAX(id), 0) + 1 FROM session", params![], |r| r.get(0))
}

/// Writes a session's new date, hours, days and teacher, audited with the old ones.
pub fn update_session(tx: &Tx, actor: &Actor, old: &SessionRow, new: &SessionRow) -> Result<()> {
    tx.execute(
        "UPDATE session SET date = ?1, hours = ?2, days = ?3, teacher = ?4 WHERE id = ?5",
        params![new.date, new.hours, new.days, new.teacher, old.id],
    )?;
    audit(tx, actor, "session", &json!({ "id": old.id }), Action::Update, Some(&old.json()), Some(&new.json()))
}

pub fn delete_session(tx: &Tx, actor: &Actor, s: &SessionRow) -> Result<()> {
    tx.execute("DELETE FROM session WHERE id = ?1", params![s.id])?;
    audit(tx, actor, "session", &json!({ "id": s.id }), Action::Delete, Some(&s.json()), None)
}

/// One attendance record of a session.
#[derive(Debug, Clone)]
pub struct Attendance {
    pub learner_id: i64,
    pub staff_id: String,
    pub name: String,
    pub status: String,
    /// Its own hours (None: the session's).
    pub hours: Option<i64>,
    pub batch_id: Option<i64>,
}

/// A session's records by staff id; with `learner`, only that learner's.
pub fn roster(tx: &Tx, session_id: i64, learner: Option<i64>) -> Result<Vec<Attendance>> {
    tx.all(
        "SELECT a.learner_id, l.staff_id, l.name, a.status, a.hours, a.batch_id
         FROM attendance a JOIN learner l ON l.id = a.learner_id
         WHERE a.session_id = ?1 AND (CAST(?2 AS BIGINT) IS NULL OR a.learner_id = ?2) ORDER BY l.staff_id",
        params![session_id, learner],
        |r| {
            Ok(Attendance {
                learner_id: r.get(0)?,
                staff_id: r.get(1)?,
                name: r.get(2)?,
                status: r.get(3)?,
                hours: r.get(4)?,
                batch_id: r.get(5)?,
            })
        },
    )
}

pub fn remove_attendance(tx: &Tx, actor: &Actor, session_id: i64, a: &Attendance) -> Result<()> {
    tx.execute("DELETE FROM attendance WHERE session_id = ?1 AND learner_id = ?2", params![session_id, a.learner_id])?;
    let key = json!({ "session_id": session_id, "learner_id": a.learner_id });
    let old = json!({ "status": a.status, "hours": a.hours, "batch_id": a.batch_id });
    audit(tx, actor, "attendance", &key, Action::Delete, Some(&old), None)
}

/// One assessment, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessmentRow {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub kind: AssessmentKind,
    pub date: String,
    pub hours: i64,
    pub pass_mark: i64,
    /// Bonus per award level, in `Award::ALL` order.
    pub bonus: [i64; 4],
}

impl AssessmentRow {
    pub fn day(&self) -> Result<NaiveDate> {
        stored_day(&self.date)
    }

    pub fn rule(&self) -> AssessmentRule {
        AssessmentRule {
            kind: self.kind,
            hours: Fixed(self.hours),
            pass_mark: Fixed(self.pass_mark),
            bonus: self.bonus.map(Fixed),
        }
    }

    /// What reaches the figures of its year: everything but the code and title.
    pub fn figures(&self) -> (AssessmentKind, &str, i64, i64, [i64; 4]) {
        (self.kind, &self.date, self.hours, self.pass_mark, self.bonus)
    }

    /// Its values as the audit log keeps them.
    pub fn json(&self) -> Json {
        json!({ "title": self.title, "kind": self.kind.code(), "date": self.date, "hours": self.hours,
                "pass_mark": self.pass_mark, "first": self.bonus[0], "second": self.bonus[1],
                "third": self.bonus[2], "merit": self.bonus[3] })
    }
}

/// The columns an `AssessmentRow` is read from (`assessment_row`).
pub(crate) const ASSESSMENT_COLUMNS: &str =
    "id, code, title, kind, date, hours, pass_mark, first, second, third, merit";

/// An assessment row read from `ASSESSMENT_COLUMNS`.
pub(crate) fn assessment_row(r: &Row) -> Result<AssessmentRow> {
    Ok(AssessmentRow {
        id: r.get(0)?,
        code: r.get(1)?,
        title: r.get(2)?,
        kind: stored(r.str(3)?)?,
        date: r.get(4)?,
        hours: r.get(5)?,
        pass_mark: r.get(6)?,
        bonus: [r.get(7)?, r.get(8)?, r.get(9)?, r.get(10)?],
    })
}

pub fn assessment(tx: &Tx, code: &str) -> Result<AssessmentRow> {
    let id = crate::store::lookup::assessment(tx, code)?;
    tx.one(&format!("SELECT {ASSESSMENT_COLUMNS} FROM assessment WHERE id = ?1"), params![id], assessment_row)
}

pub fn update_assessment(tx: &Tx, actor: &Actor, old: &AssessmentRow, new: &AssessmentRow) -> Result<()> {
    tx.execute(
        "UPDATE assessment SET title = ?1, kind = ?2, date = ?3, hours = ?4, pass_mark = ?5,
                first = ?6, second = ?7, third = ?8, merit = ?9 WHERE id = ?10",
        params![
            new.title,
            new.kind.code(),
            new.date,
            new.hours,
            new.pass_mark,
            new.bonus[0],
            new.bonus[1],
            new.bonus[2],
            new.bonus[3],
            old.id
        ],
    )?;
    audit(tx, actor, "assessment", &json!({ "code": old.code }), Action::Update, Some(&old.json()), Some(&new.json()))
}

pub fn delete_assessment(tx: &Tx, actor: &Actor, a: &AssessmentRow) -> Result<()> {
    tx.execute("DELETE FROM assessment WHERE id = ?1", params![a.id])?;
    // The row id too: results and their audit rows refer to the assessment by it.
    audit(tx, actor, "assessment", &json!({ "code": a.code, "id": a.id }), Action::Delete, Some(&a.json()), None)
}

/// One result of an assessment.
#[derive(Debug, Clone)]
pub struct ResultRow {
    pub learner_id: i64,
    pub staff_id: String,
    pub name: String,
    pub score: Option<i64>,
    pub award: Option<String>,
    pub batch_id: Option<i64>,
}

/// An assessment's results by staff id; with `learner`, only that learner's.
pub fn results(tx: &Tx, assessment_id: i64, learner: Option<i64>) -> Result<Vec<ResultRow>> {
    tx.all(
        "SELECT r.learner_id, l.staff_id, l.name, r.score, r.award, r.batch_id
         FROM result r JOIN learner l ON l.id = r.learner_id
         WHERE r.assessment_id = ?1 AND (CAST(?2 AS BIGINT) IS NULL OR r.learner_id = ?2) ORDER BY l.staff_id",
        params![assessment_id, learner],
        |r| {
            Ok(ResultRow {
                learner_id: r.get(0)?,
                staff_id: r.get(1)?,
                name: r.get(2)?,
                score: r.get(3)?,
                award: r.get(4)?,
                batch_id: r.get(5)?,
            })
        },
    )
}

pub fn remove_result(tx: &Tx, actor: &Actor, assessment_id: i64, r: &ResultRow) -> Result<()> {
    tx.execute(
        "DELETE FROM result WHERE assessment_id = ?1 AND learner_id = ?2",
        params![assessment_id, r.learner_id],
    )?;
    let key = json!({ "assessment_id": assessment_id, "learner_id": r.learner_id });
    let old = json!({ "score": r.score, "award": r.award, "batch_id": r.batch_id });
    audit(tx, actor, "result", &key, Action::Delete, Some(&old), None)
}

/// One row of online hours.
#[derive(Debug, Clone)]
pub struct OnlineRow {
    pub learner_id: i64,
    pub staff_id: String,
    pub name: String,
    pub date: String,
    pub to_date: Option<String>,
    pub source: String,
    pub hours: i64,
    pub batch_id: Option<i64>,
}

/// Online hours by staff id and date: of one learner, credited in one year, or on one (first)
/// day, as given.
pub fn online(tx: &Tx, learner: Option<i64>, year: Option<i32>, day: Option<&str>) -> Result<Vec<OnlineRow>> {
    let range = year.map(|y| (format!("{y:04}-01-01"), format!("{y:04}-12-31")));
    tx.all(
        "SELECT o.learner_id, l.staff_id, l.name, o.date, o.to_date, o.source, o.hours, o.batch_id
         FROM online o JOIN learner l ON l.id = o.learner_id
         WHERE (CAST(?1 AS BIGINT) IS NULL OR o.learner_id = ?1)
           AND (CAST(?2 AS TEXT) IS NULL OR COALESCE(o.to_date, o.date) BETWEEN ?2 AND ?3)
           AND (CAST(?4 AS TEXT) IS NULL OR o.date = ?4)
         ORDER BY l.staff_id, o.date, o.source",
        params![learner, range.as_ref().map(|r| &r.0), range.as_ref().map(|r| &r.1), day],
        |r| {
            Ok(OnlineRow {
                learner_id: r.get(0)?,
                staff_id: r.get(1)?,
                name: r.get(2)?,
                date: r.get(3)?,
                to_date: r.get(4)?,
                source: r.get(5)?,
                hours: r.get(6)?,
                batch_id: r.get(7)?,
            })
        },
    )
}

pub fn remove_online(tx: &Tx, actor: &Actor, o: &OnlineRow) -> Result<()> {
    tx.execute(
        "DELETE FROM online WHERE learner_id = ?1 AND date = ?2 AND source = ?3",
        params![o.learner_id, o.date, o.source],
    )?;
    let key = json!({ "learner_id": o.learner_id, "date": o.date, "source": o.source });
    let old = json!({ "hours": o.hours, "to_date": o.to_date, "batch_id": o.batch_id });
    audit(tx, actor, "online", &key, Action::Delete, Some(&old), None)
}

/// One row of the audit log.
#[derive(Debug, Clone)]
pub struct AuditRow {
    pub id: i64,
    pub at: String,
    pub operator: String,
    pub batch_id: Option<i64>,
    pub entity: String,
    pub key: String,
    pub action: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// Which audit rows to read.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Rows written on or after this day.
    pub since: Option<NaiveDate>,
    /// Rows about a learner: their own (keyed by staff id, or naming it as old or new value) and
    /// their records' (keyed by learner id, when the learner is still stored).
    pub staff_id: Option<String>,
    pub learner_id: Option<i64>,
    pub batch: Option<i64>,
}

/// The audit log, oldest first.
pub fn audit_log(tx: &Tx, f: &AuditFilter) -> Result<Vec<AuditRow>> {
    let e = tx.engine();
    let sql = format!(
        "SELECT id, at, operator, batch_id, entity, key, action, old, new FROM audit
         WHERE (CAST(?1 AS TEXT) IS NULL OR at >= ?1)
           AND (CAST(?2 AS TEXT) IS NULL OR {key_staff} = ?2
                OR (entity = 'learner' AND ({old_staff} = ?2 OR {new_staff} = ?2))
                OR {key_learner} = ?3)
           AND (CAST(?4 AS BIGINT) IS NULL OR batch_id = ?4)
         ORDER BY id",
        key_staff = e.json_text("key", "staff_id"),
        old_staff = e.json_text("old", "staff_id"),
        new_staff = e.json_text("new", "staff_id"),
        key_learner = e.json_int("key", "learner_id"),
    );
    tx.all(&sql, params![f.since.map(date::iso), f.staff_id, f.learner_id, f.batch], |r| {
        Ok(AuditRow {
            id: r.get(0)?,
            at: r.get(1)?,
            operator: r.get(2)?,
            batch_id: r.get(3)?,
            entity: r.get(4)?,
            key: r.get(5)?,
            action: r.get(6)?,
            old: r.get(7)?,
            new: r.get(8)?,
        })
    })
}

/// What the audit log's row ids stand for: learners' staff ids, branches', courses' and
/// assessments' codes, by id.
#[derive(Debug, Default)]
pub struct AuditNames {
    pub learners: HashMap<i64, String>,
    pub branches: HashMap<i64, String>,
    pub courses: HashMap<i64, String>,
    pub assessments: HashMap<i64, String>,
    /// Records deleted, by table and id: each delete's audit row id and the name it logged. A
    /// SQLite row id can be given again after its row is deleted: a row of the log before the
    /// delete means the record deleted, not today's.
    pub gone: Deleted,
}

/// Deleted records by (table, id): each delete's audit row id and the name it logged.
pub type Deleted = HashMap<(String, i64), Vec<(i64, String)>>;

/// The names of the audit log's row ids, as stored now.
pub fn audit_names(tx: &Tx) -> Result<AuditNames> {
    let by_id = |sql: &str| -> Result<HashMap<i64, String>> {
        Ok(tx.all(sql, params![], |r| Ok((r.get(0)?, r.get(1)?)))?.into_iter().collect())
    };
    Ok(AuditNames {
        learners: by_id("SELECT id, staff_id FROM learner")?,
        branches: by_id("SELECT id, code FROM branch")?,
        courses: by_id("SELECT id, code FROM course")?,
        assessments: by_id("SELECT id, code FROM assessment")?,
        gone: deleted_names(tx)?,
    })
}

/// The names the log's deletes of learners, courses and assessments record with their ids, in
/// the log's order.
fn deleted_names(tx: &Tx) -> Result<Deleted> {
    let mut gone = Deleted::new();
    let rows: Vec<(i64, String, String)> = tx.all(
        "SELECT id, entity, key FROM audit WHERE action = 'delete' AND entity IN ('learner', 'course', 'assessment')
         ORDER BY id",
        params![],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    for (row, entity, key) in rows {
        let Ok(key) = serde_json::from_str::<Json>(&key) else { continue };
        let (id, name) = match entity.as_str() {
            "learner" => (key.get("learner_id"), key.get("staff_id")),
            _ => (key.get("id"), key.get("code")),
        };
        if let (Some(id), Some(name)) = (id.and_then(Json::as_i64), name.and_then(Json::as_str)) {
            gone.entry((entity, id)).or_default().push((row, name.to_string()));
        }
    }
    Ok(gone)
}

/// Whether an import batch of this id exists.
pub fn batch_exists(tx: &Tx, id: i64) -> Result<bool> {
    tx.one("SELECT EXISTS (SELECT 1 FROM import_batch WHERE id = ?1)", params![id], |r| r.get(0))
}

/// How a conflicting stored attendance record reads, for an error message.
pub fn describe_attendance(stored: &[Value]) -> Msg {
    let status = match &stored[0] {
        Value::Text(s) => s.clone(),
        _ => "?".into(),
    };
    let hours = match stored[1] {
        Value::Integer(h) => Some(Fixed(h)),
        _ => None,
    };
    Msg::AttendanceDesc { status, hours }
}

/// How a stored result reads, for an error message: `score 59.5, award first`.
pub fn describe_result(stored: &[Value]) -> Msg {
    let score = match stored.first() {
        Some(Value::Integer(s)) => Some(Fixed(*s)),
        _ => None,
    };
    let award = match stored.get(1) {
        Some(Value::Text(a)) => Some(a.clone()),
        _ => None,
    };
    Msg::ResultDesc { score, award }
}
