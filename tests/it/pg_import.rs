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
    let row = conn.query_one("SELECT learner_id, COUNT(*) FROM attendance GROUP BY 1 ORDER BY 1 LIMIT 1", &[]).unwrap();
    let (learner, rows): (i64, i64) = (row.get(0), row.get(1));
    conn.batch_execute(&format!("SET session_replication_role = replica; DELETE FROM learner WHERE id = {learner}"))
        .unwrap();
    let out = run(pair.dir(), &pair.pg, &["check"]);
    assert_eq!(out.code, 65, "{}", out.stdout);
    let has = if rows == 1 { "row has" } else { "rows have" };
    let said =
        format!("foreign key: {rows} attendance {has} learner_id {learner}, and learner {learner} does not exist");
    assert!(out.stderr.contains(&said), "{}", out.stderr);
}

/// A sheet that contradicts the stored one across every chunk of the import (on PostgreSQL a
/// chunk's overwrites are judged in memory and written together): conflicts and a new key given
/// twice refused together without `--update`; with it, rows given again with other values
/// refused at their lines (one overwritten earlier in its own chunk, one in an earlier chunk);
/// without those, the overwrites in, audited in the sheet's order, and undone to what was stored.
#[test]
fn overwrites_across_chunks_say_the_same_on_postgresql() {
    let Some(pair) = Both::new() else { return };
    let sheet = pair.generated();
    pair.run(&["import", "attendance", &sheet]).ok();
    let text = std::fs::read_to_string(&sheet).unwrap();
    let rows: Vec<&str> = text.lines().skip(1).collect();
    assert!(rows.len() > 2 * 8192, "{} rows", rows.len());
    let status = |row: &str| row.rsplit_once(',').unwrap().1.to_string();
    let with = |row: &str, status: &str| format!("{},{status}", row.rsplit_once(',').unwrap().0);
    // A status neither the stored row's nor its flipped one's.
    let third = |row: &str| {
        let s = ["late", "excused"].into_iter().find(|s| *s != status(row) && *s != status(&flipped(row))).unwrap();
        with(row, s)
    };
    // A key the first sheet has not: row 700's learner at a session of its course the sheet
    // does not hold (made by the import).
    let (staff, rest) = rows[700].split_once(',').unwrap();
    let course = rest.split(',').next().unwrap();
    let new = format!("{staff},{course},2024-12-31");
    assert!(!rows.iter().any(|r| r.starts_with(&format!("{new},"))), "{new}");

    // Every thousandth row changed; rows 500 and 9500 given again with a third status (refused
    // with --update: the first in its own chunk, the second in a later one), the new key twice with
    // two statuses (refused either way), row 1500 again as changed, and row 2000, unchanged where
    // it stands, changed at the end of the sheet.
    let sheet = |repeated: bool| {
        let mut out = vec!["staff_id,course,date,status".to_string()];
        for (i, row) in rows.iter().enumerate() {
            out.push(if i % 1000 == 500 { flipped(row) } else { row.to_string() });
            match i {
                600 if repeated => out.push(third(rows[500])),
                700 => out.push(format!("{new},present")),
                800 if repeated => out.push(format!("{new},absent")),
                _ => {}
            }
        }
        out.push(flipped(rows[1500]));
        out.push(third(rows[2000]));
        if repeated {
            out.push(third(rows[9500]));
        }
        out.join("\n") + "\n"
    };
    pair.s.file("change.csv", sheet(true));
    let out = pair.run(&["import", "attendance", "change.csv"]).expect(65);
    assert!(out.stderr.contains("add --update") && out.stderr.contains(&format!("{staff} ")), "{}", out.stderr);
    let out = pair.run(&["import", "attendance", "change.csv", "--update"]).expect(65);
    assert!(!out.stderr.contains("add --update") && out.stderr.contains(&format!("{staff} ")), "{}", out.stderr);
    pair.report();
    pair.s.file("change.csv", sheet(false));
    let out = pair.run(&["import", "attendance", "change.csv", "--update"]).ok();
    let flips = (0..rows.len()).filter(|i| i % 1000 == 500).count();
    let (unchanged, updated) = (rows.len() - flips + 1, flips + 1);
    assert!(out.stdout.contains(&format!("1 new, {unchanged} unchanged, {updated} updated")), "{}", out.stdout);
    pair.report();

    // The same audit log (but for the clock and the operator, PostgreSQL's role), its rows in the
    // same order; the batch's ids as far apart as SQLite's (the refused imports' rows leave a gap
    // in PostgreSQL's identity before them).
    let dir = pair.dir();
    let audit = |db: &Path, args: &[&str]| {
        let mut json = run(dir, db, &[&["audit", "--format", "json"], args].concat()).ok().json();
        let rows = json.as_array_mut().unwrap();
        let first = rows.first().map_or(0, |r| r["id"].as_i64().unwrap());
        for row in rows {
            let row = row.as_object_mut().unwrap();
            let id = row["id"].as_i64().unwrap();
            row.insert("id".into(), (id - first).into());
            row.remove("at");
            row.remove("operator");
        }
        json
    };
    let (on_sqlite, on_pg) = (pair.s.db(), pair.pg.clone());
    let log = audit(&on_sqlite, &["--batch", "4"]);
    let overwrites = log.as_array().unwrap().iter().filter(|r| r["entity"] == "attendance" && r["action"] == "update");
    assert_eq!(overwrites.count(), updated, "{log}");
    assert_eq!(audit(&on_pg, &["--batch", "4"]), log);
    let strip = |mut log: serde_json::Value| {
        log.as_array_mut().unwrap().iter_mut().for_each(|r| drop(r.as_object_mut().unwrap().remove("id")));
        log
    };
    assert_eq!(strip(audit(&on_pg, &[])), strip(audit(&on_sqlite, &[])));

    // What the keys hold, on each engine: the overwrites as the sheet says, and undone, the first
    // sheet's again.
    let stored = || {
        let sql = "SELECT session_id, learner_id, status, hours, batch_id FROM attendance ORDER BY 1, 2";
        let mut client = postgres::Client::connect(on_pg.to_str().unwrap(), postgres::NoTls).unwrap();
        let on_pg: Vec<String> = client
            .simple_query(sql)
            .unwrap()
            .iter()
            .filter_map(|m| match m {
                postgres::SimpleQueryMessage::Row(r) => {
                    Some((0..r.len()).map(|i| r.get(i).unwrap_or("-")).collect::<Vec<_>>().join("|"))
                }
                _ => None,
            })
            .collect();
        assert_eq!(on_pg, pair.s.sql(sql));
        on_pg
    };
    let changed = stored();
    assert_eq!(changed.iter().filter(|r| r.ends_with("|4")).count(), updated + 1, "{changed:?}");
    pair.run(&["imports", "undo", "4"]).ok();
    pair.report();
    let undone = stored();
    assert_eq!(undone.len(), rows.len());
    assert!(undone.iter().all(|r| r.ends_with("|3")), "{undone:?}");
    assert_eq!(audit(&on_pg, &["--batch", "4"]), audit(&on_sqlite, &["--batch", "4"]));
}
