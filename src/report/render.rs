//! Renderers: any report, built once as a `Document` (plus its JSON), printed as a terminal
//! table, CSV, Markdown, JSON, HTML or XLSX. Renderers never compute; reports never format.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::Path;

use clap::ValueEnum;
use comfy_table::Table as CTable;
use unicode_width::UnicodeWidthStr;

pub use super::document::{Cell, Document, Table};
use super::document::{Format, Output};
use crate::error::{Error, Result};
use crate::msg::{IoWhy, Msg};
use crate::Lang;

fn name(format: Format) -> String {
    format!("{format:?}").to_lowercase()
}

/// The extension of a format's file (SPEC §4); `txt` is the report's own text, a table or a
/// notice.
fn extension(format: Format) -> &'static str {
    match format {
        Format::Table | Format::Text => "txt",
        Format::Csv => "csv",
        Format::Json => "json",
        Format::Md => "md",
        Format::Xlsx => "xlsx",
        Format::Html => "html",
    }
}

/// The format an extension of `--out` names (`.htm` too), if any: a file named `.pdf` that held
/// a table would mislead whoever opens it, so no format is guessed.
fn by_extension(ext: &str, default: Format) -> Option<Format> {
    match ext {
        "txt" => Some(default),
        "htm" => Some(Format::Html),
        _ => Format::value_variants().iter().copied().find(|f| extension(*f) == ext),
    }
}

