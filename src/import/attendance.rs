//! Attendance sheets: sign-in lists, rosters with status words, and sheets covering several
//! sessions with course and date columns.

use std::sync::mpsc;

use chrono::{Datelike, NaiveDate};

use super::guard::Guard;
use super::sheet::{Column, Layout};
use super::{Job, Learners, Options, Pass, Passed, Reading, Row, DATE, HOURS, NAME, STAFF_ID};
use crate::args::hours_arg;
use crate::date;
use crate::error::{Error, Result};
use crate::hours::{parse_hours, Fixed, Hours};
use crate::model::check_own_hours;
use crate::model::Status;
use crate::msg::Msg;
use crate::store::bulk::{Bulk, Field, LearnerIndex, Record, Target as BulkTarget};
use crate::store::closed::Closed;
use crate::store::lookup::{self, Courses, Sessions};
use crate::store::records::{self, describe_attendance, ImportedSession};
use crate::store::{self, Value};

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

/// A row's session: id, hours, date.
type Found = (i64, Hours, NaiveDate);

/// Where a sheet's rows find their session.
enum Target {
    /// `--session`, or `--course` and `--date`: one session for the whole sheet.
    One { id: i64, hours: Hours, day: NaiveDate },
    /// Course and date columns: the session is found (or created) per row.
    PerRow { courses: Courses, sessions: Sessions, last: Option<(String, String, Found)> },
}

/// Records per message from the reading thread to the writing one.
const CHUNK: usize = 8192;
/// Messages under way at most: the reader waits when the writer is this far behind, so that
/// memory stays flat whatever the sheet's size.
const QUEUE: usize = 4;

/// What the reading thread hands the writing one: sessions to create, then records.
#[derive(Default)]
struct Chunk {
    sessions: Vec<ImportedSession>,
    records: Vec<Record>,
    /// How much of the sheet was read by then (0 to 1), to foresee how many rows are to come.
    read: f64,
}

/// The ids of the sessions the import creates. The import holds the write lock from before it
/// reads the highest id, so no one else can take these; the row ids SQLite would give them.
struct Reserved {
    next: i64,
    created: i64,
}

/// A sheet is read on its own thread while this one writes: decoding, checking and finding each
/// row's learner and session on one core, SQLite's B-tree work on the other, the two joined by a
/// short queue of ready records.
///
/// On PostgreSQL, `Pass::First` may take the fastest way for a large sheet whose rows all fall on
/// sessions it creates: the table's primary key set aside and every row copied in as new. A row
/// of a session stored before, or a key given twice, makes it stop and ask to start over
/// (`Passed::StartOver`), which `Pass::Careful` does with the key kept.
pub fn import(job: &mut Job, args: &Options, pass: Pass) -> Result<Passed> {
    let guard = Guard::load(job.tx)?;
    let target = target(job, args, &guard)?;
    let learners = Learners::of(&guard);
    let has_hours = job.read.sheet.has(A_HOURS);
    // A sheet whose session is named on the command line may still have course and date columns:
    // a row naming another session is an error, not silently filed under this one.
    let named = match &target {
        Target::One { id, day, .. } if job.read.sheet.has(A_COURSE) || job.read.sheet.has(A_DATE) => {
            Some((*id, records::session(job.tx, *id)?.course, *day))
        }
        _ => None,
    };
    if let Target::One { day, .. } = &target {
        job.read.sheet.given_year(day.year());
    }
    let next = records::next_session_id(job.tx)?;
    let mut bulk = Bulk::new(&store::ATTENDANCE, &[true, has_hours]);
    let describe = |stored: &[Value], key: &[Value]| {
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
    let Job { tx, actor, update, read, counts, created } = job;
    let reader =
        Reader { read, learners: &learners, guard: &guard, target, named, reserved: Reserved { next, created: 0 } };
    let mut index = LearnerIndex::default();
    // Sessions of ids from `next` on are the ones this import creates: no row is stored under them.
    let created_here = |r: &Record| r.key.0 >= next;
    let (send, receive) = mpsc::sync_channel::<Chunk>(QUEUE);
    let (written, read) = std::thread::scope(|scope| {
        let reading = scope.spawn(move || reader.run(send));
        let written = (|| -> Result<Passed> {
            let mut chunks = receive.iter();
            while let Some(mut chunk) = chunks.next() {
                records::insert_imported_sessions(tx, actor, &chunk.sessions)?;
                let weighed = index.weigh(tx, counts.new + chunk.records.len() as i64, chunk.read)?;
                let all_new = pass == Pass::First && counts.new == 0 && chunk.records.iter().all(created_here);
                let to = BulkTarget { tx, actor, update: *update, counts };
                if weighed && all_new {
                    index.set_key_aside(tx)?;
                    if index.key_aside() {
                        return copy_new(&mut bulk, to, chunk.records, chunks, created_here);
                    }
                }
                bulk.copy_straight(index.set_aside());
                bulk.write(to, &mut chunk.records, &describe)?;
            }
            Ok(Passed::Done)
        })();
        // A writer that failed stops the reader at its next chunk.
        drop(receive);
        let read = reading.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (written, read)
    });
    let (read, sessions) = read?;
    if written? == Passed::StartOver || !index.build(tx)? {
        return Ok(Passed::StartOver);
    }
    *created += sessions;
    for (line, message) in bulk.refused() {
        read.bad_at(line, 0, message);
    }
    Ok(Passed::Done)
}

/// The rest of the sheet, from `first`'s records on, copied in as new rows in one stream
/// (`Bulk::copy_new`), the sessions the rows create written after them; `Passed::StartOver` when
/// a row is of a session that was stored before.
fn copy_new(
    bulk: &mut Bulk,
    to: BulkTarget,
    first: Vec<Record>,
    chunks: impl Iterator<Item = Chunk>,
    created_here: impl Fn(&Record) -> bool,
) -> Result<Passed> {
    let (tx, actor) = (to.tx, to.actor);
    let mut sessions = Vec::new();
    let mut stored_before = false;
    let rest = chunks.map_while(|chunk| {
        sessions.extend(chunk.sessions);
        stored_before = !chunk.records.iter().all(&created_here);
        (!stored_before).then_some(chunk.records)
    });
    bulk.copy_new(to, std::iter::once(first).chain(rest).flatten())?;
    if stored_before {
        return Ok(Passed::StartOver);
    }
    records::insert_imported_sessions(tx, actor, &sessions)?;
    Ok(Passed::Done)
}

/// The reading half of an attendance import.
struct Reader<'a> {
    read: &'a mut Reading,
    learners: &'a Learners,
    guard: &'a Guard,
    target: Target,
    named: Option<(i64, String, NaiveDate)>,
    reserved: Reserved,
}

