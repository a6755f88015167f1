//! The header row: found among the first rows of a sheet by a cell that names the key column,
//! and its cells matched to a layout's columns under any alias, in any case. Also the one
//! normalisation every cell gets (trimmed, full-width forms made ASCII).

use std::collections::VecDeque;

use super::{Column, Layout, RawRow};
use crate::error::{Error, Result};

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

    /// Every name of the key column, for the message when no header row is found.
    fn key_names(&self) -> String {
        let key = &self.columns[0];
        std::iter::once(key.name).chain(key.aliases.iter().copied()).collect::<Vec<_>>().join(" ")
    }
}

/// Finds the header among `head`, the first rows of the sheet. Returns, for each layout column,
/// the index of the sheet's column that holds it, and the rows of `head` after the header (the
/// first data rows).
pub(super) fn find(
    layout: &Layout,
    mut head: Vec<RawRow>,
    file: &str,
) -> Result<(Vec<Option<usize>>, VecDeque<RawRow>)> {
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
    Ok((positions, pending))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_forms_are_normalised() {
        assert_eq!(normalise("\u{3000}０００１\u{3000}"), "0001");
        assert_eq!(normalise(" ２．５学时 "), "2.5学时");
        assert_eq!(normalise("ＮＫ１"), "NK1");
        assert_eq!(normalise("王\u{3000}伟"), "王 伟");
    }
}
