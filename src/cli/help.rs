//! The command line in Chinese: the help of every command and argument, and clap's parse
//! errors. English needs nothing here: it is what the `///` comments of `cli/mod.rs` and clap say.
//!
//! The language is known before parsing (`Lang::from_args`), so the `Command` is built and then
//! rewritten from the tables below, keyed by the command's path and the argument's id; a test
//! holds the tables and `cli/mod.rs` to each other.

use clap::builder::StyledStr;
use clap::error::{ContextKind, ContextValue, ErrorFormatter, ErrorKind};
use clap::{Arg, ArgAction, Command, CommandFactory};

use super::Cli;
use crate::error::ArgError;
use crate::msg::Msg;
use crate::Lang;

/// What each command does, by its path (`learner set`; the program itself is ``): one line, and
/// the longer text `--help` shows where the English has one.
const COMMANDS: &[(&str, &str, &str)] = &[
    ("", "学时：医院党校的学时管理系统，数据保存在一个 SQLite 文件中", ""),
    ("init", "创建数据库，或把它升级到当前的结构版本", ""),
    (
        "demo",
        "用自带的示例数据新建一个数据库，并打印一份年度报表和一份通报",
        "用自带的示例数据新建一个数据库，并打印一份年度报表和一份通报\n\n\
         数据库为当前文件夹中的 demo.db，或 --db 指定的数据库；从不使用 $XUESHI_DB（它可能是真实学校的数据库）。",
    ),
    ("branch", "党支部", ""),
    ("branch add", "添加党支部", ""),
    ("branch list", "列出党支部", ""),
    ("branch set", "给党支部改名", ""),
    ("branch delete", "删除从未有学员属于过的党支部", ""),
    ("learner", "学员", ""),
    ("learner add", "登记学员", ""),
    ("learner leave", "登记学员离开（援藏、驻村、外派、调出）：其应修学时按月折算", ""),
    ("learner return", "登记已离开的学员返回：自 DATE 起开始新的在籍期", ""),
    (
        "learner set",
        "自某日起变更学员的人员类别或支部（入党、转正、调动），或更正其姓名、工号",
        "自某日起变更学员的人员类别或支部（入党、转正、调动），或更正其姓名、工号\n\n\
         人员类别或支部的变更带有日期：自 --from 那天起生效，此前的月份保持原来的（发展对象 → 预备党员为入党，\
         预备党员 → 正式党员为转正，转入另一支部）。--name 和 --staff-id 用于更正录入错误的姓名和工号。",
    ),
    ("learner exempt", "在一段日期内免修（病假、产假、年老体弱）：被完全覆盖的月份不作要求", ""),
    ("learner show", "学员履历：在籍期、带日期的人员类别和支部、免修", ""),
    ("learner delete", "删除误录入的学员（仅限没有任何记录的学员）", ""),
    ("learner list", "列出学员及其当前的人员类别和支部", ""),
    ("course", "课程", ""),
    ("course add", "添加课程", ""),
    ("course list", "列出课程", ""),
    ("course set", "更正课程（新的课程类型会影响所有开过该课程的年度）", ""),
    ("course delete", "删除没有课次的课程", ""),
    ("session", "课次：某门课程在某一天的一次开课", ""),
    ("session add", "在某一天开一次课；打印新课次的编号", ""),
    ("session list", "列出课次", ""),
    ("session set", "更正课次", ""),
    ("session show", "课次的出勤名单：每条记录、出勤状态及所计学时", ""),
    ("session delete", "删除课次（仅限没有出勤记录的课次，除非加 --with-records）", ""),
    ("attend", "登记学员在某课次的出勤", ""),
    ("assessment", "考核：知识测试、知识竞赛、征文比赛", ""),
    ("assessment add", "添加知识测试、知识竞赛或征文比赛", ""),
    ("assessment list", "列出考核", ""),
    ("assessment set", "更正考核", ""),
    ("assessment delete", "删除没有成绩的考核", ""),
    ("result", "考核成绩", ""),
    ("result add", "登记学员的成绩", ""),
    ("result list", "某项考核的成绩：分数、奖项及各自所计学时", ""),
    ("result remove", "删除学员的一条成绩", ""),
    ("online", "线上自学学时", ""),
    ("online add", "登记线上自学学时：某一天的，或平台截至 --to 的合计", ""),
    ("online list", "列出线上自学学时", ""),
    ("online remove", "删除学员某一天的线上自学学时", ""),
    ("import", "导入表格（.csv 或 .xlsx）", ""),
    ("imports", "导入批次：列出，或撤销其中一个", ""),
    ("imports list", "按时间先后列出导入批次", ""),
    ("imports undo", "撤销一个批次：删除它新增的行，恢复它覆盖的行", ""),
    ("report", "报表：年度评优评先报表、学员学时档案", ""),
    ("report year", "年度评优评先报表", ""),
    ("report schools", "服务器上的所有学校一览：人数、达标人数、达标率、人均学时（PostgreSQL）", ""),
    ("report learner", "学员学时档案：每一项所计的学时", ""),
    ("notice", "学时定期通报：学时情况、光荣榜、进度滞后的学员", ""),
    ("rules", "按年度的规则：各人员类别的年度要求、线上自学上限、评优允许的缺勤次数", ""),
    ("rules show", "显示某年度的规则", ""),
    (
        "rules set",
        "为所有年度，或自某年度起设置一条规则（更早的年度保持原值）",
        "为所有年度，或自某年度起设置一条规则（更早的年度保持原值）\n\n\
         NAME 是人员类别（值为其年度学时）、online-cap（学时，或 none）或 max-absences（评优允许的缺勤次数 N）。\
         已关闭年度的规则不能修改。",
    ),
    ("year", "年度：评优结果公布后关闭年度、重新开放、列出各年度", ""),
    ("year close", "评优结果公布后关闭年度：此后任何操作都不能再改变该年度的数据", ""),
    ("year reopen", "重新开放已关闭的年度（记入操作日志）", ""),
    ("year list", "列出有记录的各年度及其是否已关闭", ""),
    ("backup", "写出数据库的一致副本（他人同时写入也安全）", ""),
    ("check", "检查数据库的完整性和记录的一致性", ""),
    ("grant", "PostgreSQL：授权一个数据库角色修改某个支部或所有支部学员的记录，或只读；或收回授权", ""),
    ("gen", "生成用于性能测试的确定性模拟数据", ""),
    ("audit", "操作日志：每一次对已存记录的修改，按时间先后", ""),
    ("completions", "打印命令行补全脚本（例如 `xueshi completions bash > /etc/bash_completion.d/xueshi`）", ""),
];

