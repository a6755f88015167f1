//! Dates as people write them on sheets and command lines (SPEC §3), and Excel's date serials.

use chrono::{Datelike, NaiveDate};

pub use chrono::NaiveDate as Date;

/// Parses `2024-03-15`, `2024/3/15`, `2024.3.15`, `2024年3月15日` and `20240315`.
pub fn parse(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        let n = |r: std::ops::Range<usize>| t[r].parse::<u32>().ok();
        return NaiveDate::from_ymd_opt(n(0..4)? as i32, n(4..6)?, n(6..8)?);
    }
    let t = t.strip_suffix('日').unwrap_or(t);
    let parts: Vec<&str> = t.split(['-', '/', '.', '年', '月']).collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    let ok = |s: &str, max_len: usize| !s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit());
    if y.len() != 4 || !ok(y, 4) || !ok(m, 2) || !ok(d, 2) {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// A date as a sheet's cell holds it: every spelling of [`parse`], a date-time exported as text
/// (`2024-03-15 00:00:00`, `2024-03-15T08:30`), or an Excel date serial exported as a number
/// (`45366`). Exports write those into cells; a command line takes [`parse`]'s spellings only.
pub fn parse_cell(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    if let Some(d) = parse(t) {
        return Some(d);
    }
    if let Some((day, time)) = t.split_once([' ', 'T']) {
        let time = time.trim();
        if !time.is_empty() && time.contains(':') && time.bytes().all(|b| b.is_ascii_digit() || b == b':' || b == b'.')
        {
            return parse(day);
        }
    }
    // Serials 30000 to 60000 are 1982 to 2064; no other spelling of a date is five digits.
    if t.len() == 5 && t.bytes().all(|b| b.is_ascii_digit()) {
        let serial: f64 = t.parse().ok()?;
        if (30_000.0..=60_000.0).contains(&serial) {
            return from_excel_serial(serial);
        }
    }
    None
}

/// An Excel date serial (days since 1899-12-30, the 1900 date system as Excel counts it).
pub fn from_excel_serial(serial: f64) -> Option<NaiveDate> {
    if !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(chrono::Days::new(serial.floor() as u64))
}

/// ISO text, the form stored in the database.
pub fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The last day of a month.
pub fn month_end(year: i32, month: u32) -> NaiveDate {
    let (y, m) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    NaiveDate::from_ymd_opt(y, m, 1).and_then(|d| d.pred_opt()).expect("a valid month")
}

/// Months from January to `last_month` of `year` with at least one day between `joined` and
/// `left` (SPEC §2, proration).
pub fn active_months(year: i32, last_month: u32, joined: Option<NaiveDate>, left: Option<NaiveDate>) -> i64 {
    (1..=last_month)
        .filter(|&m| {
            let start = NaiveDate::from_ymd_opt(year, m, 1).expect("a valid month");
            let end = month_end(year, m);
            joined.is_none_or(|j| j <= end) && left.is_none_or(|l| l >= start)
        })
        .count() as i64
}

/// `2024年3月15日`, for Chinese text.
pub fn zh(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn every_spelling() {
        for text in ["2024-03-15", "2024/3/15", "2024.3.15", "2024年3月15日", "20240315", "2024-3-15", " 2024/03/15 "]
        {
            assert_eq!(parse(text), Some(ymd(2024, 3, 15)), "{text}");
        }
        for text in ["", "2024", "2024-13-01", "2024-02-30", "24-3-15", "2024-3-15-1", "15/3/2024", "2024年3月"] {
            assert_eq!(parse(text), None, "{text}");
        }
    }

    #[test]
    fn excel_serials() {
        assert_eq!(from_excel_serial(45366.0), Some(ymd(2024, 3, 15)));
        assert_eq!(from_excel_serial(45366.75), Some(ymd(2024, 3, 15)));
        assert_eq!(from_excel_serial(-3.0), None);
    }

    /// Every spelling SPEC §3 lists for a date cell, Excel's serials, and what exports write.
    #[test]
    fn every_spelling_of_a_cell() {
        let march_15 = Some(ymd(2024, 3, 15));
        let cases = [
            // SPEC §3, in its order.
            ("2024-03-15", march_15),
            ("2024/3/15", march_15),
            ("2024.3.15", march_15),
            ("2024年3月15日", march_15),
            ("20240315", march_15),
            // The same with one- or two-digit parts, and padded.
            ("2024-3-15", march_15),
            ("2024/03/15", march_15),
            ("2024.03.15", march_15),
            ("2024年03月15日", march_15),
            (" 2024-03-15 ", march_15),
            // Excel date cells exported as numbers: days since 1899-12-30, 30000 to 60000.
            ("45366", march_15),
            ("45292", Some(ymd(2024, 1, 1))),
            ("45657", Some(ymd(2024, 12, 31))),
            ("30000", Some(ymd(1982, 2, 18))),
            ("60000", Some(ymd(2064, 4, 8))),
            ("29999", None),
            ("60001", None),
            ("12345", None),
            // Date-times exported as text: the time is dropped.
            ("2024-03-15 00:00:00", march_15),
            ("2024/3/15 0:00", march_15),
            ("2024-03-15T08:30:00", march_15),
            ("2024-03-15T08:30:00.5", march_15),
            // Not dates.
            ("", None),
            ("3/15", None),
            ("15/3/2024", None),
            ("2024-02-30", None),
            ("2024年3月", None),
            ("2024-03-15 noon", None),
            ("2024-03-15 00:00 extra", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_cell(text), want, "{text:?}");
        }
    }

    #[test]
    fn months_active() {
        assert_eq!(active_months(2024, 12, None, None), 12);
        // joined 1 July: July to December
        assert_eq!(active_months(2024, 12, Some(ymd(2024, 7, 1)), None), 6);
        // joined 31 July still counts July
        assert_eq!(active_months(2024, 12, Some(ymd(2024, 7, 31)), None), 6);
        // left 1 March: January to March
        assert_eq!(active_months(2024, 12, None, Some(ymd(2024, 3, 1))), 3);
        assert_eq!(active_months(2024, 6, Some(ymd(2024, 7, 1)), None), 0);
        assert_eq!(active_months(2024, 12, Some(ymd(2025, 1, 1)), None), 0);
        assert_eq!(active_months(2024, 12, None, Some(ymd(2023, 12, 31))), 0);
    }
}
