//! Renderers: any report, built once as a `Document` (plus its JSON), printed as a terminal
//! table, CSV, Markdown, JSON, HTML or XLSX. Renderers never compute; reports never format.

use std::io::{IsTerminal, Write};
use std::path::Path;

use comfy_table::{
    presets, Cell as TCell, CellAlignment, ColumnConstraint, ContentArrangement, Table as CTable, Width,
};

use crate::cli::{Format, Output};
use crate::error::{Error, Result};
use crate::hours::Hours;
use crate::msg::{IoWhy, Msg};
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
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(i) => i.to_string(),
            Cell::Hours(h) => format!("{:.2}", h.as_f64()),
            Cell::Ratio(r) => format!("{:.1}%", r * 100.0),
            Cell::Bool(b) => lang.pick(if *b { "yes" } else { "no" }, if *b { "是" } else { "否" }).to_string(),
            Cell::Word(code, zh) => lang.pick(code, zh).to_string(),
            Cell::Blank => String::new(),
        }
    }

    /// A vocabulary word (category, kind, mode, status, award).
    pub fn word<W: Copy + Into<(&'static str, &'static str)>>(w: W) -> Cell {
        let (code, zh) = w.into();
        Cell::Word(code, zh)
    }

    fn is_number(&self) -> bool {
        matches!(self, Cell::Int(_) | Cell::Hours(_) | Cell::Ratio(_))
    }
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
}

/// Chooses the format: `--format`, else the extension of `--out`, else the report's default.
pub fn choose(output: &Output, default: Format, supported: &[Format]) -> Result<Format> {
    let format = match (output.format, &output.out) {
        (Some(f), _) => f,
        (None, Some(path)) => match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("csv") => Format::Csv,
            Some("json") => Format::Json,
            Some("md") => Format::Md,
            Some("xlsx") => Format::Xlsx,
            Some("html" | "htm") => Format::Html,
            Some("txt") => default,
            _ => default,
        },
        (None, None) => default,
    };
    if !supported.contains(&format) {
        let names: Vec<String> = supported.iter().map(|f| format!("{f:?}").to_lowercase()).collect();
        return Err(Error::usage(Msg::NoSuchFormat { format: format!("{format:?}").to_lowercase(), has: names }));
    }
    Ok(format)
}

/// Renders `doc` (or `json`) in `format` to `--out` or standard output.
/// JSON comes straight from the report's struct; the printable `Document` is built only for
/// the other formats (a year report may hold fifty thousand learners).
pub fn emit<T: serde::Serialize + ?Sized>(
    report: &T,
    document: impl FnOnce() -> Document,
    format: Format,
    output: &Output,
    lang: Lang,
) -> Result<()> {
    if format == Format::Json {
        let mut bytes =
            serde_json::to_vec_pretty(report).map_err(|e| Error::Other(Msg::OutputFailed { detail: e.to_string() }))?;
        bytes.push(b'\n');
        return write_out(&bytes, output.out.as_deref());
    }
    let doc = document();
    let doc = &doc;
    let bytes = match format {
        Format::Json => unreachable!("written above"),
        // Fit the table to the terminal only when there is one: a pipe or a file gets whole rows.
        Format::Table | Format::Text => {
            terminal(doc, lang, output.out.is_none() && std::io::stdout().is_terminal()).into_bytes()
        }
        Format::Csv => csv(doc.tables.first(), lang)?,
        Format::Md => markdown(doc, lang).into_bytes(),
        Format::Html => super::html::page(doc, lang).into_bytes(),
        Format::Xlsx => super::xlsx::workbook(doc, lang)?,
    };
    write_out(&bytes, output.out.as_deref())
}

/// Writes to the file, or to standard output (a closed pipe ends quietly, in main).
pub fn write_out(bytes: &[u8], out: Option<&Path>) -> Result<()> {
    match out {
        Some(path) => std::fs::write(path, bytes)
            .map_err(|e| Error::Other(Msg::CannotWrite { path: path.display().to_string(), why: IoWhy::from(&e) })),
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(bytes)?;
            stdout.flush()?;
            Ok(())
        }
    }
}

/// Cells up to this many columns wide are never wrapped on a terminal.
const MAX_KEPT: u16 = 12;

/// Terminal columns a text takes: East Asian wide characters (CJK, Hangul, full-width forms)
/// take two.
fn columns_of(text: &str) -> u16 {
    text.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum::<u16>()
}

/// Whether a character takes two columns on a terminal (and about two in a spreadsheet).
pub fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

