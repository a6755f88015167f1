//! Output people read and print: the year report in an 80-column terminal, the workbook's print
//! setup read back from its XML, the HTML page's print styles, the CSV opened by LibreOffice
//! Calc, and the formats that are usage errors. A test whose tool is missing says "skipped: …".

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{open_workbook, Data, Reader, Xlsx};

use crate::common::School;
use crate::reports::{chromium, small_school};

/// Says that a check was skipped, and why, on the real standard error: the test harness keeps
/// what the print macros write to itself unless the test fails, and a skip must be seen.
pub fn skipped(why: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "skipped: {why}");
}

/// Display columns of a line, measured here independently of the program: CJK characters and
/// full-width forms take two, everything else (box drawing included) one.
fn display_width(line: &str) -> usize {
    line.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum()
}

/// Runs `xueshi --db … ARGS` in a pseudo-terminal `cols` wide (util-linux `script`), with `env`
/// set for it alone (the shell sets `$COLUMNS` to the terminal's width); its exit code and what
/// the terminal showed. None when `script` is missing.
fn in_terminal(s: &School, cols: usize, args: &[&str], env: &[(&str, &str)]) -> Option<(i32, String)> {
    let script = Path::new("/usr/bin/script");
    if !script.exists() {
        skipped("script (util-linux) not installed, no pseudo-terminal to print to");
        return None;
    }
    let env: Vec<String> = env.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let command = format!(
        "stty cols {cols} rows 50; exec env {} '{}' {} {}",
        env.join(" "),
        env!("CARGO_BIN_EXE_xueshi"),
        crate::common::db_args(&s.db()).iter().map(|a| format!("'{a}'")).collect::<Vec<_>>().join(" "),
        args.join(" ")
    );
    let out = Command::new(script)
        .args(["-q", "-e", "-c", &command, "/dev/null"])
        .current_dir(s.dir.path())
        .env("XUESHI_TODAY", "2025-01-15")
        .env("NO_COLOR", "1")
        .env_remove("XUESHI_LANG")
        .output()
        .expect("run script");
    Some((out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).replace('\r', "")))
}

#[track_caller]
fn fits(text: &str, cols: usize) {
    for line in text.lines() {
        assert!(display_width(line) <= cols, "wider than {cols} columns ({}): {line}\n{text}", display_width(line));
    }
}

#[test]
fn the_year_report_fits_an_80_column_terminal_in_both_languages() {
    let s = small_school();
    for (lang, kept, learners) in [
        ("en", ["Staff id", "Name", "Branch", "Total", "Required", "Met", "Eligible"], "Learners"),
        ("zh", ["工号", "姓名", "支部", "合计", "应修", "达标", "评优资格"], "学员学时明细"),
    ] {
        let Some((code, text)) = in_terminal(&s, 80, &["--lang", lang, "report", "year", "2024"], &[]) else { return };
        assert_eq!(code, 0, "{text}");
        assert!(text.contains(learners), "{text}");
        assert!(!text.contains('\x1b'), "no ANSI codes on a terminal either");
        fits(&text, 80);
        // The columns that matter, each header whole on one line (never 出/勤/次/数 stacked).
        let header = text.lines().find(|l| l.contains(kept[0])).unwrap_or_else(|| panic!("{text}"));
        for name in kept {
            assert!(header.contains(name), "{lang}: {name} not in the header: {header}");
        }
        // Each row on one line, with its total and requirement.
        let row = text.lines().find(|l| l.contains("0001")).unwrap_or_else(|| panic!("{text}"));
        assert!(row.contains("张伟") && row.contains("20.00") && row.contains("32.00"), "{row}");
        assert_eq!(text.lines().filter(|l| l.contains("张伟")).count(), 1, "one line per learner: {text}");
        // And a line under the table saying where the rest is.
        assert!(text.contains("--format csv") && text.contains(".xlsx"), "{lang}: no word of the rest: {text}");
        let rest = if lang == "en" { "Branch rank" } else { "支部排名" };
        assert!(!header.contains(rest) && text.contains(rest), "{lang}: {rest} is named under the table");
    }
    // A terminal wide enough: every column, and nothing to say about the rest.
    let Some((_, wide)) = in_terminal(&s, 200, &["--lang", "zh", "report", "year", "2024"], &[]) else { return };
    fits(&wide, 200);
    assert!(wide.lines().any(|l| l.contains("工号") && l.contains("支部排名") && l.contains("线上自学")), "{wide}");
    assert!(!wide.contains("--format csv"), "{wide}");
    // $COLUMNS, when set, is the width.
    let Some((_, said)) = in_terminal(&s, 200, &["--lang", "en", "report", "year", "2024"], &[("COLUMNS", "80")])
    else {
        return;
    };
    fits(&said, 80);
    assert!(said.contains("--format csv"), "{said}");
}

