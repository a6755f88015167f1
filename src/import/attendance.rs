//! Attendance sheets: sign-in lists, rosters with status words, and sheets covering several
//! sessions with course and date columns.

use std::collections::HashMap;

use rusqlite::types::Value;

use chrono::{Datelike, NaiveDate};

use super::bulk::Bulk;
use super::guard::Guard;
use super::sheet::{Column, Layout};
use super::{Job, Learners, Row, DATE, HOURS, NAME, STAFF_ID};
use crate::cli::ImportArgs;
use crate::commands::events::{add_session, check_own_hours, describe_attendance};
use crate::commands::hours_arg;
use crate::date;
use crate::error::{Error, Result};
use crate::hours::{parse_hours, Fixed, Hours};
use crate::model::Status;
use crate::msg::Msg;
use crate::store;
use crate::store::closed::Closed;

pub const LAYOUT: Layout = Layout {
    columns: &[
        STAFF_ID,
        NAME,
        // 打卡结果: DingTalk's (正常, 迟到, 缺卡 …).
        Column { name: "status", aliases: &["状态", "出勤", "出勤情况", "签到", "考勤", "打卡结果"] },
        HOURS,
        Column { name: "course", aliases: &["课程", "课程编号", "课程代码"] },
        DATE,
    ],
    by_name: Some(A_NAME),
    dates: &[A_DATE],
};
const A_NAME: usize = 1;
const A_STATUS: usize = 2;
const A_HOURS: usize = 3;
const A_COURSE: usize = 4;
const A_DATE: usize = 5;

/// Courses by code: (id, default hours).
type Courses = HashMap<String, (i64, i64)>;
/// Sessions by (course id, ISO date): (id, hours) of each held that day.
type Sessions = HashMap<(i64, String), Vec<(i64, i64)>>;
/// A row's session: id, hours, date.
type Found = (i64, Hours, NaiveDate);

/// Where a sheet's rows find their session.
enum Target {
    /// `--session`, or `--course` and `--date`: one session for the whole sheet.
    One { id: i64, hours: Hours, day: NaiveDate },
    /// Course and date columns: the session is found (or created) per row.
    PerRow { courses: Courses, sessions: Sessions, last: Option<(String, String, Found)> },
}

