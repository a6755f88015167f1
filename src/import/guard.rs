//! What every row of a record sheet must respect besides its own cells (SPEC v2 §2): its date
//! lies in the learner's enrolment, and not in a closed year. Loaded once per import, checked in
//! memory for every row.

use chrono::{Datelike, NaiveDate};
use rusqlite::Connection;

use crate::credit::Learner;
use crate::error::Result;
use crate::store::closed::Closed;
use crate::store::lives;

pub struct Guard {
    /// Learners by row id (ids are dense row ids).
    learners: Vec<Option<Learner>>,
    pub closed: Closed,
}

impl Guard {
    pub fn load(conn: &Connection) -> Result<Guard> {
        let mut learners: Vec<Option<Learner>> = Vec::new();
        for l in lives::learners(conn, None)? {
            let i = usize::try_from(l.id).unwrap_or(0);
            if i >= learners.len() {
                learners.resize_with(i + 1, || None);
            }
            learners[i] = Some(l);
        }
        Ok(Guard { learners, closed: Closed::load(conn)? })
    }

    /// Why learner `id` cannot have a record dated `day`, if they cannot.
    pub fn refuse(&self, id: i64, day: NaiveDate) -> Option<String> {
        if self.closed.contains(day.year()) {
            return Some(Closed::refusal(day.year(), "a record dated in it").message);
        }
        let learner = usize::try_from(id).ok().and_then(|i| self.learners.get(i)).and_then(Option::as_ref)?;
        lives::outside(learner, day)
    }
}
