//! SPEC v2 §2, closed years, under every path: with 2024 closed, every command and import that
//! could reach 2024's figures (a record dated in it, a session or assessment moved into or out of
//! it, a course's kind, a rule for it, a learner's history touching it, an undo of a batch with
//! rows in it) is refused with exit 65 and a message naming 2024, and writes nothing: every row of
//! every table, the audit log and the batches included, is as it was. Each case then goes through
//! on a copy with 2024 reopened, so each is a real change of 2024 and was refused for the close.
//! What does not reach 2024 (a name, a title, a teacher, the years after) goes through, and 2024's
//! figures are as they were when it closed.

use std::path::Path;

use serde_json::Value;

use crate::common::{beside, copy_db, first_difference, settle, snapshot, xueshi, Run, School};

/// Sessions and assessments of the school below, by id or code.
const S23: &str = "1";
const S24: &str = "2";
/// A 2024 session without records.
const S24_EMPTY: &str = "3";
const S25: &str = "4";
/// A session of course K1 in 2024.
const K24: &str = "5";

/// A school of 2023–2025 with 2024 closed, and the batches it was built with, by name.
fn school() -> (School, Vec<(&'static str, String)>) {
    let s = School::new();
    let f = |name: &str, text: &str| s.file(name, text).display().to_string();
    let mut batches = Vec::new();
    for line in [
        vec!["branch", "add", "NK1", "内科一支部"],
        vec!["branch", "add", "WK1", "外科一支部"],
        vec!["learner", "add", "0001", "王建国", "--branch", "NK1", "--category", "member"],
        vec!["learner", "add", "0002", "李秀英", "--branch", "NK1", "--category", "member"],
        vec!["learner", "add", "0003", "张伟", "--branch", "NK1", "--category", "member", "--joined", "2020-01-01"],
        vec!["learner", "leave", "0003", "--date", "2023-06-30"],
        // 0004 has no records: it can leave, be exempt or be deleted in any year.
        vec!["learner", "add", "0004", "刘洋", "--branch", "WK1", "--category", "cadre"],
        vec!["learner", "add", "0005", "陈静", "--branch", "WK1", "--category", "member", "--joined", "2025-01-02"],
        vec!["course", "add", "T1", "党史学习教育专题党课", "--kind", "theory", "--mode", "offline", "--hours", "2"],
        vec!["course", "add", "E1", "医疗卫生法律法规", "--kind", "extension", "--mode", "offline", "--hours", "1.5"],
        vec!["course", "add", "K1", "全会精神宣讲", "--kind", "theory", "--mode", "joint", "--hours", "2.5"],
        vec!["session", "add", "--course", "T1", "--date", "2023-11-01"],
        vec!["session", "add", "--course", "T1", "--date", "2024-05-10"],
        vec!["session", "add", "--course", "E1", "--date", "2024-09-01"],
        vec!["session", "add", "--course", "T1", "--date", "2025-01-08"],
        vec!["session", "add", "--course", "K1", "--date", "2024-04-20"],
        vec!["attend", S23, "0001"],
        vec!["attend", S24, "0001"],
        vec!["attend", S24, "0002", "--status", "late"],
        vec!["attend", S25, "0001"],
        vec!["attend", K24, "0001", "0002"],
        vec!["assessment", "add", "A24", "党规测试", "--kind", "quiz", "--date", "2024-06-01", "--hours", "2"],
        vec!["assessment", "add", "A25", "党史测试", "--kind", "quiz", "--date", "2025-01-10", "--hours", "2"],
        vec!["result", "add", "A24", "0001", "--score", "80"],
        vec!["online", "add", "0001", "2024-03-01", "2"],
        vec!["online", "add", "0001", "2025-01-05", "1"],
        // A platform's total from December 2023, credited on its last day in 2024.
        vec!["online", "add", "0002", "2023-12-01", "20", "--to", "2024-01-10"],
        vec!["rules", "set", "member", "30", "--from", "2025"],
    ] {
        s.run(&line).ok();
    }
    let mut import = |name: &'static str, args: &[&str]| {
        let out = s.run(args).ok();
        let batch = out.stdout.trim_end().rsplit(' ').next().unwrap().to_string();
        assert!(batch.parse::<i64>().is_ok(), "{}", out.stdout);
        batches.push((name, batch));
    };
    let sign_in = f("b-attendance.csv", "工号\n0002\n");
    import("attendance of 2024", &["import", "attendance", &sign_in, "--course", "T1", "--date", "2024-09-15"]);
    let results = f("b-results.csv", "工号,成绩\n0002,70\n");
    import("results of 2024", &["import", "results", &results, "--assessment", "A24"]);
    let online = f("b-online.csv", "工号,日期,学时\n0002,2024-04-01,1.5\n");
    import("online of 2024", &["import", "online", &online]);
    let roster = f("b-learners.csv", "工号,姓名,支部,类别\n0007,孙丽,NK1,党员\n");
    import("a learner enrolled from the start", &["import", "learners", &roster]);
    let moved = f("b-moved.csv", "工号,姓名,支部,类别\n0002,李秀英,NK1,预备党员\n");
    import("a category from August 2024", &["import", "learners", &moved, "--update", "--from", "2024-08-01"]);
    let present = f("b-update.csv", "工号,状态\n0002,出席\n");
    import("an overwrite of 2024", &["import", "attendance", &present, "--session", S24, "--update"]);
    let kind = f("b-courses.csv", "课程代码,课程名称,课程类型,教学方式,学时\nK1,全会精神宣讲,专题课,医联体,2.5\n");
    import("a course kind", &["import", "courses", &kind, "--update"]);
    let renamed = f("b-renamed.csv", "工号,姓名,支部,类别\n0002,李秀,NK1,预备党员\n");
    import("a name", &["import", "learners", &renamed, "--update"]);
    let later = f("b-2025.csv", "工号\n0002\n");
    import("attendance of 2025", &["import", "attendance", &later, "--session", S25]);
    s.run(&["year", "close", "2024"]).ok();
    (s, batches)
}

