//! The same commands on PostgreSQL (issue 12): a throwaway server, started here from Debian's
//! `postgresql` package (or named by `$XUESHI_TEST_PG`, a base URL whose databases the tests may
//! create), and every command compared with its run on SQLite. Without a server the test says
//! "skipped: …" on standard error, and fails when `$CI` is set: CI installs PostgreSQL.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::common::{xueshi, Run, School};
use crate::output::skipped;

/// A PostgreSQL server for one test: its own cluster in a temporary folder (stopped when dropped),
/// or the one `$XUESHI_TEST_PG` names.
pub struct Server {
    /// postgresql://USER@HOST:PORT, without a database.
    base: String,
    own: Option<(Child, tempfile::TempDir)>,
}

/// A server, or `None` after saying why there is none (a failure on CI, which installs one).
pub fn server() -> Option<Server> {
    match Server::start() {
        Ok(server) => Some(server),
        Err(why) => {
            assert!(std::env::var_os("CI").is_none(), "CI must run the PostgreSQL tests, but: {why}");
            skipped(&format!("PostgreSQL tests: {why}"));
            None
        }
    }
}

/// The one server of this test process, on which every `School` runs when
/// `$XUESHI_TEST_ENGINE=postgres`: started at the first call, and stopped (its folder removed) by
/// a watchdog once this process has ended, since a static is never dropped. A server that cannot
/// be had there fails the test: that engine was asked for.
pub fn shared() -> &'static Server {
    static SHARED: std::sync::OnceLock<Server> = std::sync::OnceLock::new();
    SHARED.get_or_init(|| {
        let server = Server::start().unwrap_or_else(|why| panic!("XUESHI_TEST_ENGINE=postgres, but: {why}"));
        if let Some((child, dir)) = &server.own {
            let script = format!(
                "while kill -0 {me} 2>/dev/null; do sleep 0.5; done; kill -TERM {pg}; \
                 while kill -0 {pg} 2>/dev/null; do sleep 0.2; done; rm -rf '{dir}'",
                me = std::process::id(),
                pg = child.id(),
                dir = dir.path().display()
            );
            // Never waited for: it outlives this process on purpose.
            let watchdog = Command::new("sh")
                .args(["-c", &script])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("a watchdog for the shared PostgreSQL server");
            std::mem::forget(watchdog);
        }
        server
    })
}

