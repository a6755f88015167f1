//! SPEC v2: dated lives, rules by year, closed years, the v1 → v2 upgrade. One test per rule of
//! SPEC v2 §2, the arithmetic worked by hand in the comments; every refusal exits 65, says why,
//! and leaves the database as it was.

use serde_json::Value;

use crate::common::{fixture, sqlite_only, Run, School};

/// Two branches and a 2-hour theory course; no learners yet.
fn school() -> School {
    let s = School::new();
    s.run(&["branch", "add", "NK1", "内科一支部"]).ok();
    s.run(&["branch", "add", "WK1", "外科一支部"]).ok();
    s.run(&["course", "add", "T1", "党的基本理论", "--kind", "theory", "--mode", "offline", "--hours", "2"]).ok();
    s
}

/// `learner add STAFF_ID NAME --branch BRANCH --category CATEGORY EXTRA…`
fn add(s: &School, staff_id: &str, name: &str, branch: &str, category: &str, extra: &[&str]) {
    let mut args = vec!["learner", "add", staff_id, name, "--branch", branch, "--category", category];
    args.extend_from_slice(extra);
    s.run(&args).ok();
}

/// A session of T1 on `date`; returns its id.
fn session(s: &School, date: &str, extra: &[&str]) -> String {
    let mut args = vec!["session", "add", "--course", "T1", "--date", date];
    args.extend_from_slice(extra);
    let out = s.run(&args).ok().stdout;
    let id = out.trim().to_string();
    assert!(id.parse::<i64>().is_ok(), "session add printed {out:?}");
    id
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn find<'a>(list: &'a Value, staff_id: &str) -> Option<&'a Value> {
    list.as_array().unwrap_or_else(|| panic!("not a list: {list}")).iter().find(|l| l["staff_id"] == staff_id)
}

fn learner<'a>(report: &'a Value, staff_id: &str) -> &'a Value {
    find(&report["learners"], staff_id).unwrap_or_else(|| panic!("{staff_id} not in the report: {report}"))
}

fn staff_ids(list: &Value) -> Vec<&str> {
    list.as_array().unwrap().iter().map(|l| l["staff_id"].as_str().unwrap()).collect()
}

fn audit_rows(s: &School) -> i64 {
    s.number("SELECT COUNT(*) FROM audit")
}

/// The audit log as JSON.
fn audit(s: &School) -> Vec<Value> {
    s.run(&["audit", "--format", "json"]).ok().json().as_array().unwrap().clone()
}

/// Runs a command that must be refused: exit 65, every phrase of `says` on stderr, and neither a
/// record nor the audit log changed.
#[track_caller]
fn refused(s: &School, args: &[&str], says: &[&str]) -> Run {
    let (before, logged) = (s.dump(), audit_rows(s));
    let r = s.run(args).expect(65);
    for phrase in says {
        assert!(r.stderr.contains(phrase), "{args:?}: {phrase:?} is not in the message:\n{}", r.stderr);
    }
    assert_eq!(s.dump(), before, "a refused {args:?} changed records");
    assert_eq!(audit_rows(s), logged, "a refused {args:?} wrote to the audit log");
    r
}

/// The id of the last import batch.
fn last_batch(s: &School) -> String {
    let list = s.run(&["imports", "list", "--format", "json"]).ok().json();
    list.as_array().unwrap().last().expect("a batch")["id"].to_string()
}

/// A copy of the demo database as the version-1 program left it.
fn v1_school() -> School {
    let s = School::empty();
    std::fs::copy(fixture("v1/demo-v1.db"), s.db()).unwrap();
    s
}

