//! Deterministic synthetic data for benchmarks.

use crate::cli::GenArgs;
use crate::error::{Error, Result};

pub fn run(_args: &GenArgs) -> Result<()> {
    Err(Error::Other("gen is not available yet".into()))
}
