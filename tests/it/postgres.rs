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

fn newest_bin() -> Option<PathBuf> {
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
