//! The school's standing records from sheets: the learner roster and the course list.

use std::collections::{HashMap, HashSet};

use chrono::Datelike;

use super::guard::Guard;
use super::sheet::{Column, Layout};
use super::{Job, Learners, Options, HOURS, NAME, STAFF_ID};
use crate::date;
use crate::db::Tx;
use crate::error::Result;
use crate::hours::parse_hours;
use crate::model::{Category, CourseKind, Mode};
use crate::msg::Msg;
use crate::staff_id::Found;
use crate::store::closed::Closed;
use crate::store::lookup::{self, Learner};
use crate::store::people::{self, NewLearner};
use crate::store::{self, records, Put, Value, Writer};

pub const LEARNERS: Layout = Layout {
    columns: &[
        STAFF_ID,
        NAME,
        Column { name: "branch", aliases: &["支部", "党支部", "所在支部"] },
        // 政治面貌: how a personnel roster names it (中共党员, 中共预备党员, 共青团员 …).
        Column { name: "category", aliases: &["类别", "人员类别", "身份", "政治面貌"] },
        Column { name: "joined", aliases: &["入职日期", "加入日期"] },
    ],
    by_name: None,
    dates: &[L_JOINED],
};
const L_NAME: usize = 1;
const L_BRANCH: usize = 2;
const L_CATEGORY: usize = 3;
const L_JOINED: usize = 4;

pub const COURSES: Layout = Layout {
    columns: &[
        Column { name: "code", aliases: &["课程代码", "课程编号", "编号"] },
        Column { name: "title", aliases: &["标题", "课程名称"] },
        Column { name: "kind", aliases: &["课程类型"] },
        Column { name: "mode", aliases: &["教学方式"] },
        HOURS,
    ],
    by_name: None,
    dates: &[],
};
const C_TITLE: usize = 1;
const C_KIND: usize = 2;
const C_MODE: usize = 3;
const C_HOURS: usize = 4;

/// Branches by code and by name; a code wins when a name happens to equal another's code.
struct Branches {
    by_code: HashMap<String, i64>,
    by_name: HashMap<String, i64>,
}

impl Branches {
    fn load(job: &Job) -> Result<Branches> {
        let (mut by_code, mut by_name) = (HashMap::new(), HashMap::new());
        for (id, code, name) in lookup::branches(job.tx)? {
            by_code.insert(code, id);
            by_name.insert(name, id);
        }
        Ok(Branches { by_code, by_name })
    }

    /// A stored learner's values (name, branch id, category, joined) as a person reads them.
    fn describe(&self, stored: &[Value]) -> Msg {
        let text = |v: Option<&Value>| match v {
            Some(Value::Text(t)) => t.clone(),
            _ => String::new(),
        };
        let branch = match stored.get(1) {
            Some(Value::Integer(id)) => {
                self.by_code.iter().find(|(_, b)| *b == id).map_or_else(|| id.to_string(), |(code, _)| code.clone())
            }
            _ => String::new(),
        };
        let joined = match stored.get(3) {
            Some(Value::Text(d)) => Some(d.clone()),
            _ => None,
        };
        Msg::LearnerDetails { name: text(stored.first()), branch, category: text(stored.get(2)), joined }
    }

    fn code_of(&self, id: i64) -> String {
        self.by_code.iter().find(|(_, b)| **b == id).map_or_else(|| id.to_string(), |(code, _)| code.clone())
    }

    fn find(&self, code_or_name: &str) -> Option<i64> {
        self.by_code.get(code_or_name).or_else(|| self.by_name.get(code_or_name)).copied()
    }
}

