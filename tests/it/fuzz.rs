//! Fuzzing of imports (SPEC §3, §6, §7): hostile sheets (tests/it/hostile.rs) imported into a
//! school by the real binary, under every import kind and the flags that change how a file is
//! read. Whatever the input: exit 0, 65 or 66; never a panic; never a hang (killed after 10 s);
//! `check` passes after; a refused import, or a dry run, leaves every row as it was.
//!
//! `cargo test` runs a bounded number of inputs from a fixed seed; `bench/fuzz.sh N [SEED]` runs
//! N. An input that ever failed is kept under fixtures/fuzz/ with the command that failed on it
//! (`NAME.args`), and `kept_inputs_stay_fixed` imports it again.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::common::{beside, copy_db, fixture, on_postgres, run_within, sample, settle, snapshot, xueshi, School};
use crate::hostile::{generate, Input, Rng, Seed};

/// An import that takes longer than this has hung.
const LIMIT: Duration = Duration::from_secs(10);
const KINDS: [&str; 5] = ["learners", "courses", "attendance", "results", "online"];
/// The bounded run of `cargo test`, per school: a few tens of seconds on two cores (on
/// PostgreSQL, where an input costs a few times as much, the first half of them).
const BOUNDED: usize = 200;
const BOUNDED_SEED: u64 = 20_241_115;

/// A school to import into, restored after every import that wrote: its database, a pristine
/// copy, the snapshot of that copy, the commands to try and the sheets to damage.
struct World {
    name: &'static str,
    school: School,
    base: PathBuf,
    before: String,
    /// (import kind, its flags) for every way this school's sheets are imported.
    targets: Vec<(&'static str, Vec<&'static str>)>,
    seeds: Vec<Seed>,
}

impl World {
    fn named(name: &str) -> World {
        match name {
            "demo" => World::demo(),
            "samples" => World::samples(),
            other => panic!("no fuzz world named {other:?}"),
        }
    }

    /// The demo school of 2025 (`xueshi demo`), and the sheets of fixtures/demo.
    fn demo() -> World {
        let school = School::empty();
        school.run(&["demo"]).ok();
        let targets = vec![
            ("learners", vec![]),
            ("learners", vec!["--create-branches"]),
            ("courses", vec![]),
            ("attendance", vec![]),
            ("attendance", vec!["--session", "1"]),
            ("attendance", vec!["--course", "DS01", "--date", "2025-01-17"]),
            ("attendance", vec!["--course", "LL01", "--date", "2025-03-01", "--hours", "1.5"]),
            ("results", vec!["--assessment", "Q1"]),
            ("results", vec!["--assessment", "C1"]),
            ("results", vec!["--assessment", "E1"]),
            ("online", vec![]),
        ];
        World::finish("demo", school, targets, &["demo"])
    }

    /// The sample school of 2024 (shared/samples, copied to fixtures/samples), and the sheets of
    /// fixtures/samples and fixtures/import.
    fn samples() -> World {
        let school = School::new();
        let s = |name: &str| fixture(&format!("samples/{name}")).display().to_string();
        for line in [
            vec!["branch", "add", "NK1", "内科一支部"],
            vec!["branch", "add", "WK1", "外科一支部"],
            vec!["branch", "add", "XZ", "行政后勤支部"],
            vec!["import", "learners", &s("learners.csv")],
            vec!["import", "courses", &s("courses.csv")],
            vec![
                "assessment",
                "add",
                "Q1",
                "党章党规知识测试",
                "--kind",
                "quiz",
                "--date",
                "2024-06-28",
                "--hours",
                "2",
            ],
            vec![
                "assessment",
                "add",
                "C1",
                "党的二十大精神知识竞赛",
                "--kind",
                "contest",
                "--date",
                "2024-10-15",
                "--hours",
                "1",
                "--award",
                "first=3",
                "--award",
                "second=2",
            ],
            vec![
                "import",
                "attendance",
                &s("signin-DS01-2024-03-15.gbk.csv"),
                "--course",
                "DS01",
                "--date",
                "2024-03-15",
            ],
            vec!["import", "results", &s("results-Q1.gbk.csv"), "--assessment", "Q1"],
            vec!["import", "online", &s("online.utf16.csv")],
        ] {
            school.run(&line).ok();
        }
        let targets = vec![
            ("learners", vec![]),
            ("learners", vec!["--create-branches"]),
            ("courses", vec![]),
            ("attendance", vec![]),
            ("attendance", vec!["--session", "1"]),
            ("attendance", vec!["--course", "DS01", "--date", "2024-03-15"]),
            ("attendance", vec!["--course", "LL02", "--date", "2024-05-20"]),
            ("results", vec!["--assessment", "Q1"]),
            ("results", vec!["--assessment", "C1"]),
            ("online", vec![]),
        ];
        World::finish("samples", school, targets, &["samples", "import"])
    }

