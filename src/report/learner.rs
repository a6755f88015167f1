//! A learner's transcript: every credited item of a year, with subtotals and the requirement.
//! Each item's hours come from the rule functions of `credit`, so that the transcript and the
//! year report cannot disagree.

use chrono::NaiveDate;
use rusqlite::{params, Connection, Transaction};
use serde::Serialize;

use super::document::{Format, Output};
use super::render::{self, Cell, Document, Table};
use crate::credit::session_credit;
use crate::date;
use crate::error::{Error, Result};
use crate::hours::{Fixed, Hours};
use crate::model::{AssessmentKind, Award, Category, CourseKind, Status};
use crate::store;
use crate::store::ledger::stored;
use crate::store::lookup;
use crate::{Ctx, Lang};

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

/// Hours by kind, as the year report's columns.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Subtotals {
    pub theory: Hours,
    pub extension: Hours,
    pub topic: Hours,
    pub online: Hours,
    pub assessment: Hours,
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

pub fn run(ctx: &Ctx, tx: &Transaction, staff_id: &str, year: Option<i32>, output: &Output) -> Result<()> {
    let format = render::choose(output, Format::Table, &[Format::Table, Format::Csv, Format::Json, Format::Md])?;
    let transcript = build(tx, staff_id, year.unwrap_or_else(|| ctx.default_year()))?;
    render::emit(&transcript, || transcript.document(ctx.lang), format, output, ctx.lang)
}

/// Builds the transcript of the learner with `staff_id` for `year`; a staff id that lost its
/// leading zeros finds its learner as everywhere else.
pub fn build(conn: &Connection, staff_id: &str, year: i32) -> Result<Transcript> {
    let t = staff_id.trim();
    let id = lookup::learner(conn, t)?;
    let learner = store::lives::learner(conn, id)?
        .ok_or_else(|| Error::invalid(crate::msg::Msg::NotAKnownLearner { staff_id: t.to_string() }))?;
    let year_end = year_day(year, 12, 31)?;
    let (from, to) = (date::iso(year_day(year, 1, 1)?), date::iso(year_end));
    let rules = store::ledger::rules(conn, year)?;
    let mut items = Vec::new();

    let mut stmt = conn.prepare(
        "SELECT s.date, c.title, c.kind, a.status, a.hours, s.hours
         FROM attendance a JOIN session s ON s.id = a.session_id JOIN course c ON c.id = s.course_id
         WHERE a.learner_id = ?1 AND s.date BETWEEN ?2 AND ?3 ORDER BY s.date, s.id",
    )?;
    let mut rows = stmt.query(params![learner.id, from, to])?;
    while let Some(r) = rows.next()? {
        let kind: CourseKind = stored(&r.get::<_, String>(2)?)?;
        let status: Status = stored(&r.get::<_, String>(3)?)?;
        let session_hours = Fixed(r.get(5)?);
        let hours = session_credit(status, r.get::<_, Option<i64>>(4)?.map(Fixed), session_hours);
        let mut item = Item::new(r.get(0)?, kind.into(), r.get(1)?, hours);
        item.status = Some(status);
        item.session_hours = Some(session_hours);
        items.push(item);
    }

    let mut stmt = conn.prepare(
        "SELECT a.date, a.title, a.kind, a.hours, a.pass_mark, a.first, a.second, a.third, a.merit, r.score, r.award
         FROM result r JOIN assessment a ON a.id = r.assessment_id
         WHERE r.learner_id = ?1 AND a.date BETWEEN ?2 AND ?3 ORDER BY a.date, a.id",
    )?;
    let mut rows = stmt.query(params![learner.id, from, to])?;
    while let Some(r) = rows.next()? {
        let (rule, score, award) = store::ledger::assessment_result(r, 2)?;
        let mut item = Item::new(r.get(0)?, ItemKind::Assessment, r.get(1)?, rule.credit(score, award));
        item.assessment = Some(rule.kind);
        item.score = score;
        item.award = award;
        items.push(item);
    }

    let mut stmt = conn.prepare(
        "SELECT COALESCE(to_date, date), source, hours FROM online
         WHERE learner_id = ?1 AND COALESCE(to_date, date) BETWEEN ?2 AND ?3 ORDER BY 1, source",
    )?;
    let mut rows = stmt.query(params![learner.id, from, to])?;
    while let Some(r) = rows.next()? {
        items.push(Item::new(r.get(0)?, ItemKind::Online, r.get(1)?, Fixed(r.get(2)?)));
    }
    // By date; within a day sessions, then assessments, then online rows (the stable sort keeps
    // the order they were read in).
    items.sort_by(|a, b| a.date.cmp(&b.date));

    let mut sub = Subtotals::default();
    for item in &items {
        match item.kind {
            ItemKind::Theory => sub.theory += item.hours,
            ItemKind::Extension => sub.extension += item.hours,
            ItemKind::Topic => sub.topic += item.hours,
            ItemKind::Assessment => sub.assessment += item.hours,
            ItemKind::Online => sub.online += item.hours,
        }
    }
    let online_recorded = sub.online;
    sub.online = rules.cap_online(online_recorded);
    if sub.online < online_recorded {
        // One line takes off what the cap does not count, so that the items add up to the total.
        let mut cap = Item::new(to.clone(), ItemKind::Online, String::new(), sub.online - online_recorded);
        cap.cap = rules.online_cap;
        items.push(cap);
    }
    let total = sub.theory + sub.extension + sub.topic + sub.online + sub.assessment;
    let active_months = learner.life.enrolled_months(year, 12);
    // Judged by the one rule of met (credit::Rules::standing), on the totals computed above.
    let totals = crate::credit::Totals {
        theory: sub.theory,
        extension: sub.extension,
        topic: sub.topic,
        online: sub.online,
        assessment: sub.assessment,
        ..Default::default()
    };
    let standing = rules.standing(&learner.life, &totals, 12);
    let required = standing.required;
    // Shown where the year report shows them: as on their last enrolled day of the year.
    let (category, branch_id) =
        learner.life.placement(year_end).unwrap_or((learner.life.category_now(), learner.life.branch_now()));
    let branch = store::lives::branches(conn)?
        .remove(&branch_id)
        .unwrap_or(store::lives::Branch { code: String::new(), name: String::new() });
    let branches = store::lives::branches(conn)?;
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
    let year_start = year_day(year, 1, 1)?;
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
    Ok(Transcript {
        staff_id: learner.staff_id,
        name: learner.name,
        branch: branch.code,
        branch_name: branch.name,
        category,
        year,
        items,
        subtotals: sub,
        online_recorded,
        online_cap: rules.online_cap,
        total,
        active_months,
        required,
        met: standing.met,
        months,
        history,
    })
}

fn year_day(year: i32, month: u32, day: u32) -> Result<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| Error::usage(crate::msg::Msg::YearOutOfRange { year }))
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
        lines.push(match lang {
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
                            (Lang::Zh, "returned") => "返回",
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