#[test]
fn a_version_1_database_upgrades_with_every_record_and_the_same_reports() {
    if sqlite_only("a version-1 SQLite file upgraded") {
        return;
    }
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

// ---- SPEC v2 §2, one test per rule ----

#[test]
fn an_admission_in_june_prorates_candidate_then_probationary() {
    let s = school();
    add(&s, "0001", "陈晨", "NK1", "candidate", &[]);
    s.run(&["learner", "set", "0001", "--category", "probationary", "--from", "2024-06-10"]).ok();
    // January–May end before 10 June: 5 months as candidate (24 a year). June's last day, 30 June,
    // is after the admission: June–December are 7 months as probationary (32 a year).
    // (5 × 24 + 7 × 32) ÷ 12 = (120 + 224) ÷ 12 = 344 ÷ 12 = 28.666… → 28.67
    let r24 = s.year(2024);
    let l = learner(&r24, "0001");
    assert_eq!(num(&l["required"]), 28.67);
    assert_eq!(l["category"], "probationary");
    // 2023: a candidate all year, 12 × 24 ÷ 12 = 24.
    let r23 = s.year(2023);
    let l = learner(&r23, "0001");
    assert_eq!((l["category"].as_str(), num(&l["required"])), (Some("candidate"), 24.0));
    // 2025: probationary all year, 32.
    let l = learner(&s.year(2025), "0001").clone();
    assert_eq!((l["category"].as_str(), num(&l["required"])), (Some("probationary"), 32.0));
}

#[test]
fn a_conversion_and_a_move_in_july_place_the_whole_year_in_the_new_branch() {
    let s = school();
    add(&s, "0002", "刘洋", "NK1", "probationary", &[]);
    // A requirement that tells probationary months from member months.
    s.run(&["rules", "set", "probationary", "38"]).ok();
    // 转正 on 15 March, then moved to WK1 from 1 July.
    s.run(&["learner", "set", "0002", "--category", "member", "--from", "2024-03-15"]).ok();
    s.run(&["learner", "set", "0002", "--branch", "WK1", "--from", "2024-07-01"]).ok();
    let old = session(&s, "2023-10-10", &[]);
    let mar = session(&s, "2024-03-20", &[]);
    let sep = session(&s, "2024-09-20", &["--hours", "3"]);
    for id in [&old, &mar, &sep] {
        s.run(&["attend", id, "0002"]).ok();
    }
    // 2024: January and February probationary (38); March–December member (March's last day is
    // after the 15th): (2 × 38 + 10 × 32) ÷ 12 = (76 + 320) ÷ 12 = 396 ÷ 12 = 33.00.
    // Placed on 31 December: a member of WK1, bringing the whole year's 2 (March, in NK1) + 3 = 5.
    let r24 = s.year(2024);
    let l = learner(&r24, "0002");
    assert_eq!((l["branch"].as_str(), l["category"].as_str()), (Some("WK1"), Some("member")));
    assert_eq!((num(&l["required"]), num(&l["theory"]), num(&l["total"])), (33.0, 5.0, 5.0));
    let codes: Vec<&str> = r24["branches"].as_array().unwrap().iter().map(|b| b["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["WK1"]);
    // 2023: probationary in NK1 all year: 12 × 38 ÷ 12 = 38; that year's 2 hours only.
    let r23 = s.year(2023);
    let l = learner(&r23, "0002");
    assert_eq!((l["branch"].as_str(), l["category"].as_str()), (Some("NK1"), Some("probationary")));
    assert_eq!((num(&l["required"]), num(&l["total"])), (38.0, 2.0));
    // --branch selects by that placement, with every record of the learner.
    let by = |year: &str, branch: &str| {
        s.run(&["report", "year", year, "--branch", branch, "--format", "json"]).ok().json()["learners"].clone()
    };
    assert_eq!(num(&find(&by("2024", "WK1"), "0002").expect("0002 in WK1's 2024 report")["total"]), 5.0);
    assert!(find(&by("2024", "NK1"), "0002").is_none(), "0002 is not in NK1's 2024 report");
    assert_eq!(num(&find(&by("2023", "NK1"), "0002").expect("0002 in NK1's 2023 report")["total"]), 2.0);
    assert!(find(&by("2023", "WK1"), "0002").is_none(), "0002 is not in WK1's 2023 report");
    // A notice for the first half places them on 30 June: still in NK1. Expected by June:
    // (2 × 38 + 4 × 32) ÷ 12 = (76 + 128) ÷ 12 = 204 ÷ 12 = 17.00; hours 2; shortfall 15.
    let h1 = s.run(&["notice", "2024-H1", "--branch", "NK1", "--format", "json"]).ok().json();
    let b = find(&h1["behind"], "0002").expect("0002 behind in NK1's H1 notice");
    assert_eq!(b["branch"], "NK1");
    assert_eq!((num(&b["hours"]), num(&b["expected"]), num(&b["shortfall"])), (2.0, 17.0, 15.0));
    let h1 = s.run(&["notice", "2024-H1", "--branch", "WK1", "--format", "json"]).ok().json();
    assert!(find(&h1["behind"], "0002").is_none() && h1["branches"].as_array().unwrap().is_empty(), "{h1}");
}

#[test]
fn a_leave_and_a_return_leave_a_gap_where_nothing_can_be_recorded() {
    let s = school();
    add(&s, "0001", "王建国", "NK1", "member", &[]);
    add(&s, "0003", "张伟", "NK1", "member", &[]);
    s.run(&["learner", "leave", "0003", "--date", "2024-03-10"]).ok();
    s.run(&["learner", "return", "0003", "--date", "2024-09-01"]).ok();
    // Enrolled: January, February, March (to the 10th), September–December: 7 months.
    // 7 × 32 ÷ 12 = 224 ÷ 12 = 18.666… → 18.67
    assert_eq!(num(&learner(&s.year(2024), "0003")["required"]), 18.67);
    // 2023 and 2025 are whole years.
    assert_eq!(num(&learner(&s.year(2025), "0003")["required"]), 32.0);

    let spells = ["staff id 0003 (张伟) was not enrolled on", "2024-03-10", "2024-09-01"];
    let gap = session(&s, "2024-05-15", &[]);
    // With 0001 in the same command, nothing is written.
    let r = refused(&s, &["attend", &gap, "0001", "0003"], &spells);
    assert!(r.stderr.contains("2024-05-15"), "{}", r.stderr);
    s.run(&["assessment", "add", "Q1", "党规测试", "--kind", "quiz", "--date", "2024-06-01", "--hours", "2"]).ok();
    refused(&s, &["result", "add", "Q1", "0003", "--score", "90"], &spells);
    refused(&s, &["online", "add", "0003", "2024-07-01", "2"], &spells);
    // An online total is refused when either of its dates is outside.
    refused(&s, &["online", "add", "0003", "2024-02-20", "10", "--to", "2024-04-30"], &spells);
    refused(&s, &["online", "add", "0003", "2024-08-01", "10", "--to", "2024-09-30"], &spells);
    let sheet = s.file("sheet.csv", "工号,姓名\n0001,王建国\n0003,张伟\n");
    let r = refused(&s, &["import", "attendance", sheet.to_str().unwrap(), "--session", &gap], &spells);
    assert!(r.stderr.contains("sheet.csv:3"), "the row is named: {}", r.stderr);

    // Back from September: records count again.
    let sep = session(&s, "2024-09-10", &[]);
    s.run(&["attend", &sep, "0003"]).ok();
    s.run(&["online", "add", "0003", "2024-09-12", "1.5"]).ok();
    s.run(&["attend", &gap, "0001"]).ok();
    let r = s.year(2024);
    let l = learner(&r, "0003");
    assert_eq!((num(&l["theory"]), num(&l["online"]), num(&l["total"])), (2.0, 1.5, 3.5));
}

#[test]
fn a_learner_away_at_the_years_end_is_reported_as_on_their_last_day() {
    let s = school();
    add(&s, "0002", "刘洋", "NK1", "member", &[]);
    s.run(&["learner", "leave", "0002", "--date", "2024-06-30"]).ok();
    // Changed while away (a new post on their return): it holds from 1 September.
    s.run(&["learner", "set", "0002", "--category", "cadre", "--branch", "WK1", "--from", "2024-09-01"]).ok();
    s.run(&["learner", "return", "0002", "--date", "2025-01-02"]).ok();
    // 2024: enrolled January–June as a member of NK1, their last enrolled day 30 June:
    // 6 × 32 ÷ 12 = 16, reported in NK1 as a member.
    let r = s.year(2024);
    let l = learner(&r, "0002");
    assert_eq!(
        (l["branch"].as_str(), l["category"].as_str(), num(&l["required"])),
        (Some("NK1"), Some("member"), 16.0)
    );
    // 2025: back from 2 January, January counts: 12 × 56 ÷ 12 = 56, a cadre of WK1.
    let r = s.year(2025);
    let l = learner(&r, "0002");
    assert_eq!((l["branch"].as_str(), l["category"].as_str(), num(&l["required"])), (Some("WK1"), Some("cadre"), 56.0));
}

#[test]
fn an_exemption_spares_only_the_months_it_covers_wholly() {
    let s = school();
    add(&s, "0004", "赵敏", "NK1", "member", &[]);
    add(&s, "0005", "孙丽", "NK1", "member", &["--joined", "2024-07-01"]);
    add(&s, "0006", "周强", "WK1", "member", &[]);
    s.run(&["learner", "exempt", "0004", "--from", "2024-03-05", "--to", "2024-05-31", "--reason", "病假"]).ok();
    s.run(&["learner", "exempt", "0005", "--from", "2024-07-01", "--to", "2024-12-31", "--reason", "产假"]).ok();
    s.run(&["learner", "exempt", "0006", "--from", "2024-11-15", "--to", "2025-02-28"]).ok();
    // Hours earned inside an exemption count as usual.
    let apr = session(&s, "2024-04-10", &[]);
    s.run(&["attend", &apr, "0004"]).ok();
    let r = s.year(2024);
    // 0004: 1–4 March are not exempt, so March stays required; April and May are wholly exempt.
    // 10 required months: 10 × 32 ÷ 12 = 320 ÷ 12 = 26.666… → 26.67; the April session counts.
    let l = learner(&r, "0004");
    assert_eq!((num(&l["required"]), num(&l["total"])), (26.67, 2.0));
    // 0005: every enrolled month (July–December) wholly exempt: in the report, required 0.
    let l = learner(&r, "0005");
    assert_eq!((num(&l["required"]), num(&l["total"]), &l["met"]), (0.0, 0.0, &Value::Bool(true)));
    // 0006: November partly exempt (1–14), December wholly: 11 months, 11 × 32 ÷ 12 = 352 ÷ 12
    // = 29.333… → 29.33; in 2025 January and February wholly: 10 × 32 ÷ 12 = 26.67.
    assert_eq!(num(&learner(&r, "0006")["required"]), 29.33);
    assert_eq!(num(&learner(&s.year(2025), "0006")["required"]), 26.67);
    // A range that ends before it starts is refused.
    refused(&s, &["learner", "exempt", "0004", "--from", "2024-08-01", "--to", "2024-07-01"], &["2024-08-01"]);
}

#[test]
fn rules_hold_by_year() {
    let s = school();
    add(&s, "0001", "王建国", "NK1", "member", &[]);
    add(&s, "0006", "周强", "WK1", "youth", &[]);
    add(&s, "0007", "吴芳", "WK1", "youth", &[]);
    let rule = |year: &str, name: &str| -> Value {
        let rules = s.run(&["rules", "show", "--year", year, "--format", "json"]).ok().json();
        let row = rules.as_array().unwrap().iter().find(|r| r["rule"] == name).cloned();
        row.unwrap_or_else(|| panic!("no rule {name} in {rules}"))["value"].clone()
    };

    // A requirement from 2025 on: 2024 keeps the default 32.
    s.run(&["rules", "set", "member", "40", "--from", "2025"]).ok();
    assert_eq!(num(&learner(&s.year(2024), "0001")["required"]), 32.0);
    assert_eq!(num(&learner(&s.year(2025), "0001")["required"]), 40.0);
    assert_eq!((num(&rule("2024", "member")), num(&rule("2025", "member"))), (32.0, 40.0));

    // The online cap by year: 15 hours a year, capped at 10 in 2024 only.
    for day in ["2023-05-01", "2024-05-01", "2025-01-05"] {
        s.run(&["online", "add", "0001", day, "15"]).ok();
    }
    s.run(&["rules", "set", "online-cap", "10", "--from", "2024"]).ok();
    s.run(&["rules", "set", "online-cap", "none", "--from", "2025"]).ok();
    let online = |year: i32| num(&learner(&s.year(year), "0001")["online"]);
    assert_eq!((online(2023), online(2024), online(2025)), (15.0, 10.0, 15.0));
    assert_eq!(rule("2025", "online-cap"), Value::Null);
    // Without --from a value holds for every year, replacing the dated ones.
    s.run(&["rules", "set", "online-cap", "12"]).ok();
    assert_eq!((online(2023), online(2024), online(2025)), (12.0, 12.0, 12.0));

    // max-absences: both youths earn 20 ≥ 16 and are met; 0006 misses one session, 0007 two.
    let big = session(&s, "2024-04-01", &["--hours", "20"]);
    let may = session(&s, "2024-05-01", &[]);
    let jun = session(&s, "2024-06-01", &[]);
    s.run(&["attend", &big, "0006", "0007"]).ok();
    s.run(&["attend", &may, "0006", "0007", "--status", "absent"]).ok();
    s.run(&["attend", &jun, "0007", "--status", "absent"]).ok();
    let eligible = |staff_id: &str| {
        let r = s.year(2024);
        let l = learner(&r, staff_id);
        assert_eq!(l["met"], true, "{l}");
        (l["absences"].as_i64().unwrap(), l["eligible"].as_bool().unwrap())
    };
    // The default is 0: neither is eligible.
    assert_eq!((eligible("0006"), eligible("0007")), ((1, false), (2, false)));
    s.run(&["rules", "set", "max-absences", "1", "--from", "2024"]).ok();
    // One absence ≤ 1: eligible; two: not.
    assert_eq!((eligible("0006"), eligible("0007")), ((1, true), (2, false)));
    assert_eq!((rule("2023", "max-absences"), rule("2024", "max-absences")), (Value::from(0), Value::from(1)));
}

#[test]
fn pace_expects_the_months_so_far_and_the_honour_list_never_names_anyone_behind() {
    let s = school();
    add(&s, "0010", "钱军", "NK1", "cadre", &[]);
    add(&s, "0011", "孙红", "NK1", "member", &[]);
    add(&s, "0012", "李明", "NK1", "candidate", &[]);
    add(&s, "0013", "周杰", "NK1", "member", &[]);
    s.run(&["learner", "set", "0012", "--category", "probationary", "--from", "2024-06-10"]).ok();
    let apr = session(&s, "2024-04-10", &["--hours", "18"]);
    let may = session(&s, "2024-05-10", &["--hours", "4"]);
    let jun = session(&s, "2024-06-05", &["--hours", "10"]);
    s.run(&["attend", &apr, "0010", "0011", "0013"]).ok();
    s.run(&["attend", &may, "0010"]).ok();
    s.run(&["attend", &jun, "0012"]).ok();
    s.run(&["learner", "leave", "0013", "--date", "2024-05-20"]).ok();

    let q2 = s.run(&["notice", "2024-Q2", "--format", "json"]).ok().json();
    // Expected by the end of June, six months:
    //   0010 cadre: 6 × 56 ÷ 12 = 28; hours 18 + 4 = 22: behind by 6.
    //   0011 member: 6 × 32 ÷ 12 = 16; hours 18: on pace.
    //   0012 admitted 10 June: January–May candidate, June probationary:
    //        (5 × 24 + 1 × 32) ÷ 12 = 152 ÷ 12 = 12.666… → 12.67; hours 10: behind by 2.67.
    //   0013 left on 20 May, before 30 June: not in the notice.
    let behind: Vec<(&str, f64, f64, f64)> = q2["behind"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["staff_id"].as_str().unwrap(), num(&b["hours"]), num(&b["expected"]), num(&b["shortfall"])))
        .collect();
    assert_eq!(behind, [("0010", 22.0, 28.0, 6.0), ("0012", 10.0, 12.67, 2.67)]);
    // 0010 has the most hours but is behind: the honour list names only 0011. 0013's 18 hours
    // would rank too, but they left.
    assert_eq!(staff_ids(&q2["top"]), ["0011"]);
    assert_eq!(num(&q2["top"][0]["hours"]), 18.0);
    let b = &q2["branches"][0];
    // (22 + 18 + 10) ÷ 3 = 16.666… → 16.67
    assert_eq!((b["learners"].as_i64(), b["on_pace"].as_i64(), num(&b["average_hours"])), (Some(3), Some(1), 16.67));
    let text = s.run(&["notice", "2024-Q2"]).ok().stdout;
    assert!(!text.contains("周杰") && !text.contains("0013"), "a learner who left is not in the notice:\n{text}");
    // May ends after the 20th too; the first quarter ends while 0013 was enrolled.
    let may = s.run(&["notice", "2024-05", "--format", "json"]).ok().json();
    assert_eq!(may["branches"][0]["learners"], 3);
    let q1 = s.run(&["notice", "2024-Q1", "--format", "json"]).ok().json();
    assert_eq!(q1["branches"][0]["learners"], 4);
    // No hours yet: everyone behind, expected 3 months' worth: cadre 3 × 56 ÷ 12 = 14, member 8,
    // candidate 3 × 24 ÷ 12 = 6; nobody on the honour list (it needs hours above zero).
    let expected: Vec<(&str, f64)> = q1["behind"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["staff_id"].as_str().unwrap(), num(&b["expected"])))
        .collect();
    assert_eq!(expected, [("0010", 14.0), ("0011", 8.0), ("0013", 8.0), ("0012", 6.0)]);
    assert!(q1["top"].as_array().unwrap().is_empty());
    // The year report keeps the leaver: January–May, 5 × 32 ÷ 12 = 13.33, and their 18 hours.
    let r = s.year(2024);
    let l = learner(&r, "0013");
    assert_eq!((num(&l["required"]), num(&l["total"]), &l["met"]), (13.33, 18.0, &Value::Bool(true)));
}

#[test]
fn a_closed_year_refuses_every_change_of_its_figures_until_reopened() {
    let s = school();
    add(&s, "0001", "王建国", "NK1", "member", &[]);
    add(&s, "0002", "李秀英", "NK1", "member", &[]);
    add(&s, "0003", "张伟", "NK1", "member", &["--joined", "2020-01-01"]);
    s.run(&["learner", "leave", "0003", "--date", "2023-06-30"]).ok();
    // No records, but in 2024's report.
    add(&s, "0004", "赵敏", "NK1", "member", &[]);
    let s24 = session(&s, "2024-05-10", &[]);
    let s25 = session(&s, "2025-01-08", &[]);
    s.run(&["attend", &s24, "0001"]).ok();
    s.run(&["assessment", "add", "A24", "党规测试", "--kind", "quiz", "--date", "2024-06-01", "--hours", "2"]).ok();
    s.run(&["assessment", "add", "A25", "党史测试", "--kind", "quiz", "--date", "2025-01-10", "--hours", "2"]).ok();
    s.run(&["result", "add", "A24", "0001", "--score", "80"]).ok();
    s.run(&["online", "add", "0001", "2024-03-01", "2"]).ok();
    // A batch with rows in 2024 (it creates the session of 1 September too).
    let sheet = s.file("sep.csv", "工号,姓名\n0002,李秀英\n");
    s.run(&["import", "attendance", sheet.to_str().unwrap(), "--course", "T1", "--date", "2024-09-01"]).ok();
    let batch = last_batch(&s);
    let before = s.year(2024);

    s.run(&["year", "close", "2024"]).ok();
    let years = s.run(&["year", "list", "--format", "json"]).ok().json();
    let state = |year: i64| {
        years.as_array().unwrap().iter().find(|y| y["year"] == year).unwrap_or_else(|| panic!("{years}"))["state"]
            .clone()
    };
    assert_eq!((state(2024), state(2025)), (Value::from("closed"), Value::from("open")));

    let closed = ["2024 is a closed year"];
    let late = s.file("late.csv", "工号,姓名\n0002,李秀英\n");
    let late = late.to_str().unwrap();
    let roster = s.file("roster.csv", "工号,姓名,支部,类别\n0009,郑新,NK1,党员\n");
    let roster = roster.to_str().unwrap();
    let online = s.file("online.csv", "工号,日期,学时\n0002,2024-04-01,1\n");
    let online = online.to_str().unwrap();
    let results = s.file("results.csv", "工号,成绩\n0002,95\n");
    let results = results.to_str().unwrap();
    let changes: Vec<Vec<&str>> = vec![
        // records dated in 2024
        vec!["attend", &s24, "0002"],
        vec!["attend", &s24, "0001", "--remove"],
        vec!["import", "attendance", late, "--session", &s24],
        vec!["import", "online", online],
        vec!["import", "results", results, "--assessment", "A24"],
        vec!["result", "add", "A24", "0002", "--score", "90"],
        vec!["result", "remove", "A24", "0001"],
        vec!["online", "add", "0002", "2024-04-01", "1"],
        vec!["online", "add", "0002", "2024-12-01", "20", "--to", "2025-01-10"],
        vec!["online", "remove", "0001", "2024-03-01"],
        // sessions and assessments in 2024, or moved into or out of it
        vec!["session", "add", "--course", "T1", "--date", "2024-07-01"],
        vec!["session", "set", &s24, "--hours", "3"],
        vec!["session", "delete", &s24, "--with-records"],
        vec!["session", "set", &s25, "--date", "2024-12-20"],
        vec!["session", "set", &s24, "--date", "2025-02-01"],
        vec!["assessment", "add", "A2", "征文", "--kind", "essay", "--date", "2024-08-01", "--hours", "1"],
        vec!["assessment", "set", "A24", "--hours", "3"],
        vec!["assessment", "set", "A25", "--date", "2024-12-01"],
        // rules for 2024
        vec!["rules", "set", "member", "40"],
        vec!["rules", "set", "member", "40", "--from", "2024"],
        vec!["rules", "set", "online-cap", "5", "--from", "2023"],
        vec!["rules", "set", "max-absences", "2"],
        // learner history touching 2024
        vec!["learner", "set", "0001", "--category", "cadre", "--from", "2024-08-01"],
        vec!["learner", "set", "0001", "--branch", "WK1", "--from", "2024-08-01"],
        // from 2023 on, with no later change: it holds through 2024
        vec!["learner", "set", "0001", "--category", "cadre", "--from", "2023-05-01"],
        vec!["learner", "exempt", "0001", "--from", "2024-12-01", "--to", "2025-01-31"],
        vec!["learner", "leave", "0001", "--date", "2024-10-01"],
        vec!["learner", "return", "0003", "--date", "2024-09-01"],
        vec!["imports", "undo", &batch],
        // enrolled from before any record: in 2024's report
        vec!["learner", "add", "0009", "郑新", "--branch", "NK1", "--category", "member"],
        vec!["learner", "add", "0009", "郑新", "--branch", "NK1", "--category", "member", "--joined", "2024-11-01"],
        vec!["import", "learners", roster],
        vec!["learner", "delete", "0004"],
    ];
    for args in &changes {
        refused(&s, args, &closed);
    }
    assert_eq!(s.year(2024), before, "2024's figures are as they were when it closed");

    // What does not reach 2024 goes through.
    s.run(&["rules", "set", "member", "40", "--from", "2025"]).ok();
    s.run(&["learner", "add", "0008", "冯雪", "--branch", "NK1", "--category", "member", "--joined", "2025-01-02"])
        .ok();
    s.run(&["learner", "exempt", "0002", "--from", "2025-01-01", "--to", "2025-01-31"]).ok();
    s.run(&["session", "set", &s25, "--hours", "3"]).ok();
    s.run(&["session", "set", &s24, "--teacher", "刘老师"]).ok();
    assert_eq!(s.year(2024), before);

    s.run(&["year", "reopen", "2024"]).ok();
    // The same changes now go through.
    s.run(&["attend", &s24, "0002"]).ok();
    s.run(&["learner", "set", "0001", "--category", "cadre", "--from", "2024-08-01"]).ok();
    s.run(&["imports", "undo", &batch]).ok();
    s.run(&["learner", "add", "0009", "郑新", "--branch", "NK1", "--category", "member"]).ok();
    let r = s.year(2024);
    // 0001: January–July member, August–December cadre: (7 × 32 + 5 × 56) ÷ 12 = 504 ÷ 12 = 42.
    assert_eq!(num(&learner(&r, "0001")["required"]), 42.0);
    // 0002: the May session (2); the undone September sheet's session is gone.
    assert_eq!(num(&learner(&r, "0002")["total"]), 2.0);
    learner(&r, "0009");
    // The close and the reopen are in the audit log.
    let log: Vec<(String, String)> = audit(&s)
        .into_iter()
        .filter(|row| row["entity"] == "closed_year")
        .map(|row| (row["action"].as_str().unwrap().to_string(), row["key"]["year"].to_string()))
        .collect();
    assert_eq!(log, [("insert".to_string(), "2024".to_string()), ("delete".to_string(), "2024".to_string())]);
    let years = s.run(&["year", "list", "--format", "json"]).ok().json();
    assert!(years.as_array().unwrap().iter().all(|y| y["state"] == "open"), "{years}");
}

#[test]
fn a_roster_that_changes_a_category_needs_from_and_undo_takes_it_back() {
    let s = school();
    add(&s, "0001", "陈晨", "NK1", "candidate", &[]);
    add(&s, "0002", "刘洋", "NK1", "member", &[]);
    // Records of their own: undo puts the roster's old values back and leaves the learners be.
    let mar = session(&s, "2024-03-20", &[]);
    s.run(&["attend", &mar, "0001", "0002"]).ok();
    let roster = s.file("roster.csv", "工号,姓名,支部,类别\n0001,陈晨,NK1,预备党员\n0002,刘洋,WK1,正式党员\n");
    let roster = roster.to_str().unwrap();
    let r =
        refused(&s, &["import", "learners", roster], &["roster.csv:2", "candidate", "probationary", "--update --from"]);
    assert!(r.stderr.contains("roster.csv:3"), "every row is named: {}", r.stderr);
    let r = refused(&s, &["import", "learners", roster, "--update"], &["roster.csv:2", "give --from DATE"]);
    assert!(r.stderr.contains("roster.csv:3"), "{}", r.stderr);
    let before = s.dump();
    let r23 = s.year(2023);

    s.run(&["import", "learners", roster, "--update", "--from", "2024-06-10"]).ok();
    // 0001 as in the admission test: (5 × 24 + 7 × 32) ÷ 12 = 28.67, probationary on 31 December.
    let r = s.year(2024);
    let l = learner(&r, "0001");
    assert_eq!((l["category"].as_str(), num(&l["required"])), (Some("probationary"), 28.67));
    // 0002 moved from 10 June: in WK1 for 2024, still NK1 in 2023.
    assert_eq!(learner(&r, "0002")["branch"], "WK1");
    assert_eq!(s.year(2023), r23, "the year before the change is untouched");
    let show = s.run(&["learner", "show", "0001", "--format", "json"]).ok().json();
    assert!(
        show.as_array().unwrap().iter().any(|row| row["date"] == "2024-06-10" && row["event"] == "category"),
        "{show}"
    );
    let batch = last_batch(&s);
    // Importing it again changes nothing.
    let strip = |d: &str| d.split("[import_batch]").next().unwrap().to_string();
    let imported = s.dump();
    s.run(&["import", "learners", roster, "--update", "--from", "2024-06-10"]).ok();
    assert_eq!(strip(&s.dump()), strip(&imported));

    s.run(&["imports", "undo", &batch]).ok();
    let r = s.year(2024);
    let l = learner(&r, "0001");
    assert_eq!((l["category"].as_str(), num(&l["required"])), (Some("candidate"), 24.0));
    assert_eq!(learner(&r, "0002")["branch"], "NK1");
    assert_eq!(strip(&s.dump()), strip(&before), "undo leaves the records as before the import");
}

#[test]
fn branch_list_counts_each_learner_in_the_branch_they_are_in_now() {
    let s = school();
    add(&s, "0001", "王建国", "NK1", "member", &[]);
    add(&s, "0002", "李秀英", "NK1", "member", &[]);
    s.run(&["learner", "set", "0002", "--branch", "WK1", "--from", "2024-07-01"]).ok();
    let branches = s.run(&["branch", "list", "--format", "json"]).ok().json();
    let count =
        |code: &str| branches.as_array().unwrap().iter().find(|b| b["code"] == code).unwrap()["learners"].clone();
    assert_eq!((count("NK1"), count("WK1")), (1.into(), 1.into()), "{branches}");
    let listed = s.run(&["learner", "list", "--branch", "WK1", "--format", "json"]).ok().json();
    assert_eq!(listed.as_array().unwrap().len(), 1, "the same learners as learner list finds: {listed}");
    // A move to the branch already in force that day changes nothing, and says so.
    let before = s.run(&["audit", "--format", "json"]).ok().json();
    let r = s.run(&["learner", "set", "0002", "--branch", "WK1", "--from", "2024-09-01"]).ok();
    assert!(r.stderr.contains("staff id 0002 is already in branch WK1 on 2024-09-01: nothing changed"), "{}", r.stderr);
    let r = s.run(&["--lang", "zh", "learner", "set", "0001", "--category", "正式党员", "--from", "2024-09-01"]).ok();
    assert!(r.stderr.contains("工号 0001 在 2024-09-01 已是正式党员：未作改动"), "{}", r.stderr);
    assert_eq!(s.run(&["audit", "--format", "json"]).ok().json(), before, "nothing audited");
    // In a closed year it is refused as any change there is.
    s.run(&["year", "close", "2024"]).ok();
    s.run(&["learner", "set", "0002", "--branch", "WK1", "--from", "2024-09-01"]).expect(65);
}

#[test]
fn learner_show_prints_the_history_in_date_order() {
    let s = school();
    add(&s, "0001", "王建国", "NK1", "candidate", &["--joined", "2020-03-01"]);
    // Entered out of order.
    s.run(&["learner", "exempt", "0001", "--from", "2024-02-01", "--to", "2024-02-29", "--reason", "病假"]).ok();
    s.run(&["learner", "set", "0001", "--branch", "WK1", "--from", "2024-07-01"]).ok();
    s.run(&["learner", "set", "0001", "--category", "probationary", "--from", "2023-06-10"]).ok();
    s.run(&["learner", "leave", "0001", "--date", "2024-10-31"]).ok();
    s.run(&["learner", "return", "0001", "--date", "2025-01-06"]).ok();
    s.run(&["learner", "set", "0001", "--category", "member", "--from", "2024-06-10"]).ok();
    let show = s.run(&["learner", "show", "0001", "--format", "json"]).ok().json();
    let rows: Vec<(&str, &str)> = show
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["date"].is_string())
        .map(|r| (r["date"].as_str().unwrap(), r["event"].as_str().unwrap()))
        .collect();
    assert_eq!(
        rows,
        [
            ("2020-03-01", "joined"),
            ("2023-06-10", "category"),
            ("2024-02-01", "exempt"),
            ("2024-06-10", "category"),
            ("2024-07-01", "branch"),
            ("2024-10-31", "left"),
            ("2025-01-06", "returned"),
        ],
        "{show}"
    );
    let detail = |date: &str| -> String {
        let row = show.as_array().unwrap().iter().find(|r| r["date"] == date).unwrap();
        row["detail"].as_str().unwrap().to_string()
    };
    assert!(detail("2024-02-01").contains("2024-02-29") && detail("2024-02-01").contains("病假"));
    assert!(detail("2024-07-01").contains("WK1"));
    // The text form too, in that order.
    let text = s.run(&["learner", "show", "0001"]).ok().stdout;
    let at = |needle: &str| text.find(needle).unwrap_or_else(|| panic!("{needle} not in:\n{text}"));
    assert!(at("2020-03-01") < at("2023-06-10") && at("2023-06-10") < at("2024-02-01"));
    assert!(at("2024-07-01") < at("2024-10-31") && at("2024-10-31") < at("2025-01-06"), "{text}");
    // In Chinese, with Chinese punctuation; a learner with no join date is enrolled from the start.
    add(&s, "0002", "李秀英", "NK1", "member", &[]);
    let zh = s.run(&["--lang", "zh", "learner", "show", "0002", "--format", "csv"]).ok().stdout;
    assert!(zh.contains(",学员,0002 李秀英：NK1 内科一支部，正式党员\r\n"), "{zh}");
    assert!(zh.contains(",加入,无入职日期，自始在册\r\n"), "{zh}");
}

