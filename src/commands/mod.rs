//! One `run` per command group; this module dispatches and holds what they share.

mod admin;
mod audit;
pub mod events;
mod learner;
mod rules;
mod school;

use serde_json::{Map, Value as Json};

use crate::cli::{Command, Format, Output};
use crate::error::{Error, Result};
use crate::hours::{AmountError, Fixed, MAX_ROW_HOURS};
use crate::report::render::{self, Cell, Document, Table};
use crate::{Ctx, Lang};

pub fn run(ctx: &Ctx, command: Command) -> Result<()> {
    match command {
        Command::Init => admin::init(ctx),
        Command::Demo => crate::demo::run(ctx),
        Command::Branch(c) => school::branch(ctx, c),
        Command::Learner(c) => learner::learner(ctx, c),
        Command::Course(c) => school::course(ctx, c),
        Command::Session(c) => events::session(ctx, c),
        Command::Attend(a) => events::attend(ctx, a),
        Command::Assessment(c) => events::assessment(ctx, c),
        Command::Result(c) => events::result(ctx, c),
        Command::Online(c) => events::online(ctx, c),
        Command::Import(a) => crate::import::run(ctx, a),
        Command::Imports(c) => crate::import::batch::run(ctx, c),
        Command::Report(c) => crate::report::run(ctx, c),
        Command::Notice(a) => crate::report::notice::run(ctx, a),
        Command::Rules(c) => rules::rules(ctx, c),
        Command::Year(c) => rules::year(ctx, c),
        Command::Backup { file } => admin::backup(ctx, &file),
        Command::Check => admin::check(ctx),
        Command::Gen(a) => crate::gen::run(&a),
        Command::Audit(a) => audit::audit(ctx, a),
        Command::Completions { shell } => audit::completions(shell),
    }
}

/// Hours given on the command line: not a number at all is a usage error (exit 2); a number
/// the rules forbid (negative, three places, over 24) is invalid data (exit 65).
pub fn hours_arg(flag: &str, text: &str) -> Result<Fixed> {
    amount_arg(flag, text, MAX_ROW_HOURS)
}

pub fn amount_arg(flag: &str, text: &str, max: i64) -> Result<Fixed> {
    Fixed::parse_max(text, max).map_err(|e| match e {
        AmountError::NotANumber => Error::usage(format!("{flag}: {text:?} is not a number")),
        other => Error::invalid(format!("{flag}: {text:?} {other}")),
    })
}

/// A listing: one table, printed in any format; in JSON, a list of objects keyed by `keys`.
pub struct Listing {
    pub title: (&'static str, &'static str),
    /// (JSON key, English header, Chinese header)
    pub columns: &'static [(&'static str, &'static str, &'static str)],
    pub rows: Vec<Vec<Cell>>,
}

impl Listing {
    pub fn emit(self, output: &Output, lang: Lang) -> Result<()> {
        self.emit_with(output, lang, String::new(), None)
    }

    /// With a heading above the table (not in csv), and in JSON `json` instead of the rows.
    pub fn emit_with(self, output: &Output, lang: Lang, heading: String, json: Option<Json>) -> Result<()> {
        let format = render::choose(
            output,
            Format::Table,
            &[Format::Table, Format::Csv, Format::Json, Format::Md, Format::Xlsx, Format::Html],
        )?;
        let json = json.unwrap_or_else(|| {
            Json::Array(
                self.rows
                    .iter()
                    .map(|row| {
                        let mut m = Map::new();
                        for ((key, _, _), cell) in self.columns.iter().zip(row) {
                            m.insert((*key).to_string(), cell_json(cell));
                        }
                        Json::Object(m)
                    })
                    .collect(),
            )
        });
        let doc = || Document {
            title: heading,
            tables: vec![Table {
                title: lang.pick(self.title.0, self.title.1).to_string(),
                columns: self.columns.iter().map(|(_, en, zh)| lang.pick(en, zh).to_string()).collect(),
                rows: self.rows,
            }],
            ..Document::default()
        };
        render::emit(&json, doc, format, output, lang)
    }
}

fn cell_json(cell: &Cell) -> Json {
    match cell {
        Cell::Text(s) => Json::from(s.as_str()),
        Cell::Int(i) => Json::from(*i),
        Cell::Hours(h) => Json::from(h.as_f64()),
        Cell::Ratio(r) => Json::from(*r),
        Cell::Bool(b) => Json::from(*b),
        Cell::Word(code, _) => Json::from(*code),
        Cell::Blank => Json::Null,
    }
}

/// At most ten items of a list, for a message: `4, 9, 12`, or `1, 2, …, 10 and 5 more`.
pub fn some<T: std::fmt::Display>(items: &[T]) -> String {
    const SHOWN: usize = 10;
    let shown: Vec<String> = items.iter().take(SHOWN).map(ToString::to_string).collect();
    match items.len().checked_sub(SHOWN) {
        Some(more) if more > 0 => format!("{} and {more} more", shown.join(", ")),
        _ => shown.join(", "),
    }
}

/// "1 session", "3 sessions".
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The records that hold another, for a refusal: `3 sessions (ids 4, 9, 12)`, `1 result (staff id
/// 0001)`; `noun` and `label` are (singular, plural).
pub fn holders<T: std::fmt::Display>(items: &[T], noun: (&str, &str), label: (&str, &str)) -> String {
    let label = if items.len() == 1 { label.0 } else { label.1 };
    format!("{} ({label} {})", count(items.len(), noun.0, noun.1), some(items))
}

/// "it" or "them", for `n` records.
pub fn them(n: usize) -> &'static str {
    if n == 1 {
        "it"
    } else {
        "them"
    }
}

/// A session's hours: at most 24 a day of the `days` it lasts.
pub fn session_hours_arg(flag: &str, text: &str, days: i64) -> Result<Fixed> {
    amount_arg(flag, text, MAX_ROW_HOURS * days).map_err(|e| match e {
        Error::Invalid(mut p) if days == 1 && p.len() == 1 => {
            p[0].message.push_str(" (a session of several days takes --days N: at most 24 hours a day)");
            Error::Invalid(p)
        }
        other => other,
    })
}

/// A stored vocabulary code as a cell (shown in the report's language).
pub fn word<W>(code: &str) -> Cell
where
    W: std::str::FromStr + Copy + Into<(&'static str, &'static str)>,
{
    code.parse::<W>().map_or_else(|_| Cell::Text(code.to_string()), Cell::word)
}

/// A text column that may be NULL.
pub fn opt_text(v: Option<String>) -> Cell {
    v.map_or(Cell::Blank, Cell::Text)
}

/// The summary of a write: `3 new, 1 unchanged, 0 updated`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub new: i64,
    pub unchanged: i64,
    pub updated: i64,
}

impl Counts {
    pub fn add(&mut self, put: &crate::store::Put) {
        match put {
            crate::store::Put::New => self.new += 1,
            crate::store::Put::Unchanged => self.unchanged += 1,
            crate::store::Put::Updated => self.updated += 1,
            _ => {}
        }
    }

    pub fn summary(&self) -> String {
        format!("{} new, {} unchanged, {} updated", self.new, self.unchanged, self.updated)
    }
}
