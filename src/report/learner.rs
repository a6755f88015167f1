//! A learner's transcript: every credited item of a year, with subtotals and the requirement.
//! Each item's hours come from the rule functions of `credit`, so that the transcript and the
//! year report cannot disagree.

use chrono::NaiveDate;
use serde::Serialize;

use super::render::{Cell, Document, Table};
use crate::credit::{session_credit, Totals};
use crate::date;
use crate::error::{Error, Result};
use crate::hours::{Fixed, Hours};
use crate::model::{AssessmentKind, Award, Category, CourseKind, Status};
use crate::msg::Msg;
use crate::store;
use crate::store::lives::Branch;
use crate::store::transcript::TranscriptData;
use crate::Lang;

#[derive(Debug, Clone, Serialize)]
pub struct Transcript {
    pub staff_id: String,
    pub name: String,
    pub branch: String,
    pub branch_name: String,
    pub category: Category,
    pub year: i32,
    pub items: Vec<Item>,
    pub subtotals: Subtotals,
    /// Online hours as recorded, before the cap.
    pub online_recorded: Hours,
    pub online_cap: Option<Hours>,
    pub total: Hours,
    /// Months of the year the learner was enrolled (the requirement is prorated by them).
    pub active_months: i64,
    pub required: Hours,
    pub met: bool,
    /// The year month by month: whether enrolled and required, and under which category and
    /// branch (SPEC v2: the requirement is the sum of the required months').
    pub months: Vec<MonthLine>,
    /// The learner's dated history in this year: joining, leaving, returning, category changes,
    /// moves, exemptions.
    pub history: Vec<HistoryItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthLine {
    pub month: u32,
    pub enrolled: bool,
    pub required: bool,
    /// In force on the month's last enrolled day; none when not enrolled.
    pub category: Option<Category>,
    pub branch: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HistoryItem {
    /// None: from the start.
    pub date: Option<String>,
    pub event: &'static str,
    pub detail: String,
}

/// Hours by kind, as the year report's columns (online after the cap).
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Subtotals {
    pub theory: Hours,
    pub extension: Hours,
    pub topic: Hours,
    pub online: Hours,
    pub assessment: Hours,
}

impl From<&Totals> for Subtotals {
    fn from(t: &Totals) -> Subtotals {
        Subtotals {
            theory: t.theory,
            extension: t.extension,
            topic: t.topic,
            online: t.online,
            assessment: t.assessment,
        }
    }
}

/// What an item is, as the year report's columns count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemKind {
    Theory,
    Extension,
    Topic,
    Assessment,
    Online,
}

impl From<CourseKind> for ItemKind {
    fn from(k: CourseKind) -> ItemKind {
        match k {
            CourseKind::Theory => ItemKind::Theory,
            CourseKind::Extension => ItemKind::Extension,
            CourseKind::Topic => ItemKind::Topic,
        }
    }
}

impl From<ItemKind> for (&'static str, &'static str) {
    fn from(k: ItemKind) -> Self {
        match k {
            ItemKind::Theory => ("theory", "党性教育基本课"),
            ItemKind::Extension => ("extension", "拓展课"),
            ItemKind::Topic => ("topic", "专题课"),
            ItemKind::Assessment => ("assessment", "考核"),
            ItemKind::Online => ("online", "线上自学"),
        }
    }
}

/// One credited item. Fields that do not apply to its kind are left out of the JSON.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub date: String,
    pub kind: ItemKind,
    /// The course, the assessment, or the online platform (empty when none was given).
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// A session's own hours, where a record may be credited fewer (left early).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_hours: Option<Hours>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assessment: Option<AssessmentKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<Fixed>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub award: Option<Award>,
    /// Set on the one line that takes off the online hours above the yearly cap.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cap: Option<Hours>,
    pub hours: Hours,
}

impl Item {
    fn new(date: String, kind: ItemKind, title: String, hours: Hours) -> Item {
        Item {
            date,
            kind,
            title,
            status: None,
            session_hours: None,
            assessment: None,
            score: None,
            award: None,
            cap: None,
            hours,
        }
    }
}

/// 1 January and 31 December of `year`; a year chrono cannot hold is a usage error.
pub fn year_bounds(year: i32) -> Result<(NaiveDate, NaiveDate)> {
    let day = |m, d| NaiveDate::from_ymd_opt(year, m, d).ok_or_else(|| Error::usage(Msg::YearOutOfRange { year }));
    Ok((day(1, 1)?, day(12, 31)?))
}

