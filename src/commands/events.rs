//! What earns hours: sessions and attendance, assessments and results, online study.

use crate::args::{amount_arg, amount_arg_hint, hours_arg, session_hours_arg};
use crate::cli::{AssessmentCmd, AttendArgs, OnlineCmd, ResultCmd, SessionCmd};
use crate::credit::session_credit;
use crate::date;
use crate::db;
use crate::error::{Error, Problem, Problems, Result};
use crate::hours::{Fixed, Hours, MAX_ROW_HOURS};
use crate::model::Counts;
use crate::model::{check_own_hours, MAX_SCORE};
use crate::model::{Award, CourseKind, Status};
use crate::msg::Msg;
use crate::report::listing::{opt_text, word, Listing};
use crate::report::render::Cell;
use crate::staff_id::Found;
use crate::store::closed::Closed;
use crate::store::ledger::stored;
use crate::store::lookup;
use crate::store::records::{self, describe_attendance, describe_result, AssessmentRow};
use crate::store::{self, events, lives, Put, Value, Writer};
use crate::{Ctx, Lang};

pub fn session(ctx: &Ctx, cmd: SessionCmd) -> Result<()> {
    let mut conn = ctx.open()?;
    match cmd {
        SessionCmd::Add { course, date: day, days, again, hours, teacher } => {
            let days = days.unwrap_or(1);
            let hours = hours.map(|h| session_hours_arg("--hours", &h, days)).transpose()?;
            let teacher = teacher.as_deref().map(str::trim).filter(|t| !t.is_empty());
            let tx = db::write(&mut conn)?;
            let (course_id, course_hours) = lookup::course(&tx, &course)?;
            let (code, day) = (course.trim(), date::iso(day));
            Closed::load(&tx)?.check_iso(&day, Msg::WhatSessionOf { code: code.into(), day: day.clone() })?;
            let held = records::sessions_on(&tx, course_id, &day)?;
            if !held.is_empty() && !again {
                return Err(Error::invalid(Msg::SessionsHeld { code: code.into(), ids: held, day }));
            }
            let hours = hours.map_or(course_hours, |h| h.0);
            let id = records::insert_session(&tx, &ctx.actor(), None, course_id, &day, hours, days, teacher)?;
            tx.commit()?;
            crate::say(id)?;
            Ok(())
        }
        SessionCmd::List { year, output } => {
            let tx = db::read(&mut conn)?;
            let rows = events::session_lines(&tx, year)?
                .into_iter()
                .map(|s| {
                    vec![
                        Cell::Int(s.id),
                        Cell::Text(s.date),
                        Cell::Text(s.course),
                        Cell::Text(s.title),
                        word::<CourseKind>(&s.kind),
                        Cell::Hours(Fixed(s.hours)),
                        Cell::Int(s.days),
                        opt_text(s.teacher),
                        Cell::Int(s.attended),
                        Cell::Int(s.records),
                    ]
                })
                .collect();
            Listing {
                title: ("Sessions", "课次"),
                // Id, date, course, title, hours, attended, records.
                narrow: &[0, 1, 2, 3, 5, 8, 9],
                columns: &[
                    ("id", "Id", "编号"),
                    ("date", "Date", "日期"),
                    ("course", "Course", "课程代码"),
                    ("title", "Title", "课程名称"),
                    ("kind", "Kind", "课程类型"),
                    ("hours", "Hours", "学时"),
                    ("days", "Days", "天数"),
                    ("teacher", "Teacher", "授课人"),
                    ("attended", "Attended", "出勤人数"),
                    ("records", "Records", "记录数"),
                ],
                rows,
            }
            .emit(&output, ctx.lang)
        }
        SessionCmd::Set { id, hours, date: day, days, teacher } => {
            let tx = db::write(&mut conn)?;
            let old = records::session(&tx, id)?;
            let mut new = old.clone();
            new.days = days.unwrap_or(old.days);
            if let Some(h) = hours {
                new.hours = session_hours_arg("--hours", &h, new.days)?.0;
            }
            if new.hours > MAX_ROW_HOURS * new.days {
                return Err(Error::invalid(Msg::SessionHoursBeyondDays {
                    id,
                    hours: Fixed(new.hours),
                    days: new.days,
                }));
            }
            if let Some(d) = day {
                new.date = date::iso(d);
            }
            if let Some(t) = teacher {
                let t = t.trim();
                new.teacher = (!t.is_empty()).then(|| t.to_string());
            }
            if new.json() == old.json() {
                return Ok(());
            }
            if new.hours < old.hours {
                // Records with their own hours must stay within the session's.
                let above: Vec<records::Attendance> = records::roster(&tx, id, None)?
                    .into_iter()
                    .filter(|a| a.hours.is_some_and(|own| own > new.hours))
                    .collect();
                if !above.is_empty() {
                    return Err(Error::Invalid(
                        above
                            .into_iter()
                            .map(|a| {
                                Problem::new(Msg::RecordAboveNewHours {
                                    id,
                                    staff_id: a.staff_id,
                                    hours: Fixed(a.hours.unwrap_or_default()),
                                    new: Fixed(new.hours),
                                })
                            })
                            .collect(),
                    ));
                }
            }
            let closed = Closed::load(&tx)?;
            if new.date != old.date {
                let what = Msg::WhatMovingSession { id, from: old.date.clone(), to: new.date.clone() };
                closed.check_iso(&old.date, what.clone())?;
                closed.check_iso(&new.date, what)?;
                let day = new.day()?;
                let mut problems = Problems::default();
                for a in records::roster(&tx, id, None)? {
                    if let Some(why) = lives::learner(&tx, a.learner_id)?.and_then(|l| lives::outside(&l, day)) {
                        let why = Msg::OrRemoveRecord { why: Box::new(why) };
                        problems.add(Msg::Within { what: Box::new(Msg::Session { id }), why: Box::new(why) });
                    }
                }
                problems.into_result()?;
            } else if new.hours != old.hours {
                closed.check_iso(&old.date, Msg::WhatSessionHours { id, date: old.date.clone() })?;
            }
            records::update_session(&tx, &ctx.actor(), &old, &new)?;
            tx.commit()?;
            Ok(())
        }
        SessionCmd::Show { id, output } => {
            let tx = db::read(&mut conn)?;
            let s = records::session(&tx, id)?;
            let rows = records::roster(&tx, id, None)?
                .into_iter()
                .map(|a| {
                    let status: Status = stored(&a.status)?;
                    let credited = session_credit(status, a.hours.map(Fixed), Fixed(s.hours));
                    Ok(vec![Cell::Text(a.staff_id), Cell::Text(a.name), Cell::word(status), Cell::Hours(credited)])
                })
                .collect::<Result<Vec<_>>>()?;
            let (en_days, zh_days) = if s.days > 1 {
                (format!(" over {} days", s.days), format!("（{}天）", s.days))
            } else {
                (String::new(), String::new())
            };
            let teacher = s.teacher.as_deref().unwrap_or("");
            let heading = match ctx.lang {
                Lang::En => format!(
                    "Session {id}: {} {}, {}, {} hours{en_days}{}",
                    s.course,
                    s.title,
                    s.date,
                    Fixed(s.hours),
                    if teacher.is_empty() { String::new() } else { format!(", taught by {teacher}") }
                ),
                Lang::Zh => format!(
                    "课次 {id}：{} {}，{}，{}学时{zh_days}{}",
                    s.course,
                    s.title,
                    s.date,
                    Fixed(s.hours),
                    if teacher.is_empty() { String::new() } else { format!("，授课人 {teacher}") }
                ),
            };
            Listing {
                title: ("Roster", "出勤名单"),
                narrow: &[],
                columns: &[
                    ("staff_id", "Staff id", "工号"),
                    ("name", "Name", "姓名"),
                    ("status", "Status", "出勤"),
                    ("hours", "Hours", "学时"),
                ],
                rows,
            }
            .emit_with(&output, ctx.lang, heading, None)
        }
        SessionCmd::Delete { id, with_records } => {
            let tx = db::write(&mut conn)?;
            let s = records::session(&tx, id)?;
            let what = Msg::WhatDeletingSession { id, course: s.course.clone(), date: s.date.clone() };
            Closed::load(&tx)?.check_iso(&s.date, what)?;
            let roster = records::roster(&tx, id, None)?;
            if !roster.is_empty() && !with_records {
                return Err(Error::invalid(Msg::SessionHasRecords {
                    id,
                    course: s.course,
                    date: s.date,
                    staff_ids: roster.into_iter().map(|a| a.staff_id).collect(),
                }));
            }
            let actor = ctx.actor();
            for a in &roster {
                records::remove_attendance(&tx, &actor, id, a)?;
            }
            records::delete_session(&tx, &actor, &s)?;
            tx.commit()?;
            ctx.say(Msg::SessionDeleted { id, records: roster.len() })?;
            Ok(())
        }
    }
}

