//! The signing-key lifecycle: rules, automatic transitions, revocation,
//! master-key rotation, per-client algorithms and nodes that follow.

use idp::keyring::lifecycle::{self, LifecycleError, Policy};
use keys::{Algorithm, MasterKey};

use crate::harness::*;

fn policy(app: &TestApp) -> Policy {
    Policy::from_config(&app.state.config)
}

async fn key_state(app: &TestApp, kid: &str) -> String {
    app.state
        .sql
        .keys()
        .await
        .unwrap()
        .into_iter()
        .find(|k| k.kid == kid)
        .unwrap()
        .state
}

fn active_kid(app: &TestApp, alg: Algorithm) -> String {
    app.state.keys.signer(alg).unwrap().kid().to_owned()
}

fn published(app: &TestApp, kid: &str) -> bool {
    app.state.keys.jwks().keys.iter().any(|k| k.kid == kid)
}

async fn follow(app: &TestApp) {
    idp::janitor::follow_keys(&app.state).await.unwrap();
}

fn refused(result: Result<Vec<String>, LifecycleError>, needle: &str) {
    match result {
        Err(LifecycleError::Refused(reason)) => assert!(reason.contains(needle), "{reason}"),
        other => panic!("expected a refusal about `{needle}`, got {other:?}"),
    }
}

#[actix_web::test]
async fn routine_rotation_never_signs_with_an_unpublished_key() {
    let app = TestApp::spawn().await;
    let (sql, p) = (&app.state.sql, policy(&app));
    let old = active_kid(&app, Algorithm::RS256);
    let before = app.tokens(&app.browser(), STANDARD, &[]).await;

    let report = lifecycle::rotate(
        sql,
        &app.state.master,
        &p,
        Algorithm::RS256,
        false,
        app.state.now(),
    )
    .await
    .unwrap();
    assert!(
        report
            .iter()
            .any(|l| l.contains("becomes active by itself")),
        "{report:?}"
    );
    follow(&app).await;
    let next = app
        .state
        .sql
        .keys()
        .await
        .unwrap()
        .into_iter()
        .find(|k| k.state == "next")
        .unwrap()
        .kid;
    assert!(published(&app, &next), "published at once");
    assert_eq!(
        app.state.keys.signer(Algorithm::RS256).unwrap().kid(),
        old,
        "not signing yet"
    );
    // A second rotation while one is under way is refused.
    refused(
        lifecycle::rotate(
            sql,
            &app.state.master,
            &p,
            Algorithm::RS256,
            false,
            app.state.now(),
        )
        .await,
        "already under way",
    );

    // Before the JWKS cache lifetime nothing happens; after it, by itself.
    app.clock.advance(p.publish_secs - 1);
    follow(&app).await;
    assert_eq!(key_state(&app, &next).await, "next");
    app.clock.advance(1);
    follow(&app).await;
    assert_eq!(key_state(&app, &next).await, "active");
    assert_eq!(key_state(&app, &old).await, "retiring");
    assert_eq!(app.state.keys.signer(Algorithm::RS256).unwrap().kid(), next);
    let after = app.tokens(&app.browser(), STANDARD, &[]).await;
    assert_eq!(
        app.state
            .keys
            .verify(after["id_token"].as_str().unwrap())
            .unwrap()
            .kid,
        next
    );

    // Tokens signed before still verify while the old key is retiring.
    assert!(published(&app, &old));
    assert_eq!(
        app.state
            .keys
            .verify(before["id_token"].as_str().unwrap())
            .unwrap()
            .kid,
        old
    );
    // Retiring it early is refused while its tokens may live.
    refused(
        lifecycle::retire(sql, &p, &old, false, app.state.now()).await,
        "may be valid until",
    );
    // Once they have expired it leaves the JWKS by itself.
    app.clock.advance(p.token_secs);
    follow(&app).await;
    assert_eq!(key_state(&app, &old).await, "retired");
    assert!(!published(&app, &old));
    let events = app.state.sql.audit_events(100).await.unwrap();
    assert!(events.iter().any(|e| e.event == "key.scheduled"));
}

