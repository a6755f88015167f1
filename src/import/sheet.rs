//! The one sheet reader every import uses: file bytes → decoded text or an .xlsx worksheet →
//! the header row (found among the first rows, under any alias) → a stream of rows of trimmed,
//! normalised cells, each row knowing where it came from for error messages.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;

use calamine::{Data, Reader as _};
use encoding_rs::{Decoder, Encoding, GB18030, UTF_8};
use sha2::{Digest, Sha256};

use crate::cli::Encoding as EncodingArg;
use crate::error::{Error, Problem, Result};

/// How many rows from the top may hold the header (title lines and notes come before it).
const HEADER_SEARCH_ROWS: usize = 10;

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
}

impl Layout {
    /// Printed forms space out short headers to align them (`工  号`, `姓　名`): white space inside
    /// a header does not count.
    fn matches(column: &Column, header: &str) -> bool {
        let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        let header = squeeze(header);
        std::iter::once(column.name)
            .chain(column.aliases.iter().copied())
            .any(|a| squeeze(a).eq_ignore_ascii_case(&header))
    }

    /// Which of this layout's columns a header cell names.
    fn column_of(&self, header: &str) -> Option<usize> {
        self.columns.iter().position(|c| Layout::matches(c, header))
    }

    /// Every name of the key column, for the message when no header row is found.
    fn key_names(&self) -> String {
        let key = &self.columns[0];
        std::iter::once(key.name).chain(key.aliases.iter().copied()).collect::<Vec<_>>().join(" ")
    }
}

/// What the user said about reading the file.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub encoding: Option<EncodingArg>,
    pub sheet: Option<String>,
}

/// A file's bytes summarised before it is read: its SHA-256 (for the batch) and, for text,
/// whether it is valid UTF-8 (which decides the encoding when there is no BOM).
#[derive(Debug, Clone)]
pub struct Fingerprint {
    pub sha256: String,
    pub len: u64,
    pub valid_utf8: bool,
    /// Starts as a workbook does: a zip (.xlsx, .ods) or an OLE file (Excel 97-2003 .xls).
    pub workbook: bool,
}

/// Reads the whole file once, in chunks, so that neither the hash nor the encoding check keeps
/// the file in memory.
pub fn fingerprint(path: &Path) -> Result<Fingerprint> {
    let mut file = open_input(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut carry: Vec<u8> = Vec::new();
    let (mut len, mut valid_utf8, mut first) = (0u64, true, true);
    let mut workbook = false;
    loop {
        let n = file.read(&mut buf).map_err(|e| unreadable(path, &e))?;
        if n == 0 {
            break;
        }
        let chunk = &buf[..n];
        if first {
            workbook = chunk.starts_with(b"PK\x03\x04") || chunk.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
            first = false;
        }
        hasher.update(chunk);
        len += n as u64;
        if valid_utf8 {
            carry.extend_from_slice(chunk);
            match std::str::from_utf8(&carry) {
                Ok(_) => carry.clear(),
                // A character cut by the chunk's end: keep its first bytes for the next chunk.
                Err(e) if e.error_len().is_none() => {
                    carry.drain(..e.valid_up_to());
                }
                Err(_) => valid_utf8 = false,
            }
        }
    }
    let sha256 = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Ok(Fingerprint { sha256, len, valid_utf8: valid_utf8 && carry.is_empty(), workbook })
}

fn open_input(path: &Path) -> Result<File> {
    File::open(path).map_err(|e| unreadable(path, &e))
}

fn unreadable(path: &Path, e: &io::Error) -> Error {
    Error::Input(format!("cannot read {}: {e}", path.display()))
}

/// Full-width spaces, digits, letters and punctuation (what Chinese input methods type) become
/// their ASCII forms; the cell is trimmed.
pub fn normalise(text: &str) -> String {
    let t = text.trim();
    if t.is_ascii() {
        return t.to_string();
    }
    let mapped: String = t
        .chars()
        .map(|c| match c {
            '\u{3000}' | '\u{00A0}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            other => other,
        })
        .collect();
    mapped.trim().to_string()
}

/// A data row: the cells of the layout's columns (empty when the sheet lacks the column or the
/// cell is blank), and where the row is.
#[derive(Debug, Clone)]
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
    Csv { reader: csv::Reader<Box<dyn Read>>, record: csv::StringRecord },
    Xlsx { rows: std::vec::IntoIter<SparseRow> },
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
    source: Source,
    /// Rows read while looking for the header that come after it.
    pending: VecDeque<RawRow>,
    /// Decoded bytes read so far, for a progress bar.
    pub bytes_read: u64,
}