pub fn import(job: &mut Job, args: &ImportArgs) -> Result<()> {
    let guard = Guard::load(job.tx)?;
    let mut target = target(job, args, &guard)?;
    let learners = Learners::load(job.tx)?;
    // Without an hours column the sheet says nothing of own hours: stored ones stay.
    let mut bulk = Bulk::new(&store::ATTENDANCE, &[true, job.sheet.has(A_HOURS)]);
    let describe = |stored: &[Value], key: &[Value], _: &Row| {
        let session = match key.first() {
            Some(Value::Integer(id)) => *id,
            _ => 0,
        };
        let learner = match key.get(1) {
            Some(Value::Integer(id)) => guard.staff_id(*id),
            _ => "",
        };
        Msg::AttendanceExists { session, record: Box::new(describe_attendance(stored)), staff_id: learner.to_string() }
    };
    let has_status = job.sheet.has(A_STATUS);
    // A sheet whose session is named on the command line may still have course and date columns:
    // a row naming another session is an error, not silently filed under this one.
    let named = match &target {
        Target::One { id, day, .. } if job.sheet.has(A_COURSE) || job.sheet.has(A_DATE) => {
            let code: String = job.tx.query_row(
                "SELECT c.code FROM session s JOIN course c ON c.id = s.course_id WHERE s.id = ?1",
                [id],
                |r| r.get(0),
            )?;
            Some((*id, code, *day))
        }
        _ => None,
    };
    if let Target::One { day, .. } = &target {
        job.sheet.given_year(day.year());
    }
    while let Some(row) = job.next_row()? {
        if let Some((id, code, day)) = &named {
            if !same_session(job, &row, *id, code, *day)? {
                continue;
            }
        }
        let session = match &mut target {
            Target::One { id, hours, day } => Some((*id, *hours, *day)),
            Target::PerRow { courses, sessions, last } => {
                // Sheets list a session's rows together: the previous row's session is likely this one's.
                match last {
                    Some((code, day, found)) if code == row.get(A_COURSE) && day == row.get(A_DATE) => Some(*found),
                    _ => {
                        let found = session_of_row(job, &row, courses, sessions, &guard)?;
                        *last = found.map(|f| (row.get(A_COURSE).to_string(), row.get(A_DATE).to_string(), f));
                        found
                    }
                }
            }
        };
        // No status column: a sign-in list, where being listed means being there. With one, a
        // blank mark is a printed roster's absentee.
        let status = if !has_status {
            Some(Status::Present)
        } else if row.get(A_STATUS).is_empty() {
            Some(Status::Absent)
        } else {
            Status::parse(row.get(A_STATUS)).map_err(|e| job.bad(&row, A_STATUS, e.msg())).ok()
        };
        let hours_cell = row.get(A_HOURS);
        let own = if hours_cell.is_empty() {
            Some(None)
        } else {
            parse_hours(hours_cell)
                .map(Some)
                .map_err(|e| {
                    job.bad(&row, A_HOURS, Msg::BadAmount { text: hours_cell.to_string(), why: Box::new(e.into()) })
                })
                .ok()
        };
        let learner = job.learner(&learners, &guard, &row, A_NAME, session.map(|(_, _, day)| day));
        let (Some(learner), Some((session_id, session_hours, day)), Some(status), Some(mut own)) =
            (learner, session, status, own)
        else {
            continue;
        };
        if let Some(why) = guard.refuse(learner, day) {
            job.bad(&row, 0, why);
            continue;
        }
        // A printed roster often shows 0 for those who were not there: that is no hours at all.
        if !status.attended() && own == Some(Fixed(0)) {
            own = None;
        }
        if let Err(e) = check_own_hours(status, own, session_hours) {
            job.bad(&row, A_HOURS, e);
            continue;
        }
        let values = vec![Value::Text(status.code().into()), store::int(own.map(|h| h.0))];
        bulk.push(job, row, (session_id, learner), values, &describe)?;
    }
    bulk.flush(job, &describe)
}

/// Whether a row's course and date cells (where filled in) are those of the named session.
fn same_session(job: &mut Job, row: &Row, id: i64, code: &str, day: NaiveDate) -> Result<bool> {
    let course = row.get(A_COURSE);
    if !course.is_empty() && course != code {
        let message =
            Msg::NotSessionCourse { cell: course.to_string(), id, code: code.to_string(), day: date::iso(day) };
        job.bad(row, A_COURSE, message);
        return Ok(false);
    }
    let cell = row.get(A_DATE);
    if cell.is_empty() {
        return Ok(true);
    }
    match job.sheet.date(row, A_DATE)? {
        Ok(d) if d == day => Ok(true),
        // A day the sheet writes without its year and nothing gives one a year: say that.
        Err(message) if date::month_day(cell).is_some() => {
            job.bad(row, A_DATE, message);
            Ok(false)
        }
        _ => {
            let message =
                Msg::NotSessionDate { cell: cell.to_string(), id, code: code.to_string(), day: date::iso(day) };
            job.bad(row, A_DATE, message);
            Ok(false)
        }
    }
}

