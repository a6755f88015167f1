//! Workbooks (.xlsx, and what else Excel and WPS save: .xls, .xlsb, .ods) through calamine: a
//! worksheet's cells as the text a person would type, and cell addresses for messages.

use std::io;
use std::path::Path;

use calamine::{Data, Reader as _};

use super::header::normalise;
use super::{unreadable, Options, RawRow};
use crate::error::{Error, Result};

/// A file named as a workbook is read as one (and said to be unreadable if it is not), rather
/// than taken for text with no header.
pub(super) fn has_workbook_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ["xlsx", "xlsm", "xls", "xlsb", "ods"].iter().any(|w| e.eq_ignore_ascii_case(w)))
}

/// The worksheet's name and its rows as text, each with its 1-based row number (a workbook is
/// read whole: calamine has no streaming reader). Excel date cells
/// become ISO dates; whole numbers their digits (a staff id typed as a number).
pub(super) fn read_xlsx(path: &Path, file: &str, options: &Options) -> Result<(String, Vec<RawRow>)> {
    let bytes = std::fs::read(path).map_err(|e| unreadable(path, &e))?;
    // .xlsx as the contract asks, and what else Excel and WPS save (.xls, .xlsb, .ods).
    let mut book = calamine::open_workbook_auto_from_rs(io::Cursor::new(bytes)).map_err(|e| {
        Error::Input(format!("{file}: cannot be read as a workbook (damaged, or not really a spreadsheet): {e}"))
    })?;
    let names = book.sheet_names();
    let name = match &options.sheet {
        Some(wanted) => names.iter().find(|n| n.trim() == wanted.trim()).cloned().ok_or_else(|| {
            Error::invalid_at(file, format!("has no worksheet named {wanted:?} (it has: {})", names.join(", ")))
        })?,
        None => names.first().cloned().ok_or_else(|| Error::invalid_at(file, "has no worksheet"))?,
    };
    let range = book
        .worksheet_range(&name)
        .map_err(|e| Error::invalid_at(file, format!("worksheet {name:?} cannot be read: {e}")))?;
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let rows = range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            let mut text: Vec<String> = vec![String::new(); first_col as usize];
            text.extend(cells.iter().map(cell_text));
            (u64::from(first_row) + i as u64 + 1, text)
        })
        .collect();
    Ok((name, rows))
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
