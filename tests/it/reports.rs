//! Notices, the year report in every format, the learner transcript: numbers worked by hand,
//! golden files for every printed form, the workbook read back, the page drawn by a browser.

use serde_json::Value;

use crate::common::{golden, School};

/// Runs a command and returns the id it printed (`session add`).
fn id(s: &School, args: &[&str]) -> String {
    s.run(args).ok().stdout.trim().to_string()
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// A small school with a bit of everything, for the golden files:
/// two branches, a full-year member, a July joiner, a cadre and a youth; theory, extension and
/// topic sessions with every status; a quiz and a contest with an award; online study over a cap.
pub fn small_school() -> School {
    let s = School::new();
    s.run(&["branch", "add", "NK1", "内科一支部"]).ok();
    s.run(&["branch", "add", "WK1", "外科一支部"]).ok();
    s.run(&["learner", "add", "0001", "张伟", "--branch", "NK1", "--category", "member"]).ok();
    s.run(&["learner", "add", "0002", "李娜", "--branch", "NK1", "--category", "member", "--joined", "2024-07-10"])
        .ok();
    s.run(&["learner", "add", "0003", "王芳", "--branch", "WK1", "--category", "cadre"]).ok();
    s.run(&["learner", "add", "0004", "刘洋", "--branch", "WK1", "--category", "youth"]).ok();
    s.run(&["course", "add", "T1", "学习党的二十大精神", "--kind", "theory", "--mode", "offline", "--hours", "4"]).ok();
    s.run(&["course", "add", "E1", "医疗法律法规", "--kind", "extension", "--mode", "offline", "--hours", "2"]).ok();
    s.run(&["course", "add", "P1", "廉洁从业专题", "--kind", "topic", "--mode", "field", "--hours", "3"]).ok();
    let t_apr = id(&s, &["session", "add", "--course", "T1", "--date", "2024-04-10"]);
    let e_may = id(&s, &["session", "add", "--course", "E1", "--date", "2024-05-15"]);
    let t_aug = id(&s, &["session", "add", "--course", "T1", "--date", "2024-08-20"]);
    let p_nov = id(&s, &["session", "add", "--course", "P1", "--date", "2024-11-05"]);
    s.run(&["attend", &t_apr, "0001", "0003"]).ok();
    s.run(&["attend", &t_apr, "0004", "--status", "absent"]).ok();
    s.run(&["attend", &e_may, "0001", "--status", "late"]).ok();
    s.run(&["attend", &e_may, "0003", "--hours", "1.5"]).ok();
    s.run(&["attend", &e_may, "0004", "--status", "excused"]).ok();
    s.run(&["attend", &t_aug, "0001", "0002", "0003", "0004"]).ok();
    s.run(&["attend", &p_nov, "0002", "0003"]).ok();
    s.run(&["attend", &p_nov, "0001", "--status", "absent"]).ok();
    s.run(&["assessment", "add", "Q1", "党章党规知识测试", "--kind", "quiz", "--date", "2024-06-20", "--hours", "2"])
        .ok();
    s.run(&["result", "add", "Q1", "0001", "--score", "85"]).ok();
    s.run(&["result", "add", "Q1", "0004", "--score", "50"]).ok();
    s.run(&[
        "assessment",
        "add",
        "C1",
        "党史知识竞赛",
        "--kind",
        "contest",
        "--date",
        "2024-10-12",
        "--hours",
        "1",
        "--award",
        "first=3",
    ])
    .ok();
    s.run(&["result", "add", "C1", "0003", "--award", "first"]).ok();
    s.run(&["result", "add", "C1", "0002"]).ok();
    s.run(&["online", "add", "0001", "2024-03-01", "10", "--source", "学习强国"]).ok();
    s.run(&["online", "add", "0003", "2024-09-01", "3", "--source", "学习强国"]).ok();
    s.run(&["rules", "set", "online-cap", "8"]).ok();
    s
}

fn zh(s: &School, args: &[&str]) -> String {
    let mut all = vec!["--lang", "zh"];
    all.extend_from_slice(args);
    s.run(&all).ok().stdout
}

#[test]
fn bad_periods_are_usage_errors() {
    let s = School::new();
    for period in ["2024-Q5", "2024-13", "24"] {
        let r = s.run(&["notice", period]).expect(2);
        assert!(r.stderr.contains("is not a period"), "{period}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{period}: printed {}", r.stdout);
    }
}

#[test]
fn formats_a_report_lacks_are_usage_errors() {
    let s = small_school();
    let r = s.run(&["notice", "2024-Q2", "--format", "csv"]).expect(2);
    assert!(r.stderr.contains("no csv format"), "{}", r.stderr);
    s.run(&["notice", "2024-Q2", "--out", "notice.xlsx"]).expect(2);
    assert!(!s.path("notice.xlsx").exists(), "nothing is written on a usage error");
    s.run(&["report", "learner", "0001", "--year", "2024", "--format", "xlsx"]).expect(2);
    s.run(&["report", "learner", "9999", "--year", "2024"]).expect(65);
}

#[test]
fn pace_of_a_full_year_member_and_a_july_joiner() {
    let s = School::new();
    s.run(&["branch", "add", "NK1", "内科一支部"]).ok();
    s.run(&["learner", "add", "0001", "张伟", "--branch", "NK1", "--category", "member"]).ok();
    s.run(&["learner", "add", "0002", "李娜", "--branch", "NK1", "--category", "member", "--joined", "2024-07-10"])
        .ok();
    s.run(&["course", "add", "T1", "理论", "--kind", "theory", "--mode", "offline", "--hours", "4"]).ok();
    let apr = id(&s, &["session", "add", "--course", "T1", "--date", "2024-04-10"]);
    let aug = id(&s, &["session", "add", "--course", "T1", "--date", "2024-08-20"]);
    s.run(&["attend", &apr, "0001"]).ok();
    s.run(&["attend", &aug, "0002"]).ok();
    // Online study in February counts towards the year to date of a later quarter.
    s.run(&["online", "add", "0001", "2024-02-01", "6"]).ok();

    let q2 = s.run(&["notice", "2024-Q2", "--format", "json"]).ok().json();
    // Q2 ends in June: the July joiner has no active month yet and is not covered.
    assert_eq!(q2["branches"][0]["learners"], 1);
    // 0001: expected 32 × 6 ÷ 12 = 16; hours 4 (April) + 6 (February online) = 10; shortfall 6.
    let b = &q2["behind"][0];
    assert_eq!(b["staff_id"], "0001");
    assert_eq!((num(&b["hours"]), num(&b["expected"]), num(&b["shortfall"])), (10.0, 16.0, 6.0));
    assert_eq!(q2["behind"].as_array().map(Vec::len), Some(1));

    let q3 = s.run(&["notice", "2024-Q3", "--format", "json"]).ok().json();
    assert_eq!(q3["branches"][0]["learners"], 2);
    // Q3 ends in September. 0001: 32 × 9 ÷ 12 = 24, hours 10, shortfall 14.
    // 0002 joined 10 July: July, August, September are active, 32 × 3 ÷ 12 = 8; hours 4; shortfall 4.
    let behind: Vec<(String, f64, f64)> = q3["behind"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["staff_id"].as_str().unwrap().to_string(), num(&b["expected"]), num(&b["shortfall"])))
        .collect();
    assert_eq!(behind, vec![("0001".to_string(), 24.0, 14.0), ("0002".to_string(), 8.0, 4.0)]);
    // Average hours of the branch: (10 + 4) ÷ 2 = 7; nobody on pace.
    assert_eq!(num(&q3["branches"][0]["average_hours"]), 7.0);
    assert_eq!(q3["branches"][0]["on_pace"], 0);
    // One session held in Q3, one record, present: rate 1.
    assert_eq!(q3["sessions"], 1);
    assert_eq!(num(&q3["attendance_rate"]), 1.0);
    assert_eq!((q3["from"].as_str(), q3["to"].as_str()), (Some("2024-07-01"), Some("2024-09-30")));
}