pub fn learners(job: &mut Job, args: &Options) -> Result<()> {
    job.read.sheet.require(&[L_NAME, L_BRANCH, L_CATEGORY])?;
    let mut known = Learners::load(job.tx)?;
    // Learners this file adds: a later row that is the same number is not a stored learner to
    // correct, but this file contradicting itself.
    let mut added: HashSet<i64> = HashSet::new();
    let guard = Guard::load(job.tx)?;
    let lives: HashMap<i64, crate::life::Life> =
        crate::store::lives::learners(job.tx, None)?.into_iter().map(|l| (l.id, l.life)).collect();
    let mut branches = Branches::load(job)?;
    // The name and join date are corrected in place; category and branch are dated (SPEC v2):
    // they are compared with the values in force now, and a change holds from --from on.
    // Without a join-date column the sheet says nothing of join dates: stored ones stay.
    let writer = Writer::partial(&store::LEARNER, &[true, false, false, job.read.sheet.has(L_JOINED)]);
    let categories = Writer::new(&store::CATEGORY_CHANGE);
    let moves = Writer::new(&store::BRANCH_CHANGE);
    let mut adding = Adding { next: people::next_learner_id(job.tx)?, rows: Vec::new() };
    // Stored learners' names and join dates, each taken out once a row names the learner.
    let mut as_stored = people::names_and_joins(job.tx)?;
    while let Some(row) = job.next_row()? {
        let mut ok = true;
        // A staff id that lost its leading zeros in Excel is the stored learner's, not a new one;
        // and one that has zeros a stored id lacks is the same number, so never a second person.
        let typed = row.get(0);
        let stored = match known.find(typed) {
            Found::One(l) => Some(l),
            Found::Several(fits) => {
                job.bad(&row, 0, Msg::LostZerosStaffId { typed: typed.to_string(), fits });
                ok = false;
                None
            }
            Found::Unknown => {
                if let Some(other) = known.same_number(typed) {
                    let message = if added.contains(&other.id) {
                        Msg::SameNumberEarlierRow { typed: typed.to_string(), other: other.staff_id.clone() }
                    } else {
                        Msg::SameNumberAs { typed: typed.to_string(), stored: other.staff_id.clone() }
                    };
                    job.bad(&row, 0, message);
                    ok = false;
                }
                None
            }
        };
        let staff_id = stored.map_or_else(|| typed.to_string(), |l| l.staff_id.clone());
        let stored = stored.map(|l| l.id);
        // A learner this file adds, named again: written first, then judged as a stored one.
        if stored.is_some_and(|id| id >= adding.first()) {
            adding.write(job)?;
        }
        let name = row.get(L_NAME).to_string();
        if name.is_empty() {
            job.bad(&row, L_NAME, Msg::LearnerNeedsName);
            ok = false;
        }
        let branch_cell = row.get(L_BRANCH).to_string();
        let branch = match branches.find(&branch_cell) {
            Some(id) => Some(id),
            None if branch_cell.is_empty() => {
                job.bad(&row, L_BRANCH, Msg::LearnerNeedsBranch);
                None
            }
            None if args.create_branches => {
                let id = create_branch(job, &branch_cell)?;
                branches.by_code.insert(branch_cell.clone(), id);
                Some(id)
            }
            None => {
                job.bad(&row, L_BRANCH, Msg::BranchUnknownCell { cell: branch_cell.clone() });
                None
            }
        };
        let category = match Category::parse(row.get(L_CATEGORY)) {
            Ok(c) => Some(c),
            Err(e) => {
                job.bad(&row, L_CATEGORY, e.msg());
                None
            }
        };
        let joined = if row.get(L_JOINED).is_empty() { Some(None) } else { job.date(&row, L_JOINED)?.map(Some) };
        let (Some(branch), Some(category), Some(joined), true) = (branch, category, joined, ok) else {
            continue;
        };
        let life = stored.and_then(|id| lives.get(&id));
        if life.is_none() {
            // A new learner appears in the reports of every year from joining (or of all years).
            let refusal = match joined {
                Some(j) => guard.closed.first_in(j.year(), None),
                None => guard.closed.first_in(i32::MIN, None),
            };
            if let Some(y) = refusal {
                job.bad(&row, 0, Closed::refusal(y, Msg::WhatEnrolling { staff_id: staff_id.clone() }));
                continue;
            }
        }
        let joined_on = joined.map(date::iso);
        let Some(stored) = stored else {
            // A staff id new to the school and to this file: a learner to add, in a branch the
            // role may add to.
            if let Some(why) = guard.refuse_role_in(branch, &staff_id) {
                job.bad(&row, L_BRANCH, why);
                continue;
            }
            let id = adding.reserve();
            known.insert(Learner { id, staff_id: staff_id.clone(), name: name.clone() });
            added.insert(id);
            let learner = NewLearner { id, staff_id, name, branch_id: branch, category, joined: joined_on };
            adding.add(job, learner)?;
            job.counts.add(&Put::New);
            continue;
        };
        // The name and join date as stored before this file, for the first row that names the
        // learner: the same ones are unchanged without asking the database (a roster sent again
        // every month). Later rows go to the database, which holds what earlier ones wrote.
        let same = as_stored
            .remove(&stored)
            .is_some_and(|(n, j)| n == name && (!job.read.sheet.has(L_JOINED) || j.as_deref() == joined_on.as_deref()));
        let values = [
            Value::Text(name),
            Value::Integer(branch),
            Value::Text(category.code().into()),
            store::text(joined_on.as_deref()),
        ];
        let key = [Value::Text(staff_id.clone())];
        let describe = |stored: &[Value]| {
            let details = Box::new(branches.describe(stored));
            Box::new(Msg::LearnerExists { staff_id: staff_id.clone(), details })
        };
        let put = if same { Ok(Put::Unchanged) } else { writer.put(job.tx, &job.actor, &key, &values, job.update) };
        let mut put = match put? {
            Put::Conflict(stored) => {
                job.bad(&row, 0, Msg::Conflict { what: describe(&stored) });
                continue;
            }
            Put::Repeated(stored) => {
                job.bad(&row, 0, Msg::RepeatedRow { what: describe(&stored) });
                continue;
            }
            put => put,
        };
        if let (Some(life), true) = (life, job.read.sheet.has(L_JOINED)) {
            if let Some(why) = refuse_join_date(job.tx, &guard.closed, stored, &staff_id, life, joined)? {
                job.bad(&row, L_JOINED, why);
                continue;
            }
        }
        if let Some(life) = life {
            let learner = stored;
            let now = (life.category_now(), life.branch_now());
            if now != (category, branch) {
                let change = Box::new(Msg::CategoryOrBranchNow {
                    staff_id: staff_id.clone(),
                    now: now.0,
                    now_branch: branches.code_of(now.1),
                    sheet: category,
                    branch: branches.code_of(branch),
                });
                match (job.update, args.from) {
                    (false, _) => {
                        job.bad(&row, L_CATEGORY, Msg::ChangeNeedsUpdate { change });
                        continue;
                    }
                    (true, None) => {
                        job.bad(&row, L_CATEGORY, Msg::ChangeNeedsFrom { change });
                        continue;
                    }
                    (true, Some(from)) => {
                        if let Some(y) = guard.closed.first_in(from.year(), None) {
                            let what = Msg::WhatChangeOf { staff_id: staff_id.clone(), day: date::iso(from) };
                            job.bad(&row, L_CATEGORY, Closed::refusal(y, what));
                            continue;
                        }
                        let key = [Value::Integer(learner), Value::Text(date::iso(from))];
                        if now.0 != category {
                            categories.put(job.tx, &job.actor, &key, &[Value::Text(category.code().into())], true)?;
                        }
                        if now.1 != branch {
                            moves.put(job.tx, &job.actor, &key, &[Value::Integer(branch)], true)?;
                        }
                        if put == Put::Unchanged {
                            put = Put::Updated;
                        }
                    }
                }
            }
        }
        job.counts.add(&put);
    }
    adding.write(job)
}

