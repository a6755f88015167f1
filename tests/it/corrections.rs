//! SPEC v2 corrections: set and delete of branches, courses, sessions and assessments, removing
//! records, online totals, the audit log, shell completions. Every refusal exits 65, says what
//! holds the record and what to do, and leaves the database as it was.

use serde_json::Value;

use crate::common::{Run, School};

/// Two branches; 0001 and 0002 in NK1 from the start, 0003 in WK1 from 1 March 2024; a 2-hour
/// theory course and a 1.5-hour extension course.
fn school() -> School {
    let s = School::new();
    s.run(&["branch", "add", "NK1", "内科一支部"]).ok();
    s.run(&["branch", "add", "WK1", "外科一支部"]).ok();
    s.run(&["learner", "add", "0001", "王建国", "--branch", "NK1", "--category", "member"]).ok();
    s.run(&["learner", "add", "0002", "李秀英", "--branch", "NK1", "--category", "member"]).ok();
    s.run(&["learner", "add", "0003", "张伟", "--branch", "WK1", "--category", "member", "--joined", "2024-03-01"])
        .ok();
    s.run(&["course", "add", "DS01", "党史学习教育专题党课", "--kind", "theory", "--mode", "offline", "--hours", "2"])
        .ok();
    s.run(&["course", "add", "FZ01", "医疗卫生法律法规", "--kind", "extension", "--mode", "offline", "--hours", "1.5"])
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

fn audit_rows(s: &School) -> i64 {
    s.number("SELECT COUNT(*) FROM audit")
}

/// Runs a command that must be refused: exit 65, every phrase of `says` on stderr, and neither a
/// record nor the audit log changed.
#[track_caller]
fn refused(s: &School, args: &[&str], says: &[&str]) -> Run {
    let (before, logged) = (s.dump(), audit_rows(s));
    let r = s.run(args).expect(65);
    for phrase in says {
        assert!(r.stderr.contains(phrase), "{phrase:?} is not in the message:\n{}", r.stderr);
    }
    assert_eq!(s.dump(), before, "a refused {args:?} changed records");
    assert_eq!(audit_rows(s), logged, "a refused {args:?} wrote to the audit log");
    r
}

/// The audit log as JSON, with these filters.
fn audit(s: &School, filters: &[&str]) -> Vec<Value> {
    let mut args = vec!["audit", "--format", "json"];
    args.extend_from_slice(filters);
    s.run(&args).ok().json().as_array().unwrap().clone()
}

/// The last audit row.
fn last_audit(s: &School) -> Value {
    audit(s, &[]).pop().expect("an audit row")
}

fn learner<'a>(report: &'a Value, staff_id: &str) -> &'a Value {
    report["learners"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["staff_id"] == staff_id)
        .unwrap_or_else(|| panic!("{staff_id} not in the report: {report}"))
}

#[test]
fn a_branch_is_renamed_with_its_old_name_in_the_audit_log() {
    let s = school();
    s.run(&["branch", "set", "NK1", "--name", "内科第一党支部"]).ok();
    let list = s.run(&["branch", "list", "--format", "json"]).ok().json();
    assert_eq!(list[0]["name"], "内科第一党支部");
    let row = last_audit(&s);
    assert_eq!((row["entity"].as_str(), row["action"].as_str()), (Some("branch"), Some("update")));
    assert_eq!(row["key"]["code"], "NK1");
    assert_eq!(row["old"]["name"], "内科一支部");
    assert_eq!(row["new"]["name"], "内科第一党支部");
    refused(&s, &["branch", "set", "NK1", "--name", "外科一支部"], &["taken by branch WK1"]);
    refused(&s, &["branch", "set", "XX9", "--name", "新支部"], &["not a known branch"]);
}

#[test]
fn only_an_empty_branch_is_deleted_and_a_held_one_names_its_learners() {
    let s = school();
    s.run(&["branch", "add", "JC1", "机关支部"]).ok();
    s.run(&["branch", "delete", "JC1"]).ok();
    let list = s.run(&["branch", "list", "--format", "json"]).ok().json();
    assert_eq!(list.as_array().unwrap().len(), 2);
    let row = last_audit(&s);
    assert_eq!((row["action"].as_str(), row["old"]["name"].as_str()), (Some("delete"), Some("机关支部")));

    refused(&s, &["branch", "delete", "NK1"], &["branch NK1", "2 learners", "0001, 0002", "branch set NK1 --name"]);
    // A branch named in a learner's branch history is held too.
    s.run(&["branch", "add", "JC2", "机关二支部"]).ok();
    s.execute(
        "INSERT INTO branch_change (learner_id, from_date, branch_id)
         SELECT l.id, '2024-07-01', b.id FROM learner l, branch b WHERE l.staff_id = '0003' AND b.code = 'JC2'",
    );
    refused(&s, &["branch", "delete", "JC2"], &["branch history", "1 learner", "0003"]);
}