    fn finish(
        name: &'static str,
        school: School,
        targets: Vec<(&'static str, Vec<&'static str>)>,
        folders: &[&str],
    ) -> World {
        settle(&school.db());
        let base = beside(&school.db(), "base");
        copy_db(&school.db(), &base);
        let before = snapshot(&base);
        let mut seeds = Vec::new();
        for folder in folders {
            let mut names: Vec<PathBuf> = std::fs::read_dir(fixture(folder))
                .expect("a fixture folder")
                .map(|e| e.expect("a fixture").path())
                .filter(|p| p.extension().is_some_and(|e| e == "csv" || e == "xlsx"))
                .collect();
            names.sort();
            for path in names {
                let name = format!("{folder}/{}", path.file_name().unwrap_or_default().to_string_lossy());
                seeds.push(Seed { name, bytes: std::fs::read(&path).expect("a fixture") });
            }
        }
        World { name, school, base, before, targets, seeds }
    }

    fn restore(&self) {
        copy_db(&self.base, &self.school.db());
    }

    /// Imports `file` with `args` (the import kind, then flags) and checks everything that must
    /// hold after; the database is as before afterwards. The exit code, or what did not hold.
    fn try_import(&self, file: &Path, args: &[&str]) -> Result<i32, String> {
        let result = self.import_and_check(file, args);
        if result.is_err() || (result == Ok(0) && !args.contains(&"--dry-run")) {
            self.restore();
        }
        result
    }

    fn import_and_check(&self, file: &Path, args: &[&str]) -> Result<i32, String> {
        let dir = self.school.dir.path();
        let mut cmd = xueshi(dir, &self.school.db());
        cmd.args(["--lang", "en", "import", args[0]]).arg(file).args(&args[1..]);
        let run = run_within(cmd, dir, LIMIT).ok_or_else(|| format!("hung: killed after {} s", LIMIT.as_secs()))?;
        let said = || format!("exit {}\n--- stdout\n{}\n--- stderr\n{}", run.code, cut(&run.stdout), cut(&run.stderr));
        if run.stderr.contains("panicked") {
            return Err(format!("panicked: {}", said()));
        }
        if ![0, 65, 66].contains(&run.code) {
            return Err(format!("not exit 0, 65 or 66: {}", said()));
        }
        let mut cmd = xueshi(dir, &self.school.db());
        cmd.args(["--lang", "en", "check"]);
        let check = run_within(cmd, dir, LIMIT).ok_or("check hung")?;
        if check.code != 0 {
            return Err(format!("check fails after the import ({}): {}\n{}", said(), check.stdout, check.stderr));
        }
        let wrote = run.code == 0 && !args.contains(&"--dry-run");
        if !wrote {
            let now = snapshot(&self.school.db());
            if now != self.before {
                return Err(format!("the database changed: {}\n{}", first_difference(&self.before, &now), said()));
            }
        }
        Ok(run.code)
    }
}

/// The start of a long text, for a message.
fn cut(text: &str) -> &str {
    let mut end = text.len().min(2000);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn first_difference(a: &str, b: &str) -> String {
    let (mut la, mut lb) = (a.lines(), b.lines());
    loop {
        match (la.next(), lb.next()) {
            (Some(x), Some(y)) if x == y => continue,
            (x, y) => return format!("before: {:?}, after: {:?}", x.map(cut), y.map(cut)),
        }
    }
}

/// What the import of a sheet of this name is.
fn natural_kind(seed: &str) -> &'static str {
    let name = seed.rsplit('/').next().unwrap_or(seed);
    KINDS.iter().find(|k| name.starts_with(*k)).copied().unwrap_or("attendance")
}