impl Sheet {
    /// Opens `path` and finds its header row. `fp` is the file's fingerprint.
    pub fn open(path: &Path, file: &str, layout: Layout, options: &Options, fp: &Fingerprint) -> Result<Sheet> {
        let (source, worksheet, mut head) = if fp.workbook || has_workbook_extension(path) {
            let (worksheet, rows) = read_xlsx(path, file, options)?;
            let mut rows = rows.into_iter();
            let head: Vec<_> = rows.by_ref().take(HEADER_SEARCH_ROWS).map(dense).collect();
            (Source::Xlsx { rows }, Some(worksheet), head)
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
        let key = &layout.columns[0];
        let at = head.iter().position(|(_, cells)| cells.iter().any(|c| Layout::matches(key, c))).ok_or_else(|| {
            Error::invalid_at(
                file,
                format!(
                    "no header row: none of the first {HEADER_SEARCH_ROWS} rows has a column named {} ({})",
                    key.name,
                    layout.key_names()
                ),
            )
        })?;
        let pending: VecDeque<_> = head.split_off(at + 1).into();
        let (_, header) = &head[at];
        let mut positions = vec![None; layout.columns.len()];
        for (i, name) in header.iter().enumerate() {
            if let Some(c) = layout.column_of(name) {
                // The first column of a name wins; a second one (a copy, a note) is ignored.
                positions[c].get_or_insert(i);
            }
        }
        Ok(Sheet { file: file.to_string(), worksheet, layout, positions, source, pending, bytes_read: 0 })
    }

    /// Whether the sheet has this layout column.
    pub fn has(&self, column: usize) -> bool {
        self.positions.get(column).is_some_and(Option::is_some)
    }

    /// The place of a cell for messages: `sheet.csv:14: hours` or `roster.xlsx:Sheet1!D7: hours`.
    pub fn place(&self, row: &Row, column: usize) -> String {
        let name = self.layout.columns[column].name;
        match (&self.worksheet, self.positions.get(column).copied().flatten()) {
            (Some(ws), Some(c)) => format!("{}:{ws}!{}{}: {name}", self.file, column_letters(c), row.line),
            (Some(ws), None) => format!("{}:{ws}: row {}: {name}", self.file, row.line),
            (None, _) => format!("{}:{}: {name}", self.file, row.line),
        }
    }

    /// Requires the layout columns an import cannot do without.
    pub fn require(&self, columns: &[usize]) -> Result<()> {
        let missing: Vec<Problem> = columns
            .iter()
            .filter(|&&c| !self.has(c))
            .map(|&c| {
                let col = &self.layout.columns[c];
                let names = std::iter::once(col.name).chain(col.aliases.iter().copied()).collect::<Vec<_>>();
                Problem::at(
                    &self.file,
                    format!("the header row has no {} column (name it {})", col.name, names.join(" ")),
                )
            })
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid(missing))
        }
    }

    fn shape(&self, line: u64, mut raw: Vec<String>) -> Row {
        let cells = self
            .positions
            .iter()
            .map(|p| p.and_then(|i| raw.get_mut(i).map(std::mem::take)).unwrap_or_default())
            .collect();
        Row { cells, line }
    }

    fn next_raw(&mut self) -> Result<Option<RawRow>> {
        if let Some(r) = self.pending.pop_front() {
            return Ok(Some(r));
        }
        match &mut self.source {
            Source::Xlsx { rows } => Ok(rows.next().map(dense)),
            Source::Csv { .. } => {
                let r = next_csv(&mut self.source, &self.file)?;
                if let Source::Csv { reader, .. } = &self.source {
                    self.bytes_read = reader.position().byte();
                }
                Ok(r)
            }
        }
    }
}

