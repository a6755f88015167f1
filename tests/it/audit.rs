//! SPEC §7 "every change of a stored record is kept in an audit log (who, when, old and new
//! values)", as a law: from a small school, any sequence of v2 commands, then the audit log's old
//! values put back newest first, gives the school at the start exactly (every row of every table
//! but the audit log itself and the import batches). A change that writes no audit row, or one
//! whose key does not name its row or whose old values do not restore it whole, breaks the law.
//!
//! The reverser is here, independent of the program: for each audit row, newest first, an
//! insert deletes the row its key names, a delete inserts it again from its key and old values
//! (which must give every column: a row id too, since other rows and older audit rows refer to
//! it), an update sets the old values. Sequences are random from a fixed seed, a few dozen in
//! `cargo test`; `XUESHI_AUDIT_SEQUENCES=N XUESHI_AUDIT_SEED=S cargo test --release audit` runs
//! more. Commands that are refused (exit 65, or 2 for a usage error) must leave every table and
//! the log as they were.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use rusqlite::types::Value as Sql;
use serde_json::{Map, Value};

use crate::common::{beside, copy_db, first_difference, settle, tables, xueshi, Conn, Run, School};
use crate::hostile::Rng;

/// Sequences in `cargo test`: a few seconds.
const SEQUENCES: usize = 24;
const SEED: u64 = 20_250_115;
/// Commands per sequence.
const SHORTEST: usize = 10;
const LONGEST: usize = 30;
/// Sequences run side by side (each command waits on its commit's fsync more than on a core).
const THREADS: usize = 4;
/// What the law compares: everything but the log and the batches.
const NOT_COMPARED: [&str; 2] = ["audit", "import_batch"];

/// Every kind of command the sequences draw from.
const KINDS: [&str; 32] = [
    "branch add",
    "branch set",
    "branch delete",
    "learner add",
    "learner set --name",
    "learner set --staff-id",
    "learner set --category --from",
    "learner set --branch --from",
    "learner leave",
    "learner return",
    "learner exempt",
    "learner delete",
    "course add",
    "course set",
    "course delete",
    "session add",
    "session set",
    "session delete",
    "attend",
    "attend --update",
    "attend --remove",
    "assessment add",
    "assessment set",
    "assessment delete",
    "result add",
    "result remove",
    "online add",
    "online remove",
    "rules set",
    "rules set --from",
    "year close",
    "year reopen",
];