pub fn attend(ctx: &Ctx, a: AttendArgs) -> Result<()> {
    if a.remove {
        return unattend(ctx, a);
    }
    // A record of a session of several days may carry more than 24 hours: the session's bound it.
    let own = a.hours.as_deref().map(|h| amount_arg("--hours", h, MAX_ROW_HOURS * 366)).transpose()?;
    let mut conn = ctx.open()?;
    let tx = db::write(&mut conn)?;
    let session = records::session(&tx, a.session)?;
    if let Err(why) = check_own_hours(a.status, own, Fixed(session.hours)) {
        return Err(Error::invalid(Msg::FlagHours { why: Box::new(why) }));
    }
    Closed::load(&tx)?.check_iso(
        &session.date,
        Msg::WhatAttendanceAt { session: a.session, course: session.course.clone(), date: session.date.clone() },
    )?;
    let day = session.day()?;
    let actor = ctx.actor();
    let writer = Writer::new(&store::ATTENDANCE);
    let mut problems = Problems::default();
    let mut counts = Counts::default();
    let values = [Value::Text(a.status.code().into()), store::int(own.map(|h| h.0))];
    for staff_id in &a.staff_ids {
        let learner = match lookup::find_learner(&tx, staff_id)? {
            Found::One((id, _)) => id,
            Found::Several(fits) => {
                problems.push(staff_id.trim(), Msg::LostZeros { fits });
                continue;
            }
            Found::Unknown => {
                problems.add(Msg::NotAKnownLearner { staff_id: staff_id.trim().to_string() });
                continue;
            }
        };
        if let Some(why) = lives::learner(&tx, learner)?.and_then(|l| lives::outside(&l, day)) {
            problems.add(Msg::Within { what: Box::new(Msg::Session { id: a.session }), why: Box::new(why) });
            continue;
        }
        match writer.put(&tx, &actor, &[Value::Integer(a.session), Value::Integer(learner)], &values, a.update)? {
            Put::Conflict(stored) | Put::Repeated(stored) => problems.push(
                staff_id.trim(),
                Msg::SessionRecordsAlready { session: a.session, record: Box::new(describe_attendance(&stored)) },
            ),
            put => counts.add(&put),
        }
    }
    problems.into_result()?;
    tx.commit()?;
    ctx.say(Msg::SessionSummary { session: a.session, counts })?;
    Ok(())
}

