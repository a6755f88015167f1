//! Importing sheets (SPEC §3): one file is one transaction and, if it writes, one batch. The sheet
//! reader turns the file into rows; each kind maps its named columns to records and checks them.

mod attendance;
mod guard;
mod learners;
mod online;
mod results;
pub mod sheet;

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

use chrono::NaiveDate;

use crate::args::hours_arg;
use crate::db::{self, Actor, Tx};
use crate::error::{Error, Problem, Problems, Result};
use crate::model::Counts;
use crate::msg::Msg;
use crate::staff_id::{self, Found};
use crate::store::bulk::{Bulk, BulkRecord, Describe, Target};
use crate::store::lookup::{self, Learner};
use crate::store::{batch, Put, Value, Writer};
use crate::Ctx;
use guard::Guard;
use sheet::{Column, Encoding, Layout, Row, Sheet};

/// Files larger than this get a progress bar (when stderr is a terminal).
const PROGRESS_MIN_BYTES: u64 = 5 << 20;

pub const STAFF_ID: Column =
    Column { name: "staff_id", aliases: &["工号", "职工号", "员工号", "人员编号", "staff id"] };
pub const NAME: Column = Column { name: "name", aliases: &["姓名", "员工姓名"] };
pub const HOURS: Column = Column { name: "hours", aliases: &["学时"] };
/// 考勤日期, 打卡日期: DingTalk's.
pub const DATE: Column = Column { name: "date", aliases: &["日期", "考勤日期", "打卡日期"] };

/// What a sheet holds. The command line takes its Chinese names too (`xueshi import 出勤 签到表.csv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportKind {
    #[value(alias = "学员名册", alias = "学员", alias = "名册")]
    Learners,
    #[value(alias = "课程")]
    Courses,
    #[value(alias = "出勤", alias = "签到")]
    Attendance,
    #[value(alias = "成绩", alias = "考核成绩")]
    Results,
    #[value(alias = "线上自学", alias = "线上")]
    Online,
}

impl ImportKind {
    /// The tables an import of this kind fills.
    pub fn tables(self) -> &'static [&'static str] {
        match self {
            ImportKind::Learners => &["learner", "branch"],
            ImportKind::Courses => &["course"],
            ImportKind::Attendance => &["attendance", "session"],
            ImportKind::Results => &["result"],
            ImportKind::Online => &["online"],
        }
    }
}

/// What to import and how: the command line's `import`, as plain values.
#[derive(Debug, Clone)]
pub struct Options {
    pub kind: ImportKind,
    pub file: PathBuf,
    /// Check and report what would change; write nothing.
    pub dry_run: bool,
    /// Overwrite stored records that the file contradicts.
    pub update: bool,
    pub encoding: Encoding,
    /// The worksheet of an .xlsx file (None: the first).
    pub sheet: Option<String>,
    /// learners: create branches the file names that do not exist yet.
    pub create_branches: bool,
    /// attendance: the session the sheet is for.
    pub session: Option<i64>,
    /// attendance: the course and date of the sheet's session.
    pub course: Option<String>,
    pub date: Option<NaiveDate>,
    /// attendance: hours of the session, if it is created, as typed (checked with the flags).
    pub hours: Option<String>,
    /// results: the assessment the sheet is for.
    pub assessment: Option<String>,
    /// learners: with `update`, the day a changed category or branch takes effect.
    pub from: Option<NaiveDate>,
}

/// Which pass over a sheet an import is making.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// The first, which may take a faster way that holds only for some sheets.
    First,
    /// After a first pass that found its faster way did not hold for this sheet.
    Careful,
}

/// What a pass over a sheet came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Passed {
    Done,
    /// The pass found its way did not hold for the sheet: its transaction is to be rolled back
    /// and the sheet read again by `Pass::Careful`.
    StartOver,
}

pub fn run(ctx: &Ctx, args: Options) -> Result<()> {
    check_flags(&args)?;
    let file =
        args.file.file_name().map_or_else(|| args.file.display().to_string(), |n| n.to_string_lossy().into_owned());
    let fp = sheet::fingerprint(&args.file)?;
    let mut conn = ctx.open()?;
    batch::ready_for_import(&conn, args.kind == ImportKind::Attendance)?;
    let mut pass = Pass::First;
    // A pass that starts over leaves nothing behind: its transaction is dropped, rolled back.
    // What is wrong with the sheet as a whole (a closed year its session is in) is said of it.
    while import(ctx, &args, &mut conn, &file, &fp, pass).map_err(|e| of_file(e, &file))? == Passed::StartOver {
        pass = Pass::Careful;
    }
    Ok(())
}

