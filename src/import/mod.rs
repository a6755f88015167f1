//! Importing sheets (SPEC §3): one file is one transaction and, if it writes, one batch. The sheet
//! reader turns the file into rows; each kind maps its named columns to records and checks them.

mod attendance;
pub mod batch;
mod bulk;
mod guard;
mod learners;
mod online;
mod results;
pub mod sheet;

use std::collections::HashMap;
use std::io::IsTerminal;

use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{params, Transaction};
use serde_json::json;

use crate::cli::{ImportArgs, ImportKind};
use crate::commands::{hours_arg, Counts};
use crate::db::{self, Action, Actor};
use crate::error::{Error, Problems, Result};
use crate::msg::Msg;
use crate::staff_id::{self, Found};
use crate::store::{Put, Writer};
use crate::Ctx;
use guard::Guard;
use sheet::{Column, Layout, Options, Row, Sheet};

/// Files larger than this get a progress bar (when stderr is a terminal).
const PROGRESS_MIN_BYTES: u64 = 5 << 20;

/// SQLite's page cache during an import, in KiB (negative: a size, not a page count). Large
/// enough for the indexes an import touches, small enough to stay within SPEC §7's memory bound.
const IMPORT_CACHE_KIB: i64 = 32 * 1024;

pub const STAFF_ID: Column =
    Column { name: "staff_id", aliases: &["工号", "职工号", "员工号", "人员编号", "staff id"] };
pub const NAME: Column = Column { name: "name", aliases: &["姓名", "员工姓名"] };
pub const HOURS: Column = Column { name: "hours", aliases: &["学时"] };
/// 考勤日期, 打卡日期: DingTalk's.
pub const DATE: Column = Column { name: "date", aliases: &["日期", "考勤日期", "打卡日期"] };

