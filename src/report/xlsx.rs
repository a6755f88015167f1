//! XLSX output: one worksheet per table, ready to print: a title row, a bold header row that is
//! frozen, filtered and repeated on every printed page, landscape A4 one page wide, page numbers;
//! columns wide enough for Chinese text, numbers as numbers, formula-looking text defused.

use rust_xlsxwriter::{Format as XFormat, FormatAlign, FormatBorder, Workbook, Worksheet};

use super::render::{defuse, Cell, Document, Table};
use crate::error::{Error, Result};
use crate::Lang;

/// Display width in Excel's units: a CJK character is about two Latin ones.
fn width(text: &str) -> f64 {
    let wide = |c: char| {
        matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
    };
    text.chars().map(|c| if wide(c) { 2.1 } else { 1.0 }).sum()
}

/// Excel's code for A4 paper, what Chinese offices print on.
const A4: u8 = 9;

fn xerr(e: rust_xlsxwriter::XlsxError) -> Error {
    Error::Other(crate::msg::Msg::XlsxFailed { detail: e.to_string() })
}

pub fn workbook(doc: &Document, lang: Lang) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    let mut used = Vec::new();
    let order: Vec<usize> = if doc.sheets.is_empty() { (0..doc.tables.len()).collect() } else { doc.sheets.clone() };
    for (i, table) in order.iter().filter_map(|&t| doc.tables.get(t)).enumerate() {
        // Rows go to a temporary file as they are written (shared strings kept, so the workbook
        // is the same): fifty thousand rows are not held as cells in memory.
        let sheet = book.add_worksheet_with_low_memory();
        // Sheet names: at most 31 characters, unique, none of []:*?/\ .
        let mut name: String = table.title.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(28).collect();
        if name.is_empty() || used.contains(&name) {
            name = format!("{} {}", lang.pick("Sheet", "表"), i + 1);
        }
        used.push(name.clone());
        sheet.set_name(&name).map_err(xerr)?;
        // The report's title and the table's, so that a printed page says what it is.
        let title = [doc.title.as_str(), table.title.as_str()]
            .into_iter()
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join(lang.pick(" — ", "——"));
        let below = sheet_of(sheet, table, &title, lang)?;
        // The report's summary lines (how many met, the programme) under the first sheet's table,
        // after a blank row: the committee's workbook says what the other formats say.
        if i == 0 {
            for (k, line) in doc.lines.iter().enumerate() {
                sheet.write_string(below + 1 + k as u32, 0, defuse(line)).map_err(xerr)?;
            }
        }
    }
    if doc.tables.is_empty() {
        book.add_worksheet();
    }
    book.save_to_buffer().map_err(xerr)
}

/// Writes one table on its sheet: the title (if any) in the first row, the header under it,
/// then the rows; and sets the sheet up for the screen and for print. Returns the first row
/// under the table.
fn sheet_of(sheet: &mut Worksheet, table: &Table, title: &str, lang: Lang) -> Result<u32> {
    // The header stands out on paper too: shaded, ruled off from the rows.
    let bold = XFormat::new()
        .set_bold()
        .set_align(FormatAlign::VerticalCenter)
        .set_background_color(0xF3E5E5)
        .set_border_bottom(FormatBorder::Thin);
    let hours = XFormat::new().set_num_format("0.00");
    let percent = XFormat::new().set_num_format("0.0%");
    let last_col = table.columns.len().saturating_sub(1) as u16;
    let header: u32 = if title.is_empty() { 0 } else { 1 };
    if !title.is_empty() {
        let big = XFormat::new().set_bold().set_font_size(14).set_align(FormatAlign::VerticalCenter);
        if last_col > 0 {
            sheet.merge_range(0, 0, 0, last_col, title, &big).map_err(xerr)?;
        } else {
            sheet.write_string_with_format(0, 0, title, &big).map_err(xerr)?;
        }
        sheet.set_row_height(0, 24).map_err(xerr)?;
    }
    let mut widths: Vec<f64> = table.columns.iter().map(|c| width(c)).collect();
    for (c, name) in table.columns.iter().enumerate() {
        sheet.write_string_with_format(header, c as u16, defuse(name), &bold).map_err(xerr)?;
    }
    let mut scratch = String::new();
    for (r, row) in table.rows.iter().enumerate() {
        let r = header + 1 + r as u32;
        for (c, cell) in row.iter().enumerate() {
            let col = c as u16;
            match cell {
                Cell::Text(s) => sheet.write_string(r, col, defuse(s)).map(|_| ()),
                Cell::Int(i) => sheet.write_number(r, col, *i as f64).map(|_| ()),
                Cell::Hours(h) => sheet.write_number_with_format(r, col, h.as_f64(), &hours).map(|_| ()),
                Cell::Ratio(x) => sheet.write_number_with_format(r, col, *x, &percent).map(|_| ()),
                Cell::Bool(_) | Cell::Word(..) => sheet.write_string(r, col, cell.display(lang)).map(|_| ()),
                Cell::Blank => Ok(()),
            }
            .map_err(xerr)?;
            if let Some(w) = widths.get_mut(c) {
                let text = match cell {
                    Cell::Text(s) => s.as_str(),
                    cell => {
                        scratch.clear();
                        cell.write(&mut scratch, lang);
                        scratch.as_str()
                    }
                };
                *w = w.max(width(text));
            }
        }
    }
    // The filter's arrows take room beside each header.
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, (w + 4.0).min(60.0)).map_err(xerr)?;
    }
    sheet.set_freeze_panes(header + 1, 0).map_err(xerr)?;
    if !table.columns.is_empty() {
        sheet.autofilter(header, 0, header + table.rows.len() as u32, last_col).map_err(xerr)?;
    }
    // Print: landscape A4, every column on one page's width, the header on every page.
    sheet.set_landscape().set_paper_size(A4).set_print_fit_to_pages(1, 0);
    sheet.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
    sheet.set_repeat_rows(header, header).map_err(xerr)?;
    sheet.set_footer(lang.pick("&CPage &P of &N", "&C第 &P 页，共 &N 页"));
    Ok(header + 1 + table.rows.len() as u32)
}
