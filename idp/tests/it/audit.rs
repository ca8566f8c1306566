//! The audit journal's hash chain: what a login leaves, and what tampering
//! in the database `verify` reports.

use idp::audit::{self, Entry, Problem, chain, events};
use idp::config::Config;
use idp::model::{AuditEvent, JournalEntry};
use idp::store::SqlStore;

use crate::harness::*;
use crate::operations::idp;

/// A provider whose journal holds a login (login, consent, token, ...).
async fn app_with_login() -> TestApp {
    let app = TestApp::spawn().await;
    app.tokens(&app.browser(), STANDARD, &[]).await;
    app
}

async fn all(sql: &SqlStore) -> Vec<JournalEntry> {
    let mut entries = sql.audit_tail(None, None, 10_000).await.unwrap();
    entries.reverse();
    entries
}

async fn sql(app: &TestApp, statement: &str) {
    app.state.sql.execute_raw_sql(statement).await.unwrap();
}

async fn broken(app: &TestApp) -> audit::Broken {
    let report = audit::verify(&app.state.sql).await.unwrap();
    report.broken.expect("tampering is detected")
}

#[actix_web::test]
async fn a_login_is_journaled_in_an_intact_chain() {
    let app = app_with_login().await;
    let entries = all(&app.state.sql).await;
    let names: Vec<&str> = entries.iter().map(|e| e.event.as_str()).collect();
    assert!(names.contains(&events::LOGIN_SUCCEEDED), "{names:?}");
    assert!(names.contains(&events::TOKEN_ISSUED), "{names:?}");
    let seqs: Vec<i64> = entries.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=entries.len() as i64).collect::<Vec<_>>());
    assert_eq!(entries[0].prev_hash.as_deref(), Some(chain::GENESIS));
    for pair in entries.windows(2) {
        assert_eq!(pair[1].prev_hash, pair[0].hash);
    }
    let report = audit::verify(&app.state.sql).await.unwrap();
    assert!(report.intact(), "{:?}", report.broken);
    assert_eq!(report.entries, entries.len() as i64);
    assert_eq!(Some(report.head_hash), entries.last().unwrap().hash);
    // The older reader still works, newest first.
    let newest = app.state.sql.audit_events(1).await.unwrap();
    assert_eq!(newest[0].event, entries.last().unwrap().event);
}

#[actix_web::test]
async fn an_edited_entry_is_named() {
    let app = app_with_login().await;
    let login = all(&app.state.sql)
        .await
        .into_iter()
        .find(|e| e.event == events::LOGIN_SUCCEEDED)
        .unwrap();
    sql(
        &app,
        &format!(
            "UPDATE audit_events SET detail = '{{\"forged\":true}}' WHERE seq = {}",
            login.seq
        ),
    )
    .await;
    let broken = broken(&app).await;
    assert_eq!(broken.seq, login.seq);
    assert_eq!(broken.problem, Problem::Edited);
    assert!(broken.to_string().contains("edited"), "{broken}");
}

#[actix_web::test]
async fn a_rewritten_entry_breaks_the_link_to_the_next() {
    let app = app_with_login().await;
    let entry = all(&app.state.sql).await.remove(1);
    // Rehashed like the code would: the entry itself checks out, the next
    // one still names the old hash.
    let forged = AuditEvent {
        account_id: Some("someone-else".into()),
        ..entry.event().unwrap()
    };
    let hash = chain::entry_hash(entry.prev_hash.as_deref().unwrap(), entry.seq, &forged);
    sql(
        &app,
        &format!(
            "UPDATE audit_events SET account_id = 'someone-else', hash = '{hash}' WHERE seq = {}",
            entry.seq
        ),
    )
    .await;
    let broken = broken(&app).await;
    assert_eq!(
        (broken.seq, broken.problem),
        (entry.seq + 1, Problem::Unlinked)
    );
}

#[actix_web::test]
async fn a_deleted_middle_entry_is_named() {
    let app = app_with_login().await;
    let entries = all(&app.state.sql).await;
    assert!(entries.len() >= 3, "{entries:?}");
    sql(&app, "DELETE FROM audit_events WHERE seq = 2").await;
    let broken = broken(&app).await;
    assert_eq!(broken.seq, 2);
    assert_eq!(broken.problem, Problem::Deleted { through: 2 });
}

#[actix_web::test]
async fn deleting_the_newest_entry_is_a_head_mismatch() {
    let app = app_with_login().await;
    let last = all(&app.state.sql).await.len() as i64;
    sql(
        &app,
        &format!("DELETE FROM audit_events WHERE seq = {last}"),
    )
    .await;
    let broken = broken(&app).await;
    assert_eq!(broken.seq, last);
    assert_eq!(
        broken.problem,
        Problem::HeadMismatch {
            head: Some(last),
            last: last - 1
        }
    );
    assert!(broken.to_string().contains("head mismatch"), "{broken}");
}

#[actix_web::test]
async fn swapped_entries_are_reported_as_reordered() {
    let app = app_with_login().await;
    for statement in [
        "UPDATE audit_events SET seq = 1000000 WHERE seq = 2",
        "UPDATE audit_events SET seq = 2 WHERE seq = 3",
        "UPDATE audit_events SET seq = 3 WHERE seq = 1000000",
    ] {
        sql(&app, statement).await;
    }
    let broken = broken(&app).await;
    assert_eq!(broken.seq, 2);
    assert_eq!(broken.problem, Problem::Reordered { written_as: 3 });
}