/// Learners a roster adds, their ids reserved as rows name them, written a chunk at a time.
struct Adding {
    /// The id the next learner added gets.
    next: i64,
    /// Reserved, not written yet.
    rows: Vec<NewLearner>,
}

impl Adding {
    const CHUNK: usize = 4096;

    /// The first id of the learners not written yet.
    fn first(&self) -> i64 {
        self.rows.first().map_or(self.next, |l| l.id)
    }

    /// The id of the next learner added.
    fn reserve(&mut self) -> i64 {
        self.next += 1;
        self.next - 1
    }

    fn add(&mut self, job: &mut Job, learner: NewLearner) -> Result<()> {
        self.rows.push(learner);
        if self.rows.len() == Self::CHUNK {
            self.write(job)?;
        }
        Ok(())
    }

    fn write(&mut self, job: &mut Job) -> Result<()> {
        people::insert_imported_learners(job.tx, &job.actor, &self.rows)?;
        self.rows.clear();
        Ok(())
    }
}

/// Why a stored learner's join date cannot become `new`, if it cannot (SPEC v2 §2). It starts
/// their first enrolment spell: it must come before they first left, keep their records inside
/// enrolment, and leave closed years alone (every year from the earlier date to the later one
/// changes; no date means from before any record).
fn refuse_join_date(
    tx: &Tx,
    closed: &Closed,
    id: i64,
    staff_id: &str,
    life: &crate::life::Life,
    new: Option<chrono::NaiveDate>,
) -> Result<Option<Msg>> {
    let Some(first) = life.spells.first() else { return Ok(None) };
    if first.start == new {
        return Ok(None);
    }
    if let (Some(day), Some(left)) = (new, first.end) {
        if day > left {
            return Ok(Some(Msg::JoinAfterLeft {
                staff_id: staff_id.to_string(),
                day: date::iso(day),
                left: date::iso(left),
            }));
        }
    }
    let year = |d: Option<chrono::NaiveDate>| d.map_or(i32::MIN, |d| d.year());
    let (a, b) = (year(first.start), year(new));
    if let Some(y) = closed.first_in(a.min(b), Some(a.max(b))) {
        return Ok(Some(Closed::refusal(y, Msg::WhatMovingJoin { staff_id: staff_id.to_string() })));
    }
    if let Some(day) = new {
        let before = crate::store::lives::records_before(tx, id, day)?;
        if !before.is_empty() {
            return Ok(Some(Msg::RecordsBeforeJoin {
                staff_id: staff_id.to_string(),
                day: date::iso(day),
                spells: life.describe_spells(),
                records: before,
            }));
        }
    }
    Ok(None)
}

