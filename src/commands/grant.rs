//! `grant` (PostgreSQL only): a branch secretary's database role, and what it may change; or the
//! grant taken back.

use crate::cli::GrantArgs;
use crate::db::{self, Engine};
use crate::error::{Error, Result};
use crate::msg::Msg;
use crate::store::{grant, lookup};
use crate::Ctx;

pub fn grant(ctx: &Ctx, args: GrantArgs) -> Result<()> {
    if db::postgres_url(&ctx.db).is_none() {
        return Err(Error::usage(Msg::GrantNeedsServer));
    }
    let mut conn = ctx.open()?;
    debug_assert_eq!(conn.engine(), Engine::Postgres);
    let tx = db::write(&mut conn)?;
    let role = grant::role(&tx, args.role.trim())?;
    if args.revoke {
        grant::revoke(&tx, &ctx.actor(), &role)?;
        tx.commit()?;
        ctx.note(Msg::Revoked { role });
        return Ok(());
    }
    let scope = match &args.branch {
        None if args.read_only => grant::Scope::Read,
        Some(b) => {
            let id = lookup::branch(&tx, b)?;
            let code: String = lookup::branches(&tx)?
                .into_iter()
                .find(|(i, _, _)| *i == id)
                .map(|(_, code, _)| code)
                .unwrap_or_else(|| b.clone());
            grant::Scope::Branch(id, code)
        }
        None => grant::Scope::School,
    };
    grant::grant(&tx, &ctx.actor(), &role, &scope)?;
    tx.commit()?;
    ctx.note(match scope {
        grant::Scope::Branch(_, code) => Msg::Granted { role, branch: Some(code) },
        grant::Scope::School => Msg::Granted { role, branch: None },
        grant::Scope::Read => Msg::GrantedRead { role },
    });
    Ok(())
}