#[test]
fn a_course_is_corrected_and_audited() {
    let s = school();
    s.run(&["course", "set", "FZ01", "--title", "卫生法规", "--kind", "专题课", "--mode", "线上", "--hours", "3"]).ok();
    let courses = s.run(&["course", "list", "--format", "json"]).ok().json();
    let fz = courses.as_array().unwrap().iter().find(|c| c["code"] == "FZ01").unwrap();
    assert_eq!(
        (fz["title"].as_str(), fz["kind"].as_str(), fz["mode"].as_str(), fz["hours"].as_f64()),
        (Some("卫生法规"), Some("topic"), Some("online"), Some(3.0))
    );
    let row = last_audit(&s);
    assert_eq!((row["entity"].as_str(), row["action"].as_str()), (Some("course"), Some("update")));
    assert_eq!((row["old"]["kind"].as_str(), row["new"]["kind"].as_str()), (Some("extension"), Some("topic")));
    assert_eq!((row["old"]["hours"].as_i64(), row["new"]["hours"].as_i64()), (Some(150), Some(300)));
    // Nothing to change is a usage error.
    s.run(&["course", "set", "FZ01"]).expect(2);
}

#[test]
fn a_course_kind_cannot_change_under_a_closed_year() {
    let s = school();
    session(&s, "DS01", "2023-05-10", &[]);
    session(&s, "FZ01", "2024-05-10", &[]);
    s.run(&["year", "close", "2023"]).ok();
    refused(
        &s,
        &["course", "set", "DS01", "--kind", "topic"],
        &["2023 is a closed year", "course DS01", "year reopen 2023"],
    );
    // Its title, mode and default hours reach no figure; a course held only in open years may change kind.
    s.run(&["course", "set", "DS01", "--title", "党史专题", "--hours", "3"]).ok();
    s.run(&["course", "set", "FZ01", "--kind", "theory"]).ok();
    assert_eq!(s.year(2024)["programme"]["theory_hours"], 1.5);
}

#[test]
fn a_course_with_sessions_is_not_deleted() {
    let s = school();
    let a = session(&s, "DS01", "2024-03-15", &[]);
    let b = session(&s, "DS01", "2024-04-15", &[]);
    refused(
        &s,
        &["course", "delete", "DS01"],
        &[&format!("course DS01 has 2 sessions (ids {a}, {b}): delete them first"), "session delete"],
    );
    s.run(&["course", "delete", "FZ01"]).ok();
    let row = last_audit(&s);
    assert_eq!((row["action"].as_str(), row["key"]["code"].as_str()), (Some("delete"), Some("FZ01")));
    assert_eq!(row["old"]["title"], "医疗卫生法律法规");
    refused(&s, &["course", "delete", "FZ01"], &["not a known course"]);
}

#[test]
fn a_second_session_of_a_course_on_one_date_needs_again() {
    let s = school();
    let first = session(&s, "DS01", "2024-03-15", &[]);
    refused(
        &s,
        &["session", "add", "--course", "DS01", "--date", "2024-03-15"],
        &[&format!("course DS01 has session {first} on 2024-03-15 already"), "--again"],
    );
    let second = session(&s, "DS01", "2024-03-15", &["--again"]);
    assert_ne!(first, second);
    // Another course, or another day, needs nothing.
    session(&s, "FZ01", "2024-03-15", &[]);
    session(&s, "DS01", "2024-03-16", &[]);
}