#[actix_web::test]
async fn activation_waits_for_the_jwks_cache_unless_forced() {
    let app = TestApp::spawn().await;
    let (sql, p) = (&app.state.sql, policy(&app));
    let key = lifecycle::generate_next(
        sql,
        &app.state.master,
        &p,
        Algorithm::ES256,
        None,
        app.state.now(),
    )
    .await
    .unwrap();
    refused(
        lifecycle::activate(sql, &p, &key.kid, false, app.state.now()).await,
        "published for only",
    );
    // A generated key without a schedule waits for the admin.
    app.clock.advance(p.publish_secs);
    follow(&app).await;
    assert_eq!(key_state(&app, &key.kid).await, "next");
    lifecycle::activate(sql, &p, &key.kid, false, app.state.now())
        .await
        .unwrap();
    assert_eq!(key_state(&app, &key.kid).await, "active");
    // Exactly one active key per algorithm.
    let active = sql
        .keys()
        .await
        .unwrap()
        .into_iter()
        .filter(|k| k.alg == "ES256" && k.state == "active")
        .count();
    assert_eq!(active, 1);
    // Activating an active key is refused by the state machine.
    refused(
        lifecycle::activate(sql, &p, &key.kid, true, app.state.now()).await,
        "cannot",
    );
    let missing = lifecycle::activate(sql, &p, "no-such-kid", true, app.state.now()).await;
    assert!(matches!(missing, Err(LifecycleError::NotFound(_))));
}

#[actix_web::test]
async fn unsafe_retirements_are_refused_with_the_reason() {
    let app = TestApp::spawn().await;
    let (sql, p) = (&app.state.sql, policy(&app));
    let rsa = active_kid(&app, Algorithm::RS256);
    refused(
        lifecycle::retire(sql, &p, &rsa, true, app.state.now()).await,
        "RS256 must always sign",
    );
    let ec = active_kid(&app, Algorithm::ES256);
    refused(
        lifecycle::retire(sql, &p, &ec, false, app.state.now()).await,
        "only active ES256 key",
    );
    lifecycle::retire(sql, &p, &ec, true, app.state.now())
        .await
        .unwrap();
    assert_eq!(key_state(&app, &ec).await, "retiring");
    lifecycle::retire(sql, &p, &ec, true, app.state.now())
        .await
        .unwrap();
    assert_eq!(key_state(&app, &ec).await, "retired");
    refused(
        lifecycle::retire(sql, &p, &ec, true, app.state.now()).await,
        "only an active or retiring key",
    );
}

#[actix_web::test]
async fn revocation_removes_the_key_and_refuses_its_tokens() {
    let app = TestApp::spawn().await;
    let (sql, p) = (&app.state.sql, policy(&app));
    let tokens = app.tokens(&app.browser(), STANDARD, &[]).await;
    let at = tokens["access_token"].as_str().unwrap();
    let old = active_kid(&app, Algorithm::RS256);
    assert_eq!(app.userinfo(at).await.status(), 200);

    let report = lifecycle::revoke(sql, &app.state.master, &p, &old, app.state.now())
        .await
        .unwrap();
    assert!(
        report.iter().any(|l| l.contains("now active")),
        "a replacement signs at once: {report:?}"
    );
    follow(&app).await;
    assert!(!published(&app, &old));
    assert!(
        !app.state.keys.jwks().keys.is_empty(),
        "the JWKS is never empty"
    );
    assert_ne!(app.state.keys.signer(Algorithm::RS256).unwrap().kid(), old);
    assert_eq!(app.userinfo(at).await.status(), 401);
    let res = app
        .back_channel(
            "/introspect",
            Some((DEMO_CLIENT, DEMO_SECRET)),
            &[("token", at)],
        )
        .await;
    assert_eq!(
        res.json::<serde_json::Value>().await.unwrap()["active"],
        false
    );
    // New logins work with the replacement.
    let fresh = app.tokens(&app.browser(), STANDARD, &[]).await;
    assert_eq!(
        app.userinfo(fresh["access_token"].as_str().unwrap())
            .await
            .status(),
        200
    );
    refused(
        lifecycle::revoke(sql, &app.state.master, &p, &old, app.state.now()).await,
        "cannot",
    );
}