#[test]
fn the_online_cap_applies_to_the_year_to_date() {
    let s = School::new();
    s.run(&["branch", "add", "NK1", "内科一支部"]).ok();
    s.run(&["learner", "add", "0001", "张伟", "--branch", "NK1", "--category", "youth"]).ok();
    s.run(&["online", "add", "0001", "2024-02-01", "4"]).ok();
    s.run(&["online", "add", "0001", "2024-05-01", "4"]).ok();
    s.run(&["rules", "set", "online-cap", "5"]).ok();
    // Q1: 4 recorded, under the cap of 5: 4. Youth expected 16 × 3 ÷ 12 = 4: on pace.
    let q1 = s.run(&["notice", "2024-Q1", "--format", "json"]).ok().json();
    assert_eq!(num(&q1["top"][0]["hours"]), 4.0);
    assert_eq!(q1["branches"][0]["on_pace"], 1);
    // Q2: 4 + 4 = 8 recorded since 1 January, capped at 5 (not 4 + min(4, 5) = 8 per quarter).
    // Expected 16 × 6 ÷ 12 = 8: behind by 3.
    let q2 = s.run(&["notice", "2024-Q2", "--format", "json"]).ok().json();
    assert_eq!(num(&q2["behind"][0]["hours"]), 5.0);
    assert_eq!(num(&q2["behind"][0]["shortfall"]), 3.0);
    // SPEC v2 §5: the honour list names only learners on pace.
    assert_eq!(q2["top"], serde_json::json!([]));
}