/// The school every sequence starts from: four branches (one empty), seven learners (one joined
/// in 2024 with no records, one who left, one from a roster import), four courses (one never
/// held), sessions and assessments in 2024 and 2025 with records (some from an import; one
/// assessment without), online hours and a total, exemptions, a dated category and a rule from
/// 2025.
fn start() -> School {
    let s = School::new();
    let roster = s.file("roster.csv", "工号,姓名,支部,类别\n0007,孙丽,NK1,党员\n");
    let sign_in = s.file("sign-in.csv", "工号\n0002\n0004\n");
    let (roster, sign_in) = (roster.display().to_string(), sign_in.display().to_string());
    let lines: Vec<Vec<&str>> = vec![
        vec!["branch", "add", "NK1", "内科一支部"],
        vec!["branch", "add", "WK1", "外科一支部"],
        vec!["branch", "add", "XZ", "行政支部"],
        vec!["branch", "add", "DW", "党委办公室支部"],
        vec!["learner", "add", "0001", "王建国", "--branch", "NK1", "--category", "member"],
        vec!["learner", "add", "0002", "李秀英", "--branch", "NK1", "--category", "probationary"],
        vec!["learner", "add", "0003", "张伟", "--branch", "WK1", "--category", "candidate", "--joined", "2024-03-01"],
        vec!["learner", "add", "0004", "刘洋", "--branch", "WK1", "--category", "cadre"],
        vec!["learner", "add", "0005", "陈静", "--branch", "XZ", "--category", "youth", "--joined", "2023-06-01"],
        vec!["learner", "leave", "0005", "--date", "2024-08-31"],
        vec!["learner", "add", "0006", "赵敏", "--branch", "XZ", "--category", "activist"],
        vec!["import", "learners", &roster],
        vec!["course", "add", "T1", "党史学习教育专题党课", "--kind", "theory", "--mode", "offline", "--hours", "2"],
        vec!["course", "add", "E1", "医疗卫生法律法规", "--kind", "extension", "--mode", "online", "--hours", "1.5"],
        vec!["course", "add", "P1", "红色教育基地现场教学", "--kind", "topic", "--mode", "field", "--hours", "4"],
        vec!["course", "add", "Z1", "清廉医院建设专题讲座", "--kind", "topic", "--mode", "offline", "--hours", "1"],
        vec!["session", "add", "--course", "T1", "--date", "2024-03-15"],
        vec!["session", "add", "--course", "E1", "--date", "2024-06-20"],
        vec!["session", "add", "--course", "P1", "--date", "2025-04-10", "--days", "2", "--hours", "8"],
        vec!["session", "add", "--course", "T1", "--date", "2025-09-01", "--teacher", "李老师"],
        vec!["attend", "1", "0001", "0002", "0004"],
        vec!["attend", "1", "0006", "--status", "excused"],
        vec!["attend", "2", "0001", "--hours", "1"],
        vec!["import", "attendance", &sign_in, "--session", "2"],
        vec!["attend", "3", "0004", "0006", "0007"],
        vec!["assessment", "add", "Q1", "党章党规知识测试", "--kind", "quiz", "--date", "2024-05-01", "--hours", "2"],
        vec!["assessment", "set", "Q1", "--award", "first=2"],
        vec!["assessment", "add", "C1", "党史知识竞赛", "--kind", "contest", "--date", "2025-03-01", "--hours", "1"],
        vec!["assessment", "add", "E9", "主题征文", "--kind", "essay", "--date", "2025-06-01", "--hours", "3"],
        vec!["result", "add", "Q1", "0001", "--score", "85", "--award", "first"],
        vec!["result", "add", "Q1", "0002", "--score", "50"],
        vec!["result", "add", "C1", "0004"],
        vec!["online", "add", "0001", "2024-02-01", "2", "--source", "学习强国"],
        vec!["online", "add", "0002", "2024-12-01", "20", "--to", "2024-12-31"],
        vec!["online", "add", "0004", "2025-01-05", "1.5"],
        vec!["learner", "exempt", "0002", "--from", "2025-01-01", "--to", "2025-02-28", "--reason", "产假"],
        vec!["learner", "exempt", "0003", "--from", "2024-06-01", "--to", "2024-07-31", "--reason", "病假"],
        vec!["learner", "set", "0001", "--category", "cadre", "--from", "2025-01-01"],
        vec!["rules", "set", "online-cap", "30", "--from", "2025"],
    ];
    for line in &lines {
        s.run(line).ok();
    }
    s
}

/// What a sequence knows of the school, to draw commands that mostly go through.
struct Model {
    branches: Vec<String>,
    staff: Vec<String>,
    courses: Vec<String>,
    sessions: Vec<String>,
    assessments: Vec<String>,
    /// (session, staff id) of records made.
    attended: Vec<(String, String)>,
    /// (assessment, staff id) of results made.
    results: Vec<(String, String)>,
    /// (staff id, date, source) of online rows made.
    online: Vec<(String, String, String)>,
    closed: Vec<String>,
    /// Staff ids of those who left.
    left: Vec<String>,
    /// For new codes, staff ids and names.
    serial: usize,
}

impl Model {
    fn start() -> Model {
        let v = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let pairs = |items: &[(&str, &str)]| items.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
        Model {
            branches: v(&["NK1", "WK1", "XZ", "DW"]),
            // Last, what a delete takes first: 0003 has no records, and an exemption.
            staff: v(&["0001", "0002", "0004", "0005", "0006", "0007", "0003"]),
            courses: v(&["T1", "E1", "P1", "Z1"]),
            sessions: v(&["1", "2", "3", "4"]),
            assessments: v(&["Q1", "C1", "E9"]),
            attended: pairs(&[
                ("1", "0001"),
                ("1", "0002"),
                ("1", "0006"),
                ("2", "0001"),
                ("2", "0002"),
                ("2", "0004"),
                ("3", "0007"),
            ]),
            results: pairs(&[("Q1", "0001"), ("Q1", "0002"), ("C1", "0004")]),
            online: vec![
                ("0001".into(), "2024-02-01".into(), "学习强国".into()),
                ("0002".into(), "2024-12-01".into(), String::new()),
            ],
            closed: Vec::new(),
            left: vec!["0005".into()],
            serial: 0,
        }
    }

    fn next(&mut self) -> usize {
        self.serial += 1;
        self.serial
    }
}

const NAMES: [&str; 6] = ["王芳", "李强", "张敏", "刘杰", "陈晨", "杨帆"];
const CATEGORIES: [&str; 6] = ["member", "cadre", "probationary", "candidate", "activist", "youth"];
const STATUSES: [&str; 4] = ["present", "late", "excused", "absent"];
const SOURCES: [&str; 3] = ["", "学习强国", "干部网院"];