#[test]
fn only_a_learner_without_records_is_deleted_and_corrections_are_audited() {
    let s = school();
    add(&s, "0001", "王建国", "NK1", "member", &[]);
    add(&s, "0009", "郑新", "NK1", "member", &["--joined", "2024-03-01"]);
    s.run(&["learner", "set", "0009", "--branch", "WK1", "--from", "2024-06-01"]).ok();
    let id = session(&s, "2024-04-01", &[]);
    s.run(&["attend", &id, "0001"]).ok();
    refused(&s, &["learner", "delete", "0001"], &["staff id 0001 has records", &format!("session {id}")]);
    s.run(&["learner", "delete", "0009"]).ok();
    let list = s.run(&["learner", "list", "--format", "json"]).ok().json();
    assert_eq!(staff_ids(&list), ["0001"]);
    let row = audit(&s).pop().unwrap();
    assert_eq!((row["entity"].as_str(), row["action"].as_str()), (Some("learner"), Some("delete")));
    assert_eq!(row["old"]["branch_change"][0]["from_date"], "2024-06-01", "the history is kept in the log: {row}");
    // A deleted learner's dated history goes with them.
    assert_eq!(s.number("SELECT COUNT(*) FROM branch_change"), 0);

    // Corrections of the name and the staff id: audited with old and new values.
    s.run(&["learner", "set", "0001", "--name", "王建军"]).ok();
    let row = audit(&s).pop().unwrap();
    assert_eq!((row["entity"].as_str(), row["action"].as_str()), (Some("learner"), Some("update")));
    assert_eq!((row["old"]["name"].as_str(), row["new"]["name"].as_str()), (Some("王建国"), Some("王建军")));
    s.run(&["learner", "set", "0001", "--staff-id", "00010"]).ok();
    let row = audit(&s).pop().unwrap();
    assert_eq!((row["old"]["staff_id"].as_str(), row["new"]["staff_id"].as_str()), (Some("0001"), Some("00010")));
    // The record follows the learner.
    let r = s.year(2024);
    assert_eq!((learner(&r, "00010")["name"].as_str(), num(&learner(&r, "00010")["total"])), (Some("王建军"), 2.0));
    s.run(&["learner", "show", "0001"]).expect(65);
}