#[test]
fn the_honour_list_keeps_ten_and_breaks_ties_by_staff_id() {
    let s = School::new();
    s.run(&["branch", "add", "NK1", "内科一支部"]).ok();
    // Only learners on pace are listed (SPEC v2 §5): a member needs 1 hour in this school.
    s.run(&["rules", "set", "member", "1"]).ok();
    // Twelve learners added out of order; 0005 and 0011 have 3 hours, the others 1, 0013 none.
    for n in [12, 3, 7, 1, 5, 9, 11, 2, 4, 6, 8, 10, 13] {
        let sid = format!("{n:04}");
        s.run(&["learner", "add", &sid, &format!("学员{n}"), "--branch", "NK1", "--category", "member"]).ok();
        if n != 13 {
            let hours = if n == 5 || n == 11 { "3" } else { "1" };
            s.run(&["online", "add", &sid, "2024-03-01", hours]).ok();
        }
    }
    let notice = s.run(&["notice", "2024", "--format", "json"]).ok().json();
    let top: Vec<&str> = notice["top"].as_array().unwrap().iter().map(|t| t["staff_id"].as_str().unwrap()).collect();
    // 3 hours first (0005 before 0011), then the 1-hour learners by staff id, ten in all:
    // 0010 and 0012 fall off; 0013 (no hours) never appears.
    assert_eq!(top, ["0005", "0011", "0001", "0002", "0003", "0004", "0006", "0007", "0008", "0009"]);
    // Only 0013 (no hours) is behind.
    let behind: Vec<&str> =
        notice["behind"].as_array().unwrap().iter().map(|t| t["staff_id"].as_str().unwrap()).collect();
    assert_eq!(behind, ["0013"]);
}

#[test]
fn attendance_rate_is_null_without_records_and_counts_one_branch_with_branch() {
    let s = small_school();
    // No session and no record in January 2024.
    let jan = s.run(&["notice", "2024-01", "--format", "json"]).ok().json();
    assert_eq!(jan["attendance_rate"], Value::Null);
    assert_eq!(jan["sessions"], 0);
    // Q2: 6 records (April: 0001 present, 0003 present, 0004 absent; May: 0001 late, 0003 present,
    // 0004 excused); 4 present or late: 4 ÷ 6 = 0.6667.
    let q2 = s.run(&["notice", "2024-Q2", "--format", "json"]).ok().json();
    assert_eq!(num(&q2["attendance_rate"]), 0.6667);
    assert_eq!(q2["sessions"], 2);
    // WK1 alone: 0003 present twice, 0004 absent and excused: 2 ÷ 4 = 0.5.
    let wk = s.run(&["notice", "2024-Q2", "--branch", "WK1", "--format", "json"]).ok().json();
    assert_eq!(num(&wk["attendance_rate"]), 0.5);
    assert_eq!(wk["branches"].as_array().map(Vec::len), Some(1));
    assert_eq!(wk["branches"][0]["code"], "WK1");
    assert!(wk["top"].as_array().unwrap().iter().all(|t| t["branch"] == "WK1"));
    let text = zh(&s, &["notice", "2024-Q2", "--branch", "外科一支部"]);
    assert!(text.starts_with("2024年第二季度党校学时通报（外科一支部）\n"), "{text}");
    assert!(!text.contains("内科一支部"), "only the branch's learners: {text}");
}

