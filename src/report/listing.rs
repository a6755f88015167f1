//! A listing: the rows of one kind of record (branches, sessions, the audit log) as one table,
//! printed in any format; in JSON, a list of objects keyed by the columns' keys.

use serde_json::{Map, Value as Json};

use super::document::{Cell, Document, Format, Output, Table};
use super::render;
use crate::error::Result;
use crate::Lang;

/// A listing: one table, printed in any format; in JSON, a list of objects keyed by `keys`.
pub struct Listing {
    pub title: (&'static str, &'static str),
    /// (JSON key, English header, Chinese header)
    pub columns: &'static [(&'static str, &'static str, &'static str)],
    /// The columns a terminal too narrow for all of them shows (the others are named under the
    /// table); none: each row as a block of lines instead.
    pub narrow: &'static [usize],
    pub rows: Vec<Vec<Cell>>,
}

impl Listing {
    pub fn emit(self, output: &Output, lang: Lang) -> Result<()> {
        self.emit_with(output, lang, String::new(), None)
    }

    /// The rows as JSON: a list of objects keyed by the columns' keys.
    pub fn json(&self) -> Json {
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
    }

    /// With a heading above the table (not in csv), and in JSON `json` instead of the rows.
    pub fn emit_with(self, output: &Output, lang: Lang, heading: String, json: Option<Json>) -> Result<()> {
        let format = render::choose(output, Format::Table, Format::LISTING)?;
        let json = json.unwrap_or_else(|| self.json());
        let doc = || Document {
            title: heading,
            tables: vec![Table {
                title: lang.pick(self.title.0, self.title.1).to_string(),
                columns: self.columns.iter().map(|(_, en, zh)| lang.pick(en, zh).to_string()).collect(),
                rows: self.rows,
            }],
            narrow: self.narrow.to_vec(),
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