/// One of a list of words.
fn one<'a>(rng: &mut Rng, items: &[&'a str]) -> &'a str {
    items[rng.below(items.len())]
}

fn day(rng: &mut Rng) -> String {
    format!("{}-{:02}-{:02}", 2024 + rng.below(2), 1 + rng.below(12), 1 + rng.below(28))
}

/// Two days in order.
fn span(rng: &mut Rng) -> (String, String) {
    let (a, b) = (day(rng), day(rng));
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

fn hours(rng: &mut Rng) -> String {
    one(rng, &["0.5", "1", "1.5", "2", "3"]).to_string()
}

/// One command drawn at random: its kind (one of KINDS) and its arguments.
fn draw(rng: &mut Rng, m: &mut Model) -> (&'static str, Vec<String>) {
    let kind = loop {
        let kind = *rng.pick(&KINDS);
        // Closing a year refuses most changes after it: draw it seldom; reopen when one is closed.
        let seldom = match kind {
            "year close" => 6,
            "year reopen" if m.closed.is_empty() => 10,
            _ => 1,
        };
        if rng.one_in(seldom) {
            break kind;
        }
    };
    let n = m.next();
    // (A list emptied by deletes still names something: the command is then refused.)
    let mut any = |list: &[String], or: &str| list.get(rng.below(list.len())).cloned().unwrap_or_else(|| or.into());
    let staff = any(&m.staff, "0001");
    let other = any(&m.staff, "0002");
    let session = any(&m.sessions, "1");
    let assessment = any(&m.assessments, "Q1");
    let branch = any(&m.branches, "NK1");
    let course = any(&m.courses, "T1");
    // What a delete can take: mostly the newest, which nothing holds yet.
    let mut newest = |list: &[String], or: String| if rng.one_in(3) { or } else { list.last().cloned().unwrap_or(or) };
    let (newest_branch, newest_course) = (newest(&m.branches, branch.clone()), newest(&m.courses, course.clone()));
    let (newest_staff, newest_assessment) =
        (newest(&m.staff, staff.clone()), newest(&m.assessments, assessment.clone()));
    let leaver = if rng.one_in(4) { staff.clone() } else { any_left(rng, &m.left, &staff) };
    let mut args: Vec<String> = Vec::new();
    let mut add = |items: &[&str]| args.extend(items.iter().map(|s| s.to_string()));
    match kind {
        "branch add" => add(&["branch", "add", &format!("B{n}"), &format!("第{n}支部")]),
        "branch set" => add(&["branch", "set", &branch, "--name", &format!("更名支部{n}")]),
        "branch delete" => add(&["branch", "delete", &newest_branch]),
        "learner add" => {
            add(&["learner", "add", &format!("{:04}", 100 + n), one(rng, &NAMES)]);
            add(&["--branch", &branch, "--category", one(rng, &CATEGORIES)]);
            if rng.one_in(2) {
                add(&["--joined", &day(rng)]);
            }
        }
        "learner set --name" => {
            add(&["learner", "set", &staff, "--name", one(rng, &NAMES)]);
            if rng.one_in(4) {
                add(&["--staff-id", &format!("{:04}", 500 + n)]);
            }
        }
        "learner set --staff-id" => add(&["learner", "set", &staff, "--staff-id", &format!("{:04}", 500 + n)]),
        "learner set --category --from" => {
            add(&["learner", "set", &staff, "--category", one(rng, &CATEGORIES), "--from", &day(rng)]);
            if rng.one_in(4) {
                add(&["--branch", &branch]);
            }
        }
        "learner set --branch --from" => add(&["learner", "set", &staff, "--branch", &branch, "--from", &day(rng)]),
        "learner leave" => add(&["learner", "leave", &staff, "--date", &day(rng)]),
        "learner return" => add(&["learner", "return", &leaver, "--date", &day(rng)]),
        "learner exempt" => {
            let (from, to) = span(rng);
            add(&[
                "learner",
                "exempt",
                &staff,
                "--from",
                &from,
                "--to",
                &to,
                "--reason",
                one(rng, &["病假", "", "援藏"]),
            ]);
        }
        "learner delete" => add(&["learner", "delete", &newest_staff]),
        "course add" => {
            add(&["course", "add", &format!("C{n}"), &format!("课程{n}")]);
            add(&["--kind", one(rng, &["theory", "extension", "topic"]), "--mode", one(rng, &["offline", "online"])]);
            add(&["--hours", &hours(rng)]);
        }
        "course set" => {
            add(&["course", "set", &course]);
            match rng.below(4) {
                0 => add(&["--title", &format!("新课程名{n}")]),
                1 => add(&["--kind", one(rng, &["theory", "extension", "topic"])]),
                2 => add(&["--mode", one(rng, &["offline", "online", "field", "joint"])]),
                _ => add(&["--hours", &hours(rng)]),
            }
        }
        "course delete" => add(&["course", "delete", &newest_course]),
        "session add" => {
            add(&["session", "add", "--course", &course, "--date", &day(rng)]);
            match rng.below(4) {
                0 => add(&["--hours", &hours(rng)]),
                1 => add(&["--days", "2", "--hours", "10"]),
                2 => add(&["--teacher", "王老师"]),
                _ => {}
            }
            if rng.one_in(3) {
                add(&["--again"]);
            }
        }
        "session set" => {
            add(&["session", "set", &session]);
            match rng.below(4) {
                0 => add(&["--hours", &hours(rng)]),
                1 => add(&["--date", &day(rng)]),
                2 => add(&["--days", "3"]),
                _ => add(&["--teacher", one(rng, &["", "刘老师"])]),
            }
        }
        "session delete" => {
            add(&["session", "delete", &session]);
            if !rng.one_in(4) {
                add(&["--with-records"]);
            }
        }
        "attend" => {
            add(&["attend", &session, &staff]);
            if rng.one_in(2) {
                add(&[&other]);
            }
            let status = *rng.pick(&STATUSES);
            add(&["--status", status]);
            if matches!(status, "present" | "late") && rng.one_in(3) {
                add(&["--hours", "0.5"]);
            }
        }
        "attend --update" | "attend --remove" => {
            let (session, staff) =
                if rng.one_in(4) || m.attended.is_empty() { (session, staff) } else { rng.pick(&m.attended).clone() };
            add(&["attend", &session, &staff]);
            if kind == "attend --remove" {
                add(&["--remove"]);
            } else {
                add(&["--status", one(rng, &STATUSES), "--update"]);
            }
        }
        "assessment add" => {
            add(&["assessment", "add", &format!("A{n}"), &format!("考核{n}")]);
            add(&["--kind", one(rng, &["quiz", "contest", "essay"]), "--date", &day(rng), "--hours", &hours(rng)]);
            if rng.one_in(3) {
                add(&["--pass-mark", "70", "--award", "second=1"]);
            }
        }
        "assessment set" => {
            add(&["assessment", "set", &assessment]);
            match rng.below(6) {
                0 => add(&["--title", &format!("新考核名{n}")]),
                1 => add(&["--kind", one(rng, &["quiz", "contest", "essay"])]),
                2 => add(&["--date", &day(rng)]),
                3 => add(&["--hours", &hours(rng)]),
                4 => add(&["--pass-mark", one(rng, &["50", "80"])]),
                _ => add(&["--award", one(rng, &["first=3", "merit=0.5"])]),
            }
        }
        "assessment delete" => add(&["assessment", "delete", &newest_assessment]),
        "result add" => {
            add(&["result", "add", &assessment, &staff]);
            if !rng.one_in(3) {
                add(&["--score", one(rng, &["45", "60", "92.5"])]);
            }
            if rng.one_in(3) {
                add(&["--award", one(rng, &["first", "second", "third", "merit"])]);
            }
            if rng.one_in(3) {
                add(&["--update"]);
            }
        }
        "result remove" => {
            let (assessment, staff) =
                if rng.one_in(4) || m.results.is_empty() { (assessment, staff) } else { rng.pick(&m.results).clone() };
            add(&["result", "remove", &assessment, &staff]);
        }
        "online add" => {
            if rng.one_in(4) {
                // A platform's total over a span.
                let (from, to) = span(rng);
                add(&["online", "add", &staff, &from, "20", "--to", &to]);
            } else {
                add(&["online", "add", &staff, &day(rng), &hours(rng)]);
            }
            let source = *rng.pick(&SOURCES);
            if !source.is_empty() {
                add(&["--source", source]);
            }
            if rng.one_in(3) {
                add(&["--update"]);
            }
        }
        "online remove" => {
            let (staff, date, source) = if rng.one_in(4) || m.online.is_empty() {
                (staff, day(rng), String::new())
            } else {
                rng.pick(&m.online).clone()
            };
            add(&["online", "remove", &staff, &date]);
            if !source.is_empty() || rng.one_in(2) {
                add(&["--source", &source]);
            }
        }
        "rules set" | "rules set --from" => {
            let name = *rng.pick(&[
                "member",
                "cadre",
                "probationary",
                "candidate",
                "activist",
                "youth",
                "online-cap",
                "max-absences",
            ]);
            let value = match name {
                "online-cap" => one(rng, &["none", "12", "40"]).to_string(),
                "max-absences" => one(rng, &["0", "1", "3"]).to_string(),
                _ => one(rng, &["16", "24", "32", "40.5"]).to_string(),
            };
            add(&["rules", "set", name, &value]);
            if kind == "rules set --from" {
                add(&["--from", one(rng, &["2024", "2025", "2026"])]);
            }
        }
        "year close" => add(&["year", "close", one(rng, &["2023", "2024", "2025"])]),
        "year reopen" => {
            let year = if m.closed.is_empty() { "2024".to_string() } else { rng.pick(&m.closed).clone() };
            add(&["year", "reopen", &year]);
        }
        other => unreachable!("no command of kind {other}"),
    }
    (kind, args)
}

fn any_left(rng: &mut Rng, left: &[String], or: &str) -> String {
    left.get(rng.below(left.len())).cloned().unwrap_or_else(|| or.to_string())
}

/// What the model learns from a command that went through.
fn learn(m: &mut Model, args: &[String], stdout: &str) {
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let flag = |name: &str| a.iter().position(|x| *x == name).map(|i| a[i + 1].to_string());
    let drop = |list: &mut Vec<String>, gone: &str| list.retain(|x| x != gone);
    match a.as_slice() {
        ["branch", "add", code, ..] => m.branches.push(code.to_string()),
        ["branch", "delete", code] => drop(&mut m.branches, code),
        ["learner", "add", staff, ..] => m.staff.push(staff.to_string()),
        ["learner", "delete", staff] => drop(&mut m.staff, staff),
        ["learner", "leave", staff, ..] => m.left.push(staff.to_string()),
        ["learner", "return", staff, ..] => drop(&mut m.left, staff),
        ["learner", "set", staff, ..] => {
            if let Some(new) = flag("--staff-id") {
                for s in m.staff.iter_mut().chain(m.left.iter_mut()).filter(|s| s.as_str() == *staff) {
                    s.clone_from(&new);
                }
            }
        }
        ["course", "add", code, ..] => m.courses.push(code.to_string()),
        ["course", "delete", code] => drop(&mut m.courses, code),
        ["session", "add", ..] => m.sessions.push(stdout.trim().to_string()),
        ["session", "delete", id, ..] => drop(&mut m.sessions, id),
        ["attend", session, rest @ ..] if !rest.contains(&"--remove") => {
            for staff in rest.iter().take_while(|x| !x.starts_with("--")) {
                m.attended.push((session.to_string(), staff.to_string()));
            }
        }
        ["assessment", "add", code, ..] => m.assessments.push(code.to_string()),
        ["assessment", "delete", code] => drop(&mut m.assessments, code),
        ["result", "add", code, staff, ..] => m.results.push((code.to_string(), staff.to_string())),
        ["online", "add", staff, date, ..] => {
            m.online.push((staff.to_string(), date.to_string(), flag("--source").unwrap_or_default()))
        }
        ["year", "close", year] => m.closed.push(year.to_string()),
        ["year", "reopen", year] => drop(&mut m.closed, year),
        _ => {}
    }
}

fn run(dir: &Path, db: &Path, args: &[String]) -> Run {
    let out: Output = xueshi(dir, db).arg("--lang").arg("en").args(args).output().expect("run xueshi");
    Run::from_output(out)
}

/// The rows the law compares.
fn state(db: &Path) -> String {
    tables(db, &NOT_COMPARED, false)
}

fn audit_count(db: &Path) -> i64 {
    Conn::open(db).number("SELECT COUNT(*) FROM audit")
}

/// How an audit row's entity and key name a stored row: its table, the key fields that are
/// columns under another name, and those that only label it (a child row's staff id).
struct Names {
    table: &'static str,
    renamed: &'static [(&'static str, &'static str)],
    labels: &'static [&'static str],
}