#[test]
fn notice_json_has_exactly_the_keys_of_the_spec() {
    let s = small_school();
    let q2 = s.run(&["notice", "2024-Q2", "--format", "json"]).ok().json();
    let keys: Vec<&str> = q2.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["period", "from", "to", "sessions", "attendance_rate", "branches", "behind", "top"]);
    let keys: Vec<&str> = q2["branches"][0].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["code", "name", "learners", "on_pace", "average_hours"]);
}

#[test]
fn the_default_period_is_the_last_complete_month() {
    let s = small_school();
    // Today is 2025-01-15 in the harness: December 2024.
    let n = s.run(&["notice", "--format", "json"]).ok().json();
    assert_eq!(n["period"], "2024-12");
    let n = s.run_env(&["notice", "--format", "json"], &[("XUESHI_TODAY", "2024-07-01")]).ok().json();
    assert_eq!(n["period"], "2024-06");
}

#[test]
fn notice_golden_files() {
    let s = small_school();
    for lang in ["en", "zh"] {
        for (format, ext) in [("text", "txt"), ("md", "md"), ("json", "json")] {
            let args = ["notice", "2024-Q2", "--format", format];
            let out = if lang == "zh" { zh(&s, &args) } else { s.run(&args).ok().stdout };
            assert!(!out.contains('\x1b'), "no ANSI codes in {format}");
            golden(&format!("notice-2024-Q2-{lang}.{ext}"), &out);
        }
    }
    // The whole year, with its learners who missed sessions.
    golden("notice-2024-en.txt", &s.run(&["notice", "2024"]).ok().stdout);
}

#[test]
fn notice_html_is_one_self_contained_page() {
    let s = small_school();
    s.run(&["notice", "2024-Q2", "--out", "notice.html"]).ok();
    let page = std::fs::read_to_string(s.path("notice.html")).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<svg"), "a chart of branches");
    assert!(page.contains("内科一支部"));
    for fetch in ["src=", "href=", "<script", "@import", "url("] {
        assert!(!page.contains(fetch), "the page fetches nothing: found {fetch}");
    }
}

#[test]
fn year_report_golden_files() {
    let s = small_school();
    for (format, ext) in [("table", "txt"), ("csv", "csv"), ("json", "json"), ("md", "md")] {
        let out = s.run(&["report", "year", "2024", "--format", format]).ok().stdout;
        golden(&format!("year-2024.{ext}"), &out);
    }
}

#[test]
fn transcript_golden_files() {
    let s = small_school();
    for (format, ext) in [("table", "txt"), ("csv", "csv"), ("json", "json"), ("md", "md")] {
        let out = s.run(&["report", "learner", "0001", "--year", "2024", "--format", format]).ok().stdout;
        golden(&format!("transcript-0001-2024.{ext}"), &out);
    }
    golden("transcript-0003-2024-zh.txt", &zh(&s, &["report", "learner", "0003", "--year", "2024"]));
}

