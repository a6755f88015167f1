//! The periodic notice (学时定期通报).

use crate::cli::NoticeArgs;
use crate::error::{Error, Result};
use crate::Ctx;

pub fn run(_ctx: &Ctx, _args: NoticeArgs) -> Result<()> {
    Err(Error::Other("notice is not available yet".into()))
}