fn names(entity: &str) -> Names {
    let (table, renamed, labels): (&'static str, &'static [(&str, &str)], &'static [&str]) = match entity {
        "branch" => ("branch", &[], &[]),
        "learner" => ("learner", &[("learner_id", "id")], &[]),
        "spell" => ("spell", &[], &["staff_id"]),
        "category_change" => ("category_change", &[], &["staff_id"]),
        "branch_change" => ("branch_change", &[], &["staff_id"]),
        "exemption" => ("exemption", &[("exemption", "id")], &["staff_id"]),
        "course" => ("course", &[], &[]),
        "session" => ("session", &[], &[]),
        "attendance" => ("attendance", &[], &[]),
        "assessment" => ("assessment", &[], &[]),
        "result" => ("result", &[], &[]),
        "online" => ("online", &[], &[]),
        "rule" => ("rule_by_year", &[], &[]),
        "closed_year" => ("closed_year", &[], &[]),
        other => panic!("the audit log names an entity the reverser does not know: {other}"),
    };
    Names { table, renamed, labels }
}

fn sql(v: &Value) -> Sql {
    match v {
        Value::Null => Sql::Null,
        Value::Bool(b) => Sql::Integer(i64::from(*b)),
        Value::Number(n) => n.as_i64().map_or_else(|| Sql::Real(n.as_f64().unwrap()), Sql::Integer),
        Value::String(s) => Sql::Text(s.clone()),
        other => panic!("an audit value that is no column value: {other}"),
    }
}

