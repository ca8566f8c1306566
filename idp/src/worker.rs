//! This node's job worker and the job table: each kind of job, and the
//! function that runs it. A feature that needs background work names its
//! kind (a constant next to its handler), queues through `ctx.jobs`, and
//! adds one line here; the queue (`jobs.rs`) knows none of them.

use std::future::Future;
use std::pin::Pin;

use crate::accounts::profile;
use crate::ctx::Ctx;
use crate::delivery;
use crate::jobs::{JobError, POLL};
use crate::model::Job;
use crate::sessions;
use crate::sessions::backchannel;
use crate::store::StoreError;

type Running<'a> = Pin<Box<dyn Future<Output = Result<(), JobError>> + Send + 'a>>;
/// Runs one job of a kind, given its payload.
type Handler = for<'a> fn(&'a Ctx, &'a str) -> Running<'a>;

/// Every kind of job and its handler.
const TABLE: &[(&str, Handler)] = &[
    (delivery::DELIVER, |ctx, payload| {
        Box::pin(delivery::deliver(&ctx.delivery, payload))
    }),
    (profile::VERIFY, |ctx, payload| {
        Box::pin(profile::run_check(ctx, payload))
    }),
    (sessions::EXPIRE, |ctx, payload| {
        Box::pin(sessions::run_expiry(ctx, payload))
    }),
    (backchannel::LOGOUT, |ctx, payload| {
        Box::pin(backchannel::deliver(ctx, payload))
    }),
];

/// Runs every due job once; returns how many were done.
pub async fn run_due(ctx: &Ctx) -> Result<usize, StoreError> {
    let mut done = 0;
    loop {
        let now = ctx.now();
        let batch = ctx.jobs.claim(now).await?;
        if batch.is_empty() {
            return Ok(done);
        }
        for job in batch {
            match run(ctx, &job).await {
                Ok(()) => {
                    ctx.jobs.finish(&job).await?;
                    done += 1;
                }
                Err(e) => ctx.jobs.failed(&job, &e, now).await?,
            }
        }
    }
}

async fn run(ctx: &Ctx, job: &Job) -> Result<(), JobError> {
    match TABLE.iter().find(|(kind, _)| *kind == job.kind) {
        Some((_, handler)) => handler(ctx, &job.payload).await,
        None => Err(JobError::Permanent(format!(
            "unknown job kind `{}`",
            job.kind
        ))),
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
                () = ctx.jobs.woken() => {}
                () = tokio::time::sleep(POLL) => {}
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_has_one_handler() {
        let mut kinds: Vec<&str> = TABLE.iter().map(|(kind, _)| *kind).collect();
        kinds.sort_unstable();
        kinds.dedup();
        assert_eq!(kinds.len(), TABLE.len(), "a kind is in the table twice");
    }

    #[tokio::test]
    async fn a_job_of_an_unknown_kind_is_given_up_and_kept_for_the_admin() {
        let (ctx, _clock) = Ctx::for_tests().await;
        ctx.jobs
            .enqueue("no_such_kind", &(), ctx.now())
            .await
            .unwrap();
        assert_eq!(run_due(&ctx).await.unwrap(), 0);
        let jobs = ctx.sql.jobs_of_kind("no_such_kind").await.unwrap();
        assert_eq!(jobs.len(), 1);
        assert!(jobs[0].failed, "given up at once: {:?}", jobs[0]);
        assert!(
            jobs[0]
                .last_error
                .as_deref()
                .unwrap()
                .contains("unknown job kind")
        );
    }

    #[tokio::test]
    async fn a_queued_message_is_handed_to_its_transport() {
        let (ctx, _clock) = Ctx::for_tests().await;
        let message = delivery::Message {
            kind: delivery::Kind::Email,
            to: "anna@example.org".into(),
            subject: "Код".into(),
            text: "Код: 123456".into(),
            code: Some("123456".into()),
            link: None,
        };
        ctx.queue_message(&message).await.unwrap();
        assert_eq!(run_due(&ctx).await.unwrap(), 1);
        let outbox = ctx.delivery.outbox.as_ref().expect("the dev outbox");
        let sent = outbox.to("anna@example.org");
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].message, message);
        assert!(
            ctx.sql
                .jobs_of_kind(delivery::DELIVER)
                .await
                .unwrap()
                .is_empty()
        );
        let _ = std::fs::remove_dir_all(&ctx.config.data_dir);
    }
}
