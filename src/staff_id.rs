//! Staff ids (工号) as typed on sheets and command lines, matched to the stored ones by one rule
//! (SPEC §3, "Excel's habits": a number cell loses its leading zeros, `0012` becomes 12), so that
//! `xueshi attend 1 12` finds the learner an imported `12` finds.

use crate::msg::Msg;

/// What a typed staff id found among the stored ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found<T> {
    One(T),
    /// It lost its leading zeros and several stored ids fit it: these, in the candidates' order.
    Several(Vec<String>),
    Unknown,
}

impl<T> Found<T> {
    pub fn one(self) -> Option<T> {
        match self {
            Found::One(t) => Some(t),
            Found::Several(_) | Found::Unknown => None,
        }
    }

    /// The one found, or why not, in the words imports and commands share.
    pub fn or_message(self, typed: &str) -> Result<T, Msg> {
        match self {
            Found::One(t) => Ok(t),
            Found::Several(fits) => Err(Msg::LostZerosStaffId { typed: typed.to_string(), fits }),
            Found::Unknown => Err(Msg::NotAKnownLearner { staff_id: typed.to_string() }),
        }
    }
}

/// A stored staff id without its leading zeros (`0012` → `12`; all zeros → `0`): what a typed id
/// that lost them is compared with.
pub fn unpadded(stored: &str) -> &str {
    let t = stored.trim_start_matches('0');
    if t.is_empty() && !stored.is_empty() {
        "0"
    } else {
        t
    }
}

/// The number a typed staff id is, if it is one: its digits, from `12`, or from `12.0` (how some
/// tools write a number cell). Leading zeros are kept (`0012.0` → `0012`): a number that still
/// has them did not lose them.
fn number(typed: &str) -> Option<&str> {
    let digits = |s: &str, all: fn(&u8) -> bool| !s.is_empty() && s.as_bytes().iter().all(all);
    let whole = match typed.split_once('.') {
        Some((whole, fraction)) if digits(fraction, |b| *b == b'0') => whole,
        Some(_) => return None,
        None => typed,
    };
    digits(whole, u8::is_ascii_digit).then_some(whole)
}

/// The [`unpadded`] form that the stored ids a typed one may mean, other than the one exactly as
/// typed, have; `None` when it can only mean itself. A finder looks its candidates up under it.
pub fn candidates_key(typed: &str) -> Option<&str> {
    number(typed).map(unpadded)
}

/// Which stored staff id `typed` means, among `candidates` (each a stored id, and what the caller
/// wants back for it). In order: the id exactly as typed; the number of a cell like `12.0`
/// exactly; else, when that number has no leading zeros (it may have lost them), the one stored
/// id that is the number after its leading zeros — zeros are lost, never added, so `012` does
/// not find `12`. When several fit, none is guessed.
///
/// To be complete, `candidates` must hold the stored id equal to `typed`, if there is one, and
/// every stored id whose [`unpadded`] form is [`candidates_key`]; others are ignored. The id
/// exactly as typed ends the search, so a finder can put it first and read the others lazily.
pub fn choose<'c, T>(typed: &str, candidates: impl IntoIterator<Item = (&'c str, T)>) -> Found<T> {
    let number = number(typed);
    let lost_zeros = number.filter(|n| unpadded(n) == *n);
    let mut as_number = None;
    let mut fit: Option<(&str, T)> = None;
    // Only filled when a second id fits, so the usual case allocates nothing.
    let mut several: Vec<String> = Vec::new();
    for (stored, item) in candidates {
        if stored == typed {
            return Found::One(item);
        }
        if number == Some(stored) {
            as_number = Some(item);
        } else if lost_zeros.is_some_and(|n| unpadded(stored) == n) {
            match &fit {
                None => fit = Some((stored, item)),
                Some((first, _)) => {
                    if several.is_empty() {
                        several.push(first.to_string());
                    }
                    several.push(stored.to_string());
                }
            }
        }
    }
    match (as_number, fit) {
        (Some(item), _) => Found::One(item),
        (None, _) if !several.is_empty() => Found::Several(several),
        (None, Some((_, item))) => Found::One(item),
        (None, None) => Found::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORED: [&str; 5] = ["0012", "0034", "034", "12345", "000"];

    /// What `typed` finds among STORED, each candidate standing for itself.
    fn find(typed: &str) -> Found<&'static str> {
        choose(typed, STORED.iter().map(|s| (*s, *s)))
    }

    #[test]
    fn a_staff_id_that_lost_its_zeros_finds_its_learner() {
        let cases: [(&str, Found<&str>); 14] = [
            ("0012", Found::One("0012")),
            ("12", Found::One("0012")),
            ("12.0", Found::One("0012")),
            ("12.00", Found::One("0012")),
            ("0012.0", Found::One("0012")),
            ("034", Found::One("034")),
            ("34", Found::Several(vec!["0034".into(), "034".into()])),
            ("34.0", Found::Several(vec!["0034".into(), "034".into()])),
            ("12345", Found::One("12345")),
            ("0", Found::One("000")),
            ("12.5", Found::Unknown),
            ("012345", Found::Unknown),
            ("012", Found::Unknown),
            ("99", Found::Unknown),
        ];
        for (typed, want) in cases {
            assert_eq!(find(typed), want, "{typed}");
        }
    }

    #[test]
    fn only_a_number_can_have_lost_zeros() {
        let stored = [("00A12", 1), ("0012", 2)];
        assert_eq!(choose("A12", stored), Found::Unknown);
        assert_eq!(choose("", stored), Found::Unknown);
        assert_eq!(candidates_key("A12"), None);
        assert_eq!(candidates_key("12.5"), None);
        assert_eq!(candidates_key("0012.0"), Some("12"));
    }

    #[test]
    fn the_id_as_typed_wins_whatever_the_candidates_order() {
        assert_eq!(choose("12", [("0012", 1), ("12", 2), ("012", 3)]), Found::One(2));
        assert_eq!(choose("12.0", [("0012", 1), ("12", 2)]), Found::One(2));
        assert_eq!(choose("12.0", [("12", 2), ("12.0", 3)]), Found::One(3));
    }

    #[test]
    fn messages_name_every_fit() {
        assert_eq!(
            find("34").or_message("34").map_err(|m| m.en()),
            Err("staff id 34 lost its leading zeros and could be any of 0034, 034: write it in full".to_string())
        );
        assert_eq!(
            find("99").or_message("99").map_err(|m| m.en()),
            Err("staff id 99 is not a known learner".to_string())
        );
        assert_eq!(find("12").or_message("12"), Ok("0012"));
    }
}
