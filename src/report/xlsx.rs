//! XLSX output: one worksheet per table, bold frozen header row, columns wide enough for
//! Chinese text, numbers as numbers, formula-looking text defused.

use rust_xlsxwriter::{Format as XFormat, Workbook};

use super::render::{defuse, is_wide, Cell, Document};
use crate::error::{Error, Result};
use crate::Lang;

/// Display width in Excel's units: a CJK character is about two Latin ones.
fn width(text: &str) -> f64 {
    text.chars().map(|c| if is_wide(c) { 2.1 } else { 1.0 }).sum()
}

pub fn workbook(doc: &Document, lang: Lang) -> Result<Vec<u8>> {
    let xerr = |e: rust_xlsxwriter::XlsxError| Error::Other(crate::msg::Msg::XlsxFailed { detail: e.to_string() });
    let mut book = Workbook::new();
    let bold = XFormat::new().set_bold();
    let hours = XFormat::new().set_num_format("0.00");
    let percent = XFormat::new().set_num_format("0.0%");
    let mut used = Vec::new();
    let order: Vec<usize> = if doc.sheets.is_empty() { (0..doc.tables.len()).collect() } else { doc.sheets.clone() };
    for (i, table) in order.iter().filter_map(|&t| doc.tables.get(t)).enumerate() {
        let sheet = book.add_worksheet();
        // Sheet names: at most 31 characters, unique, none of []:*?/\ .
        let mut name: String = table.title.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(28).collect();
        if name.is_empty() || used.contains(&name) {
            name = format!("{} {}", lang.pick("Sheet", "表"), i + 1);
        }
        used.push(name.clone());
        sheet.set_name(&name).map_err(xerr)?;
        let mut widths: Vec<f64> = table.columns.iter().map(|c| width(c)).collect();
        for (c, title) in table.columns.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, defuse(title), &bold).map_err(xerr)?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            let r = r as u32 + 1;
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
                    *w = w.max(width(&cell.display(lang)));
                }
            }
        }
        for (c, w) in widths.iter().enumerate() {
            sheet.set_column_width(c as u16, (w + 2.0).min(60.0)).map_err(xerr)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(xerr)?;
    }
    if doc.tables.is_empty() {
        book.add_worksheet();
    }
    book.save_to_buffer().map_err(xerr)
}
