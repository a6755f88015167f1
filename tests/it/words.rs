//! SPEC v2 §3, the words offices really write: DingTalk exports, name-only sign-in sheets, 政治面貌
//! rosters, rosters typed in Excel, days without their year, periods in Chinese, and the columns
//! an import does not read.

use crate::common::School;
use crate::imports::{attendance, f, rows, school};

/// `session show ID --format json` as `staff_id|name|status|hours`.
fn roster(s: &School, id: &str) -> Vec<String> {
    let json = s.run(&["session", "show", id, "--format", "json"]).ok().json();
    json.as_array()
        .unwrap()
        .iter()
        .map(|r| format!("{}|{}|{}|{}", r["staff_id"], r["name"], r["status"], r["hours"]).replace('"', ""))
        .collect()
}

/// Imports `text` as `a.csv`, expects exit 65 and these lines on stderr, and nothing written.
#[track_caller]
fn refused(s: &School, text: &str, args: &[&str], want: &[&str]) {
    let before = s.dump();
    let path = s.file("a.csv", text).display().to_string();
    let mut all = vec!["import", args[0], path.as_str()];
    all.extend_from_slice(&args[1..]);
    let out = s.run(&all).expect(65);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(lines, want, "{text:?}");
    assert_eq!(s.dump(), before, "{text:?} wrote something");
}

#[test]
fn a_dingtalk_export() {
    let s = school();
    let out = s.run(&["import", "attendance", &f("dingtalk.xlsx"), "--course", "DS01", "--date", "2024-03-15"]).ok();
    assert_eq!(
        out.stdout.trim(),
        "dingtalk.xlsx: 5 new, 0 unchanged, 0 updated (1 session created); ignored: 部门, 职位, 打卡时间 — batch 3"
    );
    assert_eq!(
        roster(&s, "1"),
        [
            "0001|王建国|present|2.0",
            "0002|李秀英|late|2.0",
            "0003|张伟|absent|0.0",
            // No 工号 in DingTalk: found by name among those enrolled on 2024-03-15.
            "0004|刘洋|present|2.0",
            "0005|陈静|excused|0.0",
        ]
    );
}

#[test]
fn a_dingtalk_date_on_another_day_than_the_session_is_an_error() {
    let s = school();
    let text = "员工姓名,工号,考勤日期,打卡结果\n王建国,0001,24-03-16 星期六,正常\n李秀英,0002,24-03-15 星期四,正常\n";
    refused(
        &s,
        text,
        &["attendance", "--course", "DS01", "--date", "2024-03-15"],
        &[
            "error: a.csv:2: date: \"24-03-16 星期六\" is not the date of session 1 (DS01 on 2024-03-15)",
            "error: a.csv:3: date: \"24-03-15 星期四\" is not the date of session 1 (DS01 on 2024-03-15)",
            "2 problems; nothing was written",
        ],
    );
}

#[test]
fn a_names_only_sign_in_sheet() {
    let s = school();
    let out = s.run(&["import", "attendance", &f("names.gbk.csv"), "--course", "DS01", "--date", "2024-04-10"]).ok();
    assert_eq!(
        out.stdout.trim(),
        "names.gbk.csv: 3 new, 0 unchanged, 0 updated (1 session created); ignored: 序号, 签名 — batch 3"
    );
    assert_eq!(
        attendance(&s),
        ["0001|DS01|2024-04-10|present|-", "0002|DS01|2024-04-10|present|-", "0012|DS01|2024-04-10|present|-"]
    );
    let year = s.year(2024);
    let zhao = year["learners"].as_array().unwrap().iter().find(|l| l["staff_id"] == "0012").unwrap();
    assert_eq!((zhao["sessions"].as_i64(), zhao["theory"].as_f64()), (Some(1), Some(2.0)));
    // Twice is once.
    let out = s.run(&["import", "attendance", &f("names.gbk.csv"), "--course", "DS01", "--date", "2024-04-10"]).ok();
    assert!(out.stdout.contains("0 new, 3 unchanged"), "{}", out.stdout);
}

/// Two 王伟 in two branches; the second joined on 2024-03-01.
fn two_wang_wei() -> School {
    let s = school();
    s.run(&["import", "learners", &f("politics.gbk.csv")]).ok();
    s
}