/// Sheets the cases import.
fn sheets(s: &School) -> impl Fn(&str) -> String + '_ {
    move |name| {
        let text = match name {
            "sign-in" => "工号\n0004\n",
            "rows" => "工号,课程,日期\n0004,T1,2024-05-10\n",
            "absent" => "工号,状态\n0001,缺席\n",
            "result" => "工号,成绩\n0004,90\n",
            "result-update" => "工号,成绩\n0001,40\n",
            "online" => "工号,日期,学时\n0004,2024-04-01,1\n",
            "online-total" => "工号,日期,学时,截止日期\n0004,2023-12-01,20,2024-01-10\n",
            "online-update" => "工号,日期,学时\n0001,2024-03-01,3\n",
            // The hours of the total credited in 2024, from a sheet without a `to` column.
            "online-total-update" => "工号,日期,学时\n0002,2023-12-01,5\n",
            "roster" => "工号,姓名,支部,类别\n0009,郑新,NK1,党员\n",
            "roster-joined" => "工号,姓名,支部,类别,加入日期\n0009,郑新,NK1,党员,2024-11-01\n",
            "roster-category" => "工号,姓名,支部,类别\n0001,王建国,NK1,党员干部\n",
            "roster-branch" => "工号,姓名,支部,类别\n0001,王建国,WK1,党员\n",
            "courses-kind" => "课程代码,课程名称,课程类型,教学方式,学时\nT1,党史学习教育专题党课,拓展课,线下,2\n",
            other => panic!("no sheet {other}"),
        };
        let path = s.path(&format!("{name}.csv"));
        if !path.exists() {
            std::fs::write(&path, text).unwrap();
        }
        path.display().to_string()
    }
}

