//! The periodic notice (学时定期通报): who is on pace for the year so far, the honour list, who is
//! behind and who misses sessions. Built once as a plain `Notice`, rendered by `render`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::render::{Cell, Document, Table};
use crate::credit;
use crate::date;
use crate::hours::{div_half_up, ratio4, Fixed, Hours};
use crate::period::Period;
use crate::store::ledger::NoticeData;
use crate::Lang;

/// How many learners the honour list names.
const TOP: usize = 10;

/// A learner is listed for missing sessions when more than this share of their records in the
/// period are absences (as a fraction num/den, to stay exact).
const ABSENCE_LIMIT: (i64, i64) = (1, 4);

/// The notice. Serialises to exactly the keys of SPEC §5; the rest feeds the printed forms.
#[derive(Debug, Clone, Serialize)]
pub struct Notice {
    pub period: String,
    pub from: String,
    pub to: String,
    pub sessions: i64,
    pub attendance_rate: Option<f64>,
    pub branches: Vec<BranchPace>,
    pub behind: Vec<Behind>,
    pub top: Vec<Top>,
    #[serde(skip)]
    pub span: Period,
    /// The branch the notice is limited to (code, name).
    #[serde(skip)]
    pub branch: Option<(String, String)>,
    #[serde(skip)]
    pub learners: i64,
    #[serde(skip)]
    pub on_pace: i64,
    #[serde(skip)]
    pub absentees: Vec<Absentee>,
    #[serde(skip)]
    pub issued: NaiveDate,
}

#[derive(Debug, Clone, Serialize)]
pub struct BranchPace {
    pub code: String,
    pub name: String,
    pub learners: i64,
    pub on_pace: i64,
    pub average_hours: Hours,
}

#[derive(Debug, Clone, Serialize)]
pub struct Behind {
    pub staff_id: String,
    pub name: String,
    pub branch: String,
    pub hours: Hours,
    pub expected: Hours,
    pub shortfall: Hours,
}

#[derive(Debug, Clone, Serialize)]
pub struct Top {
    pub staff_id: String,
    pub name: String,
    pub branch: String,
    pub hours: Hours,
}

/// A learner absent from more than a quarter of their recorded sessions in the period.
#[derive(Debug, Clone)]
pub struct Absentee {
    pub staff_id: String,
    pub name: String,
    pub branch: String,
    pub absences: i64,
    pub records: i64,
    pub rate: f64,
}

/// A learner as the notice sees them.
struct Line {
    staff_id: String,
    name: String,
    branch: String,
    standing: credit::Standing,
}