#[actix_web::test]
async fn concurrent_appends_from_several_nodes_form_one_chain() {
    let app = TestApp::spawn().await;
    let before = all(&app.state.sql).await.len() as i64;
    const NODES: usize = 3;
    const EACH: usize = 40;
    let mut tasks = tokio::task::JoinSet::new();
    for node in 0..NODES {
        // Each node has its own connection pool, as separate processes would.
        let sql = idp::app::open_sql(&app.state.config).unwrap();
        for i in 0..EACH {
            let sql = sql.clone();
            tasks.spawn(async move {
                let event = AuditEvent {
                    at: 1_800_000_000,
                    event: events::LOGIN_FAILED.into(),
                    account_id: None,
                    client_id: None,
                    request_id: Some(format!("node{node}-{i}")),
                    detail: serde_json::json!({"node": node, "i": i}),
                };
                sql.append_audit(vec![event]).await.unwrap()[0]
            });
        }
    }
    let mut seqs = tasks.join_all().await;
    seqs.sort_unstable();
    let total = (NODES * EACH) as i64;
    assert_eq!(seqs, ((before + 1)..=(before + total)).collect::<Vec<_>>());
    let report = audit::verify(&app.state.sql).await.unwrap();
    assert!(report.intact(), "{:?}", report.broken);
    assert_eq!(report.entries, before + total);
}

/// Puts the journal in the state the migration leaves: numbered entries
/// without hashes, a head that counts them and has no hash.
async fn as_before_the_chain(app: &TestApp, count: usize) {
    sql(app, "UPDATE audit_events SET prev_hash = NULL, hash = NULL").await;
    sql(
        app,
        &format!("UPDATE audit_head SET seq = {count}, hash = NULL"),
    )
    .await;
}

#[actix_web::test]
async fn entries_from_before_the_chain_are_chained_once() {
    let app = app_with_login().await;
    let entries = all(&app.state.sql).await;
    as_before_the_chain(&app, entries.len()).await;
    assert_eq!(
        broken(&app).await,
        audit::Broken {
            seq: 1,
            problem: Problem::Unchained
        }
    );
    // Applying migrations chains them...
    let migrations = app.state.sql.migrations();
    tokio::task::spawn_blocking(move || migrations.apply())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(all(&app.state.sql).await, entries);
    assert!(audit::verify(&app.state.sql).await.unwrap().intact());
    // ...and so does the next append, had the migration run elsewhere.
    as_before_the_chain(&app, entries.len()).await;
    let seq = app
        .state
        .sql
        .append_audit(vec![entries[0].event().unwrap()])
        .await
        .unwrap()[0];
    assert_eq!(seq, entries.len() as i64 + 1);
    let report = audit::verify(&app.state.sql).await.unwrap();
    assert!(report.intact(), "{:?}", report.broken);
    assert_eq!(report.entries, seq);
    assert_eq!(all(&app.state.sql).await[..entries.len()], entries[..]);
    // An unhashed row added later is not taken into the chain.
    sql(
        &app,
        &format!(
            "INSERT INTO audit_events (seq, at, event, detail) VALUES ({}, 0, 'forged', 'null')",
            seq + 1
        ),
    )
    .await;
    let failed = app
        .state
        .sql
        .append_audit(vec![entries[0].event().unwrap()])
        .await;
    assert!(failed.is_err(), "{failed:?}");
    assert_eq!(
        broken(&app).await,
        audit::Broken {
            seq: seq + 1,
            problem: Problem::Unchained
        }
    );
}

fn run(config: &Config, args: &[&str]) -> (bool, String, String) {
    let out = idp(config, args);
    (
        out.status.code() == Some(0),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[actix_web::test]
async fn the_cli_tails_and_verifies_the_journal() {
    let mut config = Config::default();
    let _isolation = Isolation::new(&mut config);
    let (state, _) = idp::app::build(Config {
        auto_migrate: true,
        ..config.clone()
    })
    .await
    .unwrap();
    for (event, account) in [
        (events::LOGIN_FAILED, "acc-1"),
        (events::LOGIN_SUCCEEDED, "acc-1"),
        (events::LOGIN_FAILED, "acc-2"),
        (events::LOGOUT, "acc-1"),
    ] {
        let entry = Entry::new(event)
            .account(account)
            .detail(serde_json::json!({"reason": "тест"}));
        state.audit.record(entry, state.now()).await;
    }
    let head = state.sql.audit_head().await.unwrap().unwrap();

    let (ok, out, err) = run(&config, &["audit", "verify"]);
    assert!(ok, "{err}");
    assert_eq!(
        out.trim(),
        format!(
            "audit journal intact: {} entries, head {}",
            head.0,
            &head.1.unwrap()[..12]
        )
    );

    let (ok, out, err) = run(
        &config,
        &["audit", "tail", "--json", "--event", events::LOGIN_FAILED],
    );
    assert!(ok, "{err}");
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert_eq!(lines[0]["account_id"], "acc-2", "newest first");
    assert_eq!(lines[1]["account_id"], "acc-1");
    for line in &lines {
        assert_eq!(line["event"], events::LOGIN_FAILED);
        assert_eq!(line["detail"]["reason"], "тест");
        assert_eq!(line["hash"].as_str().unwrap().len(), 64);
    }
    assert!(lines[0]["seq"].as_i64().unwrap() > lines[1]["seq"].as_i64().unwrap());

    let (ok, out, _) = run(&config, &["audit", "tail", "--account", "acc-1", "-n", "2"]);
    assert!(ok);
    assert_eq!(out.lines().count(), 3, "a header and two entries: {out}");
    assert!(
        out.lines().nth(1).unwrap().contains(events::LOGOUT),
        "{out}"
    );

    state
        .sql
        .execute_raw_sql("UPDATE audit_events SET account_id = 'acc-3' WHERE seq = 2")
        .await
        .unwrap();
    let out = idp(&config, &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("entry 2 was edited"), "{err}");
}
