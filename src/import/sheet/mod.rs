//! The one sheet reader every import uses: file bytes → decoded text or an .xlsx worksheet →
//! the header row (found among the first rows, under any alias) → a stream of rows of trimmed,
//! normalised cells, each row knowing where it came from for error messages.
//!
//! This file is the reader itself; its parts are the file's fingerprint (`fingerprint.rs`), text
//! decoding (`decode.rs`), finding the header (`header.rs`) and reading workbooks (`workbook.rs`).

mod decode;
mod fingerprint;
mod header;
mod workbook;

use std::collections::{BTreeSet, VecDeque};
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};

use crate::error::{ColumnName, Error, Place, Problem, Result};
use crate::msg::{IoWhy, Msg};
pub use decode::Encoding;
use decode::{decoding_reader, sniff_delimiter};
pub use fingerprint::{fingerprint, Fingerprint};
pub use header::normalise;
use header::normalise_into;
use header::HEADER_SEARCH_ROWS;
use workbook::{column_letters, has_workbook_extension, read_xlsx};

/// One column an import understands: its canonical (English) name, used in messages, and the
/// other names sheets give it.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
}

/// The columns of one import kind; `columns[0]` is the key column that identifies the header row.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    pub columns: &'static [Column],
    /// The name column, in a kind whose rows may name their learner by name alone (SPEC v2,
    /// name-only sheets): a header row may have it instead of the key, and a row with a blank key
    /// is read when it has anything else.
    pub by_name: Option<usize>,
    /// The date columns: where a day written without its year (`3月15日`) gets one.
    pub dates: &'static [usize],
}

/// What the user said about reading the file.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub encoding: Option<Encoding>,
    pub sheet: Option<String>,
}

/// Every part opens the input the same way, so that a missing or unreadable file is always exit 66.
fn open_input(path: &Path) -> Result<File> {
    File::open(path).map_err(|e| unreadable(path, &e))
}

fn unreadable(path: &Path, e: &io::Error) -> Error {
    Error::Input(Msg::CannotRead { path: path.display().to_string(), why: IoWhy::from(e) })
}

/// A data row: the cells of the layout's columns (empty when the sheet lacks the column or the
/// cell is blank), and where the row is.
#[derive(Debug, Clone, Default)]
pub struct Row {
    pub cells: Vec<String>,
    /// 1-based line of the record in a text file, or row number in a worksheet.
    pub line: u64,
}

impl Row {
    pub fn get(&self, column: usize) -> &str {
        self.cells.get(column).map_or("", String::as_str)
    }
}

/// A row as read, before its cells are sorted into the layout's columns: (line, cells).
type RawRow = (u64, Vec<String>);

enum Source {
    Csv { reader: csv::Reader<Box<dyn Read + Send>>, record: csv::StringRecord },
    Xlsx { rows: std::vec::IntoIter<RawRow>, total: usize },
}

/// An open sheet, positioned after its header row; iterate it for the data rows.
pub struct Sheet {
    /// The file name shown in messages.
    pub file: String,
    /// The worksheet's name, for an .xlsx file.
    pub worksheet: Option<String>,
    layout: Layout,
    /// For each layout column, the index of the sheet's column that holds it.
    positions: Vec<Option<usize>>,
    /// For each layout column, the header cell that names it, to name it in messages.
    titles: Vec<Option<String>>,
    source: Source,
    /// Rows read while looking for the header that come after it.
    pending: VecDeque<RawRow>,
    /// Decoded bytes read so far, for a progress bar.
    pub bytes_read: u64,
    /// The file's size in bytes.
    size: u64,
    /// Header cells no layout column takes, for the import's summary.
    ignored: Vec<String>,
    /// Where a day without its year gets one (see [`Sheet::date`]).
    years: Years,
    /// How the sheet was opened, to read it again for its dates' years.
    reopen: Option<(PathBuf, Options, Fingerprint)>,
}

/// What can give a year to a day written without one, in order: the sheet's other dates (read
/// once, when the first such day is met), the date the command names, a title line's year.
#[derive(Debug, Default)]
struct Years {
    in_dates: Option<BTreeSet<i32>>,
    given: Option<i32>,
    title: Option<i32>,
}