/// The notice from its data, limited to one branch's learners and their records when `branch`
/// is given; `today` is the date of issue. No database: tested on plain values.
pub fn from_data(data: NoticeData, branch: Option<i64>, today: NaiveDate) -> Notice {
    let NoticeData { period, rules, learners: mut all, to_date, in_period, branches: names, sessions } = data;
    // Pace is judged on the year so far: hours from 1 January, the online cap applied to that sum.
    // Attendance and absences are about the period itself (the same range when it starts in
    // January: H1, Q1, the year, January).
    let in_period = in_period.as_ref().unwrap_or(&to_date);

    let mut lines = Vec::new();
    let mut branch_names = BTreeMap::new();
    let mut absentees = Vec::new();
    let (mut records, mut attended) = (0, 0);
    let mut limited_to = None;
    // Reported where their last enrolled day up to the period's end puts them (SPEC v2 §2).
    let mut placed: Vec<(credit::Learner, i64)> = all
        .drain(..)
        .filter_map(|l| l.life.placement(period.to()).map(|(_, b)| (l, b)))
        .filter(|(_, b)| branch.is_none_or(|id| id == *b))
        .collect();
    // By branch code, then staff id: learners come by staff id, and the sort keeps their order.
    placed.sort_by_cached_key(|(_, b)| names.get(b).map(|n| n.code.as_str()).unwrap_or_default());
    for (l, branch_id) in placed {
        let Some(b) = names.get(&branch_id) else { continue };
        if branch.is_some() {
            limited_to = Some((b.code.clone(), b.name.clone()));
        }
        // Every record of the branch's learners counts towards the rate, whoever is covered.
        let p = in_period.get(&l.id).copied().unwrap_or_default();
        records += p.records;
        attended += p.sessions;
        // SPEC v2 §5: a notice covers the learners enrolled on the period's last day.
        if !l.life.enrolled_on(period.to()) {
            continue;
        }
        if p.records > 0 && p.absences * ABSENCE_LIMIT.1 > p.records * ABSENCE_LIMIT.0 {
            absentees.push(Absentee {
                staff_id: l.staff_id.clone(),
                name: l.name.clone(),
                branch: b.code.clone(),
                absences: p.absences,
                records: p.records,
                rate: ratio4(p.absences, p.records),
            });
        }
        if branch_names.last_key_value().is_none_or(|(code, _)| *code != b.code) {
            branch_names.insert(b.code.clone(), b.name.clone());
        }
        let t = to_date.get(&l.id).copied().unwrap_or_default();
        let standing = rules.standing(&l.life, &t, period.last_month());
        lines.push(Line { staff_id: l.staff_id, name: l.name, branch: b.code.clone(), standing });
    }
    if let (Some(id), None) = (branch, &limited_to) {
        // A branch with no learners still names itself in the title.
        limited_to = names.get(&id).map(|b| (b.code.clone(), b.name.clone()));
    }

    // Lines come sorted by branch (credit::learners): one pass over runs, not one per branch.
    let branches = lines
        .chunk_by(|a, b| a.branch == b.branch)
        .map(|mine| BranchPace {
            code: mine[0].branch.clone(),
            name: branch_names.get(&mine[0].branch).cloned().unwrap_or_default(),
            learners: mine.len() as i64,
            on_pace: mine.iter().filter(|l| l.standing.met).count() as i64,
            average_hours: Fixed(div_half_up(mine.iter().map(|l| l.standing.total.0).sum(), mine.len() as i64)),
        })
        .collect();

    let mut behind: Vec<Behind> = lines
        .iter()
        .filter(|l| !l.standing.met)
        .map(|l| Behind {
            staff_id: l.staff_id.clone(),
            name: l.name.clone(),
            branch: l.branch.clone(),
            hours: l.standing.total,
            expected: l.standing.required,
            shortfall: l.standing.shortfall(),
        })
        .collect();
    behind.sort_by(|a, b| b.shortfall.cmp(&a.shortfall).then_with(|| a.staff_id.cmp(&b.staff_id)));

    let mut top: Vec<&Line> = lines
        .iter()
        // SPEC v2 §5: the honour list names only learners on pace.
        .filter(|l| l.standing.met && l.standing.total > Fixed(0))
        .collect();
    top.sort_by(|a, b| b.standing.total.cmp(&a.standing.total).then_with(|| a.staff_id.cmp(&b.staff_id)));
    let top: Vec<Top> = top
        .into_iter()
        .take(TOP)
        .map(|l| Top {
            staff_id: l.staff_id.clone(),
            name: l.name.clone(),
            branch: l.branch.clone(),
            hours: l.standing.total,
        })
        .collect();

    absentees.sort_by(|a, b| {
        (b.absences * a.records).cmp(&(a.absences * b.records)).then_with(|| a.staff_id.cmp(&b.staff_id))
    });

    Notice {
        period: period.to_string(),
        from: date::iso(period.from()),
        to: date::iso(period.to()),
        sessions,
        attendance_rate: (records > 0).then(|| ratio4(attended, records)),
        branches,
        behind,
        top,
        span: period,
        branch: limited_to,
        learners: lines.len() as i64,
        on_pace: lines.iter().filter(|l| l.standing.met).count() as i64,
        absentees,
        issued: today,
    }
}

