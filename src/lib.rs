//! xueshi (学时): the credit-hour system of a hospital party school, over one SQLite file.
//! Data flows one way: sheet → rows → database → report → renderer.

pub mod args;
pub mod cli;
pub mod commands;
pub mod credit;
pub mod date;
pub mod db;
pub mod demo;
pub mod error;
pub mod gen;
pub mod hours;
pub mod import;
pub mod life;
pub mod model;
pub mod msg;
pub mod period;
pub mod report;
pub mod staff_id;
pub mod store;

use std::path::PathBuf;

use chrono::NaiveDate;

pub use error::{Error, Result};

/// Prints a line on standard output. A reader that has gone away (`xueshi … | head`) ends the
/// command quietly (exit 0) instead of a panic, and after a commit the data is written all the same.
pub fn say(line: impl std::fmt::Display) -> Result<()> {
    use std::io::Write;
    writeln!(std::io::stdout().lock(), "{line}")?;
    Ok(())
}

/// The language of messages, help, reports, notices and table headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    /// `--lang`, else `$XUESHI_LANG`, else the system's locale (SPEC §4: Chinese when it is `zh…`).
    pub fn resolve(flag: Option<Lang>) -> Result<Lang> {
        if let Some(l) = flag {
            return Ok(l);
        }
        match std::env::var("XUESHI_LANG") {
            Ok(v) => {
                Lang::named(&v).ok_or_else(|| Error::usage(msg::Msg::LangEnvInvalid { value: v.trim().to_string() }))
            }
            Err(_) => Ok(Lang::system()),
        }
    }

    /// The language to speak before the command line is parsed (its help and its errors need
    /// one): `--lang zh|en` among the arguments, else `$XUESHI_LANG`, else the system's locale.
    /// A word that names no language is left for the parser or `resolve` to refuse.
    pub fn from_args(args: &[std::ffi::OsString]) -> Lang {
        let mut words = args.iter().skip(1).map(|a| a.to_str().unwrap_or(""));
        while let Some(w) = words.next() {
            if w == "--" {
                break;
            }
            let value = match w.strip_prefix("--lang") {
                Some("") => words.next(),
                Some(rest) => rest.strip_prefix('='),
                None => None,
            };
            if let Some(l) = value.and_then(Lang::named) {
                return l;
            }
        }
        Lang::resolve(None).unwrap_or_else(|_| Lang::system())
    }

    /// `zh` or `en`, as `--lang` and `$XUESHI_LANG` write them.
    fn named(word: &str) -> Option<Lang> {
        match word.trim().to_ascii_lowercase().as_str() {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The system's locale: the first of `$LC_ALL`, `$LC_MESSAGES` and `$LANG` that names a
    /// language (`C` and `POSIX` name none), else the user's locale as the system keeps it
    /// (Windows and macOS settings, through `sys-locale`). Chinese for `zh…`, else English.
    pub fn system() -> Lang {
        let vars = ["LC_ALL", "LC_MESSAGES", "LANG"].map(|v| std::env::var(v).ok());
        vars.into_iter()
            .flatten()
            .chain(std::iter::once_with(sys_locale::get_locale).flatten())
            .find_map(|l| Lang::of_locale(&l))
            .unwrap_or(Lang::En)
    }

    /// The language a locale name (`zh_CN.UTF-8`, `zh-Hans-CN`, `en_US`) gives, if it names one.
    fn of_locale(name: &str) -> Option<Lang> {
        let n = name.trim();
        if n.is_empty() || n == "C" || n == "POSIX" || n.starts_with("C.") {
            return None;
        }
        Some(if n.to_ascii_lowercase().starts_with("zh") { Lang::Zh } else { Lang::En })
    }

    pub fn pick<'a>(self, en: &'a str, zh: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }

    /// Column headers from (English, Chinese) pairs.
    pub fn labels(self, names: &[(&str, &str)]) -> Vec<String> {
        names.iter().map(|(en, zh)| self.pick(en, zh).to_string()).collect()
    }
}

