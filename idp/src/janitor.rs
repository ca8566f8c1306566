//! Background upkeep: purges expired short-lived state and refresh tokens,
//! and reloads signing keys so a change made by the CLI reaches this node.

use std::time::Duration;

use crate::app::AppState;
use crate::store::StoreError;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub ephemeral: usize,
    pub refresh_tokens: usize,
}

/// One pass.
pub async fn sweep(app: &AppState) -> Result<Swept, StoreError> {
    let swept = Swept {
        ephemeral: app.ephemeral.purge_expired().await?,
        refresh_tokens: app.sql.purge_refresh_tokens(app.now()).await?,
    };
    if let Err(e) = app.keys.reload(&app.sql, &app.master).await {
        tracing::error!(error = %e, "reloading signing keys failed");
    }
    Ok(swept)
}

/// Runs [`sweep`] every `janitor_interval_secs` until the process ends.
pub fn spawn(app: AppState) {
    let every = Duration::from_secs(app.config.janitor_interval_secs.max(1));
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(every);
        loop {
            ticker.tick().await;
            match sweep(&app).await {
                Ok(swept) if swept != Swept::default() => {
                    tracing::info!(
                        ephemeral = swept.ephemeral,
                        refresh_tokens = swept.refresh_tokens,
                        "janitor purged expired state"
                    )
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "janitor pass failed"),
            }
        }
    });
}