impl Iterator for Sheet {
    type Item = Result<Row>;

    /// The next data row; blank rows and rows without a key (totals, signatures) are skipped.
    fn next(&mut self) -> Option<Result<Row>> {
        loop {
            let (line, raw) = match self.next_raw() {
                Ok(Some(r)) => r,
                Ok(None) => return None,
                Err(e) => return Some(Err(e)),
            };
            let row = self.shape(line, raw);
            if !row.get(0).is_empty() {
                return Some(Ok(row));
            }
        }
    }
}

fn next_csv(source: &mut Source, file: &str) -> Result<Option<RawRow>> {
    let Source::Csv { reader, record } = source else {
        return Ok(None);
    };
    match reader.read_record(record) {
        Ok(false) => Ok(None),
        Ok(true) => {
            // The reader's position after a record is past its closing LF (or at the end of the
            // file); the record began that many lines up, less the LFs inside quoted cells.
            let after = reader.position().line();
            let inside: u64 = record.iter().map(|c| c.bytes().filter(|&b| b == b'\n').count() as u64).sum();
            let line = after.saturating_sub(1 + inside).max(1);
            Ok(Some((line, record.iter().map(normalise).collect())))
        }
        Err(e) => {
            let line = e.position().map_or(0, csv::Position::line);
            let what = match e.kind() {
                csv::ErrorKind::Utf8 { .. } => {
                    "is not valid UTF-8 text (if the file is GBK, add --encoding gb18030)".to_string()
                }
                _ => format!("cannot be read as CSV: {e}"),
            };
            Err(Error::invalid_at(format!("{file}:{line}"), what))
        }
    }
}

/// The encoding to read a text file in: a BOM decides, then `--encoding`, then UTF-8 if the whole
/// file is valid UTF-8, else GB18030 (what Chinese Excel and WPS write).
fn choose_encoding(head: &[u8], options: &Options, fp: &Fingerprint) -> (&'static Encoding, usize) {
    if let Some((enc, bom)) = Encoding::for_bom(head) {
        return (enc, bom);
    }
    match options.encoding {
        Some(EncodingArg::Utf8) => (UTF_8, 0),
        Some(EncodingArg::Gb18030) => (GB18030, 0),
        Some(EncodingArg::Auto) | None if fp.valid_utf8 => (UTF_8, 0),
        Some(EncodingArg::Auto) | None => (GB18030, 0),
    }
}

/// A reader of UTF-8 text: the file itself when it is UTF-8 (past any BOM), else a decoder.
fn decoding_reader(path: &Path, options: &Options, fp: &Fingerprint) -> Result<Box<dyn Read>> {
    let mut file = BufReader::with_capacity(1 << 16, open_input(path)?);
    let mut head = [0u8; 3];
    let mut got = 0;
    while got < head.len() {
        let n = file.read(&mut head[got..]).map_err(|e| unreadable(path, &e))?;
        if n == 0 {
            break;
        }
        got += n;
    }
    let (encoding, bom) = choose_encoding(&head[..got], options, fp);
    let rest: Box<dyn Read> = Box::new(io::Cursor::new(head[bom..got].to_vec()).chain(file));
    if encoding == UTF_8 {
        return Ok(Box::new(Newlines::new(rest)));
    }
    Ok(Box::new(Newlines::new(Box::new(Decoding::new(encoding.new_decoder_without_bom_handling(), rest)))))
}

/// Turns CRLF into LF and ends the text with an LF. The csv reader counts lines by LF and ends a
/// record at the CR, so with CRLF it would report the line before a record's; with every record
/// ended by an LF alone, its count after a record is exact.
struct Newlines {
    inner: Box<dyn Read>,
    /// A CR that ended the previous chunk: dropped if the next byte is LF.
    held_cr: bool,
    /// Whether the last byte handed out was an LF (or nothing was).
    ended: bool,
}

