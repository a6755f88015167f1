//! The audit log as people ask for it (who changed what, when, from what to what), and the shell
//! completion scripts.

use serde_json::{json, Value as Json};

use crate::cli::AuditArgs;
use crate::db;
use crate::error::{Error, Result};
use crate::msg::Msg;
use crate::report::audit;
use crate::report::listing::Listing;
use crate::report::render::Cell;
use crate::store::lookup;
use crate::store::records::{self, AuditFilter};
use crate::Ctx;

pub fn audit(ctx: &Ctx, a: AuditArgs) -> Result<()> {
    let mut conn = ctx.open()?;
    let tx = db::read(&mut conn)?;
    if let Some(b) = a.batch {
        if !records::batch_exists(&tx, b)? {
            return Err(Error::invalid(Msg::BatchUnknown { batch: b }));
        }
    }
    let staff_id = a.learner.as_deref().map(|s| s.trim().to_string());
    // A deleted learner's rows are still found by the staff id they were logged under.
    let learner_id = match &staff_id {
        Some(s) => lookup::learner(&tx, s).ok(),
        None => None,
    };
    let filter = AuditFilter { since: a.since, staff_id: staff_id.clone(), learner_id, batch: a.batch };
    let log = records::audit_log(&tx, &filter)?;
    if let (Some(s), None, true) = (&staff_id, learner_id, log.is_empty()) {
        return Err(Error::invalid(Msg::AuditUnknownLearner { staff_id: s.clone() }));
    }
    // In JSON, the key and the values are objects, not text holding them.
    let parse = |text: Option<&String>| -> Json {
        text.map_or(Json::Null, |t| serde_json::from_str(t).unwrap_or_else(|_| Json::from(t.as_str())))
    };
    let json = Json::Array(
        log.iter()
            .map(|r| {
                json!({ "id": r.id, "at": r.at, "operator": r.operator, "batch": r.batch_id, "entity": r.entity,
                        "key": parse(Some(&r.key)), "action": r.action, "old": parse(r.old.as_ref()),
                        "new": parse(r.new.as_ref()) })
            })
            .collect(),
    );
    // In the other formats, each row in words (`report::audit`).
    let names = records::audit_names(&tx)?;
    let parsed: Vec<(Json, Option<Json>, Option<Json>)> = log
        .iter()
        .map(|r| (parse(Some(&r.key)), r.old.as_ref().map(|o| parse(Some(o))), r.new.as_ref().map(|n| parse(Some(n)))))
        .collect();
    let rows = log
        .into_iter()
        .zip(&parsed)
        .map(|(r, (key, old, new))| {
            let words = audit::Words { names: &names, lang: ctx.lang, row: r.id };
            let (before, after) = words.values(&r.entity, key, old.as_ref(), new.as_ref());
            vec![
                Cell::Int(r.id),
                Cell::Text(r.at),
                Cell::Text(r.operator),
                r.batch_id.map_or(Cell::Blank, Cell::Int),
                Cell::Text(words.entity(&r.entity)),
                Cell::Text(words.key(&r.entity, key)),
                Cell::Text(words.action(&r.action)),
                Cell::Text(before),
                Cell::Text(after),
            ]
        })
        .collect();
    Listing {
        title: ("Audit log", "操作日志"),
        narrow: &[],
        columns: &[
            ("id", "Id", "编号"),
            ("at", "At", "时间"),
            ("operator", "Operator", "操作人"),
            ("batch", "Batch", "批次"),
            ("entity", "Kind", "对象"),
            ("key", "Record", "记录"),
            ("action", "Action", "操作"),
            ("old", "Before", "原值"),
            ("new", "After", "新值"),
        ],
        rows,
    }
    .emit_with(&a.output, ctx.lang, String::new(), Some(json))
}

/// Prints the completion script of `shell` for the whole command line.
pub fn completions(shell: clap_complete::Shell, lang: crate::Lang) -> Result<()> {
    let mut script = Vec::new();
    // The descriptions some shells show beside each word are in the chosen language.
    clap_complete::generate(shell, &mut crate::cli::help::command(lang), "xueshi", &mut script);
    use std::io::Write;
    std::io::stdout().lock().write_all(&script)?;
    Ok(())
}
