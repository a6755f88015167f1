//! Notice periods: `2024`, `2024-H1`, `2024-Q3`, `2024-07`, and as Chinese writes them: `2024年度`,
//! `2024年上半年`, `2024年第三季度`, `2024年7月` (SPEC v2). One type, one parser.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

use crate::date::month_end;
use crate::msg::Msg;

/// A span of whole months within one calendar year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub year: i32,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    Year,
    Half(u32),
    Quarter(u32),
    Month(u32),
}

impl Period {
    pub fn first_month(self) -> u32 {
        match self.span {
            Span::Year => 1,
            Span::Half(h) => 6 * h - 5,
            Span::Quarter(q) => 3 * q - 2,
            Span::Month(m) => m,
        }
    }

    pub fn last_month(self) -> u32 {
        match self.span {
            Span::Year => 12,
            Span::Half(h) => 6 * h,
            Span::Quarter(q) => 3 * q,
            Span::Month(m) => m,
        }
    }

    pub fn from(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.first_month(), 1).expect("a valid month")
    }

    pub fn to(self) -> NaiveDate {
        month_end(self.year, self.last_month())
    }

    /// The last complete month before `today`: the default period of a notice.
    pub fn last_complete_month(today: NaiveDate) -> Period {
        let (year, month) = if today.month() == 1 { (today.year() - 1, 12) } else { (today.year(), today.month() - 1) };
        Period { year, span: Span::Month(month) }
    }

    /// `2024年第二季度`, `2024年度`, `2024年上半年`, `2024年7月`.
    pub fn zh(self) -> String {
        const Q: [&str; 4] = ["一", "二", "三", "四"];
        match self.span {
            Span::Year => format!("{}年度", self.year),
            Span::Half(1) => format!("{}年上半年", self.year),
            Span::Half(_) => format!("{}年下半年", self.year),
            Span::Quarter(q) => format!("{}年第{}季度", self.year, Q[q as usize - 1]),
            Span::Month(m) => format!("{}年{}月", self.year, m),
        }
    }

    /// `the year 2024`, `the second quarter of 2024`, `July 2024`.
    pub fn en(self) -> String {
        const ORD: [&str; 4] = ["first", "second", "third", "fourth"];
        const MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        match self.span {
            Span::Year => format!("the year {}", self.year),
            Span::Half(h) => format!("the {} half of {}", ORD[h as usize - 1], self.year),
            Span::Quarter(q) => format!("the {} quarter of {}", ORD[q as usize - 1], self.year),
            Span::Month(m) => format!("{} {}", MONTHS[m as usize - 1], self.year),
        }
    }
}

impl FromStr for Period {
    type Err = Msg;

    fn from_str(s: &str) -> Result<Period, Msg> {
        let bad = || Msg::NotAPeriod { text: s.to_string() };
        // A Chinese input method may type the digits full-width.
        let t: String = s
            .trim()
            .chars()
            .map(|c| if ('０'..='９').contains(&c) { char::from_u32(c as u32 - 0xFEE0).unwrap_or(c) } else { c })
            .collect();
        if let Some((year, rest)) = t.split_once('年') {
            return chinese(year, rest).ok_or_else(bad);
        }
        let (year, rest) = match t.split_once('-') {
            Some((y, r)) => (y, Some(r)),
            None => (t.as_str(), None),
        };
        let year = full_year(year).ok_or_else(bad)?;
        let span = match rest {
            None => Span::Year,
            Some(r) => match r.as_bytes().first() {
                Some(b'H' | b'h') => Span::Half(number(&r[1..], 2).ok_or_else(bad)?),
                Some(b'Q' | b'q') => Span::Quarter(number(&r[1..], 4).ok_or_else(bad)?),
                Some(b'0'..=b'9') if r.len() == 2 => Span::Month(number(r, 12).ok_or_else(bad)?),
                _ => return Err(bad()),
            },
        };
        Ok(Period { year, span })
    }
}

