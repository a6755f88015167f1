//! Imports on PostgreSQL (issue 12): the rows go in through COPY and are merged in one statement
//! per chunk; what a user sees must be what SQLite gives, byte for byte — counts, conflicts and
//! their messages, audited overwrites, batches, undo, and the year report after each step.

use std::path::{Path, PathBuf};

use crate::common::{xueshi, Run, School};
use crate::postgres::{server, Server};

fn run(dir: &Path, db: &Path, args: &[&str]) -> Run {
    Run::from_output(xueshi(dir, db).args(args).output().expect("run xueshi"))
}

/// The same school on both engines: a SQLite file and a PostgreSQL database of its own.
struct Both {
    s: School,
    pg: PathBuf,
    /// Kept while the school is: a server started for it stops when dropped.
    _server: Server,
}

impl Both {
    fn new() -> Option<Both> {
        let server = server()?;
        let both = Both { s: School::empty(), pg: PathBuf::from(server.database()), _server: server };
        both.each(&["init"]);
        Some(both)
    }

    fn dir(&self) -> &Path {
        self.s.dir.path()
    }

    /// Runs a command on each engine, whatever it gives.
    fn each(&self, args: &[&str]) {
        run(self.dir(), &self.s.db(), args).ok();
        run(self.dir(), &self.pg, args).ok();
    }

    /// Runs a command on both engines; their exit, stdout and stderr must be the same.
    fn run(&self, args: &[&str]) -> Run {
        let on_sqlite = run(self.dir(), &self.s.db(), args);
        let on_pg = run(self.dir(), &self.pg, args);
        assert_eq!(
            (on_pg.code, &on_pg.stdout, &on_pg.stderr),
            (on_sqlite.code, &on_sqlite.stdout, &on_sqlite.stderr),
            "{args:?} on PostgreSQL (left) and SQLite (right)"
        );
        on_sqlite
    }

    fn report(&self) {
        self.run(&["report", "year", "2024", "--format", "json"]).ok();
    }

    /// A school of 300 learners and a sheet of 20,000 attendance rows over many sessions: more
    /// rows than a chunk of the import (8,192). Returns the sheet's path.
    fn generated(&self) -> String {
        let gen =
            ["gen", "--learners", "300", "--attendance", "20000", "--year", "2024", "--seed", "7", "--out", "gen"];
        run(self.dir(), &self.s.db(), &gen).ok();
        let file = |name: &str| self.dir().join("gen").join(name).to_str().unwrap().to_string();
        self.run(&["import", "learners", &file("learners.csv"), "--create-branches"]).ok();
        self.run(&["import", "courses", &file("courses.csv")]).ok();
        file("attendance.csv")
    }
}

/// A sheet's row (`staff_id,course,date,status`) with the other of present and absent.
fn flipped(row: &str) -> String {
    let (rest, status) = row.rsplit_once(',').unwrap();
    format!("{rest},{}", if status == "absent" { "present" } else { "absent" })
}