#[test]
fn a_session_of_five_days_holds_forty_hours() {
    let s = school();
    refused(&s, &["session", "add", "--course", "DS01", "--date", "2024-05-06", "--hours", "40"], &["--days"]);
    refused(
        &s,
        &["session", "add", "--course", "DS01", "--date", "2024-05-06", "--days", "5", "--hours", "120.5"],
        &["more than 120"],
    );
    s.run(&["session", "add", "--course", "DS01", "--date", "2024-05-06", "--days", "0"]).expect(2);
    let id = session(&s, "DS01", "2024-05-06", &["--days", "5", "--hours", "40"]);
    let list = s.run(&["session", "list", "--format", "json"]).ok().json();
    assert_eq!((list[0]["hours"].as_f64(), list[0]["days"].as_i64()), (Some(40.0), Some(5)));
    s.run(&["attend", &id, "0001"]).ok();
    // Left after four days: a record's own hours may exceed 24, within the session's.
    s.run(&["attend", &id, "0002", "--hours", "32"]).ok();
    refused(&s, &["attend", &id, "0003", "--hours", "41"], &["more than the session's 40 hours"]);
    let report = s.year(2024);
    assert_eq!(learner(&report, "0001")["theory"], 40.0);
    assert_eq!(learner(&report, "0002")["theory"], 32.0);
    // Fewer days than its hours need are refused unless the hours come down too.
    refused(&s, &["session", "set", &id, "--days", "1"], &["40 hours", "--hours"]);
    refused(&s, &["session", "set", &id, "--days", "1", "--hours", "20"], &["staff id 0002 is credited 32 hours"]);
    s.run(&["session", "set", &id, "--days", "2"]).ok();
    let row = last_audit(&s);
    assert_eq!((row["old"]["days"].as_i64(), row["new"]["days"].as_i64()), (Some(5), Some(2)));
}

#[test]
fn a_session_in_a_closed_year_is_neither_added_moved_nor_changed() {
    let s = school();
    let old = session(&s, "DS01", "2023-06-01", &[]);
    let open = session(&s, "DS01", "2024-06-01", &[]);
    s.run(&["year", "close", "2023"]).ok();
    refused(&s, &["session", "add", "--course", "DS01", "--date", "2023-09-01"], &["2023 is a closed year"]);
    refused(&s, &["session", "set", &open, "--date", "2023-12-01"], &["2023 is a closed year", "moving session"]);
    refused(&s, &["session", "set", &old, "--date", "2024-01-10"], &["2023 is a closed year", "moving session"]);
    refused(&s, &["session", "set", &old, "--hours", "3"], &["2023 is a closed year", "hours of session"]);
    refused(&s, &["session", "delete", &old], &["2023 is a closed year"]);
    // Its teacher is no figure.
    s.run(&["session", "set", &old, "--teacher", "刘老师"]).ok();
    s.run(&["session", "set", &open, "--date", "2024-07-01", "--hours", "3"]).ok();
    let row = last_audit(&s);
    assert_eq!((row["old"]["date"].as_str(), row["new"]["date"].as_str()), (Some("2024-06-01"), Some("2024-07-01")));
    assert_eq!((row["old"]["hours"].as_i64(), row["new"]["hours"].as_i64()), (Some(200), Some(300)));
}

#[test]
fn a_session_is_not_moved_before_a_recorded_learner_joined() {
    let s = school();
    let id = session(&s, "DS01", "2024-04-01", &[]);
    s.run(&["attend", &id, "0001", "0003"]).ok();
    refused(
        &s,
        &["session", "set", &id, "--date", "2024-02-01"],
        &["staff id 0003 (张伟) was not enrolled on 2024-02-01", "2024-03-01"],
    );
    s.run(&["session", "set", &id, "--date", "2024-03-05"]).ok();
}

#[test]
fn session_show_lists_its_roster_with_the_hours_each_record_credits() {
    let s = school();
    let id = session(&s, "DS01", "2024-04-01", &["--teacher", "刘老师"]);
    s.run(&["attend", &id, "0001"]).ok();
    s.run(&["attend", &id, "0002", "--status", "late", "--hours", "1.5"]).ok();
    s.run(&["attend", &id, "0003", "--status", "absent"]).ok();
    let roster = s.run(&["session", "show", &id, "--format", "json"]).ok().json();
    let got: Vec<(&str, &str, &str, f64)> = roster
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["staff_id"].as_str().unwrap(),
                r["name"].as_str().unwrap(),
                r["status"].as_str().unwrap(),
                r["hours"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![("0001", "王建国", "present", 2.0), ("0002", "李秀英", "late", 1.5), ("0003", "张伟", "absent", 0.0)]
    );
    let table = s.run(&["session", "show", &id]).ok().stdout;
    assert!(table.contains("DS01") && table.contains("2024-04-01") && table.contains("刘老师"), "{table}");
    let csv = s.run(&["session", "show", &id, "--format", "csv"]).ok().stdout;
    assert!(csv.contains("Staff id,Name,Status,Hours"), "{csv}");
    let zh = s.run(&["--lang", "zh", "session", "show", &id]).ok().stdout;
    assert!(zh.contains("出席") && zh.contains("课次"), "{zh}");
    refused(&s, &["session", "show", "99"], &["session 99 is not a known session"]);
}

