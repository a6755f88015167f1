//! Learners and their lives (SPEC v2 §2): enrolment, leaving and returning, dated changes of
//! category and branch, exemptions, corrections.

use chrono::{Datelike, NaiveDate};

use crate::cli::LearnerCmd;
use crate::credit::Learner;
use crate::date;
use crate::db::{self, Actor, Tx};
use crate::error::{Error, Result};
use crate::life::Spell;
use crate::model::Category;
use crate::msg::Msg;
use crate::report::document::Output;
use crate::report::listing::Listing;
use crate::report::render::Cell;
use crate::store::closed::Closed;
use crate::store::lives;
use crate::store::lookup;
use crate::store::people::{self, Change};
use crate::Ctx;

pub fn learner(ctx: &Ctx, cmd: LearnerCmd) -> Result<()> {
    let mut conn = ctx.open()?;
    match cmd {
        LearnerCmd::Add { staff_id, name, branch, category, joined } => {
            let (staff_id, name) = (staff_id.trim(), name.trim());
            if staff_id.is_empty() || name.is_empty() {
                return Err(Error::invalid(Msg::LearnerNeedsIdAndName));
            }
            let tx = db::write(&mut conn)?;
            let branch_id = lookup::branch(&tx, &branch)?;
            if let Some((_, stored)) = lookup::same_number(&tx, staff_id)?.into_iter().next() {
                return Err(Error::invalid(if stored == staff_id {
                    Msg::StaffIdIsLearner { staff_id: staff_id.into(), stored }
                } else {
                    Msg::SameNumberAs { typed: staff_id.into(), stored }
                }));
            }
            let closed = Closed::load(&tx)?;
            match joined {
                Some(j) => closed.check_years(j.year(), None, Msg::WhatEnrolledFrom { day: date::iso(j) })?,
                None => closed.check_all(Msg::WhatEnrolledAlways)?,
            }
            people::add_learner(&tx, &ctx.actor(), staff_id, name, branch_id, category, joined)?;
            tx.commit()?;
            Ok(())
        }
        LearnerCmd::Leave { staff_id, date: day } => {
            let tx = db::write(&mut conn)?;
            let l = find(&tx, &staff_id)?;
            leave(&tx, ctx, &l, day)?;
            tx.commit()?;
            Ok(())
        }
        LearnerCmd::Return { staff_id, date: day } => {
            let tx = db::write(&mut conn)?;
            let l = find(&tx, &staff_id)?;
            let last = latest_spell(&l);
            let Some(left) = last.end else {
                return Err(Error::invalid(Msg::EnrolledCannotReturn {
                    staff_id: l.staff_id,
                    since: last.start.map(date::iso),
                }));
            };
            if day <= left {
                return Err(Error::invalid(Msg::ReturnBeforeLeft {
                    staff_id: l.staff_id,
                    day: date::iso(day),
                    left: date::iso(left),
                }));
            }
            Closed::load(&tx)?.check_years(
                day.year(),
                None,
                Msg::WhatReturn { staff_id: l.staff_id.clone(), day: date::iso(day) },
            )?;
            people::add_spell(&tx, &ctx.actor(), &l, day)?;
            tx.commit()?;
            Ok(())
        }
        LearnerCmd::Set { staff_id, category, branch, from, name, new_staff_id } => {
            if category.is_none() && branch.is_none() && name.is_none() && new_staff_id.is_none() {
                return Err(Error::usage(Msg::LearnerSetNothing));
            }
            if from.is_some() && category.is_none() && branch.is_none() {
                return Err(Error::usage(Msg::LearnerSetFromAlone));
            }
            let tx = db::write(&mut conn)?;
            let l = find(&tx, &staff_id)?;
            let actor = ctx.actor();
            if let (Some(day), Some(cat)) = (from, category) {
                dated_change(&tx, ctx, &l, Field::Category(cat), day)?;
            }
            if let (Some(day), Some(b)) = (from, branch) {
                let branch_id = lookup::branch(&tx, &b)?;
                dated_change(&tx, ctx, &l, Field::Branch(branch_id, b.trim().to_string()), day)?;
            }
            if let Some(name) = name {
                let name = name.trim();
                if name.is_empty() {
                    return Err(Error::invalid(Msg::NameFlagEmpty));
                }
                people::rename(&tx, &actor, &l, name)?;
            }
            if let Some(new) = new_staff_id {
                let new = new.trim();
                if new.is_empty() {
                    return Err(Error::invalid(Msg::StaffIdFlagEmpty));
                }
                if let Some((_, other)) = lookup::same_number(&tx, new)?.into_iter().find(|(id, _)| *id != l.id) {
                    return Err(Error::invalid(Msg::StaffIdFlagTaken { new: new.into(), other }));
                }
                people::set_staff_id(&tx, &actor, &l, new)?;
            }
            tx.commit()?;
            Ok(())
        }
        LearnerCmd::Exempt { staff_id, from, to, reason } => {
            if to < from {
                return Err(Error::invalid(Msg::ExemptionBackwards { from: date::iso(from), to: date::iso(to) }));
            }
            let tx = db::write(&mut conn)?;
            let l = find(&tx, &staff_id)?;
            let what = Msg::WhatExemption { staff_id: l.staff_id.clone(), from: date::iso(from), to: date::iso(to) };
            Closed::load(&tx)?.check_years(from.year(), Some(to.year()), what)?;
            people::add_exemption(&tx, &ctx.actor(), &l, from, to, reason.trim())?;
            tx.commit()?;
            Ok(())
        }
        LearnerCmd::Show { staff_id, output } => {
            let tx = db::read(&mut conn)?;
            let l = find(&tx, &staff_id)?;
            show(&tx, &l, &output, ctx)
        }
        LearnerCmd::Delete { staff_id } => {
            let tx = db::write(&mut conn)?;
            let l = find(&tx, &staff_id)?;
            delete(&tx, &ctx.actor(), &l)?;
            tx.commit()?;
            Ok(())
        }
        LearnerCmd::List { branch, category, output } => {
            let tx = db::read(&mut conn)?;
            let branch_id = branch.map(|b| lookup::branch(&tx, &b)).transpose()?;
            let branches = lives::branches(&tx)?;
            let mut rows: Vec<(String, Vec<Cell>)> = Vec::new();
            for l in lives::learners(&tx, None)? {
                let (cat, b) = (l.life.category_now(), l.life.branch_now());
                if branch_id.is_some_and(|id| id != b) || category.is_some_and(|c| c != cat) {
                    continue;
                }
                let code = branches.get(&b).map(|b| b.code.clone()).unwrap_or_default();
                let first = l.life.spells.first().copied().unwrap_or(Spell { start: None, end: None });
                let last = latest_spell(&l);
                rows.push((
                    code.clone(),
                    vec![
                        Cell::Text(l.staff_id),
                        Cell::Text(l.name),
                        Cell::Text(code),
                        Cell::word(cat),
                        first.start.map_or(Cell::Blank, |d| Cell::Text(date::iso(d))),
                        last.end.map_or(Cell::Blank, |d| Cell::Text(date::iso(d))),
                    ],
                ));
            }
            // By branch code, then staff id (the learners come by staff id).
            rows.sort_by(|a, b| a.0.cmp(&b.0));
            Listing {
                title: ("Learners", "学员"),
                narrow: &[],
                columns: &[
                    ("staff_id", "Staff id", "工号"),
                    ("name", "Name", "姓名"),
                    ("branch", "Branch", "支部"),
                    ("category", "Category", "人员类别"),
                    ("joined", "Joined", "加入日期"),
                    ("left", "Left", "离开日期"),
                ],
                rows: rows.into_iter().map(|(_, r)| r).collect(),
            }
            .emit(&output, ctx.lang)
        }
    }
}

