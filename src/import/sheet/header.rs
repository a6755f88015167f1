//! The header row: found among the first rows of a sheet by a cell that names the key column,
//! and its cells matched to a layout's columns under any alias, in any case. Also the one
//! normalisation every cell gets (trimmed, full-width forms made ASCII).

use std::collections::VecDeque;

use super::{Column, Layout, RawRow};
use crate::error::{Error, Result};
use crate::msg::Msg;

/// How many rows from the top may hold the header (title lines and notes come before it).
pub(super) const HEADER_SEARCH_ROWS: usize = 10;

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

    /// A column and every name it goes by, for messages: in English `staff_id (staff_id 工号 …)`,
    /// in Chinese by its Chinese names alone, `工号（职工号、员工号、人员编号）`.
    pub(super) fn names_of(&self, column: usize) -> Box<crate::msg::ColumnNames> {
        let c = &self.columns[column];
        let all = std::iter::once(c.name).chain(c.aliases.iter().copied()).collect::<Vec<_>>().join(" ");
        let chinese: Vec<&str> = c.aliases.iter().copied().filter(|a| !a.is_ascii()).collect();
        let zh = match chinese.split_first() {
            Some((first, [])) => first.to_string(),
            Some((first, rest)) => format!("{first}（{}）", rest.join("、")),
            None => c.name.to_string(),
        };
        Box::new(crate::msg::ColumnNames { en: c.name.to_string(), all, zh })
    }
}

/// The header row as found: where each layout column is, what comes after it, what it ignores.
pub(super) struct Header {
    /// For each layout column, the index of the sheet's column that holds it.
    pub positions: Vec<Option<usize>>,
    /// For each layout column, the header cell that names it in the sheet.
    pub titles: Vec<Option<String>>,
    /// The rows of the head after the header: the first data rows.
    pub pending: VecDeque<RawRow>,
    /// The header's named cells that no layout column takes (序号, 签名, 打卡时间, or a second
    /// column of one name), in the sheet's order.
    pub ignored: Vec<String>,
    /// The one year the lines above the header name (a title such as `2024年3月党课签到表`).
    pub title_year: Option<i32>,
}

/// Finds the header among `head`, the first rows of the sheet: the first row with a cell naming
/// the key column, or, in a layout that can find learners by name and when no row names the key,
/// the first with a name column (a paper sign-in sheet has names and no 工号).
pub(super) fn find(layout: &Layout, mut head: Vec<RawRow>, file: &str) -> Result<Header> {
    if head.iter().all(|(_, cells)| cells.iter().all(|c| c.trim().is_empty())) {
        return Err(Error::invalid_at(file, Msg::EmptySheet));
    }
    let names = |column: usize| {
        let c = &layout.columns[column];
        move |(_, cells): &RawRow| cells.iter().any(|cell| Layout::matches(c, cell))
    };
    let at = head
        .iter()
        .position(names(0))
        .or_else(|| layout.by_name.and_then(|name| head.iter().position(names(name))))
        .ok_or_else(|| {
            Error::invalid_at(
                file,
                Msg::NoHeader {
                    rows: HEADER_SEARCH_ROWS,
                    key: layout.names_of(0),
                    by_name: layout.by_name.map(|n| layout.names_of(n)),
                },
            )
        })?;
    let pending: VecDeque<_> = head.split_off(at + 1).into();
    let (_, header) = head.pop().expect("the header row is in the head");
    let title_year = {
        let years: Vec<i32> =
            head.iter().flat_map(|(_, cells)| cells.iter()).filter_map(|c| crate::date::year_in_text(c)).collect();
        years.first().copied().filter(|y| years.iter().all(|o| o == y))
    };
    let mut positions = vec![None; layout.columns.len()];
    let mut titles = vec![None; layout.columns.len()];
    let mut ignored = Vec::new();
    for (i, name) in header.into_iter().enumerate() {
        match layout.column_of(&name) {
            // The first column of a name wins; a second one (a copy, a note) is ignored.
            Some(c) if positions[c].is_none() => {
                positions[c] = Some(i);
                titles[c] = Some(name);
            }
            _ if name.is_empty() => {}
            _ => ignored.push(name),
        }
    }
    Ok(Header { positions, titles, pending, ignored, title_year })
}

/// Full-width spaces, digits, letters and punctuation (what Chinese input methods type) become
/// their ASCII forms; NUL characters are dropped; the cell is trimmed.
pub fn normalise(text: &str) -> String {
    let mut out = String::new();
    normalise_into(text, &mut out);
    out
}

/// [`normalise`] into `out` (empty), which keeps its buffer: the reader's hot path.
pub(super) fn normalise_into(text: &str, out: &mut String) {
    // A NUL is no sheet's text (a damaged file, or UTF-16 read as another encoding), shows as
    // nothing where sheets are edited, and is text no PostgreSQL server stores.
    if text.contains('\0') {
        return normalise_into(&text.replace('\0', ""), out);
    }
    let t = text.trim();
    // `="0037"`: a text formula, how a CSV keeps a staff id's leading zeros in Excel (xueshi's
    // own CSV exports write staff ids so): its text is the cell's.
    let t = t.strip_prefix("=\"").and_then(|r| r.strip_suffix('"')).filter(|inner| !inner.contains('"')).unwrap_or(t);
    if t.is_ascii() {
        out.push_str(t);
        return;
    }
    out.extend(t.chars().map(|c| match c {
        '\u{3000}' | '\u{00A0}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        other => other,
    }));
    // A full-width space at either end is white space only once mapped.
    let end = out.trim_end().len();
    out.truncate(end);
    let start = out.len() - out.trim_start().len();
    out.drain(..start);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_forms_are_normalised() {
        assert_eq!(normalise("\u{3000}０００１\u{3000}"), "0001");
        assert_eq!(normalise(" ２．５学时 "), "2.5学时");
        assert_eq!(normalise("ＮＫ１"), "NK1");
        assert_eq!(normalise("\0 党课\0标题 "), "党课标题");
        assert_eq!(normalise("王\u{3000}伟"), "王 伟");
    }
}
