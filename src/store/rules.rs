//! Writing the rules by year (SPEC v2 §2): a rule's value from a year on. Reading them is
//! `ledger::rule_book`'s.

use serde_json::json;

use crate::db::{audit, params, Action, Actor, Tx};
use crate::error::Result;

/// Gives rule `name` the value `value` from year `from` on (0: every year): its values stored for
/// `from` and later years are replaced, each replacement audited; earlier years keep theirs.
pub fn set_rule(tx: &Tx, actor: &Actor, name: &str, from: i32, value: Option<i64>) -> Result<()> {
    let replaced: Vec<(i32, Option<i64>)> = tx.all(
        "SELECT from_year, value FROM rule_by_year WHERE name = ?1 AND from_year >= ?2",
        params![name, from],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    tx.execute("DELETE FROM rule_by_year WHERE name = ?1 AND from_year >= ?2", params![name, from])?;
    for (year, old) in &replaced {
        if *year != from {
            let key = json!({ "name": name, "from_year": year });
            audit(tx, actor, "rule", &key, Action::Delete, Some(&json!({ "value": old })), None)?;
        }
    }
    tx.execute("INSERT INTO rule_by_year (name, from_year, value) VALUES (?1, ?2, ?3)", params![name, from, value])?;
    let key = json!({ "name": name, "from_year": from });
    let new = json!({ "value": value });
    match replaced.iter().find(|(y, _)| *y == from) {
        Some((_, old)) => audit(tx, actor, "rule", &key, Action::Update, Some(&json!({ "value": old })), Some(&new)),
        None => audit(tx, actor, "rule", &key, Action::Insert, None, Some(&new)),
    }
}
