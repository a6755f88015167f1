//! Assessment results: one sheet per quiz, contest or essay contest (`--assessment CODE`).

use super::guard::Guard;
use super::sheet::{Column, Layout};
use super::{Job, Learners, Options, NAME, STAFF_ID};
use crate::error::{Error, Result};
use crate::hours::Fixed;
use crate::model::Award;
use crate::model::MAX_SCORE;
use crate::msg::Msg;
use crate::store::bulk::{Bulk, Field, Record};
use crate::store::records::{self, describe_result};
use crate::store::{self, Value};

pub const LAYOUT: Layout = Layout {
    columns: &[
        STAFF_ID,
        NAME,
        Column { name: "score", aliases: &["成绩", "分数"] },
        Column { name: "award", aliases: &["奖项", "获奖", "获奖等级"] },
    ],
    by_name: Some(R_NAME),
    dates: &[],
};
const R_NAME: usize = 1;
const R_SCORE: usize = 2;
const R_AWARD: usize = 3;

pub fn import(job: &mut Job, args: &Options) -> Result<()> {
    let code = args.assessment.as_deref().ok_or_else(|| Error::usage(Msg::ResultsNeedAssessment))?;
    let records::AssessmentRow { id: assessment, date: day, .. } = records::assessment(job.tx, code)?;
    let day = crate::date::parse(&day)
        .ok_or_else(|| Error::Other(Msg::AssessmentBadDate { code: code.trim().to_string(), day: day.clone() }))?;
    let guard = Guard::load(job.tx)?;
    guard.closed.check_day(day, Msg::WhatResultsOf { code: code.trim().to_string() })?;
    let learners = Learners::load(job.tx)?;
    // A sheet of scores says nothing of awards, and one of awards nothing of scores.
    let mut bulk = Bulk::new(&store::RESULT, &[job.read.sheet.has(R_SCORE), job.read.sheet.has(R_AWARD)]);
    let describe = |stored: &[Value], key: &[Value]| {
        let learner = match key.get(1) {
            Some(Value::Integer(id)) => guard.staff_id(*id),
            _ => "",
        };
        Msg::ResultExists {
            code: code.trim().to_string(),
            staff_id: learner.to_string(),
            result: Box::new(describe_result(stored)),
        }
    };
    while let Some(row) = job.next_row()? {
        let learner = job.learner(&learners, &guard, &row, R_NAME, Some(day));
        let score_cell = row.get(R_SCORE).to_string();
        let score = if score_cell.is_empty() {
            Some(None)
        } else {
            Fixed::parse_max(&score_cell, MAX_SCORE)
                .map(Some)
                .map_err(|e| {
                    job.bad(&row, R_SCORE, Msg::BadAmount { text: score_cell.clone(), why: Box::new(e.into()) })
                })
                .ok()
        };
        let award_cell = row.get(R_AWARD);
        let award = if award_cell.is_empty() {
            Some(None)
        } else {
            Award::parse(award_cell).map(Some).map_err(|e| job.bad(&row, R_AWARD, e.msg())).ok()
        };
        let (Some(learner), Some(score), Some(award)) = (learner, score, award) else {
            continue;
        };
        if let Some(why) = guard.refuse(learner, day) {
            job.bad(&row, 0, why);
            continue;
        }
        let values = [Field::int(score.map(|s| s.0)), Field::code(award.map(Award::code))];
        job.push(&mut bulk, Record { key: (assessment, learner), values, line: row.line }, &describe)?;
    }
    job.flush(&mut bulk, &describe)
}