impl Newlines {
    fn new(inner: Box<dyn Read>) -> Newlines {
        Newlines { inner, held_cr: false, ended: true }
    }
}

impl Read for Newlines {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.len() < 2 {
            return self.inner.read(buf);
        }
        loop {
            let start = usize::from(self.held_cr);
            if self.held_cr {
                buf[0] = b'\r';
            }
            let n = self.inner.read(&mut buf[start..])?;
            if n == 0 {
                if self.held_cr {
                    self.held_cr = false;
                    self.ended = false;
                    return Ok(1);
                }
                if !self.ended {
                    buf[0] = b'\n';
                    self.ended = true;
                    return Ok(1);
                }
                return Ok(0);
            }
            let end = start + n;
            let mut out = 0;
            for i in 0..end {
                let b = buf[i];
                if b == b'\r' && buf.get(i + 1) == Some(&b'\n') && i + 1 < end {
                    continue;
                }
                buf[out] = b;
                out += 1;
            }
            // A CR at the chunk's end may be half of a CRLF: decide when the next byte comes.
            self.held_cr = out > 0 && buf[out - 1] == b'\r';
            if self.held_cr {
                out -= 1;
            }
            if out > 0 {
                self.ended = buf[out - 1] == b'\n';
                return Ok(out);
            }
        }
    }
}

/// Commas, or tabs when the top of the text has more tabs than commas: Excel's "Unicode text"
/// (UTF-16 with tabs) and many systems' exports are tab-separated. Returns the whole text again.
fn sniff_delimiter(mut text: Box<dyn Read>) -> io::Result<(u8, Box<dyn Read>)> {
    let mut head = vec![0u8; 1 << 14];
    let mut got = 0;
    while got < head.len() {
        let n = text.read(&mut head[got..])?;
        if n == 0 {
            break;
        }
        got += n;
    }
    head.truncate(got);
    let top: Vec<u8> = head.split(|&b| b == b'\n').take(HEADER_SEARCH_ROWS + 5).flatten().copied().collect();
    let count = |c: u8| top.iter().filter(|&&b| b == c).count();
    let delimiter = if count(b'\t') > count(b',') { b'\t' } else { b',' };
    Ok((delimiter, Box::new(io::Cursor::new(head).chain(text))))
}

/// Decodes a byte stream into UTF-8 as it is read, a chunk at a time.
struct Decoding {
    decoder: Decoder,
    inner: Box<dyn Read>,
    input: Vec<u8>,
    /// Undecoded input bytes: `input[in_start..in_end]`.
    in_start: usize,
    in_end: usize,
    output: Vec<u8>,
    /// Decoded bytes not yet handed out: `output[start..end]`.
    start: usize,
    end: usize,
    eof: bool,
    done: bool,
}

impl Decoding {
    fn new(decoder: Decoder, inner: Box<dyn Read>) -> Decoding {
        Decoding {
            decoder,
            inner,
            input: vec![0; 1 << 16],
            in_start: 0,
            in_end: 0,
            output: vec![0; 1 << 17],
            start: 0,
            end: 0,
            eof: false,
            done: false,
        }
    }
}

impl Read for Decoding {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.start == self.end && !self.done {
            if self.in_start == self.in_end && !self.eof {
                let n = self.inner.read(&mut self.input)?;
                self.in_start = 0;
                self.in_end = n;
                self.eof = n == 0;
            }
            // Malformed sequences become U+FFFD, which no name or code matches, so a row with
            // them is reported rather than silently dropped.
            let (result, read, written, _) =
                self.decoder.decode_to_utf8(&self.input[self.in_start..self.in_end], &mut self.output, self.eof);
            self.in_start += read;
            self.start = 0;
            self.end = written;
            self.done = self.eof && result == encoding_rs::CoderResult::InputEmpty;
        }
        let n = buf.len().min(self.end - self.start);
        buf[..n].copy_from_slice(&self.output[self.start..self.start + n]);
        self.start += n;
        Ok(n)
    }
}

/// A file named as a workbook is read as one (and said to be unreadable if it is not), rather
/// than taken for text with no header.
fn has_workbook_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ["xlsx", "xlsm", "xls", "xlsb", "ods"].iter().any(|w| e.eq_ignore_ascii_case(w)))
}

