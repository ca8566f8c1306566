//! The `idp` command line: one file per subcommand. Every subcommand takes
//! `--config` and `--data-dir`, so the CLI acts on the same stores as the
//! server.

mod audit;
mod clients;
mod common;
mod esia;
mod healthcheck;
pub mod keys;
mod migrate;
mod orgs;
mod serve;
mod users;
mod users_show;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::Config;

#[derive(Debug, Parser)]
#[command(
    name = "idp",
    version,
    about = "Vhod: an OpenID Connect identity provider"
)]
pub struct Cli {
    /// TOML configuration file.
    #[arg(long, global = true, env = "IDP_CONFIG")]
    pub config: Option<PathBuf>,
    /// Where the embedded database and generated secrets live.
    #[arg(long, global = true, env = "IDP_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the provider.
    Serve(serve::Args),
    /// Apply (or with --plan, list) pending database migrations.
    Migrate(migrate::Args),
    /// Register and inspect relying parties.
    #[command(subcommand)]
    Clients(clients::Command),
    /// Create and inspect accounts.
    #[command(subcommand)]
    Users(users::Command),
    /// Inspect organizations; add, change and remove their employees.
    #[command(subcommand)]
    Orgs(orgs::Command),
    /// Ask a running node whether it is alive (GET /healthz): exit 0 on
    /// 200, 1 otherwise; a container's HEALTHCHECK without a shell.
    Healthcheck(healthcheck::Args),
    /// Inspect signing keys.
    #[command(subcommand)]
    Keys(keys::Command),
    /// Read the audit journal and verify its hash chain.
    #[command(subcommand)]
    Audit(audit::Command),
    /// ESIA mode: the key ESIA tokens verify with.
    #[command(subcommand)]
    Esia(esia::Command),
    /// Sign a challenge of /account/confirm with a certificate's private
    /// key (PKCS#8 PEM, RSA or P-256); prints the signature to paste.
    SignChallenge {
        /// The private key file.
        #[arg(long)]
        key: PathBuf,
        /// The challenge as the page shows it.
        #[arg(long)]
        challenge: String,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match load_config(&cli) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("error: {e}");
            // A container's HEALTHCHECK knows only 0 and 1 (2 is reserved).
            return ExitCode::from(if matches!(cli.command, Command::Healthcheck(_)) {
                1
            } else {
                2
            });
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = match cli.command {
        // The server runs its own runtime (see `http::block_on`).
        Command::Serve(args) => serve::run(config, args),
        Command::Migrate(args) => runtime.block_on(migrate::run(config, args)),
        Command::Clients(cmd) => runtime.block_on(clients::run(config, cmd)),
        Command::Users(cmd) => runtime.block_on(users::run(config, cmd)),
        Command::Orgs(cmd) => runtime.block_on(orgs::run(config, cmd)),
        Command::Keys(cmd) => runtime.block_on(keys::run(config, cmd)),
        Command::Healthcheck(args) => runtime.block_on(healthcheck::run(config, args)),
        Command::Audit(cmd) => runtime.block_on(audit::run(config, cmd)),
        Command::Esia(cmd) => runtime.block_on(esia::run(config, cmd)),
        Command::SignChallenge { key, challenge } => sign_challenge(&key, &challenge),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn sign_challenge(key: &std::path::Path, challenge: &str) -> anyhow::Result<()> {
    let pem =
        std::fs::read_to_string(key).map_err(|e| anyhow::anyhow!("{}: {e}", key.display()))?;
    let (signature, alg) =
        esign::sign_challenge(&pem, challenge).map_err(|e| anyhow::anyhow!("cannot sign: {e}"))?;
    eprintln!("signed with {alg}");
    println!("{signature}");
    Ok(())
}

fn load_config(cli: &Cli) -> anyhow::Result<Config> {
    let mut config = Config::load(cli.config.as_deref())?;
    if let Some(dir) = &cli.data_dir {
        config.data_dir = dir.clone();
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
