//! Every message the program says to a person (errors, warnings, summaries, notes), in English
//! and in Chinese, in one catalogue. A message is a value: a `Msg` with its typed parameters,
//! made where the program finds something to say and put into words only when it is printed, in
//! the language of the command line (`--lang`, `$XUESHI_LANG`, the system's locale).
//!
//! `Msg` has no `Display` on purpose: a message is always rendered in a language named there and
//! then (`render`, `en`, `zh`), so that an English text can never slip into a Chinese one.
//! The command line's own help and parse errors are in `help`.

use std::fmt::Display;

use crate::error::Problem;
use crate::hours::Fixed;
use crate::model::Counts;
use crate::model::{Award, Category, CourseKind, Status, UnknownWord, Vocabulary};
use crate::Lang;

/// Defines `Msg`: each entry is a variant with its parameters, its English and its Chinese.
macro_rules! catalogue {
    ($(
        $(#[$doc:meta])*
        $name:ident $({ $($field:ident : $ty:ty),* $(,)? })?
            => en: $en:expr, zh: $zh:expr;
    )+) => {
        /// One thing the program says, with what it says it about.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum Msg {
            $( $(#[$doc])* $name $({ $($field: $ty),* })?, )+
        }

        impl Msg {
            /// The message in `lang`.
            pub fn render(&self, lang: Lang) -> String {
                match self {
                    $( Msg::$name $({ $($field),* })? => match lang {
                        Lang::En => text($en),
                        Lang::Zh => text($zh),
                    }, )+
                }
            }

            /// One of every message, with sample parameters: what the catalogue's tests read.
            #[cfg(test)]
            pub(crate) fn samples() -> Vec<Msg> {
                vec![$( Msg::$name $({ $($field: <$ty as tests::Sample>::sample()),* })? ),+]
            }
        }
    };
}

fn text(s: impl Into<String>) -> String {
    s.into()
}

impl Msg {
    pub fn en(&self) -> String {
        self.render(Lang::En)
    }

    pub fn zh(&self) -> String {
        self.render(Lang::Zh)
    }

    /// The summary of a write: `3 new, 1 unchanged, 0 updated`.
    pub fn counts(c: &Counts) -> Msg {
        Msg::Counts { new: c.new, unchanged: c.unchanged, updated: c.updated }
    }
}

/// Why an input or output failed, as the system said it: kept with its kind, which says it in
/// Chinese too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IoWhy {
    pub kind: std::io::ErrorKind,
    pub text: String,
}

impl From<&std::io::Error> for IoWhy {
    fn from(e: &std::io::Error) -> IoWhy {
        IoWhy { kind: e.kind(), text: e.to_string() }
    }
}

impl IoWhy {
    fn zh(&self) -> String {
        use std::io::ErrorKind as K;
        let said = match self.kind {
            K::NotFound => "文件或文件夹不存在",
            K::PermissionDenied => "没有权限",
            K::AlreadyExists => "已经存在",
            K::IsADirectory => "这是一个文件夹，不是文件",
            K::NotADirectory => "路径中有一项不是文件夹",
            K::StorageFull => "磁盘已满",
            K::ReadOnlyFilesystem => "文件系统只读",
            K::InvalidData => "数据无效",
            K::UnexpectedEof => "文件意外结束",
            K::Interrupted => "操作被中断",
            _ => return format!("输入输出错误（{}）", self.text),
        };
        said.to_string()
    }
}

// Lists and plurals, the way each language writes them.

/// At most ten items: `4, 9, 12`, or `1, 2, …, 10 and 5 more`.
fn some_en<T: Display>(items: &[T]) -> String {
    const SHOWN: usize = 10;
    let shown: Vec<String> = items.iter().take(SHOWN).map(ToString::to_string).collect();
    match items.len().checked_sub(SHOWN) {
        Some(more) if more > 0 => format!("{} and {more} more", shown.join(", ")),
        _ => shown.join(", "),
    }
}

/// At most ten items: `4、9、12`, or `1、2、…、10 等，另有 5 个`.
fn some_zh<T: Display>(items: &[T]) -> String {
    const SHOWN: usize = 10;
    let shown: Vec<String> = items.iter().take(SHOWN).map(ToString::to_string).collect();
    match items.len().checked_sub(SHOWN) {
        Some(more) if more > 0 => format!("{}等，另有 {more} 个", shown.join("、")),
        _ => shown.join("、"),
    }
}

/// "1 session", "3 sessions".
pub(crate) fn count_en(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The records that hold another: `3 sessions (ids 4, 9, 12)`; `noun` and `label` are
/// (singular, plural).
fn holders_en<T: Display>(items: &[T], noun: (&str, &str), label: (&str, &str)) -> String {
    let label = if items.len() == 1 { label.0 } else { label.1 };
    format!("{} ({label} {})", count_en(items.len(), noun.0, noun.1), some_en(items))
}

/// "it" or "them", for `n` records.
fn them(n: usize) -> &'static str {
    if n == 1 {
        "it"
    } else {
        "them"
    }
}

/// A Chinese phrase that Chinese text follows: a space after a code or a number that ends it.
fn spaced_zh(m: &Msg) -> String {
    let mut s = m.zh();
    if s.chars().last().is_some_and(|c| c.is_ascii_graphic()) {
        s.push(' ');
    }
    s
}

impl From<crate::hours::AmountError> for Msg {
    fn from(e: crate::hours::AmountError) -> Msg {
        use crate::hours::AmountError as E;
        match e {
            E::NotANumber => Msg::IsNotANumber,
            E::Negative => Msg::IsNegative,
            E::TooPrecise => Msg::HasTooManyPlaces,
            E::TooLarge(max) => Msg::IsMoreThan { max: Fixed(max) },
        }
    }
}

fn join_en(msgs: &[Msg]) -> String {
    msgs.iter().map(Msg::en).collect::<Vec<_>>().join(", ")
}

fn join_zh(msgs: &[Msg]) -> String {
    msgs.iter().map(Msg::zh).collect::<Vec<_>>().join("，")
}

/// ` (hint)` after a message, or nothing.
fn hint_en(hint: &Option<Box<Msg>>) -> String {
    hint.as_ref().map_or_else(String::new, |h| format!(" ({})", h.en()))
}

fn hint_zh(hint: &Option<Box<Msg>>) -> String {
    hint.as_ref().map_or_else(String::new, |h| format!("（{}）", h.zh()))
}

/// A stored status code in Chinese (the code itself if it is none).
/// Why role `role`, granted `branch` (or nothing), may not change learner `staff_id`'s records.
fn outside_en(role: &str, branch: &Option<String>, staff_id: &str) -> String {
    match branch {
        Some(b) => {
            format!(
                "role {role} may change only the records of branch {b}'s learners, and {staff_id} is not in branch {b}"
            )
        }
        None => format!("role {role} has no grant to change records (xueshi grant)"),
    }
}

fn outside_zh(role: &str, branch: &Option<String>, staff_id: &str) -> String {
    match branch {
        Some(b) => format!("角色 {role} 只能修改 {b} 支部学员的记录，工号 {staff_id} 不属于 {b} 支部"),
        None => format!("角色 {role} 没有修改记录的授权（xueshi grant）"),
    }
}

fn status_zh(code: &str) -> String {
    code.parse::<Status>().map_or_else(|_| code.to_string(), |s| s.zh().to_string())
}

/// A stored award code in Chinese.
fn award_zh(code: &str) -> String {
    code.parse::<Award>().map_or_else(|_| code.to_string(), |a| a.zh().to_string())
}

/// A stored category code in Chinese.
fn category_zh(code: &str) -> String {
    code.parse::<Category>().map_or_else(|_| code.to_string(), |c| c.zh().to_string())
}

/// A command line's value as Chinese names it: a flag as typed, a positional value (`HOURS`) by
/// what it is, with the name usage shows.
fn flag_zh(flag: &str) -> String {
    match flag {
        "HOURS" => "学时（HOURS）".to_string(),
        other => other.to_string(),
    }
}

/// A sheet's column as messages name it: in English with every name it goes by, in Chinese by
/// its Chinese names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnNames {
    /// Its English name (`staff_id`), and every name it goes by (`staff_id 工号 …`).
    pub en: String,
    pub all: String,
    /// Its Chinese names: `工号（职工号、员工号、人员编号）`.
    pub zh: String,
}

/// A stored table, as the records it holds are called (`check`'s counts, the audit log's rows):
/// `课次`, `session`; an unknown one by its own name.
pub fn table_name(table: &str, lang: crate::Lang) -> String {
    let (en, zh) = match table {
        "branch" => ("branch", "党支部"),
        "learner" => ("learner", "学员"),
        "course" => ("course", "课程"),
        "session" => ("session", "课次"),
        "attendance" => ("attendance", "出勤记录"),
        "assessment" => ("assessment", "考核"),
        "result" => ("result", "考核成绩"),
        "online" => ("online study", "线上自学"),
        "import_batch" => ("import batch", "导入批次"),
        "rule" => ("rule", "学时规则"),
        "category_change" => ("category change", "类别变更"),
        "branch_change" => ("branch change", "支部变更"),
        "spell" => ("enrolment spell", "在册期"),
        "exemption" => ("exemption", "免修期"),
        "closed_year" => ("closed year", "关闭年度"),
        "grant" => ("grant", "授权"),
        "audit" => ("audit log", "操作日志"),
        other => return other.to_string(),
    };
    lang.pick(en, zh).to_string()
}

/// What an undo removed, table by table: `attendance 3, session 1` (`出勤记录 3、课次 1`).
fn removed_list(removed: &[(String, usize)], lang: crate::Lang) -> String {
    if removed.is_empty() {
        return lang.pick("nothing", "无").to_string();
    }
    let each: Vec<String> = removed.iter().map(|(t, n)| format!("{} {n}", table_name(t, lang))).collect();
    each.join(lang.pick(", ", "、"))
}

/// A rule (its stored name) in `lang`: `online-cap`, `线上自学上限`.
pub fn rule_name(name: &str, lang: crate::Lang) -> String {
    match lang {
        crate::Lang::En => rule_en(name),
        crate::Lang::Zh => rule_zh(name),
    }
}

/// A rule (its stored name) as `rules set` takes it: `online-cap`.
fn rule_en(name: &str) -> String {
    name.replace('_', "-")
}

/// A rule (its stored name) as `rules show` names it in Chinese: a category's requirement, the online cap, the
/// absences allowed.
fn rule_zh(name: &str) -> String {
    match name {
        crate::credit::ONLINE_CAP => "线上自学上限".to_string(),
        crate::credit::MAX_ABSENCES => "评优允许缺勤次数".to_string(),
        other => format!("{}学时要求", category_zh(other)),
    }
}

/// A platform as people read it: its name, or that none was given.
fn source_en(source: &str) -> String {
    if source.is_empty() {
        "no source".to_string()
    } else {
        format!("{source:?}")
    }
}

fn source_zh(source: &str) -> String {
    if source.is_empty() {
        "未注明来源".to_string()
    } else {
        format!("{source:?}")
    }
}

/// What a table's rows are, as the audit log names them.
fn entity_zh(entity: &str) -> &str {
    match entity {
        "attendance" => "出勤记录",
        "result" => "成绩",
        "online" => "线上自学记录",
        "session" => "课次",
        "learner" => "学员",
        "course" => "课程",
        "category_change" => "人员类别变更",
        "branch_change" => "支部变更",
        "branch" => "党支部",
        other => other,
    }
}

fn vocabulary_en(v: Vocabulary) -> &'static str {
    match v {
        Vocabulary::Category => "category",
        Vocabulary::CourseKind => "course kind",
        Vocabulary::Mode => "course mode",
        Vocabulary::Status => "attendance status",
        Vocabulary::AssessmentKind => "assessment kind",
        Vocabulary::Award => "award",
    }
}

