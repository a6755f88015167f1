//! One `run` per command group: each parses its arguments, calls the store and prints.

mod admin;
mod audit;
mod events;
mod grant;
mod import;
mod learner;
mod report;
mod rules;
mod school;

use crate::cli::Command;
use crate::error::Result;
use crate::Ctx;

pub fn run(ctx: &Ctx, command: Command) -> Result<()> {
    match command {
        Command::Init => admin::init(ctx),
        Command::Demo => crate::demo::run(ctx),
        Command::Branch(c) => school::branch(ctx, c),
        Command::Learner(c) => learner::learner(ctx, c),
        Command::Course(c) => school::course(ctx, c),
        Command::Session(c) => events::session(ctx, c),
        Command::Attend(a) => events::attend(ctx, a),
        Command::Assessment(c) => events::assessment(ctx, c),
        Command::Result(c) => events::result(ctx, c),
        Command::Online(c) => events::online(ctx, c),
        Command::Import(a) => import::import(ctx, a),
        Command::Imports(c) => import::imports(ctx, c),
        Command::Report(c) => report::report(ctx, c),
        Command::Notice(a) => report::notice(ctx, a),
        Command::Rules(c) => rules::rules(ctx, c),
        Command::Year(c) => rules::year(ctx, c),
        Command::Backup { file } => admin::backup(ctx, &file),
        Command::Check => admin::check(ctx),
        Command::Grant(a) => grant::grant(ctx, a),
        Command::Gen(a) => crate::gen::run(&a, ctx.lang),
        Command::Audit(a) => audit::audit(ctx, a),
        Command::Completions { shell } => audit::completions(shell, ctx.lang),
    }
}