/// What each argument is, by command path and argument id; `*` for an argument every command
/// that has it means alike (the global flags, `--format` and `--out`).
const ARGS: &[(&str, &str, &str)] = &[
    ("*", "db", "数据库文件 [默认：$XUESHI_DB，否则为 xueshi.db]"),
    ("*", "lang", "消息、帮助、报表和通报的语言 [默认：$XUESHI_LANG，否则按系统语言：中文为 zh，其他为 en]"),
    (
        "*",
        "operator",
        "谁在修改，记入操作日志 [默认：$XUESHI_OPERATOR，否则为 $USER；PostgreSQL 上为数据库角色，不接受此参数]",
    ),
    ("*", "school", "PostgreSQL 服务器上的学校（医院）：它自己的模式 [默认：$XUESHI_SCHOOL，否则为服务器的默认学校]"),
    ("*", "format", "输出格式 [默认：按 --out 的扩展名，否则为表格（通报为文本）]"),
    ("*", "out", "写入此文件，而不是标准输出"),
    ("backup", "file", "副本写到哪个文件"),
    ("completions", "shell", "bash、zsh、fish 或 powershell"),
    ("grant", "role", "数据库角色（CREATE ROLE … LOGIN），例如 nk1_secretary"),
    ("grant", "branch", "该角色可修改其学员记录的党支部（代码或名称）"),
    ("grant", "school_wide", "该角色可修改所有支部的记录"),
    ("grant", "read_only", "该角色可查看全校数据，不能修改任何记录（例如卫健委用于 report schools）"),
    ("grant", "revoke", "收回该角色在本校的授权：此后它既不能查看也不能修改本校的记录"),
    ("branch add", "code", "代码，例如 NK1"),
    ("branch add", "name", "名称，例如 内科一支部"),
    ("branch set", "code", "党支部的代码（或现在的名称）"),
    ("branch set", "name", "新名称"),
    ("branch delete", "code", "党支部的代码（或名称）"),
    ("learner add", "staff_id", "工号；开头的 0 会保留"),
    ("learner add", "name", "姓名"),
    ("learner add", "branch", "党支部的代码或名称"),
    ("learner add", "category", "member cadre probationary candidate activist youth，或中文名称"),
    ("learner add", "joined", "加入日期 [默认：自始在籍，早于任何记录]"),
    ("learner leave", "staff_id", "工号"),
    ("learner leave", "date", "在籍的最后一天"),
    ("learner return", "staff_id", "工号"),
    ("learner return", "date", "返回后的第一天"),
    ("learner set", "staff_id", "工号"),
    ("learner set", "category", "新的人员类别，自 --from 起生效"),
    ("learner set", "branch", "新的党支部（代码或名称），自 --from 起生效"),
    ("learner set", "from", "新的人员类别或支部生效的第一天"),
    ("learner set", "name", "更正后的姓名"),
    ("learner set", "new_staff_id", "更正后的工号"),
    ("learner exempt", "staff_id", "工号"),
    ("learner exempt", "from", "免修的第一天"),
    ("learner exempt", "to", "免修的最后一天"),
    ("learner exempt", "reason", "原因，例如 病假"),
    ("learner show", "staff_id", "工号"),
    ("learner delete", "staff_id", "工号"),
    ("learner list", "branch", "只列此党支部（代码或名称）的学员"),
    ("learner list", "category", "只列此人员类别的学员"),
    ("course add", "code", "课程代码"),
    ("course add", "title", "课程名称"),
    ("course add", "kind", "theory extension topic，或中文名称"),
    ("course add", "mode", "offline online field joint，或中文名称"),
    ("course add", "hours", "每次课的默认学时"),
    ("course set", "code", "课程代码"),
    ("course set", "title", "新的课程名称"),
    ("course set", "kind", "theory extension topic，或中文名称"),
    ("course set", "mode", "offline online field joint，或中文名称"),
    ("course set", "hours", "新课次的默认学时（已开的课次保持原学时）"),
    ("course delete", "code", "课程代码"),
    ("session add", "course", "课程代码"),
    ("session add", "date", "课次的（第一）天"),
    ("session add", "days", "持续天数（5 天的集中轮训为 5）；每天至多 24 学时 [默认：1]"),
    ("session add", "again", "该课程在这一天已有课次时，再开一次"),
    ("session add", "hours", "本课次的学时 [默认：课程的学时]"),
    ("session add", "teacher", "授课人"),
    ("session list", "year", "只列该年度的课次"),
    ("session set", "id", "课次编号"),
    ("session set", "hours", "学时（按默认学时计的记录随之改变）"),
    ("session set", "date", "课次的（第一）天"),
    ("session set", "days", "持续天数"),
    ("session set", "teacher", "授课人（写空名称即清除）"),
    ("session show", "id", "课次编号"),
    ("session delete", "id", "课次编号"),
    ("session delete", "with_records", "连同其出勤记录一起删除"),
    ("attend", "session", "课次编号"),
    ("attend", "staff_ids", "学员的工号"),
    ("attend", "status", "present late excused absent，或中文词语"),
    ("attend", "hours", "代替课次学时计入的学时（早退）"),
    ("attend", "update", "覆盖内容不同的已有记录"),
    ("attend", "remove", "改为删除这些学员在该课次的记录"),
    ("assessment add", "code", "考核代码"),
    ("assessment add", "title", "名称"),
    ("assessment add", "kind", "quiz contest essay，或中文名称"),
    ("assessment add", "date", "日期"),
    ("assessment add", "hours", "所计学时"),
    ("assessment add", "pass_mark", "知识测试计学时所需的分数 [默认：60]"),
    ("assessment add", "award", "某一奖项的加分学时，例如 first=3（可重复）"),
    ("assessment set", "code", "考核代码"),
    ("assessment set", "title", "新名称"),
    ("assessment set", "kind", "quiz contest essay，或中文名称"),
    ("assessment set", "date", "日期"),
    ("assessment set", "hours", "所计学时"),
    ("assessment set", "pass_mark", "知识测试计学时所需的分数"),
    ("assessment set", "award", "某一奖项的加分学时，例如 first=3（可重复；其他奖项保持原值）"),
    ("assessment delete", "code", "考核代码"),
    ("result add", "assessment", "考核代码"),
    ("result add", "staff_id", "工号"),
    ("result add", "score", "分数"),
    ("result add", "award", "first second third merit，或中文名称"),
    ("result add", "update", "覆盖内容不同的已有成绩"),
    ("result list", "assessment", "考核代码"),
    ("result remove", "assessment", "考核代码"),
    ("result remove", "staff_id", "学员的工号"),
    ("online add", "staff_id", "学员的工号"),
    ("online add", "date", "日期（有 --to 时为合计的第一天）"),
    ("online add", "hours", "每天至多 24"),
    ("online add", "to", "月度或年度合计的最后一天，学时计在这一天"),
    ("online add", "source", "平台，例如 学习强国"),
    ("online add", "update", "覆盖内容不同的已有记录"),
    ("online list", "learner", "只列此学员（工号）的"),
    ("online list", "year", "只列计在该年度的"),
    ("online remove", "staff_id", "学员的工号"),
    ("online remove", "date", "日期（合计则为其第一天）"),
    ("online remove", "source", "平台 [默认：当天唯一的那条记录]"),
    ("import", "kind", "导入的种类"),
    ("import", "file", "表格文件（.csv 或 .xlsx）"),
    ("import", "dry_run", "只检查并报告将要改变什么，不写入"),
    ("import", "update", "覆盖与文件不符的已存记录"),
    ("import", "encoding", "文本文件的编码"),
    ("import", "sheet", ".xlsx 文件的工作表 [默认：第一个]"),
    ("import", "create_branches", "learners：创建文件中写到但还不存在的党支部"),
    ("import", "session", "attendance：该表所属的课次"),
    ("import", "course", "attendance：该表课次的课程（与 --date 同用）"),
    ("import", "date", "attendance：该表课次的日期（与 --course 同用）"),
    ("import", "hours", "attendance：新建课次时的学时 [默认：课程的学时]"),
    ("import", "assessment", "results：该表所属的考核"),
    (
        "import",
        "from",
        "learners：与 --update 同用，人员类别或支部变更生效的日期（入党、转正、调动）；此前的月份保持原来的",
    ),
    ("imports undo", "batch", "批次编号"),
    ("report year", "year", "年度 [默认：上一个完整月份所在的年度]"),
    ("report year", "branch", "只统计此党支部的学员及其记录"),
    ("report schools", "year", "年度 [默认：上一个完整月份所在的年度]"),
    ("report learner", "staff_id", "学员的工号"),
    ("report learner", "year", "年度 [默认：上一个完整月份所在的年度]"),
    ("notice", "period", "2024、2024-H1、2024-Q3 或 2024-07，也可写 2024年第三季度 [默认：上一个完整月份]"),
    ("notice", "branch", "只统计此党支部的学员及其记录"),
    ("rules show", "year", "年度 [默认：上一个完整月份所在的年度]"),
    ("rules set", "name", "人员类别、online-cap 或 max-absences"),
    ("rules set", "value", "学时；none（online-cap）；次数（max-absences）"),
    ("rules set", "from", "该值生效的第一个年度 [默认：所有年度]"),
    ("year close", "year", "年度"),
    ("year reopen", "year", "年度"),
    ("audit", "since", "只列这一天及以后的修改"),
    ("audit", "learner", "只列此学员及其记录的修改"),
    ("audit", "batch", "只列此导入批次的修改"),
    ("gen", "learners", "学员人数"),
    ("gen", "attendance", "出勤记录的行数"),
    ("gen", "year", "年度"),
    ("gen", "seed", "随机数种子"),
    ("gen", "out", "写入哪个文件夹"),
];

