//! `idp keys`: signing keys. The full lifecycle (generate, rotate, revoke)
//! is its own issue; here: list.

use clap::Subcommand;
use serde::Serialize;

use super::{admin_store, date, print_json};
use crate::config::Config;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List signing keys.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Serialize)]
struct Row {
    kid: String,
    alg: String,
    state: String,
    created: String,
    activated: Option<String>,
    retire_after: Option<String>,
}

pub async fn run(config: Config, cmd: Command) -> anyhow::Result<()> {
    let sql = admin_store(&config).await?;
    match cmd {
        Command::List { json } => {
            let rows: Vec<Row> = sql
                .keys()
                .await?
                .into_iter()
                .map(|k| Row {
                    kid: k.kid,
                    alg: k.alg,
                    state: k.state,
                    created: date(k.created_at),
                    activated: k.activated_at.map(date),
                    retire_after: k.retire_after.map(date),
                })
                .collect();
            if json {
                return print_json(&rows);
            }
            if rows.is_empty() {
                println!("no signing keys yet: `idp serve` generates one on first start");
            }
            println!(
                "{:<44} {:<6} {:<9} {:<24} {:<24}",
                "KID", "ALG", "STATE", "CREATED", "ACTIVATED"
            );
            for r in rows {
                println!(
                    "{:<44} {:<6} {:<9} {:<24} {:<24}",
                    r.kid,
                    r.alg,
                    r.state,
                    r.created,
                    r.activated.unwrap_or_else(|| "-".into())
                );
            }
            Ok(())
        }
    }
}