/// One audit row as `audit --format json` gives it.
#[derive(Clone)]
struct Logged {
    id: i64,
    entity: String,
    key: Map<String, Value>,
    action: String,
    old: Option<Map<String, Value>>,
    new: Option<Map<String, Value>>,
}

impl Logged {
    fn from(row: &Value) -> Logged {
        let object = |v: &Value| v.as_object().cloned();
        Logged {
            id: row["id"].as_i64().unwrap(),
            entity: row["entity"].as_str().unwrap().to_string(),
            key: object(&row["key"]).unwrap_or_else(|| panic!("an audit key that is no object: {row}")),
            action: row["action"].as_str().unwrap().to_string(),
            old: object(&row["old"]),
            new: object(&row["new"]),
        }
    }

    /// The stored row it names: its table and key columns (labels left out).
    fn record(&self) -> String {
        let n = names(&self.entity);
        let mut key: Vec<String> = self
            .key
            .iter()
            .filter(|(f, _)| !n.labels.contains(&f.as_str()))
            .map(|(f, v)| {
                let column = n.renamed.iter().find(|(from, _)| from == f).map_or(f.as_str(), |(_, to)| to);
                format!("{column}={v}")
            })
            .collect();
        key.sort();
        format!("{} {}", n.table, key.join(" "))
    }