/// A year written in full: four digits.
fn full_year(text: &str) -> Option<i32> {
    (text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit())).then(|| text.parse().ok()).flatten()
}

/// `1` to `max`, in one or two digits.
fn number(text: &str, max: u32) -> Option<u32> {
    text.parse::<u32>()
        .ok()
        .filter(|n| (1..=max).contains(n) && text.len() <= 2 && text.bytes().all(|b| b.is_ascii_digit()))
}

/// `1` to `max` in digits, or in Chinese numerals (`三`, `十二`).
fn chinese_number(text: &str, max: u32) -> Option<u32> {
    const NUMERALS: [&str; 12] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"];
    let n = match NUMERALS.iter().position(|n| *n == text) {
        Some(i) => i as u32 + 1,
        None => number(text, max)?,
    };
    (n <= max).then_some(n)
}

/// What follows `2024年`: nothing or `度` (the year), `上半年`/`下半年`, `第三季度` (also `三季度`,
/// `第3季度`), `7月` (also `07月`, `七月`).
fn chinese(year: &str, rest: &str) -> Option<Period> {
    let year = full_year(year)?;
    let span = match rest {
        "" | "度" | "全年" => Span::Year,
        "上半年" => Span::Half(1),
        "下半年" => Span::Half(2),
        _ => {
            if let Some(q) = rest.strip_suffix("季度") {
                Span::Quarter(chinese_number(q.strip_prefix('第').unwrap_or(q), 4)?)
            } else {
                Span::Month(chinese_number(rest.strip_suffix('月')?, 12)?)
            }
        }
    };
    Some(Period { year, span })
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self.span {
            Span::Year => write!(f, "{}", self.year),
            Span::Half(h) => write!(f, "{}-H{h}", self.year),
            Span::Quarter(q) => write!(f, "{}-Q{q}", self.year),
            Span::Month(m) => write!(f, "{}-{m:02}", self.year),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn every_form_and_its_range() {
        let cases = [
            ("2024", ymd(2024, 1, 1), ymd(2024, 12, 31), 12),
            ("2024-H1", ymd(2024, 1, 1), ymd(2024, 6, 30), 6),
            ("2024-H2", ymd(2024, 7, 1), ymd(2024, 12, 31), 12),
            ("2024-Q1", ymd(2024, 1, 1), ymd(2024, 3, 31), 3),
            ("2024-Q2", ymd(2024, 4, 1), ymd(2024, 6, 30), 6),
            ("2024-Q3", ymd(2024, 7, 1), ymd(2024, 9, 30), 9),
            ("2024-q4", ymd(2024, 10, 1), ymd(2024, 12, 31), 12),
            ("2024-02", ymd(2024, 2, 1), ymd(2024, 2, 29), 2),
            ("2023-02", ymd(2023, 2, 1), ymd(2023, 2, 28), 2),
            ("2024-07", ymd(2024, 7, 1), ymd(2024, 7, 31), 7),
            ("2024-12", ymd(2024, 12, 1), ymd(2024, 12, 31), 12),
        ];
        for (text, from, to, last) in cases {
            let p: Period = text.parse().unwrap_or_else(|e| panic!("{text}: {e:?}"));
            assert_eq!((p.from(), p.to(), p.last_month()), (from, to, last), "{text}");
            assert_eq!(p.to_string(), text.to_uppercase(), "{text}");
        }
    }

    #[test]
    fn bad_forms() {
        for text in [
            "2024-Q5", "2024-Q0", "2024-13", "2024-00", "24", "2024-H3", "2024-7", "2024-", "", "2024-Q", "2024-M1",
            "20240",
        ] {
            assert!(text.parse::<Period>().is_err(), "{text}");
        }
    }

    /// SPEC v2: a period as Chinese writes it, wherever a period is taken.
    #[test]
    fn every_chinese_form_and_its_range() {
        let cases = [
            ("2024年", "2024", ymd(2024, 1, 1), ymd(2024, 12, 31)),
            ("2024年度", "2024", ymd(2024, 1, 1), ymd(2024, 12, 31)),
            ("2024年全年", "2024", ymd(2024, 1, 1), ymd(2024, 12, 31)),
            ("2024年上半年", "2024-H1", ymd(2024, 1, 1), ymd(2024, 6, 30)),
            ("2024年下半年", "2024-H2", ymd(2024, 7, 1), ymd(2024, 12, 31)),
            ("2024年第一季度", "2024-Q1", ymd(2024, 1, 1), ymd(2024, 3, 31)),
            ("2024年第二季度", "2024-Q2", ymd(2024, 4, 1), ymd(2024, 6, 30)),
            ("2024年第三季度", "2024-Q3", ymd(2024, 7, 1), ymd(2024, 9, 30)),
            ("2024年第四季度", "2024-Q4", ymd(2024, 10, 1), ymd(2024, 12, 31)),
            ("2024年二季度", "2024-Q2", ymd(2024, 4, 1), ymd(2024, 6, 30)),
            ("2024年第3季度", "2024-Q3", ymd(2024, 7, 1), ymd(2024, 9, 30)),
            ("2024年3月", "2024-03", ymd(2024, 3, 1), ymd(2024, 3, 31)),
            ("2024年03月", "2024-03", ymd(2024, 3, 1), ymd(2024, 3, 31)),
            ("2024年2月", "2024-02", ymd(2024, 2, 1), ymd(2024, 2, 29)),
            ("2024年12月", "2024-12", ymd(2024, 12, 1), ymd(2024, 12, 31)),
            ("2024年十二月", "2024-12", ymd(2024, 12, 1), ymd(2024, 12, 31)),
            (" ２０２４年７月 ", "2024-07", ymd(2024, 7, 1), ymd(2024, 7, 31)),
        ];
        for (text, code, from, to) in cases {
            let p: Period = text.parse().unwrap_or_else(|e| panic!("{text}: {e:?}"));
            assert_eq!((p.to_string().as_str(), p.from(), p.to()), (code, from, to), "{text}");
        }
        for text in [
            "2024年第五季度",
            "2024年第零季度",
            "2024年13月",
            "2024年0月",
            "2024年中半年",
            "24年3月",
            "2024年3",
            "2024年3月15日",
            "年度",
            "2024年第季度",
            "2024年-Q1",
        ] {
            assert!(text.parse::<Period>().is_err(), "{text}");
        }
    }

    /// A notice's Chinese title names its period in a form the parser takes back.
    #[test]
    fn chinese_titles_parse_back() {
        let mut periods = vec![Period { year: 2024, span: Span::Year }];
        periods.extend((1..=2).map(|h| Period { year: 2024, span: Span::Half(h) }));
        periods.extend((1..=4).map(|q| Period { year: 2024, span: Span::Quarter(q) }));
        periods.extend((1..=12).map(|m| Period { year: 2024, span: Span::Month(m) }));
        for p in periods {
            assert_eq!(p.zh().parse::<Period>(), Ok(p), "{}", p.zh());
        }
    }

    #[test]
    fn titles() {
        let p = |s: &str| s.parse::<Period>().unwrap();
        assert_eq!(p("2024-Q2").zh(), "2024年第二季度");
        assert_eq!(p("2024").zh(), "2024年度");
        assert_eq!(p("2024-H1").zh(), "2024年上半年");
        assert_eq!(p("2024-07").zh(), "2024年7月");
        assert_eq!(p("2024-Q2").en(), "the second quarter of 2024");
    }

    #[test]
    fn default_is_last_complete_month() {
        assert_eq!(Period::last_complete_month(ymd(2025, 1, 15)).to_string(), "2024-12");
        assert_eq!(Period::last_complete_month(ymd(2024, 7, 1)).to_string(), "2024-06");
    }
}
