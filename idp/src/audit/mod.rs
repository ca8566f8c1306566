//! The audit journal: every security-relevant step, with the request id the
//! logs carry. Recording never fails a request: a store failure is logged.
//!
//! The journal is a hash chain ([`chain`]) with a head row naming its newest
//! entry, so editing, deleting or reordering entries shows in [`verify`].
//! Appending locks that row to the commit, which lines up the appends of
//! every node; so events recorded at once are written together (a group
//! commit, [`Audit::append`]) rather than one commit, one disk flush, after
//! another.
//! The chain's rule and the event names are plain values the store needs
//! too (it links entries and settles migrations), so they live on the ground
//! floor (`model`) and are re-exported here.

mod verify;

pub use crate::model::{chain, events};

pub use verify::{Broken, Problem, VerifyReport, verify};

use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;
use tokio::sync::oneshot;

use crate::clock::UnixTime;
use crate::model::AuditEvent;
use crate::store::{SqlStore, StoreError};

/// The most events one transaction appends.
const BATCH: usize = 256;

#[derive(Clone)]
pub struct Audit {
    store: SqlStore,
    queue: Arc<Mutex<Queue>>,
}

/// Events waiting to be written, and whether a writer is at work.
#[derive(Default)]
struct Queue {
    waiting: Vec<(AuditEvent, oneshot::Sender<Result<i64, StoreError>>)>,
    writing: bool,
    /// Transactions written, for the tests.
    commits: u64,
}

/// One event under construction.
pub struct Entry<'a> {
    pub event: &'a str,
    pub account_id: Option<&'a str>,
    pub client_id: Option<&'a str>,
    pub request_id: Option<&'a str>,
    pub detail: Value,
}

impl<'a> Entry<'a> {
    pub fn new(event: &'a str) -> Self {
        Self {
            event,
            account_id: None,
            client_id: None,
            request_id: None,
            detail: Value::Null,
        }
    }
    pub fn account(mut self, id: &'a str) -> Self {
        self.account_id = Some(id);
        self
    }
    pub fn client(mut self, id: &'a str) -> Self {
        self.client_id = Some(id);
        self
    }
    pub fn request(mut self, id: Option<&'a str>) -> Self {
        self.request_id = id;
        self
    }
    pub fn detail(mut self, detail: Value) -> Self {
        self.detail = detail;
        self
    }
}

impl Audit {
    pub fn new(store: SqlStore) -> Self {
        Self {
            store,
            queue: Arc::default(),
        }
    }

    pub async fn record(&self, entry: Entry<'_>, now: UnixTime) {
        count(&entry);
        let event = AuditEvent {
            at: now,
            event: entry.event.to_owned(),
            account_id: entry.account_id.map(str::to_owned),
            client_id: entry.client_id.map(str::to_owned),
            request_id: entry.request_id.map(str::to_owned),
            detail: entry.detail,
        };
        let name = event.event.clone();
        if let Err(e) = self.append(event).await {
            tracing::error!(event = %name, error = %e, "audit journal write failed");
        }
    }

    /// Appends `event` to the journal; returns its seq. The event joins
    /// the queue; if no writer is at work, one starts, as a task of its own
    /// so that a request that goes away cannot stop it halfway. The writer
    /// takes everything queued into one transaction, and again while more
    /// came meanwhile.
    pub async fn append(&self, event: AuditEvent) -> Result<i64, StoreError> {
        let (reply, written) = oneshot::channel();
        let start = {
            let mut queue = self.queue();
            queue.waiting.push((event, reply));
            !std::mem::replace(&mut queue.writing, true)
        };
        if start {
            tokio::spawn(self.clone().write_queued());
        }
        written
            .await
            .unwrap_or_else(|_| Err(StoreError::Database("the journal's writer stopped".into())))
    }

    async fn write_queued(self) {
        // Whatever else ends this task (a panic, the runtime stopping)
        // lets the next event start a writer again.
        let mut writing = Writing(Some(&self.queue));
        loop {
            let batch: Vec<_> = {
                let mut queue = self.queue();
                if queue.waiting.is_empty() {
                    // Under the lock: an event queued after this starts
                    // a writer of its own.
                    queue.writing = false;
                    writing.0 = None;
                    return;
                }
                let n = queue.waiting.len().min(BATCH);
                queue.waiting.drain(..n).collect()
            };
            let (events, replies): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
            let written = self.store.append_audit(events).await;
            self.queue().commits += 1;
            match written {
                Ok(seqs) => {
                    for (reply, seq) in replies.into_iter().zip(seqs) {
                        let _ = reply.send(Ok(seq));
                    }
                }
                Err(e) => {
                    for reply in replies {
                        let _ = reply.send(Err(e.clone()));
                    }
                }
            }
        }
    }

    fn queue(&self) -> MutexGuard<'_, Queue> {
        // The queue is consistent after every statement: a poisoned lock
        // (a panic elsewhere) leaves it usable.
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Marks the writer gone when dropped before it said so itself.
struct Writing<'a>(Option<&'a Mutex<Queue>>);

impl Drop for Writing<'_> {
    fn drop(&mut self) {
        if let Some(queue) = self.0 {
            queue.lock().unwrap_or_else(|e| e.into_inner()).writing = false;
        }
    }
}

/// Counts a journaled event in the metrics: every event by name, and
/// logins by method and outcome, and lockouts, by themselves.
fn count(entry: &Entry<'_>) {
    metrics::counter!("vhod_audit_events_total", "event" => entry.event.to_owned()).increment(1);
    let outcome = match entry.event {
        events::LOGIN_SUCCEEDED => "succeeded",
        events::LOGIN_FAILED => "failed",
        events::LOGIN_UNMET => "unmet",
        events::ACCOUNT_LOCKED => {
            metrics::counter!("vhod_lockouts_total").increment(1);
            return;
        }
        _ => return,
    };
    // A success names its factors (`amr`); a failure the step it failed.
    let method = match (&entry.detail["amr"], &entry.detail["method"]) {
        (serde_json::Value::Array(amr), _) => amr
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join("+"),
        (_, Value::String(method)) => method.clone(),
        _ => "unknown".to_owned(),
    };
    metrics::counter!("vhod_logins_total", "method" => method, "outcome" => outcome).increment(1);
}

#[cfg(test)]
mod tests;
