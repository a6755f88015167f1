//! Reading learners' dated lives: the learner row (first spell, the category and branch from the
//! start), later spells, dated changes and exemptions, put together as `life::Life`.

use std::collections::HashMap;

use crate::credit::Learner;
use crate::date;
use crate::db::{params, Row, Tx};
use crate::error::Result;
use crate::life::{Dated, Exemption, Life, Spell};
use crate::msg::Msg;
use crate::store::ledger::stored;

/// A branch as reports name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Branch {
    pub code: String,
    pub name: String,
}

/// Every branch by row id.
pub fn branches(tx: &Tx) -> Result<HashMap<i64, Branch>> {
    let mut out = HashMap::new();
    tx.each("SELECT id, code, name FROM branch", params![], |r| {
        out.insert(r.get(0)?, Branch { code: r.get(1)?, name: r.get(2)? });
        Ok(())
    })?;
    Ok(out)
}

fn day(text: Option<&str>) -> Option<chrono::NaiveDate> {
    text.and_then(date::parse)
}

/// Every learner with their life, by staff id (`only`: just the learner with that row id).
pub fn learners(tx: &Tx, only: Option<i64>) -> Result<Vec<Learner>> {
    // In row-id order (the table's own order, read straight through), sorted by staff id at the
    // end; the dated lists find their learner by row id in between.
    let mut out: Vec<Learner> = Vec::new();
    tx.each(
        "SELECT id, staff_id, name, category, branch_id, joined, left_on FROM learner
         WHERE CAST(?1 AS BIGINT) IS NULL OR id = ?1 ORDER BY id",
        params![only],
        |r| {
            let category = stored(r.str(3)?)?;
            let life = Life::simple(category, r.get(4)?, day(r.opt_str(5)?), day(r.opt_str(6)?));
            out.push(Learner { id: r.get(0)?, staff_id: r.get(1)?, name: r.get(2)?, life });
            Ok(())
        },
    )?;
    let mut each = |sql: &str, add: &mut dyn FnMut(&mut Life, &Row) -> Result<()>| -> Result<()> {
        tx.each(sql, params![only], |r| {
            let id: i64 = r.get(0)?;
            if let Ok(i) = out.binary_search_by_key(&id, |l| l.id) {
                add(&mut out[i].life, r)?;
            }
            Ok(())
        })
    };
    let text = |r: &Row, i: usize| -> Result<Option<chrono::NaiveDate>> { Ok(day(r.opt_str(i)?)) };
    each(
        "SELECT learner_id, start, \"end\" FROM spell WHERE CAST(?1 AS BIGINT) IS NULL OR learner_id = ?1",
        &mut |life, r| {
            life.spells.push(Spell { start: text(r, 1)?, end: text(r, 2)? });
            Ok(())
        },
    )?;
    each(
        "SELECT learner_id, from_date, category FROM category_change WHERE CAST(?1 AS BIGINT) IS NULL OR learner_id = ?1",
        &mut |life, r| {
            life.categories.push(Dated { from: text(r, 1)?, value: stored(r.str(2)?)? });
            Ok(())
        },
    )?;
    each(
        "SELECT learner_id, from_date, branch_id FROM branch_change WHERE CAST(?1 AS BIGINT) IS NULL OR learner_id = ?1",
        &mut |life, r| {
            life.branches.push(Dated { from: text(r, 1)?, value: r.get(2)? });
            Ok(())
        },
    )?;
    each(
        "SELECT learner_id, from_date, to_date, reason FROM exemption WHERE CAST(?1 AS BIGINT) IS NULL OR learner_id = ?1",
        &mut |life, r| {
            if let (Some(from), Some(to)) = (text(r, 1)?, text(r, 2)?) {
                life.exemptions.push(Exemption { from, to, reason: r.get(3)? });
            }
            Ok(())
        },
    )?;
    for l in &mut out {
        l.life.sort();
    }
    out.sort_unstable_by(|a, b| a.staff_id.cmp(&b.staff_id));
    Ok(out)
}

