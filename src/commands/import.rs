//! `import` (a sheet into the database) and `imports` (list the batches, take one back).

use crate::cli::{ImportArgs, ImportsCmd};
use crate::db;
use crate::error::Result;
use crate::import::{self, Options};
use crate::msg::Msg;
use crate::report::document::Output;
use crate::report::listing::Listing;
use crate::report::render::Cell;
use crate::store::batch::{self, Undone};
use crate::Ctx;

pub fn import(ctx: &Ctx, args: ImportArgs) -> Result<()> {
    let options = Options {
        kind: args.kind,
        file: args.file,
        dry_run: args.dry_run,
        update: args.update,
        encoding: args.encoding,
        sheet: args.sheet,
        create_branches: args.create_branches,
        session: args.session,
        course: args.course,
        date: args.date,
        hours: args.hours,
        assessment: args.assessment,
        from: args.from,
    };
    import::run(ctx, options)
}

pub fn imports(ctx: &Ctx, cmd: ImportsCmd) -> Result<()> {
    match cmd {
        ImportsCmd::List(output) => list(ctx, &output),
        ImportsCmd::Undo { batch } => undo(ctx, batch),
    }
}

/// A batch's kind: its code in JSON and English, what it imported in Chinese.
fn kind_cell(kind: String) -> Cell {
    match import::kind_of_code(&kind) {
        Some((code, zh)) => Cell::Word(code, zh),
        None => Cell::Text(kind),
    }
}

fn list(ctx: &Ctx, output: &Output) -> Result<()> {
    let mut conn = ctx.open()?;
    let tx = db::read(&mut conn)?;
    let rows = batch::list(&tx)?
        .into_iter()
        .map(|b| {
            vec![
                Cell::Int(b.id),
                kind_cell(b.kind),
                Cell::Text(b.file),
                Cell::Text(b.sha256),
                Cell::Int(b.new),
                Cell::Int(b.unchanged),
                Cell::Int(b.updated),
                Cell::Text(b.operator),
                Cell::Text(b.at),
                Cell::Bool(b.undone),
            ]
        })
        .collect();
    Listing {
        title: ("Import batches", "导入批次"),
        narrow: &[],
        columns: &[
            ("id", "Batch", "批次"),
            ("kind", "Kind", "类型"),
            ("file", "File", "文件"),
            ("sha256", "SHA-256", "SHA-256"),
            ("new", "New", "新增"),
            ("unchanged", "Unchanged", "未变"),
            ("updated", "Updated", "更新"),
            ("operator", "Operator", "操作人"),
            ("at", "At", "时间"),
            ("undone", "Undone", "已撤销"),
        ],
        rows,
    }
    .emit(output, ctx.lang)
}

fn undo(ctx: &Ctx, batch: i64) -> Result<()> {
    let mut conn = ctx.open()?;
    batch::ready_for_undo(&conn, batch)?;
    let tx = db::write(&mut conn)?;
    let Undone { file, removed, restored } = batch::undo(&tx, &ctx.actor(), batch)?;
    tx.commit()?;
    ctx.say(Msg::BatchUndone { batch, file, removed, restored })
}
