//! Online self-study exported from a platform: one row per learner, date and source.

use rusqlite::types::Value;

use super::sheet::{Column, Layout};
use super::{Job, Learners, DATE, HOURS, NAME, STAFF_ID};
use crate::date;
use crate::error::Result;
use crate::hours::{parse_hours, Fixed};
use crate::store::{self, Writer};

pub const LAYOUT: Layout =
    Layout { columns: &[STAFF_ID, NAME, DATE, HOURS, Column { name: "source", aliases: &["来源", "平台"] }] };
const O_NAME: usize = 1;
const O_DATE: usize = 2;
const O_HOURS: usize = 3;
const O_SOURCE: usize = 4;

pub fn import(job: &mut Job) -> Result<()> {
    job.sheet.require(&[O_DATE, O_HOURS])?;
    let learners = Learners::load(job.tx)?;
    let writer = Writer::new(&store::ONLINE);
    while let Some(row) = job.next_row()? {
        let learner = job.learner(&learners, &row, O_NAME);
        let day_cell = row.get(O_DATE).to_string();
        let day = date::parse_cell(&day_cell).map(date::iso);
        if day.is_none() {
            job.bad(&row, O_DATE, format!("{day_cell:?} is not a date (write 2024-03-15)"));
        }
        let hours_cell = row.get(O_HOURS).to_string();
        let hours = parse_hours(&hours_cell).map_err(|e| job.bad(&row, O_HOURS, format!("{hours_cell:?} {e}"))).ok();
        let (Some(learner), Some(day), Some(hours)) = (learner, day, hours) else {
            continue;
        };
        // A sheet without a source column is one platform's export: its records have source "".
        let source = row.get(O_SOURCE).to_string();
        let key = [Value::Integer(learner), Value::Text(day.clone()), Value::Text(source.clone())];
        job.put(&writer, &row, &key, &[Value::Integer(hours.0)], |stored, _, row| {
            let had = match stored.first() {
                Some(Value::Integer(h)) => Fixed(*h),
                _ => Fixed(0),
            };
            format!("staff id {} already has {had} online hours from {source:?} on {day}", row.get(0))
        })?;
    }
    Ok(())
}
