//! Closed years (SPEC v2 §2): once a year's appraisal is issued, nothing may change its figures.
//! Every write that could reach a year's figures asks `Closed` first, inside its transaction.

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate};
use rusqlite::Connection;

use crate::error::{Error, Problem, Result};
use crate::msg::Msg;

/// Online totals by key (learner row id, first day, source): their hours and last day.
pub type Totals = HashMap<(i64, String, String), (i64, String)>;

/// The closed years, read once per command.
#[derive(Debug, Clone, Default)]
pub struct Closed(BTreeSet<i32>);

impl Closed {
    pub fn load(conn: &Connection) -> Result<Closed> {
        let mut stmt = conn.prepare_cached("SELECT year FROM closed_year")?;
        let years = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
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
    pub fn totals(&self, conn: &Connection) -> Result<Totals> {
        if self.is_empty() {
            return Ok(HashMap::new());
        }
        let mut stmt = conn
            .prepare_cached("SELECT learner_id, date, source, hours, to_date FROM online WHERE to_date IS NOT NULL")?;
        let rows =
            stmt.query_map([], |r| Ok(((r.get(0)?, r.get(1)?, r.get(2)?), (r.get(3)?, r.get::<_, String>(4)?))))?;
        let mut out = HashMap::new();
        for row in rows {
            let (key, (hours, to)) = row?;
            if iso_year(&to).is_some_and(|y| self.contains(y)) {
                out.insert(key, (hours, to));
            }
        }
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
