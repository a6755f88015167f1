//! Branches, learners and courses: the school's standing records.

use rusqlite::{params, OptionalExtension};
use serde_json::json;

use super::{hours_arg, opt_text, word, Listing};
use crate::cli::{BranchCmd, CourseCmd, LearnerCmd};
use crate::date;
use crate::db::{self, audit, Action};
use crate::error::{Error, Result};
use crate::lookup;
use crate::model::{Category, CourseKind, Mode};
use crate::report::render::Cell;
use crate::Ctx;

pub fn branch(ctx: &Ctx, cmd: BranchCmd) -> Result<()> {
    let mut conn = ctx.open()?;
    match cmd {
        BranchCmd::Add { code, name } => {
            let (code, name) = (code.trim(), name.trim());
            if code.is_empty() || name.is_empty() {
                return Err(Error::invalid("a branch needs a code and a name"));
            }
            let tx = db::write(&mut conn)?;
            let taken: Option<String> = tx
                .query_row("SELECT code FROM branch WHERE code = ?1 OR name = ?2", params![code, name], |r| r.get(0))
                .optional()?;
            if let Some(other) = taken {
                return Err(Error::invalid(format!(
                    "branch {code}: the code or the name {name:?} is taken (by {other})"
                )));
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
    }
}

pub fn learner(ctx: &Ctx, cmd: LearnerCmd) -> Result<()> {
    let mut conn = ctx.open()?;
    match cmd {
        LearnerCmd::Add { staff_id, name, branch, category, joined } => {
            let (staff_id, name) = (staff_id.trim(), name.trim());
            if staff_id.is_empty() || name.is_empty() {
                return Err(Error::invalid("a learner needs a staff id and a name"));
            }
            let tx = db::write(&mut conn)?;
            let branch_id = lookup::branch(&tx, &branch)?;
            if lookup::staff_id_taken(&tx, staff_id)? {
                return Err(Error::invalid(format!(
                    "staff id {staff_id} is already a learner (see `xueshi learner list`)"
                )));
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
        LearnerCmd::Leave { staff_id, date: left } => {
            let tx = db::write(&mut conn)?;
            // The stored staff id, not the one typed: the audit log keys learners by it.
            let (id, staff_id) = lookup::learner_as_stored(&tx, &staff_id)?;
            let (joined, old): (Option<String>, Option<String>) =
                tx.query_row("SELECT joined, left_on FROM learner WHERE id = ?1", [id], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
            let left = date::iso(left);
            if joined.as_deref().is_some_and(|j| j > left.as_str()) {
                return Err(Error::invalid(format!(
                    "staff id {staff_id}: cannot leave on {left}, before joining on {}",
                    joined.unwrap_or_default()
                )));
            }
            tx.execute("UPDATE learner SET left_on = ?1 WHERE id = ?2", params![left, id])?;
            audit(
                &tx,
                &ctx.actor(),
                "learner",
                &json!({ "staff_id": staff_id }),
                Action::Update,
                Some(&json!({ "left_on": old })),
                Some(&json!({ "left_on": left })),
            )?;
            tx.commit()?;
            Ok(())
        }
        LearnerCmd::List { branch, category, output } => {
            let tx = db::read(&mut conn)?;
            let branch_id = branch.map(|b| lookup::branch(&tx, &b)).transpose()?;
            let mut stmt = tx.prepare(
                "SELECT l.staff_id, l.name, b.code, l.category, l.joined, l.left_on
                 FROM learner l JOIN branch b ON b.id = l.branch_id
                 WHERE (?1 IS NULL OR l.branch_id = ?1) AND (?2 IS NULL OR l.category = ?2)
                 ORDER BY b.code, l.staff_id",
            )?;
            let rows = stmt
                .query_map(params![branch_id, category.map(Category::code)], |r| {
                    Ok(vec![
                        Cell::Text(r.get(0)?),
                        Cell::Text(r.get(1)?),
                        Cell::Text(r.get(2)?),
                        word::<Category>(r.get_ref(3)?.as_str()?),
                        opt_text(r.get(4)?),
                        opt_text(r.get(5)?),
                    ])
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
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
                rows,
            }
            .emit(&output, ctx.lang)
        }
    }
}

pub fn course(ctx: &Ctx, cmd: CourseCmd) -> Result<()> {
    let mut conn = ctx.open()?;
    match cmd {
        CourseCmd::Add { code, title, kind, mode, hours } => {
            let (code, title) = (code.trim(), title.trim());
            if code.is_empty() || title.is_empty() {
                return Err(Error::invalid("a course needs a code and a title"));
            }
            let hours = hours_arg("--hours", &hours)?;
            let tx = db::write(&mut conn)?;
            if lookup::course(&tx, code).is_ok() {
                return Err(Error::invalid(format!("course {code} exists already (see `xueshi course list`)")));
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
    }
}
