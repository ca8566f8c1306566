//! Background upkeep: purges expired short-lived state, refresh tokens and
//! old session records;
//! and, every few seconds, applies due key transitions and reloads the keys
//! when the store's changed, so a change made by the CLI on any machine
//! reaches this node without a restart; and gives password checks' working
//! memory back once they stop.

use std::time::Duration;

use crate::audit::{Entry, events};
use crate::ctx::Ctx;
use crate::keyring::lifecycle::{self, LifecycleError, Policy};
use crate::store::StoreError;

/// How long the index keeps a session after it expired, for support to
/// see how it ended.
const SESSION_RECORD_SECS: i64 = 30 * 24 * 3600;

/// How long after the last password check its working memory (19 MiB per
/// check at once) is given back.
const PASSWORD_MEMORY_IDLE: Duration = Duration::from_secs(10);

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub ephemeral: usize,
    pub refresh_tokens: usize,
    pub grants: usize,
    pub sessions: usize,
}

/// One pass.
pub async fn sweep(ctx: &Ctx) -> Result<Swept, StoreError> {
    let swept = Swept {
        ephemeral: ctx.ephemeral.purge_expired().await?,
        refresh_tokens: ctx.sql.purge_refresh_tokens(ctx.now()).await?,
        grants: ctx.sql.purge_grants(ctx.now()).await?,
        sessions: ctx
            .sql
            .purge_sessions(ctx.now() - SESSION_RECORD_SECS)
            .await?,
    };
    Ok(swept)
}

/// One key pass: due transitions, then a reload if anything changed.
pub async fn follow_keys(ctx: &Ctx) -> Result<bool, LifecycleError> {
    let policy = Policy::from_config(&ctx.config);
    let report = lifecycle::tick(&ctx.sql, &policy, ctx.now()).await?;
    if !report.is_empty() {
        for line in &report {
            tracing::info!("{line}");
        }
        let entry =
            Entry::new(events::KEY_SCHEDULED).detail(serde_json::json!({ "report": report }));
        ctx.audit.record(entry, ctx.now()).await;
    }
    Ok(ctx.keys.refresh(&ctx.sql, &ctx.master).await?)
}

/// Runs [`follow_keys`] every `key_poll_secs` and [`sweep`] every
/// `janitor_interval_secs` until the process ends, and gives password
/// checks' memory back once they stop.
pub fn spawn(ctx: Ctx) {
    tokio::spawn(async {
        let mut ticker = tokio::time::interval(PASSWORD_MEMORY_IDLE / 2);
        loop {
            ticker.tick().await;
            crate::credentials::password::release_idle_memory(PASSWORD_MEMORY_IDLE);
        }
    });
    let keys_app = ctx.clone();
    let every = Duration::from_secs(ctx.config.key_poll_secs.max(1));
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(every);
        loop {
            ticker.tick().await;
            match follow_keys(&keys_app).await {
                Ok(true) => tracing::info!("signing keys reloaded"),
                Ok(false) => {}
                Err(e) => tracing::error!(error = %e, "following signing keys failed"),
            }
        }
    });
    let every = Duration::from_secs(ctx.config.janitor_interval_secs.max(1));
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(every);
        loop {
            ticker.tick().await;
            match sweep(&ctx).await {
                Ok(swept) if swept != Swept::default() => {
                    tracing::info!(
                        ephemeral = swept.ephemeral,
                        refresh_tokens = swept.refresh_tokens,
                        grants = swept.grants,
                        sessions = swept.sessions,
                        "janitor purged expired state"
                    )
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "janitor pass failed"),
            }
        }
    });
}
