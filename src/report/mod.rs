//! Reports: built once as plain structs, rendered in any format by `render`.

pub mod html;
pub mod learner;
pub mod notice;
pub mod render;
pub mod xlsx;
pub mod year;

use crate::cli::{Format, ReportCmd};
use crate::db;
use crate::error::Result;
use crate::lookup;
use crate::Ctx;

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
