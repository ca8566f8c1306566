//! `idp keys`: the signing-key lifecycle from the command line. Each command
//! prints what it did and what happens next, refuses unsafe steps with the
//! reason, and is written to the audit journal. Running servers pick every
//! change up within `key_poll_secs` (2 s by default).

use std::path::PathBuf;

use clap::Subcommand;
use keys::{Algorithm, MasterKey};
use serde::Serialize;

use super::common::{admin_store, date, print_json};
use crate::audit::{Audit, Entry, events};
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::credentials::totp;
use crate::keyring::lifecycle::{self, Policy, Report};
use crate::keyring::load_master_key;
use crate::store::SqlStore;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List signing keys.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Generate a key as `next`: published at once, signing nothing yet.
    Generate {
        #[arg(long, default_value = "RS256")]
        alg: Algorithm,
    },
    /// Make a `next` key active (refused until it has been published for the
    /// JWKS cache lifetime, unless --force).
    Activate {
        /// The key id (an RFC 7638 thumbprint may begin with `-`).
        #[arg(allow_hyphen_values = true)]
        kid: String,
        #[arg(long)]
        force: bool,
    },
    /// The routine rotation: a new key is published now and becomes active
    /// by itself once portals' JWKS caches have seen it.
    Rotate {
        #[arg(long, default_value = "RS256")]
        alg: Algorithm,
        /// Activate the new key at once (emergency).
        #[arg(long)]
        now: bool,
    },
    /// Retire a retiring key whose tokens have expired (or, with --force, an
    /// active non-RS256 key).
    Retire {
        #[arg(allow_hyphen_values = true)]
        kid: String,
        #[arg(long)]
        force: bool,
    },
    /// Compromise: remove a key from the JWKS at once and refuse its tokens.
    Revoke {
        #[arg(allow_hyphen_values = true)]
        kid: String,
    },
    /// Re-encrypt every private key under a new master key.
    Rewrap {
        /// File with the new base64 master key (or IDP_NEW_MASTER_KEY).
        #[arg(long, env = "IDP_NEW_MASTER_KEY_FILE")]
        new_master_key_file: Option<PathBuf>,
    },
    /// Print a new random master key (base64), for IDP_MASTER_KEY.
    MasterKey,
}

#[derive(Serialize)]
struct Row {
    kid: String,
    alg: String,
    state: String,
    created: String,
    activated: Option<String>,
    activate_after: Option<String>,
    retire_after: Option<String>,
}

pub async fn run(config: Config, cmd: Command) -> anyhow::Result<()> {
    if let Command::MasterKey = cmd {
        println!("{}", MasterKey::generate().to_base64());
        return Ok(());
    }
    let sql = admin_store(&config).await?;
    let policy = Policy::from_config(&config);
    let now = SystemClock.now();
    let master = || -> anyhow::Result<MasterKey> { Ok(load_master_key(&config)?.0) };
    let (event, kid, report): (&str, Option<String>, Report) = match cmd {
        Command::List { json } => return list(&sql, json).await,
        Command::MasterKey => unreachable!("handled above"),
        Command::Generate { alg } => {
            let key = lifecycle::generate_next(&sql, &master()?, &policy, alg, None, now).await?;
            let report = vec![
                format!(
                    "generated {alg} key {} as next: published in the JWKS, not signing",
                    key.kid
                ),
                format!(
                    "activate it with `idp keys activate {}` after {} (the JWKS cache lifetime)",
                    key.kid,
                    date(now + policy.publish_secs)
                ),
            ];
            (events::KEY_GENERATED, Some(key.kid), report)
        }
        Command::Activate { kid, force } => {
            let report = lifecycle::activate(&sql, &policy, &kid, force, now).await?;
            (events::KEY_ACTIVATED, Some(kid), report)
        }
        Command::Rotate { alg, now: at_once } => {
            let report = lifecycle::rotate(&sql, &master()?, &policy, alg, at_once, now).await?;
            (events::KEY_ROTATED, None, report)
        }
        Command::Retire { kid, force } => {
            let report = lifecycle::retire(&sql, &policy, &kid, force, now).await?;
            (events::KEY_RETIRED, Some(kid), report)
        }
        Command::Revoke { kid } => {
            let report = lifecycle::revoke(&sql, &master()?, &policy, &kid, now).await?;
            (events::KEY_REVOKED, Some(kid), report)
        }
        Command::Rewrap {
            new_master_key_file,
        } => {
            let new = match (new_master_key_file, std::env::var("IDP_NEW_MASTER_KEY")) {
                (Some(path), _) => MasterKey::from_base64(&std::fs::read_to_string(&path)?)
                    .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?,
                (None, Ok(text)) => MasterKey::from_base64(&text)
                    .map_err(|e| anyhow::anyhow!("IDP_NEW_MASTER_KEY: {e}"))?,
                (None, Err(_)) => anyhow::bail!(
                    "give the new master key with --new-master-key-file or IDP_NEW_MASTER_KEY \
                     (make one with `idp keys master-key`)"
                ),
            };
            let report = rewrap(&sql, &master()?, &new).await?;
            (events::KEY_REWRAPPED, None, report)
        }
    };
    for line in &report {
        println!("{line}");
    }
    let detail = serde_json::json!({ "kid": kid, "report": report });
    Audit::new(sql)
        .record(Entry::new(event).detail(detail), now)
        .await;
    Ok(())
}