/// Chooses the format: `--format`, else the extension of `--out`, else the report's default.
/// A format the report lacks, an extension that is no format, and a workbook (binary) for a
/// terminal are usage errors, found before any work is done.
pub fn choose(output: &Output, default: Format, supported: &[Format]) -> Result<Format> {
    let format = match (output.format, &output.out) {
        (Some(f), _) => f,
        (None, Some(path)) => match path.extension() {
            None => default,
            Some(ext) => {
                let typed = ext.to_string_lossy();
                match by_extension(&typed.to_lowercase(), default) {
                    Some(format) => format,
                    None => {
                        let known: Vec<String> = supported
                            .iter()
                            .map(|&f| match f {
                                Format::Table | Format::Text => format!(".txt ({})", name(f)),
                                f => format!(".{}", extension(f)),
                            })
                            .collect();
                        return Err(Error::usage(Msg::UnknownExtension {
                            path: path.display().to_string(),
                            ext: typed.into_owned(),
                            known,
                        }));
                    }
                }
            }
        },
        (None, None) => default,
    };
    if !supported.contains(&format) {
        let names: Vec<String> = supported.iter().map(|f| name(*f)).collect();
        return Err(Error::usage(Msg::NoSuchFormat { format: name(format), has: names }));
    }
    if format == Format::Xlsx && output.out.is_none() && std::io::stdout().is_terminal() {
        return Err(Error::usage(Msg::XlsxToTerminal));
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
            let width = (output.out.is_none() && std::io::stdout().is_terminal()).then(terminal_width);
            terminal(doc, lang, width).into_bytes()
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

/// How wide the terminal on standard output is: `$COLUMNS` when set (by a user who says so, or a
/// test), else what the terminal reports, else 80.
fn terminal_width() -> usize {
    let said = std::env::var("COLUMNS").ok().and_then(|v| v.trim().parse::<usize>().ok()).filter(|w| *w > 0);
    said.or_else(|| CTable::new().width().map(usize::from).filter(|w| *w > 0)).unwrap_or(80)
}

/// Terminal columns a text takes (its widest line): East Asian wide characters (CJK, full-width
/// forms) take two. The same measure as the table drawing's, so that what is computed to fit does.
pub fn columns_of(text: &str) -> usize {
    // Printable ASCII (staff ids, codes, numbers) takes a column a byte.
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return text.len();
    }
    text.lines().map(UnicodeWidthStr::width).max().unwrap_or(0)
}

/// Appends `n` spaces.
fn spaces(out: &mut String, mut n: usize) {
    const SPACES: &str = "                                                                ";
    while n > 0 {
        let k = n.min(SPACES.len());
        out.push_str(&SPACES[..k]);
        n -= k;
    }
}

/// A cell's text for the table: borrowed, or (a number) written into `scratch`.
fn cell_text<'a>(cell: Option<&'a Cell>, lang: Lang, scratch: &'a mut String) -> &'a str {
    match cell {
        Some(Cell::Text(s)) => s,
        Some(cell) => match cell.word_text(lang) {
            Some(word) => word,
            None => {
                scratch.clear();
                cell.write(scratch, lang);
                scratch
            }
        },
        None => "",
    }
}

/// The report as text: title, summary, tables, footer. `width`: the terminal's, when printing to
/// one. Then every line fits it: prose is broken into lines, and a table row never is (a row
/// broken over lines, or a header stacked character by character, 出/勤/次/数, cannot be read).
/// A table too wide is shown with fewer columns (`Document::narrow`), or its long texts cut
/// short, or as one block per row; a line under it says so. Without a width (a pipe, a file)
/// tables are whole.
pub fn terminal(doc: &Document, lang: Lang, width: Option<usize>) -> String {
    let mut out = String::new();
    if !doc.title.is_empty() {
        prose(&mut out, &doc.title, width);
        out.push('\n');
    }
    for line in &doc.lines {
        prose(&mut out, line, width);
    }
    if !doc.lines.is_empty() {
        out.push('\n');
    }
    for (i, table) in doc.tables.iter().enumerate() {
        if !table.title.is_empty() {
            prose(&mut out, &table.title, width);
        }
        if table.rows.is_empty() {
            out.push_str(lang.pick("(none)", "（无）"));
            out.push('\n');
        } else {
            let keep: &[usize] = if i == 0 { &doc.narrow } else { &[] };
            // Notes are only ever needed on a terminal, which has a width.
            for note in draw(&mut out, table, keep, lang, width) {
                for line in fill(note, width.unwrap_or(usize::MAX)) {
                    out.push_str(&line);
                    out.push('\n');
                }
            }
        }
        out.push('\n');
    }
    for line in &doc.footer {
        prose(&mut out, line, width);
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// Lines of text, broken to `width` when there is one.
fn prose(out: &mut String, text: &str, width: Option<usize>) {
    for line in text.split('\n') {
        match width {
            Some(width) => {
                for part in wrap(line, width) {
                    out.push_str(&part);
                    out.push('\n');
                }
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
}

/// Punctuation a line may not start with, and punctuation a line may not end with (the rules of
/// Chinese typesetting, 避头尾, in their simplest form).
const CLOSING: &str = "，。、；：！？）》」』】〉”’…%,.;:!?)]}";
const OPENING: &str = "（《「『【〈“‘([{";

/// One line of prose broken into lines at most `width` columns wide: at spaces, and between two
/// Chinese characters, but never inside a word or number, before closing punctuation or after
/// opening punctuation. A word wider than a whole line is broken where it must be.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    fill(pieces(text), width)
}

/// A piece of prose no line break may fall inside, and whether a space comes before it.
type Piece = (bool, String);

/// Prose cut into the pieces between which a line may break.
fn pieces(text: &str) -> Vec<Piece> {
    let wide = |c: char| columns_of(c.encode_utf8(&mut [0; 4])) > 1;
    let mut pieces: Vec<Piece> = Vec::new();
    let mut space = false;
    for c in text.chars() {
        if c == ' ' {
            space = true;
            continue;
        }
        match pieces.last_mut() {
            Some((_, piece)) if !space => {
                let prev = piece.chars().next_back().unwrap_or(' ');
                if CLOSING.contains(c) || OPENING.contains(prev) || !(wide(c) || wide(prev)) {
                    piece.push(c);
                } else {
                    pieces.push((false, c.to_string()));
                }
            }
            _ => pieces.push((space, c.to_string())),
        }
        space = false;
    }
    pieces
}

/// Pieces of prose set in lines at most `width` columns wide.
fn fill(pieces: Vec<Piece>, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for (spaced, piece) in pieces {
        let cols = columns_of(&piece);
        let gap = usize::from(spaced && !line.is_empty());
        if !line.is_empty() && used + gap + cols > width {
            lines.push(std::mem::take(&mut line));
            used = 0;
        } else if gap == 1 {
            line.push(' ');
            used += 1;
        }
        for c in piece.chars() {
            let w = columns_of(c.encode_utf8(&mut [0; 4]));
            if !line.is_empty() && used + w > width {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push(c);
            used += w;
        }
    }
    lines.push(line);
    lines
}

/// The line under a table that lost columns: which, and where to see them. Each column's name
/// is one piece, so that no name is broken over two lines.
fn hidden_note(hidden: &[&str], lang: Lang) -> Vec<Piece> {
    let (before, between, end, after) = match lang {
        Lang::En => (
            "Not shown for want of width:",
            ",",
            ".",
            "To see every column, widen the terminal, or use --format csv or --out FILE.xlsx.",
        ),
        Lang::Zh => {
            ("终端宽度不足，未显示：", "、", "。", "查看全部列请加宽终端，或使用 --format csv 或 --out 文件名.xlsx。")
        }
    };
    let spaced = lang == Lang::En;
    let mut note = pieces(before);
    for (k, name) in hidden.iter().enumerate() {
        let mark = if k + 1 == hidden.len() { end } else { between };
        note.push((spaced, format!("{name}{mark}")));
    }
    let mut rest = pieces(after);
    if let Some(first) = rest.first_mut() {
        first.0 = spaced;
    }
    note.extend(rest);
    note
}

/// Texts are never cut shorter than this many columns: names and staff ids are always whole.
const CUT_MIN: usize = 16;

/// How a table is shown on a terminal.
#[derive(Debug, PartialEq)]
enum Fit {
    /// These columns, in the table's order, each with the width its texts are cut to, if they
    /// must be.
    Columns(Vec<(usize, Option<usize>)>),
    /// One block of `header  value` lines per row.
    Records,
}

/// How wide a drawn table is whose columns are this wide: each cell has a space either side and
/// a rule after it, and the first a rule before it.
fn drawn(widths: impl Iterator<Item = usize>) -> usize {
    1 + widths.map(|w| w + 3).sum::<usize>()
}

/// Chooses how a table whose columns are `natural` wide is shown `width` columns wide: whole if
/// it fits; else the columns in `keep` and as many of the others, from the left, as fit; else
/// with the long texts of `cuttable` columns cut short; else as records.
fn fit(natural: &[usize], cuttable: &[bool], keep: &[usize], width: usize) -> Fit {
    let all = 0..natural.len();
    let mut shown: Vec<usize> = all.clone().collect();
    if drawn(natural.iter().copied()) > width && !keep.is_empty() {
        shown = keep.iter().copied().filter(|&i| i < natural.len()).collect();
        for i in all.filter(|i| !keep.contains(i)) {
            if drawn(shown.iter().chain([&i]).map(|&k| natural[k])) > width {
                break;
            }
            shown.push(i);
        }
        shown.sort_unstable();
    }
    let mut limits: Vec<usize> = shown.iter().map(|&i| natural[i]).collect();
    while drawn(limits.iter().copied()) > width {
        // One column narrower at a time, the widest long text first.
        let widest = (0..shown.len()).filter(|&k| cuttable[shown[k]] && limits[k] > CUT_MIN).max_by_key(|&k| limits[k]);
        match widest {
            Some(k) => limits[k] -= 1,
            None => return Fit::Records,
        }
    }
    Fit::Columns(shown.iter().zip(limits).map(|(&i, l)| (i, (l < natural[i]).then_some(l))).collect())
}

/// A text cut to `limit` columns, a `…` marking the cut.
fn cut(text: &str, limit: Option<usize>) -> Cow<'_, str> {
    let Some(limit) = limit.filter(|&l| columns_of(text) > l) else { return Cow::Borrowed(text) };
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars().take_while(|c| *c != '\n') {
        let w = columns_of(c.encode_utf8(&mut [0; 4]));
        if used + w + 1 > limit {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    Cow::Owned(out)
}

/// A cell's text, borrowed where it can be: a year report has hundreds of thousands of cells.
fn text_of(cell: &Cell, lang: Lang) -> Cow<'_, str> {
    match cell {
        Cell::Text(s) => Cow::Borrowed(s),
        Cell::Word(code, zh) => Cow::Borrowed(lang.pick(code, zh)),
        Cell::Blank => Cow::Borrowed(""),
        other => Cow::Owned(other.display(lang)),
    }
}

/// Draws a table, fitted to `width` when there is one; returns the notes to print under it.
fn draw(out: &mut String, table: &Table, keep: &[usize], lang: Lang, width: Option<usize>) -> Vec<Vec<Piece>> {
    let n = table.columns.len();
    let mut natural: Vec<usize> = table.columns.iter().map(|c| columns_of(c)).collect();
    let mut scratch = String::new();
    for row in &table.rows {
        for (w, cell) in natural.iter_mut().zip(row) {
            *w = (*w).max(columns_of(cell_text(Some(cell), lang, &mut scratch)));
        }
    }
    let fitted = match width {
        None => Fit::Columns((0..n).map(|i| (i, None)).collect()),
        Some(width) => {
            let cuttable: Vec<bool> = (0..n)
                .map(|i| table.rows.iter().all(|r| matches!(r.get(i), Some(Cell::Text(_) | Cell::Blank) | None)))
                .collect();
            fit(&natural, &cuttable, keep, width)
        }
    };
    let shown = match fitted {
        Fit::Columns(shown) => shown,
        Fit::Records => {
            records(out, table, lang, width.unwrap_or(80));
            return Vec::new();
        }
    };
    boxed(out, table, &shown, &natural, lang);
    let mut notes = Vec::new();
    let hidden: Vec<&str> =
        (0..n).filter(|i| !shown.iter().any(|(k, _)| k == i)).map(|i| table.columns[i].as_str()).collect();
    if !hidden.is_empty() {
        notes.push(hidden_note(&hidden, lang));
    }
    if shown.iter().any(|(_, limit)| limit.is_some()) {
        notes.push(pieces(lang.pick(
            "… marks a text cut short to fit the terminal; --format md shows it whole.",
            "“…”处的文字为适应终端宽度而截断；使用 --format md 可看全文。",
        )));
    }
    notes
}

/// The `shown` columns of a table in a box of lines, the header ruled off, numbers to the right:
/// every row one line (a cell of several lines aside).
fn boxed(out: &mut String, table: &Table, shown: &[(usize, Option<usize>)], natural: &[usize], lang: Lang) {
    let widths: Vec<usize> = shown.iter().map(|&(i, limit)| limit.unwrap_or(natural[i])).collect();
    let rule = |out: &mut String, [left, fill, between, right]: [char; 4]| {
        out.push(left);
        for (k, w) in widths.iter().enumerate() {
            if k > 0 {
                out.push(between);
            }
            out.extend(std::iter::repeat_n(fill, w + 2));
        }
        out.push(right);
        out.push('\n');
    };
    // One row: (text, to the right) per shown column.
    let line = |out: &mut String, cells: &[(Cow<str>, bool)]| {
        let height = cells.iter().map(|(t, _)| t.split('\n').count()).max().unwrap_or(1);
        for k in 0..height {
            out.push('│');
            for (j, ((text, right), w)) in cells.iter().zip(&widths).enumerate() {
                if j > 0 {
                    out.push('┆');
                }
                let part = text.split('\n').nth(k).unwrap_or("");
                let pad = w.saturating_sub(columns_of(part));
                out.push(' ');
                if *right {
                    out.extend(std::iter::repeat_n(' ', pad));
                    out.push_str(part);
                } else {
                    out.push_str(part);
                    out.extend(std::iter::repeat_n(' ', pad));
                }
                out.push(' ');
            }
            out.push('│');
            out.push('\n');
        }
    };
    rule(out, ['┌', '─', '┬', '┐']);
    let header: Vec<(Cow<str>, bool)> =
        shown.iter().map(|&(i, limit)| (cut(&table.columns[i], limit), false)).collect();
    line(out, &header);
    rule(out, ['╞', '═', '╪', '╡']);
    let mut cells = Vec::with_capacity(shown.len());
    let mut scratch = String::new();
    for row in &table.rows {
        if one_line(out, row, shown, &widths, lang, &mut scratch) {
            continue;
        }
        cells.clear();
        for &(i, limit) in shown {
            let (text, right) = match row.get(i) {
                Some(cell) => (text_of(cell, lang), cell.is_number()),
                None => (Cow::Borrowed(""), false),
            };
            cells.push((cut_owned(text, limit), right));
        }
        line(out, &cells);
    }
    rule(out, ['└', '─', '┴', '┘']);
}

/// Draws a row whose cells are each one line and need no cut, as `boxed` would, straight into
/// `out` (no text of its own per cell); returns false, having written nothing, for any other.
fn one_line(
    out: &mut String,
    row: &[Cell],
    shown: &[(usize, Option<usize>)],
    widths: &[usize],
    lang: Lang,
    scratch: &mut String,
) -> bool {
    let start = out.len();
    out.push('│');
    for (j, (&(i, limit), &w)) in shown.iter().zip(widths).enumerate() {
        if j > 0 {
            out.push('┆');
        }
        out.push(' ');
        let cell = row.get(i);
        let right = cell.is_some_and(Cell::is_number);
        let text = cell_text(cell, lang, scratch);
        let cols = columns_of(text);
        if text.contains('\n') || limit.is_some_and(|l| cols > l) {
            out.truncate(start);
            return false;
        }
        let pad = w.saturating_sub(cols);
        if right {
            spaces(out, pad);
            out.push_str(text);
        } else {
            out.push_str(text);
            spaces(out, pad);
        }
        out.push(' ');
    }
    out.push('│');
    out.push('\n');
    true
}

/// `cut` of a text that may be owned.
fn cut_owned(text: Cow<'_, str>, limit: Option<usize>) -> Cow<'_, str> {
    match cut(&text, limit) {
        Cow::Borrowed(_) => text,
        Cow::Owned(shorter) => Cow::Owned(shorter),
    }
}

/// A table as one block per row, a `header  value` line per column: for a terminal too narrow
/// even for the table's own columns cut short.
fn records(out: &mut String, table: &Table, lang: Lang, width: usize) {
    let label = table.columns.iter().map(|c| columns_of(c)).max().unwrap_or(0);
    let room = width.saturating_sub(label + 2).max(CUT_MIN);
    for (k, row) in table.rows.iter().enumerate() {
        let head = format!("── {} ", k + 1);
        out.push_str(&head);
        out.push_str(&"─".repeat(width.min(40).saturating_sub(columns_of(&head))));
        out.push('\n');
        for (column, cell) in table.columns.iter().zip(row) {
            for (j, part) in text_of(cell, lang).split('\n').flat_map(|l| wrap(l, room)).enumerate() {
                let line = if j == 0 {
                    format!("{column}{}  {part}", " ".repeat(label - columns_of(column)))
                } else {
                    format!("{}  {part}", " ".repeat(label))
                };
                out.push_str(line.trim_end());
                out.push('\n');
            }
        }
    }
}

/// A cell that a spreadsheet would take for a formula gets a leading `'` (SPEC §4).
pub fn defuse(text: &str) -> String {
    if needs_defusing(text) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// Whether a spreadsheet would take the text for a formula.
pub fn needs_defusing(text: &str) -> bool {
    matches!(text.as_bytes().first(), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r'))
}

fn csv_failed(e: ::csv::Error) -> Error {
    Error::Other(Msg::OutputFailed { detail: e.to_string() })
}

/// A text cell as a CSV field. Digits alone (a staff id, 工号 `0037`) are written `="0037"`:
/// Excel, WPS and LibreOffice read a plain `0037` as the number 37, and this form as a formula
/// whose value is the text `0037`, zeros kept. It is the one `=` written on purpose, and not the
/// injection SPEC §4 guards against: that rule is about the values in the data, which still get
/// their `'` (`=1+1` is written `'=1+1`), while between these quotes there are only digits.
fn push_csv_text(out: &mut String, text: &str) {
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        out.push_str("=\"");
        out.push_str(text);
        out.push('"');
    } else {
        if needs_defusing(text) {
            out.push('\'');
        }
        out.push_str(text);
    }
}

/// CSV as Excel opens it: UTF-8 with a BOM, CRLF, formula-safe text cells, digits kept as text.
pub fn csv(table: Option<&Table>, lang: Lang) -> Result<Vec<u8>> {
    let mut buf = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = ::csv::WriterBuilder::new().terminator(::csv::Terminator::CRLF).from_writer(&mut buf);
        if let Some(table) = table {
            w.write_record(table.columns.iter().map(|c| defuse(c))).map_err(csv_failed)?;
            // Each field written as it is made, into one buffer used again: no string per cell.
            let mut field = String::new();
            for row in &table.rows {
                for c in row {
                    field.clear();
                    match c {
                        Cell::Text(s) => push_csv_text(&mut field, s),
                        // A negative number (the online cap's deduction) starts with '-' too.
                        Cell::Hours(h) => {
                            if h.0 < 0 {
                                field.push('\'');
                            }
                            let _ = write!(field, "{h}");
                        }
                        Cell::Ratio(r) => {
                            let _ = write!(field, "{r:.4}");
                        }
                        other => other.write(&mut field, lang),
                    }
                    w.write_field(&field).map_err(csv_failed)?;
                }
                w.write_record(std::iter::empty::<&[u8]>()).map_err(csv_failed)?;
            }
        }
        w.flush()?;
    }
    Ok(buf)
}

/// A cell's text in a Markdown table, as `markdown`'s `esc` writes it.
fn push_md(out: &mut String, text: &str) {
    if !text.contains(['|', '\n']) {
        out.push_str(text);
        return;
    }
    for c in text.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '\n' => out.push(' '),
            c => out.push(c),
        }
    }
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
        let mut scratch = String::new();
        for row in &table.rows {
            out.push_str("| ");
            for (k, cell) in row.iter().enumerate() {
                if k > 0 {
                    out.push_str(" | ");
                }
                push_md(&mut out, cell_text(Some(cell), lang, &mut scratch));
            }
            out.push_str(" |\n");
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

    #[test]
    fn digits_are_kept_as_text_in_csv() {
        let t = Table {
            title: String::new(),
            columns: vec!["工号".into(), "n".into()],
            rows: vec![
                vec![Cell::text("0037"), Cell::Int(3)],
                vec![Cell::text("1225"), Cell::Int(0)],
                vec![Cell::text("=0037"), Cell::Blank],
                vec![Cell::text("A0037"), Cell::Blank],
            ],
        };
        let text = String::from_utf8(csv(Some(&t), Lang::Zh).unwrap()).unwrap();
        assert_eq!(text, "\u{feff}工号,n\r\n\"=\"\"0037\"\"\",3\r\n\"=\"\"1225\"\"\",0\r\n'=0037,\r\nA0037,\r\n");
    }

    #[test]
    fn chinese_takes_two_columns() {
        assert_eq!(columns_of("出勤次数"), 8);
        assert_eq!(columns_of("0037 张伟"), 9);
        assert_eq!(columns_of("ab\n出勤"), 4);
    }

    #[test]
    fn prose_breaks_at_spaces_and_between_chinese_characters() {
        let cases: &[(&str, usize, &[&str])] = &[
            ("one two three", 7, &["one two", "three"]),
            ("one two three", 80, &["one two three"]),
            // Never before a closing mark, never after an opening one, never inside a number.
            ("共 36 学时，其中", 10, &["共 36 学", "时，其中"]),
            ("占 66.7%（目标", 10, &["占 66.7%", "（目标"]),
            ("abcdefghij", 4, &["abcd", "efgh", "ij"]),
            ("", 10, &[""]),
        ];
        for (text, width, lines) in cases {
            assert_eq!(&wrap(text, *width), lines, "{text:?} in {width}");
            for line in wrap(text, *width) {
                assert!(columns_of(&line) <= *width, "{line:?}");
            }
        }
    }

    #[test]
    fn tables_are_fitted_by_columns_then_cuts_then_records() {
        // Three columns 10, 10 and 30 wide: 1 + 13 + 13 + 33 = 60 columns drawn.
        let natural = [10, 10, 30];
        let text = [false, false, true];
        assert_eq!(fit(&natural, &text, &[], 60), Fit::Columns(vec![(0, None), (1, None), (2, None)]));
        // Keeping the first and the last: the middle one goes.
        assert_eq!(fit(&natural, &text, &[0, 2], 50), Fit::Columns(vec![(0, None), (2, None)]));
        // Keeping none: the long text is cut, never below its floor.
        assert_eq!(fit(&natural, &text, &[], 50), Fit::Columns(vec![(0, None), (1, None), (2, Some(20))]));
        assert_eq!(fit(&natural, &text, &[], 30 + CUT_MIN - 1), Fit::Records);
        // Numbers are never cut.
        assert_eq!(fit(&natural, &[false, false, false], &[], 59), Fit::Records);
        assert_eq!(cut("学习党的二十大精神", Some(8)), "学习党…");
        assert_eq!(cut("short", Some(8)), "short");
    }

    fn sample(rows: usize) -> Document {
        let columns: Vec<String> = ["工号", "姓名", "支部", "人员类别", "出勤次数", "基本课", "拓展课", "专题课"]
            .iter()
            .chain(&["线上自学", "考核", "合计", "应修", "达标", "缺勤", "支部排名", "评优资格"])
            .map(|s| s.to_string())
            .collect();
        let row = |i: usize| {
            let mut r = vec![Cell::text(format!("{i:04}")), Cell::text("欧阳娜娜"), Cell::text("NK1")];
            r.push(Cell::Word("activist", "入党积极分子"));
            r.push(Cell::Int(11));
            r.extend((0..5).map(|_| Cell::Hours(crate::hours::Fixed(1850))));
            r.extend([Cell::Hours(crate::hours::Fixed(4200)), Cell::Hours(crate::hours::Fixed(3200))]);
            r.extend([Cell::Bool(true), Cell::Int(0), Cell::Int(1), Cell::Bool(true)]);
            r
        };
        Document {
            title: "2025年度党校学时统计（评优评先）".into(),
            lines: vec![
                "全年举办课程 15 次，共 36 学时，其中党性教育基本课 24 学时，占 66.7%（目标不低于70%）。".into()
            ],
            tables: vec![Table { title: "学员学时明细".into(), columns, rows: (0..rows).map(row).collect() }],
            narrow: vec![0, 1, 2, 10, 11, 12, 15],
            ..Document::default()
        }
    }

    #[test]
    fn a_narrow_terminal_gets_the_columns_that_matter_and_a_note() {
        let text = terminal(&sample(3), Lang::Zh, Some(80));
        for line in text.lines() {
            assert!(columns_of(line) <= 80, "{line}");
        }
        let header = text.lines().find(|l| l.contains("工号")).unwrap();
        for kept in ["工号", "姓名", "支部", "人员类别", "合计", "应修", "达标", "评优资格"] {
            assert!(header.contains(kept), "{kept}: {header}");
        }
        assert!(!header.contains("基本课"), "{header}");
        assert!(text.contains("未显示：出勤次数、基本课"), "{text}");
        assert!(text.contains("--format csv"), "{text}");
        let row = text.lines().find(|l| l.contains("0001")).unwrap();
        assert!(row.contains("欧阳娜娜") && row.contains("42.00") && row.contains("32.00"), "{row}");
        // Wide enough for all: the whole table and no note; no width: the same.
        let wide = terminal(&sample(3), Lang::Zh, Some(200));
        assert!(!wide.contains("未显示") && wide.contains("支部排名"), "{wide}");
        assert_eq!(wide, terminal(&sample(3), Lang::Zh, None));
    }

    #[test]
    fn a_very_narrow_terminal_gets_one_block_per_row() {
        let text = terminal(&sample(2), Lang::Zh, Some(40));
        for line in text.lines() {
            assert!(columns_of(line) <= 40, "{line}");
        }
        assert!(text.contains("── 2 "), "{text}");
        assert!(text.lines().any(|l| l.starts_with("评优资格") && l.ends_with("是")), "{text}");
    }
}
