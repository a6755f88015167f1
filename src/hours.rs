//! 学时: credit hours, kept as integer hundredths so that every sum is exact.
//! Scores and pass marks use the same fixed-point form (`Fixed`), without the 24-hour limit.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Sub};

/// A non-negative decimal with at most two places, as integer hundredths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Fixed(pub i64);

/// Why a text is not a valid amount (said in words by the catalogue: `Msg::from`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AmountError {
    /// Not a number at all (`"2..5"`, `"abc"`).
    NotANumber,
    Negative,
    TooPrecise,
    /// Above the largest amount allowed in one place (24 for hours).
    TooLarge(i64),
}

impl Fixed {
    /// Parses `12`, `1.5`, `0.25`, `+3`, and a unit suffix `学时` or `h` (`2学时`, `1.5h`).
    /// Full-width digits are expected to be normalised by the caller that reads sheets.
    pub fn parse(text: &str) -> Result<Fixed, AmountError> {
        let t = text.trim();
        let t =
            t.strip_suffix("学时").or_else(|| t.strip_suffix('h')).or_else(|| t.strip_suffix('H')).unwrap_or(t).trim();
        let (negative, digits) = match t.as_bytes().first() {
            Some(b'-') => (true, &t[1..]),
            Some(b'+') => (false, &t[1..]),
            _ => (false, t),
        };
        let (whole, frac) = match digits.split_once('.') {
            Some((w, f)) => (w, Some(f)),
            None => (digits, None),
        };
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        let frac_ok = frac.is_none_or(|f| !f.is_empty() && all_digits(f));
        if !all_digits(whole) || !frac_ok || (whole.is_empty() && frac.is_none()) {
            return Err(AmountError::NotANumber);
        }
        let frac = frac.unwrap_or("");
        let significant = frac.trim_end_matches('0');
        if negative && (whole.bytes().any(|b| b != b'0') || !significant.is_empty()) {
            return Err(AmountError::Negative);
        }
        if significant.len() > 2 {
            return Err(AmountError::TooPrecise);
        }
        let whole = whole.trim_start_matches('0');
        if whole.len() > 12 {
            return Err(AmountError::TooLarge(i64::MAX));
        }
        let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| AmountError::NotANumber)? };
        let mut cents = 0;
        for (i, b) in significant.bytes().chain("00".bytes()).take(2).enumerate() {
            cents += i64::from(b - b'0') * if i == 0 { 10 } else { 1 };
        }
        Ok(Fixed(whole * 100 + cents))
    }

    /// Parses and checks an upper bound (in hundredths).
    pub fn parse_max(text: &str, max: i64) -> Result<Fixed, AmountError> {
        let v = Fixed::parse(text)?;
        if v.0 > max {
            return Err(AmountError::TooLarge(max));
        }
        Ok(v)
    }

    /// From a spreadsheet number cell; exact when the number has at most two places.
    pub fn from_f64(x: f64) -> Result<Fixed, AmountError> {
        if !x.is_finite() {
            return Err(AmountError::NotANumber);
        }
        if x < 0.0 {
            return Err(AmountError::Negative);
        }
        let scaled = x * 100.0;
        let rounded = scaled.round();
        if (scaled - rounded).abs() > 1e-6 * scaled.abs().max(1.0) {
            return Err(AmountError::TooPrecise);
        }
        Ok(Fixed(rounded as i64))
    }

    /// The value as a JSON number (2 places at most, so the float is the decimal's nearest).
    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 100.0
    }
}

impl fmt::Display for Fixed {
    /// The shortest exact form: `2`, `1.5`, `0.25`.
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let v = self.0.unsigned_abs();
        let (whole, cents) = (v / 100, v % 100);
        let s = match cents {
            0 => format!("{sign}{whole}"),
            c if c % 10 == 0 => format!("{sign}{whole}.{}", c / 10),
            c => format!("{sign}{whole}.{c:02}"),
        };
        f.pad(&s)
    }
}

impl serde::Serialize for Fixed {
    /// A JSON number: `17.5`, `32.0`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.as_f64())
    }
}

/// The most hours one row may carry (SPEC §2: more than 24 hours in one row is invalid).
pub const MAX_ROW_HOURS: i64 = 2400;