/// The transcript from its data: no database, so that it is tested on plain values. Each item is
/// credited and the year judged by the rules of `credit` alone.
pub fn from_data(data: TranscriptData) -> Transcript {
    let TranscriptData { year, rules, learner, branches, sessions, results, online } = data;
    let (year_start, year_end) = year_bounds(year).expect("the data's year is valid");
    let mut totals = Totals::default();
    let mut items = Vec::with_capacity(sessions.len() + results.len() + online.len() + 1);
    for s in sessions {
        let hours = session_credit(s.status, s.own, s.session_hours);
        totals.add_session(s.kind, s.status, hours);
        let mut item = Item::new(s.date, s.kind.into(), s.title, hours);
        item.status = Some(s.status);
        item.session_hours = Some(s.session_hours);
        items.push(item);
    }
    for r in results {
        let hours = r.rule.credit(r.score, r.award);
        totals.assessment += hours;
        let mut item = Item::new(r.date, ItemKind::Assessment, r.title, hours);
        item.assessment = Some(r.rule.kind);
        item.score = r.score;
        item.award = r.award;
        items.push(item);
    }
    let mut online_recorded = Fixed(0);
    for o in online {
        online_recorded += o.hours;
        items.push(Item::new(o.date, ItemKind::Online, o.source, o.hours));
    }
    // By date; within a day sessions, then assessments, then online rows (the stable sort keeps
    // the order they were read in).
    items.sort_by(|a, b| a.date.cmp(&b.date));
    totals.online = rules.cap_online(online_recorded);
    if totals.online < online_recorded {
        // One line takes off what the cap does not count, so that the items add up to the total.
        let mut cap = Item::new(date::iso(year_end), ItemKind::Online, String::new(), totals.online - online_recorded);
        cap.cap = rules.online_cap;
        items.push(cap);
    }
    let active_months = learner.life.enrolled_months(year, 12);
    // Judged by the one rule of met (credit::Rules::standing).
    let standing = rules.standing(&learner.life, &totals, 12);
    let required = standing.required;
    // Shown where the year report shows them: as on their last enrolled day of the year.
    let (category, branch_id) =
        learner.life.placement(year_end).unwrap_or((learner.life.category_now(), learner.life.branch_now()));
    let branch = branches.get(&branch_id).cloned().unwrap_or(Branch { code: String::new(), name: String::new() });
    let code = |id: i64| branches.get(&id).map_or_else(|| id.to_string(), |b| b.code.clone());
    let months = (1..=12)
        .map(|m| {
            let state = learner.life.month(year, m);
            let last = state.and_then(|_| learner.life.last_enrolled_day(date::month_end(year, m)));
            MonthLine {
                month: m,
                enrolled: state.is_some(),
                required: state.is_some_and(|s| s.required),
                category: state.map(|s| s.category),
                branch: last.map(|d| code(learner.life.branch_on(d))),
            }
        })
        .collect();
    let history = store::lives::history(&learner.life)
        .into_iter()
        .filter(|h| match &h.what {
            store::lives::Event::Exempt { to, .. } => h.day.is_none_or(|d| d <= year_end) && *to >= year_start,
            _ => h.day.is_some_and(|d| year_start <= d && d <= year_end),
        })
        .map(|h| {
            let (event, detail) = match h.what {
                store::lives::Event::Joined => ("joined", String::new()),
                store::lives::Event::Left => ("left", String::new()),
                store::lives::Event::Returned => ("returned", String::new()),
                store::lives::Event::Category(c) => ("category", c.code().to_string()),
                store::lives::Event::Branch(b) => ("branch", code(b)),
                store::lives::Event::Exempt { to, reason } => (
                    "exempt",
                    format!(
                        "{}{}",
                        date::iso(to),
                        if reason.is_empty() { String::new() } else { format!(" {reason}") }
                    ),
                ),
            };
            HistoryItem { date: h.day.map(date::iso), event, detail }
        })
        .collect();
    Transcript {
        staff_id: learner.staff_id,
        name: learner.name,
        branch: branch.code,
        branch_name: branch.name,
        category,
        year,
        items,
        subtotals: Subtotals::from(&totals),
        online_recorded,
        online_cap: rules.online_cap,
        total: totals.total(),
        active_months,
        required,
        met: standing.met,
        months,
        history,
    }
}

