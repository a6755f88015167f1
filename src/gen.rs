//! Deterministic synthetic data for benchmarks: a school of N learners and M attendance rows,
//! the same bytes for the same seed on every machine (so no library generator whose stream may
//! change between versions: SplitMix64 is ten lines).

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use chrono::{Datelike, NaiveDate};

use crate::cli::GenArgs;
use crate::error::{Error, Result};
use crate::model::{Category, CourseKind, Mode};
use crate::msg::{IoWhy, Msg};

/// SplitMix64 (Steele, Lea, Flood 2014): small, fast, and fixed forever.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马",
    "罗",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "建国",
    "晓燕", "志强",
];
const COURSES: &[(&str, CourseKind, Mode, &str)] = &[
    ("党史学习教育专题党课", CourseKind::Theory, Mode::Offline, "2"),
    ("新时代党的创新理论学习", CourseKind::Theory, Mode::Online, "3"),
    ("党章党规党纪学习", CourseKind::Theory, Mode::Offline, "2"),
    ("全会精神宣讲", CourseKind::Theory, Mode::Joint, "2.5"),
    ("医疗卫生法律法规", CourseKind::Extension, Mode::Offline, "1.5"),
    ("医院管理与服务创新", CourseKind::Extension, Mode::Online, "1"),
    ("清廉医院建设现场教学", CourseKind::Topic, Mode::Field, "4"),
    ("红色教育基地现场教学", CourseKind::Topic, Mode::Field, "4"),
];
/// Learners per branch, about.
const BRANCH_SIZE: usize = 40;
/// Attendees of one session at most.
const SESSION_SIZE: usize = 400;

fn csv_writer(dir: &Path, name: &str) -> Result<csv::Writer<BufWriter<File>>> {
    let path = dir.join(name);
    let file = File::create(&path)
        .map_err(|e| Error::Other(Msg::CannotWrite { path: path.display().to_string(), why: IoWhy::from(&e) }))?;
    Ok(csv::WriterBuilder::new().from_writer(BufWriter::with_capacity(1 << 20, file)))
}

fn csv_err(e: csv::Error) -> Error {
    Error::Other(Msg::GenCsv { detail: e.to_string() })
}

pub fn run(args: &GenArgs, lang: crate::Lang) -> Result<()> {
    if args.learners == 0 {
        return Err(Error::usage(Msg::GenLearners));
    }
    let year = args.year;
    let first = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(|| Error::usage(Msg::YearOutOfRange { year }))?;
    let days = if NaiveDate::from_ymd_opt(year, 2, 29).is_some() { 366 } else { 365 };
    let courses = COURSES.len() * 4;
    let most = courses * days * args.learners.min(SESSION_SIZE);
    if args.attendance > most {
        return Err(Error::usage(Msg::GenTooMany { n: args.attendance, most }));
    }
    std::fs::create_dir_all(&args.out)
        .map_err(|e| Error::Other(Msg::CannotCreate { path: args.out.display().to_string(), why: IoWhy::from(&e) }))?;
    let mut rng = Rng(args.seed);
    let id = |i: usize| format!("{:06}", i + 1);

    let mut w = csv_writer(&args.out, "learners.csv")?;
    w.write_record(["staff_id", "name", "branch", "category", "joined"]).map_err(csv_err)?;
    let branches = args.learners.div_ceil(BRANCH_SIZE);
    // Records are dated within enrolment (SPEC v2): a mid-year joiner has none before joining.
    let mut joined_on: Vec<Option<NaiveDate>> = Vec::with_capacity(args.learners);
    for i in 0..args.learners {
        let name = format!(
            "{}{}",
            SURNAMES[rng.below(SURNAMES.len() as u64) as usize],
            GIVEN[rng.below(GIVEN.len() as u64) as usize]
        );
        let category = match rng.below(100) {
            0..=9 => Category::Cadre,
            10..=64 => Category::Member,
            65..=74 => Category::Probationary,
            75..=84 => Category::Candidate,
            85..=92 => Category::Activist,
            _ => Category::Youth,
        };
        // One learner in twenty joined during the year.
        let joined_day = if rng.below(20) == 0 { first.with_month(rng.below(12) as u32 + 1) } else { None };
        joined_on.push(joined_day);
        let joined = joined_day.map(crate::date::iso).unwrap_or_default();
        let branch = format!("B{:03}", i % branches + 1);
        w.write_record([id(i).as_str(), &name, &branch, category.code(), &joined]).map_err(csv_err)?;
    }
    w.flush()?;

    let mut w = csv_writer(&args.out, "courses.csv")?;
    w.write_record(["code", "title", "kind", "mode", "hours"]).map_err(csv_err)?;
    for c in 0..courses {
        let (title, kind, mode, hours) = COURSES[c % COURSES.len()];
        let title = format!("{title}（第{}期）", c / COURSES.len() + 1);
        w.write_record([format!("K{:02}", c + 1).as_str(), &title, kind.code(), mode.code(), hours])
            .map_err(csv_err)?;
    }
    w.flush()?;

    // Sessions spread over the year, each (course, date) once; each takes a block of distinct
    // learners, so that no key comes twice.
    let mut w = csv_writer(&args.out, "attendance.csv")?;
    w.write_record(["staff_id", "course", "date", "status"]).map_err(csv_err)?;
    let mut attendance = 0;
    if args.attendance > 0 {
        let size = args.learners.min(SESSION_SIZE);
        let sessions = args.attendance.div_ceil(size).max(1);
        let mut left = args.attendance;
        for s in 0..sessions {
            let count = left.div_ceil(sessions - s);
            left -= count;
            let day = first + chrono::Days::new((s * days / sessions) as u64);
            let course = format!("K{:02}", s % courses + 1);
            let date = crate::date::iso(day);
            let start = rng.below(args.learners as u64) as usize;
            // Distinct learners from `start` on, skipping those who had not joined yet.
            let enrolled = (0..args.learners)
                .map(|k| (start + k) % args.learners)
                .filter(|&i| joined_on[i].is_none_or(|j| j <= day))
                .take(count);
            for i in enrolled {
                let status = match rng.below(100) {
                    0..=84 => "present",
                    85..=89 => "late",
                    90..=95 => "excused",
                    _ => "absent",
                };
                w.write_record([id(i).as_str(), &course, &date, status]).map_err(csv_err)?;
                attendance += 1;
            }
        }
    }
    w.flush()?;

    let mut w = csv_writer(&args.out, "online.csv")?;
    w.write_record(["staff_id", "date", "hours", "source"]).map_err(csv_err)?;
    let mut online = 0;
    for (i, joined) in joined_on.iter().enumerate() {
        for month in [3u32, 9] {
            let Some(day) = first.with_month(month) else { continue };
            let hours = format!("{}.{}", rng.below(6) + 1, rng.below(2) * 5);
            if joined.is_some_and(|j| j > day) {
                continue;
            }
            w.write_record([id(i).as_str(), &crate::date::iso(day), &hours, "学习强国"]).map_err(csv_err)?;
            online += 1;
        }
    }
    w.flush()?;
    eprintln!(
        "{}",
        Msg::GenWrote {
            learners: args.learners,
            branches,
            courses,
            attendance,
            online,
            dir: args.out.display().to_string()
        }
        .render(lang)
    );
    Ok(())
}