/// The command line in `lang`: as `cli/mod.rs` declares it in English, rewritten in Chinese.
pub fn command(lang: Lang) -> Command {
    let mut cmd = formats(Cli::command(), "");
    if lang == Lang::En {
        return cmd;
    }
    // Built first, so that the help and version flags and the help subcommand clap adds are
    // there to be said in Chinese too.
    cmd.build();
    chinese(cmd, "")
}

/// `--format` of `cmd` (at `path`) and its subcommands lists the formats that command prints
/// (`Format::of_command`); the others are still taken, to be refused with the command's own words.
fn formats(cmd: Command, path: &str) -> Command {
    use crate::report::document::Format;
    use clap::builder::{PossibleValuesParser, TypedValueParser};
    use clap::ValueEnum;
    let allowed = Format::of_command(path);
    let values: Vec<_> = Format::value_variants()
        .iter()
        .filter_map(|f| Some(f.to_possible_value()?.hide(!allowed.contains(f))))
        .collect();
    let parser = PossibleValuesParser::new(values)
        .map(|typed| Format::from_str(&typed, false).expect("one of the formats' own names"));
    cmd.mut_args(|a| if a.get_id() == "format" { a.value_parser(parser.clone()) } else { a }).mut_subcommands(|sc| {
        let sub = sub_path(path, sc.get_name());
        formats(sc, &sub)
    })
}