#[test]
fn a_session_with_records_is_deleted_only_with_them() {
    let s = school();
    let id = session(&s, "DS01", "2024-04-01", &[]);
    s.run(&["attend", &id, "0001", "0002"]).ok();
    refused(
        &s,
        &["session", "delete", &id],
        &[
            &format!("session {id} (DS01 on 2024-04-01) has 2 attendance records (staff ids 0001, 0002)"),
            "--with-records",
            "--remove",
        ],
    );
    let out = s.run(&["session", "delete", &id, "--with-records"]).ok().stdout;
    assert!(out.contains("2 attendance records"), "{out}");
    let list = s.run(&["session", "list", "--format", "json"]).ok().json();
    assert!(list.as_array().unwrap().is_empty());
    let log = audit(&s, &[]);
    let deletes: Vec<&str> =
        log.iter().filter(|r| r["action"] == "delete").map(|r| r["entity"].as_str().unwrap()).collect();
    assert_eq!(deletes, ["attendance", "attendance", "session"]);
    assert_eq!(log.iter().rev().nth(1).unwrap()["old"]["status"], "present");
    // An empty session goes without the flag.
    let empty = session(&s, "DS01", "2024-05-01", &[]);
    s.run(&["session", "delete", &empty]).ok();
    refused(&s, &["session", "delete", &empty], &["not a known session"]);
}

#[test]
fn attend_remove_takes_records_back_and_audits_each() {
    let s = school();
    let id = session(&s, "DS01", "2024-04-01", &[]);
    s.run(&["attend", &id, "0001", "0002", "0003"]).ok();
    refused(&s, &["attend", &id, "0001", "0009", "--remove"], &["staff id 0009 is not a known learner"]);
    s.run(&["attend", &id, "0001"]).ok();
    s.run(&["attend", &id, "0002", "--remove"]).ok();
    refused(&s, &["attend", &id, "0002", "--remove"], &["has no record of this learner"]);
    s.run(&["attend", &id, "0001", "--remove", "--status", "late"]).expect(2);
    let out = s.run(&["attend", &id, "0001", "0003", "--remove"]).ok().stdout;
    assert!(out.contains("2 removed"), "{out}");
    let roster = s.run(&["session", "show", &id, "--format", "json"]).ok().json();
    assert!(roster.as_array().unwrap().is_empty(), "{roster}");
    let removed: Vec<Value> = audit(&s, &[]).into_iter().filter(|r| r["action"] == "delete").collect();
    assert_eq!(removed.len(), 3);
    assert!(removed.iter().all(|r| r["entity"] == "attendance" && r["old"]["status"] == "present"));
}

#[test]
fn attend_refuses_a_learner_not_enrolled_and_a_closed_year() {
    let s = school();
    let feb = session(&s, "DS01", "2024-02-15", &[]);
    // 0003 joined on 1 March 2024; with 0001 in the same command, nothing is written.
    refused(
        &s,
        &["attend", &feb, "0001", "0003"],
        &["staff id 0003 (张伟) was not enrolled on 2024-02-15", "2024-03-01"],
    );
    s.run(&["attend", &feb, "0001"]).ok();
    let old = session(&s, "DS01", "2023-06-01", &[]);
    s.run(&["attend", &old, "0002"]).ok();
    s.run(&["year", "close", "2023"]).ok();
    refused(&s, &["attend", &old, "0001"], &["2023 is a closed year", &format!("session {old}")]);
    refused(&s, &["attend", &old, "0002", "--remove"], &["2023 is a closed year"]);
}

#[test]
fn an_assessment_is_corrected_within_its_year() {
    let s = school();
    s.run(&["assessment", "add", "Q1", "党规知识测试", "--kind", "quiz", "--date", "2024-04-01", "--hours", "2"]).ok();
    s.run(&["result", "add", "Q1", "0001", "--score", "75"]).ok();
    s.run(&["assessment", "set", "Q1", "--title", "党纪知识测试", "--pass-mark", "80", "--award", "first=3"]).ok();
    let list = s.run(&["assessment", "list", "--format", "json"]).ok().json();
    assert_eq!(
        (list[0]["title"].as_str(), list[0]["pass_mark"].as_f64(), list[0]["first"].as_f64()),
        (Some("党纪知识测试"), Some(80.0), Some(3.0))
    );
    let row = last_audit(&s);
    assert_eq!((row["entity"].as_str(), row["key"]["code"].as_str()), (Some("assessment"), Some("Q1")));
    assert_eq!((row["old"]["pass_mark"].as_i64(), row["new"]["pass_mark"].as_i64()), (Some(6000), Some(8000)));
    // 75 no longer passes.
    assert_eq!(learner(&s.year(2024), "0001")["assessment"], 0.0);
    s.run(&["result", "add", "Q1", "0003", "--score", "90"]).ok();
    refused(
        &s,
        &["assessment", "set", "Q1", "--date", "2024-02-01"],
        &["staff id 0003 (张伟) was not enrolled on 2024-02-01", "remove the result"],
    );
    s.run(&["assessment", "set", "Q1", "--date", "2024-03-20"]).ok();
    s.run(&["assessment", "set", "Q1", "--award", "first=1", "--award", "一等奖=2"]).expect(2);
}

