//! The audit journal: every security-relevant step, with the request id the
//! logs carry. Recording never fails a request: a store failure is logged.
//!
//! The journal is a hash chain ([`chain`]) with a head row naming its newest
//! entry, so editing, deleting or reordering entries shows in [`verify`].
//! The chain's rule and the event names are plain values the store needs
//! too (it links entries and settles migrations), so they live on the ground
//! floor (`model`) and are re-exported here.

mod verify;

pub use crate::model::{chain, events};

pub use verify::{Broken, Problem, VerifyReport, verify};

use serde_json::Value;

use crate::clock::UnixTime;
use crate::model::AuditEvent;
use crate::store::SqlStore;

#[derive(Clone)]
pub struct Audit {
    store: SqlStore,
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
        Self { store }
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
        if let Err(e) = self.store.append_audit(&event).await {
            tracing::error!(event = %event.event, error = %e, "audit journal write failed");
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