impl Transcript {
    /// The printable form: the items (the main table, the one a CSV holds), then the subtotals.
    pub fn document(&self, lang: Lang) -> Document {
        let title = match lang {
            Lang::Zh => format!("{}年度学时档案：{}（{}）", self.year, self.name, self.staff_id),
            Lang::En => format!("Credit hours {}: transcript of {} ({})", self.year, self.name, self.staff_id),
        };
        let mut lines = vec![match lang {
            Lang::Zh => format!("支部：{}（{}）；人员类别：{}。", self.branch_name, self.branch, self.category.zh()),
            Lang::En => format!("Branch: {} ({}); category: {}.", self.branch_name, self.branch, self.category.code()),
        }];
        // Not enrolled that year: outside the year's report, neither met nor not.
        lines.push(match lang {
            Lang::Zh if self.active_months == 0 => format!("合计 {} 学时。", self.total),
            Lang::En if self.active_months == 0 => format!("Total {} hours.", self.total),
            Lang::Zh => format!(
                "合计 {} 学时，应修 {} 学时，{}。",
                self.total,
                self.required,
                if self.met { "已达标" } else { "未达标" }
            ),
            Lang::En => format!(
                "Total {} hours against {} required: {}.",
                self.total,
                self.required,
                if self.met { "met" } else { "not met" }
            ),
        });
        if self.active_months < 12 {
            lines.push(match (lang, self.active_months) {
                (Lang::Zh, 0) => format!("{}年不在籍，无学时要求。", self.year),
                (Lang::Zh, n) => format!("{}年在籍 {n} 个月，应修学时按月折算。", self.year),
                (Lang::En, 0) => format!("Not enrolled in {}: nothing is required.", self.year),
                (Lang::En, n) => format!("Enrolled {n} months of {}: the requirement is prorated.", self.year),
            });
        }
        if let (Some(cap), true) = (self.online_cap, self.subtotals.online < self.online_recorded) {
            lines.push(match lang {
                Lang::Zh => format!("线上自学记录 {} 学时，按年度上限计 {} 学时。", self.online_recorded, cap),
                Lang::En => {
                    format!("Online study recorded {} hours; {} count (the yearly cap).", self.online_recorded, cap)
                }
            });
        }
        let items = Table {
            title: lang.pick("Items", "学时明细").to_string(),
            columns: lang.labels(&[
                ("Date", "日期"),
                ("Kind", "类型"),
                ("Title", "名称"),
                ("Detail", "情况"),
                ("Hours", "学时"),
            ]),
            rows: self
                .items
                .iter()
                .map(|i| {
                    let title = match i.cap {
                        Some(cap) => match lang {
                            Lang::Zh => format!("线上自学年度上限 {cap} 学时"),
                            Lang::En => format!("online cap of {cap} hours a year"),
                        },
                        None if i.title.is_empty() && i.kind == ItemKind::Online => {
                            lang.pick("online study", "线上自学").to_string()
                        }
                        None => i.title.clone(),
                    };
                    vec![
                        Cell::text(&i.date),
                        Cell::word(i.kind),
                        Cell::Text(title),
                        Cell::Text(detail(i, lang)),
                        Cell::Hours(i.hours),
                    ]
                })
                .collect(),
        };
        let s = &self.subtotals;
        let subtotals = Table {
            title: lang.pick("Subtotals", "分类小计").to_string(),
            columns: lang.labels(&[("Kind", "类型"), ("Hours", "学时")]),
            rows: [
                (ItemKind::Theory, s.theory),
                (ItemKind::Extension, s.extension),
                (ItemKind::Topic, s.topic),
                (ItemKind::Assessment, s.assessment),
                (ItemKind::Online, s.online),
            ]
            .into_iter()
            .map(|(k, h)| vec![Cell::word(k), Cell::Hours(h)])
            .chain([
                vec![Cell::text(lang.pick("Total", "合计")), Cell::Hours(self.total)],
                vec![Cell::text(lang.pick("Required", "应修")), Cell::Hours(self.required)],
            ])
            .collect(),
        };
        Document { title, lines, tables: vec![items, subtotals, self.months_table(lang)], ..Document::default() }
    }
}