/// Hours of one row: a `Fixed` of at most 24.
pub fn parse_hours(text: &str) -> Result<Fixed, AmountError> {
    Fixed::parse_max(text, MAX_ROW_HOURS)
}

/// Hours are `Fixed` too; the alias names the unit where it matters.
pub type Hours = Fixed;

impl Add for Fixed {
    type Output = Fixed;
    fn add(self, o: Fixed) -> Fixed {
        Fixed(self.0 + o.0)
    }
}

impl AddAssign for Fixed {
    fn add_assign(&mut self, o: Fixed) {
        self.0 += o.0;
    }
}

impl Sub for Fixed {
    type Output = Fixed;
    fn sub(self, o: Fixed) -> Fixed {
        Fixed(self.0 - o.0)
    }
}

impl Sum for Fixed {
    fn sum<I: Iterator<Item = Fixed>>(iter: I) -> Fixed {
        Fixed(iter.map(|h| h.0).sum())
    }
}

/// `num / den` rounded half up, for non-negative `num` and positive `den`.
pub fn div_half_up(num: i64, den: i64) -> i64 {
    (2 * num + den) / (2 * den)
}

/// A ratio rounded half up to 4 places, as a JSON-ready float (0 when `den` is 0).
pub fn ratio4(num: i64, den: i64) -> f64 {
    if den == 0 {
        return 0.0;
    }
    div_half_up(num * 10_000, den) as f64 / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_people_write() {
        let cases = [
            ("2", 200),
            ("1.5", 150),
            ("0.25", 25),
            (".5", 50),
            ("3.", -1),
            ("12.50", 1250),
            ("1.500", 150),
            ("2学时", 200),
            ("1.5h", 150),
            (" 4 ", 400),
            ("+1", 100),
            ("-0", 0),
            ("007", 700),
        ];
        for (text, want) in cases {
            let got = Fixed::parse(text).map(|f| f.0).unwrap_or(-1);
            assert_eq!(got, want, "{text:?}");
        }
    }

    #[test]
    fn rejects_what_is_invalid() {
        assert_eq!(Fixed::parse("2..5"), Err(AmountError::NotANumber));
        assert_eq!(Fixed::parse("abc"), Err(AmountError::NotANumber));
        assert_eq!(Fixed::parse(""), Err(AmountError::NotANumber));
        assert_eq!(Fixed::parse("1e3"), Err(AmountError::NotANumber));
        assert_eq!(Fixed::parse("-1"), Err(AmountError::Negative));
        assert_eq!(Fixed::parse("1.234"), Err(AmountError::TooPrecise));
        assert_eq!(parse_hours("24.01"), Err(AmountError::TooLarge(2400)));
        assert_eq!(parse_hours("24").map(|h| h.0), Ok(2400));
    }

    #[test]
    fn display_round_trips() {
        for cents in [0, 1, 10, 25, 99, 100, 150, 205, 2400, 123_456] {
            let text = Fixed(cents).to_string();
            assert_eq!(Fixed::parse(&text), Ok(Fixed(cents)), "{text}");
        }
        assert_eq!(format!("{:>5}", Fixed(150)), "  1.5");
    }

    #[test]
    fn spreadsheet_numbers_are_exact() {
        assert_eq!(Fixed::from_f64(1.5), Ok(Fixed(150)));
        assert_eq!(Fixed::from_f64(0.1 + 0.2), Ok(Fixed(30)));
        assert_eq!(Fixed::from_f64(1.005), Err(AmountError::TooPrecise));
        assert_eq!(Fixed::from_f64(-2.0), Err(AmountError::Negative));
    }

    #[test]
    fn rounding_is_half_up() {
        assert_eq!(div_half_up(3200 * 6, 12), 1600);
        assert_eq!(div_half_up(5, 2), 3);
        assert_eq!(div_half_up(2400 * 5, 12), 1000);
        assert_eq!(div_half_up(1600 * 7, 12), 933);
        assert_eq!(ratio4(70, 96), 0.7292);
        assert_eq!(ratio4(1, 3), 0.3333);
        assert_eq!(ratio4(2, 3), 0.6667);
    }
}
