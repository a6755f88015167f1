//! What earns hours as commands list and add it: sessions with their attendance, assessments
//! with their results. Reading and removing one record at a time is `records`'.

use serde_json::json;

use crate::db::{audit, params, Action, Actor, Tx};
use crate::error::Result;
use crate::model::Status;
use crate::store::records::{assessment_row, AssessmentRow, ASSESSMENT_COLUMNS};

/// The statuses that earn a session's hours (`Status::attended`), as an SQL list: `'present', 'late'`.
pub fn attended_sql() -> String {
    let codes: Vec<String> = Status::ALL.iter().filter(|s| s.attended()).map(|s| format!("'{}'", s.code())).collect();
    codes.join(", ")
}

/// A session as the session listing shows it.
#[derive(Debug, Clone)]
pub struct SessionLine {
    pub id: i64,
    pub date: String,
    pub course: String,
    pub title: String,
    /// The course's kind, as stored.
    pub kind: String,
    pub hours: i64,
    pub days: i64,
    pub teacher: Option<String>,
    /// Records that earn the session's hours.
    pub attended: i64,
    /// All its records.
    pub records: i64,
}

/// Every session (with `year`, of that year), by date and id.
pub fn session_lines(tx: &Tx, year: Option<i32>) -> Result<Vec<SessionLine>> {
    let range = year.map(|y| (format!("{y:04}-01-01"), format!("{y:04}-12-31")));
    let sql = format!(
        "SELECT s.id, s.date, c.code, c.title, c.kind, s.hours, s.days, s.teacher,
                (SELECT COUNT(*) FROM attendance a WHERE a.session_id = s.id AND a.status IN ({})),
                (SELECT COUNT(*) FROM attendance a WHERE a.session_id = s.id)
         FROM session s JOIN course c ON c.id = s.course_id
         WHERE CAST(?1 AS TEXT) IS NULL OR s.date BETWEEN ?1 AND ?2
         ORDER BY s.date, s.id",
        attended_sql()
    );
    tx.all(&sql, params![range.as_ref().map(|r| &r.0), range.as_ref().map(|r| &r.1)], |r| {
        Ok(SessionLine {
            id: r.get(0)?,
            date: r.get(1)?,
            course: r.get(2)?,
            title: r.get(3)?,
            kind: r.get(4)?,
            hours: r.get(5)?,
            days: r.get(6)?,
            teacher: r.get(7)?,
            attended: r.get(8)?,
            records: r.get(9)?,
        })
    })
}

/// Adds an assessment with `a`'s values (its `id` is not read), audited; returns its row id.
pub fn add_assessment(tx: &Tx, actor: &Actor, a: &AssessmentRow) -> Result<i64> {
    let id = tx.one(
        "INSERT INTO assessment (code, title, kind, date, hours, pass_mark, first, second, third, merit)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id",
        params![
            a.code,
            a.title,
            a.kind.code(),
            a.date,
            a.hours,
            a.pass_mark,
            a.bonus[0],
            a.bonus[1],
            a.bonus[2],
            a.bonus[3]
        ],
        |r| r.get(0),
    )?;
    audit(tx, actor, "assessment", &json!({ "code": a.code }), Action::Insert, None, Some(&a.json()))?;
    Ok(id)
}

/// Every assessment with its number of results, by date and code.
pub fn assessments(tx: &Tx) -> Result<Vec<(AssessmentRow, i64)>> {
    let sql = format!(
        "SELECT {ASSESSMENT_COLUMNS}, (SELECT COUNT(*) FROM result r WHERE r.assessment_id = assessment.id)
         FROM assessment ORDER BY date, code"
    );
    tx.all(&sql, params![], |r| Ok((assessment_row(r)?, r.get(11)?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_attended_list_is_the_models() {
        assert_eq!(attended_sql(), "'present', 'late'");
    }
}
