//! The periodic notice (学时定期通报): who is on pace for the year so far, the honour list, who is
//! behind and who misses sessions. Built once as a plain `Notice`, rendered by `render`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Serialize;

use super::document::Format;
use super::render::{self, Cell, Document, Table};
use crate::cli::NoticeArgs;
use crate::credit;
use crate::date;
use crate::db;
use crate::error::Result;
use crate::hours::{div_half_up, ratio4, Fixed, Hours};
use crate::period::Period;
use crate::store;
use crate::store::lookup;
use crate::{Ctx, Lang};

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

pub fn run(ctx: &Ctx, args: NoticeArgs) -> Result<()> {
    let format = render::choose(&args.output, Format::Text, &[Format::Text, Format::Md, Format::Json, Format::Html])?;
    let period = args.period.unwrap_or_else(|| Period::last_complete_month(ctx.today));
    let mut conn = ctx.open()?;
    let tx = db::read(&mut conn)?;
    let branch = args.branch.map(|b| lookup::branch(&tx, &b)).transpose()?;
    let notice = build(&tx, period, branch, ctx.today)?;
    render::emit(&notice, || notice.document(ctx.lang), format, &args.output, ctx.lang)
}

/// A learner as the notice sees them.
struct Line {
    staff_id: String,
    name: String,
    branch: String,
    standing: credit::Standing,
}

/// Builds the notice for `period`, limited to one branch's learners and their records when
/// `branch` is given; `today` is the date of issue.
pub fn build(conn: &Connection, period: Period, branch: Option<i64>, today: NaiveDate) -> Result<Notice> {
    let rules = store::ledger::rules(conn, period.year)?;
    let year_start = NaiveDate::from_ymd_opt(period.year, 1, 1).expect("a period's year is valid");
    // Pace is judged on the year so far: hours from 1 January, the online cap applied to that sum.
    // Attendance and absences are about the period itself: the same range when the period starts
    // in January (H1, Q1, the year, January), else summed in the same pass over the records.
    let later = (period.from() != year_start).then(|| period.from());
    let (to_date, own_range) = store::ledger::totals_and_since(conn, &rules, year_start, period.to(), later)?;
    let in_period = if later.is_some() { &own_range } else { &to_date };

    let names = store::lives::branches(conn)?;
    let mut lines = Vec::new();
    let mut branch_names = BTreeMap::new();
    let mut absentees = Vec::new();
    let (mut records, mut attended) = (0, 0);
    let mut limited_to = None;
    let mut learners = store::lives::learners(conn, None)?;
    // Reported where their last enrolled day up to the period's end puts them (SPEC v2 §2).
    let mut placed: Vec<(credit::Learner, i64)> = learners
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
        limited_to =
            Some(conn.query_row("SELECT code, name FROM branch WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))?);
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

    Ok(Notice {
        period: period.to_string(),
        from: date::iso(period.from()),
        to: date::iso(period.to()),
        sessions: store::ledger::programme(conn, period.from(), period.to())?.sessions,
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
    })
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
