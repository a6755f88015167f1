//! Learners and their lives (SPEC v2 §2): enrolment, leaving and returning, dated changes of
//! category and branch, exemptions, corrections.

use rusqlite::params;
use serde_json::json;

use super::{opt_text, word, Listing};
use crate::cli::LearnerCmd;
use crate::date;
use crate::db::{self, audit, Action};
use crate::error::{Error, Result};
use crate::lookup;
use crate::model::Category;
use crate::report::render::Cell;
use crate::Ctx;

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
            if lookup::learner(&tx, staff_id).is_ok() {
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
            let id = lookup::learner(&tx, &staff_id)?;
            let (joined, old): (Option<String>, Option<String>) =
                tx.query_row("SELECT joined, left_on FROM learner WHERE id = ?1", [id], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
            let left = date::iso(left);
            if joined.as_deref().is_some_and(|j| j > left.as_str()) {
                return Err(Error::invalid(format!(
                    "staff id {}: cannot leave on {left}, before joining on {}",
                    staff_id.trim(),
                    joined.unwrap_or_default()
                )));
            }
            tx.execute("UPDATE learner SET left_on = ?1 WHERE id = ?2", params![left, id])?;
            audit(
                &tx,
                &ctx.actor(),
                "learner",
                &json!({ "staff_id": staff_id.trim() }),
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
