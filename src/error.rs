//! One error type for the whole program, and its exit codes (SPEC §6).

use std::fmt;

/// One bad thing in the input, with where it was: `sheet.csv:14: hours`, `roster.xlsx:Sheet1!B7`,
/// or a command-line flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub place: Option<String>,
    pub message: String,
}

impl Problem {
    pub fn at(place: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem { place: Some(place.into()), message: message.into() }
    }

    pub fn new(message: impl Into<String>) -> Problem {
        Problem { place: None, message: message.into() }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match &self.place {
            Some(p) => write!(f, "{p}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

#[derive(Debug)]
pub enum Error {
    /// Exit 2: the command line does not parse (a period, a date, a word of a fixed vocabulary).
    Usage(String),
    /// Exit 65: invalid data; nothing was written.
    Invalid(Vec<Problem>),
    /// Exit 66: an input file that is missing or unreadable.
    Input(String),
    /// Exit 1: anything else (I/O, a database that stays locked).
    Other(String),
    /// Standard output was closed by its reader (`xueshi report … | head`): not an error, exit 0.
    PipeClosed,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// At most this many problems are printed; then a count of the rest.
pub const MAX_LISTED: usize = 100;

impl Error {
    pub fn invalid(message: impl Into<String>) -> Error {
        Error::Invalid(vec![Problem::new(message)])
    }

    pub fn invalid_at(place: impl Into<String>, message: impl Into<String>) -> Error {
        Error::Invalid(vec![Problem::at(place, message)])
    }

    pub fn usage(message: impl Into<String>) -> Error {
        Error::Usage(message.into())
    }

    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) => 2,
            Error::Invalid(_) => 65,
            Error::Input(_) => 66,
            Error::Other(_) => 1,
            Error::PipeClosed => 0,
        }
    }

    /// The lines to print on stderr, each starting with `error: `.
    pub fn lines(&self) -> Vec<String> {
        match self {
            Error::Invalid(problems) => {
                let mut out: Vec<String> = problems.iter().take(MAX_LISTED).map(|p| format!("error: {p}")).collect();
                if problems.len() > MAX_LISTED {
                    out.push(format!("error: … and {} more problems", problems.len() - MAX_LISTED));
                }
                if problems.len() > 1 {
                    out.push(format!("{} problems; nothing was written", problems.len()));
                }
                out
            }
            Error::Usage(m) | Error::Input(m) | Error::Other(m) => vec![format!("error: {m}")],
            Error::PipeClosed => Vec::new(),
        }
    }
}

impl fmt::Display for Error {
    /// The message alone, without the `error: ` that `lines` puts before each line on stderr.
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Error::Invalid(problems) => {
                f.write_str(&problems.iter().map(Problem::to_string).collect::<Vec<_>>().join("; "))
            }
            Error::Usage(m) | Error::Input(m) | Error::Other(m) => f.write_str(m),
            Error::PipeClosed => f.write_str("standard output was closed"),
        }
    }
}

impl std::error::Error for Error {}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Error {
        use rusqlite::ffi::ErrorCode;
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
                Error::Other(format!("the database stays locked by another xueshi: {e}"))
            }
            _ => Error::Other(format!("database: {e}")),
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return Error::PipeClosed;
        }
        Error::Other(e.to_string())
    }
}

/// Collects problems while a whole input is checked, so that every bad cell is reported.
#[derive(Debug, Default)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    pub fn push(&mut self, place: impl Into<String>, message: impl Into<String>) {
        self.0.push(Problem::at(place, message));
    }

    /// `Ok(())` when none were found, else the invalid-data error listing them all.
    pub fn into_result(self) -> Result<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid(self.0))
        }
    }
}
