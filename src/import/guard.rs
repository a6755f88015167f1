//! What every row of a record sheet must respect besides its own cells (SPEC v2 §2): its date
//! lies in the learner's enrolment, and not in a closed year; on a server, its learner is one the
//! role may change (`grant`). Loaded once per import, checked in memory for every row. The same
//! lives find the learner of a row that names them by name alone.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};

use super::squeeze;
use crate::credit::Learner;
use crate::date;
use crate::db::Tx;
use crate::error::Result;
use crate::msg::Msg;
use crate::store::closed::Closed;
use crate::store::grant::{self, Scope};
use crate::store::lives::{self, Branch};

pub struct Guard {
    /// Learners by row id, in its order.
    learners: Vec<Learner>,
    pub closed: Closed,
    /// Branches by row id, to name a learner's branch in messages.
    branches: HashMap<i64, Branch>,
    /// Learners' row ids by name with white space removed; built when a row first needs it.
    by_name: OnceLock<HashMap<String, Vec<i64>>>,
    /// The role and what it may change, when row-level security binds it (`grant::bound_scope`).
    bound: Option<(String, Scope)>,
}

impl Guard {
    pub fn load(tx: &Tx) -> Result<Guard> {
        let mut learners = lives::learners(tx, None)?;
        learners.sort_unstable_by_key(|l| l.id);
        Ok(Guard {
            learners,
            closed: Closed::load(tx)?,
            branches: lives::branches(tx)?,
            by_name: OnceLock::new(),
            bound: grant::bound_scope(tx)?,
        })
    }

    /// Every learner, by row id.
    pub fn learners(&self) -> &[Learner] {
        &self.learners
    }

    fn get(&self, id: i64) -> Option<&Learner> {
        // Row ids are dense: learner `id` is nearly always at `id - 1`.
        let at = usize::try_from(id - 1).ok();
        match at.and_then(|i| self.learners.get(i)) {
            Some(l) if l.id == id => Some(l),
            _ => self.learners.binary_search_by_key(&id, |l| l.id).ok().map(|i| &self.learners[i]),
        }
    }

    /// Why learner `id` cannot have a record dated `day`, if they cannot.
    pub fn refuse(&self, id: i64, day: NaiveDate) -> Option<Msg> {
        if self.closed.contains(day.year()) {
            return Some(Closed::refusal(day.year(), Msg::WhatRecordDatedIn));
        }
        lives::outside(self.get(id)?, day)
    }

    /// Why the role may not change learner `id`'s records, if it may not: a branch role changes
    /// only those of the learners in its branch now (grant.sql's `learner_branch`), a role with no
    /// grant none. The server would refuse the row as it is written; said here, it is said where
    /// it is, with every other bad row of the sheet.
    pub fn refuse_role(&self, id: i64) -> Option<Msg> {
        self.bound.as_ref()?;
        let learner = self.get(id)?;
        self.refuse_role_in(learner.life.branch_now(), &learner.staff_id)
    }

    /// Why the role may not add learner `staff_id` to branch `branch`, if it may not.
    pub fn refuse_role_in(&self, branch: i64, staff_id: &str) -> Option<Msg> {
        let (role, scope) = self.bound.as_ref()?;
        let granted = match scope {
            Scope::School => return None,
            Scope::Branch(b, _) if *b == branch => return None,
            Scope::Branch(_, code) => Some(code.clone()),
            Scope::Read => None,
        };
        Some(Msg::RowOutsideGrant { role: role.clone(), branch: granted, staff_id: staff_id.to_string() })
    }

    /// Learner `id`'s staff id as stored, for messages.
    pub fn staff_id(&self, id: i64) -> &str {
        self.get(id).map_or("", |l| l.staff_id.as_str())
    }

    /// The learner a name cell means (SPEC v2, name-only sheets): the one learner of that name,
    /// white space removed, enrolled on `day`. None for the day: the row's date is wrong and was
    /// reported; only a name that is nobody's is worth saying then. The error names the
    /// candidates with their staff ids and branches.
    pub fn by_name(&self, cell: &str, day: Option<NaiveDate>) -> std::result::Result<Option<i64>, Msg> {
        let index = self.by_name.get_or_init(|| {
            let mut index: HashMap<String, Vec<i64>> = HashMap::new();
            for l in &self.learners {
                index.entry(squeeze(&l.name)).or_default().push(l.id);
            }
            index
        });
        let named: Vec<&Learner> =
            index.get(&squeeze(cell)).into_iter().flatten().filter_map(|&id| self.get(id)).collect();
        if named.is_empty() {
            return Err(Msg::NameNobodys { cell: cell.to_string() });
        }
        let Some(day) = day else { return Ok(None) };
        let fits: Vec<&Learner> = named.iter().copied().filter(|l| l.life.enrolled_on(day)).collect();
        match fits.as_slice() {
            [one] => Ok(Some(one.id)),
            [] => Err(Msg::NameNotEnrolled {
                cell: cell.to_string(),
                day: date::iso(day),
                candidates: named.iter().map(|l| (self.describe(l, day), l.life.describe_spells())).collect(),
            }),
            several => Err(Msg::NameAmbiguous {
                cell: cell.to_string(),
                candidates: several.iter().map(|l| self.describe(l, day)).collect(),
                day: date::iso(day),
            }),
        }
    }

    /// `0101 王伟 (NK1)`: a learner's staff id, name and branch on `day`.
    fn describe(&self, l: &Learner, day: NaiveDate) -> String {
        let branch = l.life.placement(day).map_or_else(|| l.life.branch_now(), |(_, b)| b);
        let code = self.branches.get(&branch).map_or("?", |b| b.code.as_str());
        format!("{} {} ({code})", l.staff_id, l.name)
    }
}