/// The path of subcommand `name` of the command at `path`: `learner set`.
fn sub_path(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path} {name}")
    }
}

/// The about of a command by its path (`help learner set` is about `learner set`).
fn about(path: &str) -> Option<(&'static str, &'static str)> {
    let path = path.strip_prefix("help").map_or(path, str::trim_start);
    COMMANDS.iter().find(|(p, _, _)| *p == path).map(|(_, about, long)| (*about, *long))
}

fn arg_help(path: &str, id: &str) -> Option<&'static str> {
    let found = |p: &str| ARGS.iter().find(|(path, arg, _)| *path == p && *arg == id).map(|(_, _, help)| *help);
    found(path).or_else(|| found("*"))
}

/// `cmd` (at `path`) and its subcommands in Chinese.
fn chinese(cmd: Command, path: &str) -> Command {
    let name = cmd.get_name().to_string();
    let is_help = name == "help" || path.starts_with("help");
    let mut cmd = match (name == "help" && is_help, about(path)) {
        (true, _) => cmd.about(Msg::HelpSubcommand.zh()).long_about(None),
        (false, Some((about, long))) => cmd.about(about).long_about((!long.is_empty()).then_some(long)),
        (false, None) => cmd,
    };
    let arguments = cmd.get_positionals().any(|a| !a.is_hide_set());
    let options = cmd.get_arguments().any(|a| !a.is_positional() && !a.is_hide_set());
    let commands = cmd.has_subcommands();
    let mut template = format!("{{before-help}}{{about-with-newline}}\n{}{{usage}}", Msg::HelpUsage.zh());
    for (shown, heading, tag) in [
        (commands, Msg::HelpCommands, "{subcommands}"),
        (arguments, Msg::HelpArguments, "{positionals}"),
        (options, Msg::HelpOptions, "{options}"),
    ] {
        if shown {
            template.push_str(&format!("\n\n{}：\n{tag}", heading.zh()));
        }
    }
    template.push_str("{after-help}");
    cmd = cmd.help_template(template).subcommand_value_name("命令").mut_args(|a| chinese_arg(a, path));
    // clap writes `[OPTIONS]` in every usage line, whatever the language: said here instead.
    let usage = cmd.render_usage().to_string();
    let usage = usage.strip_prefix("Usage:").map_or(usage.as_str(), str::trim_start).replace("[OPTIONS]", "[选项]");
    cmd = cmd.override_usage(usage);
    cmd.mut_subcommands(|sc| {
        let sub = sub_path(path, sc.get_name());
        chinese(sc, &sub)
    })
}