#[test]
fn an_assessment_of_a_closed_year_keeps_its_figures() {
    let s = school();
    s.run(&["assessment", "add", "C1", "知识竞赛", "--kind", "contest", "--date", "2023-10-01", "--hours", "1"]).ok();
    s.run(&["assessment", "add", "C2", "征文比赛", "--kind", "essay", "--date", "2024-10-01", "--hours", "1"]).ok();
    s.run(&["year", "close", "2023"]).ok();
    refused(&s, &["assessment", "set", "C1", "--hours", "2"], &["2023 is a closed year", "assessment C1"]);
    refused(
        &s,
        &["assessment", "set", "C1", "--date", "2024-01-05"],
        &["2023 is a closed year", "moving assessment C1"],
    );
    refused(
        &s,
        &["assessment", "set", "C2", "--date", "2023-12-05"],
        &["2023 is a closed year", "moving assessment C2"],
    );
    refused(
        &s,
        &["assessment", "add", "C3", "竞赛", "--kind", "contest", "--date", "2023-11-01", "--hours", "1"],
        &["2023 is a closed year"],
    );
    refused(&s, &["result", "add", "C1", "0001"], &["2023 is a closed year"]);
    // Its title is no figure.
    s.run(&["assessment", "set", "C1", "--title", "2023年知识竞赛"]).ok();
}

#[test]
fn an_assessment_with_results_is_not_deleted() {
    let s = school();
    s.run(&["assessment", "add", "Q1", "测试", "--kind", "quiz", "--date", "2024-04-01", "--hours", "2"]).ok();
    s.run(&["result", "add", "Q1", "0001", "--score", "75"]).ok();
    s.run(&["result", "add", "Q1", "0002", "--score", "55"]).ok();
    refused(
        &s,
        &["assessment", "delete", "Q1"],
        &["assessment Q1 has 2 results (staff ids 0001, 0002)", "result remove Q1 STAFF_ID"],
    );
    s.run(&["result", "remove", "Q1", "0001"]).ok();
    s.run(&["result", "remove", "Q1", "0002"]).ok();
    s.run(&["assessment", "delete", "Q1"]).ok();
    let row = last_audit(&s);
    assert_eq!((row["entity"].as_str(), row["action"].as_str()), (Some("assessment"), Some("delete")));
    assert_eq!(row["old"]["title"], "测试");
    assert!(s.run(&["assessment", "list", "--format", "json"]).ok().json().as_array().unwrap().is_empty());
}

#[test]
fn result_list_shows_the_hours_each_result_credits_and_remove_takes_one_back() {
    let s = school();
    s.run(&[
        "assessment",
        "add",
        "Q1",
        "测试",
        "--kind",
        "quiz",
        "--date",
        "2024-04-01",
        "--hours",
        "2",
        "--award",
        "first=3",
    ])
    .ok();
    s.run(&["result", "add", "Q1", "0001", "--score", "95", "--award", "一等奖"]).ok();
    s.run(&["result", "add", "Q1", "0002", "--score", "59.5"]).ok();
    s.run(&["result", "add", "Q1", "0003"]).ok();
    let list = s.run(&["result", "list", "Q1", "--format", "json"]).ok().json();
    let got: Vec<(&str, Option<f64>, Option<&str>, f64)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (r["staff_id"].as_str().unwrap(), r["score"].as_f64(), r["award"].as_str(), r["hours"].as_f64().unwrap())
        })
        .collect();
    assert_eq!(
        got,
        vec![("0001", Some(95.0), Some("first"), 5.0), ("0002", Some(59.5), None, 0.0), ("0003", None, None, 0.0)]
    );
    let table = s.run(&["result", "list", "Q1"]).ok().stdout;
    assert!(table.contains("王建国") && table.contains("Q1"), "{table}");
    s.run(&["result", "remove", "Q1", "0001"]).ok();
    let row = last_audit(&s);
    assert_eq!((row["entity"].as_str(), row["action"].as_str()), (Some("result"), Some("delete")));
    assert_eq!((row["old"]["score"].as_i64(), row["old"]["award"].as_str()), (Some(9500), Some("first")));
    assert_eq!(learner(&s.year(2024), "0001")["assessment"], 0.0);
    refused(&s, &["result", "remove", "Q1", "0001"], &["assessment Q1 has no result for staff id 0001"]);
    refused(&s, &["result", "list", "Q9"], &["not a known assessment"]);
}