/// An import's invalid data, each problem that says no place of its own placed in `file`.
fn of_file(e: Error, file: &str) -> Error {
    match e {
        Error::Invalid(problems) => Error::Invalid(
            problems
                .into_iter()
                .map(|p| match p.place {
                    Some(_) => p,
                    None => Problem::at(file, p.message),
                })
                .collect(),
        ),
        other => other,
    }
}

/// One pass over the sheet, in a transaction of its own; what it says is said only when done.
fn import(
    ctx: &Ctx,
    args: &Options,
    conn: &mut db::Connection,
    file: &str,
    fp: &sheet::Fingerprint,
    pass: Pass,
) -> Result<Passed> {
    let file = file.to_string();
    let tx = db::write(conn)?;
    let mut actor = ctx.actor();
    let kind = kind_code(args.kind);
    let batch = batch::begin(&tx, &actor, kind, &file, &fp.sha256)?;
    actor.batch = Some(batch);
    let options = sheet::Options { encoding: Some(args.encoding), sheet: args.sheet.clone() };
    let sheet = Sheet::open(&args.file, &file, layout(args.kind), &options, fp)?;
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
        update: args.update,
        read: Reading { sheet, problems: Problems::default(), problem_lines: Vec::new(), rows: 0, progress },
        counts: Counts::default(),
        created: 0,
    };
    match args.kind {
        ImportKind::Learners => learners::learners(&mut job, args)?,
        ImportKind::Courses => learners::courses(&mut job)?,
        ImportKind::Attendance => {
            if attendance::import(&mut job, args, pass)? == Passed::StartOver {
                return Ok(Passed::StartOver);
            }
        }
        ImportKind::Results => results::import(&mut job, args)?,
        ImportKind::Online => online::import(&mut job)?,
    }
    if let Some(bar) = &job.read.progress {
        bar.finish_and_clear();
    }
    job.read.sorted_problems().into_result()?;
    // SPEC v2: the summary names the columns it did not read (before the batch id, which scripts
    // take as the line's last word).
    let ignored = job.read.sheet.ignored().to_vec();
    let Job { counts, created, actor, .. } = job;
    // Learners create branches; attendance sheets create sessions.
    let branches = args.kind == ImportKind::Learners;
    if args.dry_run {
        // Dropping the transaction rolls back everything, the batch row included.
        ctx.say(Msg::ImportDryRun { file, counts, created, branches, ignored })?;
        return Ok(Passed::Done);
    }
    if counts.new + counts.updated == 0 && created == 0 {
        // A file that changes nothing leaves no batch behind: there would be nothing to undo.
        ctx.say(Msg::ImportUnchanged { file, counts, ignored })?;
        return Ok(Passed::Done);
    }
    batch::finish(&tx, &actor, batch, kind, &file, &fp.sha256, &counts)?;
    crate::store::admin::refresh_statistics(&tx, args.kind.tables(), counts.new)?;
    tx.commit()?;
    ctx.say(Msg::ImportDone { file, counts, created, branches, ignored, batch })?;
    Ok(Passed::Done)
}

/// Flags that belong to another kind of import are a usage error, not silently ignored.
fn check_flags(args: &Options) -> Result<()> {
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
    kind_words(kind).0
}

/// A kind's code (stored in its batches) and what it imports, in Chinese.
fn kind_words(kind: ImportKind) -> (&'static str, &'static str) {
    match kind {
        ImportKind::Learners => ("learners", "学员名册"),
        ImportKind::Courses => ("courses", "课程"),
        ImportKind::Attendance => ("attendance", "出勤"),
        ImportKind::Results => ("results", "成绩"),
        ImportKind::Online => ("online", "线上自学"),
    }
}

