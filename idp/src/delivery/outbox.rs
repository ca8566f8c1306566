//! The dev outbox: every message to the log (without its code or link) and
//! as a JSON file under `data/outbox/`, where `/dev/outbox` (demo and dev
//! mode only) reads it back. For development and tests, never production.

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::{Message, Transport};
use crate::jobs::JobError;

#[derive(Debug, Clone)]
pub struct DevOutbox {
    dir: PathBuf,
}

/// A message as the outbox keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEntry {
    #[serde(flatten)]
    pub message: Message,
    /// When it was written, in nanoseconds (orders the entries).
    pub written_ns: u128,
}

impl DevOutbox {
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
    }

    /// Messages to `to`, newest first.
    pub fn to(&self, to: &str) -> Vec<OutboxEntry> {
        let Ok(files) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut found: Vec<OutboxEntry> = files
            .flatten()
            .filter_map(|f| std::fs::read(f.path()).ok())
            .filter_map(|bytes| serde_json::from_slice::<OutboxEntry>(&bytes).ok())
            .filter(|e| e.message.to == to)
            .collect();
        found.sort_by_key(|e| std::cmp::Reverse(e.written_ns));
        found
    }
}

#[async_trait]
impl Transport for DevOutbox {
    async fn send(&self, message: &Message) -> Result<(), JobError> {
        let written_ns = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let entry = OutboxEntry {
            message: message.clone(),
            written_ns,
        };
        let path = self
            .dir
            .join(format!("{written_ns}-{}.json", uuid::Uuid::new_v4()));
        let body =
            serde_json::to_vec_pretty(&entry).map_err(|e| JobError::Permanent(e.to_string()))?;
        let dir = self.dir.clone();
        tokio::task::spawn_blocking(move || {
            std::fs::create_dir_all(&dir)?;
            std::fs::write(&path, body)?;
            Ok::<_, std::io::Error>(path)
        })
        .await
        .map_err(|e| JobError::Retry(e.to_string()))?
        .map(|path| {
            tracing::info!(
                kind = ?message.kind, to = %message.to, subject = %message.subject,
                file = %path.display(), "dev outbox: message written"
            );
        })
        .map_err(|e| JobError::Retry(format!("dev outbox {}: {e}", self.dir.display())))
    }
}