pub fn run(ctx: &Ctx, args: ImportArgs) -> Result<()> {
    check_flags(&args)?;
    let file =
        args.file.file_name().map_or_else(|| args.file.display().to_string(), |n| n.to_string_lossy().into_owned());
    let fp = sheet::fingerprint(&args.file)?;
    let mut conn = ctx.open()?;
    conn.pragma_update(None, "cache_size", -IMPORT_CACHE_KIB)?;
    // Each chunk of rows is one statement, with a statement journal: keep it off the disk.
    conn.pragma_update(None, "temp_store", "memory")?;
    let tx = db::write(&mut conn)?;
    let mut actor = ctx.actor();
    tx.execute(
        "INSERT INTO import_batch (kind, file, sha256, operator, at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![kind_code(args.kind), file, fp.sha256, actor.operator, actor.at],
    )?;
    let batch = tx.last_insert_rowid();
    actor.batch = Some(batch);
    let options = Options { encoding: Some(args.encoding), sheet: args.sheet.clone() };
    let sheet = Sheet::open(&args.file, &file, layout(args.kind), &options, &fp)?;
    let progress = (fp.len > PROGRESS_MIN_BYTES && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(fp.len);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let mut job = Job {
        tx: &tx,
        actor,
        sheet,
        update: args.update,
        problems: Problems::default(),
        problem_lines: Vec::new(),
        counts: Counts::default(),
        created: 0,
        rows: 0,
        progress,
    };
    match args.kind {
        ImportKind::Learners => learners::learners(&mut job, &args)?,
        ImportKind::Courses => learners::courses(&mut job)?,
        ImportKind::Attendance => attendance::import(&mut job, &args)?,
        ImportKind::Results => results::import(&mut job, &args)?,
        ImportKind::Online => online::import(&mut job)?,
    }
    if let Some(bar) = &job.progress {
        bar.finish_and_clear();
    }
    job.sorted_problems().into_result()?;
    // SPEC v2: the summary names the columns it did not read (before the batch id, which scripts
    // take as the line's last word).
    let ignored = job.sheet.ignored().to_vec();
    let Job { counts, created, actor, .. } = job;
    // Learners create branches; attendance sheets create sessions.
    let branches = args.kind == ImportKind::Learners;
    if args.dry_run {
        // Dropping the transaction rolls back everything, the batch row included.
        return ctx.say(Msg::ImportDryRun { file, counts, created, branches, ignored });
    }
    if counts.new + counts.updated == 0 && created == 0 {
        // A file that changes nothing leaves no batch behind: there would be nothing to undo.
        return ctx.say(Msg::ImportUnchanged { file, counts, ignored });
    }
    tx.execute(
        "UPDATE import_batch SET new = ?1, unchanged = ?2, updated = ?3 WHERE id = ?4",
        params![counts.new, counts.unchanged, counts.updated, batch],
    )?;
    let new = json!({ "kind": kind_code(args.kind), "file": file, "sha256": fp.sha256,
                      "new": counts.new, "unchanged": counts.unchanged, "updated": counts.updated });
    db::audit(&tx, &actor, "import_batch", &json!({ "id": batch }), Action::Insert, None, Some(&new))?;
    tx.commit()?;
    ctx.say(Msg::ImportDone { file, counts, created, branches, ignored, batch })
}

/// Flags that belong to another kind of import are a usage error, not silently ignored.
fn check_flags(args: &ImportArgs) -> Result<()> {
    let attendance = args.kind == ImportKind::Attendance;
    if !attendance && (args.session.is_some() || args.course.is_some()) {
        return Err(Error::usage(Msg::FlagsBelongAttendance));
    }
    if args.kind != ImportKind::Results && args.assessment.is_some() {
        return Err(Error::usage(Msg::AssessmentBelongsResults));
    }
    if args.kind == ImportKind::Results && args.assessment.is_none() {
        return Err(Error::usage(Msg::ResultsNeedAssessment));
    }
    if args.kind != ImportKind::Learners && args.from.is_some() {
        return Err(Error::usage(Msg::FromBelongsLearners));
    }
    if args.kind != ImportKind::Learners && args.create_branches {
        return Err(Error::usage(Msg::CreateBranchesBelongsLearners));
    }
    if let Some(h) = &args.hours {
        hours_arg("--hours", h)?;
    }
    Ok(())
}

pub fn kind_code(kind: ImportKind) -> &'static str {
    match kind {
        ImportKind::Learners => "learners",
        ImportKind::Courses => "courses",
        ImportKind::Attendance => "attendance",
        ImportKind::Results => "results",
        ImportKind::Online => "online",
    }
}

fn layout(kind: ImportKind) -> Layout {
    match kind {
        ImportKind::Learners => learners::LEARNERS,
        ImportKind::Courses => learners::COURSES,
        ImportKind::Attendance => attendance::LAYOUT,
        ImportKind::Results => results::LAYOUT,
        ImportKind::Online => online::LAYOUT,
    }
}

/// One import under way: the transaction, the rows, and what was found so far.
pub struct Job<'t> {
    pub tx: &'t Transaction<'t>,
    pub actor: Actor,
    pub sheet: Sheet,
    pub update: bool,
    problems: Problems,
    /// The line of each problem, to list them in the sheet's order.
    problem_lines: Vec<u64>,
    pub counts: Counts,
    /// Sessions (or branches) the import created.
    pub created: i64,
    rows: u64,
    progress: Option<indicatif::ProgressBar>,
}