#[test]
fn a_five_day_session_and_a_month_online_total_are_credited_whole() {
    let s = school();
    add(&s, "0001", "王建国", "NK1", "member", &[]);
    // A 5-day 集中轮训: 5 × 24 = 120 hours at most; it holds 40.
    let id = session(&s, "2024-05-06", &["--days", "5", "--hours", "40"]);
    s.run(&["attend", &id, "0001"]).ok();
    // A platform's total for December: 30 hours, more than a day's 24, credited on 31 December.
    s.run(&["online", "add", "0001", "2024-12-01", "30", "--to", "2024-12-31", "--source", "学习强国"]).ok();
    // A total for a month across the new year is credited in the year of its `to` date.
    s.run(&["online", "add", "0001", "2024-12-16", "30", "--to", "2025-01-15", "--source", "党员教育平台"]).ok();
    let r = s.year(2024);
    let l = learner(&r, "0001");
    // 40 + 30 = 70
    assert_eq!(
        (num(&l["theory"]), num(&l["online"]), num(&l["total"]), l["sessions"].as_i64()),
        (40.0, 30.0, 70.0, Some(1))
    );
    assert_eq!(num(&learner(&s.year(2025), "0001")["online"]), 30.0);
    // The transcript lists the session with its 40 hours.
    let t = s.run(&["report", "learner", "0001", "--year", "2024", "--format", "json"]).ok().json();
    assert!(t.to_string().contains("40.0"), "{t}");
}

