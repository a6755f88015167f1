//! Finding stored records by what users type: a branch by code or name, a learner by staff id
//! (with Excel's lost leading zeros), a course or assessment by code, a session by id; and the
//! whole lists an import loads once to find every row's records in memory.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension};

use crate::error::{Error, Result};
use crate::msg::Msg;
use crate::staff_id::{self, Found};

pub fn branch(conn: &Connection, code_or_name: &str) -> Result<i64> {
    let t = code_or_name.trim();
    conn.query_row("SELECT id FROM branch WHERE code = ?1 OR name = ?1 ORDER BY code = ?1 DESC LIMIT 1", [t], |r| {
        r.get(0)
    })
    .optional()?
    .ok_or_else(|| Error::invalid(Msg::BranchUnknown { name: t.to_string() }))
}

/// The learner a typed staff id means: its row id and its staff id as stored. A staff id that
/// lost its leading zeros finds its learner as it does in an import (`staff_id::choose`).
pub fn find_learner(conn: &Connection, staff_id: &str) -> Result<Found<(i64, String)>> {
    let t = staff_id.trim();
    let mut stmt = conn.prepare_cached("SELECT staff_id, id FROM learner WHERE staff_id = ?1")?;
    let mut candidates: Vec<(String, i64)> =
        stmt.query_map([t], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
    // The id as typed is the answer when it is stored; only without it is the whole table read
    // (the unpadded form has no index). SQL's ltrim makes all zeros empty where `unpadded` makes
    // them `0`: the candidates are then a few too many, and `choose` drops those.
    if candidates.is_empty() {
        if let Some(key) = staff_id::candidates_key(t) {
            let mut stmt = conn.prepare_cached(
                "SELECT staff_id, id FROM learner WHERE ltrim(staff_id, '0') = ltrim(?1, '0') ORDER BY id",
            )?;
            candidates = stmt.query_map([key], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
        }
    }
    Ok(staff_id::choose(t, candidates.iter().map(|(s, id)| (s.as_str(), (*id, s.clone())))))
}

/// The learner's row id, or the error (exit 65) that names the staff id, or every learner it may
/// mean when it lost its leading zeros.
pub fn learner(conn: &Connection, staff_id: &str) -> Result<i64> {
    learner_as_stored(conn, staff_id).map(|(id, _)| id)
}

/// Like [`learner`], with the staff id as stored, for messages and the audit log.
pub fn learner_as_stored(conn: &Connection, staff_id: &str) -> Result<(i64, String)> {
    find_learner(conn, staff_id)?.or_message(staff_id.trim()).map_err(Error::invalid)
}

/// Whether a learner has exactly this staff id. A new learner's staff id is what was typed, zeros
/// and all (SPEC §1): `0012` does not stop `12` from being added.
pub fn staff_id_taken(conn: &Connection, staff_id: &str) -> Result<bool> {
    Ok(conn.query_row("SELECT 1 FROM learner WHERE staff_id = ?1", [staff_id.trim()], |_| Ok(())).optional()?.is_some())
}

/// The stored staff ids that are the same number as `staff_id` once leading zeros are dropped
/// (`7` and `0007`): Excel turns one into the other, so they can never be two people.
pub fn same_number(conn: &Connection, staff_id: &str) -> Result<Vec<(i64, String)>> {
    let t = staff_id.trim();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(conn
            .prepare_cached("SELECT id, staff_id FROM learner WHERE staff_id = ?1")?
            .query_map([t], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?);
    }
    let number = crate::staff_id::unpadded(t);
    let mut stmt = conn.prepare_cached(
        "SELECT id, staff_id FROM learner WHERE staff_id NOT GLOB '*[^0-9]*' AND staff_id <> ''
         AND (ltrim(staff_id, '0') = ?1 OR (?1 = '0' AND ltrim(staff_id, '0') = ''))",
    )?;
    let found = stmt.query_map([number], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    Ok(found)
}

pub fn course(conn: &Connection, code: &str) -> Result<(i64, i64)> {
    let t = code.trim();
    conn.query_row("SELECT id, hours FROM course WHERE code = ?1", [t], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(|| Error::invalid(Msg::CourseUnknown { code: t.to_string() }))
}

/// A session's hours, by id.
pub fn session(conn: &Connection, id: i64) -> Result<i64> {
    conn.query_row("SELECT hours FROM session WHERE id = ?1", [id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::invalid(Msg::SessionUnknown { id }))
}

pub fn assessment(conn: &Connection, code: &str) -> Result<i64> {
    let t = code.trim();
    conn.query_row("SELECT id FROM assessment WHERE code = ?1", [t], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::invalid(Msg::AssessmentUnknown { code: t.to_string() }))
}

/// The row id of the learner whose staff id is exactly `staff_id`, who must exist.
pub fn learner_id(conn: &Connection, staff_id: &str) -> Result<i64> {
    Ok(conn.prepare_cached("SELECT id FROM learner WHERE staff_id = ?1")?.query_row([staff_id], |r| r.get(0))?)
}

/// A stored learner, as a sheet names it.
#[derive(Debug, Clone)]
pub struct Learner {
    pub id: i64,
    pub staff_id: String,
    pub name: String,
}

/// Every learner, in staff-id order.
pub fn learners(conn: &Connection) -> Result<Vec<Learner>> {
    let mut stmt = conn.prepare("SELECT id, staff_id, name FROM learner ORDER BY staff_id")?;
    let rows = stmt.query_map([], |r| Ok(Learner { id: r.get(0)?, staff_id: r.get(1)?, name: r.get(2)? }))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every branch: (id, code, name), in the table's order.
pub fn branches(conn: &Connection) -> Result<Vec<(i64, String, String)>> {
    let mut stmt = conn.prepare("SELECT id, code, name FROM branch")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Courses by code: (id, default hours).
pub type Courses = HashMap<String, (i64, i64)>;
/// Sessions by (course id, ISO date): (id, hours) of each held that day.
pub type Sessions = HashMap<(i64, String), Vec<(i64, i64)>>;

/// Every course by code.
pub fn courses(conn: &Connection) -> Result<Courses> {
    let mut stmt = conn.prepare("SELECT code, id, hours FROM course")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every session by course and date (those of one day by id).
pub fn sessions(conn: &Connection) -> Result<Sessions> {
    let mut sessions = Sessions::new();
    let mut stmt = conn.prepare("SELECT course_id, date, id, hours FROM session ORDER BY id")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        sessions.entry((r.get(0)?, r.get(1)?)).or_default().push((r.get(2)?, r.get(3)?));
    }
    Ok(sessions)
}
