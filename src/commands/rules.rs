//! Rules by year and closed years (SPEC v2 §2): `rules show|set`, `year close|reopen|list`.

use rusqlite::{params, OptionalExtension};
use serde_json::json;

use crate::args::amount_arg;
use crate::cli::{RulesCmd, YearCmd};
use crate::credit::{MAX_ABSENCES, ONLINE_CAP};
use crate::db::{self, audit, Action};
use crate::error::{Error, Result};
use crate::hours::Fixed;
use crate::model::Category;
use crate::msg::Msg;
use crate::report::listing::Listing;
use crate::report::render::Cell;
use crate::store::closed::Closed;
use crate::Ctx;

pub fn rules(ctx: &Ctx, cmd: RulesCmd) -> Result<()> {
    let mut conn = ctx.open()?;
    match cmd {
        RulesCmd::Show { year, output } => {
            let year = year.unwrap_or_else(|| ctx.default_year());
            let tx = db::read(&mut conn)?;
            let book = crate::store::ledger::rule_book(&tx)?;
            let since = |name: &str| {
                let from = book.rows.iter().rfind(|(n, from, _)| n == name && *from <= year).map_or(0, |r| r.1);
                if from == 0 {
                    Cell::Blank
                } else {
                    Cell::Int(from.into())
                }
            };
            let rules = book.year(year);
            let mut rows: Vec<Vec<Cell>> = Category::ALL
                .iter()
                .map(|c| vec![Cell::word(*c), Cell::Hours(rules.yearly(*c)), since(c.code())])
                .collect();
            rows.push(vec![
                Cell::Word("online-cap", "线上自学上限"),
                rules.online_cap.map_or(Cell::Blank, Cell::Hours),
                since(ONLINE_CAP),
            ]);
            rows.push(vec![
                Cell::Word("max-absences", "评优允许缺勤次数"),
                Cell::Int(rules.max_absences),
                since(MAX_ABSENCES),
            ]);
            Listing {
                title: ("Rules of the year", "学时规则（本年度）"),
                columns: &[("rule", "Rule", "规则"), ("value", "Value", "数值"), ("from", "Since", "起始年度")],
                rows,
            }
            .emit(&output, ctx.lang)
        }
        RulesCmd::Set { name, value, from } => {
            let (rule, value) = parse_rule(&name, &value)?;
            let tx = db::write(&mut conn)?;
            let closed = Closed::load(&tx)?;
            let what = match from {
                Some(year) => Msg::WhatRuleFrom { name: name.clone(), year },
                None => Msg::WhatRuleEvery { name: name.clone() },
            };
            closed.check_years(from.unwrap_or(i32::MIN), None, what)?;
            let from = from.unwrap_or(0);
            let actor = ctx.actor();
            // The new value replaces this rule's values from `from` on; earlier years keep theirs.
            let replaced: Vec<(i32, Option<i64>)> = tx
                .prepare("SELECT from_year, value FROM rule_by_year WHERE name = ?1 AND from_year >= ?2")?
                .query_map(params![rule, from], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            tx.execute("DELETE FROM rule_by_year WHERE name = ?1 AND from_year >= ?2", params![rule, from])?;
            for (year, old) in &replaced {
                if *year != from {
                    let key = json!({ "name": rule, "from_year": year });
                    audit(&tx, &actor, "rule", &key, Action::Delete, Some(&json!({ "value": old })), None)?;
                }
            }
            tx.execute(
                "INSERT INTO rule_by_year (name, from_year, value) VALUES (?1, ?2, ?3)",
                params![rule, from, value],
            )?;
            let key = json!({ "name": rule, "from_year": from });
            match replaced.iter().find(|(y, _)| *y == from) {
                Some((_, old)) => audit(
                    &tx,
                    &actor,
                    "rule",
                    &key,
                    Action::Update,
                    Some(&json!({ "value": old })),
                    Some(&json!({ "value": value })),
                )?,
                None => audit(&tx, &actor, "rule", &key, Action::Insert, None, Some(&json!({ "value": value })))?,
            }
            tx.commit()?;
            Ok(())
        }
    }
}

/// A rule's stored name and value: hundredths for a requirement or the cap (None: no cap), a
/// count for max-absences.
fn parse_rule(name: &str, value: &str) -> Result<(&'static str, Option<i64>)> {
    match name.trim() {
        "online-cap" | "online_cap" | "线上自学上限" => match value.trim() {
            "none" | "无" | "不限" => Ok((ONLINE_CAP, None)),
            v => Ok((ONLINE_CAP, Some(rule_hours(v)?.0))),
        },
        "max-absences" | "max_absences" | "缺勤上限" | "评优允许缺勤次数" => {
            let t = value.trim();
            match t.parse::<i64>() {
                Ok(n) if (0..=10_000).contains(&n) => Ok((MAX_ABSENCES, Some(n))),
                Ok(_) => Err(Error::invalid(Msg::MaxAbsencesNotCount { text: t.to_string() })),
                Err(_) => Err(Error::usage(Msg::MaxAbsencesNotWhole { text: t.to_string() })),
            }
        }
        other => {
            let cat = Category::parse(other).map_err(|word| Error::usage(Msg::UnknownRule { word }))?;
            Ok((cat.code(), Some(rule_hours(value)?.0)))
        }
    }
}

/// A yearly requirement or cap: the 24-hour limit is per day, not per year.
fn rule_hours(text: &str) -> Result<Fixed> {
    amount_arg("HOURS", text, 24 * 366 * 100)
}

pub fn year(ctx: &Ctx, cmd: YearCmd) -> Result<()> {
    let mut conn = ctx.open()?;
    match cmd {
        YearCmd::Close { year } => {
            let tx = db::write(&mut conn)?;
            if Closed::load(&tx)?.contains(year) {
                return Err(Error::invalid(Msg::YearClosedAlready { year }));
            }
            let actor = ctx.actor();
            tx.execute(
                "INSERT INTO closed_year (year, at, operator) VALUES (?1, ?2, ?3)",
                params![year, actor.at, actor.operator],
            )?;
            audit(&tx, &actor, "closed_year", &json!({ "year": year }), Action::Insert, None, Some(&json!({})))?;
            tx.commit()?;
            ctx.note(Msg::YearClosed { year });
            Ok(())
        }
        YearCmd::Reopen { year } => {
            let tx = db::write(&mut conn)?;
            let old: Option<(String, String)> = tx
                .query_row("SELECT at, operator FROM closed_year WHERE year = ?1", [year], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()?;
            let Some((at, operator)) = old else {
                return Err(Error::invalid(Msg::YearNotClosed { year }));
            };
            tx.execute("DELETE FROM closed_year WHERE year = ?1", [year])?;
            let old = json!({ "at": at, "operator": operator });
            audit(&tx, &ctx.actor(), "closed_year", &json!({ "year": year }), Action::Delete, Some(&old), None)?;
            tx.commit()?;
            ctx.note(Msg::YearReopened { year });
            Ok(())
        }
        YearCmd::List(output) => {
            let tx = db::read(&mut conn)?;
            let mut stmt = tx.prepare(
                "WITH years(year) AS (
                     SELECT DISTINCT CAST(substr(date, 1, 4) AS INTEGER) FROM session
                     UNION SELECT CAST(substr(date, 1, 4) AS INTEGER) FROM assessment
                     UNION SELECT CAST(substr(COALESCE(to_date, date), 1, 4) AS INTEGER) FROM online
                     UNION SELECT year FROM closed_year)
                 SELECT y.year, c.year IS NOT NULL, c.at, c.operator,
                        (SELECT COUNT(*) FROM session s WHERE s.date BETWEEN y.year || '-01-01' AND y.year || '-12-31')
                 FROM years y LEFT JOIN closed_year c ON c.year = y.year ORDER BY y.year",
            )?;
            let rows = stmt
                .query_map([], |r| {
                    let closed: bool = r.get(1)?;
                    Ok(vec![
                        Cell::Int(r.get(0)?),
                        if closed { Cell::Word("closed", "已关闭") } else { Cell::Word("open", "开放") },
                        r.get::<_, Option<String>>(2)?.map_or(Cell::Blank, Cell::Text),
                        r.get::<_, Option<String>>(3)?.map_or(Cell::Blank, Cell::Text),
                        Cell::Int(r.get(4)?),
                    ])
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Listing {
                title: ("Years", "年度"),
                columns: &[
                    ("year", "Year", "年度"),
                    ("state", "State", "状态"),
                    ("closed_at", "Closed at", "关闭时间"),
                    ("closed_by", "Closed by", "关闭人"),
                    ("sessions", "Sessions", "课次数"),
                ],
                rows,
            }
            .emit(&output, ctx.lang)
        }
    }
}