#[test]
fn result_add_refuses_a_learner_not_enrolled_on_the_assessment_date() {
    let s = school();
    s.run(&["assessment", "add", "Q1", "测试", "--kind", "quiz", "--date", "2024-02-01", "--hours", "2"]).ok();
    refused(
        &s,
        &["result", "add", "Q1", "0003", "--score", "90"],
        &["assessment Q1", "staff id 0003 (张伟) was not enrolled"],
    );
}

#[test]
fn an_online_total_for_a_month_is_credited_on_its_to_date() {
    let s = school();
    refused(&s, &["online", "add", "0001", "2023-12-20", "30"], &["more than 24", "--to"]);
    // 30 hours from 20 December to 19 January: counted in 2024, the year of its `to` date.
    s.run(&["online", "add", "0001", "2023-12-20", "30", "--to", "2024-01-19", "--source", "学习强国"]).ok();
    assert_eq!(learner(&s.year(2024), "0001")["online"], 30.0);
    assert_eq!(learner(&s.year(2023), "0001")["online"], 0.0);
    let list = s.run(&["online", "list", "--year", "2024", "--format", "json"]).ok().json();
    assert_eq!(list[0]["date"], "2023-12-20");
    assert_eq!(list[0]["to"], "2024-01-19");
    assert_eq!(list[0]["hours"], 30.0);
    let row = last_audit(&s);
    assert_eq!((row["entity"].as_str(), row["new"]["to_date"].as_str()), (Some("online"), Some("2024-01-19")));
    // At most 24 hours a day of the total: 31 days hold 744.
    refused(&s, &["online", "add", "0002", "2024-01-01", "744.5", "--to", "2024-01-31"], &["more than 744"]);
    s.run(&["online", "add", "0002", "2024-01-01", "744", "--to", "2024-01-31"]).ok();
    refused(&s, &["online", "add", "0002", "2024-02-01", "2", "--to", "2024-01-31"], &["before its first day"]);
    // The same key with another total conflicts.
    refused(
        &s,
        &["online", "add", "0001", "2023-12-20", "12", "--source", "学习强国"],
        &["already has 30 online hours (a total to 2024-01-19)", "--update"],
    );
}

#[test]
fn online_hours_need_both_dates_enrolled_and_open() {
    let s = school();
    refused(
        &s,
        &["online", "add", "0003", "2024-02-01", "10", "--to", "2024-03-31"],
        &["staff id 0003 (张伟) was not enrolled on 2024-02-01"],
    );
    refused(&s, &["online", "add", "0003", "2024-02-29", "2"], &["was not enrolled on 2024-02-29"]);
    s.run(&["year", "close", "2023"]).ok();
    refused(&s, &["online", "add", "0001", "2023-12-01", "10", "--to", "2024-01-31"], &["2023 is a closed year"]);
    refused(&s, &["online", "add", "0001", "2023-06-01", "1"], &["2023 is a closed year"]);
}

#[test]
fn online_list_filters_and_remove_names_the_source_when_a_day_has_several() {
    let s = school();
    s.run(&["online", "add", "0001", "2024-03-01", "1", "--source", "学习强国"]).ok();
    s.run(&["online", "add", "0001", "2024-03-01", "2", "--source", "党员教育平台"]).ok();
    s.run(&["online", "add", "0001", "2025-01-03", "1.5"]).ok();
    s.run(&["online", "add", "0002", "2024-03-02", "3"]).ok();
    let all = s.run(&["online", "list", "--format", "json"]).ok().json();
    assert_eq!(all.as_array().unwrap().len(), 4);
    let mine = s.run(&["online", "list", "--learner", "0001", "--year", "2024", "--format", "json"]).ok().json();
    let sources: Vec<&str> = mine.as_array().unwrap().iter().map(|o| o["source"].as_str().unwrap()).collect();
    assert_eq!(sources, ["党员教育平台", "学习强国"]);
    refused(&s, &["online", "remove", "0001", "2024-03-01"], &["学习强国", "党员教育平台", "--source"]);
    refused(&s, &["online", "remove", "0001", "2024-03-05"], &["no online hours on 2024-03-05"]);
    s.run(&["online", "remove", "0001", "2024-03-01", "--source", "学习强国"]).ok();
    s.run(&["online", "remove", "0001", "2024-03-01"]).ok();
    s.run(&["online", "remove", "0002", "2024-03-02"]).ok();
    let row = last_audit(&s);
    assert_eq!((row["entity"].as_str(), row["action"].as_str()), (Some("online"), Some("delete")));
    assert_eq!(row["old"]["hours"], 300);
    let left = s.run(&["online", "list", "--format", "json"]).ok().json();
    assert_eq!(left.as_array().unwrap().len(), 1);
    assert_eq!(left[0]["date"], "2025-01-03");
}

