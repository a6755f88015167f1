//! The credit rules of SPEC §2, in one place: what each item earns, and every learner's totals
//! over a date range. Sums are integer hundredths; SQL does the joins, Rust the arithmetic.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{params, Connection};

use crate::date;
use crate::error::{Error, Result};
use crate::hours::{div_half_up, Fixed, Hours};
use crate::model::{AssessmentKind, Award, Category, CourseKind, Status};

/// What a session attendance record earns: the record's own hours if it has them, else the
/// session's, when present or late; nothing when excused or absent.
pub fn session_credit(status: Status, own: Option<Hours>, session_hours: Hours) -> Hours {
    if status.attended() {
        own.unwrap_or(session_hours)
    } else {
        Fixed(0)
    }
}

/// An assessment as the credit rules see it.
#[derive(Debug, Clone)]
pub struct AssessmentRule {
    pub kind: AssessmentKind,
    pub hours: Hours,
    pub pass_mark: Fixed,
    /// Bonus per award level, in `Award::ALL` order.
    pub bonus: [Hours; 4],
}

impl AssessmentRule {
    /// A quiz credits its hours at or above the pass mark (nothing without a score); a contest or
    /// essay credits every participant; an award adds its level's bonus.
    pub fn credit(&self, score: Option<Fixed>, award: Option<Award>) -> Hours {
        let base = match self.kind {
            AssessmentKind::Quiz => match score {
                Some(s) if s >= self.pass_mark => self.hours,
                _ => Fixed(0),
            },
            AssessmentKind::Contest | AssessmentKind::Essay => self.hours,
        };
        base + award.map_or(Fixed(0), |a| self.bonus[a as usize])
    }
}

/// The rules in force: yearly hours per category, and the online cap.
#[derive(Debug, Clone)]
pub struct Rules {
    pub requirement: HashMap<Category, Hours>,
    pub online_cap: Option<Hours>,
}

impl Rules {
    pub fn load(conn: &Connection) -> Result<Rules> {
        let mut requirement = HashMap::new();
        let mut online_cap = None;
        let mut stmt = conn.prepare("SELECT name, hours FROM rule")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let name: String = r.get(0)?;
            let hours: Option<i64> = r.get(1)?;
            if name == "online_cap" {
                online_cap = hours.map(Fixed);
            } else if let Ok(cat) = Category::parse(&name) {
                requirement.insert(cat, Fixed(hours.unwrap_or(0)));
            }
        }
        Ok(Rules { requirement, online_cap })
    }

    pub fn yearly(&self, category: Category) -> Hours {
        self.requirement.get(&category).copied().unwrap_or_default()
    }

    /// The requirement × active months ÷ 12, rounded half up to 0.01.
    pub fn prorated(&self, category: Category, active_months: i64) -> Hours {
        Fixed(div_half_up(self.yearly(category).0 * active_months, 12))
    }

    pub fn cap_online(&self, online: Hours) -> Hours {
        self.online_cap.map_or(online, |cap| online.min(cap))
    }
}

/// A learner as reports see them.
#[derive(Debug, Clone)]
pub struct Learner {
    pub id: i64,
    pub staff_id: String,
    pub name: String,
    pub branch: String,
    pub branch_name: String,
    pub category: Category,
    pub joined: Option<NaiveDate>,
    pub left: Option<NaiveDate>,
}

impl Learner {
    pub fn active_months(&self, year: i32, last_month: u32) -> i64 {
        date::active_months(year, last_month, self.joined, self.left)
    }
}

/// Every learner (of one branch, if given), by branch code then staff id.
pub fn learners(conn: &Connection, branch: Option<i64>) -> Result<Vec<Learner>> {
    select_learners(conn, "?1 IS NULL OR l.branch_id = ?1", branch)
}

/// One learner, by staff id exactly as stored.
pub fn learner(conn: &Connection, staff_id: &str) -> Result<Option<Learner>> {
    Ok(select_learners(conn, "l.staff_id = ?1", staff_id)?.pop())
}

