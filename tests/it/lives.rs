//! SPEC v2: dated lives, rules by year, closed years, the v1 → v2 upgrade.

use serde_json::Value;

use crate::common::{fixture, School};

/// A copy of the demo database as the version-1 program left it.
fn v1_school() -> School {
    let s = School::empty();
    std::fs::copy(fixture("v1/demo-v1.db"), s.db()).unwrap();
    s
}

#[test]
fn a_version_1_database_upgrades_with_every_record_and_the_same_reports() {
    let s = v1_school();
    let conn = rusqlite::Connection::open(s.db()).unwrap();
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(version, 1);
    let count = |conn: &rusqlite::Connection, t: &str| -> i64 {
        conn.query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| r.get(0)).unwrap()
    };
    let tables = ["learner", "session", "attendance", "result", "online", "import_batch", "audit"];
    let before: Vec<i64> = tables.iter().map(|t| count(&conn, t)).collect();
    drop(conn);
    let init = s.run(&["init"]).ok();
    assert!(init.stderr.contains("schema version 2"), "{}", init.stderr);
    let conn = rusqlite::Connection::open(s.db()).unwrap();
    let after: Vec<i64> = tables.iter().map(|t| count(&conn, t)).collect();
    assert_eq!(before, after, "every record of {tables:?} is kept");
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(version, 2);
    drop(conn);
    let expected = |name: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(fixture(&format!("v1/{name}"))).unwrap()).unwrap()
    };
    assert_eq!(
        s.run(&["--lang", "en", "report", "year", "2025", "--format", "json"]).ok().json(),
        expected("year-2025.json")
    );
    // The transcript has gained the months and the history (SPEC v2); every v1 field is as it was.
    let transcript = s.run(&["report", "learner", "1085", "--year", "2025", "--format", "json"]).ok().json();
    for (key, value) in expected("transcript-1085-2025.json").as_object().unwrap() {
        assert_eq!(&transcript[key], value, "{key}");
    }
    s.run(&["check"]).ok();
    // The rules carried over hold for every year.
    let rules = s.run(&["rules", "show", "--year", "2020", "--format", "json"]).ok().json();
    let cap = rules.as_array().unwrap().iter().find(|r| r["rule"] == "online-cap").unwrap();
    assert_eq!(cap["value"], 12.0);
}