#[test]
fn the_audit_log_is_filtered_by_day_learner_and_batch() {
    let s = school();
    let id = session(&s, "DS01", "2024-04-01", &[]);
    s.run(&["attend", &id, "0001", "0002"]).ok();
    s.run(&["online", "add", "0001", "2024-04-02", "1"]).ok();
    let sheet = s.file("online.csv", "工号,日期,学时\n0002,2024-04-03,2\n");
    s.run(&["import", "online", sheet.to_str().unwrap()]).ok();
    s.run(&["imports", "undo", "1"]).ok();

    let all = audit(&s, &[]);
    let ids: Vec<i64> = all.iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "oldest first: {ids:?}");
    assert_eq!(all[0]["operator"], s.operator().as_str());
    assert_eq!(all[0]["entity"], "branch");
    assert_eq!(all[0]["action"], "insert");
    assert_eq!(audit(&s, &["--since", "2000-01-01"]).len(), all.len());
    assert!(audit(&s, &["--since", "2999-01-01"]).is_empty());

    // 0001's own row (keyed by staff id) and their records' rows (keyed by learner id).
    let mine = audit(&s, &["--learner", "0001"]);
    let what: Vec<(&str, &str)> =
        mine.iter().map(|r| (r["entity"].as_str().unwrap(), r["action"].as_str().unwrap())).collect();
    assert_eq!(what, [("learner", "insert"), ("attendance", "insert"), ("online", "insert")]);

    // The undo's rows carry the batch's id.
    let batch = audit(&s, &["--batch", "1"]);
    assert!(!batch.is_empty() && batch.iter().all(|r| r["batch"] == 1), "{batch:?}");
    assert!(batch.iter().any(|r| r["entity"] == "online" && r["action"] == "delete"));
    let both = audit(&s, &["--batch", "1", "--learner", "0002"]);
    assert_eq!(both.len(), 1, "{both:?}");

    let csv = s.run(&["audit", "--format", "csv"]).ok().stdout;
    assert!(csv.contains("Id,At,Operator,Batch,Kind,Record,Action,Before,After"), "{csv}");
    let table = s.run(&["audit", "--learner", "0001"]).ok().stdout;
    assert!(table.contains("attendance"), "{table}");
    refused(&s, &["audit", "--batch", "9"], &["batch 9 is not a known import batch"]);
    refused(&s, &["audit", "--learner", "0099"], &["staff id 0099"]);
    s.run(&["audit", "--since", "yesterday"]).expect(2);
}

#[test]
fn the_audit_log_reads_in_words_and_its_json_as_stored() {
    let s = school();
    let id = session(&s, "DS01", "2024-04-01", &[]);
    s.run(&["attend", &id, "0001", "--status", "late", "--hours", "1.5"]).ok();
    s.run(&["session", "set", &id, "--hours", "2.5", "--teacher", "李老师"]).ok();
    s.run(&["learner", "set", "0003", "--branch", "NK1", "--from", "2024-07-01"]).ok();
    s.run(&["rules", "set", "online-cap", "12", "--from", "2024"]).ok();
    s.run(&["learner", "add", "0009", "赵六", "--branch", "WK1", "--category", "youth"]).ok();
    s.run(&["attend", &id, "0009"]).ok();
    s.run(&["attend", &id, "0009", "--remove"]).ok();
    s.run(&["learner", "delete", "0009"]).ok();
    // On SQLite the next learner may be given 0009's row id: the log still means 0009.
    s.run(&["learner", "add", "0010", "钱七", "--branch", "WK1", "--category", "youth"]).ok();

    // Each row's record by staff id and code, its hours as hours, its words in Chinese; an update
    // shows what it changed.
    let csv = s.run(&["--lang", "zh", "audit", "--format", "csv"]).ok().stdout;
    let rows: Vec<&str> = csv.lines().map(|l| l.trim_end_matches('\r')).collect();
    assert_eq!(rows[0], "\u{feff}编号,时间,操作人,批次,对象,记录,操作,原值,新值");
    let has = |line: &str| assert!(rows.iter().any(|r| r.ends_with(line)), "no row ending {line:?} in\n{csv}");
    has("出勤记录,课次 1，工号 0001,新增,,出勤 迟到，学时 1.5");
    has("课次,课次 1,修改,学时 2，授课人 无,学时 2.5，授课人 李老师");
    has("支部变更,工号 0003，起始日期 2024-07-01,新增,,支部 NK1");
    has("学时规则,线上自学上限，2024年起,新增,,值 12");
    has("学员,工号 0009,删除,学员（工号 0009，姓名 赵六，支部 WK1，类别 先进团员青年，加入日期 无，离开日期 无）,");
    has("出勤记录,课次 1，工号 0009,新增,,出勤 出席，学时 按课次学时");
    has("出勤记录,课次 1，工号 0009,删除,出勤 出席，学时 按课次学时,");
    assert!(!csv.contains("课次 1，工号 0010"), "{csv}");
    let en = s.run(&["--lang", "en", "audit", "--format", "csv"]).ok().stdout;
    assert!(en.contains("attendance,\"session 1, staff id 0001\",added,,\"status late, hours 1.5\""), "{en}");

    // JSON keeps the log as stored: row ids and hundredths.
    let json = audit(&s, &["--learner", "0001"]);
    let attended = json.iter().find(|r| r["entity"] == "attendance").unwrap();
    assert_eq!(attended["key"], serde_json::json!({"session_id": 1, "learner_id": 1}));
    assert_eq!(attended["new"], serde_json::json!({"status": "late", "hours": 150}));
}