/// What every command needs besides its own arguments.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub db: PathBuf,
    /// Whether the database was named by --db (demo uses its own default otherwise).
    pub db_named: bool,
    pub lang: Lang,
    /// --operator, else $XUESHI_OPERATOR, $USER or $LOGNAME (`actor`).
    pub operator: Option<String>,
    /// On PostgreSQL, the database role the connection logged in as (`session_user`): the
    /// operator of every change there, known once the database is opened.
    pub role: std::sync::OnceLock<String>,
    /// The school (`--school`, else `$XUESHI_SCHOOL`): its schema on a PostgreSQL server; `None`
    /// is the server's default school (its `public` schema), and always so on a SQLite file.
    pub school: Option<String>,
    /// `$XUESHI_TODAY`, else today: for default years and periods and the date of issue.
    pub today: NaiveDate,
    /// Whether the audit log's unknown operator has been warned of (`actor`).
    warned_operator: std::cell::Cell<bool>,
}

/// The audit log's operator when nothing names one.
const UNKNOWN_OPERATOR: &str = "unknown";

impl Ctx {
    pub fn from_cli(cli: &cli::Cli) -> Result<Ctx> {
        let (db, db_named) = match (&cli.db, std::env::var_os("XUESHI_DB")) {
            (Some(p), _) => (p.clone(), true),
            (None, Some(p)) if !p.is_empty() => (PathBuf::from(p), false),
            _ => (PathBuf::from("xueshi.db"), false),
        };
        // On a server the operator is the database role, which a user cannot forge (issue 12).
        if cli.operator.is_some() && db::postgres_url(&db).is_some() {
            return Err(Error::usage(msg::Msg::OperatorOnServer));
        }
        let operator = cli
            .operator
            .clone()
            .or_else(|| std::env::var("XUESHI_OPERATOR").ok())
            .or_else(|| std::env::var("USER").ok())
            .or_else(|| std::env::var("LOGNAME").ok())
            .filter(|s| !s.trim().is_empty());
        let today = match std::env::var("XUESHI_TODAY") {
            Ok(v) if !v.trim().is_empty() => {
                date::parse(&v).ok_or_else(|| Error::usage(msg::Msg::TodayEnvInvalid { value: v.clone() }))?
            }
            _ => chrono::Local::now().date_naive(),
        };
        let school = cli
            .school
            .clone()
            .or_else(|| std::env::var("XUESHI_SCHOOL").ok())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        if let Some(code) = &school {
            if db::postgres_url(&db).is_none() {
                return Err(Error::usage(msg::Msg::SchoolOnSqlite));
            }
            if db::school_schema(code).is_none() {
                return Err(Error::usage(msg::Msg::SchoolCodeInvalid { code: code.clone() }));
            }
        }
        Ok(Ctx {
            db,
            db_named,
            lang: Lang::resolve(cli.lang)?,
            operator,
            role: std::sync::OnceLock::new(),
            warned_operator: std::cell::Cell::new(false),
            school,
            today,
        })
    }

    /// The year a report is about when none is named: that of the last complete month, so that
    /// in January it is the year just ended.
    pub fn default_year(&self) -> i32 {
        period::Period::last_complete_month(self.today).year
    }

    /// Who changes records: on PostgreSQL the role the database was opened as, else the operator;
    /// with neither (no --operator, $XUESHI_OPERATOR, $USER or $LOGNAME, as under cron), `unknown`,
    /// said once as a warning so that the audit log's gap is seen.
    pub fn actor(&self) -> db::Actor {
        if let Some(role) = self.role.get() {
            return db::Actor::new(role);
        }
        match &self.operator {
            Some(operator) => db::Actor::new(operator),
            None => {
                if !self.warned_operator.replace(true) {
                    self.warn(msg::Msg::OperatorUnknown);
                }
                db::Actor::new(UNKNOWN_OPERATOR)
            }
        }
    }

    pub fn open(&self) -> Result<db::Connection> {
        let conn = db::open_school(&self.db, self.school.as_deref())?;
        if let Some(role) = conn.role() {
            let _ = self.role.set(role.to_string());
        }
        Ok(conn)
    }

    /// Prints a message on standard output (a summary that scripts read, such as an import's).
    pub fn say(&self, message: msg::Msg) -> Result<()> {
        say(message.render(self.lang))
    }

    /// Prints a note on standard error (what was done, for the person at the terminal).
    pub fn note(&self, message: msg::Msg) {
        eprintln!("{}", message.render(self.lang));
    }

    /// Prints a warning on standard error: `warning: …` (`警告：…`).
    pub fn warn(&self, message: msg::Msg) {
        eprintln!("{}{}", msg::Msg::WarningPrefix.render(self.lang), message.render(self.lang));
    }
}