/// Every change that reaches 2024, by what it is.
fn cases(s: &School, batches: &[(&str, String)]) -> Vec<Vec<String>> {
    let sheet = sheets(s);
    let undo = |name: &str| {
        let batch = &batches.iter().find(|(n, _)| *n == name).unwrap_or_else(|| panic!("no batch {name}")).1;
        format!("imports undo {batch}")
    };
    let mut lines: Vec<String> = [
        // Records dated in 2024, by command.
        format!("attend {S24} 0004"),
        format!("attend {S24} 0002 --status absent --update"),
        format!("attend {S24} 0001 --hours 1 --update"),
        format!("attend {S24} 0001 --remove"),
        "result add A24 0004 --score 90".into(),
        "result add A24 0001 --score 50 --update".into(),
        "result add A24 0001 --award first --update".into(),
        "result remove A24 0001".into(),
        "online add 0004 2024-04-01 1".into(),
        "online add 0004 2024-12-01 20 --to 2025-01-10".into(),
        "online add 0004 2023-12-01 20 --to 2024-01-10".into(),
        "online add 0001 2024-03-01 3 --update".into(),
        // The stored total credited in 2024: new hours, or a `to` that moves it out of 2024.
        "online add 0002 2023-12-01 5 --update".into(),
        "online add 0002 2023-12-01 20 --to 2023-12-31 --update".into(),
        "online remove 0001 2024-03-01".into(),
        "online remove 0002 2023-12-01".into(),
        // Records dated in 2024, by import.
        format!("import attendance {} --session {S24}", sheet("sign-in")),
        format!("import attendance {} --course T1 --date 2024-05-10", sheet("sign-in")),
        format!("import attendance {} --course T1 --date 2024-07-01", sheet("sign-in")),
        format!("import attendance {}", sheet("rows")),
        format!("import attendance {} --session {S24} --update", sheet("absent")),
        format!("import results {} --assessment A24", sheet("result")),
        format!("import results {} --assessment A24 --update", sheet("result-update")),
        format!("import online {}", sheet("online")),
        format!("import online {}", sheet("online-total")),
        format!("import online {} --update", sheet("online-update")),
        format!("import online {} --update", sheet("online-total-update")),
        // Sessions and assessments held in 2024, moved into or out of it, or their hours.
        "session add --course T1 --date 2024-07-01".into(),
        "session add --course T1 --date 2024-05-10 --again".into(),
        format!("session set {S24} --hours 3"),
        format!("session set {S24} --date 2025-02-01"),
        format!("session set {S25} --date 2024-12-20"),
        format!("session set {S23} --date 2024-01-05"),
        format!("session delete {S24_EMPTY}"),
        format!("session delete {S24} --with-records"),
        "assessment add A2 征文 --kind essay --date 2024-08-01 --hours 1".into(),
        "assessment set A24 --hours 3".into(),
        "assessment set A24 --pass-mark 90".into(),
        "assessment set A24 --award first=2".into(),
        "assessment set A24 --kind contest".into(),
        "assessment set A24 --date 2025-02-01".into(),
        "assessment set A25 --date 2024-12-01".into(),
        // A course's kind counts its sessions' hours as theory, extension or topic.
        "course set T1 --kind extension".into(),
        format!("import courses {} --update", sheet("courses-kind")),
        // Rules for 2024.
        "rules set member 40 --from 2023".into(),
        "rules set online-cap none --from 2020".into(),
        // A learner's history touching 2024.
        "learner add 0009 郑新 --branch NK1 --category member".into(),
        "learner add 0009 郑新 --branch NK1 --category member --joined 2024-11-01".into(),
        "learner add 0009 郑新 --branch NK1 --category member --joined 2023-01-01".into(),
        "learner set 0001 --category cadre --from 2024-08-01".into(),
        "learner set 0001 --category cadre --from 2023-05-01".into(),
        "learner set 0001 --branch WK1 --from 2024-08-01".into(),
        "learner set 0001 --branch WK1 --from 2022-01-01".into(),
        "learner exempt 0004 --from 2024-03-01 --to 2024-03-31".into(),
        "learner exempt 0004 --from 2024-12-01 --to 2025-01-31".into(),
        "learner exempt 0004 --from 2023-12-01 --to 2024-01-31".into(),
        "learner leave 0004 --date 2024-10-01".into(),
        "learner leave 0004 --date 2023-10-01".into(),
        "learner return 0003 --date 2024-09-01".into(),
        "learner return 0003 --date 2023-09-01".into(),
        "learner delete 0004".into(),
        format!("import learners {}", sheet("roster")),
        format!("import learners {}", sheet("roster-joined")),
        format!("import learners {} --update --from 2024-08-01", sheet("roster-category")),
        format!("import learners {} --update --from 2023-08-01", sheet("roster-branch")),
        // Undoing a batch with rows in 2024, or whose changes reach it.
        undo("attendance of 2024"),
        undo("results of 2024"),
        undo("online of 2024"),
        undo("a learner enrolled from the start"),
        undo("a category from August 2024"),
        undo("an overwrite of 2024"),
        undo("a course kind"),
    ]
    .into_iter()
    .collect();
    // Every rule, for every year and from 2024 on.
    for (rule, value) in [
        ("member", "40"),
        ("cadre", "60"),
        ("probationary", "36"),
        ("candidate", "30"),
        ("activist", "20"),
        ("youth", "12"),
        ("online-cap", "10"),
        ("max-absences", "2"),
    ] {
        lines.push(format!("rules set {rule} {value}"));
        lines.push(format!("rules set {rule} {value} --from 2024"));
    }
    lines.into_iter().map(|l| l.split(' ').map(String::from).collect()).collect()
}