/// `15 January 2025`.
fn en_date(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

impl Notice {
    /// The notice as posted: title, summary, branches, honour list, who is behind, who misses
    /// sessions, the date of issue.
    pub fn document(&self, lang: Lang) -> Document {
        let p = self.span;
        let whose = self.branch.as_ref().map(|(_, name)| name.as_str());
        let title = match (lang, whose) {
            (Lang::Zh, None) => format!("{}党校学时通报", p.zh()),
            (Lang::Zh, Some(b)) => format!("{}党校学时通报（{b}）", p.zh()),
            (Lang::En, None) => format!("Party school credit hours: {}", p.en()),
            (Lang::En, Some(b)) => format!("Party school credit hours: {} ({b})", p.en()),
        };
        let (from, to) = (p.from(), p.to());
        let rate = |r: f64| format!("{:.1}%", r * 100.0);
        let lines = match lang {
            Lang::Zh => vec![
                format!(
                    "{}至{}，党校共举办课程 {} 次，{}。",
                    date::zh(from),
                    date::zh(to),
                    self.sessions,
                    self.attendance_rate
                        .map_or("暂无出勤记录".to_string(), |r| format!("学员出勤率 {}", rate(r)))
                ),
                format!(
                    "截至{}，参训学员 {} 人，其中 {} 人达到学时进度要求（年度应修学时按在籍月数折算至{}月）。",
                    date::zh(to),
                    self.learners,
                    self.on_pace,
                    p.last_month()
                ),
            ],
            Lang::En => vec![
                format!(
                    "From {} to {}, the party school held {} session{}; {}.",
                    en_date(from),
                    en_date(to),
                    self.sessions,
                    if self.sessions == 1 { "" } else { "s" },
                    self.attendance_rate
                        .map_or("no attendance was recorded".to_string(), |r| format!("attendance was {}", rate(r)))
                ),
                format!(
                    "By {}, learners on pace: {} of {} (the yearly requirement prorated to the end of {}).",
                    en_date(to),
                    self.on_pace,
                    self.learners,
                    to.format("%B")
                ),
            ],
        };
        let branch_table = super::branch_table(
            lang,
            ("Branches", "各支部学时进度"),
            ("On pace", "达到进度"),
            ("Share", "进度达标率"),
            self.branches.iter().map(|b| super::BranchRow {
                code: &b.code,
                name: &b.name,
                learners: b.learners,
                reached: b.on_pace,
                average: b.average_hours,
            }),
        );
        let keyed: Vec<((), Hours)> = self.top.iter().map(|t| ((), t.hours)).collect();
        let top_table = Table {
            title: lang.pick("Honour list", "学时光荣榜").to_string(),
            columns: lang.labels(&[
                ("Rank", "名次"),
                ("Staff id", "工号"),
                ("Name", "姓名"),
                ("Branch", "支部"),
                ("Hours", "学时"),
            ]),
            rows: self
                .top
                .iter()
                .zip(credit::ranks(&keyed))
                .map(|(t, rank)| {
                    vec![
                        Cell::Int(rank),
                        Cell::text(&t.staff_id),
                        Cell::text(&t.name),
                        Cell::text(&t.branch),
                        Cell::Hours(t.hours),
                    ]
                })
                .collect(),
        };
        let behind_table = Table {
            title: lang.pick("Behind pace", "学时进度滞后学员").to_string(),
            columns: lang.labels(&[
                ("Staff id", "工号"),
                ("Name", "姓名"),
                ("Branch", "支部"),
                ("Hours", "已修学时"),
                ("Expected", "应达学时"),
                ("Shortfall", "差额"),
            ]),
            rows: self
                .behind
                .iter()
                .map(|b| {
                    vec![
                        Cell::text(&b.staff_id),
                        Cell::text(&b.name),
                        Cell::text(&b.branch),
                        Cell::Hours(b.hours),
                        Cell::Hours(b.expected),
                        Cell::Hours(b.shortfall),
                    ]
                })
                .collect(),
        };
        let absent_table = Table {
            title: lang
                .pick("Absent from more than a quarter of their sessions", "缺勤超过本期课次25%的学员")
                .to_string(),
            columns: lang.labels(&[
                ("Staff id", "工号"),
                ("Name", "姓名"),
                ("Branch", "支部"),
                ("Absences", "缺勤次数"),
                ("Recorded", "应到次数"),
                ("Absence rate", "缺勤率"),
            ]),
            rows: self
                .absentees
                .iter()
                .map(|a| {
                    vec![
                        Cell::text(&a.staff_id),
                        Cell::text(&a.name),
                        Cell::text(&a.branch),
                        Cell::Int(a.absences),
                        Cell::Int(a.records),
                        Cell::Ratio(a.rate),
                    ]
                })
                .collect(),
        };
        let footer = vec![match lang {
            Lang::Zh => format!("通报日期：{}", date::zh(self.issued)),
            Lang::En => format!("Issued {}", en_date(self.issued)),
        }];
        let chart = (
            lang.pick("Learners on pace, by branch", "各支部学时进度达标率").to_string(),
            self.branches.iter().map(|b| (b.name.clone(), ratio4(b.on_pace, b.learners))).collect(),
        );
        Document {
            title,
            lines,
            tables: vec![branch_table, top_table, behind_table, absent_table],
            footer,
            chart: Some(chart),
            ..Document::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::credit::{Learner, Ledger, RuleBook};
    use crate::life::Life;
    use crate::model::Category;
    use crate::period::Span;
    use crate::store::lives::Branch;

    fn learner(id: i64, life: Life) -> Learner {
        Learner { id, staff_id: format!("{id:04}"), name: format!("学员{id}"), life }
    }

    /// Q2 2024 over a school of plain values: (id, theory hundredths to date, records and
    /// absences in the period).
    fn data(learners: Vec<Learner>, hours: &[(i64, i64, i64, i64)]) -> NoticeData {
        let mut book = RuleBook::default();
        for (c, h) in [("member", 3200), ("cadre", 5600), ("probationary", 3200), ("candidate", 2400)] {
            book.rows.push((c.to_string(), 0, Some(h)));
        }
        let (mut to_date, mut in_period) = (Ledger::default(), Ledger::default());
        for &(id, theory, records, absences) in hours {
            to_date.entry(id).theory = Fixed(theory);
            let p = in_period.entry(id);
            (p.records, p.absences, p.sessions) = (records, absences, records - absences);
        }
        NoticeData {
            period: Period { year: 2024, span: Span::Quarter(2) },
            rules: book.year(2024),
            learners,
            to_date,
            in_period: Some(in_period),
            branches: HashMap::from([
                (1, Branch { code: "NK1".into(), name: "内科一支部".into() }),
                (2, Branch { code: "WK1".into(), name: "外科一支部".into() }),
                (3, Branch { code: "YJ1".into(), name: "医技一支部".into() }),
            ]),
            sessions: 7,
        }
    }

    fn day(s: &str) -> Option<NaiveDate> {
        crate::date::parse(s)
    }

    fn school() -> NoticeData {
        data(
            vec![
                learner(1, Life::simple(Category::Member, 1, None, None)),
                learner(2, Life::simple(Category::Member, 2, None, None)),
                // Left before the period's end: their records count towards the rate only.
                learner(3, Life::simple(Category::Candidate, 2, None, day("2024-05-31"))),
                // Joined after it: not placed anywhere yet.
                learner(4, Life::simple(Category::Member, 1, day("2024-07-01"), None)),
            ],
            // Expected by June: 32 × 6/12 = 16 hours.
            &[(1, 2000, 4, 2), (2, 1000, 4, 0), (3, 500, 2, 2), (4, 900, 0, 0)],
        )
    }

    #[test]
    fn pace_honours_and_absences_are_judged_without_a_database() {
        let n = from_data(school(), None, NaiveDate::from_ymd_opt(2024, 7, 5).unwrap());
        assert_eq!((n.period.as_str(), n.from.as_str(), n.to.as_str()), ("2024-Q2", "2024-04-01", "2024-06-30"));
        assert_eq!((n.learners, n.on_pace, n.sessions), (2, 1, 7));
        // Every record of the placed learners counts: 10 records, 4 absences.
        assert_eq!(n.attendance_rate, Some(0.6));
        let behind: Vec<_> = n.behind.iter().map(|b| (b.staff_id.as_str(), b.hours, b.expected, b.shortfall)).collect();
        assert_eq!(behind, [("0002", Fixed(1000), Fixed(1600), Fixed(600))]);
        let top: Vec<_> = n.top.iter().map(|t| (t.staff_id.as_str(), t.hours)).collect();
        assert_eq!(top, [("0001", Fixed(2000))], "only learners on pace are honoured");
        let absent: Vec<_> = n.absentees.iter().map(|a| (a.staff_id.as_str(), a.absences, a.records)).collect();
        assert_eq!(absent, [("0001", 2, 4)], "half of their records; the one who left is not listed");
        let branches: Vec<_> = n.branches.iter().map(|b| (b.code.as_str(), b.learners, b.on_pace)).collect();
        assert_eq!(branches, [("NK1", 1, 1), ("WK1", 1, 0)]);
    }

    #[test]
    fn a_branch_limits_the_notice_and_an_empty_branch_still_names_itself() {
        let today = NaiveDate::from_ymd_opt(2024, 7, 5).unwrap();
        let n = from_data(school(), Some(2), today);
        assert_eq!(n.branch, Some(("WK1".to_string(), "外科一支部".to_string())));
        assert_eq!((n.learners, n.attendance_rate), (1, Some(0.6667)), "4 of 6 records of WK1's two learners");
        let n = from_data(school(), Some(3), today);
        assert_eq!(n.branch, Some(("YJ1".to_string(), "医技一支部".to_string())));
        assert_eq!((n.learners, n.attendance_rate, n.top.len()), (0, None, 0));
    }
}
