//! Amounts given on the command line or by an import's flags (`--hours`, `--score`): not a
//! number at all is a usage error (exit 2); a number the rules forbid is invalid data (exit 65).

use crate::error::{Error, Result};
use crate::hours::{AmountError, Fixed, MAX_ROW_HOURS};
use crate::msg::Msg;

/// Hours given on the command line: not a number at all is a usage error (exit 2); a number
/// the rules forbid (negative, three places, over 24) is invalid data (exit 65).
pub fn hours_arg(flag: &str, text: &str) -> Result<Fixed> {
    amount_arg(flag, text, MAX_ROW_HOURS)
}

pub fn amount_arg(flag: &str, text: &str, max: i64) -> Result<Fixed> {
    amount_arg_hint(flag, text, max, None)
}

/// An amount, with a hint said after a number over the most allowed (`HintSessionDays`: the
/// hint is of the 24 hours a day, and says nothing to a negative number or a third place).
pub fn amount_arg_hint(flag: &str, text: &str, max: i64, hint: Option<Msg>) -> Result<Fixed> {
    Fixed::parse_max(text, max).map_err(|e| {
        let usage = e == AmountError::NotANumber;
        let over = matches!(e, AmountError::TooLarge(_));
        let message = Msg::Amount {
            flag: flag.to_string(),
            text: text.to_string(),
            why: Box::new(e.into()),
            hint: if over { hint.map(Box::new) } else { None },
        };
        if usage {
            Error::usage(message)
        } else {
            Error::invalid(message)
        }
    })
}

/// A session's hours: at most 24 a day of the `days` it lasts.
pub fn session_hours_arg(flag: &str, text: &str, days: i64) -> Result<Fixed> {
    amount_arg_hint(flag, text, MAX_ROW_HOURS * days, (days == 1).then_some(Msg::HintSessionDays))
}