/// `attend SESSION STAFF_ID... --remove`: those learners' records of the session go, audited.
fn unattend(ctx: &Ctx, a: AttendArgs) -> Result<()> {
    let mut conn = ctx.open()?;
    let tx = db::write(&mut conn)?;
    let session = records::session(&tx, a.session)?;
    Closed::load(&tx)?.check_iso(
        &session.date,
        Msg::WhatRemovingAttendance { session: a.session, course: session.course.clone(), date: session.date.clone() },
    )?;
    let mut problems = Problems::default();
    let mut gone: Vec<records::Attendance> = Vec::new();
    for staff_id in &a.staff_ids {
        let learner = match lookup::learner(&tx, staff_id) {
            Ok(id) => id,
            Err(_) => {
                problems.add(Msg::NotAKnownLearner { staff_id: staff_id.trim().to_string() });
                continue;
            }
        };
        match records::roster(&tx, a.session, Some(learner))?.pop() {
            Some(record) if !gone.iter().any(|g| g.learner_id == learner) => gone.push(record),
            Some(_) => {}
            None => problems.push(staff_id.trim(), Msg::NoRecordOfLearner { session: a.session }),
        }
    }
    problems.into_result()?;
    let actor = ctx.actor();
    for record in &gone {
        records::remove_attendance(&tx, &actor, a.session, record)?;
    }
    tx.commit()?;
    ctx.say(Msg::SessionRemoved { session: a.session, n: gone.len() })?;
    Ok(())
}

