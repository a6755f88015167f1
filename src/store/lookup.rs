//! Finding stored records by what users type: a branch by code or name, a learner by staff id
//! (with Excel's lost leading zeros), a course or assessment by code, a session by id; and the
//! whole lists an import loads once to find every row's records in memory.

use std::collections::HashMap;

use crate::db::{params, Tx};
use crate::error::{Error, Result};
use crate::msg::Msg;
use crate::staff_id::{self, Found};

pub fn branch(tx: &Tx, code_or_name: &str) -> Result<i64> {
    let t = code_or_name.trim();
    tx.optional(
        "SELECT id FROM branch WHERE code = ?1 OR name = ?1 ORDER BY CASE WHEN code = ?1 THEN 0 ELSE 1 END LIMIT 1",
        params![t],
        |r| r.get(0),
    )?
    .ok_or_else(|| Error::invalid(Msg::BranchUnknown { name: t.to_string() }))
}

/// The learner a typed staff id means: its row id and its staff id as stored. A staff id that
/// lost its leading zeros finds its learner as it does in an import (`staff_id::choose`).
pub fn find_learner(tx: &Tx, staff_id: &str) -> Result<Found<(i64, String)>> {
    let t = staff_id.trim();
    let mut candidates: Vec<(String, i64)> =
        tx.all("SELECT staff_id, id FROM learner WHERE staff_id = ?1", params![t], |r| Ok((r.get(0)?, r.get(1)?)))?;
    // The id as typed is the answer when it is stored; only without it is the whole table read
    // (the unpadded form has no index). SQL's ltrim makes all zeros empty where `unpadded` makes
    // them `0`: the candidates are then a few too many, and `choose` drops those.
    if candidates.is_empty() {
        if let Some(key) = staff_id::candidates_key(t) {
            candidates = tx.all(
                "SELECT staff_id, id FROM learner WHERE ltrim(staff_id, '0') = ltrim(?1, '0') ORDER BY id",
                params![key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
        }
    }
    Ok(staff_id::choose(t, candidates.iter().map(|(s, id)| (s.as_str(), (*id, s.clone())))))
}

/// The learner's row id, or the error (exit 65) that names the staff id, or every learner it may
/// mean when it lost its leading zeros.
pub fn learner(tx: &Tx, staff_id: &str) -> Result<i64> {
    learner_as_stored(tx, staff_id).map(|(id, _)| id)
}

/// Like [`learner`], with the staff id as stored, for messages and the audit log.
pub fn learner_as_stored(tx: &Tx, staff_id: &str) -> Result<(i64, String)> {
    find_learner(tx, staff_id)?.or_message(staff_id.trim()).map_err(Error::invalid)
}

/// Whether a learner has exactly this staff id. A new learner's staff id is what was typed, zeros
/// and all (SPEC §1): `0012` does not stop `12` from being added.
pub fn staff_id_taken(tx: &Tx, staff_id: &str) -> Result<bool> {
    Ok(tx.optional("SELECT 1 FROM learner WHERE staff_id = ?1", params![staff_id.trim()], |_| Ok(()))?.is_some())
}

/// The stored staff ids that are the same number as `staff_id` once leading zeros are dropped
/// (`7` and `0007`): Excel turns one into the other, so they can never be two people.
pub fn same_number(tx: &Tx, staff_id: &str) -> Result<Vec<(i64, String)>> {
    let t = staff_id.trim();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return tx
            .all("SELECT id, staff_id FROM learner WHERE staff_id = ?1", params![t], |r| Ok((r.get(0)?, r.get(1)?)));
    }
    let number = crate::staff_id::unpadded(t);
    let sql = format!(
        "SELECT id, staff_id FROM learner WHERE NOT {} AND staff_id <> ''
         AND (ltrim(staff_id, '0') = ?1 OR (?1 = '0' AND ltrim(staff_id, '0') = ''))",
        tx.engine().has_non_digit("staff_id")
    );
    tx.all(&sql, params![number], |r| Ok((r.get(0)?, r.get(1)?)))
}

pub fn course(tx: &Tx, code: &str) -> Result<(i64, i64)> {
    let t = code.trim();
    tx.optional("SELECT id, hours FROM course WHERE code = ?1", params![t], |r| Ok((r.get(0)?, r.get(1)?)))?
        .ok_or_else(|| Error::invalid(Msg::CourseUnknown { code: t.to_string() }))
}

/// A session's hours, by id.
pub fn session(tx: &Tx, id: i64) -> Result<i64> {
    tx.optional("SELECT hours FROM session WHERE id = ?1", params![id], |r| r.get(0))?
        .ok_or_else(|| Error::invalid(Msg::SessionUnknown { id }))
}

pub fn assessment(tx: &Tx, code: &str) -> Result<i64> {
    let t = code.trim();
    tx.optional("SELECT id FROM assessment WHERE code = ?1", params![t], |r| r.get(0))?
        .ok_or_else(|| Error::invalid(Msg::AssessmentUnknown { code: t.to_string() }))
}

/// The row id of the learner whose staff id is exactly `staff_id`, who must exist.
pub fn learner_id(tx: &Tx, staff_id: &str) -> Result<i64> {
    tx.one("SELECT id FROM learner WHERE staff_id = ?1", params![staff_id], |r| r.get(0))
}

/// A stored learner, as a sheet names it.
#[derive(Debug, Clone)]
pub struct Learner {
    pub id: i64,
    pub staff_id: String,
    pub name: String,
}

/// Every learner, in staff-id order.
pub fn learners(tx: &Tx) -> Result<Vec<Learner>> {
    tx.all("SELECT id, staff_id, name FROM learner ORDER BY staff_id", params![], |r| {
        Ok(Learner { id: r.get(0)?, staff_id: r.get(1)?, name: r.get(2)? })
    })
}

/// Every branch: (id, code, name), in the table's order.
pub fn branches(tx: &Tx) -> Result<Vec<(i64, String, String)>> {
    tx.all("SELECT id, code, name FROM branch", params![], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
}

/// Courses by code: (id, default hours).
pub type Courses = HashMap<String, (i64, i64)>;
/// Sessions by (course id, ISO date): (id, hours) of each held that day.
pub type Sessions = HashMap<(i64, String), Vec<(i64, i64)>>;

/// Every course by code.
pub fn courses(tx: &Tx) -> Result<Courses> {
    let mut courses = Courses::new();
    tx.each("SELECT code, id, hours FROM course", params![], |r| {
        courses.insert(r.get(0)?, (r.get(1)?, r.get(2)?));
        Ok(())
    })?;
    Ok(courses)
}

/// Every session by course and date (those of one day by id).
pub fn sessions(tx: &Tx) -> Result<Sessions> {
    let mut sessions = Sessions::new();
    tx.each("SELECT course_id, date, id, hours FROM session ORDER BY id", params![], |r| {
        sessions.entry((r.get(0)?, r.get(1)?)).or_default().push((r.get(2)?, r.get(3)?));
        Ok(())
    })?;
    Ok(sessions)
}
