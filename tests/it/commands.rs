//! Every command of the foundation through the real binary: records, errors, and one test per
//! credit rule of SPEC §2 with the arithmetic worked by hand.

use serde_json::Value;

use crate::common::{on_postgres, sqlite_only, School};

/// Two branches, a few learners, four courses (2 h theory, 3 h theory, 1.5 h extension, 4 h topic).
fn school() -> School {
    let s = School::new();
    s.run(&["branch", "add", "NK1", "内科一支部"]).ok();
    s.run(&["branch", "add", "WK1", "外科一支部"]).ok();
    for (id, name, branch, cat) in [
        ("0001", "王建国", "NK1", "cadre"),
        ("0002", "李秀英", "NK1", "正式党员"),
        ("0003", "张伟", "NK1", "预备党员"),
        ("0004", "刘洋", "WK1", "member"),
    ] {
        s.run(&["learner", "add", id, name, "--branch", branch, "--category", cat]).ok();
    }
    s.run(&["course", "add", "DS01", "党史学习教育专题党课", "--kind", "theory", "--mode", "offline", "--hours", "2"])
        .ok();
    s.run(&["course", "add", "LL02", "新时代党的创新理论学习", "--kind", "基本课", "--mode", "线上", "--hours", "3"])
        .ok();
    s.run(&["course", "add", "FZ01", "医疗卫生法律法规", "--kind", "extension", "--mode", "offline", "--hours", "1.5"])
        .ok();
    s.run(&["course", "add", "LZ01", "清廉医院建设现场教学", "--kind", "专题课", "--mode", "现场教学", "--hours", "4"])
        .ok();
    s
}

fn session(s: &School, course: &str, date: &str, extra: &[&str]) -> String {
    let mut args = vec!["session", "add", "--course", course, "--date", date];
    args.extend_from_slice(extra);
    let out = s.run(&args).ok().stdout;
    let id = out.trim().to_string();
    assert!(id.parse::<i64>().is_ok(), "session add printed {out:?}");
    id
}

fn learner<'a>(report: &'a Value, staff_id: &str) -> &'a Value {
    report["learners"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["staff_id"] == staff_id)
        .unwrap_or_else(|| panic!("{staff_id} not in the report: {report}"))
}

fn hours(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("{v} is not a number"))
}