    /// Whether taking it back changes anything by itself.
    fn changes(&self) -> bool {
        self.action != "update" || self.old != self.new
    }

    fn describe(&self) -> String {
        format!("audit row {} ({} {} {:?})", self.id, self.action, self.entity, Value::Object(self.key.clone()))
    }
}

/// Fields of `fields` as (column, value) of `table`, panicking on a field that is no column.
fn as_columns(n: &Names, table_columns: &[String], fields: &Map<String, Value>) -> Vec<(String, Sql)> {
    fields
        .iter()
        .filter(|(f, _)| !n.labels.contains(&f.as_str()))
        .map(|(f, v)| {
            let column = n.renamed.iter().find(|(from, _)| from == f).map_or(f.as_str(), |(_, to)| to);
            assert!(
                table_columns.iter().any(|c| c == column),
                "the audit log's field {f:?} of {} is no column of {}",
                n.table,
                n.table
            );
            (column.to_string(), sql(v))
        })
        .collect()
}

/// Puts a deleted row back; every column must be given.
fn reinsert(conn: &mut Conn, table: &str, given: &[(String, Sql)], what: &str) -> Result<(), String> {
    let missing: Vec<String> = conn.columns(table).into_iter().filter(|c| !given.iter().any(|(g, _)| g == c)).collect();
    if !missing.is_empty() {
        return Err(format!(
            "{what}: keeps no {} of the deleted {table} row: it cannot be restored",
            missing.join(", ")
        ));
    }
    let names: Vec<&str> = given.iter().map(|(c, _)| c.as_str()).collect();
    let marks: Vec<String> = (1..=given.len()).map(|i| format!("?{i}")).collect();
    let values: Vec<Sql> = given.iter().map(|(_, v)| v.clone()).collect();
    conn.execute(&format!("INSERT INTO {table} ({}) VALUES ({})", names.join(", "), marks.join(", ")), &values)
        .map(|_| ())
        .map_err(|e| format!("{what}: cannot put the row back: {e}"))
}

