//! The database itself: init, backup, check.

use std::path::Path;

use crate::db;
use crate::error::{Error, Problem, Result};
use crate::msg::Msg;
use crate::store::admin;
use crate::Ctx;

pub fn init(ctx: &Ctx) -> Result<()> {
    let (_, created) = db::create_school(&ctx.db, ctx.school.as_deref())?;
    let (path, version) = (db::shown(&ctx.db), db::VERSION);
    ctx.note(match (ctx.school.clone(), created) {
        (Some(school), true) => Msg::SchoolCreated { school, path, version },
        (Some(school), false) => Msg::SchoolUpToDate { school, path, version },
        (None, true) => Msg::DbCreated { path, version },
        (None, false) => Msg::DbUpToDate { path, version },
    });
    Ok(())
}

pub fn backup(ctx: &Ctx, file: &Path) -> Result<()> {
    let conn = ctx.open()?;
    if conn.sqlite().is_none() {
        return Err(Error::usage(Msg::BackupOnServer));
    }
    if file.exists() {
        return Err(Error::Other(Msg::BackupExists { path: file.display().to_string() }));
    }
    // Create it private first; the backup API then fills it page by page, taking a consistent
    // snapshot while others may be writing.
    let (dest, _) = db::create(file)?;
    drop(dest);
    admin::backup(&conn, file)?;
    ctx.note(Msg::BackedUp { from: db::shown(&ctx.db), to: file.display().to_string() });
    Ok(())
}

pub fn check(ctx: &Ctx) -> Result<()> {
    let mut conn = ctx.open()?;
    let tx = db::read(&mut conn)?;
    let problems = admin::problems(&tx)?;
    let counts = admin::table_counts(&tx)?;
    // Each table by what its records are called, in the chosen language, its count aligned.
    let names: Vec<String> = counts.iter().map(|(t, _)| crate::msg::table_name(t, ctx.lang)).collect();
    let width = names.iter().map(|t| unicode_width::UnicodeWidthStr::width(t.as_str())).max().unwrap_or(0);
    for (t, (_, n)) in names.iter().zip(&counts) {
        let pad = width - unicode_width::UnicodeWidthStr::width(t.as_str());
        crate::say(format_args!("{t}{} {n:>10}", " ".repeat(pad)))?;
    }
    if problems.is_empty() {
        ctx.say(Msg::CheckOk)
    } else {
        Err(Error::Found(problems.into_iter().map(Problem::new).collect()))
    }
}