/// One learner with their life, by row id.
pub fn learner(tx: &Tx, id: i64) -> Result<Option<Learner>> {
    Ok(learners(tx, Some(id))?.pop())
}

/// Refuses a record of learner `id` dated `day` outside every enrolment spell (SPEC v2 §2),
/// naming the learner and their spells.
pub fn check_enrolled(tx: &Tx, id: i64, day: chrono::NaiveDate, what: Msg) -> Result<()> {
    let Some(l) = learner(tx, id)? else { return Ok(()) };
    match outside(&l, day) {
        Some(why) => Err(crate::error::Error::invalid(Msg::Within { what: Box::new(what), why: Box::new(why) })),
        None => Ok(()),
    }
}

/// Why a record of `learner` dated `day` cannot be kept, if it cannot: they were not enrolled.
pub fn outside(learner: &Learner, day: chrono::NaiveDate) -> Option<Msg> {
    (!learner.life.enrolled_on(day)).then(|| Msg::NotEnrolled {
        staff_id: learner.staff_id.clone(),
        name: learner.name.clone(),
        day: date::iso(day),
        spells: learner.life.describe_spells(),
    })
}

/// The learner's records dated after `day`, as people read them (at most five, then a count).
pub fn records_after(tx: &Tx, id: i64, day: chrono::NaiveDate) -> Result<Vec<Msg>> {
    records_beyond(tx, id, day, Side::After)
}

/// The learner's records dated before `day` (an online total: by its first day), as people read
/// them (at most five, then a count).
pub fn records_before(tx: &Tx, id: i64, day: chrono::NaiveDate) -> Result<Vec<Msg>> {
    records_beyond(tx, id, day, Side::Before)
}

enum Side {
    Before,
    After,
}

fn records_beyond(tx: &Tx, id: i64, day: chrono::NaiveDate, side: Side) -> Result<Vec<Msg>> {
    // An online total lies beyond a day when either of its dates does.
    let (op, online_day) = match side {
        Side::Before => ("<", "date"),
        Side::After => (">", "COALESCE(to_date, date)"),
    };
    let sql = format!(
        "SELECT 'session', s.id, NULL, s.date FROM attendance a JOIN session s ON s.id = a.session_id
         WHERE a.learner_id = ?1 AND s.date {op} ?2
         UNION ALL SELECT 'assessment', NULL, x.code, x.date FROM result r JOIN assessment x ON x.id = r.assessment_id
         WHERE r.learner_id = ?1 AND x.date {op} ?2
         UNION ALL SELECT 'online', NULL, NULL, {online_day} FROM online
         WHERE learner_id = ?1 AND {online_day} {op} ?2
         ORDER BY 4"
    );
    let all: Vec<Msg> = tx.all(&sql, params![id, date::iso(day)], |r| {
        let date: String = r.get(3)?;
        Ok(match r.str(0)? {
            "session" => Msg::RecSessionOn { id: r.get(1)?, date },
            "assessment" => Msg::RecAssessmentOn { code: r.get(2)?, date },
            _ => Msg::RecOnlineOn { date },
        })
    })?;
    let n = all.len();
    let mut out: Vec<Msg> = all.into_iter().take(5).collect();
    if n > 5 {
        out.push(Msg::AndMore { n: n - 5 });
    }
    Ok(out)
}

