//! Reading one learner's year as records: the sessions they have a record of, their assessment
//! results and their online totals, each with what the credit rules need to judge it.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::ledger::{assessment_result, rules, stored};
use super::lives::Branch;
use crate::credit::{AssessmentRule, Learner, Rules};
use crate::date;
use crate::db::{params, Tx};
use crate::error::Result;
use crate::hours::{Fixed, Hours};
use crate::model::{Award, CourseKind, Status};

/// A learner's attendance record of one session, with the session's date, course and hours.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub date: String,
    pub title: String,
    pub kind: CourseKind,
    pub status: Status,
    /// The record's own hours (left early), if any.
    pub own: Option<Hours>,
    pub session_hours: Hours,
}

/// A learner's result in one assessment, with the assessment's rule.
#[derive(Debug, Clone)]
pub struct ResultRecord {
    pub date: String,
    pub title: String,
    pub rule: AssessmentRule,
    pub score: Option<Fixed>,
    pub award: Option<Award>,
}

/// An online total, dated on its `to` date (the day it is credited).
#[derive(Debug, Clone)]
pub struct OnlineRecord {
    pub date: String,
    pub source: String,
    pub hours: Hours,
}

/// Everything a transcript is built from: the year, its rules, the learner with their life, the
/// branches (for codes), and the learner's records dated in the year, each kind in date order.
#[derive(Debug)]
pub struct TranscriptData {
    pub year: i32,
    pub rules: Rules,
    pub learner: Learner,
    pub branches: HashMap<i64, Branch>,
    pub sessions: Vec<SessionRecord>,
    pub results: Vec<ResultRecord>,
    pub online: Vec<OnlineRecord>,
}

/// The records of `learner` dated from `from` to `to` (a year), with that year's rules.
pub fn transcript_data(tx: &Tx, learner: Learner, year: i32) -> Result<TranscriptData> {
    let from = date::iso(NaiveDate::from_ymd_opt(year, 1, 1).expect("a valid year"));
    let to = date::iso(NaiveDate::from_ymd_opt(year, 12, 31).expect("a valid year"));
    let id = learner.id;

    let sessions = tx.all(
        "SELECT s.date, c.title, c.kind, a.status, a.hours, s.hours
         FROM attendance a JOIN session s ON s.id = a.session_id JOIN course c ON c.id = s.course_id
         WHERE a.learner_id = ?1 AND s.date BETWEEN ?2 AND ?3 ORDER BY s.date, s.id",
        params![id, from, to],
        |r| {
            Ok(SessionRecord {
                date: r.get(0)?,
                title: r.get(1)?,
                kind: stored(r.str(2)?)?,
                status: stored(r.str(3)?)?,
                own: r.get::<Option<i64>>(4)?.map(Fixed),
                session_hours: Fixed(r.get(5)?),
            })
        },
    )?;

    let results = tx.all(
        "SELECT a.date, a.title, a.kind, a.hours, a.pass_mark, a.first, a.second, a.third, a.merit, r.score, r.award
         FROM result r JOIN assessment a ON a.id = r.assessment_id
         WHERE r.learner_id = ?1 AND a.date BETWEEN ?2 AND ?3 ORDER BY a.date, a.id",
        params![id, from, to],
        |r| {
            let (rule, score, award) = assessment_result(r, 2)?;
            Ok(ResultRecord { date: r.get(0)?, title: r.get(1)?, rule, score, award })
        },
    )?;

    let online = tx.all(
        "SELECT COALESCE(to_date, date), source, hours FROM online
         WHERE learner_id = ?1 AND COALESCE(to_date, date) BETWEEN ?2 AND ?3 ORDER BY 1, source",
        params![id, from, to],
        |r| Ok(OnlineRecord { date: r.get(0)?, source: r.get(1)?, hours: Fixed(r.get(2)?) }),
    )?;

    Ok(TranscriptData {
        year,
        rules: rules(tx, year)?,
        learner,
        branches: super::lives::branches(tx)?,
        sessions,
        results,
        online,
    })
}