#[test]
fn init_creates_a_private_database_and_is_idempotent() {
    let s = School::empty();
    s.run(&["init"]).ok();
    if sqlite_only("the file's permissions and journal mode") {
        s.run(&["init"]).ok();
        return;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(s.db()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    s.run(&["init"]).ok();
    let conn = rusqlite::Connection::open(s.db()).unwrap();
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn a_missing_database_is_named_not_created() {
    let s = School::empty();
    let r = s.run(&["branch", "list"]).expect(1);
    let missing = if on_postgres() { "no school" } else { "no database at" };
    assert!(r.stderr.contains(missing) && r.stderr.contains("xueshi init"), "{}", r.stderr);
    assert!(!s.db().exists());
}

#[test]
fn listings_show_what_was_added() {
    let s = school();
    let branches = s.run(&["branch", "list", "--format", "json"]).ok().json();
    assert_eq!(branches[0]["code"], "NK1");
    assert_eq!(branches[0]["learners"], 3);
    let learners = s.run(&["learner", "list", "--branch", "NK1", "--format", "json"]).ok().json();
    assert_eq!(learners.as_array().unwrap().len(), 3);
    assert_eq!(learners[1]["category"], "member", "Chinese category words are stored as codes");
    let members = s.run(&["learner", "list", "--category", "member", "--format", "json"]).ok().json();
    assert_eq!(members.as_array().unwrap().len(), 2);
    let courses = s.run(&["course", "list", "--format", "json"]).ok().json();
    let ll02 = courses.as_array().unwrap().iter().find(|c| c["code"] == "LL02").unwrap();
    assert_eq!(
        (ll02["kind"].as_str(), ll02["mode"].as_str(), hours(&ll02["hours"])),
        (Some("theory"), Some("online"), 3.0)
    );
    let table = s.run(&["course", "list"]).ok().stdout;
    assert!(table.contains("医疗卫生法律法规") && table.contains("1.50"), "{table}");
    let zh = s.run(&["course", "list", "--lang", "zh"]).ok().stdout;
    assert!(zh.contains("课程名称") && zh.contains("拓展课"), "{zh}");
}

#[test]
fn csv_listing_opens_in_excel() {
    let s = school();
    let out = s.path("learners.csv");
    s.run(&["learner", "list", "--out", out.to_str().unwrap()]).ok();
    let bytes = std::fs::read(out).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with a BOM");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    // The staff id as a formula of text, so that a spreadsheet keeps its zeros (render::csv_text).
    assert!(
        text.starts_with("Staff id,Name,Branch,Category,Joined,Left\r\n\"=\"\"0001\"\"\",王建国,NK1,cadre,,\r\n"),
        "{text}"
    );
}

#[test]
fn formula_cells_are_defused_in_csv() {
    let s = School::new();
    s.run(&["branch", "add", "B1", "=HYPERLINK(\"x\")"]).ok();
    let out = s.run(&["branch", "list", "--format", "csv"]).ok().stdout;
    assert!(out.contains("'=HYPERLINK"), "{out}");
}

#[test]
fn session_add_prints_the_id_alone_and_session_set_corrects() {
    let s = school();
    let first = session(&s, "DS01", "2024-03-15", &[]);
    let second = session(&s, "DS01", "2024/3/22", &["--hours", "1.5", "--teacher", "李老师"]);
    assert_ne!(first, second);
    let list = s.run(&["session", "list", "--year", "2024", "--format", "json"]).ok().json();
    assert_eq!(list[1]["date"], "2024-03-22");
    assert_eq!(hours(&list[1]["hours"]), 1.5);
    assert_eq!(list[1]["teacher"], "李老师");
    s.run(&["session", "set", &second, "--date", "2024-03-29", "--hours", "2.5"]).ok();
    let list = s.run(&["session", "list", "--format", "json"]).ok().json();
    assert_eq!((list[1]["date"].as_str(), hours(&list[1]["hours"])), (Some("2024-03-29"), 2.5));
    assert!(s
        .run(&["session", "list", "--year", "2023", "--format", "json"])
        .ok()
        .json()
        .as_array()
        .unwrap()
        .is_empty());
}

#[test]
fn unknown_records_are_invalid_data_and_nothing_is_written() {
    let s = school();
    let id = session(&s, "DS01", "2024-03-15", &[]);
    let before = s.dump();
    let r = s.run(&["attend", &id, "0001", "9999", "0002"]).expect(65);
    assert!(r.stderr.contains("error: staff id 9999 is not a known learner"), "{}", r.stderr);
    assert_eq!(s.dump(), before, "no record of the command is kept when one id is bad");
    let r = s.run(&["attend", "999", "0001"]).expect(65);
    assert!(r.stderr.contains("session 999 is not a known session"), "{}", r.stderr);
    let r = s.run(&["learner", "add", "0009", "某某", "--branch", "XX", "--category", "member"]).expect(65);
    assert!(r.stderr.contains("branch \"XX\" is not a known branch"), "{}", r.stderr);
    let r = s.run(&["session", "add", "--course", "NOPE", "--date", "2024-01-01"]).expect(65);
    assert!(r.stderr.contains("course \"NOPE\" is not a known course"), "{}", r.stderr);
    let r = s.run(&["result", "add", "Q9", "0001", "--score", "80"]).expect(65);
    assert!(r.stderr.contains("assessment \"Q9\" is not a known assessment"), "{}", r.stderr);
    let r = s.run(&["online", "add", "7777", "2024-01-01", "2"]).expect(65);
    assert!(r.stderr.contains("staff id 7777 is not a known learner"), "{}", r.stderr);
    assert_eq!(s.dump(), before);
}

/// SPEC §3's rule for staff ids that lost their leading zeros holds on the command line too.
#[test]
fn a_staff_id_that_lost_its_zeros_reaches_its_learner_as_in_an_import() {
    let s = school();
    s.run(&["learner", "add", "0012", "赵敏", "--branch", "NK1", "--category", "member"]).ok();
    let id = session(&s, "DS01", "2024-03-15", &[]);
    s.run(&["attend", &id, "12"]).ok();
    assert_eq!(hours(&learner(&s.year(2024), "0012")["theory"]), 2.0);
    s.run(&["online", "add", "12", "2024-03-16", "1.5"]).ok();
    assert_eq!(hours(&learner(&s.year(2024), "0012")["online"]), 1.5);

    // Two learners fit 34: neither is guessed, both are named, nothing is written.
    s.run(&["learner", "add", "0034", "钱多", "--branch", "NK1", "--category", "member"]).ok();
    crate::imports::legacy_learner(&s, "034", "孙少");
    let before = s.dump();
    let r = s.run(&["attend", &id, "0001", "34"]).expect(65);
    assert!(
        r.stderr.contains("error: 34: lost its leading zeros and could be any of 0034, 034: write it in full"),
        "{}",
        r.stderr
    );
    let r = s.run(&["online", "add", "34", "2024-03-16", "1"]).expect(65);
    assert!(r.stderr.contains("staff id 34 lost its leading zeros and could be any of 0034, 034"), "{}", r.stderr);
    assert_eq!(s.dump(), before);
    // Exactly as typed wins over a lost-zeros fit, and zeros are never added.
    s.run(&["attend", &id, "034"]).ok();
    s.run(&["attend", &id, "012"]).expect(65);
    // Two ids equal after leading zeros can never be two people (SPEC v2): 12 and 0007 are
    // refused beside 0012 and 7, with the way to correct the stored id.
    let r = s.run(&["learner", "add", "12", "周全", "--branch", "WK1", "--category", "member"]).expect(65);
    assert!(r.stderr.contains("the same number as learner 0012"), "{}", r.stderr);
    s.run(&["learner", "add", "7", "吴七", "--branch", "WK1", "--category", "member"]).ok();
    let r = s.run(&["learner", "add", "0007", "吴七", "--branch", "WK1", "--category", "member"]).expect(65);
    assert!(r.stderr.contains("correct it with `xueshi learner set 7 --staff-id 0007`"), "{}", r.stderr);
    s.run(&["learner", "set", "7", "--staff-id", "0007"]).ok();
    s.run(&["attend", &id, "0007"]).ok();
    assert_eq!(hours(&learner(&s.year(2024), "0007")["theory"]), 2.0);
}

#[test]
fn duplicates_are_invalid_data() {
    let s = school();
    let r =
        s.run(&["course", "add", "DS01", "again", "--kind", "theory", "--mode", "offline", "--hours", "1"]).expect(65);
    assert!(r.stderr.contains("course DS01 exists already"), "{}", r.stderr);
    let r = s.run(&["branch", "add", "NK1", "另一个"]).expect(65);
    assert!(r.stderr.contains("branch NK1"), "{}", r.stderr);
    let r = s.run(&["learner", "add", "0001", "重名", "--branch", "NK1", "--category", "member"]).expect(65);
    assert!(r.stderr.contains("staff id 0001 is already a learner"), "{}", r.stderr);
    s.run(&["assessment", "add", "Q1", "测试", "--kind", "quiz", "--date", "2024-06-28", "--hours", "2"]).ok();
    s.run(&["assessment", "add", "Q1", "测试", "--kind", "quiz", "--date", "2024-06-28", "--hours", "2"]).expect(65);
}

#[test]
fn bad_hours_and_dates() {
    let s = school();
    let add = |h: &str| s.run(&["course", "add", "X1", "t", "--kind", "theory", "--mode", "offline", "--hours", h]);
    // Numbers the rules forbid are invalid data (65); text that is no number is a usage error (2).
    for (h, code, says) in [
        ("1.234", 65, "more than two decimal places"),
        ("-1", 65, "is negative"),
        ("24.5", 65, "is more than 24"),
        ("abc", 2, "is not a number"),
        ("2..5", 2, "is not a number"),
    ] {
        let r = add(h).expect(code);
        assert!(r.stderr.contains(says), "{h}: {}", r.stderr);
    }
    let r = s.run(&["session", "add", "--course", "DS01", "--date", "2024-02-30"]).expect(2);
    assert!(r.stderr.contains("is not a date"), "{}", r.stderr);
    s.run(&["session", "add", "--course", "DS01", "--date", "yesterday"]).expect(2);
    s.run(&["learner", "add", "0009", "某", "--branch", "NK1", "--category", "chief"]).expect(2);
    s.run(&["attend", "1", "0001", "--status", "maybe"]).expect(2);
    s.run(&["frobnicate"]).expect(2);
    s.run(&["report", "year", "--bogus-flag"]).expect(2);
    assert!(s.run(&["course", "list", "--format", "json"]).ok().json().as_array().unwrap().len() == 4);
}

#[test]
fn rules_show_and_set() {
    let s = School::new();
    let rules = s.run(&["rules", "show", "--format", "json"]).ok().json();
    let get = |rules: &Value, name: &str| {
        rules.as_array().unwrap().iter().find(|r| r["rule"] == name).unwrap()["value"].clone()
    };
    assert_eq!(hours(&get(&rules, "member")), 32.0);
    assert_eq!(hours(&get(&rules, "cadre")), 56.0);
    assert_eq!(hours(&get(&rules, "candidate")), 24.0);
    assert_eq!(hours(&get(&rules, "youth")), 16.0);
    assert!(get(&rules, "online-cap").is_null());
    s.run(&["rules", "set", "member", "40"]).ok();
    s.run(&["rules", "set", "发展对象", "30.5"]).ok();
    s.run(&["rules", "set", "online-cap", "12"]).ok();
    let rules = s.run(&["rules", "show", "--format", "json"]).ok().json();
    assert_eq!((hours(&get(&rules, "member")), hours(&get(&rules, "candidate"))), (40.0, 30.5));
    assert_eq!(hours(&get(&rules, "online-cap")), 12.0);
    s.run(&["rules", "set", "online-cap", "none"]).ok();
    assert!(get(&s.run(&["rules", "show", "--format", "json"]).ok().json(), "online-cap").is_null());
    s.run(&["rules", "set", "nobody", "3"]).expect(2);
    s.run(&["rules", "set", "member", "-3"]).expect(65);
}

// ---- the credit rules of SPEC §2, one test each ----

#[test]
fn own_hours_replace_the_sessions_and_follow_no_later_change() {
    let s = school();
    let id = session(&s, "DS01", "2024-03-15", &[]);
    s.run(&["attend", &id, "0001", "0002"]).ok();
    s.run(&["attend", &id, "0003", "--hours", "1.5"]).ok();
    // 0001, 0002: the session's 2 h; 0003 left early: 1.5 h
    let r = s.year(2024);
    assert_eq!(hours(&learner(&r, "0001")["theory"]), 2.0);
    assert_eq!(hours(&learner(&r, "0003")["theory"]), 1.5);
    // The session was really 2.5 h: default-credited records follow, the override stays.
    s.run(&["session", "set", &id, "--hours", "2.5"]).ok();
    let r = s.year(2024);
    assert_eq!(hours(&learner(&r, "0002")["theory"]), 2.5);
    assert_eq!(hours(&learner(&r, "0003")["theory"]), 1.5);
    // Own hours above the session's are refused, and so is a session cut below an override.
    let r2 = s.run(&["attend", &id, "0004", "--hours", "3"]).expect(65);
    assert!(r2.stderr.contains("more than the session's 2.5 hours"), "{}", r2.stderr);
    let r2 = s.run(&["session", "set", &id, "--hours", "1"]).expect(65);
    assert!(r2.stderr.contains("0003 is credited 1.5 hours"), "{}", r2.stderr);
}

#[test]
fn excused_and_absent_earn_nothing_and_absence_costs_eligibility() {
    let s = school();
    let id = session(&s, "LL02", "2024-05-20", &[]);
    s.run(&["attend", &id, "0001", "--status", "late"]).ok();
    s.run(&["attend", &id, "0002", "--status", "请假"]).ok();
    s.run(&["attend", &id, "0003", "--status", "absent"]).ok();
    let r = s.run(&["attend", &id, "0003", "--status", "excused", "--hours", "1"]).expect(65);
    assert!(r.stderr.contains("carries no hours"), "{}", r.stderr);
    s.run(&["rules", "set", "member", "0"]).ok();
    s.run(&["rules", "set", "probationary", "0"]).ok();
    let r = s.year(2024);
    // late: 3 h and counts as attended; excused: 0 h, no absence; absent: 0 h, one absence
    let (a, b, c) = (learner(&r, "0001"), learner(&r, "0002"), learner(&r, "0003"));
    assert_eq!((hours(&a["theory"]), a["sessions"].as_i64()), (3.0, Some(1)));
    assert_eq!((hours(&b["total"]), b["absences"].as_i64(), b["sessions"].as_i64()), (0.0, Some(0), Some(0)));
    assert_eq!((hours(&c["total"]), c["absences"].as_i64()), (0.0, Some(1)));
    // both met a requirement of 0; only the one without an absence is eligible
    assert_eq!((b["met"].as_bool(), b["eligible"].as_bool()), (Some(true), Some(true)));
    assert_eq!((c["met"].as_bool(), c["eligible"].as_bool()), (Some(true), Some(false)));
}

#[test]
fn attend_again_changes_nothing_and_conflicts_need_update() {
    let s = school();
    let id = session(&s, "DS01", "2024-03-15", &[]);
    s.run(&["attend", &id, "0001", "0002"]).ok();
    let out = s.run(&["attend", &id, "0001", "0002"]).ok().stdout;
    assert!(out.contains("0 new, 2 unchanged, 0 updated"), "{out}");
    let r = s.run(&["attend", &id, "0002", "--status", "absent"]).expect(65);
    assert!(r.stderr.contains("already records present") && r.stderr.contains("--update"), "{}", r.stderr);
    let out = s.run(&["attend", &id, "0002", "--status", "absent", "--update"]).ok().stdout;
    assert!(out.contains("0 new, 0 unchanged, 1 updated"), "{out}");
    assert_eq!(learner(&s.year(2024), "0002")["absences"], 1);
    // the correction is in the audit log with who, the old and the new values
    let found = s.sql("SELECT operator, old, new FROM audit WHERE entity = 'attendance' AND action = 'update'");
    let (op, rest) = found[0].split_once('|').unwrap();
    let (old, new) = rest.split_once("}|").unwrap();
    assert_eq!(op, s.operator());
    assert!(old.contains("\"present\"") && new.contains("\"absent\""), "{old} → {new}");
}

#[test]
fn a_quiz_credits_at_or_above_its_pass_mark() {
    let s = school();
    s.run(&["assessment", "add", "Q1", "党章党规知识测试", "--kind", "quiz", "--date", "2024-06-28", "--hours", "2"])
        .ok();
    s.run(&[
        "assessment",
        "add",
        "Q2",
        "理论测试",
        "--kind",
        "知识测试",
        "--date",
        "2024-09-28",
        "--hours",
        "1.5",
        "--pass-mark",
        "80",
    ])
    .ok();
    s.run(&["result", "add", "Q1", "0001", "--score", "60"]).ok(); // exactly the default mark 60: 2 h
    s.run(&["result", "add", "Q1", "0002", "--score", "59.99"]).ok(); // just below: 0
    s.run(&["result", "add", "Q1", "0003"]).ok(); // no score: 0
    s.run(&["result", "add", "Q2", "0001", "--score", "80"]).ok(); // at 80: 1.5 h
    s.run(&["result", "add", "Q2", "0002", "--score", "79.5"]).ok(); // 0
    let r = s.year(2024);
    assert_eq!(hours(&learner(&r, "0001")["assessment"]), 3.5); // 2 + 1.5
    assert_eq!(hours(&learner(&r, "0002")["assessment"]), 0.0);
    assert_eq!(hours(&learner(&r, "0003")["assessment"]), 0.0);
}

#[test]
fn contests_credit_every_participant_and_awards_add_their_bonus() {
    let s = school();
    s.run(&[
        "assessment",
        "add",
        "C1",
        "知识竞赛",
        "--kind",
        "contest",
        "--date",
        "2024-10-15",
        "--hours",
        "1",
        "--award",
        "first=3",
        "--award",
        "二等奖=2",
        "--award",
        "third=1",
    ])
    .ok();
    s.run(&["assessment", "add", "E1", "征文", "--kind", "essay", "--date", "2024-07-01", "--hours", "2"]).ok();
    s.run(&["result", "add", "C1", "0001", "--award", "first"]).ok(); // 1 + 3 = 4
    s.run(&["result", "add", "C1", "0002", "--award", "优秀奖"]).ok(); // merit has no bonus here: 1
    s.run(&["result", "add", "C1", "0003"]).ok(); // taking part: 1
    s.run(&["result", "add", "E1", "0003", "--award", "second"]).ok(); // essay 2, no bonus set: 2
    let r = s.year(2024);
    assert_eq!(hours(&learner(&r, "0001")["assessment"]), 4.0);
    assert_eq!(hours(&learner(&r, "0002")["assessment"]), 1.0);
    assert_eq!(hours(&learner(&r, "0003")["assessment"]), 3.0);
    s.run(&["result", "add", "C1", "0003", "--award", "third"]).expect(65);
    s.run(&["result", "add", "C1", "0003", "--award", "third", "--update"]).ok();
    assert_eq!(hours(&learner(&s.year(2024), "0003")["assessment"]), 4.0); // 1 + 1 + essay 2
}

#[test]
fn online_hours_are_capped_per_year() {
    let s = school();
    s.run(&["online", "add", "0001", "2024-02-01", "10", "--source", "学习强国"]).ok();
    s.run(&["online", "add", "0001", "2024-08-01", "5学时", "--source", "学习强国"]).ok();
    s.run(&["online", "add", "0001", "2023-12-31", "7"]).ok(); // another year
    s.run(&["online", "add", "0002", "2024-04-01", "12.5"]).ok();
    assert_eq!(hours(&learner(&s.year(2024), "0001")["online"]), 15.0); // 10 + 5, no cap
    s.run(&["rules", "set", "online-cap", "12"]).ok();
    let r = s.year(2024);
    assert_eq!(hours(&learner(&r, "0001")["online"]), 12.0); // min(15, 12)
    assert_eq!(hours(&learner(&r, "0002")["online"]), 12.0); // min(12.5, 12)
    assert_eq!(hours(&learner(&s.year(2023), "0001")["online"]), 7.0);
}

#[test]
fn requirements_are_prorated_by_active_months() {
    let s = school();
    s.run(&["learner", "add", "0006", "杨帆", "--branch", "WK1", "--category", "member", "--joined", "2024-07-01"])
        .ok();
    s.run(&["learner", "add", "0007", "赵敏", "--branch", "WK1", "--category", "youth", "--joined", "2024-06-15"]).ok();
    s.run(&["learner", "leave", "0004", "--date", "2024-03-10"]).ok();
    s.run(&["learner", "add", "0008", "黄磊", "--branch", "WK1", "--category", "member", "--joined", "2025-01-01"])
        .ok();
    let r = s.year(2024);
    // July joiner: 32 × 6 ÷ 12 = 16
    assert_eq!(hours(&learner(&r, "0006")["required"]), 16.0);
    // joined mid-June, June counts: 16 × 7 ÷ 12 = 9.333… → 9.33
    assert_eq!(hours(&learner(&r, "0007")["required"]), 9.33);
    // March leaver: January to March, 32 × 3 ÷ 12 = 8
    assert_eq!(hours(&learner(&r, "0004")["required"]), 8.0);
    // cadre all year: 56
    assert_eq!(hours(&learner(&r, "0001")["required"]), 56.0);
    // joined next year: not in this year's report; gone the year after leaving
    assert!(r["learners"].as_array().unwrap().iter().all(|l| l["staff_id"] != "0008"));
    assert!(s.year(2025)["learners"].as_array().unwrap().iter().all(|l| l["staff_id"] != "0004"));
    let r = s.run(&["learner", "leave", "0006", "--date", "2024-01-01"]).expect(65);
    assert!(r.stderr.contains("before joining"), "{}", r.stderr);
}

#[test]
fn ranks_are_within_branch_and_ties_share() {
    let s = school();
    s.run(&["learner", "add", "0005", "陈静", "--branch", "NK1", "--category", "member"]).ok();
    let a = session(&s, "LZ01", "2024-11-08", &[]);
    let b = session(&s, "DS01", "2024-03-15", &[]);
    s.run(&["attend", &a, "0001"]).ok(); // 0001: 4
    s.run(&["attend", &b, "0002", "0003", "0004"]).ok(); // 0002, 0003: 2 (tie); 0004 alone in WK1: 2
    let r = s.year(2024);
    let rank = |id: &str| learner(&r, id)["branch_rank"].as_i64().unwrap();
    // NK1: 4, 2, 2, 0 → 1, 2, 2, 4
    assert_eq!((rank("0001"), rank("0002"), rank("0003"), rank("0005")), (1, 2, 2, 4));
    assert_eq!(rank("0004"), 1);
    let order: Vec<&str> = r["learners"].as_array().unwrap().iter().map(|l| l["staff_id"].as_str().unwrap()).collect();
    assert_eq!(order, ["0001", "0002", "0003", "0005", "0004"], "branch, total desc, staff id");
    let nk1 = &r["branches"][0];
    // (4 + 2 + 2 + 0) ÷ 4 = 2
    assert_eq!(
        (nk1["code"].as_str(), nk1["learners"].as_i64(), hours(&nk1["average_total"])),
        (Some("NK1"), Some(4), 2.0)
    );
}

#[test]
fn theory_share_counts_every_session_held() {
    let s = school();
    session(&s, "DS01", "2024-03-15", &[]); // theory 2
    session(&s, "LL02", "2024-05-20", &[]); // theory 3
    session(&s, "FZ01", "2024-09-10", &[]); // extension 1.5
    session(&s, "LZ01", "2024-11-08", &[]); // topic 4
    session(&s, "DS01", "2023-12-01", &[]); // another year
    let p = &s.year(2024)["programme"];
    // 5 ÷ 10.5 = 0.476190… → 0.4762
    assert_eq!(p["sessions"], 4);
    assert_eq!((hours(&p["session_hours"]), hours(&p["theory_hours"])), (10.5, 5.0));
    assert_eq!(hours(&p["theory_share"]), 0.4762);
}

#[test]
fn branch_limits_the_report() {
    let s = school();
    let id = session(&s, "DS01", "2024-03-15", &[]);
    s.run(&["attend", &id, "0001", "0004"]).ok();
    let r = s.run(&["report", "year", "2024", "--branch", "WK1", "--format", "json"]).ok().json();
    assert_eq!(r["learners"].as_array().unwrap().len(), 1);
    assert_eq!(r["branches"].as_array().unwrap().len(), 1);
    assert_eq!(r["branches"][0]["code"], "WK1");
    s.run(&["report", "year", "2024", "--branch", "外科一支部", "--format", "json"]).ok();
    s.run(&["report", "year", "2024", "--branch", "NOPE"]).expect(65);
}

#[test]
fn backup_is_a_consistent_private_copy() {
    let s = school();
    let copy = s.path("copy.db");
    if on_postgres() {
        // A server is backed up with its own tools: the command names them and writes nothing.
        let r = s.run(&["backup", copy.to_str().unwrap()]).expect(2);
        assert!(r.stderr.contains("pg_dump") && !copy.exists(), "{}", r.stderr);
        return;
    }
    s.run(&["backup", copy.to_str().unwrap()]).ok();
    let conn = rusqlite::Connection::open(&copy).unwrap();
    let n: i64 = conn.query_row("SELECT COUNT(*) FROM learner", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 4);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777, 0o600);
    }
    s.run(&["backup", copy.to_str().unwrap()]).expect(1);
    let out = s.run(&["check"]).ok().stdout;
    assert!(out.contains("learner") && out.trim_end().ends_with("ok"), "{out}");
}

#[test]
fn every_change_is_audited_with_its_operator() {
    if crate::common::sqlite_only("the operator is the database role there (tests/it/grant.rs)") {
        return;
    }
    let s = school();
    s.run_env(&["learner", "leave", "0002", "--date", "2024-06-30"], &[("XUESHI_OPERATOR", "wang")]).ok();
    s.run(&["--operator", "li", "rules", "set", "youth", "20"]).ok();
    let rows = s.sql("SELECT operator, entity, action FROM audit WHERE action = 'update' ORDER BY id");
    assert_eq!(rows, ["wang|learner|update", "li|rule|update"]);
    let inserts = s.number("SELECT COUNT(*) FROM audit WHERE action = 'insert'");
    assert_eq!(inserts, 2 + 4 + 4, "branches, learners, courses");
}

/// With nothing to name the operator (no --operator, $XUESHI_OPERATOR, $USER or $LOGNAME, as
/// under cron), a change is logged as unknown's and says so once; a read says nothing.
#[test]
fn a_change_with_no_operator_named_says_so() {
    if crate::common::sqlite_only("the operator is the database role there (tests/it/grant.rs)") {
        return;
    }
    let s = school();
    let bare = |args: &[&str]| {
        let mut cmd = crate::common::xueshi(s.dir.path(), &s.db());
        cmd.env_remove("XUESHI_OPERATOR").env_remove("USER").env_remove("LOGNAME").args(args);
        crate::common::Run::from_output(cmd.output().expect("run xueshi"))
    };
    let r = bare(&["learner", "leave", "0002", "--date", "2024-06-30"]).ok();
    let warned = "warning: no operator is named, so the audit log records changes as unknown's: name yourself with --operator NAME";
    assert_eq!(r.stderr.matches(warned).count(), 1, "{}", r.stderr);
    assert!(bare(&["learner", "list"]).ok().stderr.is_empty());
    let rows = s.sql("SELECT operator FROM audit WHERE action = 'update'");
    assert_eq!(rows, ["unknown"]);
}

#[test]
fn an_award_level_given_twice_is_refused() {
    let s = school();
    let r = s
        .run(&[
            "assessment",
            "add",
            "E1",
            "征文",
            "--kind",
            "essay",
            "--date",
            "2024-07-01",
            "--hours",
            "2",
            "--award",
            "一等奖=3",
            "--award",
            "first=2",
        ])
        .expect(2);
    assert!(r.stderr.contains("first is given twice"), "{}", r.stderr);
}

#[test]
fn a_markdown_listing_has_no_empty_heading() {
    let s = school();
    let md = s.run(&["branch", "list", "--format", "md"]).ok().stdout;
    assert!(md.starts_with("## Branches\n\n| Code | Name | Learners |"), "{md}");
}

#[test]
fn check_names_records_that_break_the_rules() {
    let s = school();
    let id = session(&s, "DS01", "2024-03-15", &[]);
    s.run(&["attend", &id, "0001", "--status", "absent"]).ok();
    s.run(&["check"]).ok();
    // What only a hand edit of the file could do.
    s.execute("UPDATE attendance SET hours = 100; UPDATE session SET date = '2024-02-30';");
    let r = s.run(&["check"]).expect(65);
    assert!(r.stderr.contains("hours on a record that earns none: session 1, staff id 0001: absent"), "{}", r.stderr);
    assert!(r.stderr.contains("not a date: session 1: \"2024-02-30\""), "{}", r.stderr);
}

/// A learner deleted behind the foreign keys' back: in a file written with them not enforced, or
/// on a server past the keys a large import adds back unchecked (`NOT VALID`). `check` names the
/// missing learner once, with the number of rows that name them, in both languages.
#[test]
fn check_names_a_missing_record_once_with_the_rows_that_name_it() {
    let s = school();
    for date in ["2024-03-15", "2024-04-15"] {
        let id = session(&s, "DS01", date, &[]);
        s.run(&["attend", &id, "0002"]).ok();
    }
    let learner = s.number("SELECT id FROM learner WHERE staff_id = '0002'");
    s.execute(&if on_postgres() {
        format!(
            "SET session_replication_role = replica;
             DELETE FROM learner WHERE id = {learner};
             ALTER TABLE attendance DROP CONSTRAINT attendance_learner_id_fkey;
             ALTER TABLE attendance ADD CONSTRAINT attendance_learner_id_fkey
                 FOREIGN KEY (learner_id) REFERENCES learner(id) NOT VALID"
        )
    } else {
        format!("PRAGMA foreign_keys = OFF; DELETE FROM learner WHERE id = {learner}")
    });
    let r = s.run(&["check"]).expect(65);
    let said =
        format!("foreign key: 2 attendance rows have learner_id {learner}, and learner {learner} does not exist");
    assert!(r.stderr.contains(&said), "{}", r.stderr);
    let r = s.run(&["--lang", "zh", "check"]).expect(65);
    let said = format!(
        "外键：出勤记录（attendance 表）有 2 行的 learner_id 为 {learner}，而学员（learner 表）中没有 {learner} 这条记录"
    );
    assert!(r.stderr.contains(&said), "{}", r.stderr);
    // A read: what it found is counted, not said to be unwritten; its counts name the records in Chinese.
    assert!(r.stderr.trim_end().ends_with("检查发现 1 处问题") && !r.stderr.contains("未写入"), "{}", r.stderr);
    assert!(r.stdout.lines().any(|l| l.starts_with("出勤记录") && l.trim_end().ends_with(" 2")), "{}", r.stdout);
}

/// `rules show` says which year it shows; a year without sessions has no share of theory hours.
#[test]
fn rules_show_names_its_year_and_a_year_without_sessions_says_so() {
    let s = school();
    let r = s.run(&["--lang", "zh", "rules", "show", "--year", "2024"]).ok();
    assert!(r.stdout.starts_with("2024年度学时规则\n"), "{}", r.stdout);
    let r = s.run(&["rules", "show", "--year", "2025"]).ok();
    assert!(r.stdout.starts_with("Rules of 2025\n"), "{}", r.stdout);
    let r = s.run(&["report", "year", "2024"]).ok();
    assert!(r.stdout.contains("Programme: no sessions held.") && !r.stdout.contains("of which theory"), "{}", r.stdout);
    let r = s.run(&["--lang", "zh", "report", "year", "2024"]).ok();
    assert!(r.stdout.contains("全年未举办课程。"), "{}", r.stdout);
}
