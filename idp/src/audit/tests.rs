use crate::ctx::Ctx;
use crate::model::AuditEvent;

use super::{Audit, events, verify};

fn event(i: usize) -> AuditEvent {
    AuditEvent {
        at: 1_800_000_000,
        event: events::LOGIN_FAILED.into(),
        account_id: None,
        client_id: None,
        request_id: Some(format!("r{i}")),
        detail: serde_json::json!({ "i": i }),
    }
}

async fn append_at_once(audit: &Audit, events: impl Iterator<Item = usize>) -> Vec<i64> {
    let mut appends = tokio::task::JoinSet::new();
    for i in events {
        let audit = audit.clone();
        appends.spawn(async move { audit.append(event(i)).await.unwrap() });
    }
    let mut seqs = appends.join_all().await;
    seqs.sort_unstable();
    seqs
}

/// The test runtime has one thread: every append below is queued before
/// the writer first runs.
#[tokio::test]
async fn events_recorded_at_once_are_written_in_one_transaction() {
    let (ctx, _clock) = Ctx::for_tests().await;
    let before = verify(&ctx.sql).await.unwrap().entries;
    let seqs = append_at_once(&ctx.audit, 0..20).await;
    assert_eq!(seqs, ((before + 1)..=(before + 20)).collect::<Vec<_>>());
    assert_eq!(ctx.audit.queue().commits, 1);
    // Alone, an event is a transaction of its own, at once.
    assert_eq!(ctx.audit.append(event(20)).await.unwrap(), before + 21);
    assert_eq!(ctx.audit.queue().commits, 2);
    let report = verify(&ctx.sql).await.unwrap();
    assert!(report.intact(), "{:?}", report.broken);
    assert_eq!(report.entries, before + 21);
    // In the order they were recorded.
    let journal = ctx.sql.audit_events(21).await.unwrap();
    let ids: Vec<_> = journal
        .iter()
        .rev()
        .map(|e| e.request_id.clone().unwrap())
        .collect();
    assert_eq!(ids, (0..21).map(|i| format!("r{i}")).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_failed_write_fails_its_events_and_the_next_ones_are_written() {
    let (ctx, _clock) = Ctx::for_tests().await;
    let head = ctx.sql.clone();
    let run = |statement: &'static str| {
        let sql = head.clone();
        async move {
            sql.run(move |conn| {
                use diesel::connection::SimpleConnection;
                Ok(conn.batch_execute(statement)?)
            })
            .await
            .unwrap()
        }
    };
    run("CREATE TABLE head_copy AS SELECT * FROM audit_head; DELETE FROM audit_head").await;
    let mut failing = tokio::task::JoinSet::new();
    for i in 0..5 {
        let audit = ctx.audit.clone();
        failing.spawn(async move { audit.append(event(i)).await });
    }
    for result in failing.join_all().await {
        assert!(result.is_err(), "{result:?}");
    }
    run("INSERT INTO audit_head SELECT * FROM head_copy").await;
    let seqs = append_at_once(&ctx.audit, 5..8).await;
    assert_eq!(seqs.len(), 3);
    assert!(verify(&ctx.sql).await.unwrap().intact());
}