#[test]
fn a_name_is_looked_up_among_those_enrolled_on_the_rows_date() {
    let s = two_wang_wei();
    // Before 0102 joined, 王伟 is 0101.
    s.file("feb.csv", "序号,姓名\n1,王伟\n2,孙丽\n");
    s.run(&["import", "attendance", "feb.csv", "--course", "DS01", "--date", "2024-02-20"]).ok();
    assert_eq!(attendance(&s), ["0101|DS01|2024-02-20|present|-", "0103|DS01|2024-02-20|present|-"]);
    // After, either may be meant: the sheet must say which.
    refused(
        &s,
        "序号,姓名\n1,王伟\n2,孙丽\n",
        &["attendance", "--course", "DS01", "--date", "2024-03-15"],
        &[
            "error: a.csv:2: name: 王伟 could be any of 0101 王伟 (NK1), 0102 王伟 (WK1), all enrolled on 2024-03-15: give the row its staff id (工号)",
        ],
    );
    // A staff id on the row settles it; a blank staff id still finds the other by name.
    s.file("mar.csv", "工号,姓名\n0102,王伟\n,孙丽\n");
    s.run(&["import", "attendance", "mar.csv", "--course", "DS01", "--date", "2024-03-15"]).ok();
    assert_eq!(
        rows(&s, "SELECT l.staff_id FROM attendance a JOIN learner l ON l.id = a.learner_id WHERE a.session_id = 2"),
        ["0102", "0103"]
    );
}

#[test]
fn a_name_that_fits_nobody_and_a_row_with_no_one_are_errors() {
    let s = two_wang_wei();
    s.run(&["learner", "leave", "0103", "--date", "2024-01-31"]).ok();
    refused(
        &s,
        "签到表\n序号,姓名,签到\n1,无此人,√\n2,孙丽,√\n3,,√\n4,,\n,应到：3人,\n",
        &["attendance", "--course", "DS01", "--date", "2024-03-15"],
        &[
            "error: a.csv:3: name: \"无此人\" is not the name of any learner: correct the name, or give the row its staff id (工号)",
            "error: a.csv:4: name: no learner named 孙丽 was enrolled on 2024-03-15 (0103 孙丽 (NK1) enrolled …–2024-01-31): correct the name or the date, or give the row its staff id (工号)",
            "error: a.csv:5: name: the row has no name: whose is it? (a row left blank is skipped)",
            "3 problems; nothing was written",
        ],
    );
    // With a staff-id column, a row with a status and neither is pointed at the staff id.
    refused(
        &s,
        "工号,姓名,签到\n0101,王伟,√\n,,√\n",
        &["attendance", "--course", "DS01", "--date", "2024-03-15"],
        &["error: a.csv:3: staff_id: the row has no staff id: whose is it? (a row left blank is skipped)"],
    );
}

#[test]
fn results_and_online_study_by_name() {
    let s = school();
    s.run(&["assessment", "add", "Q1", "党章知识测试", "--kind", "quiz", "--date", "2024-05-10", "--hours", "1"]).ok();
    s.file("q1.csv", "序号,姓名,成绩\n1,王 建国,90\n2,李秀英,55\n");
    let out = s.run(&["import", "results", "q1.csv", "--assessment", "Q1"]).ok();
    assert_eq!(out.stdout.trim(), "q1.csv: 2 new, 0 unchanged, 0 updated; ignored: 序号 — batch 3");
    assert_eq!(
        rows(&s, "SELECT l.staff_id, r.score FROM result r JOIN learner l ON l.id = r.learner_id ORDER BY 1"),
        ["0001|9000", "0002|5500"]
    );
    s.file("online.csv", "姓名,日期,学时,平台\n张伟,2024-03-01,2,学习强国\n刘洋,3月2日,1.5,学习强国\n");
    s.run(&["import", "online", "online.csv"]).ok();
    assert_eq!(
        rows(&s, "SELECT l.staff_id, o.date, o.hours FROM online o JOIN learner l ON l.id = o.learner_id ORDER BY 1"),
        ["0003|2024-03-01|200", "0004|2024-03-02|150"]
    );
    // 刘洋 joined on 2024-03-01: on 2024-02-28 no 刘洋 was enrolled.
    refused(
        &s,
        "姓名,日期,学时\n刘洋,2024-02-28,1\n",
        &["online"],
        &[
            "error: a.csv:2: name: no learner named 刘洋 was enrolled on 2024-02-28 (0004 刘洋 (WK1) enrolled 2024-03-01–…): correct the name or the date, or give the row its staff id (工号)",
        ],
    );
}

