//! SPEC §7 under faults: SIGKILL at moments spread over whole writes (a large import, an
//! `--update` import that overwrites many rows, the undo of a large batch, the delete of a
//! session with tens of thousands of records, a year's close; commits included);
//! year reports read while imports and undos run; two writers and a reader at once; a backup
//! taken in the middle of an import. After each: `check` passes, and the database is exactly the
//! state before or exactly the state after, compared row by row over every table (the audit log
//! and the batches included), never by counts.
//!
//! On PostgreSQL the writes are smaller and the kills half as many (`per_engine`), and the backup
//! is `pg_dump`'s, which `backup` names there.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Barrier;
use std::time::{Duration, Instant};

use crate::common::{
    backup, beside, copy_db, first_difference, on_postgres, run_within, settle, snapshot, xueshi, School,
};

/// Kills at moments spread evenly over a run, then around its commit: 32 per operation (on
/// PostgreSQL, where each costs several times as much, half as many).
const SPREAD: usize = 24;
const AROUND_COMMIT: usize = 8;
/// A spread kill that finds the run ended already (the machine was busier while the run was
/// timed) is tried again at the same point of a run timed shorter, at most this many times.
const RETRIES: usize = 24;
/// Longer than any command here takes on a loaded machine: past it, a command has hung.
const LIMIT: Duration = Duration::from_secs(300);

/// How much a test here does, rows written or kills: `on_file` on SQLite, `on_server` on
/// PostgreSQL, where a row costs several times as much (an overwrite, one round trip each, twenty
/// times) and every kill copies and compares the school through the server. The server's writes
/// still take long enough for kills all through them, and its large import still builds its
/// index anew.
fn per_engine(on_file: usize, on_server: usize) -> usize {
    if on_postgres() {
        on_server
    } else {
        on_file
    }
}