/// Takes one audit row back.
fn reverse(conn: &mut Conn, row: &Logged) -> Result<(), String> {
    let what = row.describe();
    let n = names(&row.entity);
    let table_columns = conn.columns(n.table);
    let key = as_columns(&n, &table_columns, &row.key);
    let wheres: Vec<String> =
        key.iter().enumerate().map(|(i, (c, _))| format!("{c} IS NOT DISTINCT FROM ?{}", i + 1)).collect();
    let values = |fields: &[&[(String, Sql)]]| -> Vec<Sql> { fields.concat().into_iter().map(|(_, v)| v).collect() };
    let one = |changed: Result<usize, String>| match changed {
        Ok(1) => Ok(()),
        Ok(k) => Err(format!("{what}: its key names {k} rows, not one")),
        Err(e) => Err(format!("{what}: {e}")),
    };
    match (row.action.as_str(), &row.old) {
        ("insert", _) => {
            one(conn.execute(&format!("DELETE FROM {} WHERE {}", n.table, wheres.join(" AND ")), &values(&[&key])))
        }
        ("update", Some(old)) => {
            let old = as_columns(&n, &table_columns, old);
            let sets: Vec<String> =
                old.iter().enumerate().map(|(i, (c, _))| format!("{c} = ?{}", key.len() + i + 1)).collect();
            one(conn.execute(
                &format!("UPDATE {} SET {} WHERE {}", n.table, sets.join(", "), wheres.join(" AND ")),
                &values(&[&key, &old]),
            ))
        }
        // A learner goes with their dated history: the old values hold every row of each table.
        ("delete", Some(old)) if row.entity == "learner" => {
            let id = row.key.get("learner_id").ok_or_else(|| format!("{what}: no learner_id in the key"))?;
            for table in ["learner", "spell", "category_change", "branch_change", "exemption"] {
                let rows =
                    old.get(table).and_then(Value::as_array).ok_or_else(|| format!("{what}: no {table} rows"))?;
                let child = Names { table, renamed: &[], labels: &[] };
                let child_columns = conn.columns(table);
                for r in rows {
                    let mut given = as_columns(&child, &child_columns, r.as_object().unwrap());
                    given.push((if table == "learner" { "id" } else { "learner_id" }.to_string(), sql(id)));
                    reinsert(conn, table, &given, &what)?;
                }
            }
            Ok(())
        }
        ("delete", Some(old)) => {
            let mut given = key.clone();
            given.extend(as_columns(&n, &table_columns, old));
            reinsert(conn, n.table, &given, &what)
        }
        _ => Err(format!("{what}: no old values")),
    }
}

/// Takes `rows` back, newest first, on database `db`.
/// (A failure leaves the transaction open: closing the connection rolls it back.)
fn reverse_all(db: &Path, rows: &[Logged]) -> Result<(), String> {
    let mut conn = Conn::open(db);
    conn.batch("BEGIN")?;
    for row in rows.iter().rev() {
        reverse(&mut conn, row)?;
    }
    conn.batch("COMMIT")
}