/// What happened in a learner's life, for `learner show` and the transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Joined,
    Left,
    Returned,
    Category(crate::model::Category),
    /// The branch's row id.
    Branch(i64),
    Exempt {
        to: chrono::NaiveDate,
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryLine {
    /// None: from the start.
    pub day: Option<chrono::NaiveDate>,
    pub what: Event,
}

/// A life as dated lines, in date order (the undated first).
pub fn history(life: &Life) -> Vec<HistoryLine> {
    let mut out = Vec::new();
    for (i, s) in life.spells.iter().enumerate() {
        out.push(HistoryLine { day: s.start, what: if i == 0 { Event::Joined } else { Event::Returned } });
        if let Some(end) = s.end {
            out.push(HistoryLine { day: Some(end), what: Event::Left });
        }
    }
    out.extend(life.categories.iter().map(|c| HistoryLine { day: c.from, what: Event::Category(c.value) }));
    out.extend(life.branches.iter().map(|b| HistoryLine { day: b.from, what: Event::Branch(b.value) }));
    out.extend(
        life.exemptions
            .iter()
            .map(|e| HistoryLine { day: Some(e.from), what: Event::Exempt { to: e.to, reason: e.reason.clone() } }),
    );
    // Stable: on one day, spells before changes before exemptions.
    out.sort_by_key(|l| l.day);
    out
}

/// A learner row and their dated history as JSON, for the audit row of a delete.
pub fn history_json(tx: &Tx, id: i64) -> Result<serde_json::Value> {
    let row = |sql: &str| -> Result<Vec<serde_json::Value>> {
        tx.all(sql, params![id], |r| {
            let mut m = serde_json::Map::new();
            for i in 0..r.len() {
                m.insert(r.name(i)?.to_string(), crate::store::sql_to_json(&r.get(i)?));
            }
            Ok(serde_json::Value::Object(m))
        })
    };
    Ok(serde_json::json!({
        "learner": row("SELECT staff_id, name, branch_id, category, joined, left_on, batch_id FROM learner WHERE id = ?1")?,
        "spell": row("SELECT start, \"end\" FROM spell WHERE learner_id = ?1")?,
        "category_change": row("SELECT from_date, category, batch_id FROM category_change WHERE learner_id = ?1")?,
        "branch_change": row("SELECT from_date, branch_id, batch_id FROM branch_change WHERE learner_id = ?1")?,
        "exemption": row("SELECT id, from_date, to_date, reason FROM exemption WHERE learner_id = ?1")?,
    }))
}

/// Every stored record dated outside its learner's enrolment (SPEC v2 §2: `check` lists them;
/// a v1 database, or records kept from before a leave date was corrected, may hold some).
pub fn records_outside_enrolment(tx: &Tx) -> Result<Vec<Msg>> {
    let mut by_id: HashMap<i64, Learner> = learners(tx, None)?.into_iter().map(|l| (l.id, l)).collect();
    // Only learners whose life has bounds can have records outside it.
    by_id.retain(|_, l| {
        !(l.life.spells.len() == 1 && l.life.spells[0].start.is_none() && l.life.spells[0].end.is_none())
    });
    let mut out = Vec::new();
    if by_id.is_empty() {
        return Ok(out);
    }
    tx.each(
        "SELECT a.learner_id, 'attendance', s.id, NULL, s.date FROM attendance a JOIN session s ON s.id = a.session_id
         UNION ALL SELECT r.learner_id, 'result', NULL, x.code, x.date FROM result r JOIN assessment x ON x.id = r.assessment_id
         UNION ALL SELECT learner_id, 'from', NULL, NULL, date FROM online
         UNION ALL SELECT learner_id, 'to', NULL, NULL, to_date FROM online WHERE to_date IS NOT NULL
         ORDER BY 1, 2, 5",
        params![],
        |r| {
            let Some(l) = by_id.get(&r.get::<i64>(0)?) else { return Ok(()) };
            let Some(text) = r.get::<Option<String>>(4)? else { return Ok(()) };
            let Some(day) = date::parse(&text) else { return Ok(()) };
            let Some(why) = outside(l, day) else { return Ok(()) };
            let record = match r.str(1)? {
                "attendance" => Msg::RecAttendanceAt { session: r.get(2)? },
                "result" => Msg::RecResultOf { code: r.get(3)? },
                "from" => Msg::RecOnlineFrom { date: text },
                _ => Msg::RecOnlineTo { date: text },
            };
            out.push(Msg::OutsideEnrolment { record: Box::new(record), why: Box::new(why) });
            Ok(())
        },
    )?;
    Ok(out)
}
