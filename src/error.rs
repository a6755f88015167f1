//! One error type for the whole program, and its exit codes (SPEC §6). An error holds messages
//! of the catalogue (`crate::msg`), put into words in the chosen language when main prints them.

use crate::msg::{IoWhy, Msg};
use crate::Lang;

/// One bad thing in the input, with where it was: `sheet.csv:14: hours`, `roster.xlsx:Sheet1!B7`,
/// or a command-line flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub place: Option<Place>,
    pub message: Msg,
}

/// Where a problem is: a file, a row of it (`sheet.csv:14`, `roster.xlsx:Sheet1!B7`) or a value
/// typed on the command line, and the column, when it is a cell's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub at: String,
    pub column: Option<ColumnName>,
}

/// A sheet's column as a message names it: in English by its name in SPEC §3 (`hours`), in
/// Chinese as the sheet's own header names it, which the reader finds in the file (`学时`,
/// `出勤情况`), else by its Chinese name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnName {
    pub en: &'static str,
    pub zh: String,
}

impl Place {
    fn render(&self, lang: Lang) -> String {
        match &self.column {
            None => self.at.clone(),
            Some(c) => format!("{}: {}", self.at, lang.pick(c.en, &c.zh)),
        }
    }
}

impl From<String> for Place {
    fn from(at: String) -> Place {
        Place { at, column: None }
    }
}

impl From<&str> for Place {
    fn from(at: &str) -> Place {
        Place::from(at.to_string())
    }
}

impl From<&String> for Place {
    fn from(at: &String) -> Place {
        Place::from(at.clone())
    }
}

impl Problem {
    pub fn at(place: impl Into<Place>, message: Msg) -> Problem {
        Problem { place: Some(place.into()), message }
    }

    pub fn new(message: Msg) -> Problem {
        Problem { place: None, message }
    }

    /// `sheet.csv:14: hours: "2..5" is not a number`, in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        match &self.place {
            Some(p) => format!("{}: {}", p.render(lang), self.message.render(lang)),
            None => self.message.render(lang),
        }
    }
}

#[derive(Debug)]
pub enum Error {
    /// Exit 2: the command line does not parse (a period, a date, a word of a fixed vocabulary).
    Usage(Msg),
    /// Exit 65: invalid data; nothing was written.
    Invalid(Vec<Problem>),
    /// Exit 65: what `check` found wrong in the stored data (a read: nothing was to be written).
    Found(Vec<Problem>),
    /// Exit 66: an input file that is missing or unreadable.
    Input(Msg),
    /// Exit 1: anything else (I/O, a database that stays locked).
    Other(Msg),
    /// Standard output was closed by its reader (`xueshi report … | head`): not an error, exit 0.
    PipeClosed,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// At most this many problems are printed; then a count of the rest.
pub const MAX_LISTED: usize = 100;

impl Error {
    pub fn invalid(message: Msg) -> Error {
        Error::Invalid(vec![Problem::new(message)])
    }

    pub fn invalid_at(place: impl Into<Place>, message: Msg) -> Error {
        Error::Invalid(vec![Problem::at(place, message)])
    }

    pub fn usage(message: Msg) -> Error {
        Error::Usage(message)
    }

    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) => 2,
            Error::Invalid(_) | Error::Found(_) => 65,
            Error::Input(_) => 66,
            Error::Other(_) => 1,
            Error::PipeClosed => 0,
        }
    }

    /// Every message of the error, with its place.
    pub fn problems(&self) -> Vec<Problem> {
        match self {
            Error::Invalid(problems) | Error::Found(problems) => problems.clone(),
            Error::Usage(m) | Error::Input(m) | Error::Other(m) => vec![Problem::new(m.clone())],
            Error::PipeClosed => vec![Problem::new(Msg::PipeClosed)],
        }
    }

    /// The lines to print on stderr in `lang`, each starting with `error: ` (`错误：`).
    pub fn lines(&self, lang: Lang) -> Vec<String> {
        let prefix = Msg::ErrorPrefix.render(lang);
        match self {
            Error::Invalid(problems) | Error::Found(problems) => {
                let mut out: Vec<String> =
                    problems.iter().take(MAX_LISTED).map(|p| format!("{prefix}{}", p.render(lang))).collect();
                if problems.len() > MAX_LISTED {
                    let more = Msg::MoreProblems { n: problems.len() - MAX_LISTED };
                    out.push(format!("{prefix}{}", more.render(lang)));
                }
                match self {
                    Error::Found(_) => out.push(Msg::CheckFound { n: problems.len() }.render(lang)),
                    _ if problems.len() > 1 => out.push(Msg::NothingWritten { n: problems.len() }.render(lang)),
                    _ => {}
                }
                out
            }
            Error::Usage(m) | Error::Input(m) | Error::Other(m) => vec![format!("{prefix}{}", m.render(lang))],
            Error::PipeClosed => Vec::new(),
        }
    }

    /// The messages alone in `lang`, without the `error: ` that `lines` puts before each.
    pub fn render(&self, lang: Lang) -> String {
        let sep = match lang {
            Lang::En => "; ",
            Lang::Zh => "；",
        };
        self.problems().iter().map(|p| p.render(lang)).collect::<Vec<_>>().join(sep)
    }
}

