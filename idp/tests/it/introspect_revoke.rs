//! RFC 7662 introspection and RFC 7009 revocation.

use crate::harness::*;

async fn introspect(app: &TestApp, who: (&str, &str), token: &str) -> serde_json::Value {
    let res = app
        .back_channel("/introspect", Some(who), &[("token", token)])
        .await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

#[actix_web::test]
async fn introspection_reports_live_tokens_to_their_client_only() {
    let app = TestApp::spawn().await;
    let tokens = app.tokens(&app.browser(), STANDARD, &[OFFLINE]).await;
    let at = tokens["access_token"].as_str().unwrap();
    let rt = tokens["refresh_token"].as_str().unwrap();
    let me = (DEMO_CLIENT, DEMO_SECRET);
    let info = introspect(&app, me, at).await;
    assert_eq!(info["active"], true);
    assert_eq!(info["client_id"], DEMO_CLIENT);
    assert_eq!(info["account_level"], "standard");
    assert_eq!(info["token_type"], "Bearer");
    let info = introspect(&app, me, rt).await;
    assert_eq!(info["active"], true);
    assert_eq!(info["token_type"], "refresh_token");
    let other = introspect(&app, (OTHER_CLIENT, OTHER_SECRET), at).await;
    assert_eq!(other, serde_json::json!({"active": false}));
    assert_eq!(
        introspect(&app, me, "garbage").await,
        serde_json::json!({"active": false})
    );
    // Unauthenticated callers are refused.
    let res = app
        .back_channel("/introspect", None, &[("token", at)])
        .await;
    assert_eq!(res.status(), 401);
    let res = app
        .back_channel(
            "/introspect",
            None,
            &[("token", at), ("client_id", PUBLIC_CLIENT)],
        )
        .await;
    assert_eq!(res.status(), 401);
}

#[actix_web::test]
async fn revoking_a_refresh_token_revokes_its_grant() {
    let app = TestApp::spawn().await;
    let tokens = app.tokens(&app.browser(), STANDARD, &[OFFLINE]).await;
    let at = tokens["access_token"].as_str().unwrap();
    let rt = tokens["refresh_token"].as_str().unwrap();
    let me = (DEMO_CLIENT, DEMO_SECRET);
    let res = app
        .back_channel(
            "/revoke",
            Some(me),
            &[("token", rt), ("token_type_hint", "refresh_token")],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(introspect(&app, me, rt).await["active"], false);
    assert_eq!(introspect(&app, me, at).await["active"], false);
    assert_eq!(app.userinfo(at).await.status(), 401);
    let res = app
        .token(&[("grant_type", "refresh_token"), ("refresh_token", rt)])
        .await;
    assert_eq!(res.status(), 400);
}

#[actix_web::test]
async fn revocation_by_another_client_or_of_unknown_tokens_changes_nothing() {
    let app = TestApp::spawn().await;
    let tokens = app.tokens(&app.browser(), STANDARD, &[OFFLINE]).await;
    let at = tokens["access_token"].as_str().unwrap();
    let res = app
        .back_channel(
            "/revoke",
            Some((OTHER_CLIENT, OTHER_SECRET)),
            &[("token", at)],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(app.userinfo(at).await.status(), 200, "still valid");
    let res = app
        .back_channel(
            "/revoke",
            Some((DEMO_CLIENT, DEMO_SECRET)),
            &[("token", "unknown")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .back_channel(
            "/revoke",
            Some((DEMO_CLIENT, DEMO_SECRET)),
            &[("token", at), ("token_type_hint", "id_token")],
        )
        .await;
    assert_eq!(res.status(), 400);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"], "unsupported_token_type");
    let res = app
        .back_channel("/revoke", Some((DEMO_CLIENT, "wrong")), &[("token", at)])
        .await;
    assert_eq!(res.status(), 401);
}