#[test]
fn an_attendance_import_says_the_same_on_postgresql() {
    let Some(pair) = Both::new() else { return };
    let (s, pg, dir) = (&pair.s, &pair.pg, pair.dir());
    let both = |args: &[&str]| pair.run(args);
    let report = || pair.report();
    let sheet = pair.generated();
    let data = dir.join("gen");
    let out = both(&["import", "attendance", &sheet]).ok();
    let new: i64 = out.stdout.split(": ").nth(1).and_then(|c| c.split(' ').next()?.parse().ok()).unwrap_or(0);
    assert!(new > 8192 * 2, "{}", out.stdout);
    report();
    // The same sheet again: every row read back, nothing written.
    let out = both(&["import", "attendance", &sheet]).ok();
    assert!(out.stdout.contains(&format!("0 new, {new} unchanged")), "{}", out.stdout);

    // A sheet that changes stored rows: conflicts without --update, audited overwrites with it.
    let sheet = std::fs::read_to_string(data.join("attendance.csv")).unwrap();
    let rows: Vec<&str> = sheet.lines().skip(1).take(3).collect();
    let other = |row: &str, status: &str| {
        let (rest, _) = row.rsplit_once(',').unwrap();
        format!("{rest},{status}")
    };
    let change = format!(
        "staff_id,course,date,status\n{}\n{}\n{}\n{}\n{}\n",
        flipped(rows[0]),
        rows[1],
        flipped(rows[2]),
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
    let change = format!("staff_id,course,date,status\n{}\n{}\n{}\n", flipped(rows[0]), rows[1], flipped(rows[2]));
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
    assert_eq!(audit(pg), audit(&s.db()));
    let list = run(dir, &s.db(), &["imports", "list", "--format", "json"]).ok().json();
    let last = list.as_array().unwrap().iter().map(|b| b["id"].as_i64().unwrap()).max().unwrap();
    both(&["imports", "undo", &last.to_string()]).ok();
    report();
    both(&["imports", "undo", &(last - 1).to_string()]);
    report();
}

/// A large import into a table it outweighs: on PostgreSQL its chunks are copied into the table
/// itself, and a chunk that meets a stored key (or a key an earlier chunk wrote) goes back to the
/// merge, which judges it row by row. What the user sees is SQLite's.
#[test]
fn a_large_import_meeting_stored_rows_says_the_same_on_postgresql() {
    let Some(pair) = Both::new() else { return };
    let sheet = pair.generated();
    let text = std::fs::read_to_string(&sheet).unwrap();
    let rows: Vec<&str> = text.lines().skip(1).collect();
    let header = "staff_id,course,date,status";
    // Two rows of the sheet's second chunk stored first, one of them with another status.
    let flipped = flipped(rows[9000]);
    pair.s.file("stored.csv", format!("{header}\n{flipped}\n{}\n", rows[9001]));
    pair.run(&["import", "attendance", "stored.csv"]).ok();
    // And the sheet with its 100th row given again at its end, in its last chunk.
    pair.s.file("big.csv", format!("{text}{}\n", rows[99]));
    let out = pair.run(&["import", "attendance", "big.csv"]).expect(65);
    assert!(out.stderr.contains("add --update"), "{}", out.stderr);
    pair.report();
    // The stored row as the sheet has it: the rest goes in, the two stored rows unchanged, the
    // row given twice once.
    pair.s.file("stored.csv", format!("{header}\n{}\n", rows[9000]));
    pair.run(&["import", "attendance", "stored.csv", "--update"]).ok();
    let out = pair.run(&["import", "attendance", "big.csv"]).ok();
    assert!(out.stdout.contains(&format!("{} new, 3 unchanged", rows.len() - 2)), "{}", out.stdout);
    pair.report();
    pair.run(&["imports", "undo", "5"]).ok();
    pair.report();
}

/// A roster's new learners go in a chunk at a time (by COPY on PostgreSQL) under ids the import
/// reserves: a learner added afterwards gets the next id on both engines, a learner the roster
/// names twice is judged as a stored one, and the roster sent again changes nothing.
#[test]
fn a_roster_says_the_same_on_postgresql() {
    let Some(pair) = Both::new() else { return };
    pair.generated();
    let roster = std::fs::read_to_string(pair.dir().join("gen").join("learners.csv")).unwrap();
    let first = roster.lines().nth(1).unwrap();
    let branch = first.split(',').nth(2).unwrap();
    pair.run(&["learner", "add", "900001", "王五", "--branch", branch, "--category", "member"]).ok();
    pair.run(&["report", "learner", "900001", "--year", "2024", "--format", "json"]).ok();
    // Two new learners, the second named twice with another name: refused, nothing written.
    let twice = format!("staff_id,name,branch,category\n900002,赵六,{branch},member\n900003,钱七,{branch},member\n900003,孙八,{branch},member\n");
    pair.s.file("twice.csv", twice);
    let out = pair.run(&["import", "learners", "twice.csv"]).expect(65);
    assert!(out.stderr.contains("900003"), "{}", out.stderr);
    let out = pair.run(&["import", "learners", &pair.dir().join("gen").join("learners.csv").to_string_lossy()]).ok();
    assert!(out.stdout.contains("0 new, 300 unchanged"), "{}", out.stdout);
    pair.run(&["learner", "list", "--format", "json"]).ok();
}

/// A large import into an empty table: on PostgreSQL its rows are all new, so the table's primary
/// key is set aside with its index and foreign keys and every row copied in one stream. A row given
/// twice is found when the key is built again, and the import starts over the careful way: what
/// the user sees is SQLite's. Afterwards the table has its key, index and foreign keys again.
#[test]
fn a_large_import_into_an_empty_table_says_the_same_on_postgresql() {
    let Some(pair) = Both::new() else { return };
    let sheet = pair.generated();
    let text = std::fs::read_to_string(&sheet).unwrap();
    let rows: Vec<&str> = text.lines().skip(1).collect();
    let flipped = flipped(rows[99]);
    let connect = || postgres::Client::connect(pair.pg.to_str().unwrap(), postgres::NoTls).unwrap();
    let schema = || {
        let mut conn = connect();
        let rows = |conn: &mut postgres::Client, sql: &str| -> Vec<String> {
            let rows = conn.query(sql, &[]).unwrap();
            rows.iter().map(|r| format!("{}|{}", r.get::<_, String>(0), r.get::<_, String>(1))).collect()
        };
        let mut shape = rows(
            &mut conn,
            "SELECT indexname::text, indexdef FROM pg_indexes WHERE tablename = 'attendance' AND schemaname = current_schema()",
        );
        shape.extend(rows(
            &mut conn,
            "SELECT conname::text, contype::text FROM pg_constraint WHERE conrelid = 'attendance'::regclass",
        ));
        shape.sort();
        shape
    };
    let before = schema();
    assert!(before.iter().any(|c| c == "attendance_pkey|p"), "{before:?}");
    // The 100th row given again with another status, in the last chunk: refused, nothing written.
    pair.s.file("twice.csv", format!("{text}{flipped}\n"));
    let out = pair.run(&["import", "attendance", "twice.csv"]).expect(65);
    assert!(out.stderr.contains(&format!("twice.csv:{}: ", rows.len() + 2)), "{}", out.stderr);
    // Given again as it was: counted once.
    pair.s.file("again.csv", format!("{text}{}\n", rows[99]));
    let out = pair.run(&["import", "attendance", "again.csv"]).ok();
    assert!(out.stdout.contains(&format!("{} new, 1 unchanged", rows.len())), "{}", out.stdout);
    pair.report();
    assert_eq!(schema(), before);
    pair.run(&["imports", "undo", "3"]).ok();
    // The sheet as it is: all new, in one stream.
    let out = pair.run(&["import", "attendance", &sheet]).ok();
    assert!(out.stdout.contains(&format!("{} new, 0 unchanged", rows.len())), "{}", out.stdout);
    pair.report();
    assert_eq!(schema(), before);
    let stored: i64 = connect().query_one("SELECT COUNT(*) FROM attendance", &[]).unwrap().get(0);
    assert_eq!(stored, rows.len() as i64);
    // The foreign keys came back unchecked by the server (the import checked every row): `check`
    // checks them, and finds a learner deleted behind the keys' back.
    pair.run(&["check"]).ok();
    let mut conn = connect();
    conn.batch_execute(
        "SET session_replication_role = replica;
         DELETE FROM learner WHERE id = (SELECT learner_id FROM attendance ORDER BY learner_id LIMIT 1)",
    )
    .unwrap();
    let out = run(pair.dir(), &pair.pg, &["check"]);
    assert_ne!(out.code, 0, "{}", out.stdout);
    assert!(out.stderr.contains("foreign key: attendance row ? points to a missing learner"), "{}", out.stderr);
}