fn vocabulary_zh(v: Vocabulary) -> &'static str {
    match v {
        Vocabulary::Category => "人员类别",
        Vocabulary::CourseKind => "课程类型",
        Vocabulary::Mode => "教学方式",
        Vocabulary::Status => "出勤状态",
        Vocabulary::AssessmentKind => "考核类型",
        Vocabulary::Award => "奖项",
    }
}

fn unknown_en(w: &UnknownWord) -> String {
    match &w.instead {
        Some(instead) => format!("{:?} is not a known {}: {}", w.word, vocabulary_en(w.what), instead.en()),
        None => format!("{:?} is not a known {} (accepted: {})", w.word, vocabulary_en(w.what), w.accepted),
    }
}

fn unknown_zh(w: &UnknownWord) -> String {
    match &w.instead {
        Some(instead) => format!("{:?} 不是可用的{}：{}", w.word, vocabulary_zh(w.what), instead.zh()),
        None => format!("{:?} 不是可用的{}（可写：{}）", w.word, vocabulary_zh(w.what), w.accepted),
    }
}

/// ` (1 session created)`, for an import's summary.
fn created_en(created: i64, branches: bool) -> String {
    match (created, branches) {
        (0, _) => String::new(),
        (1, true) => " (1 branch created)".to_string(),
        (n, true) => format!(" ({n} branches created)"),
        (1, false) => " (1 session created)".to_string(),
        (n, false) => format!(" ({n} sessions created)"),
    }
}

fn created_zh(created: i64, branches: bool) -> String {
    match (created, branches) {
        (0, _) => String::new(),
        (n, true) => format!("（新建 {n} 个党支部）"),
        (n, false) => format!("（新建 {n} 个课次）"),
    }
}

/// `; ignored: 职位, 打卡时间`: the columns an import did not read.
fn ignored_en(names: &[String]) -> String {
    if names.is_empty() {
        String::new()
    } else {
        format!("; ignored: {}", names.join(", "))
    }
}

fn ignored_zh(names: &[String]) -> String {
    if names.is_empty() {
        String::new()
    } else {
        format!("；未读取的列：{}", names.join("、"))
    }
}

fn problems_en(problems: &[Problem]) -> String {
    problems.iter().map(|p| p.render(Lang::En)).collect::<Vec<_>>().join("; ")
}

fn problems_zh(problems: &[Problem]) -> String {
    problems.iter().map(|p| p.render(Lang::Zh)).collect::<Vec<_>>().join("；")
}

fn lines_en(items: &[String]) -> String {
    items.iter().map(|i| format!("\n  {i}")).collect()
}