/// A school from `gen`, its learners and courses imported; the data under `data/`.
fn generated(learners: usize, rows: usize) -> School {
    let s = School::new();
    let data = s.path("data");
    let (learners, rows) = (learners.to_string(), rows.to_string());
    s.run(&[
        "gen",
        "--learners",
        &learners,
        "--attendance",
        &rows,
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

fn data(s: &School, name: &str) -> String {
    s.path("data").join(name).display().to_string()
}

/// Runs `args` on database `db` to the end; it must succeed.
fn ok(s: &School, db: &Path, args: &[&str]) -> crate::common::Run {
    let mut cmd = xueshi(s.dir.path(), db);
    cmd.args(args);
    let run = run_within(cmd, s.dir.path(), LIMIT).unwrap_or_else(|| panic!("xueshi {args:?} hung"));
    assert_eq!(run.code, 0, "xueshi {args:?}\n--- stdout\n{}\n--- stderr\n{}", run.stdout, run.stderr);
    run
}

/// A settled copy of the school's database as it is now, under `name`.
fn keep_state(s: &School, name: &str) -> PathBuf {
    settle(&s.db());
    let path = beside(&s.db(), name);
    copy_db(&s.db(), &path);
    path
}

/// What the kills of one operation came to.
#[derive(Debug, Default)]
struct Tally {
    /// Kills in all, spread kills tried again included.
    kills: usize,
    /// Kills that found the command still running (the others came after it had ended).
    landed: usize,
    before: usize,
    after: usize,
    /// Kills that found the command running and left the state after: they came after its
    /// commit (during the WAL checkpoint or the exit).
    after_commit: usize,
}

/// Runs `args` to the end on a copy of `start` (the state after, and how long it takes), then
/// again on fresh copies, each killed with SIGKILL: `spreads` times at moments spread evenly over
/// the run (while it runs), then `around_commit` times around its commit, found by halving the
/// interval between the latest kill that left the state before and the earliest that left the
/// state after. After each kill, `check` passes and the database is the state before or the one
/// after.
fn kill_everywhere(s: &School, start: &Path, args: &[&str]) -> Tally {
    let before = snapshot(start);
    let db = beside(&s.db(), "trial");
    // The shortest of three runs: the others may have shared the cores with other tests.
    let mut full = Duration::MAX;
    for _ in 0..3 {
        copy_db(start, &db);
        let clock = Instant::now();
        ok(s, &db, args);
        full = full.min(clock.elapsed());
    }
    ok(s, &db, &["check"]);
    let after = snapshot(&db);
    assert_ne!(before, after, "xueshi {args:?} changed nothing: there is nothing to kill");
    let mut tally = Tally::default();
    // The commit lies between these two moments (after the first when none has left the state
    // after yet: the runs under test may be slower than the one measured).
    let (mut last_before, mut first_after) = (Duration::ZERO, None::<Duration>);
    let (mut spread, mut retries, mut around) = (0, 0, 0);
    let (spreads, around_commit) = (per_engine(SPREAD, SPREAD / 2), per_engine(AROUND_COMMIT, AROUND_COMMIT / 2));
    while spread < spreads || around < around_commit {
        let moment = match (spread < spreads, first_after) {
            (true, _) => full.mul_f64(0.02 + 0.90 * spread as f64 / (spreads - 1) as f64),
            (false, Some(after)) => (last_before + after) / 2,
            (false, None) => last_before.max(full).mul_f64(1.3),
        };
        let when = format!("{} ms ({:.2} of a run)", moment.as_millis(), moment.as_secs_f64() / full.as_secs_f64());
        copy_db(start, &db);
        let mut child = xueshi(s.dir.path(), &db)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("run xueshi");
        std::thread::sleep(moment);
        let landed = child.try_wait().expect("wait for xueshi").is_none();
        if landed {
            child.kill().expect("SIGKILL");
            tally.landed += 1;
        }
        child.wait().expect("wait for xueshi");
        tally.kills += 1;
        if spread == spreads {
            around += 1;
        } else if landed || retries == RETRIES {
            spread += 1;
        } else {
            // The run took less than `moment` this time: time it shorter.
            retries += 1;
            full = moment;
        }
        let mut check = xueshi(s.dir.path(), &db);
        check.arg("check");
        let check = run_within(check, s.dir.path(), LIMIT).expect("check hung");
        assert_eq!(check.code, 0, "check after a kill at {when} of {args:?}:\n{}\n{}", check.stdout, check.stderr);
        let now = snapshot(&db);
        if now == before {
            tally.before += 1;
            last_before = last_before.max(moment);
        } else if now == after {
            tally.after += 1;
            tally.after_commit += usize::from(landed);
            first_after = Some(first_after.map_or(moment, |a| a.min(moment)));
        } else {
            panic!(
                "killed at {when} of {args:?}, the database is neither the state before ({}) nor the one after ({})",
                first_difference(&before, &now),
                first_difference(&after, &now)
            );
        }
    }
    println!(
        "kill -9 of {args:?} (a run takes {} ms): {} kills, {} while it ran ({} of them after its commit); \
         left the state before {} times, after {} times; the latest kill that left the state before came at {} ms, \
         the earliest that left the state after at {} ms",
        full.as_millis(),
        tally.kills,
        tally.landed,
        tally.after_commit,
        tally.before,
        tally.after,
        last_before.as_millis(),
        first_after.map_or_else(|| "?".to_string(), |a| a.as_millis().to_string()),
    );
    assert!(tally.before > 0, "no kill came before the commit: {tally:?}");
    tally
}

#[test]
fn a_large_import_killed_anywhere_is_all_or_nothing() {
    let s = generated(per_engine(20_000, 5000), per_engine(1_000_000, 150_000));
    let start = keep_state(&s, "start");
    kill_everywhere(&s, &start, &["import", "attendance", &data(&s, "attendance.csv")]);
}

#[test]
fn an_update_of_many_rows_killed_anywhere_is_all_or_nothing() {
    let s = generated(5000, per_engine(40_000, 2000));
    ok(&s, &s.db(), &["import", "attendance", &data(&s, "attendance.csv")]);
    // The same records, every status changed: each one overwritten, each overwrite audited.
    let text = std::fs::read_to_string(data(&s, "attendance.csv")).unwrap();
    let mut changed = String::new();
    for (i, line) in text.lines().enumerate() {
        let swapped = match line.rsplit_once(',') {
            Some((rest, status)) if i > 0 => {
                let other = match status {
                    "present" => "late",
                    "late" => "present",
                    "excused" => "absent",
                    _ => "excused",
                };
                format!("{rest},{other}")
            }
            _ => line.to_string(),
        };
        changed.push_str(&swapped);
        changed.push('\n');
    }
    let update = s.file("changed.csv", changed);
    let start = keep_state(&s, "start");
    kill_everywhere(&s, &start, &["import", "attendance", update.to_str().unwrap(), "--update"]);
}

#[test]
fn an_undo_of_a_large_batch_killed_anywhere_is_all_or_nothing() {
    let s = generated(5000, per_engine(100_000, 20_000));
    let out = ok(&s, &s.db(), &["import", "attendance", &data(&s, "attendance.csv")]);
    assert!(out.stdout.trim_end().ends_with("batch 3"), "{}", out.stdout);
    let start = keep_state(&s, "start");
    kill_everywhere(&s, &start, &["imports", "undo", "3"]);
}

#[test]
fn a_delete_of_a_large_session_with_its_records_killed_anywhere_is_all_or_nothing() {
    // Learners in the large session below: one attendance record each.
    let learners = per_engine(20_000, 4000);
    let s = generated(learners, 0);
    // Everyone enrolled by 1 March at one session of 30 December, every status, some with their
    // own hours (left early), among other sessions that stay.
    let session = |date: &str| {
        let out = ok(&s, &s.db(), &["session", "add", "--course", "K01", "--date", date]);
        out.stdout.trim().to_string()
    };
    let (early, big, late) = (session("2024-03-01"), session("2024-12-30"), session("2024-12-31"));
    let roster = std::fs::read_to_string(data(&s, "learners.csv")).unwrap();
    let mut sheet = String::from("staff_id,status,hours\n");
    let mut staff = Vec::new();
    for (i, line) in roster.lines().skip(1).enumerate() {
        let cells: Vec<&str> = line.split(',').collect();
        let joined = cells.get(4).copied().unwrap_or("");
        if !joined.is_empty() && joined > "2024-03-01" {
            continue;
        }
        let row = match i % 7 {
            0 => "late,",
            1 => "excused,",
            2 => "absent,",
            3 => "present,1",
            _ => "present,",
        };
        sheet.push_str(&format!("{},{row}\n", cells[0]));
        staff.push(cells[0].to_string());
    }
    let file = s.file("roster.csv", sheet);
    ok(&s, &s.db(), &["import", "attendance", file.to_str().unwrap(), "--session", &big]);
    ok(&s, &s.db(), &["attend", &early, &staff[0], &staff[1]]);
    ok(&s, &s.db(), &["attend", &late, &staff[2], "--status", "late"]);
    let held = s.number(&format!("SELECT COUNT(*) FROM attendance WHERE session_id = {big}"));
    assert!(held as usize > learners * 3 / 4, "the session holds {held} records");
    let start = keep_state(&s, "start");
    println!("session {big} holds {held} attendance records");
    kill_everywhere(&s, &start, &["session", "delete", &big, "--with-records"]);
}

#[test]
fn a_year_close_killed_anywhere_is_all_or_nothing() {
    let s = generated(200, 2_000);
    ok(&s, &s.db(), &["import", "attendance", &data(&s, "attendance.csv")]);
    ok(&s, &s.db(), &["year", "close", "2023"]);
    let start = keep_state(&s, "start");
    kill_everywhere(&s, &start, &["year", "close", "2024"]);
    // The state after is a closed 2024: a record dated in it is refused.
    let db = beside(&s.db(), "closed");
    copy_db(&start, &db);
    ok(&s, &db, &["year", "close", "2024"]);
    let refused = crate::common::Run::from_output(output(&s, &db, &["attend", "1", "000001"]));
    assert_eq!(refused.code, 65, "{}", refused.stderr);
    assert!(refused.stderr.contains("2024 is a closed year"), "{}", refused.stderr);
}

fn output(s: &School, db: &Path, args: &[&str]) -> Output {
    xueshi(s.dir.path(), db).args(args).output().expect("run xueshi")
}

/// Year reports, read in a loop until `stop`: each must succeed.
fn reader(s: &School, db: &Path, stop: &AtomicBool) -> Vec<String> {
    let mut reports = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        let out = output(s, db, &["report", "year", "2024", "--format", "json"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success() && stderr.is_empty(), "a report during writes: {stderr}");
        reports.push(String::from_utf8_lossy(&out.stdout).into_owned());
    }
    reports
}

fn report(s: &School, db: &Path) -> String {
    String::from_utf8_lossy(&output(s, db, &["report", "year", "2024", "--format", "json"]).stdout).into_owned()
}

#[test]
fn reports_read_during_imports_and_undos_see_one_state_or_the_other() {
    let s = generated(400, 30_000);
    let sheet = data(&s, "attendance.csv");
    let before = report(&s, &s.db());
    let stop = AtomicBool::new(false);
    let (reports, after) = std::thread::scope(|scope| {
        let reading = scope.spawn(|| reader(&s, &s.db(), &stop));
        let mut after = None;
        // Batches 1 and 2 are the roster and the course list.
        for batch in 3..7 {
            ok(&s, &s.db(), &["import", "attendance", &sheet]);
            after.get_or_insert_with(|| report(&s, &s.db()));
            ok(&s, &s.db(), &["imports", "undo", &batch.to_string()]);
        }
        stop.store(true, Ordering::Relaxed);
        (reading.join().expect("the reader"), after.expect("a report after the import"))
    });
    assert_ne!(before, after);
    let (mut saw_before, mut saw_after) = (0, 0);
    for r in &reports {
        if *r == before {
            saw_before += 1;
        } else if *r == after {
            saw_after += 1;
        } else {
            panic!(
                "a report read during the writes is neither the one before nor the one after:\n{}",
                first_difference(&before, r)
            );
        }
    }
    println!("readers during 4 imports and 4 undos: {} reports, {saw_before} before, {saw_after} after", reports.len());
    assert_eq!(report(&s, &s.db()), before, "undo takes every import back");
}

#[test]
fn two_writers_and_a_reader_at_once_for_several_rounds() {
    let s = generated(400, 30_000);
    let base = keep_state(&s, "base");
    let (x, y) = (data(&s, "attendance.csv"), data(&s, "online.csv"));
    let import = |db: &Path, kind: &str, file: &str| ok(&s, db, &["import", kind, file]);
    // The states the writers can leave, in either order, and the reports between.
    let one = beside(&s.db(), "one");
    copy_db(&base, &one);
    let r0 = report(&s, &one);
    import(&one, "attendance", &x);
    let rx = report(&s, &one);
    import(&one, "online", &y);
    let (rxy, xy) = (report(&s, &one), snapshot(&one));
    copy_db(&base, &one);
    import(&one, "online", &y);
    let ry = report(&s, &one);
    import(&one, "attendance", &x);
    let yx = snapshot(&one);
    let rounds = 5;
    let mut seen = [0usize; 4];
    for round in 0..rounds {
        let db = beside(&s.db(), &format!("round-{round}"));
        copy_db(&base, &db);
        let stop = AtomicBool::new(false);
        let go = Barrier::new(2);
        let reports = std::thread::scope(|scope| {
            let reading = scope.spawn(|| reader(&s, &db, &stop));
            let writers: Vec<_> = [("attendance", x.as_str()), ("online", y.as_str())]
                .into_iter()
                .map(|(kind, file)| {
                    let (s, db, go) = (&s, &db, &go);
                    scope.spawn(move || {
                        go.wait();
                        output(s, db, &["import", kind, file])
                    })
                })
                .collect();
            for w in writers {
                let out = w.join().expect("a writer");
                let stderr = String::from_utf8_lossy(&out.stderr);
                assert!(out.status.success(), "a writer failed in round {round}: {stderr}");
                assert!(!stderr.contains("locked"), "{stderr}");
            }
            stop.store(true, Ordering::Relaxed);
            reading.join().expect("the reader")
        });
        for r in &reports {
            let which = [&r0, &rx, &ry, &rxy].iter().position(|k| *k == r);
            let which = which.unwrap_or_else(|| {
                panic!("round {round}: a report that is no state of the writers:\n{}", first_difference(&r0, r))
            });
            seen[which] += 1;
        }
        ok(&s, &db, &["check"]);
        let end = snapshot(&db);
        assert!(
            end == xy || end == yx,
            "round {round}: the end state is neither import after the other: {}",
            first_difference(&xy, &end)
        );
    }
    println!("two writers and a reader, {rounds} rounds: reports of the states none/attendance/online/both: {seen:?}");
}

#[test]
fn a_backup_taken_during_a_large_import_is_the_state_before_or_after() {
    let s = generated(5000, per_engine(100_000, 20_000));
    let start = keep_state(&s, "start");
    let sheet = data(&s, "attendance.csv");
    let before = snapshot(&start);
    let db = beside(&s.db(), "live");
    copy_db(&start, &db);
    let clock = Instant::now();
    ok(&s, &db, &["import", "attendance", &sheet]);
    let full = clock.elapsed();
    let after = snapshot(&db);
    let (mut saw_before, mut saw_after, mut stopped) = (0, 0, 0);
    for (i, fraction) in [0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95, 1.1].into_iter().enumerate() {
        copy_db(&start, &db);
        let mut import: std::process::Child = {
            let mut c: Command = xueshi(s.dir.path(), &db);
            c.args(["import", "attendance", &sheet]).stdout(Stdio::null()).stderr(Stdio::null());
            c.spawn().expect("run the import")
        };
        std::thread::sleep(full.mul_f64(fraction));
        let copy = backup(s.dir.path(), &db, &s.path(&format!("backup-{i}.db")));
        assert!(import.wait().expect("the import").success(), "the import under a backup failed");
        let copy = match copy {
            Ok(copy) => copy,
            // pg_dump reads the schema as its snapshot has it, and stops when a table's index or
            // key that its snapshot names was built anew meanwhile: a large import's commit does
            // that. It says so and writes nothing; run again, it dumps the state after.
            Err(said) if on_postgres() && said.contains("cache lookup failed") => {
                stopped += 1;
                assert_eq!(snapshot(&db), after, "the import under a backup");
                continue;
            }
            Err(said) => panic!("pg_dump: {said}"),
        };
        ok(&s, &copy, &["check"]);
        let copied = snapshot(&copy);
        if copied == before {
            saw_before += 1;
        } else if copied == after {
            saw_after += 1;
        } else {
            panic!("a backup at {fraction} of the import is neither state: {}", first_difference(&before, &copied));
        }
        assert_eq!(snapshot(&db), after, "the import under a backup");
    }
    println!(
        "backups during an import of {} rows ({} ms): {saw_before} before, {saw_after} after, {stopped} stopped",
        per_engine(100_000, 20_000),
        full.as_millis()
    );
}