impl<'a> Reader<'a> {
    /// Reads every row, sending the records a chunk at a time; returns the reading half back and
    /// how many sessions the rows created.
    fn run(mut self, send: mpsc::SyncSender<Chunk>) -> Result<(&'a mut Reading, i64)> {
        let has_status = self.read.sheet.has(A_STATUS);
        let mut row = Row::default();
        let mut chunk = Chunk { sessions: Vec::new(), records: Vec::with_capacity(CHUNK), read: 0.0 };
        while self.read.next_row_into(&mut row)? {
            if let Some(record) = self.record(&row, has_status, &mut chunk.sessions)? {
                chunk.records.push(record);
                if chunk.records.len() == CHUNK {
                    chunk.read = self.read.sheet.share_read();
                    let full = std::mem::replace(
                        &mut chunk,
                        Chunk { sessions: Vec::new(), records: Vec::with_capacity(CHUNK), read: 0.0 },
                    );
                    if send.send(full).is_err() {
                        // The writer stopped: its error is the one to report.
                        return Ok((self.read, self.reserved.created));
                    }
                }
            }
        }
        // The last records, or sessions without records (rows whose other cells were wrong).
        chunk.read = 1.0;
        let _ = send.send(chunk);
        Ok((self.read, self.reserved.created))
    }

