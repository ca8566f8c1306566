//! Durable background work that any node may do: deliveries, verifications
//! against the state registries, session expiry and back-channel logouts. A job is a row in the
//! durable store; every node's worker claims due jobs (a lease, so a node
//! that dies mid-job leaves it to another), runs them, and deletes them when
//! done or schedules a retry with backoff. A restart loses nothing.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::Notify;

use crate::clock::UnixTime;
use crate::ctx::Ctx;
use crate::model::Job;
use crate::store::{SqlStore, StoreError};

/// Deliver a message (`delivery::Message`).
pub const DELIVER: &str = "deliver";

/// How long a claimed job is left to its node before another may take it.
const LEASE_SECS: i64 = 120;
/// Attempts before a job is given up (kept, with its error, for the admin).
pub const MAX_ATTEMPTS: u32 = 12;
/// How often each node looks for due jobs when nobody wakes it.
const POLL: Duration = Duration::from_secs(1);

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

/// Wakes this node's worker when it queues a job, so the job runs at once
/// instead of at the next poll.
#[derive(Debug, Default, Clone)]
pub struct Wake(Arc<Notify>);

impl Wake {
    pub fn now(&self) {
        self.0.notify_one();
    }
}

/// Queues a job due at `at`; returns its id.
pub async fn enqueue(
    ctx: &Ctx,
    kind: &str,
    payload: &impl Serialize,
    at: UnixTime,
) -> Result<String, StoreError> {
    let id = insert(&ctx.sql, kind, payload, at, ctx.now()).await?;
    ctx.wake.now();
    Ok(id)
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

/// Runs every due job once; returns how many were done.
pub async fn run_due(ctx: &Ctx) -> Result<usize, StoreError> {
    let mut done = 0;
    loop {
        let now = ctx.now();
        let batch = ctx.sql.claim_jobs(now, LEASE_SECS, 16).await?;
        if batch.is_empty() {
            return Ok(done);
        }
        for job in batch {
            match dispatch(ctx, &job).await {
                Ok(()) => {
                    ctx.sql.finish_job(&job.id).await?;
                    done += 1;
                }
                Err(e) => {
                    let give_up =
                        matches!(e, JobError::Permanent(_)) || job.attempts >= MAX_ATTEMPTS;
                    let at = now + backoff(job.attempts);
                    tracing::warn!(
                        job = %job.id, kind = %job.kind, attempts = job.attempts, give_up,
                        error = %e, "a background job failed"
                    );
                    ctx.sql
                        .retry_job(&job.id, at, give_up, &e.to_string())
                        .await?;
                }
            }
        }
    }
}

async fn dispatch(ctx: &Ctx, job: &Job) -> Result<(), JobError> {
    match job.kind.as_str() {
        DELIVER => crate::delivery::deliver(ctx, &job.payload).await,
        crate::accounts::profile::VERIFY => {
            crate::accounts::profile::run_check(ctx, &job.payload).await
        }
        crate::login::session::EXPIRE => crate::login::session::run_expiry(ctx, &job.payload).await,
        crate::oidc::backchannel::LOGOUT => {
            crate::oidc::backchannel::deliver(ctx, &job.payload).await
        }
        other => Err(JobError::Permanent(format!("unknown job kind `{other}`"))),
    }
}

/// This node's worker: runs due jobs when woken and every second.
pub fn spawn(ctx: Ctx) {
    tokio::spawn(async move {
        loop {
            if let Err(e) = run_due(&ctx).await {
                tracing::error!(error = %e, "the job queue is unreachable");
            }
            tokio::select! {
                () = ctx.wake.0.notified() => {}
                () = tokio::time::sleep(POLL) => {}
            }
        }
    });
}
