//! Workbooks (.xlsx, and what else Excel and WPS save: .xls, .xlsb, .ods) through calamine: a
//! worksheet's cells as the text a person would type, and cell addresses for messages.

use std::io;
use std::path::Path;

use calamine::{Data, Reader as _};

use super::header::normalise;
use super::{unreadable, Options, RawRow};
use crate::error::{Error, Result};
use crate::msg::Msg;

/// A file named as a workbook is read as one (and said to be unreadable if it is not), rather
/// than taken for text with no header.
pub(super) fn has_workbook_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ["xlsx", "xlsm", "xls", "xlsb", "ods"].iter().any(|w| e.eq_ignore_ascii_case(w)))
}

/// Excel's grid ends at XFD1048576: a cell beyond it is in no worksheet.
const MAX_ROWS: u32 = 1 << 20;
const MAX_COLUMNS: u32 = 1 << 14;

fn damaged(file: &str, why: Msg) -> Error {
    Error::Input(Msg::Damaged { file: file.to_string(), why: Box::new(why) })
}

/// What calamine said of a workbook it could not read.
fn detail(e: impl std::fmt::Display) -> Msg {
    Msg::DamagedDetail { detail: e.to_string() }
}

/// The worksheet's name and its non-blank rows as text, each with its 1-based row number (a
/// workbook is read whole: calamine has no streaming reader). Excel date cells become ISO dates;
/// whole numbers their digits (a staff id typed as a number).
pub(super) fn read_xlsx(path: &Path, file: &str, options: &Options) -> Result<(String, Vec<RawRow>)> {
    let bytes = std::fs::read(path).map_err(|e| unreadable(path, &e))?;
    let (name, wanted) = (file.to_string(), options.sheet.clone());
    // calamine panics on some damaged workbooks (a shared string past the end of the table): such
    // a file is damaged like any other, and said to be, not a crash.
    catch_quietly(move || read_book(bytes, &name, wanted.as_deref()))
        .unwrap_or_else(|| Err(damaged(file, Msg::DamagedParts)))
}

fn read_book(bytes: Vec<u8>, file: &str, wanted: Option<&str>) -> Result<(String, Vec<RawRow>)> {
    // .xlsx as the contract asks, and what else Excel and WPS save (.xls, .xlsb, .ods).
    let mut book =
        calamine::open_workbook_auto_from_rs(io::Cursor::new(bytes)).map_err(|e| damaged(file, detail(e)))?;
    let names = book.sheet_names();
    let name = match wanted {
        Some(wanted) => names.iter().find(|n| n.trim() == wanted.trim()).cloned().ok_or_else(|| {
            Error::invalid_at(file, Msg::NoWorksheetNamed { wanted: wanted.to_string(), names: names.clone() })
        })?,
        None => names.first().cloned().ok_or_else(|| Error::invalid_at(file, Msg::NoWorksheet))?,
    };
    let cannot = |e: &dyn std::fmt::Display| {
        Error::invalid_at(file, Msg::WorksheetUnreadable { name: name.clone(), detail: e.to_string() })
    };
    let mut cells: Vec<(u32, u32, String)> = Vec::new();
    let mut keep = |row: u32, col: u32, data: &Data| {
        if row >= MAX_ROWS || col >= MAX_COLUMNS {
            let (row, column) = (u64::from(row) + 1, u64::from(col) + 1);
            return Err(damaged(file, Msg::CellOutsideGrid { row, column }));
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
    // Each row with its blank cells filled in, as the reader of text files gives it.
    let mut rows: Vec<RawRow> = Vec::new();
    for (row, col, text) in cells {
        let line = u64::from(row) + 1;
        if rows.last().is_none_or(|(last, _)| *last != line) {
            rows.push((line, Vec::new()));
        }
        if let Some((_, row_cells)) = rows.last_mut() {
            row_cells.resize(col as usize, String::new());
            row_cells.push(text);
        }
    }
    Ok((name, rows))
}

/// Runs `f`, a panic in it becoming `None` instead of a message on stderr and a crash. The panic
/// hook is process-wide: this is sound because the program reads one workbook on one thread.
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
pub(super) fn column_letters(mut i: usize) -> String {
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

    #[test]
    fn numbers_read_as_people_type_them() {
        assert_eq!(number_text(12.0), "12");
        assert_eq!(number_text(1.5), "1.5");
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(27), "AB");
    }
}
