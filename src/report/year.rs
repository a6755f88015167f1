//! The year report for the annual appraisal (年度评优评先): every active learner's hours by kind,
//! against their prorated requirement, with rank and eligibility; branches; the programme.

use chrono::NaiveDate;
use serde::Serialize;

use super::render::{Cell, Document, Table};
use crate::credit;
use crate::hours::{div_half_up, ratio4, Fixed, Hours};
use crate::model::Category;
use crate::msg::count_en;
use crate::store;
use crate::Lang;

#[derive(Debug, Clone, Serialize)]
pub struct YearReport {
    pub year: i32,
    pub learners: Vec<LearnerLine>,
    pub branches: Vec<BranchLine>,
    pub programme: ProgrammeLine,
}

#[derive(Debug, Clone, Serialize)]
pub struct LearnerLine {
    pub staff_id: String,
    pub name: String,
    pub branch: String,
    pub category: Category,
    pub sessions: i64,
    pub theory: Hours,
    pub extension: Hours,
    pub topic: Hours,
    pub online: Hours,
    pub assessment: Hours,
    pub total: Hours,
    pub required: Hours,
    pub met: bool,
    pub absences: i64,
    pub branch_rank: i64,
    pub eligible: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct BranchLine {
    pub code: String,
    pub name: String,
    pub learners: i64,
    pub met: i64,
    pub average_total: Hours,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProgrammeLine {
    pub sessions: i64,
    pub session_hours: Hours,
    pub theory_hours: Hours,
    pub theory_share: f64,
}

/// The report from its data: no database, so that it is tested on plain values.
pub fn from_data(data: store::ledger::YearData, branch: Option<i64>) -> YearReport {
    let store::ledger::YearData { year, rules, learners: all, totals, branches, programme: p } = data;
    let to = NaiveDate::from_ymd_opt(year, 12, 31).expect("a valid year");
    let nameless = store::lives::Branch { code: String::new(), name: String::new() };
    // (branch row id, line): ranks and branch lines group by the id; codes are for printing.
    let mut placed: Vec<(i64, LearnerLine)> = Vec::new();
    for l in all {
        // SPEC v2: a learner with no enrolled month is left out; the others are reported with the
        // category and branch of their last enrolled day of the year.
        let Some((category, branch_id)) = l.life.placement(to) else { continue };
        if l.life.enrolled_months(year, 12) == 0 || branch.is_some_and(|b| b != branch_id) {
            continue;
        }
        let t = totals.get(&l.id).copied().unwrap_or_default();
        let standing = rules.standing(&l.life, &t, 12);
        let b = branches.get(&branch_id).unwrap_or(&nameless);
        placed.push((
            branch_id,
            LearnerLine {
                staff_id: l.staff_id,
                name: l.name,
                branch: b.code.clone(),
                category,
                sessions: t.sessions,
                theory: t.theory,
                extension: t.extension,
                topic: t.topic,
                online: t.online,
                assessment: t.assessment,
                total: standing.total,
                required: standing.required,
                met: standing.met,
                absences: t.absences,
                branch_rank: 0,
                eligible: standing.eligible,
            },
        ));
    }
    let keyed: Vec<(i64, Hours)> = placed.iter().map(|(b, l)| (*b, l.total)).collect();
    for ((_, l), rank) in placed.iter_mut().zip(credit::ranks(&keyed)) {
        l.branch_rank = rank;
    }
    placed.sort_by(|(_, a), (_, b)| {
        a.branch.cmp(&b.branch).then(b.total.cmp(&a.total)).then(a.staff_id.cmp(&b.staff_id))
    });

    // Learners are sorted by branch: one pass over runs, not one pass per branch.
    let branch_lines = placed
        .chunk_by(|(a, _), (b, _)| a == b)
        .map(|mine| BranchLine {
            code: mine[0].1.branch.clone(),
            name: branches.get(&mine[0].0).map(|b| b.name.clone()).unwrap_or_default(),
            learners: mine.len() as i64,
            met: mine.iter().filter(|(_, l)| l.met).count() as i64,
            average_total: Fixed(div_half_up(mine.iter().map(|(_, l)| l.total.0).sum(), mine.len() as i64)),
        })
        .collect();
    let learners = placed.into_iter().map(|(_, l)| l).collect();
    YearReport {
        year,
        learners,
        branches: branch_lines,
        programme: ProgrammeLine {
            sessions: p.sessions,
            session_hours: p.session_hours,
            theory_hours: p.theory_hours,
            theory_share: ratio4(p.theory_hours.0, p.session_hours.0),
        },
    }
}

impl YearReport {
    /// The printable form: learners (the main table), then branches.
    pub fn document(&self, lang: Lang) -> Document {
        let p = &self.programme;
        let title = lang
            .pick(
                &format!("Credit hours {}: year report", self.year),
                &format!("{}年度党校学时统计（评优评先）", self.year),
            )
            .to_string();
        let met = self.learners.iter().filter(|l| l.met).count();
        let eligible = self.learners.iter().filter(|l| l.eligible).count();
        let lines: Vec<String> = [
            lang.pick(
                &format!(
                    "{}; {} met their requirement; {} eligible for appraisal.",
                    count_en(self.learners.len(), "learner", "learners"),
                    met,
                    eligible
                ),
                &format!("参训学员 {} 人，达标 {} 人，具备评优资格 {} 人。", self.learners.len(), met, eligible),
            )
            .to_string(),
            // No hours held, no share of them (not 0.0%).
            if p.session_hours.0 == 0 {
                lang.pick("Programme: no sessions held.", "全年未举办课程。").to_string()
            } else {
                lang.pick(
                    &format!(
                        "Programme: {} sessions, {} hours, of which theory {} hours ({:.1}%; target at least 70%).",
                        p.sessions,
                        p.session_hours,
                        p.theory_hours,
                        p.theory_share * 100.0
                    ),
                    &format!(
                        "全年举办课程 {} 次，共 {} 学时，其中党性教育基本课 {} 学时，占 {:.1}%（目标不低于70%）。",
                        p.sessions,
                        p.session_hours,
                        p.theory_hours,
                        p.theory_share * 100.0
                    ),
                )
                .to_string()
            },
        ]
        .into();
        let learner_table = Table {
            title: lang.pick("Learners", "学员学时明细").to_string(),
            columns: lang.labels(&[
                ("Staff id", "工号"),
                ("Name", "姓名"),
                ("Branch", "支部"),
                ("Category", "人员类别"),
                ("Sessions", "出勤次数"),
                ("Theory", "基本课"),
                ("Extension", "拓展课"),
                ("Topic", "专题课"),
                ("Online", "线上自学"),
                ("Assessment", "考核"),
                ("Total", "合计"),
                ("Required", "应修"),
                ("Met", "达标"),
                ("Absences", "缺勤"),
                ("Branch rank", "支部排名"),
                ("Eligible", "评优资格"),
            ]),
            rows: self
                .learners
                .iter()
                .map(|l| {
                    vec![
                        Cell::text(&l.staff_id),
                        Cell::text(&l.name),
                        Cell::text(&l.branch),
                        Cell::word(l.category),
                        Cell::Int(l.sessions),
                        Cell::Hours(l.theory),
                        Cell::Hours(l.extension),
                        Cell::Hours(l.topic),
                        Cell::Hours(l.online),
                        Cell::Hours(l.assessment),
                        Cell::Hours(l.total),
                        Cell::Hours(l.required),
                        Cell::Bool(l.met),
                        Cell::Int(l.absences),
                        Cell::Int(l.branch_rank),
                        Cell::Bool(l.eligible),
                    ]
                })
                .collect(),
        };
        let branch_table = super::branch_table(
            lang,
            ("Branches", "各支部完成情况"),
            ("Met", "达标人数"),
            ("Completion", "达标率"),
            self.branches.iter().map(|b| super::BranchRow {
                code: &b.code,
                name: &b.name,
                learners: b.learners,
                reached: b.met,
                average: b.average_total,
            }),
        );
        let chart = (
            lang.pick("Completion by branch", "各支部达标率").to_string(),
            self.branches.iter().map(|b| (b.name.clone(), ratio4(b.met, b.learners))).collect(),
        );
        Document {
            title,
            lines,
            tables: vec![learner_table, branch_table],
            footer: Vec::new(),
            chart: Some(chart),
            // The appraisal committee reads the branch summary first; the detail sheet follows.
            sheets: vec![1, 0],
            // On a narrow terminal: staff id, name, branch, total, required, met, eligible.
            narrow: vec![0, 1, 2, 10, 11, 12, 15],
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::credit::{Learner, Ledger, Programme, RuleBook};
    use crate::life::{Dated, Life};
    use crate::store::ledger::YearData;
    use crate::store::lives::Branch;

    fn day(s: &str) -> Option<NaiveDate> {
        crate::date::parse(s)
    }

    fn learner(id: i64, life: Life) -> Learner {
        Learner { id, staff_id: format!("{id:04}"), name: format!("学员{id}"), life }
    }

    /// A school of plain values: no database.
    fn data(learners: Vec<Learner>, hours: &[(i64, i64, i64)]) -> YearData {
        let mut book = RuleBook::default();
        for (c, h) in [("member", 3200), ("cadre", 5600), ("probationary", 3200), ("candidate", 2400)] {
            book.rows.push((c.to_string(), 0, Some(h)));
        }
        book.rows.push((crate::credit::MAX_ABSENCES.to_string(), 0, Some(1)));
        let mut totals = Ledger::default();
        for &(id, theory, absences) in hours {
            let t = totals.entry(id);
            t.theory = Fixed(theory);
            t.absences = absences;
        }
        let branches = HashMap::from([
            (1, Branch { code: "NK1".into(), name: "内科一支部".into() }),
            (2, Branch { code: "WK1".into(), name: "外科一支部".into() }),
        ]);
        YearData { year: 2024, rules: book.year(2024), learners, totals, branches, programme: Programme::default() }
    }

    #[test]
    fn learners_are_placed_judged_and_ranked_without_a_database() {
        let mut admitted = Life::simple(Category::Candidate, 1, None, None);
        admitted.categories.push(Dated { from: day("2024-06-10"), value: Category::Probationary });
        let mut moved = Life::simple(Category::Member, 1, None, None);
        moved.branches.push(Dated { from: day("2024-07-01"), value: 2 });
        let gone = Life::simple(Category::Member, 1, None, day("2023-12-31"));
        let report = from_data(
            data(
                vec![
                    learner(1, Life::simple(Category::Member, 1, None, None)),
                    learner(2, admitted),
                    learner(3, moved),
                    learner(4, gone),
                ],
                // (id, theory hundredths, absences)
                &[(1, 3300, 1), (2, 2000, 0), (3, 3200, 2)],
            ),
            None,
        );
        let line = |sid: &str| report.learners.iter().find(|l| l.staff_id == sid).unwrap();
        assert_eq!(report.learners.len(), 3, "no enrolled month in 2024: left out");
        // member all year: 33 ≥ 32, met; one absence ≤ max-absences 1: eligible
        assert_eq!((line("0001").required, line("0001").met, line("0001").eligible), (Fixed(3200), true, true));
        // candidate Jan–May, probationary from June: (5×24 + 7×32) ÷ 12 = 28.67
        assert_eq!(line("0002").required, Fixed(2867));
        assert_eq!(line("0002").category, Category::Probationary);
        assert!(!line("0002").met);
        // moved in July: reported in WK1 with the whole year's hours; two absences: not eligible
        assert_eq!((line("0003").branch.as_str(), line("0003").total), ("WK1", Fixed(3200)));
        assert!(line("0003").met && !line("0003").eligible);
        // NK1: 33 then 20: ranks 1, 2; branches by code with their averages
        assert_eq!((line("0001").branch_rank, line("0002").branch_rank), (1, 2));
        assert_eq!(report.branches.len(), 2);
        assert_eq!(report.branches[0].average_total, Fixed(2650));
        let only_wk1 = from_data(data(vec![learner(1, Life::simple(Category::Member, 2, None, None))], &[]), Some(1));
        assert!(only_wk1.learners.is_empty(), "--branch selects by placement");
    }
}