/// A learner with their life, by staff id as typed.
fn find(tx: &Tx, staff_id: &str) -> Result<Learner> {
    let id = lookup::learner(tx, staff_id)?;
    lives::learner(tx, id)?.ok_or_else(|| Error::invalid(Msg::NotAKnownLearner { staff_id: staff_id.trim().into() }))
}

/// The learner's latest enrolment spell (the first has no start when they were always enrolled).
fn latest_spell(l: &Learner) -> Spell {
    l.life.spells.last().copied().unwrap_or(Spell { start: None, end: None })
}

/// Closes the learner's open spell on `day`.
fn leave(tx: &Tx, ctx: &Ctx, l: &Learner, day: NaiveDate) -> Result<()> {
    let last = latest_spell(l);
    if let Some(left) = last.end {
        return Err(Error::invalid(Msg::LeftAlready { staff_id: l.staff_id.clone(), left: date::iso(left) }));
    }
    if let Some(start) = last.start.filter(|s| *s > day) {
        return Err(Error::invalid(Msg::LeaveBeforeStart {
            staff_id: l.staff_id.clone(),
            day: date::iso(day),
            returning: l.life.spells.len() > 1,
            start: date::iso(start),
        }));
    }
    Closed::load(tx)?.check_years(
        day.year(),
        None,
        Msg::WhatLeaving { staff_id: l.staff_id.clone(), day: date::iso(day) },
    )?;
    // Records after the last day fall outside enrolment until a return is recorded (a leave is
    // often entered after the fact, with the return): say so, and `check` lists them meanwhile.
    let later = lives::records_after(tx, l.id, day)?;
    if !later.is_empty() {
        ctx.warn(Msg::RecordsAfterLeave { staff_id: l.staff_id.clone(), day: date::iso(day), records: later });
    }
    people::leave(tx, &ctx.actor(), l, day)
}

