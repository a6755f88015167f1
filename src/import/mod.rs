//! Importing sheets (SPEC §3).

pub mod batch;

use crate::cli::ImportArgs;
use crate::error::{Error, Result};
use crate::Ctx;

pub fn run(_ctx: &Ctx, _args: ImportArgs) -> Result<()> {
    Err(Error::Other("import is not available yet".into()))
}