/// Learners matching `filter`, an SQL condition on `l` (the learner) with one bound parameter.
fn select_learners(conn: &Connection, filter: &str, param: impl rusqlite::ToSql) -> Result<Vec<Learner>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT l.id, l.staff_id, l.name, b.code, b.name, l.category, l.joined, l.left_on
         FROM learner l JOIN branch b ON b.id = l.branch_id
         WHERE {filter}
         ORDER BY b.code, l.staff_id"
    ))?;
    let rows = stmt.query_map([param], |r| {
        Ok((
            Learner {
                id: r.get(0)?,
                staff_id: r.get(1)?,
                name: r.get(2)?,
                branch: r.get(3)?,
                branch_name: r.get(4)?,
                category: Category::Member,
                joined: None,
                left: None,
            },
            r.get::<_, String>(5)?,
            r.get::<_, Option<String>>(6)?,
            r.get::<_, Option<String>>(7)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (mut l, category, joined, left) = row?;
        l.category =
            Category::parse(&category).map_err(|e| Error::Other(format!("stored learner {}: {e}", l.staff_id)))?;
        l.joined = joined.as_deref().and_then(date::parse);
        l.left = left.as_deref().and_then(date::parse);
        out.push(l);
    }
    Ok(out)
}

/// One learner's credit over a date range.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// Sessions attended (present or late).
    pub sessions: i64,
    pub theory: Hours,
    pub extension: Hours,
    pub topic: Hours,
    /// Online hours, the cap applied.
    pub online: Hours,
    pub assessment: Hours,
    /// Records with status `absent`.
    pub absences: i64,
    /// All attendance records, whatever their status.
    pub records: i64,
}

impl Totals {
    pub fn total(&self) -> Hours {
        self.theory + self.extension + self.topic + self.online + self.assessment
    }

    fn add_session(&mut self, kind: CourseKind, status: Status, hours: Hours) {
        self.records += 1;
        match kind {
            CourseKind::Theory => self.theory += hours,
            CourseKind::Extension => self.extension += hours,
            CourseKind::Topic => self.topic += hours,
        }
        if status.attended() {
            self.sessions += 1;
        } else if status == Status::Absent {
            self.absences += 1;
        }
    }
}

/// Every learner's totals over a range, indexed by learner id (ids are dense row ids, so a vector
/// beats a hash map on the million-row path).
#[derive(Debug, Default)]
pub struct Ledger(Vec<Totals>);

impl Ledger {
    pub fn get(&self, learner_id: &i64) -> Option<&Totals> {
        usize::try_from(*learner_id).ok().and_then(|i| self.0.get(i))
    }

    fn entry(&mut self, learner_id: i64) -> &mut Totals {
        let i = usize::try_from(learner_id).unwrap_or(0);
        if i >= self.0.len() {
            self.0.resize(i + 1, Totals::default());
        }
        &mut self.0[i]
    }
}

/// A status as stored (always a code): matched on bytes, for the million-row path.
fn stored_status(code: &[u8]) -> rusqlite::Result<Status> {
    Ok(match code {
        b"present" => Status::Present,
        b"late" => Status::Late,
        b"excused" => Status::Excused,
        b"absent" => Status::Absent,
        other => return Err(bad_code(other)),
    })
}

fn stored_kind(code: &[u8]) -> rusqlite::Result<CourseKind> {
    Ok(match code {
        b"theory" => CourseKind::Theory,
        b"extension" => CourseKind::Extension,
        b"topic" => CourseKind::Topic,
        other => return Err(bad_code(other)),
    })
}

fn bad_code(code: &[u8]) -> rusqlite::Error {
    rusqlite::Error::InvalidColumnType(0, String::from_utf8_lossy(code).into_owned(), rusqlite::types::Type::Text)
}

/// A stored vocabulary code, parsed; a code the schema would not allow is a database error.
pub(crate) fn stored<T: std::str::FromStr>(text: &str) -> rusqlite::Result<T> {
    text.parse::<T>().map_err(|_| rusqlite::Error::InvalidColumnType(0, text.to_string(), rusqlite::types::Type::Text))
}

/// Every learner's totals for items dated `from` to `to` (inclusive), keyed by learner id.
/// Learners with no items have no entry.
pub fn totals(conn: &Connection, rules: &Rules, from: NaiveDate, to: NaiveDate) -> Result<Ledger> {
    let (from, to) = (date::iso(from), date::iso(to));
    let mut by = Ledger::default();

    // The sessions of the range first (a few thousand), then each one's records by primary key:
    // the million attendance rows are read once each, three columns, no join per row.
    let sessions: Vec<(i64, Hours, CourseKind)> = conn
        .prepare_cached(
            "SELECT s.id, s.hours, c.kind FROM session s JOIN course c ON c.id = s.course_id
             WHERE s.date BETWEEN ?1 AND ?2",
        )?
        .query_map(params![from, to], |r| {
            Ok((r.get(0)?, Fixed(r.get(1)?), stored_kind(r.get_ref(2)?.as_bytes().map_err(rusqlite::Error::from)?)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare_cached("SELECT learner_id, status, hours FROM attendance WHERE session_id = ?1")?;
    for (session, session_hours, kind) in sessions {
        let mut rows = stmt.query([session])?;
        while let Some(r) = rows.next()? {
            let status = stored_status(r.get_ref(1)?.as_bytes().map_err(rusqlite::Error::from)?)?;
            let own = r.get::<_, Option<i64>>(2)?.map(Fixed);
            by.entry(r.get(0)?).add_session(kind, status, session_credit(status, own, session_hours));
        }
    }

    for (id, rule, score, award) in results(conn, &from, &to)? {
        by.entry(id).assessment += rule.credit(score, award);
    }

    let mut stmt = conn
        .prepare_cached("SELECT learner_id, SUM(hours) FROM online WHERE date BETWEEN ?1 AND ?2 GROUP BY learner_id")?;
    let mut rows = stmt.query(params![from, to])?;
    while let Some(r) = rows.next()? {
        by.entry(r.get(0)?).online = rules.cap_online(Fixed(r.get(1)?));
    }
    Ok(by)
}

/// One result as the rules see it: (learner id, its assessment's rule, score, award).
type ResultRow = (i64, AssessmentRule, Option<Fixed>, Option<Award>);

/// Results of assessments dated in the range.
fn results(conn: &Connection, from: &str, to: &str) -> Result<Vec<ResultRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.learner_id, a.kind, a.hours, a.pass_mark, a.first, a.second, a.third, a.merit, r.score, r.award
         FROM assessment a JOIN result r ON r.assessment_id = a.id
         WHERE a.date BETWEEN ?1 AND ?2",
    )?;
    let rows = stmt.query_map(params![from, to], |r| {
        let (rule, score, award) = assessment_result(r, 1)?;
        Ok((r.get(0)?, rule, score, award))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// An assessment's rule and one result of it, read from a row holding, from column `at`: kind,
/// hours, pass mark, the four award bonuses, score, award.
pub fn assessment_result(
    r: &rusqlite::Row,
    at: usize,
) -> rusqlite::Result<(AssessmentRule, Option<Fixed>, Option<Award>)> {
    let rule = AssessmentRule {
        kind: stored(r.get_ref(at)?.as_str()?)?,
        hours: Fixed(r.get(at + 1)?),
        pass_mark: Fixed(r.get(at + 2)?),
        bonus: [Fixed(r.get(at + 3)?), Fixed(r.get(at + 4)?), Fixed(r.get(at + 5)?), Fixed(r.get(at + 6)?)],
    };
    let award = match r.get_ref(at + 8)?.as_str_or_null()? {
        Some(a) => Some(stored::<Award>(a)?),
        None => None,
    };
    Ok((rule, r.get::<_, Option<i64>>(at + 7)?.map(Fixed), award))
}

/// The programme for a year: sessions held, their hours, and the theory hours among them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Programme {
    pub sessions: i64,
    pub session_hours: Hours,
    pub theory_hours: Hours,
}

pub fn programme(conn: &Connection, from: NaiveDate, to: NaiveDate) -> Result<Programme> {
    let mut stmt = conn.prepare_cached(
        "SELECT COUNT(*), COALESCE(SUM(s.hours), 0), COALESCE(SUM(CASE WHEN c.kind = 'theory' THEN s.hours END), 0)
         FROM session s JOIN course c ON c.id = s.course_id WHERE s.date BETWEEN ?1 AND ?2",
    )?;
    Ok(stmt.query_row(params![date::iso(from), date::iso(to)], |r| {
        Ok(Programme { sessions: r.get(0)?, session_hours: Fixed(r.get(1)?), theory_hours: Fixed(r.get(2)?) })
    })?)
}

/// Ranks by total within each group, highest first, ties sharing a rank (1, 2, 2, 4).
/// `items` are (group, total); returns ranks in the same order.
pub fn ranks<G: Eq + std::hash::Hash + Clone>(items: &[(G, Hours)]) -> Vec<i64> {
    let mut groups: HashMap<G, Vec<Hours>> = HashMap::new();
    for (g, t) in items {
        groups.entry(g.clone()).or_default().push(*t);
    }
    for totals in groups.values_mut() {
        totals.sort_unstable_by(|a, b| b.cmp(a));
    }
    items
        .iter()
        .map(|(g, t)| {
            let totals = &groups[g];
            1 + totals.partition_point(|x| x > t) as i64
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_credit_rules() {
        // present with no own hours: the session's 2 h; late with 1.5 own: 1.5; excused/absent: 0
        assert_eq!(session_credit(Status::Present, None, Fixed(200)), Fixed(200));
        assert_eq!(session_credit(Status::Late, Some(Fixed(150)), Fixed(200)), Fixed(150));
        assert_eq!(session_credit(Status::Excused, None, Fixed(200)), Fixed(0));
        assert_eq!(session_credit(Status::Absent, None, Fixed(200)), Fixed(0));
    }

    #[test]
    fn quiz_pass_mark_is_inclusive_and_awards_add() {
        let quiz = AssessmentRule {
            kind: AssessmentKind::Quiz,
            hours: Fixed(200),
            pass_mark: Fixed(6000),
            bonus: [Fixed(0); 4],
        };
        assert_eq!(quiz.credit(Some(Fixed(6000)), None), Fixed(200), "60 passes a pass mark of 60");
        assert_eq!(quiz.credit(Some(Fixed(5999)), None), Fixed(0), "59.99 does not");
        assert_eq!(quiz.credit(None, None), Fixed(0), "no score, no hours");
        let contest = AssessmentRule {
            kind: AssessmentKind::Contest,
            hours: Fixed(100),
            pass_mark: Fixed(6000),
            bonus: [Fixed(300), Fixed(200), Fixed(100), Fixed(0)],
        };
        // 1 h for taking part + 3 h first prize = 4; merit has no bonus here: 1
        assert_eq!(contest.credit(None, Some(Award::First)), Fixed(400));
        assert_eq!(contest.credit(None, Some(Award::Merit)), Fixed(100));
        assert_eq!(contest.credit(None, None), Fixed(100));
    }

    #[test]
    fn ties_share_a_rank() {
        let items = [("A", Fixed(500)), ("A", Fixed(300)), ("A", Fixed(300)), ("A", Fixed(100)), ("B", Fixed(100))];
        assert_eq!(ranks(&items), vec![1, 2, 2, 4, 1]);
    }

    #[test]
    fn proration_rounds_half_up() {
        let rules = Rules { requirement: HashMap::from([(Category::Youth, Fixed(1600))]), online_cap: None };
        // 16 × 7 ÷ 12 = 9.333… → 9.33
        assert_eq!(rules.prorated(Category::Youth, 7), Fixed(933));
        // 16 × 5 ÷ 12 = 6.666… → 6.67
        assert_eq!(rules.prorated(Category::Youth, 5), Fixed(667));
    }
}