    /// The record a row makes, or None when a cell is wrong (reported).
    fn record(&mut self, row: &Row, has_status: bool, new: &mut Vec<ImportedSession>) -> Result<Option<Record>> {
        let read = &mut *self.read;
        if let Some((id, code, day)) = &self.named {
            if !same_session(read, row, *id, code, *day)? {
                return Ok(None);
            }
        }
        let session = match &mut self.target {
            Target::One { id, hours, day } => Some((*id, *hours, *day)),
            Target::PerRow { courses, sessions, last } => {
                // Sheets list a session's rows together: the previous row's session is likely this one's.
                match last {
                    Some((code, day, found)) if code == row.get(A_COURSE) && day == row.get(A_DATE) => Some(*found),
                    _ => {
                        let found = session_of_row(read, row, courses, sessions, self.guard, &mut self.reserved, new)?;
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
            Status::parse(row.get(A_STATUS)).map_err(|e| read.bad(row, A_STATUS, e.msg())).ok()
        };
        let hours_cell = row.get(A_HOURS);
        let own = if hours_cell.is_empty() {
            Some(None)
        } else {
            parse_hours(hours_cell)
                .map(Some)
                .map_err(|e| {
                    read.bad(row, A_HOURS, Msg::BadAmount { text: hours_cell.to_string(), why: Box::new(e.into()) })
                })
                .ok()
        };
        let learner = read.learner(self.learners, self.guard, row, A_NAME, session.map(|(_, _, day)| day));
        let (Some(learner), Some((session_id, session_hours, day)), Some(status), Some(mut own)) =
            (learner, session, status, own)
        else {
            return Ok(None);
        };
        if let Some(why) = self.guard.refuse(learner, day) {
            read.bad(row, 0, why);
            return Ok(None);
        }
        // A printed roster often shows 0 for those who were not there: that is no hours at all.
        if !status.attended() && own == Some(Fixed(0)) {
            own = None;
        }
        if let Err(e) = check_own_hours(status, own, session_hours) {
            read.bad(row, A_HOURS, e);
            return Ok(None);
        }
        let values = [Field::Code(status.code()), Field::int(own.map(|h| h.0))];
        Ok(Some(Record { key: (session_id, learner), values, line: row.line }))
    }
}

/// Whether a row's course and date cells (where filled in) are those of the named session.
fn same_session(read: &mut Reading, row: &Row, id: i64, code: &str, day: NaiveDate) -> Result<bool> {
    let course = row.get(A_COURSE);
    if !course.is_empty() && course != code {
        let message =
            Msg::NotSessionCourse { cell: course.to_string(), id, code: code.to_string(), day: date::iso(day) };
        read.bad(row, A_COURSE, message);
        return Ok(false);
    }
    let cell = row.get(A_DATE);
    if cell.is_empty() {
        return Ok(true);
    }
    match read.sheet.date(row, A_DATE)? {
        Ok(d) if d == day => Ok(true),
        // A day the sheet writes without its year and nothing gives one a year: say that.
        Err(message) if date::month_day(cell).is_some() => {
            read.bad(row, A_DATE, message);
            Ok(false)
        }
        _ => {
            let message =
                Msg::NotSessionDate { cell: cell.to_string(), id, code: code.to_string(), day: date::iso(day) };
            read.bad(row, A_DATE, message);
            Ok(false)
        }
    }
}

fn target(job: &mut Job, args: &Options, guard: &Guard) -> Result<Target> {
    if let Some(id) = args.session {
        let records::SessionRow { hours, date: day, .. } = records::session(job.tx, id)?;
        let day = date::parse(&day).ok_or_else(|| Error::Other(Msg::SessionBadDate { id, day: day.clone() }))?;
        guard.closed.check_day(day, Msg::RecAttendanceAt { session: id })?;
        return Ok(Target::One { id, hours: Fixed(hours), day });
    }
    let courses = lookup::courses(job.tx)?;
    let sessions = lookup::sessions(job.tx)?;
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
                let id = records::insert_session(job.tx, &job.actor, None, course_id, &day, hours.0, 1, None)?;
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
    if !job.read.sheet.has(A_COURSE) || !job.read.sheet.has(A_DATE) {
        return Err(Error::invalid_at(&job.read.sheet.file, Msg::NoCourseDateColumns));
    }
    Ok(Target::PerRow { courses, sessions, last: None })
}

/// The session a row's course and date name; one there is none of yet gets the next reserved id
/// and the course's hours, and is sent to the writer before the row's record.
fn session_of_row(
    read: &mut Reading,
    row: &Row,
    courses: &Courses,
    sessions: &mut Sessions,
    guard: &Guard,
    reserved: &mut Reserved,
    new: &mut Vec<ImportedSession>,
) -> Result<Option<Found>> {
    let code = row.get(A_COURSE);
    let course = match courses.get(code) {
        Some(c) => Some(*c),
        None if code.is_empty() => {
            read.bad(row, A_COURSE, Msg::CourseMissing);
            None
        }
        None => {
            read.bad(row, A_COURSE, Msg::CourseUnknownCell { code: code.to_string() });
            None
        }
    };
    let on = if row.get(A_DATE).is_empty() {
        read.bad(row, A_DATE, Msg::DateMissing);
        None
    } else {
        read.date(row, A_DATE)?
    };
    let day = on.map(date::iso);
    let (Some((course_id, course_hours)), Some(day), Some(on)) = (course, day, on) else {
        return Ok(None);
    };
    if guard.closed.contains(on.year()) {
        read.bad(row, A_DATE, Closed::refusal(on.year(), Msg::WhatSessionDatedIn));
        return Ok(None);
    }
    let held = sessions.entry((course_id, day.clone())).or_default();
    match held.as_slice() {
        [] => {
            let id = reserved.next;
            reserved.next += 1;
            reserved.created += 1;
            new.push(ImportedSession { id, course_id, day, hours: course_hours });
            held.push((id, course_hours));
            Ok(Some((id, Fixed(course_hours), on)))
        }
        [(id, hours)] => Ok(Some((*id, Fixed(*hours), on))),
        several => {
            let ids = several.iter().map(|(id, _)| *id).collect();
            read.bad(row, A_DATE, Msg::SeveralSessionsRow { code: code.to_string(), day, ids });
            Ok(None)
        }
    }
}