fn target(job: &mut Job, args: &ImportArgs, guard: &Guard) -> Result<Target> {
    if let Some(id) = args.session {
        let hours = crate::lookup::session(job.tx, id)?;
        let day: String = job.tx.query_row("SELECT date FROM session WHERE id = ?1", [id], |r| r.get(0))?;
        let day = date::parse(&day).ok_or_else(|| Error::Other(Msg::SessionBadDate { id, day: day.clone() }))?;
        guard.closed.check_day(day, Msg::RecAttendanceAt { session: id })?;
        return Ok(Target::One { id, hours: Fixed(hours), day });
    }
    let courses = load_courses(job)?;
    let sessions = load_sessions(job)?;
    if let (Some(code), Some(day)) = (&args.course, args.date) {
        let code = code.trim();
        let &(course_id, course_hours) =
            courses.get(code).ok_or_else(|| Error::invalid(Msg::FlagCourseUnknown { code: code.to_string() }))?;
        let wanted = args.hours.as_deref().map(|h| hours_arg("--hours", h)).transpose()?;
        guard.closed.check_day(day, Msg::WhatAttendanceAtCourse { code: code.to_string(), day: date::iso(day) })?;
        let on = day;
        let day = date::iso(day);
        return match sessions.get(&(course_id, day.clone())).map(Vec::as_slice).unwrap_or_default() {
            [] => {
                let hours = wanted.unwrap_or(Fixed(course_hours));
                let id = add_session(job.tx, &job.actor, course_id, &day, hours, None)?;
                job.created += 1;
                Ok(Target::One { id, hours, day: on })
            }
            [(id, hours)] => match wanted {
                Some(wanted) if wanted.0 != *hours => Err(Error::invalid(Msg::FlagHoursMismatch {
                    id: *id,
                    code: code.to_string(),
                    day,
                    hours: Fixed(*hours),
                    wanted,
                })),
                _ => Ok(Target::One { id: *id, hours: Fixed(*hours), day: on }),
            },
            several => Err(Error::invalid(Msg::SeveralSessionsFlag {
                code: code.to_string(),
                day,
                ids: several.iter().map(|(id, _)| *id).collect(),
            })),
        };
    }
    if !job.sheet.has(A_COURSE) || !job.sheet.has(A_DATE) {
        return Err(Error::invalid_at(&job.sheet.file, Msg::NoCourseDateColumns));
    }
    Ok(Target::PerRow { courses, sessions, last: None })
}

fn load_courses(job: &Job) -> Result<Courses> {
    let mut stmt = job.tx.prepare("SELECT code, id, hours FROM course")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn load_sessions(job: &Job) -> Result<Sessions> {
    let mut sessions = Sessions::new();
    let mut stmt = job.tx.prepare("SELECT course_id, date, id, hours FROM session ORDER BY id")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        sessions.entry((r.get(0)?, r.get(1)?)).or_default().push((r.get(2)?, r.get(3)?));
    }
    Ok(sessions)
}

/// The session a row's course and date name, created with the course's hours if there is none.
fn session_of_row(
    job: &mut Job,
    row: &Row,
    courses: &Courses,
    sessions: &mut Sessions,
    guard: &Guard,
) -> Result<Option<Found>> {
    let code = row.get(A_COURSE);
    let course = match courses.get(code) {
        Some(c) => Some(*c),
        None if code.is_empty() => {
            job.bad(row, A_COURSE, Msg::CourseMissing);
            None
        }
        None => {
            job.bad(row, A_COURSE, Msg::CourseUnknownCell { code: code.to_string() });
            None
        }
    };
    let on = if row.get(A_DATE).is_empty() {
        job.bad(row, A_DATE, Msg::DateMissing);
        None
    } else {
        job.date(row, A_DATE)?
    };
    let day = on.map(date::iso);
    let (Some((course_id, course_hours)), Some(day), Some(on)) = (course, day, on) else {
        return Ok(None);
    };
    if guard.closed.contains(on.year()) {
        job.bad(row, A_DATE, Closed::refusal(on.year(), Msg::WhatSessionDatedIn));
        return Ok(None);
    }
    let held = sessions.entry((course_id, day.clone())).or_default();
    match held.as_slice() {
        [] => {
            let id = add_session(job.tx, &job.actor, course_id, &day, Fixed(course_hours), None)?;
            job.created += 1;
            held.push((id, course_hours));
            Ok(Some((id, Fixed(course_hours), on)))
        }
        [(id, hours)] => Ok(Some((*id, Fixed(*hours), on))),
        several => {
            let ids = several.iter().map(|(id, _)| *id).collect();
            job.bad(row, A_DATE, Msg::SeveralSessionsRow { code: code.to_string(), day, ids });
            Ok(None)
        }
    }
}
