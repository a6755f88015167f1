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
use crate::msg::Msg;
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
        Command::Gen(a) => crate::gen::run(&a, ctx.lang),
        Command::Audit(a) => audit::audit(ctx, a),
        Command::Completions { shell } => audit::completions(shell, ctx.lang),
    }
}

/// Hours given on the command line: not a number at all is a usage error (exit 2); a number
/// the rules forbid (negative, three places, over 24) is invalid data (exit 65).
pub fn hours_arg(flag: &str, text: &str) -> Result<Fixed> {
    amount_arg(flag, text, MAX_ROW_HOURS)
}

pub fn amount_arg(flag: &str, text: &str, max: i64) -> Result<Fixed> {
    amount_arg_hint(flag, text, max, None)
}

/// An amount, with a hint said after a number the rules forbid (`HintSessionDays`).
pub fn amount_arg_hint(flag: &str, text: &str, max: i64, hint: Option<Msg>) -> Result<Fixed> {
    Fixed::parse_max(text, max).map_err(|e| {
        let usage = e == AmountError::NotANumber;
        let message = Msg::Amount {
            flag: flag.to_string(),
            text: text.to_string(),
            why: Box::new(e.into()),
            hint: if usage { None } else { hint.map(Box::new) },
        };
        if usage {
            Error::usage(message)
        } else {
            Error::invalid(message)
        }
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

/// A session's hours: at most 24 a day of the `days` it lasts.
pub fn session_hours_arg(flag: &str, text: &str, days: i64) -> Result<Fixed> {
    amount_arg_hint(flag, text, MAX_ROW_HOURS * days, (days == 1).then_some(Msg::HintSessionDays))
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
}
