//! A learner's transcript: every credited item of a year, with subtotals and the requirement.

use rusqlite::Transaction;

use crate::cli::Output;
use crate::error::{Error, Result};
use crate::Ctx;

pub fn run(_ctx: &Ctx, _tx: &Transaction, _staff_id: &str, _year: Option<i32>, _output: &Output) -> Result<()> {
    Err(Error::Other("report learner is not available yet".into()))
}
