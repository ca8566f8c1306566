//! The `idp` command line: one file per subcommand. Every subcommand takes
//! `--config` and `--data-dir`, so the CLI acts on the same stores as the
//! server.

mod audit;
mod clients;
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

use crate::app::{StartError, open_sql};
use crate::config::Config;
use crate::store::SqlStore;

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

/// The durable store for an admin command. The embedded database is
/// migrated on the spot; a production one must be migrated explicitly.
pub(crate) async fn admin_store(config: &Config) -> anyhow::Result<SqlStore> {
    let sql = open_sql(config)?;
    let migrations = sql.migrations();
    let production = config.is_production();
    tokio::task::spawn_blocking(move || -> Result<(), StartError> {
        let pending = migrations.pending()?;
        if pending.is_empty() {
            return Ok(());
        }
        if production {
            return Err(StartError::PendingMigrations(pending.len()));
        }
        migrations.apply()?;
        Ok(())
    })
    .await??;
    Ok(sql)
}

pub(crate) fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// A `show` command's answer: JSON with `--json`, else the same as
/// indented `key: value` lines for people.
pub(crate) fn print_shown(value: &impl serde::Serialize, json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(value);
    }
    let mut out = String::new();
    text_lines(&serde_json::to_value(value)?, 0, &mut out);
    print!("{out}");
    Ok(())
}

fn text_lines(value: &serde_json::Value, indent: usize, out: &mut String) {
    use serde_json::Value;
    let scalar = |v: &Value| match v {
        Value::Null => Some("-".to_owned()),
        Value::String(s) => Some(s.clone()),
        Value::Array(a) if a.is_empty() => Some("-".to_owned()),
        Value::Array(_) | Value::Object(_) => None,
        other => Some(other.to_string()),
    };
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match scalar(v) {
                    Some(text) => out.push_str(&format!("{pad}{key}: {text}\n")),
                    None => {
                        out.push_str(&format!("{pad}{key}:\n"));
                        text_lines(v, indent + 2, out);
                    }
                }
            }
        }
        Value::Array(items) => {
            for v in items {
                match scalar(v) {
                    Some(text) => out.push_str(&format!("{pad}- {text}\n")),
                    None => {
                        out.push_str(&format!("{pad}-\n"));
                        text_lines(v, indent + 2, out);
                    }
                }
            }
        }
        other => out.push_str(&format!("{pad}{}\n", scalar(other).unwrap_or_default())),
    }
}

/// A moment for the operator: `crate::dates` in English.
pub(crate) fn date(unix: i64) -> String {
    crate::dates::date_time(unix, crate::model::Lang::En)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