/// One input of a run, and the command that imports it.
struct Case {
    args: Vec<&'static str>,
    input: Input,
}

/// Input `index` of the run from `seed`: its own generator, so that any one can be made again
/// alone. Kinds take turns; most inputs are damaged sheets of their own kind.
fn case(world: &World, seed: u64, index: usize) -> Case {
    let mut rng = Rng::new(Rng::new(seed).next() ^ index as u64);
    let kind = KINDS[index % KINDS.len()];
    let own: Vec<&Seed> = world.seeds.iter().filter(|s| natural_kind(&s.name) == kind).collect();
    let sheet = if !own.is_empty() && !rng.one_in(4) { *rng.pick(&own) } else { rng.pick(&world.seeds) };
    let targets: Vec<&Vec<&str>> = world.targets.iter().filter(|(k, _)| *k == kind).map(|(_, f)| f).collect();
    let mut args = vec![kind];
    args.extend(rng.pick(&targets).iter());
    if rng.one_in(3) {
        args.push("--update");
    }
    if rng.one_in(6) {
        args.push("--dry-run");
    }
    if rng.one_in(10) {
        args.extend(["--encoding", *rng.pick(&["utf-8", "gb18030", "auto"])]);
    }
    Case { args, input: generate(&mut rng, sheet) }
}

/// Runs inputs `0..count` of `seed` against a world; each one that fails is written to `keep`
/// with its command. Returns the failures' descriptions.
fn fuzz(world: &World, seed: u64, count: usize, keep: &Path) -> Vec<String> {
    let mut failures = Vec::new();
    // Inputs that exited 0, 65 and 66.
    let mut exits = [0usize; 3];
    let start = Instant::now();
    for index in 0..count {
        let case = case(world, seed, index);
        let file = world.school.path(&format!("input-{index}.{}", case.input.ext));
        std::fs::write(&file, &case.input.bytes).expect("write an input");
        match world.try_import(&file, &case.args) {
            Ok(code) => exits[[0, 65, 66].iter().position(|c| *c == code).unwrap_or(0)] += 1,
            Err(why) => {
                let name = format!("{}-{seed}-{index}", world.name);
                std::fs::create_dir_all(keep).expect("a folder for failed inputs");
                std::fs::write(keep.join(format!("{name}.{}", case.input.ext)), &case.input.bytes)
                    .expect("keep the input");
                std::fs::write(keep.join(format!("{name}.args")), format!("{} {}\n", world.name, case.args.join(" ")))
                    .expect("keep its command");
                failures.push(format!(
                    "{name} ({}; import {}): {why}",
                    case.input.how.chars().take(300).collect::<String>(),
                    case.args.join(" ")
                ));
            }
        }
        let _ = std::fs::remove_file(&file);
        if (index + 1) % 1000 == 0 {
            eprintln!(
                "fuzz: {}: {} inputs, {} failed, {:.0} s",
                world.name,
                index + 1,
                failures.len(),
                start.elapsed().as_secs_f64()
            );
        }
    }
    eprintln!(
        "fuzz: {}: {count} inputs (seed {seed}) in {:.1} s: {} imported, {} refused (65), {} unreadable (66), {} failed",
        world.name,
        start.elapsed().as_secs_f64(),
        exits[0],
        exits[1],
        exits[2],
        failures.len()
    );
    failures
}

fn bounded(world: World) {
    let keep = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-failures");
    let count = if on_postgres() { BOUNDED / 2 } else { BOUNDED };
    let failures = fuzz(&world, BOUNDED_SEED, count, &keep);
    assert!(
        failures.is_empty(),
        "{} of {count} hostile inputs failed (kept in {}: move them to fixtures/fuzz/):\n{}",
        failures.len(),
        keep.display(),
        failures.join("\n\n")
    );
}

#[test]
fn hostile_sheets_into_the_demo_school() {
    bounded(World::demo());
}

