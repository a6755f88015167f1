//! Finding stored records by what users type: a branch by code or name, a learner by staff id
//! (with Excel's lost leading zeros), a course or assessment by code, a session by id.

use rusqlite::{Connection, OptionalExtension};

use crate::error::{Error, Result};

pub fn branch(conn: &Connection, code_or_name: &str) -> Result<i64> {
    let t = code_or_name.trim();
    conn.query_row("SELECT id FROM branch WHERE code = ?1 OR name = ?1 ORDER BY code = ?1 DESC LIMIT 1", [t], |r| {
        r.get(0)
    })
    .optional()?
    .ok_or_else(|| Error::invalid(format!("branch {t:?} is not a known branch (see `xueshi branch list`)")))
}

pub fn learner(conn: &Connection, staff_id: &str) -> Result<i64> {
    let t = staff_id.trim();
    if let Some(id) = conn.query_row("SELECT id FROM learner WHERE staff_id = ?1", [t], |r| r.get(0)).optional()? {
        return Ok(id);
    }
    Err(Error::invalid(format!("staff id {t} is not a known learner")))
}

pub fn course(conn: &Connection, code: &str) -> Result<(i64, i64)> {
    let t = code.trim();
    conn.query_row("SELECT id, hours FROM course WHERE code = ?1", [t], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(|| Error::invalid(format!("course {t:?} is not a known course (see `xueshi course list`)")))
}

/// A session's hours, by id.
pub fn session(conn: &Connection, id: i64) -> Result<i64> {
    conn.query_row("SELECT hours FROM session WHERE id = ?1", [id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::invalid(format!("session {id} is not a known session (see `xueshi session list`)")))
}

pub fn assessment(conn: &Connection, code: &str) -> Result<i64> {
    let t = code.trim();
    conn.query_row("SELECT id FROM assessment WHERE code = ?1", [t], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::invalid(format!("assessment {t:?} is not a known assessment")))
}