#[test]
fn a_roster_with_political_status() {
    let s = School::new();
    s.run(&["branch", "add", "NK1", "内科一支部"]).ok();
    s.run(&["branch", "add", "WK1", "外科一支部"]).ok();
    let out = s.run(&["import", "learners", &f("politics.gbk.csv")]).ok();
    assert_eq!(
        out.stdout.trim(),
        "politics.gbk.csv: 4 new, 0 unchanged, 0 updated; ignored: 序号, 性别, 入党时间 — batch 1"
    );
    assert_eq!(
        rows(
            &s,
            "SELECT l.staff_id, l.name, b.code, l.category, l.joined FROM learner l
             JOIN branch b ON b.id = l.branch_id ORDER BY l.staff_id"
        ),
        [
            "0101|王伟|NK1|member|-",
            "0102|王伟|WK1|youth|2024-03-01",
            "0103|孙丽|NK1|probationary|-",
            "0104|周强|WK1|cadre|-",
        ]
    );
    let year = s.year(2024);
    let required: Vec<(String, f64)> = year["learners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["staff_id"].as_str().unwrap().to_string(), l["required"].as_f64().unwrap()))
        .collect();
    // youth 16 a year, for March to December: 16 × 10 ÷ 12.
    assert!(required.contains(&("0102".to_string(), 13.33)), "{required:?}");
    assert!(required.contains(&("0104".to_string(), 56.0)), "{required:?}");
}

#[test]
fn the_masses_are_refused_with_the_category_to_choose() {
    let s = school();
    refused(
        &s,
        "工号,姓名,支部,政治面貌\n0100,新人,NK1,群众\n",
        &["learners"],
        &[
            "error: a.csv:2: category: \"群众\" is not a known category: a 群众 (not a party or league member) is enrolled as an activist 入党积极分子 or a candidate 发展对象: write the one the school enrols them as",
        ],
    );
    let out = s.run(&["learner", "add", "0100", "新人", "--branch", "NK1", "--category", "群众"]).expect(2);
    assert!(out.stderr.contains("write the one the school enrols them as"), "{}", out.stderr);
}

#[test]
fn a_roster_typed_in_excel_updates_the_learners_whose_zeros_it_lost() {
    let s = school();
    s.run(&["learner", "add", "0007", "钱7", "--branch", "WK1", "--category", "member"]).ok();
    // The 7 is 0007, whose name the roster corrects: a conflict, then an update with --update.
    let out = s.run(&["import", "learners", &f("numeric-ids.xlsx")]).expect(65);
    assert!(
        out.stderr
            .contains("numeric-ids.xlsx:名册!A3: staff_id: staff id 0007 is already a learner with other details"),
        "{}",
        out.stderr
    );
    let out = s.run(&["import", "learners", &f("numeric-ids.xlsx"), "--update"]).ok();
    assert_eq!(out.stdout.trim(), "numeric-ids.xlsx: 0 new, 2 unchanged, 1 updated — batch 3");
    assert_eq!(
        rows(&s, "SELECT staff_id, name FROM learner WHERE staff_id LIKE '%7' OR staff_id LIKE '%1' ORDER BY 1"),
        ["0001|王建国", "0007|钱七"]
    );
    assert_eq!(rows(&s, "SELECT count(*) FROM learner"), ["7"], "no second person");
}

#[test]
fn a_staff_id_with_zeros_a_stored_one_lacks_is_refused_with_the_correction() {
    let s = school();
    s.run(&["learner", "add", "7", "钱七", "--branch", "WK1", "--category", "member"]).ok();
    let said = "staff id 0007 is the same number as learner 7 (Excel drops leading zeros): if 7 should read 0007, correct it with `xueshi learner set 7 --staff-id 0007`";
    refused(
        &s,
        "工号,姓名,党支部,人员类别\n0007,钱七,WK1,正式党员\n",
        &["learners"],
        &[&format!("error: a.csv:2: staff_id: {said}")],
    );
    // What `learner add` says.
    let out = s.run(&["learner", "add", "0007", "钱七", "--branch", "WK1", "--category", "member"]).expect(65);
    assert_eq!(out.stderr.trim(), format!("error: {said}"));
    // Doing as told, the roster is the stored learner.
    s.run(&["learner", "set", "7", "--staff-id", "0007"]).ok();
    let out = s.run(&["import", "learners", "a.csv"]).ok();
    assert!(out.stdout.contains("0 new, 1 unchanged"), "{}", out.stdout);
    // One file that writes the same number twice contradicts itself.
    refused(
        &s,
        "工号,姓名,党支部,人员类别\n9,新九,WK1,正式党员\n0009,新九,WK1,正式党员\n",
        &["learners"],
        &[
            "error: a.csv:3: staff_id: staff id 0009 is the same number as staff id 9 on an earlier row of this file (Excel drops leading zeros): write one staff id, in full",
        ],
    );
}

#[test]
fn days_without_their_year_take_the_sheets_other_dates() {
    let s = school();
    let out = s.run(&["import", "attendance", &f("short-dates.csv")]).ok();
    assert_eq!(out.stdout.trim(), "short-dates.csv: 4 new, 0 unchanged, 0 updated (2 sessions created) — batch 3");
    assert_eq!(
        attendance(&s),
        [
            "0001|DS01|2024-06-03|present|-",
            "0002|DS01|2024-06-03|late|150",
            "0001|FZ01|2024-06-04|absent|-",
            "0003|FZ01|2024-06-04|excused|-",
        ]
    );
}

#[test]
fn days_without_their_year_take_the_commands_date_or_the_title() {
    let s = school();
    // From --date.
    s.file("d.csv", "工号,日期\n0001,6月5日\n");
    s.run(&["import", "attendance", "d.csv", "--course", "DS01", "--date", "2024-06-05"]).ok();
    // From the title line.
    s.file("t.csv", "2024年6月党课签到汇总\n工号,课程,日期\n0002,FZ01,6月6日\n");
    s.run(&["import", "attendance", "t.csv"]).ok();
    // An online total from a day without its year to one with it.
    s.file("o.csv", "工号,日期,至,学时\n0003,6月1日,2024-06-30,10\n");
    s.run(&["import", "online", "o.csv"]).ok();
    assert_eq!(attendance(&s), ["0001|DS01|2024-06-05|present|-", "0002|FZ01|2024-06-06|present|-"]);
    assert_eq!(rows(&s, "SELECT date, to_date, hours FROM online"), ["2024-06-01|2024-06-30|1000"]);
}

#[test]
fn a_day_without_a_year_nothing_gives_is_an_error() {
    let s = school();
    refused(
        &s,
        "签到汇总\n工号,课程,日期\n0001,DS01,6月5日\n",
        &["attendance"],
        &[
            "error: a.csv:3: date: \"6月5日\" has no year, and nothing gives one (no other date of the sheet has one, the command names no date, no title line names a year): write it with its year (YYYY年6月5日)",
        ],
    );
    refused(
        &s,
        "工号,课程,日期\n0001,DS01,2024-12-30\n0002,DS01,2025-01-02\n0003,DS01,1月3日\n",
        &["attendance"],
        &[
            "error: a.csv:4: date: \"1月3日\" has no year, and the sheet's other dates are in 2024 and 2025: write it with its year (YYYY年1月3日)",
        ],
    );
    refused(
        &s,
        "工号,日期,学时\n0001,2025-03-01,1\n0001,2月29日,1\n",
        &["online"],
        &["error: a.csv:3: date: \"2月29日\" is not a date in 2025"],
    );
}

#[test]
fn every_ignored_column_is_named_even_when_nothing_changes() {
    let s = school();
    s.file("a.csv", "工号,姓名,姓名,科室,,备注\n0001,王建国,王建国,心内科,,\n");
    let out = s.run(&["import", "attendance", "a.csv", "--course", "DS01", "--date", "2024-03-15", "--dry-run"]).ok();
    assert_eq!(
        out.stdout.trim(),
        "a.csv: dry run: 1 new, 0 unchanged, 0 updated (1 session created) would be written; nothing was written; ignored: 姓名, 科室, 备注"
    );
    s.run(&["import", "attendance", "a.csv", "--course", "DS01", "--date", "2024-03-15"]).ok();
    let out = s.run(&["import", "attendance", "a.csv", "--course", "DS01", "--date", "2024-03-15"]).ok();
    assert_eq!(
        out.stdout.trim(),
        "a.csv: 0 new, 1 unchanged, 0 updated; ignored: 姓名, 科室, 备注 — nothing changed, no batch recorded"
    );
}

#[test]
fn periods_in_chinese() {
    let s = school();
    s.run(&["import", "attendance", &f("signin.gbk.csv"), "--course", "DS01", "--date", "2024-03-15"]).ok();
    for (period, code, from, to) in [
        ("2024年第一季度", "2024-Q1", "2024-01-01", "2024-03-31"),
        ("2024年第四季度", "2024-Q4", "2024-10-01", "2024-12-31"),
        ("2024年上半年", "2024-H1", "2024-01-01", "2024-06-30"),
        ("2024年下半年", "2024-H2", "2024-07-01", "2024-12-31"),
        ("2024年3月", "2024-03", "2024-03-01", "2024-03-31"),
        ("2024年", "2024", "2024-01-01", "2024-12-31"),
        ("2024年度", "2024", "2024-01-01", "2024-12-31"),
    ] {
        let notice = s.run(&["notice", period, "--format", "json"]).ok().json();
        assert_eq!(
            (notice["period"].as_str(), notice["from"].as_str(), notice["to"].as_str()),
            (Some(code), Some(from), Some(to)),
            "{period}"
        );
    }
    let zh = s.run(&["--lang", "zh", "notice", "2024年第一季度"]).ok().stdout;
    assert!(zh.contains("2024年第一季度党校学时通报"), "{zh}");
    let out = s.run(&["notice", "2024年第五季度"]).expect(2);
    assert!(out.stderr.contains("is not a period") && out.stderr.contains("2024年第三季度"), "{}", out.stderr);
}