impl Sheet {
    /// Opens `path` and finds its header row. `fp` is the file's fingerprint.
    pub fn open(path: &Path, file: &str, layout: Layout, options: &Options, fp: &Fingerprint) -> Result<Sheet> {
        let (source, worksheet, head) = if fp.workbook || has_workbook_extension(path) {
            let (worksheet, rows) = read_xlsx(path, file, options)?;
            let mut rows = rows.into_iter();
            let total = rows.len();
            let head: Vec<_> = rows.by_ref().take(HEADER_SEARCH_ROWS).collect();
            (Source::Xlsx { rows, total }, Some(worksheet), head)
        } else {
            let (delimiter, text) =
                sniff_delimiter(decoding_reader(path, options, fp)?).map_err(|e| unreadable(path, &e))?;
            let reader =
                csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text);
            let mut source = Source::Csv { reader, record: csv::StringRecord::new() };
            let mut head = Vec::new();
            while head.len() < HEADER_SEARCH_ROWS {
                match next_csv(&mut source, file)? {
                    Some(r) => head.push(r),
                    None => break,
                }
            }
            (source, None, head)
        };
        let header = header::find(&layout, head, file)?;
        Ok(Sheet {
            file: file.to_string(),
            worksheet,
            layout,
            positions: header.positions,
            titles: header.titles,
            source,
            pending: header.pending,
            bytes_read: 0,
            size: fp.len,
            ignored: header.ignored,
            years: Years { title: header.title_year, ..Years::default() },
            reopen: Some((path.to_path_buf(), options.clone(), fp.clone())),
        })
    }

    /// How much of the sheet was read, from 0 to 1 (of a text file, its decoded bytes against
    /// its size: an estimate).
    pub fn share_read(&self) -> f64 {
        match &self.source {
            Source::Xlsx { rows, total } => 1.0 - rows.len() as f64 / (*total).max(1) as f64,
            Source::Csv { .. } => (self.bytes_read as f64 / self.size.max(1) as f64).min(1.0),
        }
    }

    /// Whether the sheet has this layout column.
    pub fn has(&self, column: usize) -> bool {
        self.positions.get(column).is_some_and(Option::is_some)
    }

    /// The header's cells that name no column the import reads (SPEC v2: the summary says them,
    /// so that a column meant to be read and not recognised is seen).
    pub fn ignored(&self) -> &[String] {
        &self.ignored
    }

    /// The year of the day the command names (`--date`, or the `--session`'s date): a day the
    /// sheet writes without its year takes it when the sheet's other dates give none.
    pub fn given_year(&mut self, year: i32) {
        self.years.given = Some(year);
    }

    /// The date in a (non-blank) date cell, or what is wrong with it. A day written without its
    /// year (`3月15日`) takes the year of the sheet's other dates, else of the date the command
    /// names, else of a title line; when none gives one (or the dates give several), that is
    /// the error. Errors reading the file again for its dates are the outer `Err`.
    pub fn date(&mut self, row: &Row, column: usize) -> Result<std::result::Result<NaiveDate, Msg>> {
        let cell = row.get(column);
        if let Some(d) = crate::date::parse_cell(cell) {
            return Ok(Ok(d));
        }
        let Some(month_day) = crate::date::month_day(cell) else {
            return Ok(Err(Msg::NotADate { text: cell.to_string() }));
        };
        let (month, day) = month_day;
        let years: Vec<i32> = self.years_in_dates()?.iter().copied().collect();
        let year = match (years.len(), self.years.given, self.years.title) {
            (1, _, _) => Some(years[0]),
            (0, Some(y), _) | (0, None, Some(y)) => Some(y),
            (0, None, None) => return Ok(Err(Msg::DateWithoutYear { cell: cell.to_string(), month, day })),
            _ => return Ok(Err(Msg::DateWithoutYearSeveral { cell: cell.to_string(), years, month, day })),
        };
        Ok(year
            .and_then(|y| crate::date::with_year(y, month_day))
            .ok_or_else(|| Msg::NotADateIn { cell: cell.to_string(), year: year.unwrap_or_default() }))
    }

    /// The years of the dates written in full in the sheet's date columns: the sheet read again
    /// (only a sheet with a day without its year pays for it).
    fn years_in_dates(&mut self) -> Result<&BTreeSet<i32>> {
        if self.years.in_dates.is_none() {
            let mut years = BTreeSet::new();
            if let Some((path, options, fp)) = &self.reopen {
                let mut again = Sheet::open(path, &self.file, self.layout, options, fp)?;
                again.reopen = None;
                let dates = self.layout.dates;
                while let Some(row) = again.next().transpose()? {
                    years.extend(dates.iter().filter_map(|&c| crate::date::parse_cell(row.get(c))).map(|d| d.year()));
                }
            }
            self.years.in_dates = Some(years);
        }
        Ok(self.years.in_dates.get_or_insert_with(BTreeSet::new))
    }

    /// The place of a cell for messages: `sheet.csv:14: hours` or `roster.xlsx:Sheet1!D7: hours`;
    /// in Chinese the column as the sheet's header names it (`ColumnName`).
    pub fn place(&self, row: &Row, column: usize) -> Place {
        self.place_at(row.line, column)
    }

    /// The place of a cell of the row at `line` (a row number in a worksheet).
    pub fn place_at(&self, line: u64, column: usize) -> Place {
        let at = match (&self.worksheet, self.positions.get(column).copied().flatten()) {
            (Some(ws), Some(c)) => format!("{}:{ws}!{}{line}", self.file, column_letters(c)),
            (Some(ws), None) => format!("{}:{ws}: row {line}", self.file),
            (None, _) => format!("{}:{line}", self.file),
        };
        let c = &self.layout.columns[column];
        let zh = match self.titles.get(column).cloned().flatten() {
            Some(title) => title,
            None => c.aliases.first().copied().unwrap_or(c.name).to_string(),
        };
        Place { at, column: Some(ColumnName { en: c.name, zh }) }
    }

    /// Requires the layout columns an import cannot do without.
    pub fn require(&self, columns: &[usize]) -> Result<()> {
        let missing: Vec<Problem> = columns
            .iter()
            .filter(|&&c| !self.has(c))
            .map(|&c| Problem::at(&self.file, Msg::MissingColumn { column: self.layout.names_of(c) }))
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid(missing))
        }
    }

    /// Sorts a row read whole (the head, a worksheet's) into the layout's columns.
    fn shape_into(&self, line: u64, mut raw: Vec<String>, row: &mut Row) {
        row.line = line;
        row.cells.clear();
        row.cells.extend(
            self.positions.iter().map(|p| p.and_then(|i| raw.get_mut(i).map(std::mem::take)).unwrap_or_default()),
        );
    }

    /// Reads the next row as it is into `row`, blank or not; false at the end. A text file's
    /// cells are normalised into the buffers `row` already has: no allocation per row.
    fn next_raw_into(&mut self, row: &mut Row) -> Result<bool> {
        if let Some((line, raw)) = self.pending.pop_front() {
            self.shape_into(line, raw, row);
            return Ok(true);
        }
        match &mut self.source {
            Source::Xlsx { rows, .. } => match rows.next() {
                Some((line, raw)) => {
                    self.shape_into(line, raw, row);
                    Ok(true)
                }
                None => Ok(false),
            },
            Source::Csv { reader, record } => {
                let Some(line) = read_csv(reader, record, &self.file)? else { return Ok(false) };
                self.bytes_read = reader.position().byte();
                row.line = line;
                row.cells.resize_with(self.positions.len(), String::new);
                for (cell, p) in row.cells.iter_mut().zip(&self.positions) {
                    cell.clear();
                    if let Some(text) = p.and_then(|i| record.get(i)) {
                        normalise_into(text, cell);
                    }
                }
                Ok(true)
            }
        }
    }

    /// Reads the next data row into `row` (reusing its buffers); false at the end. Blank rows and
    /// rows without a key (totals, signatures) are skipped. In a layout that finds learners by
    /// name, a row without a key is read when it has anything else (its learner is found by name,
    /// or it is an error), except a totals or signature note in the name column (`应到：4人`,
    /// `签到人：`): no name has digits or a colon.
    pub fn next_into(&mut self, row: &mut Row) -> Result<bool> {
        loop {
            if !self.next_raw_into(row)? {
                return Ok(false);
            }
            if !row.get(0).is_empty() {
                return Ok(true);
            }
            if let Some(name) = self.layout.by_name {
                let note = |c: &str| c.chars().any(|ch| ch.is_ascii_digit() || ch == ':');
                let blank = (1..row.cells.len()).all(|c| {
                    let cell = row.get(c);
                    cell.is_empty() || (c == name && note(cell))
                });
                if !blank {
                    return Ok(true);
                }
            }
        }
    }
}

