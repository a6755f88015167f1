//! `report year`, `report learner` and `notice`: each reads its data from the store in one
//! snapshot, builds the report as a pure function of it and renders it in the chosen format.

use crate::cli::{NoticeArgs, ReportCmd};
use crate::db;
use crate::error::{Error, Result};
use crate::msg::Msg;
use crate::period::Period;
use crate::report::document::Format;
use crate::report::{learner, notice, render, schools, year};
use crate::store::{ledger, lives, lookup, transcript};
use crate::Ctx;

pub fn report(ctx: &Ctx, cmd: ReportCmd) -> Result<()> {
    // Every school of a server: the default school need not exist.
    let mut conn = match cmd {
        ReportCmd::Schools { .. } => db::open_server(&ctx.db)?,
        _ => ctx.open()?,
    };
    let tx = db::read(&mut conn)?;
    match cmd {
        ReportCmd::Year { year, branch, output } => {
            let format = render::choose(&output, Format::Table, Format::LISTING)?;
            let branch = branch.map(|b| lookup::branch(&tx, &b)).transpose()?;
            let data = ledger::year_data(&tx, year.unwrap_or_else(|| ctx.default_year()))?;
            let report = year::from_data(data, branch);
            render::emit(&report, || report.document(ctx.lang), format, &output, ctx.lang)
        }
        ReportCmd::Schools { year, output } => {
            let format = render::choose(&output, Format::Table, Format::LISTING)?;
            let year = year.unwrap_or_else(|| ctx.default_year());
            let report = schools::from_data(year, crate::store::schools::year_data(&tx, year)?);
            render::emit(&report, || report.document(ctx.lang), format, &output, ctx.lang)
        }
        ReportCmd::Learner { staff_id, year, output } => {
            let format = render::choose(&output, Format::Table, Format::TRANSCRIPT)?;
            let year = year.unwrap_or_else(|| ctx.default_year());
            learner::year_bounds(year)?;
            // A staff id that lost its leading zeros finds its learner as everywhere else.
            let typed = staff_id.trim();
            let id = lookup::learner(&tx, typed)?;
            let found = lives::learner(&tx, id)?
                .ok_or_else(|| Error::invalid(Msg::NotAKnownLearner { staff_id: typed.to_string() }))?;
            let transcript = learner::from_data(transcript::transcript_data(&tx, found, year)?);
            render::emit(&transcript, || transcript.document(ctx.lang), format, &output, ctx.lang)
        }
    }
}

pub fn notice(ctx: &Ctx, args: NoticeArgs) -> Result<()> {
    let format = render::choose(&args.output, Format::Text, Format::NOTICE)?;
    let period = args.period.unwrap_or_else(|| Period::last_complete_month(ctx.today));
    let mut conn = ctx.open()?;
    let tx = db::read(&mut conn)?;
    let branch = args.branch.map(|b| lookup::branch(&tx, &b)).transpose()?;
    let notice = notice::from_data(ledger::notice_data(&tx, period)?, branch, ctx.today);
    render::emit(&notice, || notice.document(ctx.lang), format, &args.output, ctx.lang)
}