/// Excel's grid ends at XFD1048576: a cell beyond it is in no worksheet.
const MAX_ROWS: u32 = 1 << 20;
const MAX_COLUMNS: u32 = 1 << 14;

/// A worksheet row as read: its 1-based row number and its non-blank cells, (column, text), left
/// to right.
type SparseRow = (u64, Vec<(usize, String)>);

/// The row with its blank cells filled in, as the reader of text files gives it.
fn dense((line, cells): SparseRow) -> RawRow {
    let mut text = vec![String::new(); cells.last().map_or(0, |(c, _)| c + 1)];
    for (c, t) in cells {
        text[c] = t;
    }
    (line, text)
}

fn damaged(file: &str, why: impl std::fmt::Display) -> Error {
    Error::Input(format!("{file}: cannot be read as a workbook (damaged, or not really a spreadsheet): {why}"))
}

/// The worksheet's name and its non-blank rows as text (a workbook is read whole: calamine has
/// no streaming reader). Excel date cells become ISO dates; whole numbers their digits (a staff
/// id typed as a number).
fn read_xlsx(path: &Path, file: &str, options: &Options) -> Result<(String, Vec<SparseRow>)> {
    let bytes = std::fs::read(path).map_err(|e| unreadable(path, &e))?;
    let (name, wanted) = (file.to_string(), options.sheet.clone());
    // calamine panics on some damaged workbooks (a shared string past the end of the table): such
    // a file is damaged like any other, and said to be, not a crash.
    catch_quietly(move || read_book(bytes, &name, wanted.as_deref()))
        .unwrap_or_else(|| Err(damaged(file, "its parts contradict each other")))
}

fn read_book(bytes: Vec<u8>, file: &str, wanted: Option<&str>) -> Result<(String, Vec<SparseRow>)> {
    // .xlsx as the contract asks, and what else Excel and WPS save (.xls, .xlsb, .ods).
    let mut book = calamine::open_workbook_auto_from_rs(io::Cursor::new(bytes)).map_err(|e| damaged(file, e))?;
    let names = book.sheet_names();
    let name = match wanted {
        Some(wanted) => names.iter().find(|n| n.trim() == wanted.trim()).cloned().ok_or_else(|| {
            Error::invalid_at(file, format!("has no worksheet named {wanted:?} (it has: {})", names.join(", ")))
        })?,
        None => names.first().cloned().ok_or_else(|| Error::invalid_at(file, "has no worksheet"))?,
    };
    let cannot = |e: &dyn std::fmt::Display| Error::invalid_at(file, format!("worksheet {name:?} cannot be read: {e}"));
    let mut cells: Vec<(u32, u32, String)> = Vec::new();
    let mut keep = |row: u32, col: u32, data: &Data| {
        if row >= MAX_ROWS || col >= MAX_COLUMNS {
            return Err(damaged(
                file,
                format!(
                    "a cell lies outside the worksheet's grid (row {}, column {})",
                    u64::from(row) + 1,
                    u64::from(col) + 1
                ),
            ));
        }
        let text = cell_text(data);
        if !text.is_empty() {
            cells.push((row, col, text));
        }
        Ok(())
    };
    match &mut book {
        // Cell by cell: a range would hold every cell from the first to the last, and one stray
        // value at the foot of a sheet makes that gigabytes.
        calamine::Sheets::Xlsx(xlsx) => {
            let mut reader = xlsx.worksheet_cells_reader(&name).map_err(|e| cannot(&e))?;
            while let Some(cell) = reader.next_cell().map_err(|e| cannot(&e))? {
                let (row, col) = cell.get_position();
                keep(row, col, &Data::from(cell.get_value().clone()))?;
            }
        }
        other => {
            let range = other.worksheet_range(&name).map_err(|e| cannot(&e))?;
            let (first_row, first_col) = range.start().unwrap_or((0, 0));
            for (r, c, data) in range.used_cells() {
                keep(first_row + r as u32, first_col + c as u32, data)?;
            }
        }
    }
    cells.sort_by_key(|&(row, col, _)| (row, col));
    let mut rows: Vec<SparseRow> = Vec::new();
    for (row, col, text) in cells {
        let line = u64::from(row) + 1;
        match rows.last_mut() {
            Some((last, row_cells)) if *last == line => row_cells.push((col as usize, text)),
            _ => rows.push((line, vec![(col as usize, text)])),
        }
    }
    Ok((name, rows))
}

