//! The demo school against totals computed independently: tests/golden/demo-oracle.json was
//! written by a separate Python implementation of the credit rules from the same school's
//! records (not from this program's output).

use serde_json::Value;

use crate::common::School;

fn oracle() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/demo-oracle.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Differences between two JSON values, numbers equal within half a hundredth.
fn diff(expected: &Value, actual: &Value, path: &str, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, v) in e {
                match a.get(k) {
                    Some(av) => diff(v, av, &format!("{path}.{k}"), out),
                    None => out.push(format!("{path}.{k}: missing")),
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                out.push(format!("{path}: {} items, expected {}", a.len(), e.len()));
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                diff(ev, av, &format!("{path}[{i}]"), out);
            }
        }
        (Value::Number(e), Value::Number(a)) if (e.as_f64().unwrap() - a.as_f64().unwrap()).abs() > 0.005 => {
            out.push(format!("{path}: {a}, expected {e}"));
        }
        (Value::Number(_), Value::Number(_)) => {}
        (e, a) if e != a => out.push(format!("{path}: {a}, expected {e}")),
        _ => {}
    }
}

#[track_caller]
fn agree(expected: &Value, actual: &Value) {
    let mut out = Vec::new();
    diff(expected, actual, "$", &mut out);
    assert!(out.is_empty(), "{} differences:\n{}", out.len(), out.join("\n"));
}

#[test]
fn the_demo_agrees_with_an_independent_computation() {
    let s = School::empty();
    let run = s.run(&["demo"]).ok();
    assert!(run.stdout.contains("2025") && run.stdout.contains("Branches"), "{}", run.stdout);
    let oracle = oracle();
    agree(&oracle["year_2025"], &s.year(2025));
    for period in ["2025-Q2", "2025-Q4"] {
        let notice = s.run(&["notice", period, "--format", "json"]).ok().json();
        agree(&oracle[&format!("notice_{period}")], &notice);
    }
}

#[test]
fn demo_replaces_its_own_database_only() {
    let s = School::empty();
    s.run(&["demo"]).ok();
    s.run(&["demo"]).ok();
    let real = School::new();
    real.run(&["branch", "add", "NK1", "内科一支部"]).ok();
    let r = real.run(&["demo"]).expect(1);
    assert!(r.stderr.contains("not a demo database"), "{}", r.stderr);
    assert_eq!(real.run(&["branch", "list", "--format", "json"]).ok().json().as_array().unwrap().len(), 1);

    // A demo database someone went on to use is theirs: the demo does not build it again.
    s.run(&["branch", "add", "ZZ", "我的支部"]).ok();
    let r = s.run(&["demo"]).expect(1);
    assert!(r.stderr.contains("1 change made since the demo built it"), "{}", r.stderr);
    let branches = s.run(&["branch", "list", "--format", "json"]).ok().json();
    assert!(branches.as_array().unwrap().iter().any(|b| b["code"] == "ZZ"), "{branches}");
}
