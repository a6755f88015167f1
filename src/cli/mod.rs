//! The command line (SPEC §4). The `///` comments are the help text.

pub mod help;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::date::Date;
use crate::error::ArgError;
use crate::import::sheet::Encoding;
use crate::import::ImportKind;
use crate::model::{AssessmentKind, Award, Category, CourseKind, Mode, Status};
use crate::msg::Msg;
use crate::report::document::Output;

/// 学时: the credit-hour system of a hospital party school, over one SQLite file.
#[derive(Debug, Parser)]
#[command(name = "xueshi", version, about, propagate_version = true)]
pub struct Cli {
    /// The database file [default: $XUESHI_DB, else xueshi.db]
    #[arg(long, global = true, value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// Language of messages, help, reports and notices [default: $XUESHI_LANG, else the system's: zh when it is Chinese, else en]
    #[arg(long, global = true, value_enum)]
    pub lang: Option<crate::Lang>,
    /// Who is making the change, for the audit log [default: $XUESHI_OPERATOR, else $USER; on PostgreSQL: the database role, and this flag is refused]
    #[arg(long, global = true, value_name = "NAME")]
    pub operator: Option<String>,
    /// The school (hospital) on a PostgreSQL server: its own schema [default: $XUESHI_SCHOOL, else the server's default school]
    #[arg(long, global = true, value_name = "CODE")]
    pub school: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the database, or upgrade it to the current schema
    Init,
    /// Build a fresh database from the bundled fixtures and print a year report and a notice
    ///
    /// The database is demo.db in the current folder, or the one --db names; never $XUESHI_DB,
    /// which may be a real school's.
    Demo,
    /// Party branches (党支部)
    #[command(subcommand)]
    Branch(BranchCmd),
    /// Learners (学员)
    #[command(subcommand)]
    Learner(LearnerCmd),
    /// Courses (课程)
    #[command(subcommand)]
    Course(CourseCmd),
    /// Sessions (课次): one holding of a course on a date
    #[command(subcommand)]
    Session(SessionCmd),
    /// Record attendance (出勤) of learners at a session
    Attend(AttendArgs),
    /// Assessments (考核): quizzes, knowledge contests, essay contests
    #[command(subcommand)]
    Assessment(AssessmentCmd),
    /// Assessment results (成绩)
    #[command(subcommand)]
    Result(ResultCmd),
    /// Online self-study hours (线上自学)
    #[command(subcommand)]
    Online(OnlineCmd),
    /// Import a sheet (.csv or .xlsx)
    Import(ImportArgs),
    /// Import batches: list them, or take one back
    #[command(subcommand)]
    Imports(ImportsCmd),
    /// Reports: the year report for the appraisal, a learner's transcript
    #[command(subcommand)]
    Report(ReportCmd),
    /// A periodic notice (学时定期通报): standings, honour list, who is behind
    Notice(NoticeArgs),
    /// The yearly requirements per category, the online cap, the absences allowed: by year
    #[command(subcommand)]
    Rules(RulesCmd),
    /// Close a year once its appraisal is issued, reopen it, list the years
    #[command(subcommand)]
    Year(YearCmd),
    /// Write a consistent copy of the database (safe while others write)
    Backup {
        /// Where to write the copy
        file: PathBuf,
    },
    /// Check the database's integrity and its records' consistency
    Check,
    /// PostgreSQL: let a database role change one branch's learners' records, or every branch's, or only read; or take that back
    Grant(GrantArgs),
    /// Write deterministic synthetic data for benchmarks
    Gen(GenArgs),
    /// The audit log: every change of a stored record, oldest first
    Audit(AuditArgs),
    /// Print a shell completion script (e.g. `xueshi completions bash > /etc/bash_completion.d/xueshi`)
    Completions {
        /// bash, zsh, fish or powershell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Subcommand)]
pub enum BranchCmd {
    /// Add a branch
    Add {
        /// Its code, e.g. NK1
        code: String,
        /// Its name, e.g. 内科一支部
        name: String,
    },
    /// List the branches
    List(#[command(flatten)] Output),
    /// Rename a branch
    Set {
        /// The branch's code (or its present name)
        code: String,
        /// The new name
        #[arg(long)]
        name: String,
    },
    /// Delete a branch that no learner ever belonged to
    Delete {
        /// The branch's code (or its name)
        code: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum LearnerCmd {
    /// Enrol a learner
    Add {
        /// Staff id (工号); leading zeros are kept
        staff_id: String,
        name: String,
        /// Branch code or name
        #[arg(long)]
        branch: String,
        /// member cadre probationary candidate activist youth, or the Chinese name
        #[arg(long, value_parser = parse_word::<Category>)]
        category: Category,
        /// The date the learner joined [default: enrolled from before any record]
        #[arg(long, value_parser = parse_date)]
        joined: Option<Date>,
    },
    /// Record that a learner left (援藏, 驻村, 外派, a transfer out): their requirement is prorated
    Leave {
        staff_id: String,
        /// Their last day
        #[arg(long, value_parser = parse_date)]
        date: Date,
    },
    /// Record that a learner who left came back: a new enrolment spell from DATE
    Return {
        staff_id: String,
        /// Their first day back
        #[arg(long, value_parser = parse_date)]
        date: Date,
    },
    /// Change a learner's category or branch from a date on (admission, 转正, a move), or
    /// correct their name or staff id
    ///
    /// A category or branch change is dated: it holds from --from on, and the months before keep
    /// the old one (发展对象 → 预备党员 on admission, 预备党员 → 正式党员 at 转正, 转入另一支部).
    /// --name and --staff-id correct what was entered wrongly.
    Set {
        staff_id: String,
        /// The new category, from --from on
        #[arg(long, value_parser = parse_word::<Category>, requires = "from")]
        category: Option<Category>,
        /// The new branch (code or name), from --from on
        #[arg(long, requires = "from")]
        branch: Option<String>,
        /// The first day the new category or branch holds
        #[arg(long, value_parser = parse_date)]
        from: Option<Date>,
        /// A corrected name
        #[arg(long)]
        name: Option<String>,
        /// A corrected staff id
        #[arg(long = "staff-id", value_name = "NEW")]
        new_staff_id: Option<String>,
    },
    /// Exempt a learner for a date range (病假, 产假, 年老体弱): nothing is required of the months
    /// it covers wholly
    Exempt {
        staff_id: String,
        #[arg(long, value_parser = parse_date)]
        from: Date,
        #[arg(long, value_parser = parse_date)]
        to: Date,
        /// Why, e.g. 病假
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// A learner's history: spells, dated categories and branches, exemptions
    Show {
        staff_id: String,
        #[command(flatten)]
        output: Output,
    },
    /// Remove a learner entered by mistake (only one with no records)
    Delete { staff_id: String },
    /// List learners with their category and branch now
    List {
        #[arg(long)]
        branch: Option<String>,
        #[arg(long, value_parser = parse_word::<Category>)]
        category: Option<Category>,
        #[command(flatten)]
        output: Output,
    },
}

#[derive(Debug, Subcommand)]
pub enum CourseCmd {
    /// Add a course
    Add {
        code: String,
        title: String,
        /// theory extension topic, or the Chinese name
        #[arg(long, value_parser = parse_word::<CourseKind>)]
        kind: CourseKind,
        /// offline online field joint, or the Chinese name
        #[arg(long, value_parser = parse_word::<Mode>)]
        mode: Mode,
        /// Default hours of a session
        #[arg(long, allow_hyphen_values = true)]
        hours: String,
    },
    /// List the courses
    List(#[command(flatten)] Output),
    /// Correct a course (a new kind reaches every year with sessions of it)
    Set {
        /// The course's code
        code: String,
        /// The new title
        #[arg(long)]
        title: Option<String>,
        /// theory extension topic, or the Chinese name
        #[arg(long, value_parser = parse_word::<CourseKind>)]
        kind: Option<CourseKind>,
        /// offline online field joint, or the Chinese name
        #[arg(long, value_parser = parse_word::<Mode>)]
        mode: Option<Mode>,
        /// Default hours of a new session (sessions held keep theirs)
        #[arg(long, allow_hyphen_values = true)]
        hours: Option<String>,
    },
    /// Delete a course that has no sessions
    Delete {
        /// The course's code
        code: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum SessionCmd {
    /// Hold a course on a date; prints the new session's id
    Add {
        /// The course's code
        #[arg(long)]
        course: String,
        /// The (first) day of the session
        #[arg(long, value_parser = parse_date)]
        date: Date,
        /// How many days it lasts (a 5-day 集中轮训: 5); at most 24 hours a day [default: 1]
        #[arg(long, value_parser = parse_days)]
        days: Option<i64>,
        /// Hold the course a second time on a date that has a session of it already
        #[arg(long)]
        again: bool,
        /// Hours of this session [default: the course's]
        #[arg(long, allow_hyphen_values = true)]
        hours: Option<String>,
        /// Who taught it
        #[arg(long)]
        teacher: Option<String>,
    },
    /// List sessions
    List {
        /// Only the sessions held in this year
        #[arg(long, value_parser = parse_year)]
        year: Option<i32>,
        #[command(flatten)]
        output: Output,
    },
    /// Correct a session
    Set {
        /// The session's id
        id: i64,
        /// Its hours (records credited by default follow)
        #[arg(long, allow_hyphen_values = true)]
        hours: Option<String>,
        /// Its (first) day
        #[arg(long, value_parser = parse_date)]
        date: Option<Date>,
        /// How many days it lasts
        #[arg(long, value_parser = parse_days)]
        days: Option<i64>,
        /// Who taught it (an empty name clears it)
        #[arg(long)]
        teacher: Option<String>,
    },
    /// A session's roster: every record, its status and the hours it credits
    Show {
        /// The session's id
        id: i64,
        #[command(flatten)]
        output: Output,
    },
    /// Delete a session (only one without records, unless --with-records)
    Delete {
        /// The session's id
        id: i64,
        /// Delete its attendance records with it
        #[arg(long)]
        with_records: bool,
    },
}

#[derive(Debug, Args)]
pub struct AttendArgs {
    /// The session's id
    pub session: i64,
    /// The learners' staff ids
    #[arg(required = true, value_name = "STAFF_ID")]
    pub staff_ids: Vec<String>,
    /// present late excused absent, or the Chinese word
    #[arg(long, default_value = "present", value_parser = parse_word::<Status>)]
    pub status: Status,
    /// Hours credited instead of the session's (left early)
    #[arg(long, allow_hyphen_values = true)]
    pub hours: Option<String>,
    /// Overwrite records that say otherwise
    #[arg(long)]
    pub update: bool,
    /// Remove these learners' records of the session instead
    #[arg(long, conflicts_with_all = ["status", "hours", "update"])]
    pub remove: bool,
}

#[derive(Debug, Subcommand)]
pub enum AssessmentCmd {
    /// Add a quiz, contest or essay contest
    Add {
        code: String,
        title: String,
        #[arg(long, value_parser = parse_word::<AssessmentKind>)]
        kind: AssessmentKind,
        #[arg(long, value_parser = parse_date)]
        date: Date,
        #[arg(long, allow_hyphen_values = true)]
        hours: String,
        /// The score a quiz result needs to earn its hours [default: 60]
        #[arg(long, allow_hyphen_values = true)]
        pass_mark: Option<String>,
        /// Bonus hours for an award level, e.g. first=3 (repeatable)
        #[arg(long, value_name = "LEVEL=HOURS")]
        award: Vec<String>,
    },
    /// List the assessments
    List(#[command(flatten)] Output),
    /// Correct an assessment
    Set {
        /// The assessment's code
        code: String,
        /// The new title
        #[arg(long)]
        title: Option<String>,
        /// quiz contest essay, or the Chinese name
        #[arg(long, value_parser = parse_word::<AssessmentKind>)]
        kind: Option<AssessmentKind>,
        /// Its date
        #[arg(long, value_parser = parse_date)]
        date: Option<Date>,
        /// The hours it credits
        #[arg(long, allow_hyphen_values = true)]
        hours: Option<String>,
        /// The score a quiz result needs to earn its hours
        #[arg(long, allow_hyphen_values = true)]
        pass_mark: Option<String>,
        /// Bonus hours for an award level, e.g. first=3 (repeatable; other levels keep theirs)
        #[arg(long, value_name = "LEVEL=HOURS")]
        award: Vec<String>,
    },
    /// Delete an assessment that has no results
    Delete {
        /// The assessment's code
        code: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ResultCmd {
    /// Record a learner's result
    Add {
        assessment: String,
        staff_id: String,
        #[arg(long, allow_hyphen_values = true)]
        score: Option<String>,
        /// first second third merit, or the Chinese name
        #[arg(long, value_parser = parse_word::<Award>)]
        award: Option<Award>,
        /// Overwrite a result that says otherwise
        #[arg(long)]
        update: bool,
    },
    /// An assessment's results: score, award and the hours each credits
    List {
        /// The assessment's code
        assessment: String,
        #[command(flatten)]
        output: Output,
    },
    /// Remove a learner's result
    Remove {
        /// The assessment's code
        assessment: String,
        /// The learner's staff id
        staff_id: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum OnlineCmd {
    /// Record online self-study hours: of one day, or a platform's total up to --to
    Add {
        /// The learner's staff id
        staff_id: String,
        /// The day (with --to: the first day of the total)
        #[arg(value_parser = parse_date)]
        date: Date,
        /// At most 24 a day
        #[arg(allow_hyphen_values = true)]
        hours: String,
        /// The last day of a month's or a year's total, credited on that day
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        to: Option<Date>,
        /// The platform, e.g. 学习强国
        #[arg(long, default_value = "")]
        source: String,
        /// Overwrite a record that says otherwise
        #[arg(long)]
        update: bool,
    },
    /// List online hours
    List {
        /// Only this learner's
        #[arg(long, value_name = "STAFF_ID")]
        learner: Option<String>,
        /// Only those credited in this year
        #[arg(long, value_parser = parse_year)]
        year: Option<i32>,
        #[command(flatten)]
        output: Output,
    },
    /// Remove a learner's online hours of a day
    Remove {
        /// The learner's staff id
        staff_id: String,
        /// The day (of a total: its first day)
        #[arg(value_parser = parse_date)]
        date: Date,
        /// The platform [default: the day's only record]
        #[arg(long)]
        source: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[arg(value_enum)]
    pub kind: ImportKind,
    pub file: PathBuf,
    /// Check and report what would change; write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Overwrite stored records that the file contradicts
    #[arg(long)]
    pub update: bool,
    #[arg(long, value_enum, default_value = "auto")]
    pub encoding: Encoding,
    /// The worksheet of an .xlsx file [default: the first]
    #[arg(long)]
    pub sheet: Option<String>,
    /// learners: create branches the file names that do not exist yet
    #[arg(long)]
    pub create_branches: bool,
    /// attendance: the session the sheet is for
    #[arg(long, conflicts_with_all = ["course", "date"])]
    pub session: Option<i64>,
    /// attendance: the course of the sheet's session (with --date)
    #[arg(long, requires = "date")]
    pub course: Option<String>,
    /// attendance: the date of the sheet's session (with --course)
    #[arg(long, value_parser = parse_date, requires = "course")]
    pub date: Option<Date>,
    /// attendance: hours of the session, if it is created [default: the course's]
    #[arg(long, allow_hyphen_values = true, requires = "course")]
    pub hours: Option<String>,
    /// results: the assessment the sheet is for
    #[arg(long)]
    pub assessment: Option<String>,
    /// learners: with --update, the day a changed category or branch takes effect (admission,
    /// 转正, a move); the months before keep the old one
    #[arg(long, value_parser = parse_date)]
    pub from: Option<Date>,
}

#[derive(Debug, Subcommand)]
pub enum ImportsCmd {
    /// List import batches, oldest first
    List(#[command(flatten)] Output),
    /// Take a batch back: its new rows go, the rows it overwrote get their old values back
    Undo { batch: i64 },
}

#[derive(Debug, Subcommand)]
pub enum ReportCmd {
    /// The year report for the annual appraisal (年度评优评先)
    Year {
        /// [default: the year of the last complete month]
        #[arg(value_parser = parse_year)]
        year: Option<i32>,
        /// Only this branch's learners and records
        #[arg(long)]
        branch: Option<String>,
        #[command(flatten)]
        output: Output,
    },
    /// Every school on the server in one table: learners, met, completion, average hours (PostgreSQL)
    Schools {
        /// [default: the year of the last complete month]
        #[arg(value_parser = parse_year)]
        year: Option<i32>,
        #[command(flatten)]
        output: Output,
    },
    /// A learner's transcript: every credited item and its hours
    Learner {
        staff_id: String,
        /// [default: the year of the last complete month]
        #[arg(long, value_parser = parse_year)]
        year: Option<i32>,
        #[command(flatten)]
        output: Output,
    },
}

#[derive(Debug, Args)]
pub struct NoticeArgs {
    /// 2024, 2024-H1, 2024-Q3 or 2024-07 [default: the last complete month]
    #[arg(value_parser = parse_period)]
    pub period: Option<crate::period::Period>,
    /// Only this branch's learners and records
    #[arg(long)]
    pub branch: Option<String>,
    #[command(flatten)]
    pub output: Output,
}

#[derive(Debug, Subcommand)]
pub enum RulesCmd {
    /// Show the rules in force in a year
    Show {
        /// The year [default: that of the last complete month]
        #[arg(long, value_parser = parse_year)]
        year: Option<i32>,
        #[command(flatten)]
        output: Output,
    },
    /// Set a rule for every year, or from one year on (earlier years keep their values)
    ///
    /// NAME is a category (its yearly hours), online-cap (HOURS, or none) or max-absences (the
    /// absences an eligible learner may have, N). A closed year's rules cannot change.
    Set {
        /// A category, online-cap or max-absences
        name: String,
        /// Hours; none (online-cap); a count (max-absences)
        #[arg(allow_hyphen_values = true)]
        value: String,
        /// The first year the value holds [default: every year]
        #[arg(long, value_parser = parse_year)]
        from: Option<i32>,
    },
}

#[derive(Debug, Subcommand)]
pub enum YearCmd {
    /// Close a year once its appraisal is issued: nothing may change its figures afterwards
    Close {
        #[arg(value_parser = parse_year)]
        year: i32,
    },
    /// Reopen a closed year (audited)
    Reopen {
        #[arg(value_parser = parse_year)]
        year: i32,
    },
    /// Each year with records, and whether it is closed
    List(#[command(flatten)] Output),
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Only changes made on or after this day
    #[arg(long, value_parser = parse_date)]
    pub since: Option<Date>,
    /// Only changes of this learner and their records
    #[arg(long, value_name = "STAFF_ID")]
    pub learner: Option<String>,
    /// Only the changes of this import batch
    #[arg(long, value_name = "ID")]
    pub batch: Option<i64>,
    #[command(flatten)]
    pub output: Output,
}

#[derive(Debug, Args)]
pub struct GrantArgs {
    /// The database role (CREATE ROLE … LOGIN), e.g. nk1_secretary
    pub role: String,
    /// The branch (code or name) whose learners' records the role changes
    #[arg(
        long,
        required_unless_present_any = ["school_wide", "read_only", "revoke"],
        conflicts_with_all = ["school_wide", "read_only", "revoke"]
    )]
    pub branch: Option<String>,
    /// The role changes the records of every branch
    #[arg(long, conflicts_with_all = ["read_only", "revoke"])]
    pub school_wide: bool,
    /// The role reads the whole school and changes nothing (a commission's, for `report schools`)
    #[arg(long, conflicts_with = "revoke")]
    pub read_only: bool,
    /// Take the role's grant in this school back: it then neither reads nor changes its records
    #[arg(long)]
    pub revoke: bool,
}

#[derive(Debug, Args)]
pub struct GenArgs {
    #[arg(long)]
    pub learners: usize,
    #[arg(long)]
    pub attendance: usize,
    #[arg(long, value_parser = parse_year)]
    pub year: i32,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[arg(long)]
    pub out: PathBuf,
}

// Value parsers: their errors are messages, which clap's printer says in English and ours
// (`cli::help`) in Chinese.

fn parse_word<T: std::str::FromStr<Err = crate::model::UnknownWord>>(s: &str) -> Result<T, ArgError> {
    s.parse::<T>().map_err(|e| ArgError(e.msg()))
}

fn parse_date(s: &str) -> Result<Date, ArgError> {
    crate::date::parse(s).ok_or_else(|| ArgError(Msg::NotADate { text: s.to_string() }))
}

/// A calendar year written in full: `2024`, not `24`.
fn parse_year(s: &str) -> Result<i32, ArgError> {
    // 2024, or as it is written in Chinese: 2024年, 2024年度.
    let t = s.trim();
    let t = t.strip_suffix('度').unwrap_or(t);
    let t = t.strip_suffix('年').unwrap_or(t);
    match t.parse::<i32>() {
        Ok(y) if t.len() == 4 && (1900..=2999).contains(&y) => Ok(y),
        _ => Err(ArgError(Msg::NotAYear { text: s.to_string() })),
    }
}

fn parse_period(s: &str) -> Result<crate::period::Period, ArgError> {
    s.parse().map_err(ArgError)
}

/// How many days a session lasts: 1 to 366.
fn parse_days(s: &str) -> Result<i64, ArgError> {
    match s.parse::<i64>() {
        Ok(days) if (1..=366).contains(&days) => Ok(days),
        Ok(days) => Err(ArgError(Msg::DaysOutOfRange { days })),
        Err(e) => Err(ArgError(Msg::NotAWholeNumber { detail: e.to_string() })),
    }
}

/// Parses the command line in `lang` (`Lang::from_args`): its help and its errors are said in
/// that language; an error or a help text is printed, and the program ends (exit 2, or 0 for help).
pub fn parse(args: Vec<std::ffi::OsString>, lang: crate::Lang) -> Cli {
    use clap::FromArgMatches;
    let exit = |e: clap::Error| -> ! {
        match lang {
            crate::Lang::En => e.exit(),
            crate::Lang::Zh => e.apply::<crate::cli::help::Chinese>().exit(),
        }
    };
    let mut matches = crate::cli::help::command(lang).try_get_matches_from(args).unwrap_or_else(|e| exit(e));
    Cli::from_arg_matches_mut(&mut matches).unwrap_or_else(|e| exit(e))
}
