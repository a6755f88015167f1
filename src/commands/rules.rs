//! Rules by year and closed years (SPEC v2 §2): `rules show|set`, `year close|reopen|list`.

use crate::args::amount_arg;
use crate::cli::{RulesCmd, YearCmd};
use crate::credit::{MAX_ABSENCES, ONLINE_CAP};
use crate::db;
use crate::error::{Error, Result};
use crate::hours::Fixed;
use crate::model::Category;
use crate::msg::Msg;
use crate::report::listing::Listing;
use crate::report::render::Cell;
use crate::store::closed::{self, Closed};
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
            let heading = ctx.lang.pick(&format!("Rules of {year}"), &format!("{year}年度学时规则")).to_string();
            let mut listing = Listing {
                title: ("Rules", "学时规则"),
                narrow: &[],
                columns: &[("rule", "Rule", "规则"), ("value", "Value", "数值"), ("from", "Since", "起始年度")],
                rows,
            };
            // No online cap is null in JSON, and said in words elsewhere.
            let json = listing.json();
            let cap = &mut listing.rows[Category::ALL.len()][1];
            if *cap == Cell::Blank {
                *cap = Cell::Word("no cap", "不设上限");
            }
            listing.emit_with(&output, ctx.lang, heading, Some(json))
        }
        RulesCmd::Set { name, value, from } => {
            let (rule, value) = parse_rule(&name, &value)?;
            let tx = db::write(&mut conn)?;
            let closed = Closed::load(&tx)?;
            let what = match from {
                Some(year) => Msg::WhatRuleFrom { name: rule.to_string(), year },
                None => Msg::WhatRuleEvery { name: rule.to_string() },
            };
            closed.check_years(from.unwrap_or(i32::MIN), None, what)?;
            crate::store::rules::set_rule(&tx, &ctx.actor(), rule, from.unwrap_or(0), value)?;
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
            closed::close_year(&tx, &ctx.actor(), year)?;
            tx.commit()?;
            ctx.note(Msg::YearClosed { year });
            Ok(())
        }
        YearCmd::Reopen { year } => {
            let tx = db::write(&mut conn)?;
            if !closed::reopen_year(&tx, &ctx.actor(), year)? {
                return Err(Error::invalid(Msg::YearNotClosed { year }));
            }
            tx.commit()?;
            ctx.note(Msg::YearReopened { year });
            Ok(())
        }
        YearCmd::List(output) => {
            let tx = db::read(&mut conn)?;
            let rows = closed::year_lines(&tx)?
                .into_iter()
                .map(|y| {
                    let (state, at, operator) = match y.closed {
                        Some((at, operator)) => (Cell::Word("closed", "已关闭"), Cell::Text(at), Cell::Text(operator)),
                        None => (Cell::Word("open", "未关闭"), Cell::Blank, Cell::Blank),
                    };
                    vec![Cell::Int(y.year.into()), state, at, operator, Cell::Int(y.sessions)]
                })
                .collect();
            Listing {
                title: ("Years", "年度"),
                narrow: &[],
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
