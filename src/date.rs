//! Dates as people write them on sheets and command lines (SPEC §3), and Excel's date serials.

use chrono::{Datelike, NaiveDate, Weekday};

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
/// (`2024-03-15 00:00:00`, `2024-03-15T08:30`), an Excel date serial exported as a number
/// (`45366`), or a date with its weekday as DingTalk writes 考勤日期 (`2024-03-15 星期五`, also
/// `24-03-15 星期五`: the weekday must be the date's, which is what lets a two-digit year be
/// read). Exports write those into cells; a command line takes [`parse`]'s spellings only.
pub fn parse_cell(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    if let Some(d) = parse(t) {
        return Some(d);
    }
    if let Some((day, weekday)) = split_weekday(t) {
        return parse(day).or_else(|| two_digit_year(day)).filter(|d| d.weekday() == weekday);
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

/// `星期五`, `周五`, `(周五)` after a date: the date's text and the weekday.
fn split_weekday(text: &str) -> Option<(&str, Weekday)> {
    let body = text.strip_suffix(')').unwrap_or(text);
    let mut chars = body.chars();
    let weekday = match chars.next_back()? {
        '一' => Weekday::Mon,
        '二' => Weekday::Tue,
        '三' => Weekday::Wed,
        '四' => Weekday::Thu,
        '五' => Weekday::Fri,
        '六' => Weekday::Sat,
        '日' | '天' => Weekday::Sun,
        _ => return None,
    };
    let before = chars.as_str();
    let day = before.strip_suffix("星期").or_else(|| before.strip_suffix('周'))?.trim_end();
    let day = day.strip_suffix('(').unwrap_or(day).trim_end();
    Some((day, weekday))
}

/// `24-03-15`: only ever read with a weekday that confirms it.
fn two_digit_year(text: &str) -> Option<NaiveDate> {
    let parts: Vec<&str> = text.split(['-', '/']).collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    let digits =
        |s: &str, len: std::ops::RangeInclusive<usize>| len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(y, 2..=2) || !digits(m, 1..=2) || !digits(d, 1..=2) {
        return None;
    }
    NaiveDate::from_ymd_opt(2000 + y.parse::<i32>().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// `3月15日` (or `3月15号`): a day written without its year, as sign-in sheets do. Its year comes
/// from elsewhere (the sheet's other dates, `--date`, a title line); see [`with_year`].
pub fn month_day(text: &str) -> Option<(u32, u32)> {
    let t = text.trim();
    let t = t.strip_suffix('日').or_else(|| t.strip_suffix('号'))?;
    let (m, d) = t.split_once('月')?;
    let number = |s: &str, max: u32| {
        (!s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
            .filter(|n| (1..=max).contains(n))
    };
    Some((number(m, 12)?, number(d, 31)?))
}

/// A [`month_day`] in `year`; None when that year has no such day (2月29日 of 2025).
pub fn with_year(year: i32, (month, day): (u32, u32)) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day)
}

/// The one year a line of text names (`2024年3月党课签到表`, `统计日期：2024-03-15 至 2024-03-15`):
/// four digits followed by 年 or a date's separator. None when it names none, or several.
pub fn year_in_text(text: &str) -> Option<i32> {
    let bytes = text.as_bytes();
    let mut found: Option<i32> = None;
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let rest = &text[i..];
        // `2024-03-…`, not `2024-2025`: a separator marks a year when a month follows it.
        let month_follows = |sep: char| {
            rest.strip_prefix(sep).is_some_and(|r| {
                let digits = r.bytes().take_while(u8::is_ascii_digit).count();
                (1..=2).contains(&digits) && r[digits..].starts_with(sep)
            })
        };
        let marked = rest.starts_with('年') || ['-', '/', '.'].into_iter().any(month_follows);
        if i - start == 4 && marked {
            let year: i32 = text[start..i].parse().ok()?;
            if !(1900..=2999).contains(&year) || found.is_some_and(|f| f != year) {
                return None;
            }
            found = Some(year);
        }
    }
    found
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
            // DingTalk's 考勤日期: the weekday after the date, which must be the date's.
            ("2024-03-15 星期五", march_15),
            ("24-03-15 星期五", march_15),
            ("2024/3/15(周五)", march_15),
            ("2024-03-15 (周五)", march_15),
            ("2024年3月15日星期五", march_15),
            ("2024-03-15 星期四", None),
            ("24-03-15 星期四", None),
            ("24-03-15", None),
            ("3-15 星期五", None),
            ("星期五", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_cell(text), want, "{text:?}");
        }
    }

    #[test]
    fn days_without_a_year() {
        let cases = [
            ("3月15日", Some((3, 15))),
            ("03月05日", Some((3, 5))),
            (" 12月31号 ", Some((12, 31))),
            ("2月29日", Some((2, 29))),
            ("13月1日", None),
            ("3月32日", None),
            ("3月日", None),
            ("月15日", None),
            ("3月15", None),
            ("2024年3月15日", None),
            ("三月十五日", None),
        ];
        for (text, want) in cases {
            assert_eq!(month_day(text), want, "{text:?}");
        }
        assert_eq!(with_year(2024, (2, 29)), Some(ymd(2024, 2, 29)));
        assert_eq!(with_year(2025, (2, 29)), None);
    }

    #[test]
    fn the_year_a_title_names() {
        let cases = [
            ("2024年3月15日党课签到表", Some(2024)),
            ("2024年二季度出勤汇总", Some(2024)),
            ("原始记录 统计日期:2024-03-15 至 2024-03-15", Some(2024)),
            ("2024-2025学年", None),
            ("2024/3/15 签到", Some(2024)),
            ("2024年12月至2025年1月", None),
            ("3月15日党课签到表", None),
            ("第20240期", None),
            ("共1000人", None),
            ("", None),
        ];
        for (text, want) in cases {
            assert_eq!(year_in_text(text), want, "{text:?}");
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