/// An argument's value name (`<STAFF_ID>`) in Chinese (`<工号>`), by what it names there.
fn value_name_zh(path: &str, name: &str) -> Option<&'static str> {
    Some(match (path, name) {
        (p, "NAME") if p.is_empty() || p.starts_with("learner") => "姓名",
        (_, "NAME") => "名称",
        ("rules set", "FROM") => "起始年份",
        ("learner set", "NEW") => "新工号",
        (p, "OUT") if p.starts_with("gen") => "文件夹",
        (_, "FILE" | "OUT") => "文件",
        (_, "CODE") => "代码",
        (_, "LANG") => "语言",
        (_, "STAFF_ID") => "工号",
        (_, "DATE" | "SINCE") => "日期",
        (_, "FROM") => "起始日期",
        (_, "TO") => "截止日期",
        (_, "JOINED") => "加入日期",
        (_, "HOURS") => "学时",
        (_, "FORMAT") => "格式",
        (_, "YEAR") => "年份",
        (_, "KIND") => "类型",
        (_, "BRANCH") => "支部",
        (_, "TITLE") => "标题",
        (_, "CATEGORY") => "类别",
        (_, "SESSION") => "课次",
        (_, "ID") => "编号",
        (_, "MODE") => "教学方式",
        (_, "COURSE") => "课程",
        (_, "ASSESSMENT") => "考核",
        (_, "PERIOD") => "期间",
        (_, "VALUE") => "值",
        (_, "TEACHER") => "授课人",
        (_, "SOURCE") => "来源",
        (_, "SHELL") => "终端类型",
        (_, "ROLE") => "角色",
        (_, "LEARNERS") => "人数",
        (_, "ATTENDANCE") => "行数",
        (_, "DAYS") => "天数",
        (_, "BATCH") => "批次",
        (_, "STATUS") => "出勤情况",
        (_, "SHEET") => "工作表",
        (_, "SEED") => "种子",
        (_, "SCORE") => "成绩",
        (_, "REASON") => "原因",
        (_, "PASS_MARK") => "及格分",
        (_, "LEVEL=HOURS") => "等级=学时",
        (_, "ENCODING") => "编码",
        _ => return None,
    })
}

