//! Online self-study exported from a platform: one row per learner, date and source.

use super::guard::Guard;
use super::sheet::{Column, Layout};
use super::{Job, Learners, DATE, HOURS, NAME, STAFF_ID};
use crate::date;
use crate::error::Result;
use crate::hours::{Fixed, MAX_ROW_HOURS};
use crate::msg::Msg;
use crate::store::bulk::{Bulk, Values};
use crate::store::closed::{iso_year, Closed};
use crate::store::{self, Value};

pub const LAYOUT: Layout = Layout {
    columns: &[
        STAFF_ID,
        NAME,
        DATE,
        HOURS,
        Column { name: "source", aliases: &["来源", "平台"] },
        // A platform's total for a month or a year: credited on this date (SPEC v2 §2).
        Column { name: "to", aliases: &["至", "截止日期", "结束日期", "to date"] },
    ],
    by_name: Some(O_NAME),
    dates: &[O_DATE, O_TO],
};
const O_NAME: usize = 1;
const O_DATE: usize = 2;
const O_HOURS: usize = 3;
const O_SOURCE: usize = 4;
const O_TO: usize = 5;

pub fn import(job: &mut Job) -> Result<()> {
    job.read.sheet.require(&[O_DATE, O_HOURS])?;
    let learners = Learners::load(job.tx)?;
    let guard = Guard::load(job.tx)?;
    // Without a `to` column the sheet says nothing of totals: stored ones stay.
    let mut bulk = Bulk::new(&store::ONLINE, &[true, job.read.sheet.has(O_TO)]);
    let describe = |stored: &[Value], key: &[Value]| {
        let text = |v: Option<&Value>| match v {
            Some(Value::Text(t)) => t.clone(),
            _ => String::new(),
        };
        Msg::OnlineExistsRow {
            staff_id: match key.first() {
                Some(Value::Integer(learner)) => guard.staff_id(*learner).to_string(),
                _ => String::new(),
            },
            hours: match stored.first() {
                Some(Value::Integer(h)) => Fixed(*h),
                _ => Fixed(0),
            },
            source: text(key.get(2)),
            day: text(key.get(1)),
        }
    };
    let frozen = guard.closed.totals(job.tx)?;
    while let Some(row) = job.next_row()? {
        let on = if row.get(O_DATE).is_empty() {
            job.bad(&row, O_DATE, Msg::DateMissing);
            None
        } else {
            job.date(&row, O_DATE)?
        };
        let learner = job.learner(&learners, &guard, &row, O_NAME, on);
        let to = if row.get(O_TO).is_empty() {
            Some(None)
        } else {
            match job.date(&row, O_TO)? {
                Some(t) if on.is_none_or(|d| t >= d) => Some(Some(t)),
                Some(_) => {
                    let message =
                        Msg::ToBeforeDate { to: row.get(O_TO).to_string(), date: row.get(O_DATE).to_string() };
                    job.bad(&row, O_TO, message);
                    None
                }
                None => None,
            }
        };
        // A total over several days holds at most 24 hours a day.
        let days = match (on, to) {
            (Some(d), Some(Some(t))) => (t - d).num_days() + 1,
            _ => 1,
        };
        let hours_cell = row.get(O_HOURS).to_string();
        let hours = Fixed::parse_max(&hours_cell, MAX_ROW_HOURS * days)
            .map_err(|e| job.bad(&row, O_HOURS, Msg::BadAmount { text: hours_cell.clone(), why: Box::new(e.into()) }))
            .ok();
        let (Some(learner), Some(on), Some(to), Some(hours)) = (learner, on, to, hours) else {
            continue;
        };
        if let Some(why) = guard.refuse(learner, on).or_else(|| to.and_then(|t| guard.refuse(learner, t))) {
            job.bad(&row, O_DATE, why);
            continue;
        }
        let day = date::iso(on);
        // A sheet without a source column is one platform's export: its records have source "".
        let source = row.get(O_SOURCE).to_string();
        // A stored total credited in a closed year changes that year when this row changes it.
        if let Some((had, last)) = frozen.get(&(learner, day.clone(), source.clone())) {
            let to_changes = job.read.sheet.has(O_TO) && to.map(date::iso).as_ref() != Some(last);
            if *had != hours.0 || to_changes {
                let year = iso_year(last).unwrap_or_default();
                job.bad(&row, O_DATE, Closed::refusal(year, Msg::WhatChangingTotal { to: last.clone() }));
                continue;
            }
        }
        let key = vec![Value::Integer(learner), Value::Text(day), Value::Text(source)];
        let values = vec![Value::Integer(hours.0), store::text(to.map(date::iso).as_deref())];
        job.push(&mut bulk, Values { key, values, line: row.line }, &describe)?;
    }
    job.flush(&mut bulk, &describe)
}