impl Iterator for Sheet {
    type Item = Result<Row>;

    /// The next data row, as [`Sheet::next_into`] reads it.
    fn next(&mut self) -> Option<Result<Row>> {
        let mut row = Row::default();
        self.next_into(&mut row).map(|more| more.then_some(row)).transpose()
    }
}

fn next_csv(source: &mut Source, file: &str) -> Result<Option<RawRow>> {
    let Source::Csv { reader, record } = source else {
        return Ok(None);
    };
    Ok(read_csv(reader, record, file)?.map(|line| (line, record.iter().map(normalise).collect())))
}

/// Reads the next record into `record`; returns its first line, or None at the end.
fn read_csv(
    reader: &mut csv::Reader<Box<dyn Read + Send>>,
    record: &mut csv::StringRecord,
    file: &str,
) -> Result<Option<u64>> {
    match reader.read_record(record) {
        Ok(false) => Ok(None),
        Ok(true) => {
            // The reader's position after a record is past its closing LF (or at the end of the
            // file); the record began that many lines up, less the LFs inside quoted cells.
            let after = reader.position().line();
            let inside: u64 = record.iter().map(|c| c.bytes().filter(|&b| b == b'\n').count() as u64).sum();
            Ok(Some(after.saturating_sub(1 + inside).max(1)))
        }
        Err(e) => {
            let line = e.position().map_or(0, csv::Position::line);
            let what = match e.kind() {
                csv::ErrorKind::Utf8 { .. } => Msg::NotUtf8,
                _ => Msg::NotCsv { detail: e.to_string() },
            };
            Err(Error::invalid_at(format!("{file}:{line}"), what))
        }
    }
}

