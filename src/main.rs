//! Parse, dispatch, map errors to exit codes: nothing else.

fn main() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // Known before parsing: the help and the parse errors are said in it too.
    let lang = xueshi::Lang::from_args(&args);
    let cli = xueshi::cli::parse(args, lang);
    let result = xueshi::Ctx::from_cli(&cli).and_then(|ctx| xueshi::commands::run(&ctx, cli.command));
    if let Err(err) = result {
        for line in err.lines(lang) {
            eprintln!("{line}");
        }
        std::process::exit(err.exit_code());
    }
}