#[actix_web::test]
async fn revoking_an_active_key_prefers_the_published_next_key() {
    let app = TestApp::spawn().await;
    let (sql, p) = (&app.state.sql, policy(&app));
    lifecycle::rotate(
        sql,
        &app.state.master,
        &p,
        Algorithm::EdDSA,
        false,
        app.state.now(),
    )
    .await
    .unwrap();
    let next = sql
        .keys()
        .await
        .unwrap()
        .into_iter()
        .find(|k| k.state == "next")
        .unwrap()
        .kid;
    let active = active_kid(&app, Algorithm::EdDSA);
    lifecycle::revoke(sql, &app.state.master, &p, &active, app.state.now())
        .await
        .unwrap();
    assert_eq!(key_state(&app, &next).await, "active");
}

#[actix_web::test]
async fn rewrap_moves_every_key_to_the_new_master_key() {
    let app = TestApp::spawn().await;
    let new = MasterKey::generate();
    idp::cli::keys::rewrap(&app.state.sql, &app.state.master, &new)
        .await
        .unwrap();
    let ring = idp::keyring::KeyRing::default();
    assert!(
        ring.reload(&app.state.sql, &app.state.master)
            .await
            .is_err(),
        "the old master key no longer opens them"
    );
    ring.reload(&app.state.sql, &new).await.unwrap();
    assert_eq!(
        ring.signer(Algorithm::RS256).unwrap().kid(),
        app.state.keys.signer(Algorithm::RS256).unwrap().kid()
    );
    // Authenticator-app secrets move with them (the demo's twofactor@).
    let account = app
        .state
        .sql
        .account_by_login("twofactor@demo.vhod")
        .await
        .unwrap()
        .unwrap();
    let sealed = app
        .state
        .sql
        .second_factor(&account.id)
        .await
        .unwrap()
        .unwrap();
    let sealed = sealed.sealed_secret.unwrap();
    use idp::credentials::totp;
    assert!(totp::open(&app.state.master, &account.id, &sealed).is_none());
    assert!(totp::open(&new, &account.id, &sealed).is_some());
    assert!(
        idp::cli::keys::rewrap(&app.state.sql, &app.state.master, &new)
            .await
            .is_err(),
        "wrong old key"
    );
}

#[actix_web::test]
async fn clients_choose_their_id_token_algorithm() {
    let app = TestApp::spawn().await;
    for alg in ["PS256", "ES256", "EdDSA"] {
        let id = format!("portal-{}", alg.to_lowercase());
        let mut client = app.new_client(&id);
        client.id_token_alg = alg.into();
        client.skip_consent = true;
        app.client(client).await;
        let secret = format!("{id}-secret-0123456789");
        let id_token = crate::e2e::openidconnect_flow(&app.url, &id, &secret, STANDARD).await;
        let header = id_token.split('.').next().unwrap();
        let header: serde_json::Value = {
            use base64::Engine;
            serde_json::from_slice(
                &base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(header)
                    .unwrap(),
            )
            .unwrap()
        };
        assert_eq!(header["alg"], alg);
    }
    let mut bad = app.new_client("portal-hs");
    bad.id_token_alg = "HS256".into();
    assert!(
        app.state
            .clients
            .register(bad, app.state.now())
            .await
            .is_err()
    );
}

/// Two nodes on one database: a node that activates a `next` key signs with
/// it at once; the other node, which still knows that key as `next`, must
/// accept its tokens before its next poll.
#[actix_web::test]
async fn a_key_activated_on_one_node_verifies_on_another_before_it_polls() {
    let a = TestApp::spawn().await;
    let b = TestApp::builder().sharing(&a).spawn().await;
    let p = policy(&a);
    let key = lifecycle::generate_next(
        &a.state.sql,
        &a.state.master,
        &p,
        Algorithm::RS256,
        None,
        a.state.now(),
    )
    .await
    .unwrap();
    follow(&a).await;
    follow(&b).await;
    assert!(published(&b, &key.kid), "B publishes the next key");
    lifecycle::activate(&a.state.sql, &p, &key.kid, true, a.state.now())
        .await
        .unwrap();
    follow(&a).await;
    assert_eq!(active_kid(&a, Algorithm::RS256), key.kid);
    assert_ne!(
        active_kid(&b, Algorithm::RS256),
        key.kid,
        "B has not polled"
    );
    let tokens = a.tokens(&a.browser(), STANDARD, &[]).await;
    let at = tokens["access_token"].as_str().unwrap();
    assert_eq!(b.userinfo(at).await.status(), 200, "B refused A's token");
    let introspected = b.introspect(at).await;
    assert_eq!(introspected["active"], true);
}