catalogue! {
    // ---- How lines are framed on standard error (main.rs) ----

    /// Before every error line.
    ErrorPrefix => en: "error: ", zh: "错误：";
    /// Before every warning line.
    WarningPrefix => en: "warning: ", zh: "警告：";
    /// After the first hundred problems.
    MoreProblems { n: usize } => en: format!("… and {n} more problems"), zh: format!("……另有 {n} 处错误");
    /// The last line when several problems stopped a command.
    NothingWritten { n: usize }
        => en: format!("{n} problems; nothing was written"),
        zh: format!("共 {n} 处错误，未写入任何数据");
    /// The last line of a `check` that found problems.
    CheckFound { n: usize }
        => en: format!("check found {}", count_en(*n, "problem", "problems")),
        zh: format!("检查发现 {n} 处问题");
    PipeClosed => en: "standard output was closed", zh: "标准输出已被关闭";

    // ---- The environment ----

    LangEnvInvalid { value: String }
        => en: format!("XUESHI_LANG={value:?}: write zh or en"),
        zh: format!("XUESHI_LANG={value:?}：请写 zh 或 en");
    TodayEnvInvalid { value: String }
        => en: format!("XUESHI_TODAY={value:?} is not a date (write 2024-03-15)"),
        zh: format!("XUESHI_TODAY={value:?} 不是日期（请写作 2024-03-15）");

    // ---- Who did it, on a server (issue 12): the role is the operator; `grant` ----

    OperatorUnknown
        => en: "no operator is named, so the audit log records changes as unknown's: name yourself with --operator NAME or $XUESHI_OPERATOR",
        zh: "未注明操作人，操作日志会把修改记为 unknown 所做：请用 --operator 姓名 或 $XUESHI_OPERATOR 注明操作人";
    OperatorOnServer
        => en: "--operator cannot be used with a PostgreSQL database: there the audit log records the database role you connect as (the user of the --db URL), which no flag can change",
        zh: "连接 PostgreSQL 数据库时不能使用 --operator：操作日志记录的是连接所用的数据库角色（--db 地址中的用户），任何参数都不能改变它";
    GrantNeedsServer
        => en: "grant works on a PostgreSQL database (--db postgres://…): a SQLite file has no roles, whoever can write the file changes everything",
        zh: "grant 只适用于 PostgreSQL 数据库（--db postgres://…）：SQLite 文件没有角色，能写这个文件的人可以修改一切";
    NoSuchRole { role: String }
        => en: format!("there is no database role {role:?}: create it first (CREATE ROLE {role} LOGIN PASSWORD '…'), then grant it"),
        zh: format!("没有数据库角色 {role:?}：请先创建（CREATE ROLE {role} LOGIN PASSWORD '…'），再授权");
    /// `branch`: the branch granted, or none (a role without a grant).
    OutsideBranch { role: String, branch: Option<String>, staff_id: String }
        => en: format!("{}: nothing was written", outside_en(role, branch, staff_id)),
        zh: format!("{}：未写入任何内容", outside_zh(role, branch, staff_id));
    /// A sheet's row of a learner the role may not change (`OutsideBranch`, said where it is).
    RowOutsideGrant { role: String, branch: Option<String>, staff_id: String }
        => en: outside_en(role, branch, staff_id),
        zh: outside_zh(role, branch, staff_id);
    NotGranted { detail: String }
        => en: format!("this database role is not allowed to do this ({detail}): ask the school's administrator (xueshi grant); nothing was written"),
        zh: format!("当前数据库角色无权执行此操作（{detail}）：请联系党校管理员（xueshi grant）；未写入任何内容");
    GrantedRead { role: String }
        => en: format!("role {role} reads the whole school and changes nothing"),
        zh: format!("角色 {role} 可查看全校数据，不能修改任何记录");
    GrantUnbound { role: String }
        => en: format!("role {role} is a superuser or owns this school's tables: it reads and changes everything whatever a grant says; grant a login role of the secretary's own (CREATE ROLE … LOGIN)"),
        zh: format!("角色 {role} 是超级用户或本校数据表的所有者：无论如何授权，它都能查看和修改一切；请为书记单独创建登录角色（CREATE ROLE … LOGIN）再授权");
    NotGrantedHere { role: String }
        => en: format!("role {role} has no grant in this school: nothing to revoke"),
        zh: format!("角色 {role} 在本校没有授权，无可收回");
    Revoked { role: String }
        => en: format!("role {role} no longer reads or changes this school's records"),
        zh: format!("角色 {role} 已不能再查看或修改本校的记录");
    /// `branch`: the branch granted, or none (the whole school).
    Granted { role: String, branch: Option<String> }
        => en: match branch {
            Some(b) => format!("role {role} reads the whole school and changes only the records of branch {b}'s learners"),
            None => format!("role {role} reads and changes the records of every branch"),
        },
        zh: match branch {
            Some(b) => format!("角色 {role} 可查看全校数据，只能修改 {b} 支部学员的记录"),
            None => format!("角色 {role} 可查看并修改所有支部的记录"),
        };

    // ---- Failures of the machine: the database, files ----

    DatabaseLocked { detail: String }
        => en: format!("the database stays locked by another xueshi: {detail}"),
        zh: format!("数据库一直被另一个 xueshi 占用：{detail}");
    Database { detail: String } => en: format!("database: {detail}"), zh: format!("数据库错误：{detail}");
    Io { why: IoWhy } => en: why.text.clone(), zh: why.zh();
    CategoryInForce { staff_id: String, category: Category, day: String }
        => en: format!("staff id {staff_id} is already {} on {day}: nothing changed", category.code()),
        zh: format!("工号 {staff_id} 在 {day} 已是{}：未作改动", category.zh());
    BranchInForce { staff_id: String, branch: String, day: String }
        => en: format!("staff id {staff_id} is already in branch {branch} on {day}: nothing changed"),
        zh: format!("工号 {staff_id} 在 {day} 已属于 {branch} 支部：未作改动");
    NotADatabase { path: String }
        => en: format!("{path} is not an xueshi database: it is not a SQLite file, or it is damaged (name another with --db)"),
        zh: format!("{path} 不是 xueshi 数据库：它不是 SQLite 文件，或已损坏（可用 --db 指定另一个）");
    NoDatabase { path: String }
        => en: format!("no database at {path}: create one with `xueshi init` (or name another with --db)"),
        zh: format!("{path} 处没有数据库：请用 `xueshi init` 创建（或用 --db 指定另一个）");
    CannotCreate { path: String, why: IoWhy }
        => en: format!("cannot create {path}: {}", why.text),
        zh: format!("无法创建 {path}：{}", why.zh());
    CannotRead { path: String, why: IoWhy }
        => en: format!("cannot read {path}: {}", why.text),
        zh: format!("无法读取 {path}：{}", why.zh());
    CannotWrite { path: String, why: IoWhy }
        => en: format!("cannot write {path}: {}", why.text),
        zh: format!("无法写入 {path}：{}", why.zh());
    CannotRemove { path: String, why: IoWhy }
        => en: format!("cannot remove {path}: {}", why.text),
        zh: format!("无法删除 {path}：{}", why.zh());
    SchoolOnSqlite
        => en: "--school names a school on a PostgreSQL server; a SQLite file is one school (leave --school and $XUESHI_SCHOOL out, or name a server with --db postgres://…)".to_string(),
        zh: "--school 指的是 PostgreSQL 服务器上的学校；一个 SQLite 文件就是一所学校（请去掉 --school 和 $XUESHI_SCHOOL，或用 --db postgres://… 指定服务器）".to_string();
    SchoolCodeInvalid { code: String }
        => en: format!("school code {code:?}: use letters, digits and underscores only (at most 40)"),
        zh: format!("学校代码 {code:?} 无效：只能使用字母、数字和下划线（最多 40 个）");
    NoSchool { school: String, path: String }
        => en: format!("no school {school} at {path}: create it with `xueshi init --school {school}`"),
        zh: format!("{path} 上没有学校 {school}：请用 `xueshi init --school {school}` 创建");
    /// `option`: the `--school CODE ` that names it on the command line ("" for the default school).
    SchoolNotReadable { school: String, detail: String }
        => en: format!("this database role may not read school {school} ({detail}): its owner can grant it (xueshi --school {school} grant ROLE --read-only)"),
        zh: format!("当前数据库角色无权查看学校 {school}（{detail}）：可请该校管理员授权（xueshi --school {school} grant 角色 --read-only）");
    DefaultSchoolNotShown { detail: String }
        => en: format!("this database role may not read the server's default school ({detail}): its owner can grant it (xueshi grant ROLE --read-only)"),
        zh: format!("当前数据库角色无权查看服务器的默认学校（{detail}）：可请该校管理员授权（xueshi grant 角色 --read-only）");
    DefaultSchoolNotReadable { detail: String }
        => en: format!("this database role may not read the server's default school ({detail}): name the school you were granted with --school CODE (or $XUESHI_SCHOOL), or ask its owner to grant it (xueshi grant ROLE --read-only)"),
        zh: format!("当前数据库角色无权查看服务器的默认学校（{detail}）：请用 --school 代码（或 $XUESHI_SCHOOL）指定您获授权的学校，或请该校管理员授权（xueshi grant 角色 --read-only）");
    ServerOnly { command: String }
        => en: format!("`{command}` is for a PostgreSQL server (--db postgres://…); a SQLite file is one school"),
        zh: format!("`{command}` 用于 PostgreSQL 服务器（--db postgres://…）；一个 SQLite 文件只是一所学校");
    BackupOnServer
        => en: "backup copies a SQLite file; back up a PostgreSQL server with its own tools (pg_dump)".to_string(),
        zh: "backup 复制的是 SQLite 文件；PostgreSQL 服务器请用它自己的工具备份（pg_dump）".to_string();
    NotWal { mode: String }
        => en: format!("the database would not switch to WAL mode (it is in {mode} mode)"),
        zh: format!("数据库无法切换到 WAL 模式（当前为 {mode} 模式）");
    SchemaNewer { version: i64, known: i64 }
        => en: format!("the database has schema version {version}, newer than this xueshi knows ({known}): use a newer xueshi"),
        zh: format!("数据库的结构版本是 {version}，比本程序认识的（{known}）新：请使用更新的 xueshi");
    UpgradeBroken { n: i64 }
        => en: format!("the upgrade would leave {n} records without their parent"),
        zh: format!("升级会使 {n} 条记录失去所属的上级记录");
    DbNotADate { text: String }
        => en: format!("database: {text:?} is not a date"),
        zh: format!("数据库：{text:?} 不是日期");
    OutputFailed { detail: String } => en: detail.clone(), zh: format!("输出失败：{detail}");
    /// `known`: `.txt (table)`, `.csv`, …
    UnknownExtension { path: String, ext: String, known: Vec<String> }
        => en: format!(
            "--out {path}: .{ext} is not an output format; this report writes {}: end the file's name with one of them, or give --format",
            known.join(", ")
        ),
        zh: format!(
            "--out {path}：.{ext} 不是可用的输出格式；此报表可写 {}：请让文件名以其中之一结尾，或给出 --format",
            known.join("、")
        );
    XlsxToTerminal
        => en: "xlsx is a binary format and standard output is a terminal: write the workbook to a file with --out FILE.xlsx",
        zh: "xlsx 是二进制格式，而标准输出是终端：请用 --out FILE.xlsx 把工作簿写到文件";
    XlsxFailed { detail: String } => en: format!("xlsx: {detail}"), zh: format!("生成 xlsx 失败：{detail}");
    AuditUnknownEntity { entity: String }
        => en: format!("audit log: unknown entity {entity}"),
        zh: format!("操作日志：未知的对象 {entity}");
    AuditBadJson { entity: String, key: String, detail: String }
        => en: format!("audit log: unreadable JSON for {entity} {key}: {detail}"),
        zh: format!("操作日志：{entity} {key} 的 JSON 无法读取：{detail}");

    // ---- Amounts: hours, scores, pass marks ----

    IsNotANumber => en: "is not a number", zh: "不是数字";
    IsNegative => en: "is negative", zh: "是负数";
    HasTooManyPlaces => en: "has more than two decimal places", zh: "超过两位小数";
    IsMoreThan { max: Fixed } => en: format!("is more than {max}"), zh: format!("超过 {max}");
    /// A flag's amount: `--hours: "30" is more than 24`.
    Amount { flag: String, text: String, why: Box<Msg>, hint: Option<Box<Msg>> }
        => en: format!("{flag}: {text:?} {}{}", why.en(), hint_en(hint)),
        zh: format!("{}：{text:?} {}{}", flag_zh(flag), why.zh(), hint_zh(hint));
    /// A cell's amount: `"2..5" is not a number`.
    BadAmount { text: String, why: Box<Msg> }
        => en: format!("{text:?} {}", why.en()),
        zh: format!("{text:?} {}", why.zh());
    HintSessionDays
        => en: "a session of several days takes --days N: at most 24 hours a day",
        zh: "持续多天的课次请加 --days N：每天至多 24 学时";
    HintOnlineTo
        => en: "a platform's total for a month or a year takes --to DATE: at most 24 hours a day",
        zh: "平台的月度或年度合计请加 --to DATE：每天至多 24 学时";
    Counts { new: i64, unchanged: i64, updated: i64 }
        => en: format!("{new} new, {unchanged} unchanged, {updated} updated"),
        zh: format!("新增 {new}，未变 {unchanged}，更新 {updated}");

    // ---- Words of the command line and of sheets ----

    UnknownWord { word: UnknownWord } => en: unknown_en(word), zh: unknown_zh(word);
    /// 群众 in a category column.
    MassesCategory
        => en: "a 群众 (not a party or league member) is enrolled as an activist 入党积极分子 or a candidate 发展对象: write the one the school enrols them as",
        zh: "群众（非党员、非团员）应按入党积极分子或发展对象登记，请写学校登记的那一类";
    NotADate { text: String }
        => en: format!("{text:?} is not a date (write 2024-03-15)"),
        zh: format!("{text:?} 不是日期（请写作 2024-03-15）");
    NotAYear { text: String }
        => en: format!("{text:?} is not a year (write it in full, e.g. 2024)"),
        zh: format!("{text:?} 不是年份（请写完整的年份，例如 2024）");
    NotAPeriod { text: String }
        => en: format!("{text:?} is not a period (write 2024, 2024-H1, 2024-Q3 or 2024-07; or 2024年度, 2024年上半年, 2024年第三季度, 2024年7月)"),
        zh: format!("{text:?} 不是通报期（请写 2024、2024-H1、2024-Q3 或 2024-07，或写 2024年度、2024年上半年、2024年第三季度、2024年7月）");
    /// What Rust says of a number that does not parse, in English as it says it.
    NotAWholeNumber { detail: String } => en: detail.clone(), zh: "不是整数";
    DaysOutOfRange { days: i64 } => en: format!("{days} is not in 1..=366"), zh: format!("{days} 不在 1 到 366 之间");
    YearOutOfRange { year: i32 }
        => en: format!("--year {year} is not a year"),
        zh: format!("--year {year} 不是有效的年份");
    NoSuchFormat { format: String, has: Vec<String> }
        => en: format!("this report has no {format} format (it has: {})", has.join(", ")),
        zh: format!("此报表没有 {format} 格式（可用：{}）", has.join("、"));

    // ---- Finding records ----

    NotAKnownLearner { staff_id: String }
        => en: format!("staff id {staff_id} is not a known learner"),
        zh: format!("工号 {staff_id} 不是已登记的学员");
    LostZeros { fits: Vec<String> }
        => en: format!("lost its leading zeros and could be any of {}: write it in full", fits.join(", ")),
        zh: format!("丢失了开头的 0，可能是 {} 中的任何一个：请写完整的工号", fits.join("、"));
    LostZerosStaffId { typed: String, fits: Vec<String> }
        => en: format!("staff id {typed} lost its leading zeros and could be any of {}: write it in full", fits.join(", ")),
        zh: format!("工号 {typed} 丢失了开头的 0，可能是 {} 中的任何一个：请写完整的工号", fits.join("、"));
    SameNumberAs { typed: String, stored: String }
        => en: format!("staff id {typed} is the same number as learner {stored} (Excel drops leading zeros): if {stored} should read {typed}, correct it with `xueshi learner set {stored} --staff-id {typed}`"),
        zh: format!("工号 {typed} 与学员 {stored} 是同一个数字（Excel 会去掉开头的 0）：如果 {stored} 应为 {typed}，请用 `xueshi learner set {stored} --staff-id {typed}` 更正");
    BranchUnknown { name: String }
        => en: format!("branch {name:?} is not a known branch (see `xueshi branch list`)"),
        zh: format!("党支部 {name:?} 不存在（见 `xueshi branch list`）");
    CourseUnknown { code: String }
        => en: format!("course {code:?} is not a known course (see `xueshi course list`)"),
        zh: format!("课程 {code:?} 不存在（见 `xueshi course list`）");
    SessionUnknown { id: i64 }
        => en: format!("session {id} is not a known session (see `xueshi session list`)"),
        zh: format!("课次 {id} 不存在（见 `xueshi session list`）");
    AssessmentUnknown { code: String }
        => en: format!("assessment {code:?} is not a known assessment"),
        zh: format!("考核 {code:?} 不存在（见 `xueshi assessment list`）");
    BatchUnknown { batch: i64 }
        => en: format!("batch {batch} is not a known import batch (see `xueshi imports list`)"),
        zh: format!("批次 {batch} 不是已有的导入批次（见 `xueshi imports list`）");

    // ---- Closed years, and the changes that would reach one ----

    ClosedYear { year: i32, what: Box<Msg> }
        => en: format!("{year} is a closed year: {} would change its figures (run `xueshi year reopen {year}` first if it must change)", what.en()),
        zh: format!("{year} 年度已关闭：{}会改变该年度的数据（如确需改动，请先运行 `xueshi year reopen {year}`）", spaced_zh(what));
    YearClosedAlready { year: i32 }
        => en: format!("{year} is closed already (see `xueshi year list`)"),
        zh: format!("{year} 年度已经关闭（见 `xueshi year list`）");
    YearClosed { year: i32 }
        => en: format!("{year} is closed: its figures can no longer change"),
        zh: format!("{year} 年度已关闭：该年度的数据不能再改变");
    YearNotClosed { year: i32 }
        => en: format!("{year} is not closed (see `xueshi year list`)"),
        zh: format!("{year} 年度没有关闭（见 `xueshi year list`）");
    YearReopened { year: i32 } => en: format!("{year} is open again"), zh: format!("{year} 年度已重新开放");
    WhatRuleFrom { name: String, year: i32 }
        => en: format!("the rule {} from {year} on", rule_en(name)),
        zh: format!("自 {year} 年起的规则“{}”", rule_zh(name));
    WhatRuleEvery { name: String }
        => en: format!("the rule {} for every year", rule_en(name)),
        zh: format!("各年度的规则“{}”", rule_zh(name));
    WhatEnrolledFrom { day: String }
        => en: format!("a learner enrolled from {day}"),
        zh: format!("自 {day} 起在籍的学员");
    WhatEnrolledAlways
        => en: "a learner enrolled from before any record (give --joined)",
        zh: "没有加入日期（自始在籍）的学员（请给出 --joined）";
    WhatReturn { staff_id: String, day: String }
        => en: format!("a return of {staff_id} on {day}"),
        zh: format!("{staff_id} 于 {day} 返回");
    WhatExemption { staff_id: String, from: String, to: String }
        => en: format!("an exemption of {staff_id} from {from} to {to}"),
        zh: format!("{staff_id} 自 {from} 至 {to} 的免修");
    WhatLeaving { staff_id: String, day: String }
        => en: format!("{staff_id} leaving on {day}"),
        zh: format!("{staff_id} 于 {day} 离开");
    WhatBecoming { staff_id: String, category: Category, day: String }
        => en: format!("{staff_id} becoming {} from {day}", category.code()),
        zh: format!("{staff_id} 自 {day} 起转为{}", category.zh());
    WhatMovingTo { staff_id: String, branch: String, day: String }
        => en: format!("{staff_id} moving to branch {branch} from {day}"),
        zh: format!("{staff_id} 自 {day} 起转入党支部 {branch}");
    WhatRemovingLearner { staff_id: String }
        => en: format!("removing {staff_id}, who is in its report,"),
        zh: format!("删除在该年度报表中的学员 {staff_id}");
    WhatCourseKind { code: String, kind: CourseKind, year: i32 }
        => en: format!("making course {code} {} (it has sessions in {year})", kind.code()),
        zh: format!("把课程 {code} 改为{}（它在 {year} 年有课次）", kind.zh());
    WhatSessionOf { code: String, day: String }
        => en: format!("a session of course {code} on {day}"),
        zh: format!("{day} 课程 {code} 的课次");
    WhatMovingSession { id: i64, from: String, to: String }
        => en: format!("moving session {id} from {from} to {to}"),
        zh: format!("把课次 {id} 从 {from} 改到 {to}");
    WhatSessionHours { id: i64, date: String }
        => en: format!("changing the hours of session {id} ({date})"),
        zh: format!("修改课次 {id}（{date}）的学时");
    WhatDeletingSession { id: i64, course: String, date: String }
        => en: format!("deleting session {id} ({course} on {date})"),
        zh: format!("删除课次 {id}（{date} 的 {course}）");
    WhatAttendanceAt { session: i64, course: String, date: String }
        => en: format!("attendance at session {session} ({course} on {date})"),
        zh: format!("课次 {session}（{date} 的 {course}）的出勤");
    WhatRemovingAttendance { session: i64, course: String, date: String }
        => en: format!("removing attendance at session {session} ({course} on {date})"),
        zh: format!("删除课次 {session}（{date} 的 {course}）的出勤");
    WhatAttendanceAtCourse { code: String, day: String }
        => en: format!("attendance at {code} on {day}"),
        zh: format!("{day} {code} 的出勤");
    WhatAssessmentOn { code: String, day: String }
        => en: format!("assessment {code} on {day}"),
        zh: format!("{day} 的考核 {code}");
    WhatMovingAssessment { code: String, from: String, to: String }
        => en: format!("moving assessment {code} from {from} to {to}"),
        zh: format!("把考核 {code} 从 {from} 改到 {to}");
    WhatChangingAssessment { code: String, date: String }
        => en: format!("changing assessment {code} ({date})"),
        zh: format!("修改考核 {code}（{date}）");
    WhatResultOf { code: String, date: String }
        => en: format!("a result of assessment {code} ({date})"),
        zh: format!("考核 {code}（{date}）的成绩");
    WhatResultsOf { code: String }
        => en: format!("results of assessment {code}"),
        zh: format!("考核 {code} 的成绩");
    WhatRemovingResult { code: String, date: String }
        => en: format!("removing a result of assessment {code} ({date})"),
        zh: format!("删除考核 {code}（{date}）的成绩");
    WhatOnline { staff_id: String, from: String, to: Option<String> }
        => en: match to {
            Some(to) => format!("online hours of staff id {staff_id} from {from} to {to}"),
            None => format!("online hours of staff id {staff_id} on {from}"),
        },
        zh: match to {
            Some(to) => format!("工号 {staff_id} 自 {from} 至 {to} 的线上自学学时"),
            None => format!("工号 {staff_id} {from} 的线上自学学时"),
        };
    WhatRemovingOnline { staff_id: String, day: String }
        => en: format!("removing online hours of staff id {staff_id} on {day}"),
        zh: format!("删除工号 {staff_id} {day} 的线上自学学时");
    WhatRecordDatedIn => en: "a record dated in it", zh: "日期在该年度内的记录";
    /// An online total whose stored last day is in a closed year.
    WhatOverTotal { what: Box<Msg>, to: String }
        => en: format!("{} (over a total to {to})", what.en()),
        zh: format!("{}（覆盖截至 {to} 的合计）", what.zh());
    WhatChangingTotal { to: String }
        => en: format!("changing the online total to {to}"),
        zh: format!("修改截至 {to} 的线上自学合计");
    WhatUndoingKind { batch: i64 }
        => en: format!("undoing batch {batch}, which changed the kind of a course held in it,"),
        zh: format!("撤销修改了该年度所开课程类型的批次 {batch}");
    WhatSessionDatedIn => en: "a session dated in it", zh: "日期在该年度内的课次";
    WhatEnrolling { staff_id: String }
        => en: format!("enrolling staff id {staff_id}"),
        zh: format!("登记工号 {staff_id}");
    WhatChangeOf { staff_id: String, day: String }
        => en: format!("a change of staff id {staff_id} from {day}"),
        zh: format!("工号 {staff_id} 自 {day} 起的变更");
    WhatMovingJoin { staff_id: String }
        => en: format!("moving the join date of staff id {staff_id}"),
        zh: format!("修改工号 {staff_id} 的加入日期");
    WhatUndoingDated { batch: i64 }
        => en: format!("undoing batch {batch}, which has records dated in it,"),
        zh: format!("撤销含有该年度记录的批次 {batch}");
    WhatUndoingEnrolled { batch: i64 }
        => en: format!("undoing batch {batch}, which enrolled or moved learners,"),
        zh: format!("撤销登记或调动了学员的批次 {batch}");
    WhatUndoingJoin { batch: i64 }
        => en: format!("undoing batch {batch}, which moved a join date,"),
        zh: format!("撤销修改了加入日期的批次 {batch}");

    // ---- Enrolment ----

    /// `{what}: {why}`: a refusal about something named first.
    Within { what: Box<Msg>, why: Box<Msg> }
        => en: format!("{}: {}", what.en(), why.en()),
        zh: format!("{}：{}", what.zh(), why.zh());
    NotEnrolled { staff_id: String, name: String, day: String, spells: String }
        => en: format!("staff id {staff_id} ({name}) was not enrolled on {day} (enrolled {spells}); correct the date, or the learner's spells with `xueshi learner return`/`leave`"),
        zh: format!("工号 {staff_id}（{name}）在 {day} 不在籍（在籍期：{spells}）；请更正日期，或用 `xueshi learner return`/`leave` 更正该学员的在籍期");
    RecSessionOn { id: i64, date: String }
        => en: format!("session {id} on {date}"),
        zh: format!("{date} 的课次 {id}");
    RecAssessmentOn { code: String, date: String }
        => en: format!("assessment {code} on {date}"),
        zh: format!("{date} 的考核 {code}");
    RecOnlineOn { date: String } => en: format!("online hours on {date}"), zh: format!("{date} 的线上自学学时");
    AndMore { n: usize } => en: format!("and {n} more"), zh: format!("另有 {n} 条");

    // ---- Branches and courses ----

    BranchNeedsCodeAndName => en: "a branch needs a code and a name", zh: "党支部需要代码和名称";
    BranchExists { code: String, name: String }
        => en: format!("branch {code} exists already ({name}): rename it with `xueshi branch set {code} --name NAME`"),
        zh: format!("党支部 {code} 已存在（{name}）：如需改名请用 `xueshi branch set {code} --name 名称`");
    BranchNeedsName => en: "a branch needs a name", zh: "党支部需要名称";
    BranchNameTaken { code: String, name: String, by: String }
        => en: format!("branch {code}: the name {name:?} is taken by branch {by}"),
        zh: format!("党支部 {code}：名称 {name:?} 已被党支部 {by} 使用");
    BranchHasLearners { code: String, name: String, staff_ids: Vec<String> }
        => en: format!(
            "branch {code} ({name}) has {}: delete {} first (`xueshi learner delete STAFF_ID`, only a learner with no records), or keep the branch and rename it with `xueshi branch set {code} --name NAME`",
            holders_en(staff_ids, ("learner", "learners"), ("staff id", "staff ids")),
            them(staff_ids.len())
        ),
        zh: format!(
            "党支部 {code}（{name}）有 {} 名学员（工号 {}）：请先删除他们（`xueshi learner delete STAFF_ID`，只能删除没有任何记录的学员），或保留该支部并用 `xueshi branch set {code} --name NAME` 改名",
            staff_ids.len(),
            some_zh(staff_ids)
        );
    BranchInHistory { code: String, name: String, staff_ids: Vec<String> }
        => en: format!(
            "branch {code} ({name}) is in the branch history of {} (see `xueshi learner show STAFF_ID`): keep the branch, or rename it with `xueshi branch set {code} --name NAME`",
            holders_en(staff_ids, ("learner", "learners"), ("staff id", "staff ids"))
        ),
        zh: format!(
            "党支部 {code}（{name}）在 {} 名学员（工号 {}）的支部履历中（见 `xueshi learner show STAFF_ID`）：请保留该支部，或用 `xueshi branch set {code} --name NAME` 改名",
            staff_ids.len(),
            some_zh(staff_ids)
        );
    CourseNeedsCodeAndTitle => en: "a course needs a code and a title", zh: "课程需要代码和名称";
    CourseNeedsTitle => en: "a course needs a title", zh: "课程需要名称";
    CourseExists { code: String }
        => en: format!("course {code} exists already (see `xueshi course list`)"),
        zh: format!("课程 {code} 已存在（见 `xueshi course list`）");
    CourseNothingToChange
        => en: "nothing to change: give --title, --kind, --mode or --hours",
        zh: "没有要修改的内容：请给出 --title、--kind、--mode 或 --hours";
    CourseHasSessions { code: String, ids: Vec<i64> }
        => en: format!(
            "course {code} has {}: delete {} first (`xueshi session delete ID`)",
            holders_en(ids, ("session", "sessions"), ("id", "ids")),
            them(ids.len())
        ),
        zh: format!("课程 {code} 有 {} 个课次（编号 {}）：请先删除这些课次（`xueshi session delete ID`）", ids.len(), some_zh(ids));
    CourseExistsOther { code: String, details: String }
        => en: format!("course {code} exists with other details ({details})"),
        zh: format!("课程 {code} 已存在，但信息不同（{details}）");

    // ---- Learners ----

    LearnerNeedsIdAndName => en: "a learner needs a staff id and a name", zh: "学员需要工号和姓名";
    LearnerNeedsName => en: "a learner needs a name", zh: "学员需要姓名";
    LearnerNeedsBranch => en: "a learner needs a branch (its code or name)", zh: "学员需要党支部（代码或名称）";
    StaffIdIsLearner { staff_id: String, stored: String }
        => en: format!("staff id {staff_id} is already a learner (see `xueshi learner show {stored}`)"),
        zh: format!("工号 {staff_id} 已是学员（见 `xueshi learner show {stored}`）");
    EnrolledCannotReturn { staff_id: String, since: Option<String> }
        => en: format!(
            "staff id {staff_id} is enrolled (since {}): only a learner who left can return",
            since.as_deref().unwrap_or("the start")
        ),
        zh: format!(
            "工号 {staff_id} 仍在籍（{}）：只有已离开的学员才能返回",
            since.as_ref().map_or_else(|| "自始在籍".to_string(), |s| format!("自 {s} 起"))
        );
    ReturnBeforeLeft { staff_id: String, day: String, left: String }
        => en: format!("staff id {staff_id}: a return on {day} must come after they left on {left}"),
        zh: format!("工号 {staff_id}：返回日期 {day} 必须晚于离开日期 {left}");
    LearnerSetNothing
        => en: "learner set: give --category or --branch (with --from), or --name or --staff-id",
        zh: "learner set：请给出 --category 或 --branch（同时给 --from），或 --name、--staff-id";
    LearnerSetFromAlone
        => en: "learner set: --from dates a --category or --branch change",
        zh: "learner set：--from 是 --category 或 --branch 变更的生效日期，须与其一同使用";
    NameFlagEmpty => en: "--name: a learner needs a name", zh: "--name：学员需要姓名";
    StaffIdFlagEmpty => en: "--staff-id: a learner needs a staff id", zh: "--staff-id：学员需要工号";
    StaffIdFlagTaken { new: String, other: String }
        => en: format!("--staff-id: {new} is learner {other}'s staff id (or the same number)"),
        zh: format!("--staff-id：工号 {new} 已被学员 {other} 使用（或与其数字相同）");
    ExemptionBackwards { from: String, to: String }
        => en: format!("an exemption from {from} cannot end before it starts ({to})"),
        zh: format!("免修的结束日期 {to} 早于开始日期 {from}");
    LeftAlready { staff_id: String, left: String }
        => en: format!("staff id {staff_id} left on {left} already; `xueshi learner return {staff_id} --date DATE` opens a new spell"),
        zh: format!("工号 {staff_id} 已于 {left} 离开；`xueshi learner return {staff_id} --date DATE` 可开始新的在籍期");
    LeaveBeforeStart { staff_id: String, day: String, returning: bool, start: String }
        => en: format!(
            "staff id {staff_id}: cannot leave on {day}, before {} on {start}",
            if *returning { "returning" } else { "joining" }
        ),
        zh: format!(
            "工号 {staff_id}：不能在 {day} 离开，这早于 {start} 的{}",
            if *returning { "恢复在籍" } else { "加入" }
        );
    RecordsAfterLeave { staff_id: String, day: String, records: Vec<Msg> }
        => en: format!(
            "staff id {staff_id} has records after {day}: {}; record their return with `xueshi learner return {staff_id} --date DATE`, or correct those records (`xueshi check` lists them)",
            join_en(records)
        ),
        zh: format!(
            "工号 {staff_id} 在 {day} 之后还有记录：{}；请用 `xueshi learner return {staff_id} --date DATE` 登记其返回，或更正这些记录（`xueshi check` 会列出）",
            join_zh(records)
        );
    LearnerHasRecords { staff_id: String, records: Vec<Msg> }
        => en: format!(
            "staff id {staff_id} has records ({}): remove them first, or record that they left with `xueshi learner leave`",
            join_en(records)
        ),
        zh: format!(
            "工号 {staff_id} 有记录（{}）：请先删除这些记录，或用 `xueshi learner leave` 登记其离开",
            join_zh(records)
        );

    // ---- Sessions and attendance ----

    SessionsHeld { code: String, ids: Vec<i64>, day: String }
        => en: format!(
            "course {code} has {} {} on {day} already; to hold it a second time that day, add --again",
            if ids.len() == 1 { "session" } else { "sessions" },
            some_en(ids)
        ),
        zh: format!("课程 {code} 在 {day} 已有课次 {}；如同一天再办一次，请加 --again", some_zh(ids));
    SessionHoursBeyondDays { id: i64, hours: Fixed, days: i64 }
        => en: format!(
            "session {id} has {hours} hours, more than {} hold at 24 hours a day: give its --hours too",
            count_en(*days as usize, "day", "days")
        ),
        zh: format!("课次 {id} 有 {hours} 学时，超过 {days} 天按每天 24 学时所能容纳的：请同时给出 --hours");
    RecordAboveNewHours { id: i64, staff_id: String, hours: Fixed, new: Fixed }
        => en: format!("session {id}: staff id {staff_id} is credited {hours} hours, more than the new {new}; correct it first with `xueshi attend {id} {staff_id} --hours H --update`"),
        zh: format!("课次 {id}：工号 {staff_id} 计 {hours} 学时，超过新的 {new} 学时；请先用 `xueshi attend {id} {staff_id} --hours H --update` 更正");
    OrRemoveRecord { why: Box<Msg> }
        => en: format!("{}; or remove the record first", why.en()),
        zh: format!("{}；或先删除这条记录", why.zh());
    SessionHasRecords { id: i64, course: String, date: String, staff_ids: Vec<String> }
        => en: format!(
            "session {id} ({course} on {date}) has {}: remove {} with `xueshi attend {id} STAFF_ID... --remove`, or add --with-records to delete {} with the session",
            holders_en(staff_ids, ("attendance record", "attendance records"), ("staff id", "staff ids")),
            them(staff_ids.len()),
            them(staff_ids.len())
        ),
        zh: format!(
            "课次 {id}（{date} 的 {course}）有 {} 条出勤记录（工号 {}）：请用 `xueshi attend {id} STAFF_ID... --remove` 删除，或加 --with-records 连同课次一起删除",
            staff_ids.len(),
            some_zh(staff_ids)
        );
    SessionDeleted { id: i64, records: usize }
        => en: format!("session {id} deleted, with {}", count_en(*records, "attendance record", "attendance records")),
        zh: format!("课次 {id} 已删除，连同 {records} 条出勤记录");
    NoHoursOnStatus { status: Status, hours: Fixed }
        => en: format!("an {} record carries no hours (got {hours})", status.code()),
        zh: format!("{}的记录不计学时，不能填写学时（填了 {hours}）", status.zh());
    OwnHoursAboveSession { hours: Fixed, session: Fixed }
        => en: format!("{hours} is more than the session's {session} hours"),
        zh: format!("{hours} 超过课次的 {session} 学时");
    /// A stored attendance record: `present, 1.5 hours`.
    AttendanceDesc { status: String, hours: Option<Fixed> }
        => en: match hours {
            Some(h) => format!("{status}, {h} hours"),
            None => status.clone(),
        },
        zh: match hours {
            Some(h) => format!("{}，{h} 学时", status_zh(status)),
            None => status_zh(status),
        };
    FlagHours { why: Box<Msg> } => en: format!("--hours: {}", why.en()), zh: format!("--hours：{}", why.zh());
    SessionRecordsAlready { session: i64, record: Box<Msg> }
        => en: format!("session {session} already records {}; add --update to overwrite", record.en()),
        zh: format!("课次 {session} 已记录为“{}”；如要覆盖，请加 --update", record.zh());
    SessionSummary { session: i64, counts: Counts }
        => en: format!("session {session}: {}", Msg::counts(counts).en()),
        zh: format!("课次 {session}：{}", Msg::counts(counts).zh());
    NoRecordOfLearner { session: i64 }
        => en: format!("session {session} has no record of this learner (see `xueshi session show {session}`)"),
        zh: format!("课次 {session} 没有该学员的记录（见 `xueshi session show {session}`）");
    SessionRemoved { session: i64, n: usize }
        => en: format!("session {session}: {n} removed"),
        zh: format!("课次 {session}：已删除 {n} 条");

    // ---- Assessments and results ----

    /// A stored result: `score 59.5, award first`.
    ResultDesc { score: Option<Fixed>, award: Option<String> }
        => en: format!(
            "{}, {}",
            score.map_or_else(|| "no score".to_string(), |s| format!("score {s}")),
            award.as_ref().map_or_else(|| "no award".to_string(), |a| format!("award {a}"))
        ),
        zh: format!(
            "{}，{}",
            score.map_or_else(|| "无成绩".to_string(), |s| format!("成绩 {s}")),
            award.as_ref().map_or_else(|| "无奖项".to_string(), |a| format!("奖项 {}", award_zh(a)))
        );
    AwardSyntax { text: String }
        => en: format!("--award {text:?}: write LEVEL=HOURS, e.g. first=3"),
        zh: format!("--award {text:?}：请写 LEVEL=HOURS，例如 first=3");
    AwardLevel { word: UnknownWord } => en: format!("--award: {}", unknown_en(word)), zh: format!("--award：{}", unknown_zh(word));
    AwardTwice { level: Award }
        => en: format!("--award: {} is given twice", level.code()),
        zh: format!("--award：{}给了两次", level.zh());
    AssessmentNeedsCodeAndTitle => en: "an assessment needs a code and a title", zh: "考核需要代码和名称";
    AssessmentNeedsTitle => en: "an assessment needs a title", zh: "考核需要名称";
    AssessmentExists { code: String } => en: format!("assessment {code} exists already"), zh: format!("考核 {code} 已存在");
    AssessmentNothingToChange
        => en: "nothing to change: give --title, --kind, --date, --hours, --pass-mark or --award",
        zh: "没有要修改的内容：请给出 --title、--kind、--date、--hours、--pass-mark 或 --award";
    OrRemoveResult { why: Box<Msg> }
        => en: format!("{}; or remove the result first", why.en()),
        zh: format!("{}；或先删除这条成绩", why.zh());
    AssessmentHasResults { code: String, staff_ids: Vec<String> }
        => en: format!(
            "assessment {code} has {}: remove {} first with `xueshi result remove {code} STAFF_ID`",
            holders_en(staff_ids, ("result", "results"), ("staff id", "staff ids")),
            them(staff_ids.len())
        ),
        zh: format!(
            "考核 {code} 有 {} 条成绩（工号 {}）：请先用 `xueshi result remove {code} STAFF_ID` 删除",
            staff_ids.len(),
            some_zh(staff_ids)
        );
    Assessment { code: String } => en: format!("assessment {code}"), zh: format!("考核 {code}");
    ResultExists { code: String, staff_id: String, result: Box<Msg> }
        => en: format!("assessment {code} already has a result for staff id {staff_id} ({})", result.en()),
        zh: format!("考核 {code} 已有工号 {staff_id} 的成绩（{}）", result.zh());
    NoResult { code: String, staff_id: String }
        => en: format!("assessment {code} has no result for staff id {staff_id} (see `xueshi result list {code}`)"),
        zh: format!("考核 {code} 没有工号 {staff_id} 的成绩（见 `xueshi result list {code}`）");

    // ---- Online study ----

    OnlineToBeforeFrom { to: String, from: String }
        => en: format!("--to {to}: the total's last day is before its first day {from}"),
        zh: format!("--to {to}：合计的最后一天早于第一天 {from}");
    OnlineExists { staff_id: String, day: String, hours: Fixed, to: Option<String>, source: String }
        => en: format!(
            "staff id {staff_id}: {day} already has {hours} online hours{} from {}; add --update to overwrite",
            to.as_ref().map_or_else(String::new, |t| format!(" (a total to {t})")),
            source_en(source)
        ),
        zh: format!(
            "工号 {staff_id}：{day} 已有线上自学 {hours} 学时（来源：{}{}）；如要覆盖，请加 --update",
            source_zh(source),
            to.as_ref().map_or_else(String::new, |t| format!("，截至 {t} 的合计"))
        );
    NoOnline { staff_id: String, day: String, source: Option<String> }
        => en: format!(
            "staff id {staff_id} has no online hours on {day}{} (see `xueshi online list --learner {staff_id}`)",
            source.as_ref().map_or_else(String::new, |s| format!(" from {}", source_en(s)))
        ),
        zh: format!(
            "工号 {staff_id} 在 {day} 没有{}线上自学学时（见 `xueshi online list --learner {staff_id}`）",
            source.as_ref().map_or_else(String::new, |s| format!("来自 {} 的", source_zh(s)))
        );
    OnlineSources { staff_id: String, day: String, sources: Vec<String> }
        => en: format!(
            "staff id {staff_id} has online hours on {day} from {}: name one with --source",
            sources.iter().map(|s| source_en(s)).collect::<Vec<_>>().join(", ")
        ),
        zh: format!(
            "工号 {staff_id} 在 {day} 有多个来源的线上自学学时（{}）：请用 --source 指定一个",
            sources.iter().map(|s| source_zh(s)).collect::<Vec<_>>().join("、")
        );

    // ---- Rules and years ----

    MaxAbsencesNotCount { text: String }
        => en: format!("max-absences: {text:?} is not a count from 0 up"),
        zh: format!("max-absences：{text:?} 不是 0 或正整数");
    MaxAbsencesNotWhole { text: String }
        => en: format!("max-absences: {text:?} is not a whole number"),
        zh: format!("max-absences：{text:?} 不是整数");
    UnknownRule { word: UnknownWord }
        => en: format!("{}, online-cap or max-absences", unknown_en(word)),
        zh: format!("{}，也不是 online-cap 或 max-absences", unknown_zh(word));

    // ---- The database: init, backup, check, the audit log ----

    DbCreated { path: String, version: i64 }
        => en: format!("{path} created schema version {version}"),
        zh: format!("已创建数据库 {path}（结构版本 {version}）");
    DbUpToDate { path: String, version: i64 }
        => en: format!("{path} is up to date at schema version {version}"),
        zh: format!("数据库 {path} 已是最新（结构版本 {version}）");
    SchoolCreated { school: String, path: String, version: i64 }
        => en: format!("school {school} created on {path}, schema version {version}"),
        zh: format!("已在 {path} 上创建学校 {school}（结构版本 {version}）");
    SchoolUpToDate { school: String, path: String, version: i64 }
        => en: format!("school {school} on {path} is up to date at schema version {version}"),
        zh: format!("{path} 上的学校 {school} 已是最新（结构版本 {version}）");
    BackupExists { path: String }
        => en: format!("{path} exists already: name a new file"),
        zh: format!("{path} 已存在：请指定一个新文件");
    BackedUp { from: String, to: String }
        => en: format!("backed up {from} to {to}"),
        zh: format!("已将 {from} 备份到 {to}");
    CheckOk => en: "ok", zh: "检查通过";
    CheckIntegrity { detail: String } => en: format!("integrity: {detail}"), zh: format!("完整性检查：{detail}");
    CheckForeignKey { table: String, column: String, value: i64, parent: String, rows: i64 }
        => en: format!(
            "foreign key: {rows} {table} {} {column} {value}, and {parent} {value} does not exist",
            if *rows == 1 { "row has" } else { "rows have" }
        ),
        zh: format!(
            "外键：{}（{table} 表）有 {rows} 行的 {column} 为 {value}，而{}（{parent} 表）中没有 {value} 这条记录",
            table_name(table, crate::Lang::Zh),
            table_name(parent, crate::Lang::Zh)
        );
    CheckOwnHoursAbove { session: i64, staff_id: String, hours: i64, session_hours: i64 }
        => en: format!("own hours above the session's: session {session}, staff id {staff_id}: credited {} hours, more than the session's {}", Fixed(*hours), Fixed(*session_hours)),
        zh: format!("个人学时超过课次学时：课次 {session}，工号 {staff_id}：计 {} 学时，超过课次的 {} 学时", Fixed(*hours), Fixed(*session_hours));
    CheckHoursWithoutCredit { session: i64, staff_id: String, status: String, hours: i64 }
        => en: format!("hours on a record that earns none: session {session}, staff id {staff_id}: {status} with hours {}", Fixed(*hours)),
        zh: format!("不计学时的记录带有学时：课次 {session}，工号 {staff_id}：{}却带 {} 学时", status_zh(status), Fixed(*hours));
    CheckLeftBeforeJoined { staff_id: String, left: String, joined: String }
        => en: format!("leaving before joining: staff id {staff_id}: left {left}, before joining {joined}"),
        zh: format!("离开早于加入：工号 {staff_id}：{left} 离开，早于 {joined} 加入");
    CheckNotADate { what: Box<Msg>, day: String }
        => en: format!("not a date: {}: {day:?}", what.en()),
        zh: format!("不是日期：{}：{day:?}", what.zh());
    Session { id: i64 } => en: format!("session {id}"), zh: format!("课次 {id}");
    CheckOnlineOfLearner { id: i64 }
        => en: format!("online hours of learner {id}"),
        zh: format!("学员（内部编号 {id}）的线上自学学时");
    CheckJoined { staff_id: String } => en: format!("staff id {staff_id} joined"), zh: format!("工号 {staff_id} 的加入日期");
    CheckLeft { staff_id: String } => en: format!("staff id {staff_id} left"), zh: format!("工号 {staff_id} 的离开日期");
    OutsideEnrolment { record: Box<Msg>, why: Box<Msg> }
        => en: format!("record outside enrolment: {}: {}", record.en(), why.en()),
        zh: format!("记录不在在籍期内：{}：{}", record.zh(), why.zh());
    RecAttendanceAt { session: i64 }
        => en: format!("attendance at session {session}"),
        zh: format!("课次 {session} 的出勤");
    RecResultOf { code: String } => en: format!("result of assessment {code}"), zh: format!("考核 {code} 的成绩");
    RecOnlineFrom { date: String }
        => en: format!("online hours from {date}"),
        zh: format!("自 {date} 起的线上自学学时");
    RecOnlineTo { date: String } => en: format!("online hours to {date}"), zh: format!("截至 {date} 的线上自学学时");
    AuditUnknownLearner { staff_id: String }
        => en: format!("staff id {staff_id} is not a known learner, and the audit log never names it"),
        zh: format!("工号 {staff_id} 不是已登记的学员，操作日志中也没有它");

    // ---- The demo and gen ----

    BuildingDemo { path: String }
        => en: format!("building the demo school in {path} …"),
        zh: format!("正在 {path} 中建立演示党校……");
    DemoNotDemoDb { path: String }
        => en: format!("{path} exists and is not a demo database: name another file with --db"),
        zh: format!("{path} 已存在，且不是演示数据库：请用 --db 指定另一个文件");
    DemoChanged { path: String, changes: i64 }
        => en: format!("{path} is a demo database with {} made since the demo built it: the demo will not build it again over them; remove it yourself, or name another file with --db", count_en(*changes as usize, "change", "changes")),
        zh: format!("{path} 是演示数据库，但演示建成后又有 {changes} 处改动：演示不会覆盖它；如不再需要请自行删除，或用 --db 指定另一个文件");
    DemoBadLine { place: String, detail: String }
        => en: format!("{place}: {detail}"),
        zh: format!("{place}：演示脚本的这一行无法解析：{detail}");
    DemoStepFailed { place: String, line: String, problems: Vec<Problem> }
        => en: format!("{place}: {line}: {}", problems_en(problems)),
        zh: format!("{place}：{line}：演示脚本的这一步失败：{}", problems_zh(problems));
    GenCsv { detail: String } => en: format!("gen: {detail}"), zh: format!("gen：写 CSV 失败：{detail}");
    GenLearners => en: "--learners must be at least 1", zh: "--learners 至少为 1";
    GenTooMany { n: usize, most: usize }
        => en: format!("--attendance {n}: at most {most} distinct records fit"),
        zh: format!("--attendance {n}：至多只能有 {most} 条互不相同的记录");
    GenWrote { learners: usize, branches: usize, courses: usize, attendance: usize, online: usize, dir: String }
        => en: format!("wrote {learners} learners in {branches} branches, {courses} courses, {attendance} attendance rows, {online} online rows to {dir}"),
        zh: format!("已向 {dir} 写入 {branches} 个支部的 {learners} 名学员、{courses} 门课程、{attendance} 行出勤、{online} 行线上自学");

    // ---- Imports: flags and summaries ----

    FlagsBelongAttendance
        => en: "--session, --course, --date and --hours belong to `import attendance`",
        zh: "--session、--course、--date 和 --hours 只用于 `import attendance`";
    AssessmentBelongsResults => en: "--assessment belongs to `import results`", zh: "--assessment 只用于 `import results`";
    ResultsNeedAssessment
        => en: "`import results` needs --assessment CODE: the assessment the sheet is for",
        zh: "`import results` 需要 --assessment CODE：该表所属的考核";
    FromBelongsLearners => en: "--from belongs to `import learners`", zh: "--from 只用于 `import learners`";
    CreateBranchesBelongsLearners
        => en: "--create-branches belongs to `import learners`",
        zh: "--create-branches 只用于 `import learners`";
    ImportDryRun { file: String, counts: Counts, created: i64, branches: bool, ignored: Vec<String> }
        => en: format!(
            "{file}: dry run: {}{} would be written; nothing was written{}",
            Msg::counts(counts).en(),
            created_en(*created, *branches),
            ignored_en(ignored)
        ),
        zh: format!(
            "{file}：试运行，将会{}{}；实际未写入任何数据{}",
            Msg::counts(counts).zh(),
            created_zh(*created, *branches),
            ignored_zh(ignored)
        );
    ImportUnchanged { file: String, counts: Counts, ignored: Vec<String> }
        => en: format!("{file}: {}{} — nothing changed, no batch recorded", Msg::counts(counts).en(), ignored_en(ignored)),
        zh: format!("{file}：{}{} — 没有任何改变，未记录批次", Msg::counts(counts).zh(), ignored_zh(ignored));
    /// The batch id is the line's last word: scripts take it from there.
    ImportDone { file: String, counts: Counts, created: i64, branches: bool, ignored: Vec<String>, batch: i64 }
        => en: format!(
            "{file}: {}{}{} — batch {batch}",
            Msg::counts(counts).en(),
            created_en(*created, *branches),
            ignored_en(ignored)
        ),
        zh: format!(
            "{file}：{}{}{} — 批次 {batch}",
            Msg::counts(counts).zh(),
            created_zh(*created, *branches),
            ignored_zh(ignored)
        );

    // ---- Imports: rows ----

    /// A stored record a row contradicts.
    Conflict { what: Box<Msg> }
        => en: format!("{}; add --update to overwrite", what.en()),
        zh: format!("{}；如要覆盖，请加 --update", what.zh());
    /// A key given twice in one file.
    RepeatedRow { what: Box<Msg> }
        => en: format!("{} on an earlier row of this file, which says otherwise", what.en()),
        zh: format!("本文件前面的一行已写明：{}，与本行不符", what.zh());
    NameMismatch { cell: String, staff_id: String, name: String }
        => en: format!("{cell:?} does not match staff id {staff_id}'s name {name}"),
        zh: format!("{cell:?} 与工号 {staff_id} 的姓名 {name} 不符");
    RowWithoutStaffId
        => en: "the row has no staff id: whose is it? (a row left blank is skipped)",
        zh: "该行没有工号：这是谁的记录？（整行空白的行会被跳过）";
    RowWithoutName
        => en: "the row has no name: whose is it? (a row left blank is skipped)",
        zh: "该行没有姓名：这是谁的记录？（整行空白的行会被跳过）";
    NameNobodys { cell: String }
        => en: format!("{cell:?} is not the name of any learner: correct the name, or give the row its staff id (工号)"),
        zh: format!("{cell:?} 不是任何学员的姓名：请更正姓名，或为该行填写工号");
    /// Every learner of the name, with where they were enrolled: (`0101 王伟 (NK1)`, spells).
    NameNotEnrolled { cell: String, day: String, candidates: Vec<(String, String)> }
        => en: format!(
            "no learner named {cell} was enrolled on {day} ({}): correct the name or the date, or give the row its staff id (工号)",
            candidates.iter().map(|(who, spells)| format!("{who} enrolled {spells}")).collect::<Vec<_>>().join("; ")
        ),
        zh: format!(
            "{day} 没有名为 {cell} 的在籍学员（{}）：请更正姓名或日期，或为该行填写工号",
            candidates.iter().map(|(who, spells)| format!("{who} 在籍期 {spells}")).collect::<Vec<_>>().join("；")
        );
    NameAmbiguous { cell: String, candidates: Vec<String>, day: String }
        => en: format!(
            "{cell} could be any of {}, all enrolled on {day}: give the row its staff id (工号)",
            candidates.join(", ")
        ),
        zh: format!("{cell} 可能是 {} 中的任何一位（{day} 均在籍）：请为该行填写工号", candidates.join("、"));
    /// `session 5 already records present for staff id 0001`.
    AttendanceExists { session: i64, record: Box<Msg>, staff_id: String }
        => en: format!("session {session} already records {} for staff id {staff_id}", record.en()),
        zh: format!("课次 {session} 已记录工号 {staff_id} 为“{}”", record.zh());
    NotSessionCourse { cell: String, id: i64, code: String, day: String }
        => en: format!("{cell:?} is not the course of session {id} ({code} on {day})"),
        zh: format!("{cell:?} 不是课次 {id}（{day} 的 {code}）的课程");
    NotSessionDate { cell: String, id: i64, code: String, day: String }
        => en: format!("{cell:?} is not the date of session {id} ({code} on {day})"),
        zh: format!("{cell:?} 不是课次 {id}（{day} 的 {code}）的日期");
    SessionBadDate { id: i64, day: String }
        => en: format!("session {id} has no valid date: {day:?}"),
        zh: format!("课次 {id} 的日期无效：{day:?}");
    AssessmentBadDate { code: String, day: String }
        => en: format!("assessment {code} has no valid date: {day:?}"),
        zh: format!("考核 {code} 的日期无效：{day:?}");
    FlagCourseUnknown { code: String }
        => en: format!("--course: {code:?} is not a known course (see `xueshi course list`)"),
        zh: format!("--course：课程 {code:?} 不存在（见 `xueshi course list`）");
    FlagHoursMismatch { id: i64, code: String, day: String, hours: Fixed, wanted: Fixed }
        => en: format!("--hours: session {id} of {code} on {day} is worth {hours} hours, not {wanted}; change it with `xueshi session set {id} --hours {wanted}` or leave --hours out"),
        zh: format!("--hours：{day} {code} 的课次 {id} 为 {hours} 学时，不是 {wanted}；请用 `xueshi session set {id} --hours {wanted}` 修改，或去掉 --hours");
    SeveralSessionsFlag { code: String, day: String, ids: Vec<i64> }
        => en: format!(
            "{code} has {} sessions on {day} (ids {}): name the sheet's session with --session ID",
            ids.len(),
            ids.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
        ),
        zh: format!(
            "{code} 在 {day} 有 {} 个课次（编号 {}）：请用 --session ID 指定该表的课次",
            ids.len(),
            ids.iter().map(ToString::to_string).collect::<Vec<_>>().join("、")
        );
    SeveralSessionsRow { code: String, day: String, ids: Vec<i64> }
        => en: format!(
            "{code} has {} sessions on {day} (ids {}): import this sheet with --session ID",
            ids.len(),
            ids.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
        ),
        zh: format!(
            "{code} 在 {day} 有 {} 个课次（编号 {}）：请用 --session ID 导入此表",
            ids.len(),
            ids.iter().map(ToString::to_string).collect::<Vec<_>>().join("、")
        );
    NoCourseDateColumns
        => en: "the sheet has no course and date columns: name its session with --session ID, or --course CODE --date DATE",
        zh: "该表没有课程和日期列：请用 --session ID，或 --course CODE --date DATE 指定课次";
    CourseMissing => en: "the course is missing", zh: "缺少课程";
    CourseUnknownCell { code: String }
        => en: format!("{code:?} is not a known course (see `xueshi course list`)"),
        zh: format!("{code:?} 不是已有的课程（见 `xueshi course list`）");
    DateMissing => en: "the date is missing", zh: "缺少日期";
    ToBeforeDate { to: String, date: String }
        => en: format!("{to:?} comes before the row's date {date:?}"),
        zh: format!("{to:?} 早于该行的日期 {date:?}");
    OnlineExistsRow { staff_id: String, hours: Fixed, source: String, day: String }
        => en: format!("staff id {staff_id} already has {hours} online hours from {source:?} on {day}"),
        zh: format!("工号 {staff_id} 在 {day} 已有来自 {source:?} 的线上自学 {hours} 学时");
    SameNumberEarlierRow { typed: String, other: String }
        => en: format!("staff id {typed} is the same number as staff id {other} on an earlier row of this file (Excel drops leading zeros): write one staff id, in full"),
        zh: format!("工号 {typed} 与本文件前面一行的工号 {other} 是同一个数字（Excel 会去掉开头的 0）：请统一写成完整的工号");
    BranchUnknownCell { cell: String }
        => en: format!("{cell:?} is not a known branch code or name (add it with `xueshi branch add`, or import with --create-branches)"),
        zh: format!("{cell:?} 不是已有党支部的代码或名称（请用 `xueshi branch add` 添加，或导入时加 --create-branches）");
    LearnerExists { staff_id: String, details: Box<Msg> }
        => en: format!("staff id {staff_id} is already a learner with other details ({})", details.en()),
        zh: format!("工号 {staff_id} 已是学员，但信息不同（{}）", details.zh());
    /// A stored learner as a person reads it: `王伟, branch NK1, member, joined 2024-03-01`.
    LearnerDetails { name: String, branch: String, category: String, joined: Option<String> }
        => en: format!(
            "{name}, branch {branch}, {category}{}",
            joined.as_ref().map_or_else(String::new, |d| format!(", joined {d}"))
        ),
        zh: format!(
            "{name}，支部 {branch}，{}{}",
            category_zh(category),
            joined.as_ref().map_or_else(String::new, |d| format!("，{d} 加入"))
        );
    /// A roster row that changes a learner's category or branch.
    CategoryOrBranchNow { staff_id: String, now: Category, now_branch: String, sheet: Category, branch: String }
        => en: format!(
            "staff id {staff_id} is {} in branch {now_branch} now; the sheet says {} in branch {branch}",
            now.code(),
            sheet.code()
        ),
        zh: format!(
            "工号 {staff_id} 现为党支部 {now_branch} 的{}，表中写的是党支部 {branch} 的{}",
            now.zh(),
            sheet.zh()
        );
    ChangeNeedsUpdate { change: Box<Msg> }
        => en: format!("{}: to record the change add --update --from DATE (the day it takes effect)", change.en()),
        zh: format!("{}：如要登记这一变更，请加 --update --from DATE（变更生效的日期）", change.zh());
    ChangeNeedsFrom { change: Box<Msg> }
        => en: format!("{}: give --from DATE, the day the change takes effect (the months before keep the old one)", change.en()),
        zh: format!("{}：请给出 --from DATE，即变更生效的日期（此前的月份保持原来的）", change.zh());
    JoinAfterLeft { staff_id: String, day: String, left: String }
        => en: format!("staff id {staff_id}: a join date of {day} comes after they left on {left}"),
        zh: format!("工号 {staff_id}：加入日期 {day} 晚于其离开日期 {left}");
    RecordsBeforeJoin { staff_id: String, day: String, spells: String, records: Vec<Msg> }
        => en: format!(
            "staff id {staff_id} has records before {day}, the join date the sheet gives (enrolled {spells} now): {}; correct the date, or those records first",
            join_en(records)
        ),
        zh: format!(
            "工号 {staff_id} 在表中给出的加入日期 {day} 之前有记录（当前在籍期：{spells}）：{}；请更正日期，或先更正这些记录",
            join_zh(records)
        );

    // ---- Undoing a batch ----

    BatchUndoneAlready { batch: i64, file: String }
        => en: format!("batch {batch} ({file}) is undone already"),
        zh: format!("批次 {batch}（{file}）已经撤销过了");
    BatchUndone { batch: i64, file: String, removed: Vec<(String, usize)>, restored: usize }
        => en: format!("batch {batch} ({file}) undone: removed {}; {restored} restored", removed_list(removed, crate::Lang::En)),
        zh: format!("批次 {batch}（{file}）已撤销：删除 {}；恢复 {restored} 行", removed_list(removed, crate::Lang::Zh));
    RecAttendanceOf { staff_id: String, session: i64 }
        => en: format!("the attendance of staff id {staff_id} at session {session}"),
        zh: format!("工号 {staff_id} 在课次 {session} 的出勤");
    RecResultIn { staff_id: String, code: String }
        => en: format!("the result of staff id {staff_id} in {code}"),
        zh: format!("工号 {staff_id} 在 {code} 的成绩");
    RecOnlineOf { staff_id: String, date: String }
        => en: format!("the online hours of staff id {staff_id} on {date}"),
        zh: format!("工号 {staff_id} {date} 的线上自学学时");
    RecEntity { entity: String, key: String }
        => en: format!("{entity} {key}"),
        zh: format!("{}记录 {key}", entity_zh(entity));
    UndoChangedByBatch { batch: i64, what: Box<Msg>, by: i64, operator: String, at: String }
        => en: format!("cannot undo batch {batch}: {} was changed since by batch {by} ({operator}, {at}); undo batch {by} first", what.en()),
        zh: format!("无法撤销批次 {batch}：{}此后被批次 {by} 修改过（{operator}，{at}）；请先撤销批次 {by}", spaced_zh(what));
    UndoChangedByCommand { batch: i64, what: Box<Msg>, operator: String, at: String }
        => en: format!("cannot undo batch {batch}: {} was changed since by a command ({operator}, {at}), which undo cannot take back; set it back by hand first", what.en()),
        zh: format!("无法撤销批次 {batch}：{}此后被命令修改过（{operator}，{at}），撤销无法还原；请先手工改回", spaced_zh(what));
    UndoCreatedHasRecords { batch: i64, entity: String, name: String }
        => en: format!("cannot undo batch {batch}: {entity} {name} it created has records added or changed since"),
        zh: format!("无法撤销批次 {batch}：它创建的{} {name} 此后有记录被添加或修改", entity_zh(entity));
    UndoJoinBack { batch: i64, staff_id: String, day: String, records: Vec<Msg> }
        => en: format!(
            "cannot undo batch {batch}: it would move the join date of staff id {staff_id} back to {day}, after records made since ({}); correct or remove them first",
            join_en(records)
        ),
        zh: format!(
            "无法撤销批次 {batch}：这会把工号 {staff_id} 的加入日期改回 {day}，晚于此后登记的记录（{}）；请先更正或删除这些记录",
            join_zh(records)
        );

    // ---- Reading sheets ----

    DateWithoutYear { cell: String, month: u32, day: u32 }
        => en: format!("{cell:?} has no year, and nothing gives one (no other date of the sheet has one, the command names no date, no title line names a year): write it with its year (YYYY年{month}月{day}日)"),
        zh: format!("{cell:?} 没有年份，也无从推断（表中其他日期都没有年份，命令没有给出日期，标题行也没有年份）：请写上年份（YYYY年{month}月{day}日）");
    DateWithoutYearSeveral { cell: String, years: Vec<i32>, month: u32, day: u32 }
        => en: format!(
            "{cell:?} has no year, and the sheet's other dates are in {}: write it with its year (YYYY年{month}月{day}日)",
            years.iter().map(ToString::to_string).collect::<Vec<_>>().join(" and ")
        ),
        zh: format!(
            "{cell:?} 没有年份，而表中其他日期分属 {} 年：请写上年份（YYYY年{month}月{day}日）",
            years.iter().map(ToString::to_string).collect::<Vec<_>>().join("、")
        );
    NotADateIn { cell: String, year: i32 }
        => en: format!("{cell:?} is not a date in {year}"),
        zh: format!("{cell:?} 不是 {year} 年的日期");
    MissingColumn { column: Box<ColumnNames> }
        => en: format!("the header row has no {} column (name it {})", column.en, column.all),
        zh: format!("表头没有{}列", column.zh);
    EmptySheet
        => en: "the sheet is empty: it has no header and no rows (was it saved before it was filled in?)",
        zh: "表格是空的：没有表头，也没有数据行（是否在填写前就保存了？）";
    NoHeader { rows: usize, key: Box<ColumnNames>, by_name: Option<Box<ColumnNames>> }
        => en: format!(
            "no header row: none of the first {rows} rows has a column named {} ({}){}",
            key.en,
            key.all,
            by_name.as_ref().map_or_else(String::new, |n| format!(", or {} ({})", n.en, n.all))
        ),
        zh: format!(
            "找不到表头：前 {rows} 行中没有{}{}列",
            key.zh,
            by_name.as_ref().map_or_else(String::new, |n| format!("或{}", n.zh))
        );
    NotUtf8
        => en: "is not valid UTF-8 text (if the file is GBK, add --encoding gb18030)",
        zh: "不是有效的 UTF-8 文本（如果文件是 GBK 编码，请加 --encoding gb18030）";
    NotCsv { detail: String } => en: format!("cannot be read as CSV: {detail}"), zh: format!("无法按 CSV 读取：{detail}");
    Damaged { file: String, why: Box<Msg> }
        => en: format!("{file}: cannot be read as a workbook (damaged, or not really a spreadsheet): {}", why.en()),
        zh: format!("{file}: 无法作为工作簿读取（文件已损坏，或并不是电子表格）：{}", why.zh());
    DamagedParts => en: "its parts contradict each other", zh: "文件内部各部分相互矛盾";
    DamagedDetail { detail: String }
        => en: detail.clone(),
        zh: match detail.as_str() {
            "Cannot detect file format" => "无法识别文件格式".to_string(),
            _ => format!("读取出错（{detail}）"),
        };
    CellOutsideGrid { row: u64, column: u64 }
        => en: format!("a cell lies outside the worksheet's grid (row {row}, column {column})"),
        zh: format!("有单元格位于工作表范围之外（第 {row} 行，第 {column} 列）");
    NoWorksheetNamed { wanted: String, names: Vec<String> }
        => en: format!("has no worksheet named {wanted:?} (it has: {})", names.join(", ")),
        zh: format!("没有名为 {wanted:?} 的工作表（现有：{}）", names.join("、"));
    NoWorksheet => en: "has no worksheet", zh: "没有工作表";
    WorksheetUnreadable { name: String, detail: String }
        => en: format!("worksheet {name:?} cannot be read: {detail}"),
        zh: format!("工作表 {name:?} 无法读取：{detail}");

    // ---- The command line: its parse errors and the words of its help (help.rs) ----

    ClapUnknownArgument { arg: String }
        => en: format!("unexpected argument '{arg}' found"),
        zh: format!("无法识别的参数 '{arg}'");
    ClapUnknownSubcommand { name: String }
        => en: format!("unrecognized subcommand '{name}'"),
        zh: format!("无法识别的子命令 '{name}'");
    ClapInvalidValue { value: String, arg: String, possible: Vec<String> }
        => en: format!(
            "invalid value '{value}' for '{arg}'{}",
            if possible.is_empty() { String::new() } else { format!("\n  [possible values: {}]", possible.join(", ")) }
        ),
        zh: format!(
            "'{arg}' 的值 '{value}' 无效{}",
            if possible.is_empty() { String::new() } else { format!("\n  [可选值：{}]", possible.join(", ")) }
        );
    ClapValueRequired { arg: String }
        => en: format!("a value is required for '{arg}' but none was supplied"),
        zh: format!("'{arg}' 需要一个值，但没有给出");
    ClapValueValidation { value: String, arg: String, why: Option<Box<Msg>> }
        => en: format!("invalid value '{value}' for '{arg}'{}", why.as_ref().map_or_else(String::new, |w| format!(": {}", w.en()))),
        zh: format!("'{arg}' 的值 '{value}' 无效{}", why.as_ref().map_or_else(String::new, |w| format!("：{}", w.zh())));
    ClapMissingRequired { args: Vec<String> }
        => en: format!("the following required arguments were not provided:{}", lines_en(args)),
        zh: format!("缺少以下必需的参数：{}", lines_en(args));
    ClapMissingSubcommand { name: String, subcommands: Vec<String> }
        => en: format!(
            "'{name}' requires a subcommand but one was not provided{}",
            if subcommands.is_empty() { String::new() } else { format!("\n  [subcommands: {}]", subcommands.join(", ")) }
        ),
        zh: format!(
            "'{name}' 需要一个子命令，但没有给出{}",
            if subcommands.is_empty() { String::new() } else { format!("\n  [子命令：{}]", subcommands.join(", ")) }
        );
    ClapConflict { arg: String, with: Vec<String> }
        => en: format!("the argument '{arg}' cannot be used with {}", with.iter().map(|w| format!("'{w}'")).collect::<Vec<_>>().join(", ")),
        zh: format!("参数 '{arg}' 不能与 {} 同时使用", with.iter().map(|w| format!("'{w}'")).collect::<Vec<_>>().join("、"));
    ClapTwice { arg: String }
        => en: format!("the argument '{arg}' cannot be used multiple times"),
        zh: format!("参数 '{arg}' 只能用一次");
    ClapTooManyValues { value: String, arg: String }
        => en: format!("unexpected value '{value}' for '{arg}' found; no more were expected"),
        zh: format!("'{arg}' 多出了值 '{value}'：它不再需要更多的值");
    ClapWrongNumber { arg: String, expected: isize, actual: isize }
        => en: format!("{expected} values required for '{arg}' but {actual} provided"),
        zh: format!("'{arg}' 需要 {expected} 个值，实际给出了 {actual} 个");
    ClapNoEquals { arg: String }
        => en: format!("equal sign is needed when assigning values to '{arg}'"),
        zh: format!("给 '{arg}' 赋值时需要等号");
    ClapInvalidUtf8 => en: "invalid UTF-8 was detected in one or more arguments", zh: "命令行参数中有无效的 UTF-8 文本";
    ClapOther { detail: String } => en: detail.clone(), zh: format!("命令行无法解析：{detail}");
    /// `a similar argument exists: '--format'`: `what` is subcommand, argument or value.
    ClapSimilar { what: String, candidates: Vec<String> }
        => en: format!(
            "tip: {}: {}",
            if candidates.len() == 1 { format!("a similar {what} exists") } else { format!("some similar {what}s exist") },
            candidates.iter().map(|c| format!("'{c}'")).collect::<Vec<_>>().join(", ")
        ),
        zh: format!(
            "提示：有相近的{}：{}",
            match what.as_str() {
                "subcommand" => "子命令",
                "argument" => "参数",
                _ => "值",
            },
            candidates.iter().map(|c| format!("'{c}'")).collect::<Vec<_>>().join("、")
        );
    ClapTip { tip: String } => en: format!("tip: {tip}"), zh: format!("提示：{tip}");
    ClapTryHelp { flag: String }
        => en: format!("For more information, try '{flag}'."),
        zh: if flag.starts_with("xueshi") { format!("请运行 `{flag}` 查看帮助。") } else { format!("请在命令后加 {flag} 查看帮助。") };
    HelpUsage => en: "Usage:", zh: "用法：";
    HelpCommands => en: "Commands", zh: "命令";
    HelpArguments => en: "Arguments", zh: "参数";
    HelpOptions => en: "Options", zh: "选项";
    HelpPrintHelp => en: "Print help", zh: "显示帮助";
    HelpPrintHelpMore => en: "Print help (see more with '--help')", zh: "显示帮助（用 --help 看详细说明）";
    HelpPrintHelpLess => en: "Print help (see a summary with '-h')", zh: "显示帮助（用 -h 看摘要）";
    HelpPrintVersion => en: "Print version", zh: "显示版本";
    HelpSubcommand
        => en: "Print this message or the help of the given subcommand(s)",
        zh: "显示本帮助，或指定子命令的帮助";
    HelpSubcommandArg => en: "Print help for the subcommand(s)", zh: "显示子命令的帮助";
    HelpDefault { value: String } => en: format!("[default: {value}]"), zh: format!("[默认：{value}]");
    HelpPossible { values: Vec<String> }
        => en: format!("[possible values: {}]", values.join(", ")),
        zh: format!("[可选值：{}]", values.join(", "));
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A value of a parameter type, for rendering every message once.
    pub trait Sample {
        fn sample() -> Self;
    }

    impl Sample for String {
        fn sample() -> String {
            "x".to_string()
        }
    }

    macro_rules! numbers {
        ($($t:ty),*) => { $(impl Sample for $t { fn sample() -> $t { 2 } })* };
    }
    numbers!(i64, i32, u32, u64, usize, isize);

    impl Sample for bool {
        fn sample() -> bool {
            true
        }
    }

    impl Sample for Fixed {
        fn sample() -> Fixed {
            Fixed(150)
        }
    }

    impl<T: Sample> Sample for Option<T> {
        fn sample() -> Option<T> {
            Some(T::sample())
        }
    }

    impl<T: Sample> Sample for Vec<T> {
        fn sample() -> Vec<T> {
            vec![T::sample(), T::sample()]
        }
    }

    impl<A: Sample, B: Sample> Sample for (A, B) {
        fn sample() -> (A, B) {
            (A::sample(), B::sample())
        }
    }

    impl Sample for Box<Msg> {
        fn sample() -> Box<Msg> {
            Box::new(Msg::NotAKnownLearner { staff_id: "0099".into() })
        }
    }

    impl Sample for Msg {
        fn sample() -> Msg {
            Msg::NotAKnownLearner { staff_id: "0099".into() }
        }
    }

    impl Sample for Box<ColumnNames> {
        fn sample() -> Box<ColumnNames> {
            Box::new(ColumnNames { en: "hours".into(), all: "hours 学时".into(), zh: "学时".into() })
        }
    }

    impl Sample for IoWhy {
        fn sample() -> IoWhy {
            IoWhy::from(&std::io::Error::from(std::io::ErrorKind::NotFound))
        }
    }

    impl Sample for Counts {
        fn sample() -> Counts {
            Counts { new: 3, unchanged: 1, updated: 0 }
        }
    }

    impl Sample for Problem {
        fn sample() -> Problem {
            Problem::at("sheet.csv:2: staff_id", Msg::NotAKnownLearner { staff_id: "0099".into() })
        }
    }

    impl Sample for UnknownWord {
        fn sample() -> UnknownWord {
            Category::parse("x").unwrap_err()
        }
    }

    impl Sample for Category {
        fn sample() -> Category {
            Category::Member
        }
    }

    impl Sample for CourseKind {
        fn sample() -> CourseKind {
            CourseKind::Theory
        }
    }

    impl Sample for Status {
        fn sample() -> Status {
            Status::Excused
        }
    }

    impl Sample for Award {
        fn sample() -> Award {
            Award::First
        }
    }

    fn chinese(text: &str) -> bool {
        text.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
    }

    /// Every message says something in both languages, and the Chinese is Chinese.
    #[test]
    fn every_message_has_english_and_chinese() {
        let samples = Msg::samples();
        assert!(samples.len() > 200, "{} messages", samples.len());
        for m in &samples {
            let (en, zh) = (m.en(), m.zh());
            assert!(!en.trim().is_empty(), "{m:?}: no English");
            assert!(!zh.trim().is_empty(), "{m:?}: no Chinese");
            assert!(chinese(&zh), "{m:?}: the Chinese is not Chinese: {zh}");
            assert_ne!(en, zh, "{m:?}");
        }
        println!("{} messages in the catalogue", samples.len());
    }

    /// The parts of messages that vary by a value (amounts, reasons of I/O, vocabularies) have
    /// Chinese for every value.
    #[test]
    fn every_reason_has_chinese() {
        use crate::hours::AmountError;
        for e in [AmountError::NotANumber, AmountError::Negative, AmountError::TooPrecise, AmountError::TooLarge(2400)]
        {
            assert!(chinese(&Msg::from(e).zh()));
        }
        use std::io::ErrorKind as K;
        for kind in [K::NotFound, K::PermissionDenied, K::Other, K::BrokenPipe] {
            assert!(chinese(&IoWhy::from(&std::io::Error::from(kind)).zh()), "{kind:?}");
        }
        for v in [
            Vocabulary::Category,
            Vocabulary::CourseKind,
            Vocabulary::Mode,
            Vocabulary::Status,
            Vocabulary::AssessmentKind,
            Vocabulary::Award,
        ] {
            assert!(chinese(vocabulary_zh(v)) && !vocabulary_en(v).is_empty());
        }
        for entity in ["attendance", "result", "online", "session", "learner", "course", "branch"] {
            assert!(chinese(entity_zh(entity)), "{entity}");
        }
    }

    #[test]
    fn lists_are_cut_at_ten() {
        let ids: Vec<i64> = (1..=15).collect();
        assert_eq!(some_en(&ids), "1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 5 more");
        assert_eq!(some_zh(&ids), "1、2、3、4、5、6、7、8、9、10等，另有 5 个");
        assert_eq!(holders_en(&[4], ("session", "sessions"), ("id", "ids")), "1 session (id 4)");
    }

    #[test]
    fn a_closed_year_names_what_it_refuses() {
        let m = Msg::ClosedYear { year: 2024, what: Box::new(Msg::WhatRecordDatedIn) };
        assert_eq!(
            m.en(),
            "2024 is a closed year: a record dated in it would change its figures (run `xueshi year reopen 2024` first if it must change)"
        );
        assert_eq!(
            m.zh(),
            "2024 年度已关闭：日期在该年度内的记录会改变该年度的数据（如确需改动，请先运行 `xueshi year reopen 2024`）"
        );
    }
}
