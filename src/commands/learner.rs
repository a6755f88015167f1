//! Learners and their lives (SPEC v2 §2): enrolment, leaving and returning, dated changes of
//! category and branch, exemptions, corrections.

use chrono::{Datelike, NaiveDate};
use rusqlite::{params, OptionalExtension, Transaction};
use serde_json::json;

use crate::cli::LearnerCmd;
use crate::credit::Learner;
use crate::date;
use crate::db::{self, audit, Action, Actor};
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
            let joined = joined.map(date::iso);
            tx.execute(
                "INSERT INTO learner (staff_id, name, branch_id, category, joined) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![staff_id, name, branch_id, category.code(), joined],
            )?;
            let new = json!({ "name": name, "branch_id": branch_id, "category": category.code(), "joined": joined });
            audit(&tx, &ctx.actor(), "learner", &json!({ "staff_id": staff_id }), Action::Insert, None, Some(&new))?;
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
            tx.execute("INSERT INTO spell (learner_id, start) VALUES (?1, ?2)", params![l.id, date::iso(day)])?;
            let key = json!({ "staff_id": l.staff_id, "learner_id": l.id, "start": date::iso(day) });
            audit(&tx, &ctx.actor(), "spell", &key, Action::Insert, None, Some(&json!({ "end": null })))?;
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
                dated_change(&tx, &actor, &l, Field::Category(cat), day)?;
            }
            if let (Some(day), Some(b)) = (from, branch) {
                let branch_id = lookup::branch(&tx, &b)?;
                dated_change(&tx, &actor, &l, Field::Branch(branch_id, b.trim().to_string()), day)?;
            }
            if let Some(name) = name {
                let name = name.trim();
                if name.is_empty() {
                    return Err(Error::invalid(Msg::NameFlagEmpty));
                }
                tx.execute("UPDATE learner SET name = ?1 WHERE id = ?2", params![name, l.id])?;
                let key = json!({ "staff_id": l.staff_id });
                audit(
                    &tx,
                    &actor,
                    "learner",
                    &key,
                    Action::Update,
                    Some(&json!({ "name": l.name })),
                    Some(&json!({ "name": name })),
                )?;
            }
            if let Some(new) = new_staff_id {
                let new = new.trim();
                if new.is_empty() {
                    return Err(Error::invalid(Msg::StaffIdFlagEmpty));
                }
                if let Some((_, other)) = lookup::same_number(&tx, new)?.into_iter().find(|(id, _)| *id != l.id) {
                    return Err(Error::invalid(Msg::StaffIdFlagTaken { new: new.into(), other }));
                }
                tx.execute("UPDATE learner SET staff_id = ?1 WHERE id = ?2", params![new, l.id])?;
                let key = json!({ "learner_id": l.id });
                let (old, new) = (json!({ "staff_id": l.staff_id }), json!({ "staff_id": new }));
                audit(&tx, &actor, "learner", &key, Action::Update, Some(&old), Some(&new))?;
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
            let reason = reason.trim();
            tx.execute(
                "INSERT INTO exemption (learner_id, from_date, to_date, reason) VALUES (?1, ?2, ?3, ?4)",
                params![l.id, date::iso(from), date::iso(to), reason],
            )?;
            let key = json!({ "staff_id": l.staff_id, "learner_id": l.id, "exemption": tx.last_insert_rowid() });
            let new = json!({ "from_date": date::iso(from), "to_date": date::iso(to), "reason": reason });
            audit(&tx, &ctx.actor(), "exemption", &key, Action::Insert, None, Some(&new))?;
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
fn find(tx: &Transaction, staff_id: &str) -> Result<Learner> {
    let id = lookup::learner(tx, staff_id)?;
    lives::learner(tx, id)?.ok_or_else(|| Error::invalid(Msg::NotAKnownLearner { staff_id: staff_id.trim().into() }))
}

/// The learner's latest enrolment spell (the first has no start when they were always enrolled).
fn latest_spell(l: &Learner) -> Spell {
    l.life.spells.last().copied().unwrap_or(Spell { start: None, end: None })
}

/// Closes the learner's open spell on `day`.
fn leave(tx: &Transaction, ctx: &Ctx, l: &Learner, day: NaiveDate) -> Result<()> {
    let actor = &ctx.actor();
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
    let day = date::iso(day);
    if l.life.spells.len() <= 1 {
        tx.execute("UPDATE learner SET left_on = ?1 WHERE id = ?2", params![day, l.id])?;
        let key = json!({ "staff_id": l.staff_id });
        audit(
            tx,
            actor,
            "learner",
            &key,
            Action::Update,
            Some(&json!({ "left_on": null })),
            Some(&json!({ "left_on": day })),
        )?;
    } else {
        let start = last.start.map(date::iso);
        tx.execute("UPDATE spell SET end = ?1 WHERE learner_id = ?2 AND start = ?3", params![day, l.id, start])?;
        let key = json!({ "staff_id": l.staff_id, "learner_id": l.id, "start": start });
        audit(tx, actor, "spell", &key, Action::Update, Some(&json!({ "end": null })), Some(&json!({ "end": day })))?;
    }
    Ok(())
}

enum Field {
    Category(Category),
    /// The branch's row id and what the user typed.
    Branch(i64, String),
}

/// Records a category or branch that holds from `day` on.
fn dated_change(tx: &Transaction, actor: &Actor, l: &Learner, field: Field, day: NaiveDate) -> Result<()> {
    let (table, column, value, what, next) = match &field {
        Field::Category(c) => (
            "category_change",
            "category",
            rusqlite::types::Value::Text(c.code().to_string()),
            Msg::WhatBecoming { staff_id: l.staff_id.clone(), category: *c, day: date::iso(day) },
            l.life.categories.iter().filter_map(|d| d.from).find(|f| *f > day),
        ),
        Field::Branch(id, typed) => (
            "branch_change",
            "branch_id",
            rusqlite::types::Value::Integer(*id),
            Msg::WhatMovingTo { staff_id: l.staff_id.clone(), branch: typed.clone(), day: date::iso(day) },
            l.life.branches.iter().filter_map(|d| d.from).find(|f| *f > day),
        ),
    };
    // It changes the months from `day` to the next change of the same kind (or for good).
    Closed::load(tx)?.check_years(day.year(), next.map(|n| n.year()), what)?;
    let iso = date::iso(day);
    let old: Option<rusqlite::types::Value> = tx
        .query_row(
            &format!("SELECT {column} FROM {table} WHERE learner_id = ?1 AND from_date = ?2"),
            params![l.id, iso],
            |r| r.get(0),
        )
        .optional()?;
    let key = json!({ "staff_id": l.staff_id, "learner_id": l.id, "from_date": iso });
    let json_of = |v: &rusqlite::types::Value| json!({ column: crate::store::sql_to_json(v) });
    match old {
        Some(old) => {
            tx.execute(
                &format!("UPDATE {table} SET {column} = ?1 WHERE learner_id = ?2 AND from_date = ?3"),
                params![value, l.id, iso],
            )?;
            audit(tx, actor, table, &key, Action::Update, Some(&json_of(&old)), Some(&json_of(&value)))?;
        }
        None => {
            tx.execute(
                &format!("INSERT INTO {table} (learner_id, from_date, {column}) VALUES (?1, ?2, ?3)"),
                params![l.id, iso, value],
            )?;
            audit(tx, actor, table, &key, Action::Insert, None, Some(&json_of(&value)))?;
        }
    }
    Ok(())
}

/// Removes a learner entered by mistake, with their dated history.
fn delete(tx: &Transaction, actor: &Actor, l: &Learner) -> Result<()> {
    let records = lives::records_after(tx, l.id, NaiveDate::MIN)?;
    if !records.is_empty() {
        return Err(Error::invalid(Msg::LearnerHasRecords { staff_id: l.staff_id.clone(), records }));
    }
    let closed = Closed::load(tx)?;
    if let Some(y) = closed.years().find(|&y| l.life.enrolled_months(y, 12) > 0) {
        return Err(Error::invalid(Closed::refusal(y, Msg::WhatRemovingLearner { staff_id: l.staff_id.clone() })));
    }
    let old = lives::history_json(tx, l.id)?;
    for table in ["spell", "category_change", "branch_change", "exemption"] {
        tx.execute(&format!("DELETE FROM {table} WHERE learner_id = ?1"), [l.id])?;
    }
    tx.execute("DELETE FROM learner WHERE id = ?1", [l.id])?;
    audit(
        tx,
        actor,
        "learner",
        &json!({ "staff_id": l.staff_id, "learner_id": l.id }),
        Action::Delete,
        Some(&old),
        None,
    )?;
    Ok(())
}

/// `learner show`: the history in date order.
fn show(tx: &Transaction, l: &Learner, output: &Output, ctx: &Ctx) -> Result<()> {
    let lang = ctx.lang;
    let branches = lives::branches(tx)?;
    let branch = |id: i64| branches.get(&id).map_or_else(|| id.to_string(), |b| format!("{} {}", b.code, b.name));
    let events = lives::history(&l.life);
    let mut rows = vec![vec![
        Cell::Blank,
        Cell::Word("learner", "学员"),
        Cell::Text(format!(
            "{} {}: {}, {}",
            l.staff_id,
            l.name,
            branch(l.life.branch_now()),
            l.life.category_now().label(lang)
        )),
    ]];
    for e in events {
        let (code, detail) = match e.what {
            lives::Event::Joined => (("joined", "加入"), String::new()),
            lives::Event::Left => (("left", "离开"), String::new()),
            lives::Event::Returned => (("returned", "返回"), String::new()),
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
        columns: &[("date", "Date", "日期"), ("event", "Event", "事项"), ("detail", "Detail", "内容")],
        rows,
    }
    .emit(output, lang)
}