#[test]
fn completions_are_printed_for_every_shell() {
    let s = School::empty();
    for (shell, mark) in [
        ("bash", "complete"),
        ("zsh", "#compdef xueshi"),
        ("fish", "complete -c xueshi"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = s.run(&["completions", shell]).ok().stdout;
        assert!(out.contains(mark) && out.contains("session"), "{shell}:\n{out}");
    }
    s.run(&["completions", "tcsh"]).expect(2);
    assert!(!s.db().exists(), "completions need no database");
}

#[test]
fn every_new_command_and_flag_has_help() {
    let s = School::empty();
    for (args, phrase) in [
        (&["session", "add", "--help"][..], "--again"),
        (&["session", "add", "--help"][..], "at most 24 hours a day"),
        (&["session", "delete", "--help"][..], "--with-records"),
        (&["attend", "--help"][..], "--remove"),
        (&["online", "add", "--help"][..], "credited on that day"),
        (&["audit", "--help"][..], "--learner"),
        (&["branch", "--help"][..], "Rename a branch"),
        (&["course", "--help"][..], "Delete a course that has no sessions"),
        (&["result", "--help"][..], "Remove a learner's result"),
    ] {
        let out = s.run(args).ok().stdout;
        assert!(out.contains(phrase), "{args:?}: {phrase:?} not in\n{out}");
    }
}

#[test]
fn a_learner_corrected_after_a_roster_import_keeps_the_correction_from_its_undo() {
    let s = school();
    let roster = s.file("roster.csv", "工号,姓名,支部,类别\n0001,王建国,NK1,党员\n0009,赵敏,WK1,党员\n");
    let roster = roster.to_str().unwrap();
    s.run(&["import", "learners", roster]).ok(); // batch 1: 0009 new, 0001 unchanged
    let renamed = s.file("renamed.csv", "工号,姓名,支部,类别\n0001,王建华,NK1,党员\n");
    s.run(&["import", "learners", renamed.to_str().unwrap(), "--update"]).ok(); // batch 2
    s.run(&["learner", "set", "0001", "--name", "王建军"]).ok();
    s.run(&["learner", "set", "0009", "--staff-id", "0010"]).ok();
    // Undoing either batch would put back a name or drop a learner the office has corrected since.
    refused(&s, &["imports", "undo", "2"], &["cannot undo batch 2", "by a command"]);
    refused(&s, &["imports", "undo", "1"], &["cannot undo batch 1", "by a command"]);
    let names = s.run(&["learner", "list", "--format", "json"]).ok().json();
    let named: Vec<(&str, &str)> = names
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["staff_id"].as_str().unwrap(), l["name"].as_str().unwrap()))
        .filter(|(id, _)| ["0001", "0010"].contains(id))
        .collect();
    assert_eq!(named, [("0001", "王建军"), ("0010", "赵敏")]);
    // The old batch id is in the audit row: reading the log backwards restores the row exactly.
    let rename = audit(&s, &["--learner", "0001"]).pop().unwrap();
    assert_eq!(rename["old"]["batch_id"], 2, "{rename}");
}