impl Server {
    fn start() -> Result<Server, String> {
        if let Ok(base) = std::env::var("XUESHI_TEST_PG") {
            return Ok(Server { base: base.trim_end_matches('/').to_string(), own: None });
        }
        let bin = newest_bin().ok_or("no /usr/lib/postgresql/*/bin/initdb (apt-get install postgresql)")?;
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let data = dir.path().join("data");
        // PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user.
        let uid = postgres_uid()?;
        if let Some((uid, gid)) = uid {
            std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid)).map_err(|e| e.to_string())?;
        }
        let as_owner = |program: PathBuf| {
            let mut cmd = Command::new(program);
            if let Some((uid, gid)) = uid {
                use std::os::unix::process::CommandExt;
                cmd.uid(uid).gid(gid);
            }
            cmd.stdout(Stdio::null()).stderr(Stdio::piped());
            cmd
        };
        let out = as_owner(bin.join("initdb"))
            .args(["-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync", "-D"])
            .arg(&data)
            .output()
            .map_err(|e| format!("initdb: {e}"))?;
        if !out.status.success() {
            return Err(format!("initdb failed: {}", String::from_utf8_lossy(&out.stderr)));
        }
        let port =
            std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_err(|e| e.to_string())?.port();
        let child = as_owner(bin.join("postgres"))
            .arg("-D")
            .arg(&data)
            .args(["-p", &port.to_string(), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-k"])
            .arg(dir.path())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("postgres: {e}"))?;
        let server = Server { base: format!("postgresql://postgres@127.0.0.1:{port}"), own: Some((child, dir)) };
        let deadline = Instant::now() + Duration::from_secs(30);
        while postgres::Client::connect(&format!("{}/postgres", server.base), postgres::NoTls).is_err() {
            if Instant::now() > deadline {
                return Err("the server did not start within 30 s".into());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(server)
    }

    /// The URL of a new, empty database on the server.
    pub fn database(&self) -> String {
        static N: AtomicUsize = AtomicUsize::new(0);
        let name = format!("xueshi_{}_{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed));
        let mut client =
            postgres::Client::connect(&format!("{}/postgres", self.base), postgres::NoTls).expect("connect");
        client.batch_execute(&format!("CREATE DATABASE {name}")).expect("create a database");
        format!("{}/{name}", self.base)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some((child, _)) = &mut self.own {
            // SIGTERM to the server this test started: a smart shutdown, then wait for it.
            let _ = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status();
            let _ = child.wait();
        }
    }
}

/// The bin folder of the newest PostgreSQL of Debian's packages.
pub fn newest_bin() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| {
            let e = e.ok()?;
            let v = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((v, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

/// The postgres user's ids when this runs as root (else `None`: the cluster is ours).
fn postgres_uid() -> Result<Option<(u32, u32)>, String> {
    let id = |flag: &str, who: Option<&str>| -> Option<u32> {
        let out = Command::new("id").arg(flag).args(who).output().ok()?;
        String::from_utf8_lossy(&out.stdout).trim().parse().ok()
    };
    if id("-u", None) != Some(0) {
        return Ok(None);
    }
    match (id("-u", Some("postgres")), id("-g", Some("postgres"))) {
        (Some(uid), Some(gid)) => Ok(Some((uid, gid))),
        _ => Err("running as root, and there is no postgres user to run the server as".into()),
    }
}

fn run(dir: &Path, db: &Path, args: &[&str]) -> Run {
    Run::from_output(xueshi(dir, db).args(args).output().expect("run xueshi"))
}

#[test]
fn the_same_commands_say_the_same_on_postgresql() {
    let Some(server) = server() else { return };
    let sqlite = School::empty();
    let pg = PathBuf::from(server.database());
    run(sqlite.dir.path(), &sqlite.db(), &["init"]).ok();
    run(sqlite.dir.path(), &pg, &["init"]).ok();
    let both = |args: &[&str]| -> String {
        let on_sqlite = run(sqlite.dir.path(), &sqlite.db(), args);
        let on_pg = run(sqlite.dir.path(), &pg, args);
        assert_eq!(
            (on_pg.code, &on_pg.stdout, &on_pg.stderr),
            (on_sqlite.code, &on_sqlite.stdout, &on_sqlite.stderr),
            "{args:?} on PostgreSQL (left) and SQLite (right)"
        );
        on_sqlite.stdout
    };
    both(&["branch", "add", "NK1", "内科一支部"]);
    both(&["learner", "add", "0012", "张三", "--branch", "NK1", "--category", "正式党员"]);
    both(&["learner", "add", "0031", "李四", "--branch", "NK1", "--category", "cadre", "--joined", "2024-03-01"]);
    both(&["course", "add", "DS01", "党史学习教育专题党课", "--kind", "theory", "--mode", "offline", "--hours", "2"]);
    let id = both(&["session", "add", "--course", "DS01", "--date", "2024-03-15"]);
    let id = id.trim();
    both(&["attend", id, "0012", "0031"]);
    both(&["attend", id, "0031", "--status", "迟到", "--hours", "1.5", "--update"]);
    let report = both(&["report", "year", "2024", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&report).expect("the report is JSON");
    assert!(report.contains("0031"), "{json}");
}

/// A run of xueshi on `url` (a server's database) in school `school`, in folder `dir`.
pub fn in_school(dir: &Path, url: &str, school: &str, args: &[&str]) -> Run {
    let db = PathBuf::from(format!("{url}#{school}"));
    Run::from_output(xueshi(dir, &db).args(args).output().expect("run xueshi"))
}

/// The server to use: the shared one when every test runs on PostgreSQL, else one of its own.
fn some_server() -> Option<std::borrow::Cow<'static, Server>> {
    if crate::common::on_postgres() {
        return Some(std::borrow::Cow::Borrowed(shared()));
    }
    server().map(std::borrow::Cow::Owned)
}

impl Clone for Server {
    /// Only a borrowed server is ever cloned (`Cow`): the clone names the same one, owning nothing.
    fn clone(&self) -> Server {
        Server { base: self.base.clone(), own: None }
    }
}

#[test]
fn two_schools_on_one_server_keep_the_same_staff_id_apart() {
    let Some(server) = some_server() else { return };
    let url = server.database();
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = ("renji", "ruijin");
    for (school, name, hours) in [(a, "张三", "2"), (b, "李四", "3")] {
        let init = in_school(dir.path(), &url, school, &["init"]).ok();
        assert!(init.stderr.contains("created"), "{}", init.stderr);
        let run = |args: &[&str]| in_school(dir.path(), &url, school, args).ok();
        run(&["branch", "add", "NK1", "内科一支部"]);
        run(&["learner", "add", "0012", name, "--branch", "NK1", "--category", "正式党员"]);
        run(&[
            "course",
            "add",
            "DS01",
            "党史学习教育专题党课",
            "--kind",
            "theory",
            "--mode",
            "offline",
            "--hours",
            hours,
        ]);
        let id = run(&["session", "add", "--course", "DS01", "--date", "2024-03-15"]).stdout;
        run(&["attend", id.trim(), "0012"]);
    }
    // Each school sees its own 0012, with its own hours; the other's never.
    for (school, name, total) in [(a, "张三", 2.0), (b, "李四", 3.0)] {
        let list = in_school(dir.path(), &url, school, &["learner", "list", "--format", "json"]).ok().json();
        let list = list.as_array().unwrap();
        assert_eq!(list.len(), 1, "{school}: {list:?}");
        assert_eq!(list[0]["name"], name);
        let report = in_school(dir.path(), &url, school, &["report", "year", "2024", "--format", "json"]).ok().json();
        assert_eq!(report["learners"][0]["total"].as_f64(), Some(total), "{school}: {report}");
    }
    // A change in one school leaves the other alone.
    in_school(dir.path(), &url, a, &["learner", "set", "0012", "--name", "张三丰"]).ok();
    let list = in_school(dir.path(), &url, b, &["learner", "list", "--format", "json"]).ok().json();
    assert_eq!(list[0]["name"], "李四");
    // The commission's table: one line per school (the default school has no tables here).
    let schools = in_school(dir.path(), &url, a, &["report", "schools", "2024", "--format", "json"]).ok().json();
    let lines = schools["schools"].as_array().unwrap();
    let codes: Vec<&str> = lines.iter().map(|l| l["school"].as_str().unwrap()).collect();
    assert_eq!(codes, [a, b]);
    assert_eq!((lines[0]["learners"].as_i64(), lines[0]["met"].as_i64()), (Some(1), Some(0)));
    assert_eq!(lines[1]["average_total"].as_f64(), Some(3.0));
    let csv = in_school(dir.path(), &url, b, &["report", "schools", "2024", "--format", "csv"]).ok().stdout;
    assert!(csv.contains("School") && csv.contains("ruijin"), "{csv}");
    // Without --school too: the table spans the server, whose default school was never made.
    let all = run(dir.path(), Path::new(&url), &["report", "schools", "2024", "--format", "json"]).ok().json();
    assert_eq!(all["schools"].as_array().map(Vec::len), Some(2), "{all}");
    // A school not made yet is named, and nothing is created by a command other than init.
    let r = in_school(dir.path(), &url, "xiehe", &["learner", "list"]).expect(1);
    assert!(r.stderr.contains("no school xiehe") && r.stderr.contains("init --school xiehe"), "{}", r.stderr);
    let r = in_school(dir.path(), &url, "bad-code", &["learner", "list"]).expect(2);
    assert!(r.stderr.contains("letters, digits and underscores"), "{}", r.stderr);
}

#[test]
fn a_sqlite_file_is_one_school() {
    let s = School::empty();
    let file = s.dir.path().join("one.db");
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = xueshi(s.dir.path(), &file);
        for (k, v) in env {
            cmd.env(k, v);
        }
        Run::from_output(cmd.args(args).output().expect("run xueshi"))
    };
    run(&["init"], &[]).ok();
    let r = run(&["--school", "renji", "learner", "list"], &[]).expect(2);
    assert!(r.stderr.contains("a SQLite file is one school"), "{}", r.stderr);
    let r = run(&["learner", "list"], &[("XUESHI_SCHOOL", "renji"), ("XUESHI_LANG", "zh")]).expect(2);
    assert!(r.stderr.contains("一个 SQLite 文件就是一所学校"), "{}", r.stderr);
    let r = run(&["report", "schools", "2024"], &[]).expect(2);
    assert!(r.stderr.contains("PostgreSQL server"), "{}", r.stderr);
}