#[test]
fn hostile_sheets_into_the_sample_school() {
    bounded(World::samples());
}

/// `bench/fuzz.sh N [SEED]`: N inputs (`XUESHI_FUZZ_INPUTS`) from SEED (`XUESHI_FUZZ_SEED`, else
/// the clock), half into each school, one thread each; failed inputs go to fixtures/fuzz/.
#[test]
#[ignore = "long: run by bench/fuzz.sh"]
fn long_run() {
    let count: usize = std::env::var("XUESHI_FUZZ_INPUTS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let seed: u64 = std::env::var("XUESHI_FUZZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_secs())
    });
    let keep = fixture("fuzz");
    let failures: Vec<String> = std::thread::scope(|scope| {
        let keep = &keep;
        let runs: Vec<_> = [("demo", count / 2), ("samples", count - count / 2)]
            .into_iter()
            .map(|(name, n)| scope.spawn(move || fuzz(&World::named(name), seed, n, keep)))
            .collect();
        runs.into_iter().flat_map(|h| h.join().expect("a fuzz thread")).collect()
    });
    println!("fuzz: {count} inputs run (seed {seed}), {} failed", failures.len());
    for f in &failures {
        println!("\n{f}");
    }
    assert!(failures.is_empty(), "{} inputs failed; they are kept in {}", failures.len(), keep.display());
}

/// Every input kept under fixtures/fuzz/: the command that once failed on it, and the input under
/// every other import of its school.
#[test]
fn kept_inputs_stay_fixed() {
    let folder = fixture("fuzz");
    let mut kept: Vec<PathBuf> = std::fs::read_dir(&folder)
        .map(|d| {
            d.map(|e| e.expect("a kept input").path()).filter(|p| p.extension().is_some_and(|e| e == "args")).collect()
        })
        .unwrap_or_default();
    kept.sort();
    let mut worlds: Vec<World> = Vec::new();
    let mut failures = Vec::new();
    for args_file in kept {
        let line = std::fs::read_to_string(&args_file).expect("a kept command");
        let words: Vec<&str> = line.split_whitespace().collect();
        let input = ["csv", "xlsx"]
            .iter()
            .map(|ext| args_file.with_extension(ext))
            .find(|p| p.exists())
            .unwrap_or_else(|| panic!("{} has no input beside it", args_file.display()));
        if !worlds.iter().any(|w| w.name == words[0]) {
            worlds.push(World::named(words[0]));
        }
        let world = worlds.iter().find(|w| w.name == words[0]).expect("its world");
        let mut commands: Vec<Vec<&str>> = vec![words[1..].to_vec()];
        commands.extend(
            world.targets.iter().map(|(kind, flags)| std::iter::once(*kind).chain(flags.iter().copied()).collect()),
        );
        for args in commands {
            if let Err(why) = world.try_import(&input, &args) {
                failures.push(format!("{} (import {}): {why}", input.display(), args.join(" ")));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A value typed far down a workbook (here at XFD1048576, Excel's last cell) once made the reader
/// allocate every cell up to it: 550 GB, and an abort. The sheet is read as what it holds.
#[test]
fn a_stray_value_at_the_foot_of_a_workbook_is_read_like_any_other() {
    let world = World::samples();
    let sheet = fixture("fuzz/samples-one-cell-at-XFD1048576.xlsx").display().to_string();
    let out = world.school.run(&["import", "attendance", &sheet, "--course", "LL02", "--date", "2024-05-20"]).ok();
    // Staff id 1 in A2 (a number cell: learner 0001); the row of XFD1048576 has no staff id.
    assert!(out.stdout.contains("1 new"), "{}", out.stdout);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
}

/// The sample sheets are the shared ones: the copy under fixtures/samples has not drifted.
#[test]
fn the_sample_fixtures_are_the_shared_samples() {
    for entry in std::fs::read_dir(fixture("samples")).expect("fixtures/samples") {
        let path = entry.expect("a sample").path();
        let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        if let Some(shared) = sample(&name) {
            assert!(
                std::fs::read(&shared).ok() == std::fs::read(&path).ok(),
                "fixtures/samples/{name} differs from the shared sample"
            );
        }
    }
}