impl Job<'_> {
    /// The next data row, or `None` at the end.
    pub fn next_row(&mut self) -> Result<Option<Row>> {
        self.rows += 1;
        if let Some(bar) = &self.progress {
            if self.rows.is_multiple_of(4096) {
                bar.set_position(self.sheet.bytes_read);
            }
        }
        self.sheet.next().transpose()
    }

    /// Reports a bad cell.
    pub fn bad(&mut self, row: &Row, column: usize, message: Msg) {
        let place = self.sheet.place(row, column);
        self.problems.push(place, message);
        self.problem_lines.push(row.line);
    }

    /// The problems in the order of the sheet's rows (conflicts are found when a chunk of rows is
    /// written, after the cells of later rows were checked).
    fn sorted_problems(&mut self) -> Problems {
        let mut problems: Vec<_> =
            std::mem::take(&mut self.problems.0).into_iter().zip(std::mem::take(&mut self.problem_lines)).collect();
        problems.sort_by_key(|(_, line)| *line);
        Problems(problems.into_iter().map(|(p, _)| p).collect())
    }

    /// Writes one record; a conflict or a key given twice is reported at the key column.
    pub fn put(
        &mut self,
        writer: &Writer,
        row: &Row,
        key: &[Value],
        values: &[Value],
        describe: impl Fn(&[Value], &[Value], &Row) -> Msg,
    ) -> Result<()> {
        match writer.put(self.tx, &self.actor, key, values, self.update)? {
            Put::Conflict(stored) => {
                self.bad(row, 0, Msg::Conflict { what: Box::new(describe(&stored, key, row)) });
            }
            Put::Repeated(stored) => {
                self.bad(row, 0, Msg::RepeatedRow { what: Box::new(describe(&stored, key, row)) });
            }
            put => self.counts.add(&put),
        }
        Ok(())
    }

    /// The learner a row's staff id names, checking the name cell (column `name`) if the sheet
    /// has one; a row with a blank staff id names its learner by name among those enrolled on
    /// `day`, the row's date (SPEC v2, name-only sheets). Reports and returns `None` when either
    /// is wrong, or when `day` is `None` (the row's date is wrong, and was reported).
    pub fn learner(
        &mut self,
        learners: &Learners,
        guard: &Guard,
        row: &Row,
        name: usize,
        day: Option<NaiveDate>,
    ) -> Option<i64> {
        let staff_id = row.get(0);
        if staff_id.is_empty() {
            return self.learner_by_name(guard, row, name, day);
        }
        let found = match learners.find(staff_id).or_message(staff_id) {
            Ok(found) => found,
            Err(message) => {
                self.bad(row, 0, message);
                return None;
            }
        };
        let cell = row.get(name);
        if !cell.is_empty() && !same_name(cell, &found.name) {
            let message = Msg::NameMismatch {
                cell: cell.to_string(),
                staff_id: found.staff_id.clone(),
                name: found.name.clone(),
            };
            self.bad(row, name, message);
            return None;
        }
        Some(found.id)
    }

    /// Only rows without a staff id come here: the hot path of a sheet with ids never does.
    fn learner_by_name(&mut self, guard: &Guard, row: &Row, name: usize, day: Option<NaiveDate>) -> Option<i64> {
        let cell = row.get(name);
        if cell.is_empty() {
            // A row left blank never gets here (the sheet skips it): this one says something of
            // someone it does not name.
            let (column, message) =
                if self.sheet.has(0) { (0, Msg::RowWithoutStaffId) } else { (name, Msg::RowWithoutName) };
            self.bad(row, column, message);
            return None;
        }
        guard.by_name(cell, day).map_err(|message| self.bad(row, name, message)).ok().flatten()
    }

    /// The date in a date cell (not blank), or `None` when it is not one, which is reported.
    pub fn date(&mut self, row: &Row, column: usize) -> Result<Option<NaiveDate>> {
        Ok(self.sheet.date(row, column)?.map_err(|message| self.bad(row, column, message)).ok())
    }
}

