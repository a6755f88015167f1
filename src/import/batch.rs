//! Import batches: list and undo.

use crate::cli::ImportsCmd;
use crate::error::{Error, Result};
use crate::Ctx;

pub fn run(_ctx: &Ctx, _cmd: ImportsCmd) -> Result<()> {
    Err(Error::Other("imports is not available yet".into()))
}
