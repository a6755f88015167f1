//! Who did it, on PostgreSQL (issue 12): the audit log's operator is the database role, which
//! `--operator` cannot change; `grant ROLE --branch CODE` lets a secretary's role change only its
//! branch's learners' records (anything else is exit 65 with nothing written), `--school-wide`
//! every branch's. Against a throwaway server (`postgres::server`); skipped without one.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::common::{xueshi, Run, School};
use crate::postgres::{in_school, server};

fn run(dir: &Path, db: &str, args: &[&str]) -> Run {
    Run::from_output(xueshi(dir, &PathBuf::from(db)).args(args).output().expect("run xueshi"))
}

/// `url` (postgresql://USER@HOST/DB, or USER:PASSWORD@) as another user.
fn as_user(url: &str, user: &str, password: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a URL");
    let host = rest.split_once('@').map_or(rest, |(_, host)| host);
    format!("{scheme}://{user}:{password}@{host}")
}

/// A login role new to the server (roles are the cluster's, shared by every test's database).
fn new_role(admin: &mut postgres::Client, what: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    let name = format!("{what}_{}_{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed));
    admin.batch_execute(&format!("CREATE ROLE {name} LOGIN PASSWORD 'pw'")).expect("create a role");
    name
}

fn count(admin: &mut postgres::Client, sql: &str) -> i64 {
    admin.query_one(sql, &[]).expect(sql).get(0)
}

#[test]
fn a_secretary_changes_only_the_records_of_their_branch() {
    let Some(server) = server() else { return };
    let dir = School::empty();
    let d = dir.dir.path();
    let db = server.database();
    let mut admin = postgres::Client::connect(&db, postgres::NoTls).expect("connect");
    let as_admin = |args: &[&str]| run(d, &db, args).ok();
    as_admin(&["init"]);
    as_admin(&["branch", "add", "NK1", "内科一支部"]);
    as_admin(&["branch", "add", "WK1", "外科一支部"]);
    as_admin(&["learner", "add", "0012", "张三", "--branch", "NK1", "--category", "member"]);
    as_admin(&["learner", "add", "0040", "王五", "--branch", "NK1", "--category", "member"]);
    as_admin(&["learner", "add", "0050", "赵六", "--branch", "NK1", "--category", "member"]);
    as_admin(&["learner", "add", "0031", "李四", "--branch", "WK1", "--category", "member"]);
    as_admin(&["course", "add", "DS01", "党史", "--kind", "theory", "--mode", "offline", "--hours", "2"]);
    let id = as_admin(&["session", "add", "--course", "DS01", "--date", "2024-03-15"]).stdout.trim().to_string();

    // The admin's changes are the admin role's, whatever $XUESHI_OPERATOR (tester) says.
    let user: String = admin.query_one("SELECT session_user::text", &[]).unwrap().get(0);
    let operators: Vec<String> =
        admin.query("SELECT DISTINCT operator FROM audit", &[]).unwrap().iter().map(|r| r.get(0)).collect();
    assert_eq!(operators, vec![user.clone()]);
    // --operator is refused on a server, in both languages.
    let refused = run(d, &db, &["--operator", "li", "branch", "add", "X1", "某支部"]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(refused.stderr.contains("--operator cannot be used with a PostgreSQL database"), "{}", refused.stderr);
    let refused = run(d, &db, &["--lang", "zh", "--operator", "li", "branch", "list"]);
    assert!(refused.stderr.contains("不能使用 --operator"), "{}", refused.stderr);
    assert_eq!(count(&mut admin, "SELECT COUNT(*) FROM branch"), 2);

    let r = run(d, &db, &["grant", "nobody_at_all", "--branch", "NK1"]);
    assert!(r.code == 65 && r.stderr.contains("there is no database role \"nobody_at_all\""), "{}", r.stderr);
    let nk1 = new_role(&mut admin, "nk1");
    let r = run(d, &db, &["grant", &nk1, "--branch", "XX9"]);
    assert_eq!(r.code, 65, "{}", r.stderr);
    // Granted school-wide first, then NK1 alone: the second grant replaces the first, audited.
    as_admin(&["grant", &nk1, "--school-wide"]);
    let granted = as_admin(&["grant", &nk1, "--branch", "NK1"]);
    let said = format!("role {nk1} reads the whole school and changes only the records of branch NK1's learners");
    assert!(granted.stderr.contains(&said), "{}", granted.stderr);
    let grants = count(&mut admin, "SELECT COUNT(*) FROM audit WHERE entity = 'grant'");
    assert_eq!(grants, 2);
    let log = as_admin(&["audit", "--format", "json"]).stdout;
    assert!(log.contains("\"grant\"") && log.contains(&nk1), "{log}");
    as_admin(&["--lang", "zh", "audit"]);
    let secretary = as_user(&db, &nk1, "pw");
    let as_nk1 = |args: &[&str]| run(d, &secretary, args);

    // Their branch's learner: written, audited as the role.
    as_nk1(&["attend", &id, "0012"]).ok();
    let op: String = admin
        .query_one("SELECT operator FROM audit WHERE entity = 'attendance' ORDER BY id DESC LIMIT 1", &[])
        .unwrap()
        .get(0);
    assert_eq!(op, nk1);
    // They read the whole school.
    let list = as_nk1(&["learner", "list", "--format", "csv"]).ok();
    assert!(list.stdout.contains("0031"), "{}", list.stdout);

    // Another branch's learner, alone or with one of theirs: refused, nothing written.
    let audit_before = count(&mut admin, "SELECT COUNT(*) FROM audit");
    for args in [vec!["attend", &id, "0031"], vec!["attend", &id, "0040", "0031"]] {
        let r = as_nk1(&args);
        assert_eq!(r.code, 65, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains(&format!(
                "role {nk1} may change only the records of branch NK1's learners, and 0031 is not in branch NK1"
            )),
            "{}",
            r.stderr
        );
    }
    let r = run(d, &secretary, &["--lang", "zh", "attend", &id, "0031"]);
    assert!(r.stderr.contains("只能修改 NK1 支部学员的记录"), "{}", r.stderr);
    assert_eq!(count(&mut admin, "SELECT COUNT(*) FROM attendance"), 1);
    assert_eq!(count(&mut admin, "SELECT COUNT(*) FROM audit"), audit_before);
    // Nor other branches' learners' lives or online hours, nor the school's courses.
    let outside = "0031 is not in branch NK1: nothing was written";
    let r = as_nk1(&["learner", "exempt", "0031", "--from", "2024-06-01", "--to", "2024-06-30"]);
    assert!(r.code == 65 && r.stderr.contains(outside), "{}", r.stderr);
    let r = as_nk1(&["online", "add", "0031", "2024-03-15", "1"]);
    assert!(r.code == 65 && r.stderr.contains(outside), "{}", r.stderr);
    let r = as_nk1(&["learner", "add", "0099", "钱七", "--branch", "WK1", "--category", "member"]);
    assert!(r.code == 65 && r.stderr.contains("0099 is not in branch NK1"), "{}", r.stderr);
    as_nk1(&["learner", "add", "0098", "孙八", "--branch", "NK1", "--category", "member"]).ok();
    as_admin(&["assessment", "add", "Q1", "党章测试", "--kind", "quiz", "--date", "2024-04-01", "--hours", "1"]);
    let r = as_nk1(&["result", "add", "Q1", "0031", "--score", "90"]);
    assert!(r.code == 65 && r.stderr.contains(outside), "{}", r.stderr);
    as_nk1(&["result", "add", "Q1", "0012", "--score", "90"]).ok();
    let audit_before = count(&mut admin, "SELECT COUNT(*) FROM audit");
    let r = as_nk1(&["course", "add", "DS02", "党章", "--kind", "theory", "--mode", "offline", "--hours", "2"]);
    assert_eq!(r.code, 65, "{}", r.stderr);
    assert!(r.stderr.contains("is not allowed to do this"), "{}", r.stderr);
    assert_eq!(count(&mut admin, "SELECT COUNT(*) FROM audit"), audit_before);

    // An import is all or nothing: rows outside the branch, and none of the file goes in. Each is
    // said where it is, beside the sheet's other bad rows, as a dry run says them too.
    let sheet = d.join("attendance.csv");
    std::fs::write(&sheet, "staff_id,status\n0040,present\n0031,present\n0555,present\n").unwrap();
    let sheet_arg = sheet.to_str().unwrap();
    for dry in [false, true] {
        let mut args = vec!["import", "attendance", sheet_arg, "--session", &id];
        if dry {
            args.push("--dry-run");
        }
        let r = as_nk1(&args);
        assert_eq!(r.code, 65, "{}", r.stderr);
        let said = format!(
            "attendance.csv:3: staff_id: role {nk1} may change only the records of branch NK1's learners, and 0031 is not in branch NK1\n"
        );
        assert!(r.stderr.contains(&said), "{}", r.stderr);
        assert!(r.stderr.contains("attendance.csv:4: staff_id: staff id 0555 is not a known learner"), "{}", r.stderr);
        assert!(r.stderr.ends_with("2 problems; nothing was written\n"), "{}", r.stderr);
    }
    let r = run(d, &secretary, &["--lang", "zh", "import", "attendance", sheet_arg, "--session", &id]);
    assert!(
        r.stderr.contains("attendance.csv:3: staff_id: 角色 ") && r.stderr.contains("工号 0031 不属于 NK1 支部\n"),
        "{}",
        r.stderr
    );
    assert_eq!(count(&mut admin, "SELECT COUNT(*) FROM attendance"), 1);
    assert_eq!(count(&mut admin, "SELECT COUNT(*) FROM import_batch"), 0);
    // A roster: a new learner of another branch is refused at its row; the other branch's learners
    // it lists as stored are unchanged, and its new learner of the branch goes in, its id past the
    // identity (the next learner added gets the next id).
    let roster = d.join("roster.csv");
    let rows = "staff_id,name,branch,category\n0012,张三,NK1,member\n0031,李四,WK1,member\n0077,新人,WK1,member\n";
    std::fs::write(&roster, format!("{rows}0078,新人二,NK1,member\n")).unwrap();
    let r = as_nk1(&["import", "learners", roster.to_str().unwrap()]);
    assert_eq!(r.code, 65, "{}", r.stderr);
    let said = format!("roster.csv:4: branch: role {nk1} may change only the records of branch NK1's learners, and 0077 is not in branch NK1");
    assert!(r.stderr.contains(&said), "{}", r.stderr);
    std::fs::write(
        &roster,
        "staff_id,name,branch,category\n0012,张三,NK1,member\n0031,李四,WK1,member\n0078,新人二,NK1,member\n",
    )
    .unwrap();
    let r = as_nk1(&["import", "learners", roster.to_str().unwrap()]).ok();
    assert!(r.stdout.contains("1 new, 2 unchanged"), "{}", r.stdout);
    as_nk1(&["learner", "add", "0079", "再一个", "--branch", "NK1", "--category", "member"]).ok();
    let ids = count(&mut admin, "SELECT MAX(id) - MIN(id) FROM learner WHERE staff_id IN ('0078', '0079')");
    assert_eq!(ids, 1);
    assert_eq!(count(&mut admin, "SELECT COUNT(*) FROM import_batch"), 1);
    as_admin(&["imports", "undo", "1"]);
    as_admin(&["learner", "delete", "0079"]);
    // Their own branch's rows go in, more than the table held (no index is set aside: it is not theirs).
    std::fs::write(&sheet, "staff_id,status\n0040,present\n0050,present\n").unwrap();
    as_nk1(&["import", "attendance", sheet.to_str().unwrap(), "--session", &id]).ok();
    assert_eq!(count(&mut admin, "SELECT COUNT(*) FROM attendance"), 3);

    // A school-wide role writes any branch; of the default school's schema, only the school's
    // tables (another application's table beside them is not the grant's).
    admin.batch_execute("CREATE TABLE other_app (x INT); INSERT INTO other_app VALUES (1)").unwrap();
    let wide = new_role(&mut admin, "wide");
    as_admin(&["grant", &wide, "--school-wide"]);
    let mut as_wide_sql = postgres::Client::connect(&as_user(&db, &wide, "pw"), postgres::NoTls).unwrap();
    assert!(as_wide_sql.query("SELECT x FROM other_app", &[]).is_err(), "another application's table read");
    assert!(
        as_wide_sql.execute("INSERT INTO other_app VALUES (2)", &[]).is_err(),
        "another application's table written"
    );
    drop(as_wide_sql);
    run(d, &as_user(&db, &wide, "pw"), &["attend", &id, "0031"]).ok();
    assert_eq!(count(&mut admin, "SELECT COUNT(*) FROM attendance"), 4);
    // Nor overwrite it with an import, alongside a row of theirs: refused, nothing written. Their
    // own rows are overwritten, audited as the role.
    std::fs::write(&sheet, "staff_id,status\n0040,absent\n0031,absent\n").unwrap();
    let audit_before = count(&mut admin, "SELECT COUNT(*) FROM audit");
    let r = as_nk1(&["import", "attendance", sheet.to_str().unwrap(), "--session", &id, "--update"]);
    let said = "attendance.csv:3: staff_id: role ";
    assert!(
        r.code == 65 && r.stderr.contains(said) && r.stderr.contains("0031 is not in branch NK1\n"),
        "{}",
        r.stderr
    );
    assert_eq!(count(&mut admin, "SELECT COUNT(*) FROM attendance WHERE status = 'absent'"), 0);
    assert_eq!(count(&mut admin, "SELECT COUNT(*) FROM audit"), audit_before);
    std::fs::write(&sheet, "staff_id,status\n0040,absent\n0050,late\n").unwrap();
    let r = as_nk1(&["import", "attendance", sheet.to_str().unwrap(), "--session", &id, "--update"]).ok();
    assert!(r.stdout.contains("0 new, 0 unchanged, 2 updated"), "{}", r.stdout);
    let sql =
        format!("SELECT COUNT(*) FROM audit WHERE entity = 'attendance' AND action = 'update' AND operator = '{nk1}'");
    assert_eq!(count(&mut admin, &sql), 2);
    // The branch secretary cannot take that record back either.
    let r = as_nk1(&["attend", &id, "0031", "--remove"]);
    assert!(r.code == 65 && r.stderr.contains(outside), "{}", r.stderr);
    assert_eq!(count(&mut admin, "SELECT COUNT(*) FROM attendance"), 4);
    // Nor forge the audit log's operator by hand.
    let mut forger = postgres::Client::connect(&secretary, postgres::NoTls).expect("connect as the secretary");
    let forged = forger.execute(
        "INSERT INTO audit (at, operator, entity, key, action) VALUES ('2024-01-01', 'someone', 'x', '{}', 'insert')",
        &[],
    );
    assert!(forged.is_err(), "a forged operator was accepted");
    drop(forger);

    // The grant taken back, audited: the role then neither writes nor reads the school. Taken back
    // again, or from a role never granted, it is refused.
    let r = as_admin(&["grant", &nk1, "--revoke"]);
    assert!(r.stderr.contains(&format!("role {nk1} no longer reads or changes this school's records")), "{}", r.stderr);
    let sql =
        "SELECT COUNT(*) FROM audit WHERE entity = 'grant' AND action = 'delete' AND old = '{\"branch\":\"NK1\"}'";
    assert_eq!(count(&mut admin, sql), 1);
    let attended = count(&mut admin, "SELECT COUNT(*) FROM attendance");
    let r = as_nk1(&["attend", &id, "0098"]);
    assert_eq!(r.code, 65, "{}", r.stderr);
    assert_eq!(count(&mut admin, "SELECT COUNT(*) FROM attendance"), attended);
    // Told that the school is there but not theirs to read, and how to name the one that is.
    let unreadable = "may not read the server's default school (permission denied for table schema_version): \
                      name the school you were granted with --school CODE";
    let r = as_nk1(&["learner", "list"]);
    assert!(r.code == 65 && r.stderr.contains(unreadable), "{}", r.stderr);
    let r = run(d, &secretary, &["--lang", "zh", "learner", "list"]);
    assert!(r.code == 65 && r.stderr.contains("无权查看服务器的默认学校"), "{}", r.stderr);
    for conflict in [["--revoke", "--branch"], ["--read-only", "--branch"], ["--read-only", "--revoke"]] {
        let mut args = vec!["grant", &wide, conflict[0], conflict[1]];
        if conflict[1] == "--branch" {
            args.push("NK1");
        }
        let r = run(d, &db, &args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
    }
    // The school-wide role made a reader: it writes nothing more, keeps no row of grant_role and no
    // right to write, and the log holds each step.
    let r = as_admin(&["grant", &wide, "--read-only"]);
    assert!(r.stderr.contains(&format!("role {wide} reads the whole school and changes nothing")), "{}", r.stderr);
    let as_wide = |args: &[&str]| run(d, &as_user(&db, &wide, "pw"), args);
    let r = as_wide(&["attend", &id, "0098"]);
    assert!(r.code == 65 && r.stderr.contains("is not allowed to do this"), "{}", r.stderr);
    as_wide(&["learner", "list"]).ok();
    let rights = format!(
        "SELECT COUNT(*) FROM grant_role WHERE role = '{wide}'
         UNION ALL SELECT COUNT(*) FROM information_schema.role_table_grants
                   WHERE grantee = '{wide}' AND privilege_type <> 'SELECT'
         UNION ALL SELECT COUNT(*) FROM information_schema.role_usage_grants
                   WHERE grantee = '{wide}' AND object_type = 'SEQUENCE'"
    );
    let left: Vec<i64> = admin.query(&rights, &[]).unwrap().iter().map(|r| r.get(0)).collect();
    assert_eq!(left, [0, 0, 0]);
    as_admin(&["grant", &wide, "--revoke"]);
    let r = as_wide(&["learner", "list"]);
    assert!(r.code == 65 && r.stderr.contains(unreadable), "{}", r.stderr);
    let sql = format!(
        "SELECT string_agg(action || ' ' || COALESCE(old, '-') || ' ' || COALESCE(new, '-'), ' | ' ORDER BY id)
                       FROM audit WHERE entity = 'grant' AND key = '{{\"role\":\"{wide}\"}}'"
    );
    let chain: String = admin.query_one(&sql, &[]).unwrap().get(0);
    assert_eq!(
        chain,
        "insert - {\"branch\":null} | update {\"branch\":null} {\"read_only\":true} | delete {\"read_only\":true} -"
    );
    // A role no grant binds is refused: the server's superuser, and the owner of the school's tables.
    let user: String = admin.query_one("SELECT session_user::text", &[]).unwrap().get(0);
    for flag in ["--read-only", "--revoke"] {
        let r = run(d, &db, &["grant", &user, flag]);
        assert!(r.code == 65 && r.stderr.contains("is a superuser or owns this school's tables"), "{}", r.stderr);
    }
    // A role that may not read the default school is told how to be let in, without --school.
    let r = run(d, &as_user(&db, &nk1, "pw"), &["report", "schools", "2024"]);
    assert!(r.code == 65 && r.stderr.contains("may not read the server's default school"), "{}", r.stderr);
    assert!(r.stderr.contains("(xueshi grant ROLE --read-only)"), "{}", r.stderr);
    let r = run(d, &db, &["--lang", "zh", "grant", &nk1, "--revoke"]);
    assert!(r.code == 65 && r.stderr.contains(&format!("角色 {nk1} 在本校没有授权")), "{}", r.stderr);
    let never = new_role(&mut admin, "never");
    let r = run(d, &db, &["grant", &never, "--revoke"]);
    assert!(r.code == 65 && r.stderr.contains("has no grant in this school"), "{}", r.stderr);
}

#[test]
fn grant_is_refused_on_a_sqlite_file() {
    // A SQLite file whichever engine the other tests run on.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("school.db").display().to_string();
    run(dir.path(), &db, &["init"]).ok();
    let r = run(dir.path(), &db, &["grant", "nk1", "--branch", "NK1"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("grant works on a PostgreSQL database"), "{}", r.stderr);
    // On SQLite --operator is the operator, as before.
    run(dir.path(), &db, &["--operator", "li", "branch", "add", "NK1", "内科一支部"]).ok();
}

/// A commission's role: granted reading alone in each school, it reads the table of schools and
/// changes nothing; a school it may not read is named.
#[test]
fn a_read_only_role_reads_every_school_and_is_told_which_it_may_not() {
    let Some(server) = server() else { return };
    let dir = tempfile::tempdir().unwrap();
    let url = server.database();
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
    for school in ["renji", "ruijin"] {
        in_school(dir.path(), &url, school, &["init"]).ok();
    }
    // Granted in one school of the two: the commission's table is refused, the other school named.
    let reader = new_role(&mut admin, "commission");
    let r = in_school(dir.path(), &url, "renji", &["grant", &reader, "--read-only"]).ok();
    assert!(r.stderr.contains(&format!("role {reader} reads the whole school and changes nothing")), "{}", r.stderr);
    let as_reader = as_user(&url, &reader, "pw");
    in_school(dir.path(), &as_reader, "renji", &["report", "year", "2024"]).ok();
    let r = in_school(dir.path(), &as_reader, "renji", &["branch", "add", "NK1", "内科一支部"]);
    assert!(r.code == 65 && r.stderr.contains("is not allowed to do this"), "{}", r.stderr);
    let r = run(dir.path(), &as_reader, &["report", "schools", "2024"]);
    assert_eq!(r.code, 65, "{}", r.stderr);
    assert!(r.stderr.contains("may not read school ruijin") && !r.stderr.contains("renji"), "{}", r.stderr);
    let r = run(dir.path(), &as_reader, &["--lang", "zh", "report", "schools", "2024"]);
    assert!(r.stderr.contains("无权查看学校 ruijin") && r.stderr.contains("--read-only"), "{}", r.stderr);
    // Named by --school, the school it may not read is said to be there, not to be created.
    let r = in_school(dir.path(), &as_reader, "ruijin", &["report", "year", "2024"]);
    let said = "may not read school ruijin (permission denied for schema school_ruijin): its owner can grant it \
                (xueshi --school ruijin grant ROLE --read-only)";
    assert!(r.code == 65 && r.stderr.contains(said), "{}", r.stderr);
    // A school that is not there is one to create; the URL's password is not shown.
    let r = in_school(dir.path(), &as_reader, "nosuch", &["report", "year", "2024"]);
    assert!(r.stderr.contains("no school nosuch at ") && !r.stderr.contains(":pw@"), "{}", r.stderr);
    in_school(dir.path(), &url, "ruijin", &["grant", &reader, "--read-only"]).ok();
    let table = run(dir.path(), &as_reader, &["report", "schools", "2024", "--format", "csv"]).ok().stdout;
    assert!(table.contains("renji") && table.contains("ruijin"), "{table}");
    // Reading alone is a grant like the others: audited, and taken back.
    let log = in_school(dir.path(), &url, "ruijin", &["audit", "--format", "json"]).ok().json();
    let grants: Vec<_> = log.as_array().unwrap().iter().filter(|r| r["entity"] == "grant").collect();
    assert_eq!(grants.len(), 1, "{log}");
    assert_eq!(grants[0]["new"]["read_only"], true, "{log}");
    in_school(dir.path(), &url, "ruijin", &["grant", &reader, "--revoke"]).ok();
    let r = run(dir.path(), &as_reader, &["report", "schools", "2024"]);
    assert!(r.code == 65 && r.stderr.contains("may not read school ruijin"), "{}", r.stderr);
    let r = in_school(dir.path(), &url, "ruijin", &["grant", &reader, "--revoke"]);
    assert!(r.code == 65 && r.stderr.contains("has no grant in this school"), "{}", r.stderr);
}