enum Field {
    Category(Category),
    /// The branch's row id and what the user typed.
    Branch(i64, String),
}

/// Records a category or branch that holds from `day` on; one already in force that day changes
/// nothing, and is said to (in a closed year it is refused, as any change there is).
fn dated_change(tx: &Tx, ctx: &Ctx, l: &Learner, field: Field, day: NaiveDate) -> Result<()> {
    let (change, what, next) = match &field {
        Field::Category(c) => (
            Change::Category(*c),
            Msg::WhatBecoming { staff_id: l.staff_id.clone(), category: *c, day: date::iso(day) },
            l.life.categories.iter().filter_map(|d| d.from).find(|f| *f > day),
        ),
        Field::Branch(id, typed) => (
            Change::Branch(*id),
            Msg::WhatMovingTo { staff_id: l.staff_id.clone(), branch: typed.clone(), day: date::iso(day) },
            l.life.branches.iter().filter_map(|d| d.from).find(|f| *f > day),
        ),
    };
    // It changes the months from `day` to the next change of the same kind (or for good).
    Closed::load(tx)?.check_years(day.year(), next.map(|n| n.year()), what)?;
    let in_force = match &field {
        Field::Category(c) => l.life.category_on(day) == *c,
        Field::Branch(id, _) => l.life.branch_on(day) == *id,
    };
    if in_force {
        let (staff_id, day) = (l.staff_id.clone(), date::iso(day));
        ctx.note(match &field {
            Field::Category(c) => Msg::CategoryInForce { staff_id, category: *c, day },
            Field::Branch(_, typed) => Msg::BranchInForce { staff_id, branch: typed.clone(), day },
        });
        return Ok(());
    }
    people::dated_change(tx, &ctx.actor(), l, change, day)
}

/// Removes a learner entered by mistake, with their dated history.
fn delete(tx: &Tx, actor: &Actor, l: &Learner) -> Result<()> {
    let records = lives::records_after(tx, l.id, NaiveDate::MIN)?;
    if !records.is_empty() {
        return Err(Error::invalid(Msg::LearnerHasRecords { staff_id: l.staff_id.clone(), records }));
    }
    let closed = Closed::load(tx)?;
    if let Some(y) = closed.years().find(|&y| l.life.enrolled_months(y, 12) > 0) {
        return Err(Error::invalid(Closed::refusal(y, Msg::WhatRemovingLearner { staff_id: l.staff_id.clone() })));
    }
    people::delete_learner(tx, actor, l)
}

/// `learner show`: the history in date order.
fn show(tx: &Tx, l: &Learner, output: &Output, ctx: &Ctx) -> Result<()> {
    let lang = ctx.lang;
    let branches = lives::branches(tx)?;
    let branch = |id: i64| branches.get(&id).map_or_else(|| id.to_string(), |b| format!("{} {}", b.code, b.name));
    let events = lives::history(&l.life);
    let mut rows = vec![vec![
        Cell::Blank,
        Cell::Word("learner", "学员"),
        Cell::Text(format!(
            "{} {}{}{}{}{}",
            l.staff_id,
            l.name,
            lang.pick(": ", "："),
            branch(l.life.branch_now()),
            lang.pick(", ", "，"),
            l.life.category_now().label(lang)
        )),
    ]];
    for e in events {
        let (code, detail) = match e.what {
            lives::Event::Joined if e.day.is_none() => (
                ("joined", "加入"),
                lang.pick("no join date: enrolled from the start", "无入职日期，自始在册").to_string(),
            ),
            lives::Event::Joined => (("joined", "加入"), String::new()),
            lives::Event::Left => (("left", "离开"), String::new()),
            lives::Event::Returned => (("returned", "恢复在籍"), String::new()),
            lives::Event::Category(c) => (("category", "人员类别"), c.label(lang).to_string()),
            lives::Event::Branch(b) => (("branch", "支部"), branch(b)),
            lives::Event::Exempt { to, ref reason } => (
                ("exempt", "免修"),
                match lang {
                    crate::Lang::Zh => format!(
                        "至{}{}",
                        date::iso(to),
                        if reason.is_empty() { String::new() } else { format!("（{reason}）") }
                    ),
                    crate::Lang::En => format!(
                        "to {}{}",
                        date::iso(to),
                        if reason.is_empty() { String::new() } else { format!(" ({reason})") }
                    ),
                },
            ),
        };
        rows.push(vec![
            e.day.map_or(Cell::Blank, |d| Cell::Text(date::iso(d))),
            Cell::Word(code.0, code.1),
            Cell::Text(detail),
        ]);
    }
    Listing {
        title: ("Learner history", "学员履历"),
        narrow: &[],
        columns: &[("date", "Date", "日期"), ("event", "Event", "事项"), ("detail", "Detail", "内容")],
        rows,
    }
    .emit(output, lang)
}