impl Transcript {
    /// The months in runs of the same state, each beside the history lines that fall in it.
    fn months_table(&self, lang: Lang) -> Table {
        let runs = self.months.chunk_by(|a, b| {
            (a.enrolled, a.required, a.category, &a.branch) == (b.enrolled, b.required, b.category, &b.branch)
        });
        let rows = runs
            .map(|run| {
                let (first, last) = (run[0].month, run[run.len() - 1].month);
                let span = match (lang, first == last) {
                    (Lang::Zh, true) => format!("{first}月"),
                    (Lang::Zh, false) => format!("{first}–{last}月"),
                    (Lang::En, true) => format!("{}-{first:02}", self.year),
                    (Lang::En, false) => format!("{y}-{first:02} – {y}-{last:02}", y = self.year),
                };
                let m = &run[0];
                let state = match (m.enrolled, m.required) {
                    (false, _) => Cell::Word("not enrolled", "不在籍"),
                    (true, false) => Cell::Word("exempt", "免修"),
                    (true, true) => Cell::Word("required", "在籍"),
                };
                let events: Vec<String> = self
                    .history
                    .iter()
                    .filter(|h| {
                        h.date
                            .as_deref()
                            .and_then(|d| d.get(5..7))
                            .and_then(|mm| mm.parse::<u32>().ok())
                            .is_some_and(|mm| first <= mm && mm <= last)
                    })
                    .map(|h| {
                        let day = h.date.as_deref().unwrap_or_default();
                        let detail = match h.event {
                            "category" => {
                                h.detail.parse::<Category>().map_or(h.detail.clone(), |c| c.label(lang).to_string())
                            }
                            _ => h.detail.clone(),
                        };
                        let event = match (lang, h.event) {
                            (Lang::Zh, "joined") => "加入",
                            (Lang::Zh, "left") => "离开",
                            (Lang::Zh, "returned") => "恢复在籍",
                            (Lang::Zh, "category") => "人员类别变为",
                            (Lang::Zh, "branch") => "转入支部",
                            (Lang::Zh, "exempt") => "免修至",
                            (_, e) => e,
                        };
                        format!("{day} {event} {detail}").trim_end().to_string()
                    })
                    .collect();
                vec![
                    Cell::Text(span),
                    state,
                    m.category.map_or(Cell::Blank, Cell::word),
                    m.branch.clone().map_or(Cell::Blank, Cell::Text),
                    Cell::Text(events.join(lang.pick("; ", "；"))),
                ]
            })
            .collect();
        Table {
            title: lang.pick("Enrolment by month", "在籍情况（按月）").to_string(),
            columns: lang.labels(&[
                ("Months", "月份"),
                ("State", "状态"),
                ("Category", "人员类别"),
                ("Branch", "支部"),
                ("History", "变动"),
            ]),
            rows,
        }
    }
}