/// The code and Chinese name of the kind a batch stores as `code`, if it is one.
pub fn kind_of_code(code: &str) -> Option<(&'static str, &'static str)> {
    use clap::ValueEnum;
    ImportKind::value_variants().iter().map(|&k| kind_words(k)).find(|(c, _)| *c == code)
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

/// One import under way: the transaction, the sheet being read, and what was found so far.
pub struct Job<'t, 'c> {
    pub tx: &'t Tx<'c>,
    pub actor: Actor,
    pub update: bool,
    pub read: Reading,
    pub counts: Counts,
    /// Sessions (or branches) the import created.
    pub created: i64,
}

/// The reading half of an import: the sheet, and what is wrong with its cells. It holds no
/// connection, so an import kind may read on one thread while it writes on another.
pub struct Reading {
    pub sheet: Sheet,
    problems: Problems,
    /// The line of each problem, to list them in the sheet's order.
    problem_lines: Vec<u64>,
    rows: u64,
    progress: Option<indicatif::ProgressBar>,
}

impl Job<'_, '_> {
    /// The next data row, or `None` at the end.
    pub fn next_row(&mut self) -> Result<Option<Row>> {
        self.read.next_row()
    }

    /// Reports a bad cell.
    pub fn bad(&mut self, row: &Row, column: usize, message: Msg) {
        self.read.bad(row, column, message);
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

    /// Adds a record to a bulk write (written a chunk at a time); rows the store refuses are
    /// reported at the key column.
    pub fn push<R: BulkRecord>(&mut self, bulk: &mut Bulk<R>, record: R, describe: Describe) -> Result<()> {
        let to = Target { tx: self.tx, actor: &self.actor, update: self.update, counts: &mut self.counts };
        bulk.push(to, record, describe)?;
        self.refused(bulk);
        Ok(())
    }

    /// Writes the records of a bulk write pushed so far.
    pub fn flush<R: BulkRecord>(&mut self, bulk: &mut Bulk<R>, describe: Describe) -> Result<()> {
        let to = Target { tx: self.tx, actor: &self.actor, update: self.update, counts: &mut self.counts };
        bulk.flush(to, describe)?;
        self.refused(bulk);
        Ok(())
    }

    fn refused<R: BulkRecord>(&mut self, bulk: &mut Bulk<R>) {
        for (line, message) in bulk.refused() {
            self.read.bad_at(line, 0, message);
        }
    }

    /// See [`Reading::learner`].
    pub fn learner(
        &mut self,
        learners: &Learners,
        guard: &Guard,
        row: &Row,
        name: usize,
        day: Option<NaiveDate>,
    ) -> Option<i64> {
        self.read.learner(learners, guard, row, name, day)
    }

    /// See [`Reading::date`].
    pub fn date(&mut self, row: &Row, column: usize) -> Result<Option<NaiveDate>> {
        self.read.date(row, column)
    }
}

impl Reading {
    /// The next data row, or `None` at the end.
    pub fn next_row(&mut self) -> Result<Option<Row>> {
        let mut row = Row::default();
        Ok(self.next_row_into(&mut row)?.then_some(row))
    }

    /// The next data row into `row`, reusing its buffers; false at the end.
    pub fn next_row_into(&mut self, row: &mut Row) -> Result<bool> {
        self.rows += 1;
        if let Some(bar) = &self.progress {
            if self.rows.is_multiple_of(4096) {
                bar.set_position(self.sheet.bytes_read);
            }
        }
        self.sheet.next_into(row)
    }

    /// Reports a bad cell.
    pub fn bad(&mut self, row: &Row, column: usize, message: Msg) {
        self.bad_at(row.line, column, message);
    }

    /// Reports a bad cell of the row at `line` (a row the writer found in conflict, after the
    /// reader had moved on).
    pub fn bad_at(&mut self, line: u64, column: usize, message: Msg) {
        let place = self.sheet.place_at(line, column);
        self.problems.push(place, message);
        self.problem_lines.push(line);
    }

    /// The problems in the order of the sheet's rows (conflicts are found when a chunk of rows is
    /// written, after the cells of later rows were checked).
    fn sorted_problems(&mut self) -> Problems {
        let mut problems: Vec<_> =
            std::mem::take(&mut self.problems.0).into_iter().zip(std::mem::take(&mut self.problem_lines)).collect();
        problems.sort_by_key(|(_, line)| *line);
        Problems(problems.into_iter().map(|(p, _)| p).collect())
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
        let (id, column) = if staff_id.is_empty() {
            (self.learner_by_name(guard, row, name, day)?, name)
        } else {
            (self.learner_by_staff_id(learners, row, name)?, 0)
        };
        if let Some(why) = guard.refuse_role(id) {
            self.bad(row, column, why);
            return None;
        }
        Some(id)
    }

    fn learner_by_staff_id(&mut self, learners: &Learners, row: &Row, name: usize) -> Option<i64> {
        let staff_id = row.get(0);
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

/// Every learner, loaded once so that rows are checked without a query each. A million-row sheet
/// asks a million times: the lookups are built for it.
#[derive(Debug, Default)]
pub struct Learners {
    /// In staff-id order as loaded (learners a file adds come after).
    list: Vec<Learner>,
    /// Positions in `list` by staff id.
    by_staff_id: HashMap<String, u32, FastHash>,
    /// Stored staff ids by their `staff_id::unpadded` form, in the order of the learners' ids,
    /// for cells that lost their leading zeros (`0034` and `034` share `34`): built the first time
    /// a cell is not a stored id exactly.
    by_unpadded: OnceLock<HashMap<String, Vec<u32>, FastHash>>,
    /// Where the last cell was found. A sheet in staff-id order (a roster, a generated file) asks
    /// for the next learner next: one comparison then, and no jump through memory.
    last: AtomicU32,
}

impl Learners {
    pub fn load(tx: &db::Tx) -> Result<Learners> {
        let mut learners = Learners::default();
        for learner in lookup::learners(tx)? {
            learners.insert(learner);
        }
        Ok(learners)
    }

    /// The learners of a guard (which read them with their lives), without reading them again.
    pub fn of(guard: &Guard) -> Learners {
        let mut list: Vec<Learner> = guard
            .learners()
            .iter()
            .map(|l| Learner { id: l.id, staff_id: l.staff_id.clone(), name: l.name.clone() })
            .collect();
        list.sort_unstable_by(|a, b| a.staff_id.cmp(&b.staff_id));
        let mut by_staff_id = HashMap::with_capacity_and_hasher(list.len(), FastHash::default());
        for (i, l) in list.iter().enumerate() {
            by_staff_id.insert(l.staff_id.clone(), u32::try_from(i).unwrap_or(u32::MAX));
        }
        Learners { list, by_staff_id, ..Learners::default() }
    }

    fn insert(&mut self, learner: Learner) {
        let at = u32::try_from(self.list.len()).unwrap_or(u32::MAX);
        if let Some(index) = self.by_unpadded.get_mut() {
            index.entry(staff_id::unpadded(&learner.staff_id).to_string()).or_default().push(at);
        }
        self.by_staff_id.insert(learner.staff_id.clone(), at);
        self.list.push(learner);
    }

    fn at(&self, i: u32) -> Option<&Learner> {
        self.list.get(i as usize)
    }

    /// Stored staff ids by their unpadded form (see `by_unpadded`).
    fn unpadded(&self) -> &HashMap<String, Vec<u32>, FastHash> {
        self.by_unpadded.get_or_init(|| {
            // In the order of the learners' ids, so that an ambiguous cell names its fits as a
            // command does.
            let mut order: Vec<u32> = (0..self.list.len() as u32).collect();
            order.sort_by_key(|&i| self.list[i as usize].id);
            let mut index: HashMap<String, Vec<u32>, FastHash> = HashMap::default();
            for i in order {
                index.entry(staff_id::unpadded(&self.list[i as usize].staff_id).to_string()).or_default().push(i);
            }
            index
        })
    }

    /// The stored learner whose staff id is exactly `typed`.
    fn exact(&self, typed: &str) -> Option<&Learner> {
        let next = self.last.load(Ordering::Relaxed).wrapping_add(1);
        if let Some(l) = self.at(next).filter(|l| l.staff_id == typed) {
            self.last.store(next, Ordering::Relaxed);
            return Some(l);
        }
        let &i = self.by_staff_id.get(typed)?;
        self.last.store(i, Ordering::Relaxed);
        self.at(i)
    }

    /// A stored learner whose staff id is the same number as `typed` once leading zeros go (`7`
    /// and `0007`, digits only) and is not `typed` itself: Excel turns one into the other, so they
    /// can never be two people (as `lookup::same_number` says for a command).
    pub fn same_number(&self, typed: &str) -> Option<&Learner> {
        if typed.is_empty() || !typed.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let stored = self.unpadded().get(staff_id::unpadded(typed))?;
        stored.iter().filter_map(|&i| self.at(i)).find(|l| l.staff_id != typed)
    }

    /// The learner a staff id cell means, by the rule of `staff_id::choose`. Most cells are a
    /// stored id exactly: that one lookup ends it, and the candidates for a cell that lost its
    /// zeros are only looked up when it does not.
    pub fn find(&self, typed: &str) -> Found<&Learner> {
        if let Some(l) = self.exact(typed) {
            return Found::One(l);
        }
        let candidates = staff_id::candidates_key(typed)
            .and_then(|key| self.unpadded().get(key))
            .into_iter()
            .flatten()
            .filter_map(|&i| self.at(i))
            .map(|l| (l.staff_id.as_str(), l));
        staff_id::choose(typed, candidates)
    }
}

/// FxHash (as rustc uses) for the learners' lookups. SipHash's defence against keys chosen to
/// collide buys nothing here — the keys are the school's own staff ids; a sheet only looks them
/// up — and costs more than the rest of a row's checks.
type FastHash = BuildHasherDefault<FxHasher>;

#[derive(Debug, Default, Clone, Copy)]
pub struct FxHasher(u64);

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(c);
            self.add(u64::from_le_bytes(word));
        }
        let mut word = [0u8; 8];
        word[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
        self.add(u64::from_le_bytes(word));
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
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