/// Changes that do not reach 2024's figures.
fn harmless() -> Vec<Vec<String>> {
    [
        format!("session set {S24} --teacher 刘老师"),
        format!("session set {S24} --days 2"),
        "course set T1 --title 党史专题党课".into(),
        "course set T1 --mode online".into(),
        "course set T1 --hours 3".into(),
        "assessment set A24 --title 党规党纪测试".into(),
        "branch set NK1 --name 内科第一支部".into(),
        "learner set 0001 --name 王建民".into(),
        "learner set 0004 --staff-id 00040".into(),
        format!("attend {S25} 0002 --status late"),
        "result add A25 0001 --score 70".into(),
        "online add 0001 2025-02-01 1".into(),
        "rules set member 40 --from 2025".into(),
        "learner add 0008 冯雪 --branch NK1 --category member --joined 2025-01-02".into(),
        "learner exempt 0002 --from 2025-01-01 --to 2025-01-31".into(),
        "learner set 0005 --category cadre --from 2025-03-01".into(),
        "learner leave 0005 --date 2025-06-30".into(),
    ]
    .into_iter()
    .map(|l: String| l.split(' ').map(String::from).collect())
    .collect()
}

fn run(s: &School, db: &Path, args: &[String]) -> Run {
    Run::from_output(xueshi(s.dir.path(), db).arg("--lang").arg("en").args(args).output().expect("run xueshi"))
}

/// 2024's figures as the year report gives them: every number, without names.
fn figures(s: &School) -> Value {
    let mut report = s.year(2024);
    for l in report["learners"].as_array_mut().unwrap() {
        let l = l.as_object_mut().unwrap();
        l.remove("name");
        l.remove("staff_id");
    }
    for b in report["branches"].as_array_mut().unwrap() {
        b.as_object_mut().unwrap().remove("name");
    }
    report
}

#[test]
fn a_closed_year_refuses_every_path_to_its_figures() {
    let (s, batches) = school();
    let cases = cases(&s, &batches);
    let before = figures(&s);
    settle(&s.db());
    let state = snapshot(&s.db());
    let closed = beside(&s.db(), "closed");
    copy_db(&s.db(), &closed);
    // The same school with 2024 open again, where every case must go through.
    let open = beside(&s.db(), "open");
    copy_db(&s.db(), &open);
    assert_eq!(run(&s, &open, &["year".into(), "reopen".into(), "2024".into()]).code, 0);
    let mut wrong = Vec::new();
    for args in &cases {
        let line = args.join(" ");
        let out = run(&s, &s.db(), args);
        if out.code != 65 || !out.stderr.contains("2024 is a closed year") {
            wrong.push(format!("xueshi {line}: exit {}, not refused for 2024: {}", out.code, out.stderr.trim()));
        }
        let now = snapshot(&s.db());
        if now != state {
            wrong.push(format!("xueshi {line} wrote: {}", first_difference(&state, &now)));
            copy_db(&closed, &s.db());
        }
    }
    // Each goes through with 2024 open: it is a change of 2024, refused for the close alone.
    let through: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..4)
            .map(|t| {
                let (s, open, cases) = (&s, &open, &cases);
                scope.spawn(move || {
                    let mut wrong = Vec::new();
                    // Each case on a fresh copy, the worker's own.
                    let db = beside(&s.db(), &format!("open-{t}"));
                    for args in cases.iter().skip(t).step_by(4) {
                        copy_db(open, &db);
                        let out = run(s, &db, args);
                        if out.code != 0 {
                            wrong.push(format!(
                                "xueshi {} with 2024 open: exit {}: {}",
                                args.join(" "),
                                out.code,
                                out.stderr.trim()
                            ));
                        }
                    }
                    wrong
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().expect("a worker")).collect()
    });
    wrong.extend(through);
    assert!(wrong.is_empty(), "{} of {} cases:\n{}", wrong.len(), cases.len(), wrong.join("\n"));
    // What does not reach 2024 goes through, and leaves its figures as they were.
    for name in ["attendance of 2025", "a name"] {
        let batch = &batches.iter().find(|(n, _)| *n == name).unwrap().1;
        s.run(&["imports", "undo", batch]).ok();
    }
    let harmless = harmless();
    for args in &harmless {
        let out = run(&s, &s.db(), args);
        assert_eq!(out.code, 0, "xueshi {} with 2024 closed: {}", args.join(" "), out.stderr);
    }
    assert_eq!(figures(&s), before, "2024's figures are as they were when it closed");
    s.run(&["check"]).ok();
    println!(
        "closed 2024: {} changes refused (exit 65, naming 2024, nothing written; each goes through once 2024 is \
         reopened), {} that do not reach 2024 went through",
        cases.len(),
        harmless.len() + 2
    );
}