/// What happened: a session's status; an assessment's kind, score and award; nothing for online.
fn detail(item: &Item, lang: Lang) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(status) = item.status {
        parts.push(status.label(lang).to_string());
    }
    if let Some(of) = item.session_hours.filter(|&of| item.status.is_some_and(Status::attended) && item.hours != of) {
        parts.push(match lang {
            Lang::Zh => format!("计 {} 学时（本课次 {of} 学时）", item.hours),
            Lang::En => format!("{} of {of} hours", item.hours),
        });
    }
    if let Some(kind) = item.assessment {
        parts.push(kind.label(lang).to_string());
    }
    if let Some(score) = item.score {
        parts.push(match lang {
            Lang::Zh => format!("成绩 {score}"),
            Lang::En => format!("score {score}"),
        });
    }
    if let Some(award) = item.award {
        parts.push(award.label(lang).to_string());
    }
    parts.join(lang.pick(", ", "，"))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::credit::{AssessmentRule, Learner, RuleBook, ONLINE_CAP};
    use crate::life::{Dated, Life};
    use crate::store::transcript::{OnlineRecord, ResultRecord, SessionRecord};

    fn h(hundredths: i64) -> Hours {
        Fixed(hundredths)
    }

    fn session(date: &str, kind: CourseKind, status: Status, own: Option<i64>, hours: i64) -> SessionRecord {
        SessionRecord {
            date: date.into(),
            title: format!("{kind:?}"),
            kind,
            status,
            own: own.map(Fixed),
            session_hours: h(hours),
        }
    }

    /// A member who joined on 1 April and moved to WK1 on 1 July, with an online cap of 12 hours.
    fn data() -> TranscriptData {
        let mut book = RuleBook::default();
        book.rows.push(("member".into(), 0, Some(3200)));
        book.rows.push((ONLINE_CAP.into(), 0, Some(1200)));
        let mut life = Life::simple(Category::Member, 1, crate::date::parse("2024-04-01"), None);
        life.branches.push(Dated { from: crate::date::parse("2024-07-01"), value: 2 });
        let quiz = AssessmentRule {
            kind: AssessmentKind::Quiz,
            hours: h(200),
            pass_mark: h(6000),
            bonus: [h(100), h(50), h(25), h(10)],
        };
        TranscriptData {
            year: 2024,
            rules: book.year(2024),
            learner: Learner { id: 7, staff_id: "0007".into(), name: "王芳".into(), life },
            branches: HashMap::from([
                (1, Branch { code: "NK1".into(), name: "内科一支部".into() }),
                (2, Branch { code: "WK1".into(), name: "外科一支部".into() }),
            ]),
            sessions: vec![
                session("2024-04-10", CourseKind::Theory, Status::Present, None, 300),
                session("2024-05-10", CourseKind::Extension, Status::Late, Some(150), 200),
                session("2024-06-10", CourseKind::Topic, Status::Absent, None, 200),
            ],
            results: vec![ResultRecord {
                date: "2024-06-20".into(),
                title: "党章测验".into(),
                rule: quiz,
                score: Some(h(8000)),
                award: Some(Award::First),
            }],
            online: vec![
                OnlineRecord { date: "2024-09-30".into(), source: "学习强国".into(), hours: h(1000) },
                OnlineRecord { date: "2024-12-31".into(), source: "网院".into(), hours: h(800) },
            ],
        }
    }

    #[test]
    fn items_are_credited_capped_and_judged_without_a_database() {
        let t = from_data(data());
        let hours: Vec<_> = t.items.iter().map(|i| (i.date.as_str(), i.kind, i.hours)).collect();
        assert_eq!(
            hours,
            [
                ("2024-04-10", ItemKind::Theory, h(300)),
                ("2024-05-10", ItemKind::Extension, h(150)),
                ("2024-06-10", ItemKind::Topic, h(0)),
                ("2024-06-20", ItemKind::Assessment, h(300)),
                ("2024-09-30", ItemKind::Online, h(1000)),
                ("2024-12-31", ItemKind::Online, h(800)),
                ("2024-12-31", ItemKind::Online, h(-600)),
            ]
        );
        assert_eq!(t.items.last().unwrap().cap, Some(h(1200)), "the last line takes off what the cap does not count");
        let s = t.subtotals;
        assert_eq!([s.theory, s.extension, s.topic, s.assessment, s.online], [h(300), h(150), h(0), h(300), h(1200)]);
        assert_eq!((t.online_recorded, t.total), (h(1800), h(1950)));
        // Enrolled April to December: 32 × 9/12 = 24 hours, not reached.
        assert_eq!((t.active_months, t.required, t.met), (9, h(2400), false));
        let lines = t.document(Lang::Zh).lines;
        assert!(lines.iter().any(|l| l == "合计 19.5 学时，应修 24 学时，未达标。"), "{lines:?}");
        // A year they were not enrolled in: no requirement, and so neither met nor missed.
        let mut away = t.clone();
        away.active_months = 0;
        let lines = away.document(Lang::Zh).lines;
        assert!(
            lines.iter().any(|l| l == "合计 19.5 学时。") && !lines.iter().any(|l| l.contains("达标")),
            "{lines:?}"
        );
    }

    #[test]
    fn months_and_history_follow_the_dated_life() {
        let t = from_data(data());
        assert_eq!((t.branch.as_str(), t.branch_name.as_str()), ("WK1", "外科一支部"), "placed on the last day");
        let months: Vec<_> = t.months.iter().map(|m| (m.month, m.enrolled, m.branch.as_deref())).collect();
        assert_eq!(months[2], (3, false, None));
        assert_eq!(months[3], (4, true, Some("NK1")));
        assert_eq!(months[6], (7, true, Some("WK1")));
        let history: Vec<_> = t.history.iter().map(|e| (e.date.as_deref(), e.event, e.detail.as_str())).collect();
        assert_eq!(history, [(Some("2024-04-01"), "joined", ""), (Some("2024-07-01"), "branch", "WK1")]);
    }
}
