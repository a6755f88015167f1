//! Parse, dispatch, map errors to exit codes: nothing else.

use clap::Parser;

fn main() {
    let cli = xueshi::cli::Cli::parse();
    let result = xueshi::Ctx::from_cli(&cli).and_then(|ctx| xueshi::commands::run(&ctx, cli.command));
    if let Err(err) = result {
        for line in err.lines() {
            eprintln!("{line}");
        }
        std::process::exit(err.exit_code());
    }
}
