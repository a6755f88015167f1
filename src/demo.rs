//! The demo: a fresh database built from the bundled fixtures the way a secretary would build it
//! (the command lines of `fixtures/demo/school.txt`, which import the sheets beside it), then
//! the year report and a notice.

use std::path::{Path, PathBuf};

use clap::Parser;

use crate::cli::{Cli, Command, NoticeArgs, ReportCmd};
use crate::error::{Error, Result};
use crate::msg::{IoWhy, Msg};
use crate::report::document::Output;
use crate::{commands, db, Ctx};

/// The year of the demo school's records, and the notice it prints.
const YEAR: i32 = 2025;
const NOTICE: &str = "2025-Q4";

const SCRIPT: &str = include_str!("../fixtures/demo/school.txt");

macro_rules! sheets {
    ($($name:literal),+ $(,)?) => {
        &[$(($name, include_bytes!(concat!("../fixtures/demo/", $name)) as &[u8])),+]
    };
}

/// The sheets the script imports, embedded so that `xueshi demo` works from any folder.
const SHEETS: &[(&str, &[u8])] = sheets![
    "learners.csv",
    "courses.csv",
    "signin-DS01-2025-01-17.gbk.csv",
    "roster-LL01-2025-02-21.xlsx",
    "signin-LL02-2025-03-28.gbk.csv",
    "roster-DS01-2025-04-18.xlsx",
    "signin-LL01-2025-06-20.gbk.csv",
    "roster-LL03-2025-07-11.xlsx",
    "signin-LL02-2025-09-12.gbk.csv",
    "roster-HS01-2025-09-26.xlsx",
    "signin-FZ01-2025-11-14.gbk.csv",
    "roster-LL01-2025-12-12.xlsx",
    "attendance-multi.csv",
    "results-Q1.gbk.csv",
    "results-Q2.gbk.csv",
    "results-C1.gbk.csv",
    "results-E1.gbk.csv",
    "online.utf16.csv",
];

/// Builds the demo database (`--db`, else demo.db; never `$XUESHI_DB`, which may be real).
pub fn run(ctx: &Ctx) -> Result<()> {
    let path = if ctx.db_named { ctx.db.clone() } else { PathBuf::from("demo.db") };
    make_room(&path, ctx.school.as_deref())?;
    let ctx = Ctx { db: path.clone(), db_named: true, ..ctx.clone() };
    let (mut conn, _) = db::create_school(&path, ctx.school.as_deref())?;
    let tx = db::write(&mut conn)?;
    crate::store::admin::mark_demo(&tx)?;
    tx.commit()?;
    drop(conn);

    let sheets = SheetDir::new()?;
    ctx.note(Msg::BuildingDemo { path: path.display().to_string() });
    for (n, line) in SCRIPT.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let place = format!("fixtures/demo/school.txt:{}", n + 1);
        let words = line.split_whitespace().map(|w| match SHEETS.iter().find(|(name, _)| *name == w) {
            Some((name, _)) => sheets.0.join(name).to_string_lossy().into_owned(),
            None => w.to_string(),
        });
        let cli = Cli::try_parse_from(std::iter::once("xueshi".to_string()).chain(words)).map_err(|e| {
            Error::Other(Msg::DemoBadLine { place: place.clone(), detail: e.to_string().trim().to_string() })
        })?;
        commands::run(&ctx, cli.command).map_err(|e| match e {
            Error::PipeClosed => e,
            e => Error::Other(Msg::DemoStepFailed { place, line: line.to_string(), problems: e.problems() }),
        })?;
    }

    let mut conn = db::open_school(&path, ctx.school.as_deref())?;
    let tx = db::write(&mut conn)?;
    crate::store::admin::seal_demo(&tx)?;
    tx.commit()?;
    drop(conn);

    let report = ReportCmd::Year { year: Some(YEAR), branch: None, output: Output::default() };
    commands::run(&ctx, Command::Report(report))?;
    crate::say("")?;
    let period = NOTICE.parse().map_err(Error::Other)?;
    commands::run(&ctx, Command::Notice(NoticeArgs { period: Some(period), branch: None, output: Output::default() }))
}

/// A fresh database: remove an earlier demo database, refuse to touch anything else.
fn make_room(path: &Path, school: Option<&str>) -> Result<()> {
    if db::postgres_url(path).is_some() {
        // On a server: a school of the demo's own is dropped; the default school never is.
        let mut conn = match db::open_school(path, school) {
            Ok(conn) => conn,
            Err(Error::Other(Msg::NoSchool { .. } | Msg::NoDatabase { .. })) => return Ok(()),
            Err(e) => return Err(e),
        };
        let tx = db::read(&mut conn)?;
        let (origin, changes) = crate::store::admin::origin_in(&tx)?;
        drop(tx);
        return match school {
            Some(code) if origin.as_deref() == Some("demo") => {
                refuse_changed(path, changes)?;
                db::drop_school(&mut conn, code)
            }
            _ => Err(Error::Other(Msg::DemoNotDemoDb { path: path.display().to_string() })),
        };
    }
    if !path.exists() {
        return Ok(());
    }
    let (origin, changes) = crate::store::admin::origin(path);
    if origin.as_deref() != Some("demo") {
        return Err(Error::Other(Msg::DemoNotDemoDb { path: path.display().to_string() }));
    }
    refuse_changed(path, changes)?;
    for suffix in ["", "-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{suffix}", path.display()));
        if p.exists() {
            std::fs::remove_file(&p)
                .map_err(|e| Error::Other(Msg::CannotRemove { path: p.display().to_string(), why: IoWhy::from(&e) }))?;
        }
    }
    Ok(())
}

/// A demo database someone has since changed is theirs: the demo does not build it again.
fn refuse_changed(path: &Path, changes: i64) -> Result<()> {
    if changes > 0 {
        return Err(Error::Other(Msg::DemoChanged { path: path.display().to_string(), changes }));
    }
    Ok(())
}

/// The embedded sheets written to a private temporary folder, removed when done.
struct SheetDir(PathBuf);

impl SheetDir {
    fn new() -> Result<SheetDir> {
        let dir = std::env::temp_dir().join(format!("xueshi-demo-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let sheets = SheetDir(dir);
        for (name, bytes) in SHEETS {
            std::fs::write(sheets.0.join(name), bytes)?;
        }
        Ok(sheets)
    }
}

impl Drop for SheetDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
