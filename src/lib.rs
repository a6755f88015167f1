//! xueshi (学时): the credit-hour system of a hospital party school, over one SQLite file.
//! Data flows one way: sheet → rows → database → report → renderer.

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
pub mod lookup;
pub mod model;
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

/// The language of reports, notices and table headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    /// `--lang`, else `$XUESHI_LANG`, else Chinese when `$LANG` starts with `zh`, else English.
    pub fn resolve(flag: Option<Lang>) -> Result<Lang> {
        if let Some(l) = flag {
            return Ok(l);
        }
        if let Ok(v) = std::env::var("XUESHI_LANG") {
            return match v.trim().to_ascii_lowercase().as_str() {
                "zh" => Ok(Lang::Zh),
                "en" => Ok(Lang::En),
                other => Err(Error::usage(format!("XUESHI_LANG={other:?}: write zh or en"))),
            };
        }
        let system = std::env::var("LANG").unwrap_or_default();
        Ok(if system.starts_with("zh") { Lang::Zh } else { Lang::En })
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
    pub operator: String,
    /// `$XUESHI_TODAY`, else today: for default years and periods and the date of issue.
    pub today: NaiveDate,
}

impl Ctx {
    pub fn from_cli(cli: &cli::Cli) -> Result<Ctx> {
        let (db, db_named) = match (&cli.db, std::env::var_os("XUESHI_DB")) {
            (Some(p), _) => (p.clone(), true),
            (None, Some(p)) if !p.is_empty() => (PathBuf::from(p), false),
            _ => (PathBuf::from("xueshi.db"), false),
        };
        let operator = cli
            .operator
            .clone()
            .or_else(|| std::env::var("XUESHI_OPERATOR").ok())
            .or_else(|| std::env::var("USER").ok())
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| "unknown".to_string());
        let today = match std::env::var("XUESHI_TODAY") {
            Ok(v) if !v.trim().is_empty() => date::parse(&v)
                .ok_or_else(|| Error::usage(format!("XUESHI_TODAY={v:?} is not a date (write 2024-03-15)")))?,
            _ => chrono::Local::now().date_naive(),
        };
        Ok(Ctx { db, db_named, lang: Lang::resolve(cli.lang)?, operator, today })
    }

    /// The year a report is about when none is named: that of the last complete month, so that
    /// in January it is the year just ended.
    pub fn default_year(&self) -> i32 {
        period::Period::last_complete_month(self.today).year
    }

    pub fn actor(&self) -> db::Actor {
        db::Actor::new(&self.operator)
    }

    pub fn open(&self) -> Result<rusqlite::Connection> {
        db::open(&self.db)
    }
}
