//! `idp audit`: reading the audit journal and checking its hash chain.

use clap::Subcommand;
use serde::Serialize;
use serde_json::Value;

use super::common::{admin_store, date};
use crate::audit;
use crate::config::Config;
use crate::model::JournalEntry;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The newest entries, newest first.
    Tail {
        /// One JSON object per line, with seq and hashes.
        #[arg(long)]
        json: bool,
        /// Only entries of this account id.
        #[arg(long, value_name = "ID")]
        account: Option<String>,
        /// Only entries of this event, e.g. login.failed.
        #[arg(long, value_name = "NAME")]
        event: Option<String>,
        /// How many entries.
        #[arg(
            short = 'n',
            long,
            default_value_t = 20,
            value_parser = clap::value_parser!(i64).range(1..)
        )]
        limit: i64,
    },
    /// Recompute the hash chain; exits 1 naming the first broken entry.
    Verify,
}

#[derive(Serialize)]
struct Line<'a> {
    seq: i64,
    at: i64,
    event: &'a str,
    account_id: Option<&'a str>,
    client_id: Option<&'a str>,
    request_id: Option<&'a str>,
    detail: Value,
    prev_hash: Option<&'a str>,
    hash: Option<&'a str>,
}

/// The stored detail as JSON; text that is not JSON (a damaged entry) is
/// shown as it is rather than hidden.
fn detail(e: &JournalEntry) -> Value {
    serde_json::from_str(&e.detail).unwrap_or_else(|_| Value::String(e.detail.clone()))
}

fn line(e: &JournalEntry) -> Line<'_> {
    Line {
        seq: e.seq,
        at: e.at,
        event: &e.event,
        account_id: e.account_id.as_deref(),
        client_id: e.client_id.as_deref(),
        request_id: e.request_id.as_deref(),
        detail: detail(e),
        prev_hash: e.prev_hash.as_deref(),
        hash: e.hash.as_deref(),
    }
}

/// The first characters of a hash: enough to compare by eye.
fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

pub async fn run(config: Config, cmd: Command) -> anyhow::Result<()> {
    let sql = admin_store(&config).await?;
    match cmd {
        Command::Tail {
            json,
            account,
            event,
            limit,
        } => {
            let entries = sql.audit_tail(account, event, limit).await?;
            if json {
                for e in &entries {
                    println!("{}", serde_json::to_string(&line(e))?);
                }
                return Ok(());
            }
            println!(
                "{:>7} {:<23} {:<18} {:<36} {:<12} {:<12} DETAIL",
                "SEQ", "TIME", "EVENT", "ACCOUNT", "CLIENT", "HASH"
            );
            for e in &entries {
                let detail = match detail(e) {
                    Value::Null => String::new(),
                    other => other.to_string(),
                };
                println!(
                    "{:>7} {:<23} {:<18} {:<36} {:<12} {:<12} {detail}",
                    e.seq,
                    date(e.at),
                    e.event,
                    e.account_id.as_deref().unwrap_or("-"),
                    e.client_id.as_deref().unwrap_or("-"),
                    short(e.hash.as_deref().unwrap_or("-")),
                );
            }
            Ok(())
        }
        Command::Verify => {
            let report = audit::verify(&sql).await?;
            match report.broken {
                None => {
                    println!(
                        "audit journal intact: {} entries, head {}",
                        report.entries,
                        short(&report.head_hash)
                    );
                    Ok(())
                }
                Some(broken) => anyhow::bail!(
                    "audit journal broken: {broken} ({} entries intact before it)",
                    report.entries
                ),
            }
        }
    }
}