/// The audit rows after `after`, oldest first, as the program prints them.
fn logged_since(dir: &Path, db: &Path, after: i64) -> Vec<Logged> {
    let out = run(dir, db, &["audit".into(), "--format".into(), "json".into()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.json().as_array().unwrap().iter().map(Logged::from).filter(|r| r.id > after).collect()
}

/// What one sequence did.
#[derive(Default)]
struct Tally {
    /// Per kind: (went through, refused).
    kinds: BTreeMap<&'static str, (usize, usize)>,
    audit_rows: usize,
    sensitive: usize,
}

/// Runs one sequence from the start state and checks the law; `Err` says what broke it.
fn sequence(dir: &Path, base: &Path, base_state: &str, index: usize, seed: u64) -> Result<Tally, String> {
    // Copies of the start, the worker's own (its sequences run one after another).
    let worker = format!("worker-{}", index % THREADS);
    let db = beside(base, &worker);
    copy_db(base, &db);
    let logged_before = Conn::open(&db).number("SELECT COALESCE(MAX(id), 0) FROM audit");
    let mut rng = Rng::new(seed ^ (index as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
    let mut model = Model::start();
    let mut tally = Tally::default();
    let mut done: Vec<String> = Vec::new();
    let mut now = base_state.to_string();
    let length = SHORTEST + rng.below(LONGEST - SHORTEST + 1);
    for _ in 0..length {
        let (kind, args) = draw(&mut rng, &mut model);
        let logged = audit_count(&db);
        let out = run(dir, &db, &args);
        let after = state(&db);
        let entry = tally.kinds.entry(kind).or_default();
        match out.code {
            0 => {
                entry.0 += 1;
                learn(&mut model, &args, &out.stdout);
                done.push(format!("ok      xueshi {}", args.join(" ")));
                now = after;
            }
            2 | 65 => {
                entry.1 += 1;
                done.push(format!("refused xueshi {}: {}", args.join(" "), out.stderr.trim()));
                if after != now || audit_count(&db) != logged {
                    return Err(format!(
                        "a refused command wrote: {}\n{}",
                        first_difference(&now, &after),
                        done.join("\n")
                    ));
                }
            }
            code => return Err(format!("exit {code}: {}\n{}", out.stderr, done.join("\n"))),
        }
    }
    let rows = logged_since(dir, &db, logged_before);
    tally.audit_rows = rows.len();
    settle(&db);
    let end = beside(base, &format!("{worker}-end"));
    copy_db(&db, &end);
    let history = || format!("sequence {index} of seed {seed}:\n{}", done.join("\n"));
    reverse_all(&db, &rows).map_err(|e| format!("{e}\n{}", history()))?;
    let restored = state(&db);
    if restored != base_state {
        return Err(format!(
            "reversing the audit log does not give the start: {}\n{}",
            first_difference(base_state, &restored),
            history()
        ));
    }
    let check = run(dir, &db, &["check".into()]);
    if check.code != 0 {
        return Err(format!("check after the reversal: {}\n{}", check.stderr, history()));
    }
    // The law has teeth: without the newest row whose record no other row of the sequence
    // touches, the reversal fails.
    // (A learner's rows name them by staff id or by row id: only one that is the learner's only row.)
    let alone = rows.iter().rev().find(|r| {
        r.changes()
            && rows.iter().filter(|o| o.record() == r.record()).count() == 1
            && !(r.entity == "learner" && rows.iter().any(|o| o.entity == "learner" && o.id != r.id))
    });
    if let Some(alone) = alone {
        let fewer: Vec<Logged> = rows.iter().filter(|r| r.id != alone.id).cloned().collect();
        let scratch = beside(base, &format!("{worker}-scratch"));
        copy_db(&end, &scratch);
        if reverse_all(&scratch, &fewer).is_ok() && state(&scratch) == base_state {
            return Err(format!("the law holds even without {}\n{}", alone.describe(), history()));
        }
        tally.sensitive += 1;
    }
    Ok(tally)
}

#[test]
fn reversing_the_audit_log_restores_the_start() {
    let count: usize = std::env::var("XUESHI_AUDIT_SEQUENCES").ok().and_then(|v| v.parse().ok()).unwrap_or(SEQUENCES);
    let seed: u64 = std::env::var("XUESHI_AUDIT_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(SEED);
    let s = start();
    settle(&s.db());
    let base: PathBuf = beside(&s.db(), "start");
    copy_db(&s.db(), &base);
    let base_state = state(&base);
    let results: Vec<Result<Tally, String>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..THREADS)
            .map(|t| {
                let (dir, base, base_state) = (s.dir.path(), &base, &base_state);
                scope.spawn(move || {
                    (t..count).step_by(THREADS).map(|i| sequence(dir, base, base_state, i, seed)).collect::<Vec<_>>()
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().expect("a sequence panicked")).collect()
    });
    let mut kinds: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let (mut rows, mut sensitive, mut failures) = (0, 0, Vec::new());
    for r in results {
        match r {
            Ok(t) => {
                for (k, (ok, refused)) in t.kinds {
                    let e = kinds.entry(k).or_default();
                    e.0 += ok;
                    e.1 += refused;
                }
                rows += t.audit_rows;
                sensitive += t.sensitive;
            }
            Err(e) => failures.push(e),
        }
    }
    let (ok, refused): (usize, usize) = kinds.values().fold((0, 0), |a, (o, r)| (a.0 + o, a.1 + r));
    println!(
        "audit reversal, seed {seed}: {count} sequences, {} commands ({ok} went through, {refused} refused), \
         {rows} audit rows reversed; {sensitive} sequences checked to fail without one row",
        ok + refused
    );
    for (k, (ok, refused)) in &kinds {
        println!("  {k:<32} {ok:>4} through {refused:>4} refused");
    }
    assert!(failures.is_empty(), "{} of {count} sequences broke the law; the first:\n{}", failures.len(), failures[0]);
    if count >= SEQUENCES {
        let never: Vec<&&str> = KINDS.iter().filter(|k| kinds.get(*k).is_none_or(|(ok, _)| *ok == 0)).collect();
        assert!(never.is_empty(), "no command of these kinds went through: {never:?}");
    }
}
