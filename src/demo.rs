//! The demo: a fresh database from the bundled fixtures.

use crate::error::{Error, Result};
use crate::Ctx;

pub fn run(_ctx: &Ctx) -> Result<()> {
    Err(Error::Other("demo is not available yet".into()))
}