/// Tables for a terminal: box-drawn, Chinese aligned, fitted to the terminal's width when there
/// is one.
pub fn terminal(doc: &Document, lang: Lang, to_terminal: bool) -> String {
    let mut out = String::new();
    if !doc.title.is_empty() {
        out.push_str(&doc.title);
        out.push_str("\n\n");
    }
    for line in &doc.lines {
        out.push_str(line);
        out.push('\n');
    }
    if !doc.lines.is_empty() {
        out.push('\n');
    }
    for table in &doc.tables {
        if !table.title.is_empty() {
            out.push_str(&table.title);
            out.push('\n');
        }
        let mut t = CTable::new();
        t.load_preset(presets::UTF8_FULL_CONDENSED);
        t.set_header(table.columns.iter().map(TCell::new));
        if to_terminal {
            t.set_content_arrangement(ContentArrangement::Dynamic);
            // Narrow terminals wrap headers and long titles, never a number, a date or a staff id: a
            // table a little too wide reads better than `20.00` broken over lines. (The width
            // counts the cell's padding, one column either side.)
            let widest: Vec<u16> = (0..table.columns.len())
                .map(|i| {
                    table.rows.iter().filter_map(|r| r.get(i)).map(|c| columns_of(&c.display(lang))).max().unwrap_or(0)
                })
                .map(|w| w.min(MAX_KEPT))
                .collect();
            // When even the unbreakable cells do not fit with a space either side (a year report
            // has sixteen columns), the spaces go before any line is allowed to overflow.
            let padded: u16 = widest.iter().map(|w| w + 3).sum::<u16>() + 1;
            let tight = t.width().is_some_and(|width| padded > width);
            let pad = if tight { 0 } else { 2 };
            for (column, w) in t.column_iter_mut().zip(&widest) {
                if tight {
                    column.set_padding((0, 0));
                }
                column.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(w + pad)));
            }
        }
        for row in &table.rows {
            t.add_row(row.iter().map(|c| {
                let cell = TCell::new(c.display(lang));
                if c.is_number() {
                    cell.set_alignment(CellAlignment::Right)
                } else {
                    cell
                }
            }));
        }
        if table.rows.is_empty() {
            out.push_str(lang.pick("(none)", "（无）"));
            out.push('\n');
        } else {
            out.push_str(&t.to_string());
            out.push('\n');
        }
        out.push('\n');
    }
    for line in &doc.footer {
        out.push_str(line);
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// A cell that a spreadsheet would take for a formula gets a leading `'` (SPEC §4).
pub fn defuse(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

/// CSV as Excel opens it: UTF-8 with a BOM, CRLF, formula-safe text cells.
fn csv_failed(e: ::csv::Error) -> Error {
    Error::Other(Msg::OutputFailed { detail: e.to_string() })
}

pub fn csv(table: Option<&Table>, lang: Lang) -> Result<Vec<u8>> {
    let mut buf = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = ::csv::WriterBuilder::new().terminator(::csv::Terminator::CRLF).from_writer(&mut buf);
        if let Some(table) = table {
            w.write_record(table.columns.iter().map(|c| defuse(c))).map_err(csv_failed)?;
            for row in &table.rows {
                w.write_record(row.iter().map(|c| match c {
                    Cell::Text(s) => defuse(s),
                    // A negative number (the online cap's deduction) starts with '-' too.
                    Cell::Hours(h) => defuse(&h.to_string()),
                    Cell::Ratio(r) => format!("{r:.4}"),
                    other => other.display(lang),
                }))
                .map_err(csv_failed)?;
            }
        }
        w.flush()?;
    }
    Ok(buf)
}

/// Markdown: a heading, the summary, pipe tables.
pub fn markdown(doc: &Document, lang: Lang) -> String {
    let esc = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    let mut out = if doc.title.is_empty() { String::new() } else { format!("# {}\n\n", esc(&doc.title)) };
    for line in &doc.lines {
        out.push_str(&format!("{}\n\n", esc(line)));
    }
    for table in &doc.tables {
        if !table.title.is_empty() {
            out.push_str(&format!("## {}\n\n", esc(&table.title)));
        }
        if table.rows.is_empty() {
            out.push_str(lang.pick("(none)\n\n", "（无）\n\n"));
            continue;
        }
        out.push_str(&format!("| {} |\n", table.columns.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | ")));
        let first = table.rows.first();
        let align: Vec<&str> = (0..table.columns.len())
            .map(|i| if first.and_then(|r| r.get(i)).is_some_and(Cell::is_number) { "---:" } else { "---" })
            .collect();
        out.push_str(&format!("| {} |\n", align.join(" | ")));
        for row in &table.rows {
            out.push_str(&format!(
                "| {} |\n",
                row.iter().map(|c| esc(&c.display(lang))).collect::<Vec<_>>().join(" | ")
            ));
        }
        out.push('\n');
    }
    for line in &doc.footer {
        out.push_str(&format!("{}\n\n", esc(line)));
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_defused() {
        assert_eq!(defuse("=1+1"), "'=1+1");
        assert_eq!(defuse("+86"), "'+86");
        assert_eq!(defuse("-x"), "'-x");
        assert_eq!(defuse("@SUM"), "'@SUM");
        assert_eq!(defuse("\tx"), "'\tx");
        assert_eq!(defuse("王伟"), "王伟");
    }

    #[test]
    fn csv_has_a_bom_and_crlf() {
        let t = Table {
            title: String::new(),
            columns: vec!["a".into(), "b".into()],
            rows: vec![vec![Cell::text("=x"), Cell::Hours(crate::hours::Fixed(150))]],
        };
        let bytes = csv(Some(&t), Lang::En).unwrap();
        assert_eq!(String::from_utf8(bytes).unwrap(), "\u{feff}a,b\r\n'=x,1.5\r\n");
    }
}
