//! What every report builds to be printed: a `Document` of titled tables of typed cells. It says
//! what is shown, never how; `render` and its siblings decide how each format shows it.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::hours::Hours;
use crate::Lang;

/// One cell of a table, typed so that every format can show it its own way.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    Hours(Hours),
    /// A ratio 0..1, shown as a percentage.
    Ratio(f64),
    Bool(bool),
    /// A word of a fixed vocabulary: its code (in JSON and English) and its Chinese name.
    Word(&'static str, &'static str),
    Blank,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// The cell as plain text in a language (no escaping).
    pub fn display(&self, lang: Lang) -> String {
        let mut out = String::new();
        self.write(&mut out, lang);
        out
    }

    /// Appends the cell's plain text (`display`) to `out`, without a string of its own: the
    /// writers of fifty thousand rows call this for every cell.
    pub fn write(&self, out: &mut String, lang: Lang) {
        use std::fmt::Write;
        match self {
            Cell::Text(s) => out.push_str(s),
            // Writing to a String cannot fail.
            Cell::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Cell::Hours(h) => push_hours(out, *h),
            Cell::Ratio(r) => {
                let _ = write!(out, "{:.1}%", r * 100.0);
            }
            Cell::Bool(_) | Cell::Word(..) => out.push_str(self.word_text(lang).unwrap_or_default()),
            Cell::Blank => {}
        }
    }

    /// The text of a cell that is a fixed word (a vocabulary word, yes or no), if it is one.
    pub fn word_text(&self, lang: Lang) -> Option<&'static str> {
        match *self {
            Cell::Bool(b) => Some(lang.pick(if b { "yes" } else { "no" }, if b { "是" } else { "否" })),
            Cell::Word(code, zh) => Some(lang.pick(code, zh)),
            _ => None,
        }
    }

    /// A vocabulary word (category, kind, mode, status, award).
    pub fn word<W: Copy + Into<(&'static str, &'static str)>>(w: W) -> Cell {
        let (code, zh) = w.into();
        Cell::Word(code, zh)
    }

    pub fn is_number(&self) -> bool {
        matches!(self, Cell::Int(_) | Cell::Hours(_) | Cell::Ratio(_))
    }
}

/// Hours with two decimals (`18.50`), from the integer hundredths: the same text as formatting
/// the number as a float with two places, which is exact for hundredths, at a fraction of the cost.
pub fn push_hours(out: &mut String, h: Hours) {
    let v = h.0;
    if v < 0 {
        out.push('-');
    }
    let v = v.unsigned_abs();
    let mut digits = [0u8; 24];
    let mut at = digits.len();
    let mut rest = v;
    // Two decimals, the point, then the whole part (at least one digit).
    for k in 0.. {
        at -= 1;
        if k == 2 {
            digits[at] = b'.';
            continue;
        }
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if k > 2 && rest == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&digits[at..]).expect("ASCII digits"));
}

/// A titled table.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// A report ready to print: a title, lines of summary, tables. The first table is the main one
/// (the one a CSV holds).
#[derive(Debug, Clone, Default)]
pub struct Document {
    pub title: String,
    pub lines: Vec<String>,
    pub tables: Vec<Table>,
    /// Lines after the tables (a notice's date of issue, say).
    pub footer: Vec<String>,
    /// A bar chart for the HTML page: its title and (label, ratio 0..1) bars.
    pub chart: Option<(String, Vec<(String, f64)>)>,
    /// The order of the tables as workbook sheets, by index (a summary sheet first, say);
    /// empty: as in `tables`.
    pub sheets: Vec<usize>,
    /// The main table's columns that matter most, by index, for a terminal too narrow for all of
    /// them: these are shown, then the others from the left as far as they fit, and a line under
    /// the table names the rest and where to see them (`--format csv`, `--out FILE.xlsx`: only a
    /// report that writes those may name columns here). Empty: the table is shown whole, its long
    /// texts cut short if need be.
    pub narrow: Vec<usize>,
}

/// `--format` and `--out`, which every listing and report takes.
#[derive(Debug, Args, Clone, Default)]
pub struct Output {
    /// Output format [default: from the extension of --out, else a table (a notice: text)]
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write to this file instead of standard output
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Text,
    Csv,
    Json,
    Md,
    Xlsx,
    Html,
}

impl Format {
    /// A listing's formats, and the year report's and the table of schools'.
    pub const LISTING: &'static [Format] =
        &[Format::Table, Format::Csv, Format::Json, Format::Md, Format::Xlsx, Format::Html];
    /// A learner's transcript.
    pub const TRANSCRIPT: &'static [Format] = &[Format::Table, Format::Csv, Format::Json, Format::Md];
    /// A notice: text ready to post.
    pub const NOTICE: &'static [Format] = &[Format::Text, Format::Md, Format::Json, Format::Html];

    /// The formats of the command at `path` (`report learner`), which its `--help` lists.
    pub fn of_command(path: &str) -> &'static [Format] {
        match path {
            "notice" => Format::NOTICE,
            "report learner" => Format::TRANSCRIPT,
            _ => Format::LISTING,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hours::Fixed;

    #[test]
    fn hours_are_written_as_a_float_with_two_places_would_be() {
        let mut out = String::new();
        for v in (-1200..=120_000).chain([i64::from(i32::MAX), 123_456_789_012]) {
            out.clear();
            push_hours(&mut out, Fixed(v));
            assert_eq!(out, format!("{:.2}", Fixed(v).as_f64()), "{v}");
        }
    }
}