impl std::fmt::Display for Error {
    /// In English: for logs and tests. What people read is printed by main, in their language.
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

impl std::error::Error for Error {}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Error {
        use rusqlite::ffi::ErrorCode;
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
                Error::Other(Msg::DatabaseLocked { detail: e.to_string() })
            }
            _ => Error::Other(Msg::Database { detail: e.to_string() }),
        }
    }
}

impl From<postgres::Error> for Error {
    fn from(e: postgres::Error) -> Error {
        if let Some(refused) = e.as_db_error().and_then(refused) {
            return refused;
        }
        // The server's own words ("db error" alone says nothing), with its detail when it has one.
        let detail = match e.as_db_error() {
            Some(db) => match db.detail() {
                Some(more) => format!("{}: {more}", db.message()),
                None => db.message().to_string(),
            },
            None => e.to_string(),
        };
        // Another writer held what this command needed (a serialisation failure, a deadlock, a
        // lock not to be had): said as SQLite's busy database is.
        use postgres::error::SqlState;
        let busy = [SqlState::T_R_SERIALIZATION_FAILURE, SqlState::T_R_DEADLOCK_DETECTED, SqlState::LOCK_NOT_AVAILABLE];
        if e.code().is_some_and(|c| busy.contains(c)) {
            return Error::Other(Msg::DatabaseLocked { detail });
        }
        Error::Other(Msg::Database { detail })
    }
}

/// A change the role may not make (SQLSTATE 42501): outside its branch (the trigger of
/// `store/grant.sql`, which names role, branch and learner), against a row-level security policy,
/// or on a table it has no privilege on. Invalid data (exit 65): the command's transaction rolls
/// back, nothing is written.
fn refused(db: &postgres::error::DbError) -> Option<Error> {
    if *db.code() != postgres::error::SqlState::INSUFFICIENT_PRIVILEGE {
        return None;
    }
    if db.message() == "xueshi: outside the branch" {
        let detail: serde_json::Value = serde_json::from_str(db.detail().unwrap_or("{}")).unwrap_or_default();
        let text = |k: &str| detail[k].as_str().map(str::to_string);
        return Some(Error::invalid(Msg::OutsideBranch {
            role: text("role").unwrap_or_default(),
            branch: text("branch"),
            staff_id: text("staff_id").unwrap_or_default(),
        }));
    }
    Some(Error::invalid(Msg::NotGranted { detail: db.message().to_string() }))
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return Error::PipeClosed;
        }
        Error::Other(Msg::Io { why: IoWhy::from(&e) })
    }
}

/// Collects problems while a whole input is checked, so that every bad cell is reported.
#[derive(Debug, Default)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    pub fn push(&mut self, place: impl Into<Place>, message: Msg) {
        self.0.push(Problem::at(place, message));
    }

    /// A problem whose message says where it is.
    pub fn add(&mut self, message: Msg) {
        self.0.push(Problem::new(message));
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

/// A value parser's error for clap: a message, said in English by clap's own error printer and
/// in Chinese by ours (`cli::help`), which finds it as the error's source.
#[derive(Debug, Clone)]
pub struct ArgError(pub Msg);

impl std::fmt::Display for ArgError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(&self.0.en())
    }
}

impl std::error::Error for ArgError {}