#[cfg(test)]
mod tests {
    use encoding_rs::GB18030;

    use super::*;
    use crate::msg::Msg;
    use crate::Lang;

    const LAYOUT: Layout = Layout {
        columns: &[
            Column { name: "staff_id", aliases: &["工号", "职工号"] },
            Column { name: "name", aliases: &["姓名"] },
            Column { name: "status", aliases: &["状态", "签到"] },
        ],
        by_name: None,
        dates: &[],
    };

    fn read(bytes: &[u8], options: &Options) -> Result<(Sheet, Vec<Row>)> {
        read_as(LAYOUT, bytes, options)
    }

    fn read_as(layout: Layout, bytes: &[u8], options: &Options) -> Result<(Sheet, Vec<Row>)> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, bytes).unwrap();
        let fp = fingerprint(&path)?;
        let sheet = Sheet::open(&path, "t.csv", layout, options, &fp)?;
        let mut sheet = sheet;
        let rows: Vec<Row> = sheet.by_ref().collect::<Result<_>>()?;
        Ok((sheet, rows))
    }

    fn cells(rows: &[Row]) -> Vec<Vec<&str>> {
        rows.iter().map(|r| r.cells.iter().map(String::as_str).collect()).collect()
    }

    #[test]
    fn the_header_is_found_below_a_title_and_notes() {
        let text = "3月15日党课签到表\n说明：请本人签到\n\n序号,工号,姓名,科室,签到\n1,0001,王建国,内科,√\n2,,,,\n,,应到：2人,,\n3,0002,李秀英,外科,\n";
        let (sheet, rows) = read(text.as_bytes(), &Options::default()).unwrap();
        assert_eq!(cells(&rows), vec![vec!["0001", "王建国", "√"], vec!["0002", "李秀英", ""]]);
        assert_eq!(rows[0].line, 5);
        assert_eq!(rows[1].line, 8);
        // The column by its name in English, in Chinese as the sheet's header names it.
        let place = Problem::at(sheet.place(&rows[1], 1), Msg::NotAKnownLearner { staff_id: "0099".into() });
        assert!(place.render(Lang::En).starts_with("t.csv:8: name: "), "{place:?}");
        assert!(place.render(Lang::Zh).starts_with("t.csv:8: 姓名: "), "{place:?}");
        let place = Problem::at(sheet.place(&rows[1], 2), Msg::NotAKnownLearner { staff_id: "0099".into() });
        assert!(place.render(Lang::En).starts_with("t.csv:8: status: "), "{place:?}");
        assert!(place.render(Lang::Zh).starts_with("t.csv:8: 签到: "), "{place:?}");
    }

    /// SPEC v2: a paper sign-in sheet has names and no staff ids; the summary names what it skips.
    #[test]
    fn a_names_only_sheet_has_its_header_at_the_name_column() {
        const BY_NAME: Layout = Layout { columns: LAYOUT.columns, by_name: Some(1), dates: &[] };
        let text = "签到表\n序号,姓名,签名,签到,签名\n1,王建国,王建国,√,\n2,,,,\n3,,,√,\n,应到：3人,,,\n4,王 伟,,,\n";
        let (sheet, rows) = read_as(BY_NAME, text.as_bytes(), &Options::default()).unwrap();
        // The pre-numbered blank line and the totals note are skipped; a row that marks someone
        // without naming them is not (the import says it is an error).
        assert_eq!(cells(&rows), vec![vec!["", "王建国", "√"], vec!["", "", "√"], vec!["", "王 伟", ""]]);
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), vec![3, 5, 7]);
        assert_eq!(sheet.ignored(), ["序号", "签名", "签名"]);
        // A column the sheet lacks is named in the message's language.
        let place = Problem::at(sheet.place(&rows[1], 0), Msg::NotAKnownLearner { staff_id: "0099".into() });
        assert!(place.render(Lang::En).starts_with("t.csv:5: staff_id: "), "{place:?}");
        assert!(place.render(Lang::Zh).starts_with("t.csv:5: 工号: "), "{place:?}");
        // Without the name fallback the same sheet has no header.
        let err = read(text.as_bytes(), &Options::default()).err().expect("no staff id column");
        assert!(err.to_string().contains("no header row"), "{err}");
    }

    #[test]
    fn lines_are_physical_lines_whatever_the_line_ends() {
        for text in [
            "title\n\n工号,姓名\n0001,a\n\n0002,\"b\nc\"\n0003,d",
            "title\r\n\r\n工号,姓名\r\n0001,a\r\n\r\n0002,\"b\r\nc\"\r\n0003,d\r\n",
        ] {
            let (sheet, rows) = read(text.as_bytes(), &Options::default()).unwrap();
            let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
            assert_eq!(lines, vec![4, 6, 8], "{text:?}");
            assert_eq!(sheet.place(&rows[2], 0).at, "t.csv:8");
        }
    }

    #[test]
    fn tab_separated_text_is_read_too() {
        let text = "签到表\t\t\n工号\t姓名\t签到\n0001\t王, 建国\t√\n";
        let mut le = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        let (_, rows) = read(&le, &Options::default()).unwrap();
        assert_eq!(cells(&rows), vec![vec!["0001", "王, 建国", "√"]]);
    }

    #[test]
    fn headers_match_aliases_in_any_case() {
        let (sheet, rows) = read(b"NAME,Staff_ID,notes\nWang,12,x\n", &Options::default()).unwrap();
        assert!(sheet.has(0) && sheet.has(1) && !sheet.has(2));
        assert_eq!(cells(&rows), vec![vec!["12", "Wang", ""]]);
        let (_, rows) = read("工  号,姓\u{3000}名\n0001,王\n".as_bytes(), &Options::default()).unwrap();
        assert_eq!(cells(&rows), vec![vec!["0001", "王", ""]]);
    }

    #[test]
    fn no_header_in_the_first_ten_rows_is_an_error() {
        let mut text = String::new();
        for i in 0..10 {
            text.push_str(&format!("row {i}\n"));
        }
        text.push_str("工号,姓名\n0001,王\n");
        let err = read(text.as_bytes(), &Options::default()).err().expect("no header");
        assert!(err.to_string().contains("t.csv: no header row"), "{err}");
    }

    #[test]
    fn encodings_are_recognised() {
        let text = "工号,姓名\r\n0001,王建国\r\n";
        let want = vec![vec!["0001", "王建国", ""]];
        let (gbk, _, _) = GB18030.encode(text);
        let mut bom8 = b"\xEF\xBB\xBF".to_vec();
        bom8.extend_from_slice(text.as_bytes());
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for u in text.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
            be.extend_from_slice(&u.to_be_bytes());
        }
        for (what, bytes) in
            [("utf-8", text.as_bytes()), ("gbk", &gbk[..]), ("bom", &bom8[..]), ("le", &le), ("be", &be)]
        {
            let (_, rows) = read(bytes, &Options::default()).unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(cells(&rows), want, "{what}");
        }
        let forced = Options { encoding: Some(Encoding::Utf8), sheet: None };
        let err = read(&gbk, &forced).err().expect("GBK read as UTF-8");
        assert!(err.to_string().contains("not valid UTF-8"), "{err}");
    }

    #[test]
    fn full_width_cells_are_normalised() {
        let (_, rows) = read("　工号　,姓名\n０００２,李秀英\n".as_bytes(), &Options::default()).unwrap();
        assert_eq!(cells(&rows), vec![vec!["0002", "李秀英", ""]]);
    }
}
