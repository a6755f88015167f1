//! Branches and courses: the school's standing records.

use crate::args::hours_arg;
use crate::cli::{BranchCmd, CourseCmd};
use crate::db;
use crate::error::{Error, Problem, Result};
use crate::model::{CourseKind, Mode};
use crate::msg::Msg;
use crate::report::listing::{word, Listing};
use crate::report::render::Cell;
use crate::store::closed::Closed;
use crate::store::lookup;
use crate::store::{self, records, school, Value, Writer};
use crate::Ctx;

pub fn branch(ctx: &Ctx, cmd: BranchCmd) -> Result<()> {
    let mut conn = ctx.open()?;
    match cmd {
        BranchCmd::Add { code, name } => {
            let (code, name) = (code.trim(), name.trim());
            if code.is_empty() || name.is_empty() {
                return Err(Error::invalid(Msg::BranchNeedsCodeAndName));
            }
            let tx = db::write(&mut conn)?;
            if let Some((by, by_name)) = school::branch_taken(&tx, code, name)? {
                return Err(Error::invalid(if by == code {
                    Msg::BranchExists { code: by, name: by_name }
                } else {
                    Msg::BranchNameTaken { code: code.into(), name: name.into(), by }
                }));
            }
            school::add_branch(&tx, &ctx.actor(), code, name)?;
            tx.commit()?;
            Ok(())
        }
        BranchCmd::List(output) => {
            let tx = db::read(&mut conn)?;
            let rows = school::branch_counts(&tx)?
                .into_iter()
                .map(|b| vec![Cell::Text(b.code), Cell::Text(b.name), Cell::Int(b.learners)])
                .collect();
            Listing {
                title: ("Branches", "党支部"),
                narrow: &[],
                columns: &[("code", "Code", "代码"), ("name", "Name", "名称"), ("learners", "Learners", "学员数")],
                rows,
            }
            .emit(&output, ctx.lang)
        }
        BranchCmd::Set { code, name } => {
            let name = name.trim();
            if name.is_empty() {
                return Err(Error::invalid(Msg::BranchNeedsName));
            }
            let tx = db::write(&mut conn)?;
            let b = records::branch(&tx, &code)?;
            if b.name == name {
                return Ok(());
            }
            if let Some(other) = school::branch_name_taken(&tx, name, b.id)? {
                return Err(Error::invalid(Msg::BranchNameTaken { code: b.code, name: name.into(), by: other }));
            }
            school::rename_branch(&tx, &ctx.actor(), &b, name)?;
            tx.commit()?;
            Ok(())
        }
        BranchCmd::Delete { code } => {
            let tx = db::write(&mut conn)?;
            let b = records::branch(&tx, &code)?;
            let (members, moved) = records::branch_members(&tx, b.id)?;
            // A branch that any learner ever belonged to is part of their history: it stays.
            let mut problems = Vec::new();
            if !members.is_empty() {
                let (code, name) = (b.code.clone(), b.name.clone());
                problems.push(Problem::new(Msg::BranchHasLearners { code, name, staff_ids: members }));
            }
            if !moved.is_empty() {
                let (code, name) = (b.code.clone(), b.name.clone());
                problems.push(Problem::new(Msg::BranchInHistory { code, name, staff_ids: moved }));
            }
            if !problems.is_empty() {
                return Err(Error::Invalid(problems));
            }
            school::delete_branch(&tx, &ctx.actor(), &b)?;
            tx.commit()?;
            Ok(())
        }
    }
}

pub fn course(ctx: &Ctx, cmd: CourseCmd) -> Result<()> {
    let mut conn = ctx.open()?;
    match cmd {
        CourseCmd::Add { code, title, kind, mode, hours } => {
            let (code, title) = (code.trim(), title.trim());
            if code.is_empty() || title.is_empty() {
                return Err(Error::invalid(Msg::CourseNeedsCodeAndTitle));
            }
            let hours = hours_arg("--hours", &hours)?;
            let tx = db::write(&mut conn)?;
            if lookup::course(&tx, code).is_ok() {
                return Err(Error::invalid(Msg::CourseExists { code: code.into() }));
            }
            school::add_course(&tx, &ctx.actor(), code, title, kind, mode, hours.0)?;
            tx.commit()?;
            Ok(())
        }
        CourseCmd::List(output) => {
            let tx = db::read(&mut conn)?;
            let rows = school::courses(&tx)?
                .into_iter()
                .map(|c| {
                    vec![
                        Cell::Text(c.code),
                        Cell::Text(c.title),
                        word::<CourseKind>(&c.kind),
                        word::<Mode>(&c.mode),
                        Cell::Hours(crate::hours::Fixed(c.hours)),
                    ]
                })
                .collect();
            Listing {
                title: ("Courses", "课程"),
                narrow: &[],
                columns: &[
                    ("code", "Code", "课程代码"),
                    ("title", "Title", "课程名称"),
                    ("kind", "Kind", "课程类型"),
                    ("mode", "Mode", "教学方式"),
                    ("hours", "Hours", "学时"),
                ],
                rows,
            }
            .emit(&output, ctx.lang)
        }
        CourseCmd::Set { code, title, kind, mode, hours } => {
            if title.is_none() && kind.is_none() && mode.is_none() && hours.is_none() {
                return Err(Error::usage(Msg::CourseNothingToChange));
            }
            let title = title.map(|t| t.trim().to_string());
            if title.as_deref() == Some("") {
                return Err(Error::invalid(Msg::CourseNeedsTitle));
            }
            let hours = hours.map(|h| hours_arg("--hours", &h)).transpose()?;
            let tx = db::write(&mut conn)?;
            let c = records::course(&tx, &code)?;
            if let Some(kind) = kind.filter(|k| k.code() != c.kind) {
                // A session's hours count under its course's kind: every year with sessions moves.
                let closed = Closed::load(&tx)?;
                for year in records::course_years(&tx, c.id)? {
                    closed.check_years(year, Some(year), Msg::WhatCourseKind { code: c.code.clone(), kind, year })?;
                }
            }
            let values = [
                Value::Text(title.unwrap_or(c.title)),
                Value::Text(kind.map_or(c.kind, |k| k.code().to_string())),
                Value::Text(mode.map_or(c.mode, |m| m.code().to_string())),
                Value::Integer(hours.map_or(c.hours, |h| h.0)),
            ];
            // With update on, a command's put overwrites (audited with the old values) or changes nothing.
            Writer::new(&store::COURSE).put(&tx, &ctx.actor(), &[Value::Text(c.code)], &values, true)?;
            tx.commit()?;
            Ok(())
        }
        CourseCmd::Delete { code } => {
            let tx = db::write(&mut conn)?;
            let c = records::course(&tx, &code)?;
            let sessions = records::course_sessions(&tx, c.id)?;
            if !sessions.is_empty() {
                return Err(Error::invalid(Msg::CourseHasSessions { code: c.code, ids: sessions }));
            }
            records::delete_course(&tx, &ctx.actor(), &c)?;
            tx.commit()?;
            Ok(())
        }
    }
}