/// A branch the roster names that does not exist yet: its code and its name are what the sheet
/// says. Audited under the batch, which is how undo finds it.
fn create_branch(job: &mut Job, code: &str) -> Result<i64> {
    let id = records::insert_branch_named(job.tx, &job.actor, code)?;
    job.created += 1;
    Ok(id)
}

/// The first closed year with sessions of stored course `code`, when `kind` is not its kind.
fn closed_years_of_kind(job: &Job, closed: &Closed, code: &str, kind: CourseKind) -> Result<Option<i32>> {
    if closed.is_empty() {
        return Ok(None);
    }
    match records::course_kind(job.tx, code)? {
        Some((id, was)) if was != kind.code() => {
            Ok(records::course_years(job.tx, id)?.into_iter().find(|y| closed.contains(*y)))
        }
        _ => Ok(None),
    }
}

pub fn courses(job: &mut Job) -> Result<()> {
    job.read.sheet.require(&[C_TITLE, C_KIND, C_MODE, C_HOURS])?;
    let writer = Writer::new(&store::COURSE);
    let closed = Closed::load(job.tx)?;
    while let Some(row) = job.next_row()? {
        let title = row.get(C_TITLE).to_string();
        if title.is_empty() {
            job.bad(&row, C_TITLE, Msg::CourseNeedsTitle);
        }
        let kind = CourseKind::parse(row.get(C_KIND)).map_err(|e| job.bad(&row, C_KIND, e.msg())).ok();
        let mode = Mode::parse(row.get(C_MODE)).map_err(|e| job.bad(&row, C_MODE, e.msg())).ok();
        let hours_cell = row.get(C_HOURS).to_string();
        let hours = parse_hours(&hours_cell)
            .map_err(|e| job.bad(&row, C_HOURS, Msg::BadAmount { text: hours_cell.clone(), why: Box::new(e.into()) }))
            .ok();
        let (Some(kind), Some(mode), Some(hours), false) = (kind, mode, hours, title.is_empty()) else {
            continue;
        };
        let code = row.get(0).to_string();
        // A session's hours count under its course's kind: every year with sessions moves.
        if let Some(y) = closed_years_of_kind(job, &closed, &code, kind)? {
            let what = Msg::WhatCourseKind { code: code.clone(), kind, year: y };
            job.bad(&row, C_KIND, Closed::refusal(y, what));
            continue;
        }
        let values = [
            Value::Text(title),
            Value::Text(kind.code().into()),
            Value::Text(mode.code().into()),
            Value::Integer(hours.0),
        ];
        job.put(&writer, &row, &[Value::Text(code.clone())], &values, |stored, _, _| Msg::CourseExistsOther {
            code: code.clone(),
            details: writer.values_json(stored, None).to_string(),
        })?;
    }
    Ok(())
}