#[test]
fn transcript_totals_equal_the_year_report() {
    let s = small_school();
    let year = s.year(2024);
    let learners = year["learners"].as_array().unwrap();
    assert_eq!(learners.len(), 4);
    for l in learners {
        let sid = l["staff_id"].as_str().unwrap();
        let t = s.run(&["report", "learner", sid, "--year", "2024", "--format", "json"]).ok().json();
        assert_eq!(num(&t["total"]), num(&l["total"]), "{sid}: total");
        assert_eq!(num(&t["required"]), num(&l["required"]), "{sid}: required");
        for kind in ["theory", "extension", "topic", "online", "assessment"] {
            assert_eq!(num(&t["subtotals"][kind]), num(&l[kind]), "{sid}: {kind}");
        }
        // The items, the cap line included, add up to the total.
        let sum: f64 = t["items"].as_array().unwrap().iter().map(|i| num(&i["hours"])).sum();
        assert!((sum - num(&t["total"])).abs() < 0.001, "{sid}: items add up to {sum}");
    }
    // 0001 by hand: theory 4 (April) + 4 (August), extension 2 (May, late), topic 0 (absent in
    // November), quiz 2 (85 ≥ 60), online 10 capped at 8: 4 + 4 + 2 + 2 + 8 = 20.
    let t = s.run(&["report", "learner", "0001", "--year", "2024", "--format", "json"]).ok().json();
    assert_eq!(num(&t["total"]), 20.0);
    assert_eq!(num(&t["online_recorded"]), 10.0);
    // 0002 joined on 10 July: July to December, 32 × 6 ÷ 12 = 16 required.
    let t = s.run(&["report", "learner", "0002", "--year", "2024", "--format", "json"]).ok().json();
    assert_eq!((t["active_months"].as_i64(), num(&t["required"])), (Some(6), 16.0));
    let text = s.run(&["report", "learner", "0002", "--year", "2024"]).ok().stdout;
    assert!(text.contains("Enrolled 6 months of 2024"), "{text}");
    // The default year is that of the last complete month: on 15 January 2025 (the harness's
    // today) the year just ended, 2024, and the same for the year report.
    let t = s.run(&["report", "learner", "0001", "--format", "json"]).ok().json();
    assert_eq!((t["year"].as_i64(), num(&t["total"])), (Some(2024), 20.0));
    let y = s.run(&["report", "year", "--format", "json"]).ok().json();
    assert_eq!(y["year"].as_i64(), Some(2024));
    let r = s.run(&["report", "year", "24"]).expect(2);
    assert!(r.stderr.contains("is not a year"), "{}", r.stderr);
    // In February the current year has a complete month.
    let t =
        s.run_env(&["report", "learner", "0001", "--format", "json"], &[("XUESHI_TODAY", "2025-02-01")]).ok().json();
    assert_eq!((t["year"].as_i64(), num(&t["total"])), (Some(2025), 0.0));
}