#[test]
fn a_very_narrow_terminal_shows_one_block_per_learner() {
    let s = small_school();
    let Some((code, text)) = in_terminal(&s, 40, &["--lang", "zh", "report", "year", "2024"], &[]) else { return };
    assert_eq!(code, 0, "{text}");
    fits(&text, 40);
    assert!(text.lines().any(|l| l.starts_with("姓名") && l.ends_with("张伟")), "{text}");
    assert!(text.lines().any(|l| l.starts_with("支部排名")), "every column is there: {text}");
}

#[test]
fn notices_transcripts_and_listings_fit_80_columns() {
    let s = small_school();
    for args in [
        &["--lang", "zh", "notice", "2024-Q2"][..],
        &["--lang", "en", "notice", "2024"],
        &["--lang", "zh", "report", "learner", "0001", "--year", "2024"],
        &["--lang", "en", "report", "learner", "0003", "--year", "2024"],
        &["--lang", "zh", "session", "list"],
        &["--lang", "en", "audit"],
    ] {
        let Some((code, text)) = in_terminal(&s, 80, args, &[]) else { return };
        assert_eq!(code, 0, "{args:?}: {text}");
        fits(&text, 80);
    }
    // A title cut short says so, and the row keeps its hours.
    let Some((_, text)) = in_terminal(&s, 72, &["--lang", "en", "report", "learner", "0001", "--year", "2024"], &[])
    else {
        return;
    };
    fits(&text, 72);
    assert!(text.contains("…") && text.contains("--format md"), "{text}");
    assert!(text.lines().any(|l| l.contains("2024-12-31") && l.contains("-2.00")), "{text}");
}

/// One file of an xlsx (a zip) as text.
fn part(book: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(book).expect("the workbook")).expect("a zip");
    let mut text = String::new();
    zip.by_name(name).unwrap_or_else(|_| panic!("no {name}")).read_to_string(&mut text).unwrap();
    text
}

