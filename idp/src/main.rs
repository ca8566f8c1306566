use std::process::ExitCode;

fn main() -> ExitCode {
    idp::cli::main()
}
