//! Reports: built once as plain structs, rendered in any format by `render`.

pub mod html;
pub mod learner;
pub mod notice;
pub mod render;
pub mod xlsx;
pub mod year;

use serde_json::Value as Json;

use crate::cli::{Format, ReportCmd};
use crate::db;
use crate::error::{Error, Result};
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
            let report = year::build(&tx, year, branch)?;
            // Fifty thousand learners: build only the form that is asked for.
            if format == Format::Json {
                return render::write_out(&to_json_text(&report)?, output.out.as_deref());
            }
            render::emit(&report.document(ctx.lang), &Json::Null, format, &output, ctx.lang)
        }
        ReportCmd::Learner { staff_id, year, output } => learner::run(ctx, &tx, &staff_id, year, &output),
    }
}

/// A report as pretty JSON text, ending in a newline.
pub fn to_json_text<T: serde::Serialize>(report: &T) -> Result<Vec<u8>> {
    let mut out = serde_json::to_vec_pretty(report).map_err(|e| Error::Other(e.to_string()))?;
    out.push(b'\n');
    Ok(out)
}