#[test]
fn check_lists_records_stored_outside_enrolment() {
    let s = school();
    add(&s, "0003", "张伟", "NK1", "member", &["--joined", "2024-03-01"]);
    let feb = session(&s, "2024-02-15", &[]);
    s.run(&["check"]).ok();
    // As a version-1 program could have left them: no enrolment check on the way in.
    s.execute(&format!(
        "INSERT INTO attendance (session_id, learner_id, status) SELECT {feb}, id, 'present' FROM learner WHERE staff_id = '0003';
         INSERT INTO online (learner_id, date, hours) SELECT id, '2024-01-20', 200 FROM learner WHERE staff_id = '0003'"
    ));
    let r = s.run(&["check"]).expect(65);
    for phrase in [
        format!("attendance at session {feb}: staff id 0003 (张伟) was not enrolled on 2024-02-15"),
        "online hours from 2024-01-20: staff id 0003 (张伟) was not enrolled on 2024-01-20".to_string(),
        "2024-03-01".to_string(),
    ] {
        assert!(r.stderr.contains(&phrase), "{phrase:?} not in:\n{}", r.stderr);
    }
    // Removing the records (or a correct join date) clears it.
    s.run(&["attend", &feb, "0003", "--remove"]).ok();
    s.run(&["online", "remove", "0003", "2024-01-20"]).ok();
    s.run(&["check"]).ok();
}