#[test]
fn the_workbook_is_set_up_for_print() {
    let s = small_school();
    s.run(&["--lang", "zh", "report", "year", "2024", "--out", "year.xlsx"]).ok();
    let book = s.path("year.xlsx");
    // Sheet 1 is the branch summary (2 branches, 6 columns), sheet 2 the learners (4, 16 columns).
    for (sheet, range) in [("sheet1", "A2:F4"), ("sheet2", "A2:P6")] {
        let xml = part(&book, &format!("xl/worksheets/{sheet}.xml"));
        let setup = xml.split("<pageSetup").nth(1).and_then(|t| t.split("/>").next()).expect("a pageSetup");
        assert!(setup.contains("orientation=\"landscape\""), "{sheet}: {setup}");
        assert!(setup.contains("paperSize=\"9\""), "{sheet}: A4: {setup}");
        // One page wide, as many long as it takes: fitToWidth is 1 when absent (its default).
        assert!(xml.contains("<pageSetUpPr fitToPage=\"1\"/>"), "{sheet}: fit to pages");
        assert!(setup.contains("fitToHeight=\"0\""), "{sheet}: {setup}");
        assert!(!setup.contains("fitToWidth") || setup.contains("fitToWidth=\"1\""), "{sheet}: {setup}");
        assert!(xml.contains(&format!("<autoFilter ref=\"{range}\"/>")), "{sheet}: a filter on the header: {xml}");
        assert!(xml.contains("ySplit=\"2\"") && xml.contains("state=\"frozen\""), "{sheet}: title and header frozen");
        assert!(xml.contains("&amp;P") && xml.contains("&amp;N"), "{sheet}: page numbers");
    }
    let workbook = part(&book, "xl/workbook.xml");
    for (i, sheet) in ["各支部完成情况", "学员学时明细"].iter().enumerate() {
        let titles = format!("name=\"_xlnm.Print_Titles\" localSheetId=\"{i}\">{sheet}!$2:$2<");
        assert!(workbook.contains(&titles), "{sheet}: the header row repeated on every page: {workbook}");
    }
    // The title row above the header.
    let mut read: Xlsx<_> = open_workbook(&book).unwrap();
    let rows = read.worksheet_range("学员学时明细").unwrap();
    assert_eq!(rows.get((0, 0)), Some(&Data::String("2024年度党校学时统计（评优评先）——学员学时明细".into())));
    assert_eq!(rows.get((1, 0)), Some(&Data::String("工号".into())));
    assert_eq!(rows.get((2, 0)), Some(&Data::String("0001".into())));

    // Printed by LibreOffice: landscape A4 pages, one for each sheet, every column on it.
    let Some(pdf) = libreoffice(&s, &book, "pdf", None) else { return };
    let pdf = std::fs::read(pdf).unwrap();
    let (count, sizes) = pages(&pdf);
    assert_eq!(count, 2, "one page per sheet");
    assert!(
        !sizes.is_empty() && sizes.iter().all(|(w, h)| w > h && (w - 842.0).abs() < 1.0),
        "landscape A4: {sizes:?}"
    );
}

/// The pages of a PDF and their sizes, (width, height) in points.
fn pages(pdf: &[u8]) -> (usize, Vec<(f64, f64)>) {
    let text = String::from_utf8_lossy(pdf);
    let count = text
        .split("/Type")
        .skip(1)
        .filter(|t| t.trim_start().strip_prefix("/Page").is_some_and(|r| !r.starts_with('s')))
        .count();
    let sizes = text
        .split("/MediaBox")
        .skip(1)
        .filter_map(|t| {
            let inside = t.trim_start().strip_prefix('[')?.split(']').next()?;
            let n: Vec<f64> = inside.split_whitespace().filter_map(|x| x.parse().ok()).collect();
            (n.len() == 4).then(|| (n[2] - n[0], n[3] - n[1]))
        })
        .collect();
    (count, sizes)
}

