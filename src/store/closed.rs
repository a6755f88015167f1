//! Closed years (SPEC v2 §2): once a year's appraisal is issued, nothing may change its figures.
//! Every write that could reach a year's figures asks `Closed` first, inside its transaction.

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate};
use serde_json::json;

use crate::db::{audit, params, Action, Actor, Tx};
use crate::error::{Error, Problem, Result};
use crate::msg::Msg;

/// Online totals by key (learner row id, first day, source): their hours and last day.
pub type Totals = HashMap<(i64, String, String), (i64, String)>;

/// The closed years, read once per command.
#[derive(Debug, Clone, Default)]
pub struct Closed(BTreeSet<i32>);

impl Closed {
    pub fn load(tx: &Tx) -> Result<Closed> {
        let mut years = BTreeSet::new();
        tx.each("SELECT year FROM closed_year", params![], |r| {
            years.insert(r.get(0)?);
            Ok(())
        })?;
        Ok(Closed(years))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.0.iter().copied()
    }

    pub fn contains(&self, year: i32) -> bool {
        self.0.contains(&year)
    }

    /// The first closed year from `from` to `to` (inclusive; None: no end).
    pub fn first_in(&self, from: i32, to: Option<i32>) -> Option<i32> {
        self.0.range(from..).next().copied().filter(|&y| to.is_none_or(|t| y <= t))
    }

    /// The refusal of a change of `what` that would reach closed `year`.
    pub fn refusal(year: i32, what: Msg) -> Msg {
        Msg::ClosedYear { year, what: Box::new(what) }
    }

    /// Refuses a change of `what` dated `day`.
    pub fn check_day(&self, day: NaiveDate, what: Msg) -> Result<()> {
        self.check_years(day.year(), Some(day.year()), what)
    }

    /// Refuses a change of `what` that reaches every year from `from` to `to` (None: no end).
    pub fn check_years(&self, from: i32, to: Option<i32>, what: Msg) -> Result<()> {
        match self.first_in(from, to) {
            Some(y) => Err(Error::Invalid(vec![Problem::new(Closed::refusal(y, what))])),
            None => Ok(()),
        }
    }

    /// Refuses a change of `what` that reaches every year (an undated fact, such as a learner
    /// enrolled from before any record).
    pub fn check_all(&self, what: Msg) -> Result<()> {
        self.check_years(i32::MIN, None, what)
    }

    /// Stored online totals credited in a closed year (on their last day). Changing one changes
    /// that year, whatever the dates of the row that changes it.
    pub fn totals(&self, tx: &Tx) -> Result<Totals> {
        if self.is_empty() {
            return Ok(HashMap::new());
        }
        let mut out = HashMap::new();
        tx.each(
            "SELECT learner_id, date, source, hours, to_date FROM online WHERE to_date IS NOT NULL",
            params![],
            |r| {
                let to: String = r.get(4)?;
                if iso_year(&to).is_some_and(|y| self.contains(y)) {
                    out.insert((r.get(0)?, r.get(1)?, r.get(2)?), (r.get(3)?, to));
                }
                Ok(())
            },
        )?;
        Ok(out)
    }

    /// A day's text as stored (ISO), refused when its year is closed.
    pub fn check_iso(&self, day: &str, what: Msg) -> Result<()> {
        match iso_year(day) {
            Some(y) => self.check_years(y, Some(y), what),
            None => Ok(()),
        }
    }
}

/// The year of a day's text as stored (ISO).
pub fn iso_year(day: &str) -> Option<i32> {
    day.get(..4).and_then(|y| y.parse().ok())
}

/// Closes `year`, audited.
pub fn close_year(tx: &Tx, actor: &Actor, year: i32) -> Result<()> {
    tx.execute(
        "INSERT INTO closed_year (year, at, operator) VALUES (?1, ?2, ?3)",
        params![year, actor.at, actor.operator],
    )?;
    audit(tx, actor, "closed_year", &json!({ "year": year }), Action::Insert, None, Some(&json!({})))
}

/// Opens closed `year` again, audited with when and by whom it was closed; false when it was not
/// closed.
pub fn reopen_year(tx: &Tx, actor: &Actor, year: i32) -> Result<bool> {
    let old: Option<(String, String)> =
        tx.optional("SELECT at, operator FROM closed_year WHERE year = ?1", params![year], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let Some((at, operator)) = old else {
        return Ok(false);
    };
    tx.execute("DELETE FROM closed_year WHERE year = ?1", params![year])?;
    let old = json!({ "at": at, "operator": operator });
    audit(tx, actor, "closed_year", &json!({ "year": year }), Action::Delete, Some(&old), None)?;
    Ok(true)
}

/// A year as the year listing shows it.
#[derive(Debug, Clone)]
pub struct YearLine {
    pub year: i32,
    /// When and by whom it was closed (None: it is open).
    pub closed: Option<(String, String)>,
    /// Sessions held in it.
    pub sessions: i64,
}

/// Every year that has records or was closed, in order.
pub fn year_lines(tx: &Tx) -> Result<Vec<YearLine>> {
    tx.all(
        "WITH years(year) AS (
             SELECT DISTINCT CAST(substr(date, 1, 4) AS INTEGER) FROM session
             UNION SELECT CAST(substr(date, 1, 4) AS INTEGER) FROM assessment
             UNION SELECT CAST(substr(COALESCE(to_date, date), 1, 4) AS INTEGER) FROM online
             UNION SELECT year FROM closed_year)
         SELECT y.year, c.year IS NOT NULL, c.at, c.operator,
                (SELECT COUNT(*) FROM session s WHERE s.date BETWEEN y.year || '-01-01' AND y.year || '-12-31')
         FROM years y LEFT JOIN closed_year c ON c.year = y.year ORDER BY y.year",
        params![],
        |r| {
            let closed = if r.get(1)? { Some((r.get(2)?, r.get(3)?)) } else { None };
            Ok(YearLine { year: r.get(0)?, closed, sessions: r.get(4)? })
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_name_the_first_closed_year_reached() {
        let closed = Closed([2023, 2025].into_iter().collect());
        assert!(closed.check_years(2024, Some(2024), Msg::WhatRecordDatedIn).is_ok());
        assert_eq!(closed.first_in(2024, None), Some(2025));
        assert_eq!(closed.first_in(2020, Some(2022)), None);
        let err = closed.check_iso("2025-03-01", Msg::WhatRecordDatedIn).unwrap_err().to_string();
        assert!(err.contains("2025 is a closed year"), "{err}");
        assert!(closed.check_all(Msg::WhatEnrolledAlways).is_err());
    }
}
