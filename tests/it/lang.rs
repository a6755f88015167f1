//! The language of messages and help (SPEC §4): `--lang`, else `$XUESHI_LANG`, else the system's
//! locale (`$LC_ALL`, `$LC_MESSAGES`, `$LANG`); the help of every command in Chinese.

use crate::common::{golden, School};

fn chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
}

#[test]
fn help_follows_the_locale() {
    let s = School::new();
    let zh = s.run_locale(&["--help"], "zh_CN.UTF-8", &[]).ok().stdout;
    assert!(zh.contains("学时：医院党校的学时管理系统") && zh.contains("用法：xueshi"), "{zh}");
    assert!(zh.contains("命令：") && zh.contains("选项：") && !zh.contains("Usage"), "{zh}");
    let en = s.run_locale(&["--help"], "en_US.UTF-8", &[]).ok().stdout;
    assert!(en.contains("Usage: xueshi") && !en.contains("用法"), "{en}");
    let set = s.run(&["--lang", "zh", "learner", "set", "--help"]).ok().stdout;
    assert!(
        set.contains("自某日起变更学员的人员类别或支部") && set.contains("参数：") && set.contains("新的人员类别"),
        "{set}"
    );
    assert!(!set.contains("Usage") && !set.contains("Print help") && !set.contains("Options:"), "{set}");
    golden(
        "help-zh.txt",
        &format!("$ LANG=zh_CN.UTF-8 xueshi --help\n{zh}\n$ xueshi --lang zh learner set --help\n{set}"),
    );
}

/// Every command's help, in Chinese, says no English words of clap's (`Usage`, `Options`,
/// `Print help`, `[default: …]`, `[possible values: …]`).
#[test]
fn every_command_has_chinese_help() {
    let s = School::new();
    let top = s.zh(&["--help"]).ok().stdout;
    let commands: Vec<String> = top
        .lines()
        .skip_while(|l| !l.starts_with("命令："))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|c| c != "help")
        .collect();
    assert!(commands.len() > 20, "{top}");
    let mut paths: Vec<Vec<String>> = Vec::new();
    for c in &commands {
        let out = s.zh(&[c.as_str(), "--help"]).ok().stdout;
        let subs: Vec<String> = out
            .lines()
            .skip_while(|l| !l.starts_with("命令："))
            .skip(1)
            .take_while(|l| !l.is_empty())
            .filter_map(|l| l.split_whitespace().next().map(str::to_string))
            .filter(|c| c != "help")
            .collect();
        paths.push(vec![c.clone()]);
        paths.extend(subs.into_iter().map(|sub| vec![c.clone(), sub]));
    }
    for path in &paths {
        for flag in ["-h", "--help"] {
            let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
            args.push(flag);
            let out = s.zh(&args).ok().stdout;
            assert!(chinese(out.lines().next().unwrap_or_default()), "{args:?}: {out}");
            for english in ["Usage", "Options", "Arguments", "Commands", "Print help", "[default:", "[possible values:"]
            {
                assert!(!out.contains(english), "{args:?} says {english:?}:\n{out}");
            }
        }
    }
}

#[test]
fn the_language_comes_from_the_flag_then_the_variable_then_the_locale() {
    let s = School::new();
    let unknown = ["learner", "show", "9999"];
    let says = |run: crate::common::Run| -> &'static str {
        let run = run.expect(65);
        if run.stderr.starts_with("错误：工号 9999 不是已登记的学员") {
            "zh"
        } else if run.stderr.starts_with("error: staff id 9999 is not a known learner") {
            "en"
        } else {
            panic!("{}", run.stderr)
        }
    };
    assert_eq!(says(s.run_locale(&unknown, "zh_CN.UTF-8", &[])), "zh");
    assert_eq!(says(s.run_locale(&unknown, "zh_TW.Big5", &[])), "zh");
    assert_eq!(says(s.run_locale(&unknown, "en_US.UTF-8", &[])), "en");
    assert_eq!(says(s.run_locale(&unknown, "C", &[])), "en");
    // LC_ALL, then LC_MESSAGES, then LANG; C and POSIX name no language.
    assert_eq!(says(s.run_locale(&unknown, "C", &[("LC_ALL", "zh_CN.UTF-8")])), "zh");
    assert_eq!(says(s.run_locale(&unknown, "zh_CN.UTF-8", &[("LC_ALL", "en_US.UTF-8")])), "en");
    assert_eq!(says(s.run_locale(&unknown, "zh_CN.UTF-8", &[("LC_ALL", "C.UTF-8")])), "zh");
    assert_eq!(says(s.run_locale(&unknown, "en_US.UTF-8", &[("LC_MESSAGES", "zh_CN.UTF-8")])), "zh");
    // $XUESHI_LANG over the locale, --lang over both.
    assert_eq!(says(s.run_locale(&unknown, "en_US.UTF-8", &[("XUESHI_LANG", "zh")])), "zh");
    assert_eq!(says(s.run_locale(&unknown, "zh_CN.UTF-8", &[("XUESHI_LANG", "en")])), "en");
    let flag_en = ["--lang", "en", "learner", "show", "9999"];
    assert_eq!(says(s.run_locale(&flag_en, "zh_CN.UTF-8", &[("XUESHI_LANG", "zh")])), "en");
    let flag_zh = ["learner", "show", "9999", "--lang=zh"];
    assert_eq!(says(s.run_locale(&flag_zh, "en_US.UTF-8", &[("XUESHI_LANG", "en")])), "zh");
}

#[test]
fn summaries_warnings_and_notes_are_in_the_language() {
    let s = School::new();
    let init = s.zh(&["init"]).ok();
    assert!(init.stderr.contains("已是最新"), "{}", init.stderr);
    s.zh(&["branch", "add", "NK1", "内科一支部"]).ok();
    s.zh(&["learner", "add", "0001", "王建国", "--branch", "NK1", "--category", "党员"]).ok();
    s.zh(&["course", "add", "DS01", "党课", "--kind", "基本课", "--mode", "线下", "--hours", "2"]).ok();
    let sheet = s.file("a.csv", "工号,姓名,签名\n0001,王建国,\n");
    let sheet = sheet.display().to_string();
    let out = s.zh(&["import", "attendance", &sheet, "--course", "DS01", "--date", "2024-03-15"]).ok();
    assert_eq!(out.stdout.trim(), "a.csv：新增 1，未变 0，更新 0（新建 1 个课次）；未读取的列：签名 — 批次 1");
    let out = s.zh(&["learner", "leave", "0001", "--date", "2024-03-01"]).ok();
    assert!(out.stderr.starts_with("警告：工号 0001 在 2024-03-01 之后还有记录"), "{}", out.stderr);
    let out = s.zh(&["check"]).expect(65);
    assert!(out.stderr.contains("错误：记录不在在籍期内：课次 1 的出勤"), "{}", out.stderr);
}