/// Converts a file with LibreOffice (headless), to `to` (an extension); `infilter`: how to read
/// it. None, after saying so, when LibreOffice is not installed.
fn libreoffice(s: &School, file: &Path, to: &str, infilter: Option<&str>) -> Option<PathBuf> {
    let Some(soffice) = ["/usr/bin/soffice", "/usr/bin/libreoffice"].iter().map(PathBuf::from).find(|p| p.exists())
    else {
        skipped(&format!(
            "LibreOffice not installed (apt-get install libreoffice-calc): {} not opened",
            file.display()
        ));
        return None;
    };
    let outdir = s.path(&format!("lo-{to}"));
    let mut cmd = Command::new(soffice);
    cmd.arg(format!("-env:UserInstallation=file://{}", s.path("lo-profile").display())).arg("--headless");
    if let Some(filter) = infilter {
        cmd.arg(format!("--infilter={filter}"));
    }
    let out = cmd
        .args(["--convert-to", to, "--outdir"])
        .arg(&outdir)
        .arg(file)
        .env("HOME", s.dir.path())
        .output()
        .expect("run LibreOffice");
    let converted = outdir.join(Path::new(file.file_name().unwrap()).with_extension(to));
    assert!(
        converted.exists(),
        "LibreOffice wrote nothing\n--- stdout\n{}\n--- stderr\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Some(converted)
}

#[test]
fn csv_staff_ids_keep_their_leading_zeros_in_a_spreadsheet() {
    let s = small_school();
    s.run(&["learner", "add", "0037", "袁文博", "--branch", "NK1", "--category", "member"]).ok();
    s.run(&["branch", "add", "X1", "=1+1"]).ok();
    s.run(&["learner", "add", "1225", "徐娜", "--branch", "X1", "--category", "member"]).ok();
    s.run(&["--lang", "zh", "report", "year", "2024", "--out", "year.csv"]).ok();
    let bytes = std::fs::read(s.path("year.csv")).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with a BOM");
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("\r\n\"=\"\"0037\"\"\",袁文博,NK1,"), "{text}");
    // The data's own values are still defused (the branch's name is not in this table; its code
    // is plain).
    s.run(&["branch", "list", "--out", "branches.csv"]).ok();
    let branches = std::fs::read_to_string(s.path("branches.csv")).unwrap();
    assert!(branches.contains(",'=1+1,"), "{branches}");

    // Opened as a user opens it (the BOM says UTF-8; comma-separated; formulas evaluated).
    let Some(xlsx) = libreoffice(&s, &s.path("year.csv"), "xlsx", Some("CSV:44,34,76,1")) else { return };
    let json = s.year(2024);
    let mut book: Xlsx<_> = open_workbook(&xlsx).unwrap();
    let first = book.sheet_names()[0].clone();
    let sheet = book.worksheet_range(&first).unwrap();
    let rows: Vec<&[Data]> = sheet.rows().collect();
    assert_eq!(rows[0][0], Data::String("工号".into()), "the header, without the BOM");
    let ids: Vec<String> = rows[1..].iter().map(|r| r[0].to_string()).collect();
    let want: Vec<String> =
        json["learners"].as_array().unwrap().iter().map(|l| l["staff_id"].as_str().unwrap().to_string()).collect();
    assert_eq!(ids, want, "staff ids as text, zeros kept");
    assert!(ids.contains(&"0037".to_string()) && ids.contains(&"0001".to_string()));
    for row in &rows[1..] {
        assert!(matches!(row[0], Data::String(_)), "a staff id read as text, not {:?}", row[0]);
        assert!(matches!(row[10], Data::Float(_) | Data::Int(_)), "the total read as a number, not {:?}", row[10]);
    }
}