fn chinese_arg(a: Arg, path: &str) -> Arg {
    let names: Vec<clap::builder::Str> = a
        .get_value_names()
        .map(|names| {
            names.iter().map(|n| value_name_zh(path, n.as_str()).map_or_else(|| n.clone(), Into::into)).collect()
        })
        .unwrap_or_default();
    let a = if names.is_empty() { a } else { a.value_names(names) };
    let help = match (a.get_id().as_str(), a.get_action()) {
        // clap gives its help flag a longer text where the command has longer help.
        (_, ArgAction::Help) if a.get_long_help().is_some() => {
            return a.help(Msg::HelpPrintHelpMore.zh()).long_help(Msg::HelpPrintHelpLess.zh());
        }
        (_, ArgAction::Help | ArgAction::HelpShort) => Msg::HelpPrintHelp.zh(),
        (_, ArgAction::HelpLong) => Msg::HelpPrintHelpLess.zh(),
        (_, ArgAction::Version) => Msg::HelpPrintVersion.zh(),
        ("subcommand", _) if path.starts_with("help") => Msg::HelpSubcommandArg.zh(),
        (id, _) => match arg_help(path, id) {
            Some(h) => h.to_string(),
            None => return a,
        },
    };
    // clap's `[default: …]` and `[possible values: …]` are English: say them here instead.
    let mut notes = Vec::new();
    let defaults: Vec<String> =
        a.get_default_values().iter().map(|v| v.to_string_lossy().into_owned()).filter(|v| !v.is_empty()).collect();
    let shown = a.get_action().takes_values() && !a.is_hide_default_value_set();
    if !defaults.is_empty() && shown && !help.contains("[默认") {
        notes.push(Msg::HelpDefault { value: defaults.join(", ") }.zh());
    }
    // An import kind with its Chinese name, which the command line takes too.
    let possible: Vec<String> = a
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| match crate::import::kind_of_code(v.get_name()) {
            Some((code, zh)) if a.get_id() == "kind" => format!("{code}（{zh}）"),
            _ => v.get_name().to_string(),
        })
        .collect();
    if !possible.is_empty() && !a.is_hide_possible_values_set() {
        notes.push(Msg::HelpPossible { values: possible }.zh());
    }
    let text = if notes.is_empty() { help } else { format!("{help} {}", notes.join(" ")) };
    a.help(text).long_help(None).hide_default_value(true).hide_possible_values(true)
}

/// clap's parse errors said in Chinese (`clap::Error::apply::<Chinese>()`).
pub struct Chinese;

impl ErrorFormatter for Chinese {
    fn format_error(error: &clap::error::Error<Self>) -> StyledStr {
        let mut out = format!("{}{}", Msg::ErrorPrefix.zh(), describe(error).zh());
        for (kind, what) in [
            (ContextKind::SuggestedSubcommand, "subcommand"),
            (ContextKind::SuggestedArg, "argument"),
            (ContextKind::SuggestedValue, "value"),
        ] {
            let candidates = strings(error.get(kind));
            if !candidates.is_empty() {
                out.push_str(&format!("\n\n  {}", Msg::ClapSimilar { what: what.to_string(), candidates }.zh()));
            }
        }
        if let Some(ContextValue::StyledStrs(tips)) = error.get(ContextKind::Suggested) {
            for tip in tips {
                out.push_str(&format!("\n  {}", Msg::ClapTip { tip: tip.to_string() }.zh()));
            }
        }
        // The help to ask for is the command's own: `xueshi learner add --help`.
        let mut flag = "--help".to_string();
        if let Some(ContextValue::StyledStr(usage)) = error.get(ContextKind::Usage) {
            let usage = usage.to_string();
            let usage = usage.strip_prefix("Usage:").map_or(usage.as_str(), str::trim_start);
            out.push_str(&format!("\n\n{}{usage}", Msg::HelpUsage.zh()));
            let words: Vec<&str> = usage.split_whitespace().take_while(|w| !w.starts_with(['[', '<', '-'])).collect();
            if !words.is_empty() {
                flag = format!("{} --help", words.join(" "));
            }
        }
        out.push_str(&format!("\n\n{}\n", Msg::ClapTryHelp { flag }.zh()));
        StyledStr::from(out)
    }
}

