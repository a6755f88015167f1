//! The harness: a temporary folder with its own database, running the real `xueshi` binary.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

/// A fresh folder and database for one test.
pub struct School {
    pub dir: tempfile::TempDir,
}

/// What one run printed, and how it ended.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Asserts the exit code, printing all three on failure.
    #[track_caller]
    pub fn expect(self, code: i32) -> Run {
        assert_eq!(self.code, code, "exit code\n--- stdout\n{}\n--- stderr\n{}", self.stdout, self.stderr);
        self
    }

    pub fn ok(self) -> Run {
        self.expect(0)
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", self.stdout))
    }
}

impl School {
    /// An empty folder; the database is not created yet.
    pub fn empty() -> School {
        School { dir: tempfile::tempdir().expect("a temporary folder") }
    }

    /// A folder with an initialised database.
    pub fn new() -> School {
        let s = School::empty();
        s.run(&["init"]).ok();
        s
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("school.db")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes a file into the folder and returns its path.
    pub fn file(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, bytes).expect("write a test file");
        p
    }

    /// Runs `xueshi --db school.db --lang en ARGS` (or the `--lang` of ARGS) in the folder, with a
    /// fixed today and operator.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_env(args, &[])
    }

    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = Command::cargo_bin("xueshi").expect("the xueshi binary");
        cmd.current_dir(self.dir.path())
            .env_remove("XUESHI_DB")
            .env_remove("XUESHI_LANG")
            .env("XUESHI_OPERATOR", "tester")
            .env("XUESHI_TODAY", "2025-01-15")
            .env("LANG", "C")
            .env("NO_COLOR", "1")
            .arg("--db")
            .arg(self.db());
        // English unless the test asks for a language itself (clap refuses --lang twice).
        if !args.contains(&"--lang") {
            cmd.arg("--lang").arg("en");
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        Run::from(cmd.args(args).output().expect("run xueshi"))
    }

    /// The year report as JSON.
    pub fn year(&self, year: i32) -> serde_json::Value {
        self.run(&["report", "year", &year.to_string(), "--format", "json"]).ok().json()
    }

    /// Every stored row of every record table, for "nothing changed" checks.
    pub fn dump(&self) -> String {
        let conn = rusqlite::Connection::open(self.db()).expect("open the database");
        let mut out = String::new();
        for table in [
            "branch",
            "learner",
            "course",
            "session",
            "attendance",
            "assessment",
            "result",
            "online",
            "rule_by_year",
            "spell",
            "category_change",
            "branch_change",
            "exemption",
            "closed_year",
            "import_batch",
        ] {
            let mut stmt = conn.prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2")).unwrap();
            let n = stmt.column_count();
            let rows = stmt
                .query_map([], |r| {
                    Ok((0..n).map(|i| format!("{:?}", r.get_ref(i).unwrap())).collect::<Vec<_>>().join("|"))
                })
                .unwrap();
            out.push_str(&format!("[{table}]\n"));
            for row in rows {
                out.push_str(&row.unwrap());
                out.push('\n');
            }
        }
        out
    }
}

/// A fixture file of the repository.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name)
}

/// A sample sheet of ../shared/samples, if that folder is there.
pub fn sample(name: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/samples").join(name);
    p.exists().then_some(p)
}

/// Compares with a golden file under tests/golden; `UPDATE_GOLDEN=1` rewrites it.
#[track_caller]
pub fn golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("no golden file {} (run with UPDATE_GOLDEN=1 to create it)", path.display()));
    assert!(expected == actual, "{} differs:\n--- expected\n{expected}\n--- actual\n{actual}", path.display());
}