#[test]
fn year_report_xlsx_matches_the_json_cell_by_cell() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let s = small_school();
    // A learner with no hours at all is still on the detail sheet.
    s.run(&["learner", "add", "0005", "赵磊", "--branch", "WK1", "--category", "probationary"]).ok();
    let json = s.year(2024);
    s.run(&["report", "year", "2024", "--out", "year.xlsx"]).ok();
    let mut book: Xlsx<_> = open_workbook(s.path("year.xlsx")).expect("an xlsx workbook");
    let names = book.sheet_names();
    assert_eq!(names, ["Branches", "Learners"], "the branch summary comes first");

    // Each sheet: a title row, the header, the rows.
    let branches = book.worksheet_range("Branches").unwrap();
    let rows: Vec<&[Data]> = branches.rows().collect();
    assert_eq!(rows[0][0], Data::String("Credit hours 2024: year report — Branches".into()));
    assert_eq!(rows[1][0], Data::String("Branch".into()));
    // Under the branches, after a blank row, the report's summary lines.
    let n = json["branches"].as_array().unwrap().len();
    assert_eq!(rows.len(), 2 + n + 1 + 2);
    assert_eq!(rows[2 + n][0], Data::Empty);
    assert!(matches!(&rows[3 + n][0], Data::String(t) if t.contains("met their requirement")), "{:?}", rows[3 + n]);
    assert!(matches!(&rows[4 + n][0], Data::String(t) if t.starts_with("Programme: ")), "{:?}", rows[4 + n]);
    for (row, b) in rows[2..2 + n].iter().zip(json["branches"].as_array().unwrap()) {
        assert_eq!(row[0], Data::String(b["code"].as_str().unwrap().into()));
        assert_eq!(row[1], Data::String(b["name"].as_str().unwrap().into()));
        assert_eq!(row[2], Data::Float(num(&b["learners"])));
        assert_eq!(row[3], Data::Float(num(&b["met"])));
        assert_eq!(row[5], Data::Float(num(&b["average_total"])));
    }

    let detail = book.worksheet_range("Learners").unwrap();
    let rows: Vec<&[Data]> = detail.rows().collect();
    let learners = json["learners"].as_array().unwrap();
    assert_eq!(rows.len(), 2 + learners.len());
    assert_eq!(learners.len(), 5);
    let keys = [
        "staff_id",
        "name",
        "branch",
        "category",
        "sessions",
        "theory",
        "extension",
        "topic",
        "online",
        "assessment",
        "total",
        "required",
        "met",
        "absences",
        "branch_rank",
        "eligible",
    ];
    for (row, l) in rows[2..].iter().zip(learners) {
        for (cell, key) in row.iter().zip(keys) {
            let want = match &l[key] {
                Value::String(s) => Data::String(s.clone()),
                Value::Number(n) => Data::Float(n.as_f64().unwrap()),
                Value::Bool(b) => Data::String(if *b { "yes" } else { "no" }.into()),
                other => panic!("{key}: {other}"),
            };
            assert_eq!(cell, &want, "{} {key}", l["staff_id"]);
        }
    }
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    use std::process::{Command, Stdio};
    let s = small_school();
    let mut child = Command::new(env!("CARGO_BIN_EXE_xueshi"))
        .args(crate::common::db_args(&s.db()))
        .args(["report", "year", "2024"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end before the report is written, as `| head -0` would.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "quiet: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn piped_tables_are_not_wrapped() {
    let s = small_school();
    // Not a terminal: rows stay whole whatever the width the environment claims.
    let out = s.run_env(&["report", "year", "2024"], &[("COLUMNS", "40")]).ok().stdout;
    let row = out.lines().find(|l| l.contains("0001")).unwrap();
    assert!(row.contains("张伟") && row.contains("20.00"), "{row}");
    assert!(!out.contains('\x1b'));
}

/// Where a headless Chromium can be found, installing the Debian package when allowed: as root
/// on CI, or when XUESHI_INSTALL_CHROMIUM is set.
pub fn chromium() -> Option<std::path::PathBuf> {
    let path = std::path::PathBuf::from("/usr/bin/chromium");
    if path.exists() {
        return Some(path);
    }
    let root = std::process::Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    let asked = std::env::var_os("XUESHI_INSTALL_CHROMIUM").is_some();
    if asked || (root && std::env::var("CI").is_ok_and(|v| v == "true")) {
        let _ = std::process::Command::new("apt-get")
            .args(["install", "-y", "--no-install-recommends", "chromium"])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status();
    }
    path.exists().then_some(path)
}

#[test]
fn html_pages_draw_something_in_a_browser() {
    let s = small_school();
    s.run(&["report", "year", "2024", "--out", "year.html"]).ok();
    s.run(&["--lang", "zh", "notice", "2024-Q2", "--format", "html", "--out", "notice.html"]).ok();
    for name in ["year", "notice"] {
        let page = std::fs::read_to_string(s.path(&format!("{name}.html"))).unwrap();
        assert!(page.contains("<svg") && page.contains("@media print"), "{name}: a chart and print styles");
    }
    let Some(chromium) = chromium() else {
        crate::output::skipped("chromium not installed (the HTML pages were checked as text only)");
        return;
    };
    for name in ["year", "notice"] {
        let png = s.path(&format!("{name}.png"));
        let status = std::process::Command::new(&chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ])
            .arg(format!("--user-data-dir={}", s.path("chromium").display()))
            .arg(format!("--screenshot={}", png.display()))
            .arg("--window-size=1200,900")
            .arg(format!("file://{}", s.path(&format!("{name}.html")).display()))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .expect("run chromium");
        assert!(status.success(), "{name}: chromium failed");
        let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&png).expect("a screenshot")));
        let mut reader = decoder.read_info().expect("a PNG");
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).expect("a frame");
        let pixels = &buf[..info.buffer_size()];
        let step = info.color_type.samples() * if info.bit_depth == png::BitDepth::Sixteen { 2 } else { 1 };
        let first = &pixels[..step];
        let differing = pixels.chunks(step).filter(|p| p != &first).count();
        // Text, table rules and the red bars: far more than a few stray pixels.
        assert!(differing > 1000, "{name}: the screenshot is blank ({differing} pixels differ from the first)");
    }
}
