//! Reports: built once as plain structs, rendered in any format by `render`.

pub mod document;
pub mod html;
pub mod learner;
pub mod listing;
pub mod notice;
pub mod render;
pub mod xlsx;
pub mod year;

use crate::cli::ReportCmd;
use crate::db;
use crate::error::Result;
use crate::store::lookup;
use crate::Ctx;
use document::Format;

pub fn run(ctx: &Ctx, cmd: ReportCmd) -> Result<()> {
    let mut conn = ctx.open()?;
    let tx = db::read(&mut conn)?;
    match cmd {
        ReportCmd::Year { year, branch, output } => {
            let format = render::choose(
                &output,
                Format::Table,
                &[Format::Table, Format::Csv, Format::Json, Format::Md, Format::Xlsx, Format::Html],
            )?;
            let branch = branch.map(|b| lookup::branch(&tx, &b)).transpose()?;
            let report = year::build(&tx, year.unwrap_or_else(|| ctx.default_year()), branch)?;
            render::emit(&report, || report.document(ctx.lang), format, &output, ctx.lang)
        }
        ReportCmd::Learner { staff_id, year, output } => learner::run(ctx, &tx, &staff_id, year, &output),
    }
}

/// What a branch table says of each branch: code, name, learners, how many reached the mark
/// (met the requirement, or are on pace), and their average hours.
pub struct BranchRow<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub learners: i64,
    pub reached: i64,
    pub average: crate::hours::Hours,
}

/// The branch table of a year report or a notice: the same columns, each with its own words for
/// the mark and its share.
pub fn branch_table<'a>(
    lang: crate::Lang,
    title: (&str, &str),
    reached: (&str, &str),
    share: (&str, &str),
    rows: impl Iterator<Item = BranchRow<'a>>,
) -> render::Table {
    use crate::hours::ratio4;
    use render::Cell;
    render::Table {
        title: lang.pick(title.0, title.1).to_string(),
        columns: lang.labels(&[
            ("Branch", "支部"),
            ("Name", "名称"),
            ("Learners", "人数"),
            reached,
            share,
            ("Average hours", "人均学时"),
        ]),
        rows: rows
            .map(|b| {
                vec![
                    Cell::text(b.code),
                    Cell::text(b.name),
                    Cell::Int(b.learners),
                    Cell::Int(b.reached),
                    Cell::Ratio(ratio4(b.reached, b.learners)),
                    Cell::Hours(b.average),
                ]
            })
            .collect(),
    }
}
