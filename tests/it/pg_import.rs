//! Imports on PostgreSQL (issue 12): the rows go in through COPY and are merged in one statement
//! per chunk; what a user sees must be what SQLite gives, byte for byte — counts, conflicts and
//! their messages, audited overwrites, batches, undo, and the year report after each step.

use std::path::{Path, PathBuf};

use crate::common::{xueshi, Run, School};
use crate::postgres::server;

fn run(dir: &Path, db: &Path, args: &[&str]) -> Run {
    Run::from_output(xueshi(dir, db).args(args).output().expect("run xueshi"))
}

#[test]
fn an_attendance_import_says_the_same_on_postgresql() {
    let Some(server) = server() else { return };
    let s = School::empty();
    let dir = s.dir.path();
    let pg = PathBuf::from(server.database());
    // Runs a command on both engines; their exit, stdout and stderr must be the same.
    let both = |args: &[&str]| -> Run {
        let on_sqlite = run(dir, &s.db(), args);
        let on_pg = run(dir, &pg, args);
        assert_eq!(
            (on_pg.code, &on_pg.stdout, &on_pg.stderr),
            (on_sqlite.code, &on_sqlite.stdout, &on_sqlite.stderr),
            "{args:?} on PostgreSQL (left) and SQLite (right)"
        );
        on_sqlite
    };
    let report = || both(&["report", "year", "2024", "--format", "json"]).ok();
    run(dir, &s.db(), &["init"]).ok();
    run(dir, &pg, &["init"]).ok();
    // More rows than one chunk of the import (8,192), over many sessions it creates.
    let data = dir.join("gen");
    let gen = ["gen", "--learners", "300", "--attendance", "20000", "--year", "2024", "--seed", "7", "--out", "gen"];
    run(dir, &s.db(), &gen).ok();
    let file = |name: &str| data.join(name).to_str().unwrap().to_string();
    both(&["import", "learners", &file("learners.csv"), "--create-branches"]).ok();
    both(&["import", "courses", &file("courses.csv")]).ok();
    let out = both(&["import", "attendance", &file("attendance.csv")]).ok();
    let new: i64 = out.stdout.split(": ").nth(1).and_then(|c| c.split(' ').next()?.parse().ok()).unwrap_or(0);
    assert!(new > 8192 * 2, "{}", out.stdout);
    report();
    // The same sheet again: every row read back, nothing written.
    let out = both(&["import", "attendance", &file("attendance.csv")]).ok();
    assert!(out.stdout.contains(&format!("0 new, {new} unchanged")), "{}", out.stdout);

    // A sheet that changes stored rows: conflicts without --update, audited overwrites with it.
    let sheet = std::fs::read_to_string(data.join("attendance.csv")).unwrap();
    let rows: Vec<&str> = sheet.lines().skip(1).take(3).collect();
    let other = |row: &str, status: &str| {
        let (rest, _) = row.rsplit_once(',').unwrap();
        format!("{rest},{status}")
    };
    let flip = |row: &str| other(row, if row.ends_with(",absent") { "present" } else { "absent" });
    let change = format!(
        "staff_id,course,date,status\n{}\n{}\n{}\n{}\n{}\n",
        flip(rows[0]),
        rows[1],
        flip(rows[2]),
        other(rows[0], "excused"),
        other(rows[2], "late"),
    );
    s.file("change.csv", change);
    let out = both(&["import", "attendance", "change.csv"]).expect(65);
    assert!(out.stderr.contains("add --update"), "{}", out.stderr);
    report();
    let out = both(&["import", "attendance", "change.csv", "--update"]);
    assert!(out.stdout.contains("updated") || out.code == 65, "{} {}", out.stdout, out.stderr);
    report();
    // The rows given twice with other values are refused; without them the overwrite goes in.
    let change = format!("staff_id,course,date,status\n{}\n{}\n{}\n", flip(rows[0]), rows[1], flip(rows[2]));
    s.file("change.csv", change);
    let out = both(&["import", "attendance", "change.csv", "--update"]).ok();
    assert!(out.stdout.contains("0 new, 1 unchanged, 2 updated"), "{}", out.stdout);
    report();
    // The audit log the same but for its rows' times, ids (PostgreSQL's identity leaves a gap
    // where a refused command's rows were rolled back) and operators (on PostgreSQL the role).
    let audit = |db: &Path| {
        let mut json = run(dir, db, &["audit", "--format", "json"]).ok().json();
        for row in json.as_array_mut().unwrap() {
            let row = row.as_object_mut().unwrap();
            for key in ["at", "id", "operator"] {
                row.remove(key);
            }
        }
        json
    };
    assert_eq!(audit(&pg), audit(&s.db()));
    let list = run(dir, &s.db(), &["imports", "list", "--format", "json"]).ok().json();
    let last = list.as_array().unwrap().iter().map(|b| b["id"].as_i64().unwrap()).max().unwrap();
    both(&["imports", "undo", &last.to_string()]).ok();
    report();
    both(&["imports", "undo", &(last - 1).to_string()]);
    report();
}