#[test]
fn a_roster_moves_a_join_date_only_within_the_records_and_open_years() {
    let s = school();
    add(&s, "0005", "吴静", "NK1", "member", &[]);
    add(&s, "0006", "郑浩", "NK1", "member", &["--joined", "2023-05-01"]);
    add(&s, "0007", "冯雪", "NK1", "member", &["--joined", "2022-01-01"]);
    s.run(&["learner", "leave", "0007", "--date", "2023-06-30"]).ok();
    let apr = session(&s, "2024-04-01", &[]);
    s.run(&["attend", &apr, "0005"]).ok();
    let sheet = |name: &str, rows: &str| {
        s.file(name, format!("工号,姓名,支部,类别,入职日期\n{rows}")).to_str().unwrap().to_string()
    };

    // A join date after the learner's records would leave them outside enrolment.
    let late = sheet("late.csv", "0005,吴静,NK1,党员,2024-06-01\n0007,冯雪,NK1,党员,2023-09-01\n");
    refused(
        &s,
        &["import", "learners", &late, "--update"],
        &["late.csv:2", "staff id 0005 has records before 2024-06-01", &format!("session {apr} on 2024-04-01")],
    );
    // A first spell cannot start after it ended.
    refused(
        &s,
        &["import", "learners", &late, "--update"],
        &["late.csv:3", "a join date of 2023-09-01 comes after they left on 2023-06-30"],
    );

    // Within the records it holds: 0005 enrolled from 1 March, 10 months: 10 × 32 ÷ 12 = 26.67.
    let march = sheet("march.csv", "0005,吴静,NK1,党员,2024-03-01\n0006,郑浩,NK1,党员,2023-01-01\n");
    s.run(&["import", "learners", &march, "--update"]).ok();
    let batch = last_batch(&s);
    assert_eq!(num(&learner(&s.year(2024), "0005")["required"]), 26.67);
    // 0006 now enrolled all of 2023: 32.
    assert_eq!(num(&learner(&s.year(2023), "0006")["required"]), 32.0);

    // A record made since in the months the batch added: undo would leave it outside enrolment.
    s.run(&["online", "add", "0006", "2023-02-01", "1"]).ok();
    refused(&s, &["imports", "undo", &batch], &["cannot undo batch", "staff id 0006", "2023-05-01", "2023-02-01"]);
    s.run(&["online", "remove", "0006", "2023-02-01"]).ok();

    // Moving a join date changes every year between the two dates: not a closed one.
    s.run(&["year", "close", "2023"]).ok();
    let moved = sheet("moved.csv", "0006,郑浩,NK1,党员,2024-01-01\n");
    refused(&s, &["import", "learners", &moved, "--update"], &["moved.csv:2", "2023 is a closed year"]);
    // A blank date (enrolled from before any record) reaches 2023 too.
    let blank = sheet("blank.csv", "0005,吴静,NK1,党员,\n0006,郑浩,NK1,党员,\n");
    refused(&s, &["import", "learners", &blank, "--update"], &["blank.csv:3", "2023 is a closed year"]);
    refused(&s, &["imports", "undo", &batch], &["2023 is a closed year", "join date"]);
    s.run(&["year", "reopen", "2023"]).ok();
    s.run(&["imports", "undo", &batch]).ok();
    assert_eq!(num(&learner(&s.year(2023), "0006")["required"]), 21.33, "8 months again: 8 × 32 ÷ 12 = 21.33");
    assert_eq!(num(&learner(&s.year(2024), "0005")["required"]), 32.0);
    s.run(&["check"]).ok();
}

#[test]
fn a_year_may_be_written_in_chinese() {
    let s = School::new();
    let a = s.run(&["report", "year", "2024年度", "--format", "json"]).ok().json();
    assert_eq!(a["year"], 2024);
    s.run(&["rules", "set", "member", "40", "--from", "2025年"]).ok();
    s.run(&["report", "year", "24年", "--format", "json"]).expect(2);
}