async fn list(sql: &crate::store::SqlStore, json: bool) -> anyhow::Result<()> {
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
            activate_after: k.activate_after.map(date),
            retire_after: k.retire_after.map(date),
        })
        .collect();
    if json {
        return print_json(&rows);
    }
    if rows.is_empty() {
        println!("no signing keys yet: `idp serve` generates them on first start");
    }
    println!(
        "{:<44} {:<6} {:<9} {:<24} {:<24} {:<24}",
        "KID", "ALG", "STATE", "CREATED", "ACTIVATED", "RETIRE AFTER"
    );
    for r in rows {
        let activated = r
            .activated
            .or_else(|| r.activate_after.map(|a| format!("after {a}")))
            .unwrap_or_else(|| "-".into());
        println!(
            "{:<44} {:<6} {:<9} {:<24} {:<24} {:<24}",
            r.kid,
            r.alg,
            r.state,
            r.created,
            activated,
            r.retire_after.unwrap_or_else(|| "-".into())
        );
    }
    Ok(())
}

/// Re-encrypts everything the master key seals (the signing keys and the
/// authenticator-app secrets) under a new one, all or none.
pub async fn rewrap(sql: &SqlStore, old: &MasterKey, new: &MasterKey) -> anyhow::Result<Report> {
    let keys = lifecycle::resealed_keys(sql, old, new).await?;
    let secrets = totp::resealed_secrets(sql, old, new).await?;
    let (count, secret_count) = (keys.len(), secrets.len());
    sql.rewrap_keys(keys, secrets).await?;
    Ok(vec![
        format!(
            "re-encrypted {count} private key(s) and {secret_count} authenticator-app secret(s) under the new master key"
        ),
        "now give every node the new master key (IDP_MASTER_KEY or IDP_MASTER_KEY_FILE) and restart them; \
         nodes still on the old key keep the keys they loaded but cannot load new ones"
            .into(),
    ])
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(subcommand)]
        command: super::Command,
    }

    /// A thumbprint is base64url: one in 64 begins with `-`.
    #[test]
    fn a_key_id_may_begin_with_a_hyphen() {
        for args in [
            ["x", "revoke", "-abc"].as_slice(),
            &["x", "retire", "-abc", "--force"],
            &["x", "activate", "-abc"],
        ] {
            let cli = Cli::try_parse_from(args).unwrap_or_else(|e| panic!("{args:?}: {e}"));
            let kid = match cli.command {
                super::Command::Revoke { kid }
                | super::Command::Retire { kid, .. }
                | super::Command::Activate { kid, .. } => kid,
                _ => unreachable!(),
            };
            assert_eq!(kid, "-abc");
        }
    }
}
