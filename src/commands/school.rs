//! Branches and courses: the school's standing records.

use rusqlite::types::Value;
use rusqlite::{params, OptionalExtension};
use serde_json::json;

use crate::args::hours_arg;
use crate::cli::{BranchCmd, CourseCmd};
use crate::db::{self, audit, Action};
use crate::error::{Error, Problem, Result};
use crate::model::{CourseKind, Mode};
use crate::msg::Msg;
use crate::report::listing::{word, Listing};
use crate::report::render::Cell;
use crate::store::closed::Closed;
use crate::store::lookup;
use crate::store::{self, records, Writer};
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
            let taken: Option<String> = tx
                .query_row("SELECT code FROM branch WHERE code = ?1 OR name = ?2", params![code, name], |r| r.get(0))
                .optional()?;
            if let Some(other) = taken {
                return Err(Error::invalid(Msg::BranchTaken { code: code.into(), name: name.into(), by: other }));
            }
            tx.execute("INSERT INTO branch (code, name) VALUES (?1, ?2)", params![code, name])?;
            audit(
                &tx,
                &ctx.actor(),
                "branch",
                &json!({ "code": code }),
                Action::Insert,
                None,
                Some(&json!({ "name": name })),
            )?;
            tx.commit()?;
            Ok(())
        }
        BranchCmd::List(output) => {
            let tx = db::read(&mut conn)?;
            let mut stmt = tx.prepare(
                "SELECT b.code, b.name, COUNT(l.id) FROM branch b LEFT JOIN learner l ON l.branch_id = b.id
                 GROUP BY b.id ORDER BY b.code",
            )?;
            let rows = stmt
                .query_map([], |r| Ok(vec![Cell::Text(r.get(0)?), Cell::Text(r.get(1)?), Cell::Int(r.get(2)?)]))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Listing {
                title: ("Branches", "党支部"),
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
            let taken: Option<String> = tx
                .query_row("SELECT code FROM branch WHERE name = ?1 AND id <> ?2", params![name, b.id], |r| r.get(0))
                .optional()?;
            if let Some(other) = taken {
                return Err(Error::invalid(Msg::BranchNameTaken { code: b.code, name: name.into(), by: other }));
            }
            tx.execute("UPDATE branch SET name = ?1 WHERE id = ?2", params![name, b.id])?;
            audit(
                &tx,
                &ctx.actor(),
                "branch",
                &json!({ "code": b.code }),
                Action::Update,
                Some(&json!({ "name": b.name })),
                Some(&json!({ "name": name })),
            )?;
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
            tx.execute("DELETE FROM branch WHERE id = ?1", [b.id])?;
            // The row id too: learners' audit rows refer to the branch by it.
            audit(
                &tx,
                &ctx.actor(),
                "branch",
                &json!({ "code": b.code, "id": b.id }),
                Action::Delete,
                Some(&json!({ "name": b.name })),
                None,
            )?;
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
            tx.execute(
                "INSERT INTO course (code, title, kind, mode, hours) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![code, title, kind.code(), mode.code(), hours.0],
            )?;
            let new = json!({ "title": title, "kind": kind.code(), "mode": mode.code(), "hours": hours.0 });
            audit(&tx, &ctx.actor(), "course", &json!({ "code": code }), Action::Insert, None, Some(&new))?;
            tx.commit()?;
            Ok(())
        }
        CourseCmd::List(output) => {
            let tx = db::read(&mut conn)?;
            let mut stmt = tx.prepare("SELECT code, title, kind, mode, hours FROM course ORDER BY code")?;
            let rows = stmt
                .query_map([], |r| {
                    Ok(vec![
                        Cell::Text(r.get(0)?),
                        Cell::Text(r.get(1)?),
                        word::<CourseKind>(r.get_ref(2)?.as_str()?),
                        word::<Mode>(r.get_ref(3)?.as_str()?),
                        Cell::Hours(crate::hours::Fixed(r.get(4)?)),
                    ])
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Listing {
                title: ("Courses", "课程"),
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
