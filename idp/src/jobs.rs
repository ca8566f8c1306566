//! The durable job queue: a job is a row in the durable store; every node's
//! worker (`worker.rs`) claims due jobs (a lease, so a node that dies
//! mid-job leaves it to another), runs them, and deletes them when done or
//! schedules a retry with backoff. A restart loses nothing. The queue knows
//! no feature: a job is a kind and a JSON payload; `worker.rs` maps each
//! kind to what runs it.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::Notify;

use crate::clock::{Clock, UnixTime};
use crate::model::Job;
use crate::store::{SqlStore, StoreError};

/// How long a claimed job is left to its node before another may take it.
const LEASE_SECS: i64 = 120;
/// How many due jobs one claim takes.
const BATCH: i64 = 16;
/// Attempts before a job is given up (kept, with its error, for the admin).
pub const MAX_ATTEMPTS: u32 = 12;
/// How often each node looks for due jobs when nobody wakes it.
pub const POLL: Duration = Duration::from_secs(1);

/// Why a job did not get done this time.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// Worth another try later (a gateway down, a timeout).
    #[error("{0}")]
    Retry(String),
    /// Will never work (a malformed payload, a refused address).
    #[error("{0}")]
    Permanent(String),
}

/// This node's handle on the queue: queues jobs and wakes this node's
/// worker, so a job queued here runs at once instead of at the next poll.
#[derive(Clone)]
pub struct Queue {
    sql: SqlStore,
    clock: Arc<dyn Clock>,
    wake: Arc<Notify>,
}

impl std::fmt::Debug for Queue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Queue").finish_non_exhaustive()
    }
}

impl Queue {
    pub fn new(sql: SqlStore, clock: Arc<dyn Clock>) -> Self {
        Self {
            sql,
            clock,
            wake: Arc::default(),
        }
    }

    /// Queues a job due at `at`; returns its id.
    pub async fn enqueue(
        &self,
        kind: &str,
        payload: &impl Serialize,
        at: UnixTime,
    ) -> Result<String, StoreError> {
        let id = insert(&self.sql, kind, payload, at, self.clock.now()).await?;
        self.wake();
        Ok(id)
    }

    /// Lets this node's worker run what a store operation just queued in
    /// its own transaction (see [`new`]) without waiting for its next poll.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Waits until someone calls [`Queue::wake`].
    pub async fn woken(&self) {
        self.wake.notified().await;
    }

    /// Leases up to a batch of jobs due at `now` to this node.
    pub async fn claim(&self, now: UnixTime) -> Result<Vec<Job>, StoreError> {
        self.sql.claim_jobs(now, LEASE_SECS, BATCH).await
    }

    /// `job` is done: it leaves the queue.
    pub async fn finish(&self, job: &Job) -> Result<(), StoreError> {
        self.sql.finish_job(&job.id).await
    }

    /// `job`, claimed at `claimed`, failed: it runs again after
    /// [`backoff`], or never when the error is permanent or its attempts
    /// are spent (it stays, with its error, for the admin).
    pub async fn failed(
        &self,
        job: &Job,
        error: &JobError,
        claimed: UnixTime,
    ) -> Result<(), StoreError> {
        let give_up = matches!(error, JobError::Permanent(_)) || job.attempts >= MAX_ATTEMPTS;
        metrics::counter!(
            "vhod_job_failures_total",
            "kind" => job.kind.clone(),
            "given_up" => if give_up { "true" } else { "false" }
        )
        .increment(1);
        let at = claimed + backoff(job.attempts);
        tracing::warn!(
            job = %job.id, kind = %job.kind, attempts = job.attempts, give_up,
            error = %error, "a background job failed"
        );
        self.sql
            .retry_job(&job.id, at, give_up, &error.to_string())
            .await
    }
}

/// Queues a job from a process that runs no worker (the admin CLI): a
/// server's worker picks it up within a second.
pub async fn insert(
    sql: &SqlStore,
    kind: &str,
    payload: &impl Serialize,
    at: UnixTime,
    now: UnixTime,
) -> Result<String, StoreError> {
    let job = new(kind, payload, at, now)?;
    sql.insert_job(&job).await?;
    Ok(job.id)
}

/// A job not queued yet, for a store operation that queues it in its own
/// transaction.
pub fn new(
    kind: &str,
    payload: &impl Serialize,
    at: UnixTime,
    now: UnixTime,
) -> Result<Job, StoreError> {
    Ok(Job {
        id: uuid::Uuid::new_v4().to_string(),
        kind: kind.to_owned(),
        payload: serde_json::to_string(payload).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        run_at: at,
        attempts: 0,
        failed: false,
        last_error: None,
        created_at: now,
    })
}

/// The wait before attempt `n + 1`: 5 s, doubling, at most an hour.
pub fn backoff(attempts: u32) -> i64 {
    (5i64 << attempts.saturating_sub(1).min(10)).min(3600)
}