/// `first=3` → (Award::First, 3 hours).
fn parse_award_bonus(text: &str) -> Result<(Award, Hours)> {
    let (level, hours) =
        text.split_once('=').ok_or_else(|| Error::usage(Msg::AwardSyntax { text: text.to_string() }))?;
    let level = Award::parse(level).map_err(|word| Error::usage(Msg::AwardLevel { word }))?;
    Ok((level, hours_arg("--award", hours)?))
}

/// Every `--award LEVEL=HOURS`, by level in `Award::ALL` order (None: not given); a level given
/// twice is refused.
fn parse_award_bonuses(given: &[String]) -> Result<[Option<Hours>; 4]> {
    let mut bonus = [None; 4];
    for a in given {
        let (level, h) = parse_award_bonus(a)?;
        if bonus[level as usize].replace(h).is_some() {
            return Err(Error::usage(Msg::AwardTwice { level }));
        }
    }
    Ok(bonus)
}

fn pass_mark_arg(text: &str) -> Result<Fixed> {
    amount_arg("--pass-mark", text, MAX_SCORE)
}

pub fn assessment(ctx: &Ctx, cmd: AssessmentCmd) -> Result<()> {
    let mut conn = ctx.open()?;
    match cmd {
        AssessmentCmd::Add { code, title, kind, date: day, hours, pass_mark, award } => {
            let (code, title) = (code.trim(), title.trim());
            if code.is_empty() || title.is_empty() {
                return Err(Error::invalid(Msg::AssessmentNeedsCodeAndTitle));
            }
            let hours = hours_arg("--hours", &hours)?;
            let pass_mark = pass_mark.map(|p| pass_mark_arg(&p)).transpose()?.unwrap_or(Fixed(6000));
            let bonus = parse_award_bonuses(&award)?.map(|b| b.unwrap_or_default());
            let tx = db::write(&mut conn)?;
            if lookup::assessment(&tx, code).is_ok() {
                return Err(Error::invalid(Msg::AssessmentExists { code: code.into() }));
            }
            let day = date::iso(day);
            Closed::load(&tx)?.check_iso(&day, Msg::WhatAssessmentOn { code: code.into(), day: day.clone() })?;
            let new = AssessmentRow {
                id: 0,
                code: code.into(),
                title: title.into(),
                kind,
                date: day,
                hours: hours.0,
                pass_mark: pass_mark.0,
                bonus: bonus.map(|b| b.0),
            };
            events::add_assessment(&tx, &ctx.actor(), &new)?;
            tx.commit()?;
            Ok(())
        }
        AssessmentCmd::List(output) => {
            let tx = db::read(&mut conn)?;
            let rows = events::assessments(&tx)?
                .into_iter()
                .map(|(a, results)| {
                    let mut row = vec![
                        Cell::Text(a.code),
                        Cell::Text(a.title),
                        Cell::word(a.kind),
                        Cell::Text(a.date),
                        Cell::Hours(Fixed(a.hours)),
                        Cell::Hours(Fixed(a.pass_mark)),
                    ];
                    row.extend(a.bonus.map(|b| Cell::Hours(Fixed(b))));
                    row.push(Cell::Int(results));
                    row
                })
                .collect();
            Listing {
                title: ("Assessments", "考核"),
                // Code, title, kind, date, hours, pass mark.
                narrow: &[0, 1, 2, 3, 4, 5],
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
        AssessmentCmd::Set { code, title, kind, date: day, hours, pass_mark, award } => {
            if title.is_none()
                && kind.is_none()
                && day.is_none()
                && hours.is_none()
                && pass_mark.is_none()
                && award.is_empty()
            {
                return Err(Error::usage(Msg::AssessmentNothingToChange));
            }
            let title = title.map(|t| t.trim().to_string());
            if title.as_deref() == Some("") {
                return Err(Error::invalid(Msg::AssessmentNeedsTitle));
            }
            let hours = hours.map(|h| hours_arg("--hours", &h)).transpose()?;
            let pass_mark = pass_mark.map(|p| pass_mark_arg(&p)).transpose()?;
            let bonus = parse_award_bonuses(&award)?;
            let tx = db::write(&mut conn)?;
            let old = records::assessment(&tx, &code)?;
            let mut new = old.clone();
            new.title = title.unwrap_or(new.title);
            new.kind = kind.unwrap_or(new.kind);
            new.date = day.map_or(new.date, date::iso);
            new.hours = hours.map_or(new.hours, |h| h.0);
            new.pass_mark = pass_mark.map_or(new.pass_mark, |p| p.0);
            for (b, given) in new.bonus.iter_mut().zip(bonus) {
                *b = given.map_or(*b, |h| h.0);
            }
            if new == old {
                return Ok(());
            }
            let closed = Closed::load(&tx)?;
            if new.date != old.date {
                let what =
                    Msg::WhatMovingAssessment { code: old.code.clone(), from: old.date.clone(), to: new.date.clone() };
                closed.check_iso(&old.date, what.clone())?;
                closed.check_iso(&new.date, what)?;
                let day = new.day()?;
                let mut problems = Problems::default();
                for r in records::results(&tx, old.id, None)? {
                    if let Some(why) = lives::learner(&tx, r.learner_id)?.and_then(|l| lives::outside(&l, day)) {
                        let (what, why) =
                            (Msg::Assessment { code: old.code.clone() }, Msg::OrRemoveResult { why: Box::new(why) });
                        problems.add(Msg::Within { what: Box::new(what), why: Box::new(why) });
                    }
                }
                problems.into_result()?;
            } else if new.figures() != old.figures() {
                closed.check_iso(
                    &old.date,
                    Msg::WhatChangingAssessment { code: old.code.clone(), date: old.date.clone() },
                )?;
            }
            records::update_assessment(&tx, &ctx.actor(), &old, &new)?;
            tx.commit()?;
            Ok(())
        }
        AssessmentCmd::Delete { code } => {
            let tx = db::write(&mut conn)?;
            let a = records::assessment(&tx, &code)?;
            let results = records::results(&tx, a.id, None)?;
            if !results.is_empty() {
                return Err(Error::invalid(Msg::AssessmentHasResults {
                    code: a.code,
                    staff_ids: results.into_iter().map(|r| r.staff_id).collect(),
                }));
            }
            records::delete_assessment(&tx, &ctx.actor(), &a)?;
            tx.commit()?;
            Ok(())
        }
    }
}

pub fn result(ctx: &Ctx, cmd: ResultCmd) -> Result<()> {
    let mut conn = ctx.open()?;
    match cmd {
        ResultCmd::Add { assessment, staff_id, score, award, update } => {
            let score = score.map(|s| amount_arg("--score", &s, MAX_SCORE)).transpose()?;
            let tx = db::write(&mut conn)?;
            let a = records::assessment(&tx, &assessment)?;
            let learner = lookup::learner(&tx, &staff_id)?;
            Closed::load(&tx)?.check_iso(&a.date, Msg::WhatResultOf { code: a.code.clone(), date: a.date.clone() })?;
            lives::check_enrolled(&tx, learner, a.day()?, Msg::Assessment { code: a.code.clone() })?;
            let writer = Writer::new(&store::RESULT);
            let values = [store::int(score.map(|s| s.0)), store::text(award.map(Award::code))];
            match writer.put(&tx, &ctx.actor(), &[Value::Integer(a.id), Value::Integer(learner)], &values, update)? {
                Put::Conflict(stored) | Put::Repeated(stored) => {
                    let what = Msg::ResultExists {
                        code: a.code,
                        staff_id: staff_id.trim().to_string(),
                        result: Box::new(describe_result(&stored)),
                    };
                    return Err(Error::invalid(Msg::Conflict { what: Box::new(what) }));
                }
                _ => {}
            }
            tx.commit()?;
            Ok(())
        }
        ResultCmd::List { assessment, output } => {
            let tx = db::read(&mut conn)?;
            let a = records::assessment(&tx, &assessment)?;
            let rule = a.rule();
            let rows = records::results(&tx, a.id, None)?
                .into_iter()
                .map(|r| {
                    let award: Option<Award> = r.award.as_deref().map(stored).transpose()?;
                    let credited = rule.credit(r.score.map(Fixed), award);
                    Ok(vec![
                        Cell::Text(r.staff_id),
                        Cell::Text(r.name),
                        r.score.map_or(Cell::Blank, |s| Cell::Hours(Fixed(s))),
                        award.map_or(Cell::Blank, Cell::word),
                        Cell::Hours(credited),
                    ])
                })
                .collect::<Result<Vec<_>>>()?;
            let heading = match ctx.lang {
                Lang::En => format!("Assessment {} {}, {}, {} hours", a.code, a.title, a.date, Fixed(a.hours)),
                Lang::Zh => format!("考核 {} {}，{}，{}学时", a.code, a.title, a.date, Fixed(a.hours)),
            };
            Listing {
                title: ("Results", "成绩"),
                narrow: &[],
                columns: &[
                    ("staff_id", "Staff id", "工号"),
                    ("name", "Name", "姓名"),
                    ("score", "Score", "成绩"),
                    ("award", "Award", "奖项"),
                    ("hours", "Hours", "学时"),
                ],
                rows,
            }
            .emit_with(&output, ctx.lang, heading, None)
        }
        ResultCmd::Remove { assessment, staff_id } => {
            let tx = db::write(&mut conn)?;
            let a = records::assessment(&tx, &assessment)?;
            let learner = lookup::learner(&tx, &staff_id)?;
            let Some(r) = records::results(&tx, a.id, Some(learner))?.pop() else {
                return Err(Error::invalid(Msg::NoResult { code: a.code, staff_id: staff_id.trim().to_string() }));
            };
            Closed::load(&tx)?
                .check_iso(&a.date, Msg::WhatRemovingResult { code: a.code.clone(), date: a.date.clone() })?;
            records::remove_result(&tx, &ctx.actor(), a.id, &r)?;
            tx.commit()?;
            Ok(())
        }
    }
}

pub fn online(ctx: &Ctx, cmd: OnlineCmd) -> Result<()> {
    let mut conn = ctx.open()?;
    match cmd {
        OnlineCmd::Add { staff_id, date: day, hours, to, source, update } => {
            let days = match to {
                Some(to) if to < day => {
                    return Err(Error::invalid(Msg::OnlineToBeforeFrom { to: date::iso(to), from: date::iso(day) }))
                }
                Some(to) => (to - day).num_days() + 1,
                None => 1,
            };
            let hint = to.is_none().then_some(Msg::HintOnlineTo);
            let hours = amount_arg_hint("HOURS", &hours, MAX_ROW_HOURS * days, hint)?;
            let source = source.trim();
            let tx = db::write(&mut conn)?;
            let learner = lookup::learner(&tx, &staff_id)?;
            let what =
                Msg::WhatOnline { staff_id: staff_id.trim().to_string(), from: date::iso(day), to: to.map(date::iso) };
            let closed = Closed::load(&tx)?;
            for d in std::iter::once(day).chain(to) {
                closed.check_day(d, what.clone())?;
            }
            for d in std::iter::once(day).chain(to) {
                lives::check_enrolled(&tx, learner, d, what.clone())?;
            }
            let to_iso = to.map(date::iso);
            if update {
                // Overwriting a stored total changes the year it is credited in too.
                let key = (learner, date::iso(day), source.to_string());
                if let Some((had, last)) = closed.totals(&tx)?.get(&key) {
                    if (*had, Some(last)) != (hours.0, to_iso.as_ref()) {
                        let over = Msg::WhatOverTotal { what: Box::new(what.clone()), to: last.clone() };
                        closed.check_iso(last, over)?;
                    }
                }
            }
            let writer = Writer::new(&store::ONLINE);
            let key = [Value::Integer(learner), Value::Text(date::iso(day)), Value::Text(source.to_string())];
            let values = [Value::Integer(hours.0), store::text(to_iso.as_deref())];
            match writer.put(&tx, &ctx.actor(), &key, &values, update)? {
                Put::Conflict(stored) | Put::Repeated(stored) => {
                    let had = match stored[0] {
                        Value::Integer(h) => Fixed(h),
                        _ => Fixed(0),
                    };
                    let till = match &stored[1] {
                        Value::Text(t) => Some(t.clone()),
                        _ => None,
                    };
                    return Err(Error::invalid(Msg::OnlineExists {
                        staff_id: staff_id.trim().to_string(),
                        day: date::iso(day),
                        hours: had,
                        to: till,
                        source: source.to_string(),
                    }));
                }
                _ => {}
            }
            tx.commit()?;
            Ok(())
        }
        OnlineCmd::List { learner, year, output } => {
            let tx = db::read(&mut conn)?;
            let learner = learner.map(|l| lookup::learner(&tx, &l)).transpose()?;
            let rows = records::online(&tx, learner, year, None)?
                .into_iter()
                .map(|o| {
                    vec![
                        Cell::Text(o.staff_id),
                        Cell::Text(o.name),
                        Cell::Text(o.date),
                        opt_text(o.to_date),
                        Cell::Text(o.source),
                        Cell::Hours(Fixed(o.hours)),
                    ]
                })
                .collect();
            Listing {
                title: ("Online study", "线上自学"),
                narrow: &[],
                columns: &[
                    ("staff_id", "Staff id", "工号"),
                    ("name", "Name", "姓名"),
                    ("date", "Date", "日期"),
                    ("to", "To", "截止日期"),
                    ("source", "Source", "来源"),
                    ("hours", "Hours", "学时"),
                ],
                rows,
            }
            .emit(&output, ctx.lang)
        }
        OnlineCmd::Remove { staff_id, date: day, source } => {
            let tx = db::write(&mut conn)?;
            let learner = lookup::learner(&tx, &staff_id)?;
            let (staff_id, day) = (staff_id.trim(), date::iso(day));
            let mut rows = records::online(&tx, Some(learner), None, Some(&day))?;
            if let Some(source) = &source {
                rows.retain(|o| o.source == source.trim());
            }
            let o = match rows.len() {
                0 => {
                    return Err(Error::invalid(Msg::NoOnline {
                        staff_id: staff_id.to_string(),
                        day,
                        source: source.as_deref().map(|s| s.trim().to_string()),
                    }))
                }
                1 => rows.remove(0),
                _ => {
                    return Err(Error::invalid(Msg::OnlineSources {
                        staff_id: staff_id.to_string(),
                        day,
                        sources: rows.into_iter().map(|o| o.source).collect(),
                    }));
                }
            };
            let what = Msg::WhatRemovingOnline { staff_id: staff_id.to_string(), day };
            let closed = Closed::load(&tx)?;
            for d in std::iter::once(&o.date).chain(o.to_date.as_ref()) {
                closed.check_iso(d, what.clone())?;
            }
            records::remove_online(&tx, &ctx.actor(), &o)?;
            tx.commit()?;
            Ok(())
        }
    }
}
