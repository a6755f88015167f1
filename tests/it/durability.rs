//! SPEC §7: a killed import leaves the database as it was; two imports at once both succeed.

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::common::School;

fn count(s: &School, table: &str) -> i64 {
    let conn = rusqlite::Connection::open(s.db()).unwrap();
    conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

/// A school from `gen`, its learners and courses imported.
fn generated(learners: &str, rows: &str) -> School {
    let s = School::new();
    let data = s.path("data");
    s.run(&[
        "gen",
        "--learners",
        learners,
        "--attendance",
        rows,
        "--year",
        "2024",
        "--seed",
        "3",
        "--out",
        data.to_str().unwrap(),
    ])
    .ok();
    s.run(&["import", "learners", data.join("learners.csv").to_str().unwrap(), "--create-branches"]).ok();
    s.run(&["import", "courses", data.join("courses.csv").to_str().unwrap()]).ok();
    s
}

#[test]
fn a_killed_import_leaves_nothing_behind() {
    let s = generated("20000", "1000000");
    let before = s.dump();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("xueshi"))
        .args(["--db", s.db().to_str().unwrap(), "import", "attendance"])
        .arg(s.path("data").join("attendance.csv"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(400));
    assert!(child.try_wait().unwrap().is_none(), "the import finished before it could be killed: give it more rows");
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(s.dump(), before, "the database is as it was before the import");
    assert_eq!(count(&s, "attendance"), 0);
    s.run(&["check"]).ok();
}

#[test]
fn two_imports_at_once_both_succeed() {
    let s = generated("2000", "0");
    let data = s.path("data");
    let a = s.file("a.csv", "staff_id,course,date,status\n000001,K01,2024-03-01,present\n000002,K01,2024-03-01,late\n");
    let b = s.file("b.csv", "staff_id,course,date,status\n000003,K02,2024-04-01,present\n");
    let spawn = |kind: &str, file: &std::path::Path| {
        Command::new(assert_cmd::cargo::cargo_bin("xueshi"))
            .args(["--db", s.db().to_str().unwrap(), "import", kind])
            .arg(file)
            .output()
            .unwrap()
    };
    let online = data.join("online.csv");
    std::thread::scope(|scope| {
        let runs: Vec<_> = [("attendance", a.as_path()), ("attendance", b.as_path()), ("online", online.as_path())]
            .into_iter()
            .map(|(kind, f)| scope.spawn(move || spawn(kind, f)))
            .collect::<Vec<_>>()
            .into_iter()
            .map(|h| h.join().unwrap())
            .collect();
        for r in &runs {
            assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
        }
    });
    assert_eq!(count(&s, "attendance"), 3);
    let rows = std::fs::read_to_string(&online).unwrap().lines().count() as i64 - 1;
    assert!(rows > 3000, "gen wrote {rows} online rows");
    assert_eq!(count(&s, "online"), rows);
}