/// A name with all white space removed: `王  伟` is 王伟.
fn squeeze(name: &str) -> String {
    name.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether two names are one, white space aside; allocates nothing, as every row with a name
/// cell asks.
fn same_name(a: &str, b: &str) -> bool {
    a.chars().filter(|c| !c.is_whitespace()).eq(b.chars().filter(|c| !c.is_whitespace()))
}

/// A stored learner, as a sheet names it.
#[derive(Debug, Clone)]
pub struct Learner {
    pub id: i64,
    pub staff_id: String,
    pub name: String,
}

/// Every learner, loaded once so that rows are checked without a query each.
#[derive(Debug, Default)]
pub struct Learners {
    by_staff_id: HashMap<String, Learner>,
    /// Stored staff ids by their `staff_id::unpadded` form, in the order of the learners' ids,
    /// for cells that lost their leading zeros (`0034` and `034` share `34`).
    by_unpadded: HashMap<String, Vec<String>>,
}

impl Learners {
    pub fn load(tx: &Transaction) -> Result<Learners> {
        let mut learners = Learners::default();
        // In the order of their ids, so that an ambiguous cell names its fits as a command does.
        let mut stmt = tx.prepare("SELECT id, staff_id, name FROM learner ORDER BY id")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            learners.insert(Learner { id: r.get(0)?, staff_id: r.get(1)?, name: r.get(2)? });
        }
        Ok(learners)
    }

    fn insert(&mut self, learner: Learner) {
        let key = staff_id::unpadded(&learner.staff_id).to_string();
        self.by_unpadded.entry(key).or_default().push(learner.staff_id.clone());
        self.by_staff_id.insert(learner.staff_id.clone(), learner);
    }

    /// A stored learner whose staff id is the same number as `typed` once leading zeros go (`7`
    /// and `0007`, digits only) and is not `typed` itself: Excel turns one into the other, so they
    /// can never be two people (as `lookup::same_number` says for a command).
    pub fn same_number(&self, typed: &str) -> Option<&Learner> {
        if typed.is_empty() || !typed.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let stored = self.by_unpadded.get(staff_id::unpadded(typed))?;
        stored.iter().filter(|s| s.as_str() != typed).find_map(|s| self.by_staff_id.get(s))
    }

    /// The learner a staff id cell means, by the rule of `staff_id::choose`. Most cells are a
    /// stored id exactly: that one hash lookup ends it, and the candidates for a cell that lost
    /// its zeros are only looked up when it does not.
    pub fn find(&self, typed: &str) -> Found<&Learner> {
        let exact = self.by_staff_id.get_key_value(typed).map(|(k, l)| (k.as_str(), l));
        let unpadded = std::iter::once_with(|| {
            staff_id::candidates_key(typed)
                .and_then(|key| self.by_unpadded.get(key))
                .into_iter()
                .flatten()
                .filter_map(|s| self.by_staff_id.get_key_value(s.as_str()).map(|(k, l)| (k.as_str(), l)))
        })
        .flatten();
        staff_id::choose(typed, exact.into_iter().chain(unpadded))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn learner(id: i64, staff_id: &str) -> Learner {
        Learner { id, staff_id: staff_id.into(), name: format!("L{id}") }
    }

    /// The rule itself is tested in `staff_id`; this is that the finder hands it every candidate.
    #[test]
    fn a_staff_id_that_lost_its_zeros_finds_its_learner() {
        let mut ls = Learners::default();
        ls.insert(learner(1, "0012"));
        ls.insert(learner(2, "0034"));
        ls.insert(learner(3, "034"));
        ls.insert(learner(4, "12345"));
        let id = |typed: &str| ls.find(typed).one().map(|l| l.id);
        assert_eq!(id("0012"), Some(1));
        assert_eq!(id("12"), Some(1));
        assert_eq!(id("034"), Some(3), "an exact match wins");
        assert!(
            matches!(ls.find("34"), Found::Several(fits) if fits == ["0034", "034"]),
            "two learners fit: neither is guessed"
        );
        assert_eq!(id("12345"), Some(4));
        assert_eq!(id("12.0"), Some(1), "a number cell written as text");
        assert_eq!(id("12.5"), None);
        assert_eq!(id("012345"), None, "zeros are lost, never added");
        assert_eq!(id("012"), None);
        assert_eq!(id("99"), None);
    }

    #[test]
    fn names_compare_without_white_space() {
        assert_eq!(squeeze("王  伟"), squeeze("王伟"));
        assert_ne!(squeeze("王伟X"), squeeze("王伟"));
        assert!(same_name("王  伟", "王伟"));
        assert!(same_name(" 王\t伟", "王 伟"));
        assert!(!same_name("王伟X", "王伟"));
        assert!(!same_name("王", "王伟"));
    }
}