fn string(v: Option<&ContextValue>) -> String {
    match v {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(s)) => s.join(", "),
        Some(ContextValue::StyledStr(s)) => s.to_string(),
        Some(ContextValue::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn strings(v: Option<&ContextValue>) -> Vec<String> {
    match v {
        Some(ContextValue::Strings(s)) => s.clone(),
        Some(ContextValue::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

fn number(v: Option<&ContextValue>) -> isize {
    match v {
        Some(ContextValue::Number(n)) => *n,
        _ => 0,
    }
}

/// What a clap error says, as a message of the catalogue.
fn describe(error: &clap::error::Error<Chinese>) -> Msg {
    let get = |kind| string(error.get(kind));
    let arg = get(ContextKind::InvalidArg);
    let value = get(ContextKind::InvalidValue);
    match error.kind() {
        ErrorKind::UnknownArgument => Msg::ClapUnknownArgument { arg },
        ErrorKind::InvalidSubcommand => Msg::ClapUnknownSubcommand { name: get(ContextKind::InvalidSubcommand) },
        ErrorKind::InvalidValue if value.is_empty() => Msg::ClapValueRequired { arg },
        ErrorKind::InvalidValue => {
            Msg::ClapInvalidValue { value, arg, possible: strings(error.get(ContextKind::ValidValue)) }
        }
        ErrorKind::ValueValidation => {
            let source = std::error::Error::source(error);
            let why = source.map(|s| match s.downcast_ref::<ArgError>() {
                Some(ArgError(m)) => m.clone(),
                None if s.is::<std::num::ParseIntError>() => Msg::NotAWholeNumber { detail: s.to_string() },
                None => Msg::ClapOther { detail: s.to_string() },
            });
            Msg::ClapValueValidation { value, arg, why: why.map(Box::new) }
        }
        ErrorKind::MissingRequiredArgument => {
            Msg::ClapMissingRequired { args: strings(error.get(ContextKind::InvalidArg)) }
        }
        ErrorKind::MissingSubcommand => Msg::ClapMissingSubcommand {
            name: get(ContextKind::InvalidSubcommand),
            subcommands: strings(error.get(ContextKind::ValidSubcommand)),
        },
        ErrorKind::ArgumentConflict => {
            let prior = strings(error.get(ContextKind::PriorArg));
            let arg = if arg.is_empty() { get(ContextKind::InvalidSubcommand) } else { arg };
            if prior == [arg.clone()] {
                Msg::ClapTwice { arg }
            } else {
                Msg::ClapConflict { arg, with: prior }
            }
        }
        ErrorKind::TooManyValues => Msg::ClapTooManyValues { value, arg },
        ErrorKind::TooFewValues => Msg::ClapWrongNumber {
            arg,
            expected: number(error.get(ContextKind::MinValues)),
            actual: number(error.get(ContextKind::ActualNumValues)),
        },
        ErrorKind::WrongNumberOfValues => Msg::ClapWrongNumber {
            arg,
            expected: number(error.get(ContextKind::ExpectedNumValues)),
            actual: number(error.get(ContextKind::ActualNumValues)),
        },
        ErrorKind::NoEquals => Msg::ClapNoEquals { arg },
        ErrorKind::InvalidUtf8 => Msg::ClapInvalidUtf8,
        other => Msg::ClapOther { detail: other.as_str().unwrap_or("").to_string() },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chinese_text(text: &str) -> bool {
        text.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
    }

    /// Every command and every argument of `cli/mod.rs` has its Chinese help, and the tables name
    /// nothing that is not there.
    #[test]
    fn every_command_and_argument_has_chinese_help() {
        let mut cmd = Cli::command();
        cmd.build();
        let mut commands = Vec::new();
        let mut args = Vec::new();
        fn walk(cmd: &Command, path: &str, commands: &mut Vec<String>, args: &mut Vec<(String, String)>) {
            commands.push(path.to_string());
            for a in cmd.get_arguments() {
                if !matches!(a.get_action(), ArgAction::Help | ArgAction::Version) {
                    args.push((path.to_string(), a.get_id().to_string()));
                }
            }
            for sc in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
                let sub = sub_path(path, sc.get_name());
                walk(sc, &sub, commands, args);
            }
        }
        walk(&cmd, "", &mut commands, &mut args);
        for path in &commands {
            let (about, long) = about(path).unwrap_or_else(|| panic!("no Chinese about for `{path}`"));
            assert!(chinese_text(about), "{path}");
            let english_long = {
                let mut c = &cmd;
                for word in path.split_whitespace() {
                    c = c.find_subcommand(word).expect("a subcommand");
                }
                c.get_long_about().is_some()
            };
            assert_eq!(english_long, !long.is_empty(), "`{path}`: a longer text in one language only");
        }
        for (path, id) in &args {
            let help = arg_help(path, id).unwrap_or_else(|| panic!("no Chinese help for `{path}` {id}"));
            assert!(chinese_text(help), "{path} {id}");
        }
        for (path, _, _) in COMMANDS {
            assert!(commands.iter().any(|c| c == path), "COMMANDS names `{path}`, which is no command");
        }
        for (path, id, _) in ARGS {
            assert!(
                args.iter().any(|(p, i)| (p == path || *path == "*") && i == id),
                "ARGS names `{path}` {id}, which is no argument"
            );
        }
    }

    fn help_of(args: &[&str]) -> String {
        let err = command(Lang::Zh).try_get_matches_from(args).expect_err("help is shown as an error");
        assert_eq!(err.kind(), ErrorKind::DisplayHelp);
        err.render().to_string()
    }

    #[test]
    fn help_is_chinese() {
        let top = help_of(&["xueshi", "--help"]);
        assert!(top.contains("学时：医院党校的学时管理系统"), "{top}");
        assert!(top.contains("命令：") && top.contains("选项：") && top.contains("用法："), "{top}");
        assert!(top.contains("显示帮助") && top.contains("显示版本"), "{top}");
        assert!(!top.contains("Usage") && !top.contains("Print") && !top.contains("Options"), "{top}");
        let set = help_of(&["xueshi", "learner", "set", "--help"]);
        assert!(set.contains("新的人员类别，自 --from 起生效"), "{set}");
        assert!(set.contains("参数：") && set.contains("工号"), "{set}");
        let import = help_of(&["xueshi", "import", "-h"]);
        assert!(import.contains("[可选值：auto, utf-8, gb18030]") && import.contains("[默认：auto]"), "{import}");
        assert!(!import.contains("possible values") && !import.contains("default:"), "{import}");
        // Each command's --format lists the formats it prints.
        let notice = help_of(&["xueshi", "notice", "--help"]);
        assert!(notice.contains("[可选值：text, json, md, html]"), "{notice}");
        let transcript = help_of(&["xueshi", "report", "learner", "--help"]);
        assert!(transcript.contains("[可选值：table, csv, json, md]"), "{transcript}");
        let english = command(Lang::En).try_get_matches_from(["xueshi", "report", "year", "--help"]).unwrap_err();
        let english = english.render().to_string();
        assert!(english.contains("[possible values: table, csv, json, md, xlsx, html]"), "{english}");
    }

    #[test]
    fn parse_errors_are_chinese() {
        let err = command(Lang::Zh)
            .try_get_matches_from(["xueshi", "session", "list", "--year", "24"])
            .expect_err("not a year")
            .apply::<Chinese>();
        let text = err.render().to_string();
        assert!(text.starts_with("错误：'--year <年份>' 的值 '24' 无效：\"24\" 不是年份"), "{text}");
        assert!(text.contains("请在命令后加 --help 查看帮助。"), "{text}");
        let err = command(Lang::Zh).try_get_matches_from(["xueshi", "lerner"]).expect_err("no such command");
        let text = err.apply::<Chinese>().render().to_string();
        assert!(text.contains("无法识别的子命令 'lerner'") && text.contains("'learner'"), "{text}");
        assert!(
            text.contains("用法：xueshi [选项] <命令>") && text.contains("请运行 `xueshi --help` 查看帮助。"),
            "{text}"
        );
    }
}