#[test]
fn html_prints_landscape_and_never_breaks_a_name() {
    let s = small_school();
    s.run(&["--lang", "zh", "report", "year", "2024", "--out", "year.html"]).ok();
    let page = std::fs::read_to_string(s.path("year.html")).unwrap();
    assert!(page.contains("@page{size:A4 landscape"), "landscape pages");
    assert!(page.contains("@media print") && page.contains("thead{display:table-header-group}"), "print styles");
    assert!(page.contains("td{white-space:nowrap}"), "cells never wrap");
    // Names and staff ids are plain cells (no class lets them wrap); only long texts may.
    assert!(page.contains("<td>0001</td><td>张伟</td>"), "{page}");
    for fetch in ["src=", "href=", "<script", "@import", "url("] {
        assert!(!page.contains(fetch), "the page fetches nothing: found {fetch}");
    }
    let Some(chromium) = chromium() else {
        skipped("chromium not installed: the page was not printed");
        return;
    };
    let pdf = s.path("year.pdf");
    let status = Command::new(&chromium)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-pdf-header-footer"])
        .args(["--disable-background-networking", "--disable-component-update", "--disable-sync"])
        .arg(format!("--user-data-dir={}", s.path("chromium").display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", s.path("year.html").display()))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("run chromium");
    assert!(status.success(), "chromium failed to print");
    let (count, sizes) = pages(&std::fs::read(&pdf).unwrap());
    assert!(count > 0 && sizes.iter().all(|(w, h)| w > h), "printed landscape: {sizes:?}");
}

#[test]
fn unknown_extensions_and_a_workbook_for_a_terminal_are_usage_errors() {
    let s = small_school();
    for (args, formats) in [
        (&["report", "year", "2024", "--out", "year.pdf"][..], &[".csv", ".xlsx", ".html"][..]),
        (&["notice", "2024-Q2", "--out", "notice.docx"], &[".txt (text)", ".md", ".html"]),
        (&["learner", "list", "--out", "list.PDF"], &[".csv", ".xlsx"]),
    ] {
        let r = s.run(args).expect(2);
        assert!(r.stderr.contains("is not an output format"), "{args:?}: {}", r.stderr);
        for f in formats {
            assert!(r.stderr.contains(f), "{args:?}: {f} not named: {}", r.stderr);
        }
        assert!(r.stdout.is_empty());
        let out = args[args.len() - 1];
        assert!(!s.path(out).exists(), "{out}: nothing written on a usage error");
    }
    // With --format, the name is the user's to choose; with no extension, the report's own text.
    s.run(&["report", "year", "2024", "--format", "csv", "--out", "year.dat"]).ok();
    assert!(std::fs::read(s.path("year.dat")).unwrap().starts_with(b"\xEF\xBB\xBF"));
    s.run(&["report", "year", "2024", "--out", "year"]).ok();
    assert!(std::fs::read_to_string(s.path("year")).unwrap().contains("张伟"));
    // A workbook is bytes: fine into a pipe or a file, refused on a terminal.
    let piped = Command::new(env!("CARGO_BIN_EXE_xueshi"))
        .args(crate::common::db_args(&s.db()))
        .args(["report", "year", "2024", "--format", "xlsx"])
        .output()
        .unwrap();
    assert!(piped.status.success() && piped.stdout.starts_with(b"PK"), "an xlsx into a pipe");
    let Some((code, text)) = in_terminal(&s, 80, &["report", "year", "2024", "--format", "xlsx"], &[]) else { return };
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("--out") && !text.contains("PK"), "{text}");
}

#[test]
fn a_csv_export_imports_back_as_the_same_learners() {
    let s = crate::common::School::new();
    s.run(&["branch", "add", "NK1", "内科一支部"]).ok();
    s.run(&["learner", "add", "0037", "袁文博", "--branch", "NK1", "--category", "member"]).ok();
    s.run(&["learner", "list", "--out", "list.csv"]).ok();
    let list = std::fs::read_to_string(s.path("list.csv")).unwrap();
    assert!(list.contains("\"=\"\"0037\"\"\""), "{list}");
    // The listing's columns: staff id, name, branch, category (and dates) — a roster.
    let out = s.run(&["import", "learners", s.path("list.csv").to_str().unwrap(), "--dry-run"]).ok().stdout;
    assert!(out.contains("0 new, 1 unchanged"), "{out}");
}

#[test]
fn a_listing_too_wide_keeps_its_main_columns_in_a_table() {
    let s = small_school();
    s.run(&[
        "course",
        "add",
        "L1",
        "习近平新时代中国特色社会主义思想学习纲要",
        "--kind",
        "theory",
        "--mode",
        "offline",
        "--hours",
        "3",
    ])
    .ok();
    s.run(&["session", "add", "--course", "L1", "--date", "2024-12-02", "--teacher", "王教授"]).ok();
    let Some((code, text)) = in_terminal(&s, 80, &["--lang", "zh", "session", "list"], &[]) else { return };
    assert_eq!(code, 0, "{text}");
    fits(&text, 80);
    // One line per session with its date, course, hours and counts; the title cut, not the row.
    let header = text.lines().find(|l| l.contains("编号")).unwrap_or_else(|| panic!("a table: {text}"));
    for name in ["日期", "课程代码", "课程名称", "学时", "出勤人数", "记录数"] {
        assert!(header.contains(name), "{name} not in the header: {header}");
    }
    let row = text.lines().find(|l| l.contains("2024-12-02")).unwrap_or_else(|| panic!("{text}"));
    assert!(row.contains("L1") && row.contains("3.00") && row.contains('…'), "{row}");
    assert!(text.contains("授课人"), "the hidden columns are named under the table: {text}");
}