/// Runs `f`, a panic in it becoming `None` instead of a message on stderr and a crash.
fn catch_quietly<T>(f: impl FnOnce() -> T + std::panic::UnwindSafe) -> Option<T> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(f);
    std::panic::set_hook(hook);
    result.ok()
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => normalise(s),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => if *b { "1" } else { "0" }.to_string(),
        Data::DateTime(dt) if dt.is_datetime() => {
            crate::date::from_excel_serial(dt.as_f64()).map_or_else(|| number_text(dt.as_f64()), crate::date::iso)
        }
        Data::DateTime(dt) => number_text(dt.as_f64()),
    }
}

/// A number cell as a person would type it: `12` for 12.0, `1.5`.
fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// `0` → `A`, `27` → `AB`.
fn column_letters(mut i: usize) -> String {
    let mut s = Vec::new();
    i += 1;
    while i > 0 {
        let r = (i - 1) % 26;
        s.push(b'A' + r as u8);
        i = (i - 1) / 26;
    }
    s.reverse();
    String::from_utf8_lossy(&s).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LAYOUT: Layout = Layout {
        columns: &[
            Column { name: "staff_id", aliases: &["工号", "职工号"] },
            Column { name: "name", aliases: &["姓名"] },
            Column { name: "status", aliases: &["状态", "签到"] },
        ],
    };

    fn read(bytes: &[u8], options: &Options) -> Result<(Sheet, Vec<Row>)> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, bytes).unwrap();
        let fp = fingerprint(&path)?;
        let sheet = Sheet::open(&path, "t.csv", LAYOUT, options, &fp)?;
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
        assert_eq!(sheet.place(&rows[1], 1), "t.csv:8: name");
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
            assert_eq!(sheet.place(&rows[2], 0), "t.csv:8: staff_id");
        }
    }

    #[test]
    fn crlf_split_across_reads_is_one_line_end() {
        let joined = b"a\r\nb\rc\r\nd".to_vec();
        let mut r = Newlines::new(Box::new(io::Cursor::new(joined)));
        let mut out = Vec::new();
        let mut buf = [0u8; 2];
        loop {
            let n = r.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        assert_eq!(out, b"a\nb\rc\nd\n");
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
        let forced = Options { encoding: Some(EncodingArg::Utf8), sheet: None };
        let err = read(&gbk, &forced).err().expect("GBK read as UTF-8");
        assert!(err.to_string().contains("not valid UTF-8"), "{err}");
    }

    #[test]
    fn a_character_cut_by_a_chunk_boundary_is_still_utf8() {
        let mut text = String::from("工号,姓名\n");
        while text.len() < (1 << 16) + 10 {
            text.push_str("0001,王建国\n");
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.csv");
        std::fs::write(&path, &text).unwrap();
        assert!(fingerprint(&path).unwrap().valid_utf8);
    }

    #[test]
    fn full_width_forms_are_normalised() {
        assert_eq!(normalise("\u{3000}０００１\u{3000}"), "0001");
        assert_eq!(normalise(" ２．５学时 "), "2.5学时");
        assert_eq!(normalise("ＮＫ１"), "NK1");
        assert_eq!(normalise("王\u{3000}伟"), "王 伟");
        let (_, rows) = read("　工号　,姓名\n０００２,李秀英\n".as_bytes(), &Options::default()).unwrap();
        assert_eq!(cells(&rows), vec![vec!["0002", "李秀英", ""]]);
    }

    #[test]
    fn numbers_read_as_people_type_them() {
        assert_eq!(number_text(12.0), "12");
        assert_eq!(number_text(1.5), "1.5");
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(27), "AB");
    }
}
