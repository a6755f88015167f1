//! What earns hours: sessions and attendance, assessments and results, online study.

use rusqlite::types::Value;
use rusqlite::{params, OptionalExtension, Transaction};
use serde_json::json;

use super::{amount_arg, hours_arg, opt_text, word, Counts, Listing};
use crate::cli::{AssessmentCmd, AttendArgs, OnlineCmd, ResultCmd, SessionCmd};
use crate::date;
use crate::db::{self, audit, Action, Actor};
use crate::error::{Error, Problems, Result};
use crate::hours::{Fixed, Hours};
use crate::lookup;
use crate::model::{Award, CourseKind, Status};
use crate::report::render::Cell;
use crate::staff_id::{could_be_any_of, Found};
use crate::store::{self, Put, Writer};
use crate::Ctx;

/// The largest score or pass mark accepted.
pub const MAX_SCORE: i64 = 100_000;

/// Creates a session and returns its id.
pub fn add_session(
    tx: &Transaction,
    actor: &Actor,
    course_id: i64,
    day: &str,
    hours: Hours,
    teacher: Option<&str>,
) -> Result<i64> {
    tx.prepare_cached("INSERT INTO session (course_id, date, hours, teacher, batch_id) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![course_id, day, hours.0, teacher, actor.batch])?;
    let id = tx.last_insert_rowid();
    if actor.batch.is_none() {
        let new = json!({ "course_id": course_id, "date": day, "hours": hours.0, "teacher": teacher });
        audit(tx, actor, "session", &json!({ "id": id }), Action::Insert, None, Some(&new))?;
    }
    Ok(id)
}

pub fn session(ctx: &Ctx, cmd: SessionCmd) -> Result<()> {
    let mut conn = ctx.open()?;
    match cmd {
        SessionCmd::Add { course, date: day, hours, teacher } => {
            let hours = hours.map(|h| hours_arg("--hours", &h)).transpose()?;
            let tx = db::write(&mut conn)?;
            let (course_id, course_hours) = lookup::course(&tx, &course)?;
            let hours = hours.unwrap_or(Fixed(course_hours));
            let id = add_session(&tx, &ctx.actor(), course_id, &date::iso(day), hours, teacher.as_deref())?;
            tx.commit()?;
            crate::say(format_args!("{id}"))?;
            Ok(())
        }
        SessionCmd::List { year, output } => {
            let tx = db::read(&mut conn)?;
            let range = year.map(|y| (format!("{y:04}-01-01"), format!("{y:04}-12-31")));
            let mut stmt = tx.prepare(
                "SELECT s.id, s.date, c.code, c.title, c.kind, s.hours, s.teacher,
                        (SELECT COUNT(*) FROM attendance a WHERE a.session_id = s.id AND a.status IN ('present', 'late')),
                        (SELECT COUNT(*) FROM attendance a WHERE a.session_id = s.id)
                 FROM session s JOIN course c ON c.id = s.course_id
                 WHERE ?1 IS NULL OR s.date BETWEEN ?1 AND ?2
                 ORDER BY s.date, s.id",
            )?;
            let rows = stmt
                .query_map(params![range.as_ref().map(|r| &r.0), range.as_ref().map(|r| &r.1)], |r| {
                    Ok(vec![
                        Cell::Int(r.get(0)?),
                        Cell::Text(r.get(1)?),
                        Cell::Text(r.get(2)?),
                        Cell::Text(r.get(3)?),
                        word::<CourseKind>(r.get_ref(4)?.as_str()?),
                        Cell::Hours(Fixed(r.get(5)?)),
                        opt_text(r.get(6)?),
                        Cell::Int(r.get(7)?),
                        Cell::Int(r.get(8)?),
                    ])
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Listing {
                title: ("Sessions", "课次"),
                columns: &[
                    ("id", "Id", "编号"),
                    ("date", "Date", "日期"),
                    ("course", "Course", "课程代码"),
                    ("title", "Title", "课程名称"),
                    ("kind", "Kind", "课程类型"),
                    ("hours", "Hours", "学时"),
                    ("teacher", "Teacher", "授课人"),
                    ("attended", "Attended", "出勤人数"),
                    ("records", "Records", "记录数"),
                ],
                rows,
            }
            .emit(&output, ctx.lang)
        }
        SessionCmd::Set { id, hours, date: day, teacher } => {
            let hours = hours.map(|h| hours_arg("--hours", &h)).transpose()?;
            let tx = db::write(&mut conn)?;
            let (old_date, old_hours, old_teacher): (String, i64, Option<String>) = tx
                .query_row("SELECT date, hours, teacher FROM session WHERE id = ?1", [id], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .optional()?
                .ok_or_else(|| {
                    Error::invalid(format!("session {id} is not a known session (see `xueshi session list`)"))
                })?;
            if let Some(h) = hours {
                // Records with their own hours must stay within the session's.
                let mut stmt = tx.prepare(
                    "SELECT l.staff_id, a.hours FROM attendance a JOIN learner l ON l.id = a.learner_id
                     WHERE a.session_id = ?1 AND a.hours > ?2 ORDER BY l.staff_id",
                )?;
                let above: Vec<(String, i64)> = stmt
                    .query_map(params![id, h.0], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<rusqlite::Result<_>>()?;
                if !above.is_empty() {
                    return Err(Error::Invalid(
                        above
                            .into_iter()
                            .map(|(sid, own)| {
                                crate::error::Problem::new(format!(
                                    "session {id}: staff id {sid} is credited {} hours, more than the new {h}; correct it first with `xueshi attend {id} {sid} --hours H --update`",
                                    Fixed(own)
                                ))
                            })
                            .collect(),
                    ));
                }
            }
            let new_date = day.map(date::iso).unwrap_or(old_date.clone());
            let new_hours = hours.map_or(old_hours, |h| h.0);
            let new_teacher = teacher.or(old_teacher.clone());
            tx.execute(
                "UPDATE session SET date = ?1, hours = ?2, teacher = ?3 WHERE id = ?4",
                params![new_date, new_hours, new_teacher, id],
            )?;
            audit(
                &tx,
                &ctx.actor(),
                "session",
                &json!({ "id": id }),
                Action::Update,
                Some(&json!({ "date": old_date, "hours": old_hours, "teacher": old_teacher })),
                Some(&json!({ "date": new_date, "hours": new_hours, "teacher": new_teacher })),
            )?;
            tx.commit()?;
            Ok(())
        }
    }
}

/// Checks a record's own hours: only present or late records carry them, within the session's.
pub fn check_own_hours(status: Status, own: Option<Hours>, session_hours: Hours) -> std::result::Result<(), String> {
    match own {
        Some(h) if !status.attended() => Err(format!("an {} record carries no hours (got {h})", status.code())),
        Some(h) if h > session_hours => Err(format!("{h} is more than the session's {session_hours} hours")),
        _ => Ok(()),
    }
}

/// How a conflicting stored attendance record reads, for an error message.
pub fn describe_attendance(stored: &[Value]) -> String {
    let status = match &stored[0] {
        Value::Text(s) => s.clone(),
        _ => "?".into(),
    };
    match stored[1] {
        Value::Integer(h) => format!("{status}, {} hours", Fixed(h)),
        _ => status,
    }
}

pub fn attend(ctx: &Ctx, a: AttendArgs) -> Result<()> {
    let own = a.hours.as_deref().map(|h| hours_arg("--hours", h)).transpose()?;
    let mut conn = ctx.open()?;
    let tx = db::write(&mut conn)?;
    let session_hours = Fixed(lookup::session(&tx, a.session)?);
    if let Err(e) = check_own_hours(a.status, own, session_hours) {
        return Err(Error::invalid(format!("--hours: {e}")));
    }
    let actor = ctx.actor();
    let writer = Writer::new(&store::ATTENDANCE);
    let mut problems = Problems::default();
    let mut counts = Counts::default();
    let values = [Value::Text(a.status.code().into()), store::int(own.map(|h| h.0))];
    for staff_id in &a.staff_ids {
        let learner = match lookup::find_learner(&tx, staff_id)? {
            Found::One((id, _)) => id,
            Found::Several(fits) => {
                problems.push(staff_id.trim(), could_be_any_of(&fits));
                continue;
            }
            Found::Unknown => {
                problems.push(staff_id.trim(), "not a known learner");
                continue;
            }
        };
        match writer.put(&tx, &actor, &[Value::Integer(a.session), Value::Integer(learner)], &values, a.update)? {
            Put::Conflict(stored) | Put::Repeated(stored) => problems.push(
                staff_id.trim(),
                format!(
                    "session {} already records {}; add --update to overwrite",
                    a.session,
                    describe_attendance(&stored)
                ),
            ),
            put => counts.add(&put),
        }
    }
    problems.into_result()?;
    tx.commit()?;
    crate::say(format_args!("session {}: {}", a.session, counts.summary()))?;
    Ok(())
}

/// How a stored result reads, for an error message: `score 59.5, first prize`.
pub fn describe_result(stored: &[Value]) -> String {
    let score = match stored.first() {
        Some(Value::Integer(s)) => format!("score {}", Fixed(*s)),
        _ => "no score".to_string(),
    };
    match stored.get(1) {
        Some(Value::Text(a)) => format!("{score}, award {a}"),
        _ => format!("{score}, no award"),
    }
}

/// `first=3` → (Award::First, 3 hours).
fn parse_award_bonus(text: &str) -> Result<(Award, Hours)> {
    let (level, hours) = text
        .split_once('=')
        .ok_or_else(|| Error::usage(format!("--award {text:?}: write LEVEL=HOURS, e.g. first=3")))?;
    let level = Award::parse(level).map_err(|e| Error::usage(format!("--award: {e}")))?;
    Ok((level, hours_arg("--award", hours)?))
}

pub fn assessment(ctx: &Ctx, cmd: AssessmentCmd) -> Result<()> {
    let mut conn = ctx.open()?;
    match cmd {
        AssessmentCmd::Add { code, title, kind, date: day, hours, pass_mark, award } => {
            let (code, title) = (code.trim(), title.trim());
            if code.is_empty() || title.is_empty() {
                return Err(Error::invalid("an assessment needs a code and a title"));
            }
            let hours = hours_arg("--hours", &hours)?;
            let pass_mark =
                pass_mark.map(|p| amount_arg("--pass-mark", &p, MAX_SCORE)).transpose()?.unwrap_or(Fixed(6000));
            let mut bonus = [Fixed(0); 4];
            let mut given = [false; 4];
            for a in &award {
                let (level, h) = parse_award_bonus(a)?;
                if std::mem::replace(&mut given[level as usize], true) {
                    return Err(Error::usage(format!("--award: {} is given twice", level.code())));
                }
                bonus[level as usize] = h;
            }
            let tx = db::write(&mut conn)?;
            if lookup::assessment(&tx, code).is_ok() {
                return Err(Error::invalid(format!("assessment {code} exists already")));
            }
            let day = date::iso(day);
            tx.execute(
                "INSERT INTO assessment (code, title, kind, date, hours, pass_mark, first, second, third, merit)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    code,
                    title,
                    kind.code(),
                    day,
                    hours.0,
                    pass_mark.0,
                    bonus[0].0,
                    bonus[1].0,
                    bonus[2].0,
                    bonus[3].0
                ],
            )?;
            let new = json!({ "title": title, "kind": kind.code(), "date": day, "hours": hours.0, "pass_mark": pass_mark.0,
                              "first": bonus[0].0, "second": bonus[1].0, "third": bonus[2].0, "merit": bonus[3].0 });
            audit(&tx, &ctx.actor(), "assessment", &json!({ "code": code }), Action::Insert, None, Some(&new))?;
            tx.commit()?;
            Ok(())
        }
        AssessmentCmd::List(output) => {
            let tx = db::read(&mut conn)?;
            let mut stmt = tx.prepare(
                "SELECT a.code, a.title, a.kind, a.date, a.hours, a.pass_mark, a.first, a.second, a.third, a.merit,
                        (SELECT COUNT(*) FROM result r WHERE r.assessment_id = a.id)
                 FROM assessment a ORDER BY a.date, a.code",
            )?;
            let rows = stmt
                .query_map([], |r| {
                    Ok(vec![
                        Cell::Text(r.get(0)?),
                        Cell::Text(r.get(1)?),
                        word::<crate::model::AssessmentKind>(r.get_ref(2)?.as_str()?),
                        Cell::Text(r.get(3)?),
                        Cell::Hours(Fixed(r.get(4)?)),
                        Cell::Hours(Fixed(r.get(5)?)),
                        Cell::Hours(Fixed(r.get(6)?)),
                        Cell::Hours(Fixed(r.get(7)?)),
                        Cell::Hours(Fixed(r.get(8)?)),
                        Cell::Hours(Fixed(r.get(9)?)),
                        Cell::Int(r.get(10)?),
                    ])
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Listing {
                title: ("Assessments", "考核"),
                columns: &[
                    ("code", "Code", "编号"),
                    ("title", "Title", "名称"),
                    ("kind", "Kind", "类型"),
                    ("date", "Date", "日期"),
                    ("hours", "Hours", "学时"),
                    ("pass_mark", "Pass mark", "及格线"),
                    ("first", "First", "一等奖"),
                    ("second", "Second", "二等奖"),
                    ("third", "Third", "三等奖"),
                    ("merit", "Merit", "优秀奖"),
                    ("results", "Results", "成绩数"),
                ],
                rows,
            }
            .emit(&output, ctx.lang)
        }
    }
}

pub fn result(ctx: &Ctx, cmd: ResultCmd) -> Result<()> {
    let ResultCmd::Add { assessment, staff_id, score, award, update } = cmd;
    let score = score.map(|s| amount_arg("--score", &s, MAX_SCORE)).transpose()?;
    let mut conn = ctx.open()?;
    let tx = db::write(&mut conn)?;
    let assessment_id = lookup::assessment(&tx, &assessment)?;
    let learner = lookup::learner(&tx, &staff_id)?;
    let writer = Writer::new(&store::RESULT);
    let values = [store::int(score.map(|s| s.0)), store::text(award.map(Award::code))];
    match writer.put(&tx, &ctx.actor(), &[Value::Integer(assessment_id), Value::Integer(learner)], &values, update)? {
        Put::Conflict(stored) | Put::Repeated(stored) => {
            return Err(Error::invalid(format!(
                "assessment {} already has a result for staff id {} ({}); add --update to overwrite",
                assessment.trim(),
                staff_id.trim(),
                describe_result(&stored)
            )))
        }
        _ => {}
    }
    tx.commit()?;
    Ok(())
}

pub fn online(ctx: &Ctx, cmd: OnlineCmd) -> Result<()> {
    let OnlineCmd::Add { staff_id, date: day, hours, source, update } = cmd;
    let hours = hours_arg("HOURS", &hours)?;
    let mut conn = ctx.open()?;
    let tx = db::write(&mut conn)?;
    let learner = lookup::learner(&tx, &staff_id)?;
    let writer = Writer::new(&store::ONLINE);
    let key = [Value::Integer(learner), Value::Text(date::iso(day)), Value::Text(source.trim().to_string())];
    match writer.put(&tx, &ctx.actor(), &key, &[Value::Integer(hours.0), Value::Null], update)? {
        Put::Conflict(stored) | Put::Repeated(stored) => {
            let had = match stored[0] {
                Value::Integer(h) => Fixed(h),
                _ => Fixed(0),
            };
            return Err(Error::invalid(format!(
                "{}: {} already has {had} online hours from {:?} on that day; add --update to overwrite",
                staff_id.trim(),
                date::iso(day),
                source.trim()
            )));
        }
        _ => {}
    }
    tx.commit()?;
    Ok(())
}
