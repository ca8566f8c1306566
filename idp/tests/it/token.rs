//! The token endpoint: every grant and its error cases.

use crate::harness::*;

#[actix_web::test]
async fn code_exchange_issues_signed_id_and_access_tokens() {
    let app = TestApp::spawn().await;
    let tokens = app.tokens(&app.browser(), STANDARD, &[OFFLINE]).await;
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 600);
    assert!(tokens["refresh_token"].as_str().unwrap().len() >= 43);
    let id_token = tokens["id_token"].as_str().unwrap();
    let verified = app
        .state
        .keys
        .verify(id_token)
        .expect("signed by the published key");
    let rs256 = app.state.keys.signer(keys::Algorithm::RS256).unwrap();
    assert_eq!(verified.kid, rs256.kid());
    let c = claims(id_token);
    assert_eq!(c["iss"], app.url);
    assert_eq!(c["aud"], DEMO_CLIENT);
    assert_eq!(c["nonce"], "n-456");
    assert_eq!(c["acr"], "urn:vhod:aal1");
    assert_eq!(c["amr"], serde_json::json!(["pwd"]));
    assert_eq!(c["account_level"], "standard");
    assert!(c["sid"].as_str().is_some());
    assert!(c["exp"].as_i64().unwrap() > c["iat"].as_i64().unwrap());
    // Tokens stay small: profile data comes from userinfo, not the ID token.
    assert!(
        id_token.len() < 1200,
        "ID token of {} bytes",
        id_token.len()
    );
    let at = tokens["access_token"].as_str().unwrap();
    assert_eq!(
        c["at_hash"],
        idp::oidc::tokens::at_hash(keys::Algorithm::RS256, at)
    );
    let header: serde_json::Value = {
        use base64::Engine;
        let h = at.split('.').next().unwrap();
        serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(h)
                .unwrap(),
        )
        .unwrap()
    };
    assert_eq!(header["typ"], "at+jwt");
    assert_eq!(header["alg"], "RS256");
    let a = claims(at);
    assert_eq!(a["client_id"], DEMO_CLIENT);
    assert_eq!(a["account_level"], "standard");
    assert_eq!(a["scope"], "email offline_access openid profile");
    assert!(a["jti"].as_str().is_some());
}

#[actix_web::test]
async fn reused_code_fails_and_revokes_what_the_first_use_issued() {
    let app = TestApp::spawn().await;
    let code = code(&app, &[OFFLINE]).await;
    let first = app.token(&form(&exchange(&code))).await;
    assert_eq!(first.status(), 200);
    let first: serde_json::Value = first.json().await.unwrap();
    let at = first["access_token"].as_str().unwrap();
    assert_eq!(app.userinfo(at).await.status(), 200);
    let (status, error, description) = error_of(app.token(&form(&exchange(&code))).await).await;
    assert_eq!((status, error.as_str()), (400, "invalid_grant"));
    assert!(description.contains("already used"), "{description}");
    assert_eq!(
        app.userinfo(at).await.status(),
        401,
        "access token of the first use revoked"
    );
    let refresh = first["refresh_token"].as_str().unwrap();
    let (_, error, _) = error_of(
        app.token(&[("grant_type", "refresh_token"), ("refresh_token", refresh)])
            .await,
    )
    .await;
    assert_eq!(
        error, "invalid_grant",
        "refresh token of the first use revoked"
    );
    let events = app.state.sql.audit_events(50).await.unwrap();
    assert!(events.iter().any(|e| e.event == "code.reused"));
}

#[actix_web::test]
async fn expired_code_is_refused() {
    let app = TestApp::spawn().await;
    let code = code(&app, &[]).await;
    app.clock.advance(61);
    let (status, error, description) = error_of(app.token(&form(&exchange(&code))).await).await;
    assert_eq!((status, error.as_str()), (400, "invalid_grant"));
    assert!(description.contains("expired"), "{description}");
}

#[actix_web::test]
async fn unknown_code_is_invalid_grant() {
    let app = TestApp::spawn().await;
    let (_, error, _) = error_of(app.token(&form(&exchange("not-a-code"))).await).await;
    assert_eq!(error, "invalid_grant");
}

#[actix_web::test]
async fn client_authentication_failures_are_invalid_client() {
    let app = TestApp::spawn().await;
    let code = code(&app, &[]).await;
    let res = app
        .back_channel(
            "/token",
            Some((DEMO_CLIENT, "wrong-secret")),
            &form(&exchange(&code)),
        )
        .await;
    assert_eq!(res.headers()["www-authenticate"], "Basic realm=\"vhod\"");
    let (status, error, _) = error_of(res).await;
    assert_eq!((status, error.as_str()), (401, "invalid_client"));
    let res = app
        .back_channel("/token", Some(("nobody", "x")), &form(&exchange(&code)))
        .await;
    assert_eq!(error_of(res).await.1, "invalid_client");
    // A confidential client cannot pass as public.
    let ex = exchange(&code);
    let mut f = form(&ex);
    f.push(("client_id", DEMO_CLIENT));
    assert_eq!(
        error_of(app.back_channel("/token", None, &f).await).await.1,
        "invalid_client"
    );
    // Two methods at once are refused.
    let ex = exchange(&code);
    let mut f = form(&ex);
    f.push(("client_secret", DEMO_SECRET));
    let res = app
        .back_channel("/token", Some((DEMO_CLIENT, DEMO_SECRET)), &f)
        .await;
    assert_eq!(error_of(res).await.1, "invalid_request");
}

#[actix_web::test]
async fn client_secret_post_works() {
    let app = TestApp::spawn().await;
    let code = code(&app, &[]).await;
    let ex = exchange(&code);
    let mut f = form(&ex);
    f.extend([("client_id", DEMO_CLIENT), ("client_secret", DEMO_SECRET)]);
    let res = app.back_channel("/token", None, &f).await;
    assert_eq!(res.status(), 200);
}

#[actix_web::test]
async fn code_of_another_client_is_refused() {
    let app = TestApp::spawn().await;
    let code = code(&app, &[]).await;
    let res = app
        .back_channel(
            "/token",
            Some((OTHER_CLIENT, OTHER_SECRET)),
            &form(&exchange(&code)),
        )
        .await;
    let (_, error, description) = error_of(res).await;
    assert_eq!(error, "invalid_grant");
    assert!(description.contains("another client"));
}

#[actix_web::test]
async fn redirect_uri_must_match_the_authorization_request() {
    let app = TestApp::spawn().await;
    let code = code(&app, &[]).await;
    let mut f = exchange(&code);
    f[2].1 = "http://127.0.0.1:8090/other".into();
    let (_, error, description) = error_of(app.token(&form(&f)).await).await;
    assert_eq!(error, "invalid_grant");
    assert!(description.contains("redirect_uri"));
}

/// RFC 6749 §4.1.3: the client is checked before the code is spent. A code
/// presented by another client, or with another `redirect_uri`, stays
/// good for its own client, and no false `code.reused` reaches the journal;
/// another client presenting a redeemed code revokes nothing either.
#[actix_web::test]
async fn a_code_presented_wrongly_is_not_spent() {
    let app = TestApp::spawn().await;
    let code = code(&app, &[OFFLINE]).await;
    let res = app
        .back_channel(
            "/token",
            Some((OTHER_CLIENT, OTHER_SECRET)),
            &form(&exchange(&code)),
        )
        .await;
    let (_, error, description) = error_of(res).await;
    assert_eq!(error, "invalid_grant");
    assert!(description.contains("another client"), "{description}");
    let mut elsewhere = exchange(&code);
    elsewhere[2].1 = "http://127.0.0.1:8090/other".into();
    let (_, error, description) = error_of(app.token(&form(&elsewhere)).await).await;
    assert_eq!(error, "invalid_grant");
    assert!(description.contains("redirect_uri"), "{description}");

    let res = app.token(&form(&exchange(&code))).await;
    assert_eq!(res.status(), 200, "the code is still good for its client");
    let tokens: serde_json::Value = res.json().await.unwrap();
    let res = app
        .back_channel(
            "/token",
            Some((OTHER_CLIENT, OTHER_SECRET)),
            &form(&exchange(&code)),
        )
        .await;
    assert_eq!(error_of(res).await.1, "invalid_grant");
    let at = tokens["access_token"].as_str().unwrap();
    assert_eq!(app.userinfo(at).await.status(), 200, "nothing revoked");
    let events = app.state.sql.audit_events(50).await.unwrap();
    assert!(
        !events.iter().any(|e| e.event == "code.reused"),
        "no replay happened"
    );
}

/// Presentations by another client racing the right one change nothing:
/// the right client redeems the code once, and its tokens stay good.
#[actix_web::test]
async fn another_client_racing_the_right_one_spends_nothing() {
    let app = TestApp::spawn().await;
    for round in 0..4 {
        let code = code(&app, &[]).await;
        let body = exchange(&code);
        let form = form(&body);
        let other = || app.back_channel("/token", Some((OTHER_CLIENT, OTHER_SECRET)), &form);
        let (a, b, right, c, d) =
            tokio::join!(other(), other(), app.token(&form), other(), other());
        for res in [a, b, c, d] {
            assert_eq!(error_of(res).await.1, "invalid_grant", "round {round}");
        }
        assert_eq!(right.status(), 200, "round {round}");
        let tokens: serde_json::Value = right.json().await.unwrap();
        let at = tokens["access_token"].as_str().unwrap();
        assert_eq!(app.userinfo(at).await.status(), 200, "round {round}");
    }
    let events = app.state.sql.audit_events(100).await.unwrap();
    assert!(!events.iter().any(|e| e.event == "code.reused"));
}

#[actix_web::test]
async fn pkce_is_checked() {
    let app = TestApp::spawn().await;
    // Missing verifier.
    let code1 = code(&app, &[]).await;
    let mut f = exchange(&code1);
    f.pop();
    let (_, error, description) = error_of(app.token(&form(&f)).await).await;
    assert_eq!(error, "invalid_grant");
    assert!(description.contains("code_verifier is missing"));
    // Wrong verifier.
    let code2 = code(&app, &[]).await;
    let mut f = exchange(&code2);
    f[3].1 = "a".repeat(43);
    let (_, error, description) = error_of(app.token(&form(&f)).await).await;
    assert_eq!(error, "invalid_grant");
    assert!(description.contains("does not match"));
    // A verifier although no challenge was sent (downgrade).
    let code3 = code(
        &app,
        &[("code_challenge", ""), ("code_challenge_method", "")],
    )
    .await;
    let (_, error, _) = error_of(app.token(&form(&exchange(&code3))).await).await;
    assert_eq!(error, "invalid_grant");
    // A confidential client may omit PKCE altogether.
    let code4 = code(
        &app,
        &[("code_challenge", ""), ("code_challenge_method", "")],
    )
    .await;
    let mut f = exchange(&code4);
    f.pop();
    assert_eq!(app.token(&form(&f)).await.status(), 200);
}

#[actix_web::test]
async fn public_client_uses_pkce_without_a_secret() {
    let app = TestApp::spawn().await;
    let callback = app
        .login(
            &app.browser(),
            &app.auth_url_for(PUBLIC_CLIENT, &[]),
            STANDARD,
        )
        .await;
    let code = query(&callback, "code").unwrap();
    let ex = exchange(&code);
    let mut f = form(&ex);
    f.push(("client_id", PUBLIC_CLIENT));
    let res = app.back_channel("/token", None, &f).await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        claims(body["id_token"].as_str().unwrap())["aud"],
        PUBLIC_CLIENT
    );
}

#[actix_web::test]
async fn refresh_tokens_rotate_and_reuse_revokes_the_family() {
    let app = TestApp::spawn().await;
    let tokens = app.tokens(&app.browser(), STANDARD, &[OFFLINE]).await;
    let r1 = tokens["refresh_token"].as_str().unwrap().to_owned();
    let app = &app;
    let refresh = |token: String| async move {
        app.token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", token.as_str()),
        ])
        .await
    };
    let res = refresh(r1.clone()).await;
    assert_eq!(res.status(), 200);
    let second: serde_json::Value = res.json().await.unwrap();
    let r2 = second["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(r1, r2, "rotated");
    let id = claims(second["id_token"].as_str().unwrap());
    assert_eq!(id["account_level"], "standard");
    assert_eq!(
        id["auth_time"],
        claims(tokens["id_token"].as_str().unwrap())["auth_time"]
    );
    // The same request repeated within the grace window: the same new token.
    let again: serde_json::Value = refresh(r1.clone()).await.json().await.unwrap();
    assert_eq!(again["refresh_token"], r2.as_str());
    // After the window, reuse of r1 revokes the whole family, r2 included.
    app.clock.advance(11);
    let res = refresh(r1.clone()).await;
    let (_, error, description) = error_of(res).await;
    assert_eq!(error, "invalid_grant");
    assert!(description.contains("already used"), "{description}");
    let (_, error, _) = error_of(refresh(r2.clone()).await).await;
    assert_eq!(error, "invalid_grant");
    assert_eq!(
        app.userinfo(second["access_token"].as_str().unwrap())
            .await
            .status(),
        401
    );
    let events = app.state.sql.audit_events(50).await.unwrap();
    assert!(events.iter().any(|e| e.event == "refresh.reused"));
}

#[actix_web::test]
async fn refresh_reuse_revokes_only_that_family() {
    let app = TestApp::spawn().await;
    let a = app.tokens(&app.browser(), STANDARD, &[OFFLINE]).await;
    let b = app.tokens(&app.browser(), STANDARD, &[OFFLINE]).await;
    let ra = a["refresh_token"].as_str().unwrap();
    assert_eq!(
        app.token(&[("grant_type", "refresh_token"), ("refresh_token", ra)])
            .await
            .status(),
        200
    );
    app.clock.advance(30);
    assert_eq!(
        app.token(&[("grant_type", "refresh_token"), ("refresh_token", ra)])
            .await
            .status(),
        400
    );
    let rb = b["refresh_token"].as_str().unwrap();
    assert_eq!(
        app.token(&[("grant_type", "refresh_token"), ("refresh_token", rb)])
            .await
            .status(),
        200
    );
}

#[actix_web::test]
async fn concurrent_refreshes_get_the_same_successor() {
    use std::sync::atomic::Ordering;
    let app = TestApp::spawn().await;
    let mut tokens = app.tokens(&app.browser(), STANDARD, &[OFFLINE]).await;
    // Rounds of simultaneous refreshes of one token, until some of them
    // read it before another rotated it (the lost-rotation branch).
    for round in 0..20 {
        let r = tokens["refresh_token"].as_str().unwrap().to_owned();
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", r.as_str()),
        ];
        let send = || app.token(&form);
        let (a, b, c, d, e, f) = tokio::join!(send(), send(), send(), send(), send(), send());
        let mut successors = Vec::new();
        for res in [a, b, c, d, e, f] {
            assert_eq!(res.status(), 200, "round {round}");
            let body: serde_json::Value = res.json().await.unwrap();
            successors.push(body["refresh_token"].as_str().unwrap().to_owned());
            tokens = body;
        }
        successors.dedup();
        assert_eq!(successors.len(), 1, "round {round}: {successors:?}");
        if app.state.stats.refresh_races.load(Ordering::Relaxed) > 0 {
            return;
        }
    }
    panic!("no refresh ever lost the rotation race: the test did not exercise it");
}

#[actix_web::test]
async fn refresh_scope_may_only_narrow() {
    let app = TestApp::spawn().await;
    let tokens = app.tokens(&app.browser(), STANDARD, &[OFFLINE]).await;
    let r = tokens["refresh_token"].as_str().unwrap();
    let (_, error, _) = error_of(
        app.token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", r),
            ("scope", "openid phone"),
        ])
        .await,
    )
    .await;
    assert_eq!(error, "invalid_scope");
    let res = app
        .token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", r),
            ("scope", "openid"),
        ])
        .await;
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["scope"], "openid");
}

#[actix_web::test]
async fn refresh_token_of_another_client_or_expired_is_refused() {
    let app = TestApp::spawn().await;
    let tokens = app.tokens(&app.browser(), STANDARD, &[OFFLINE]).await;
    let r = tokens["refresh_token"].as_str().unwrap();
    let res = app
        .back_channel(
            "/token",
            Some((OTHER_CLIENT, OTHER_SECRET)),
            &[("grant_type", "refresh_token"), ("refresh_token", r)],
        )
        .await;
    assert_eq!(error_of(res).await.1, "invalid_grant");
    app.clock.advance(31 * 24 * 3600);
    let (_, error, description) = error_of(
        app.token(&[("grant_type", "refresh_token"), ("refresh_token", r)])
            .await,
    )
    .await;
    assert_eq!(error, "invalid_grant");
    assert!(description.contains("expired"));
}

#[actix_web::test]
async fn client_credentials_issues_a_token_for_the_client() {
    let app = TestApp::spawn().await;
    let res = app.token(&[("grant_type", "client_credentials")]).await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert!(body.get("id_token").is_none());
    assert!(body.get("refresh_token").is_none());
    let at = claims(body["access_token"].as_str().unwrap());
    assert_eq!(at["sub"], DEMO_CLIENT);
    assert!(at.get("account_level").is_none());
    let (_, error, _) = error_of(
        app.token(&[("grant_type", "client_credentials"), ("scope", "openid")])
            .await,
    )
    .await;
    assert_eq!(error, "invalid_scope");
    let res = app
        .back_channel(
            "/token",
            None,
            &[
                ("grant_type", "client_credentials"),
                ("client_id", PUBLIC_CLIENT),
            ],
        )
        .await;
    assert_eq!(error_of(res).await.1, "unauthorized_client");
}

#[actix_web::test]
async fn unknown_or_missing_grant_type() {
    let app = TestApp::spawn().await;
    assert_eq!(
        error_of(app.token(&[("grant_type", "password")]).await)
            .await
            .1,
        "unsupported_grant_type"
    );
    assert_eq!(error_of(app.token(&[]).await).await.1, "invalid_request");
    for path in ["/token", "/introspect", "/revoke"] {
        let res = reqwest::get(format!("{}{path}", app.url)).await.unwrap();
        assert_eq!(res.status(), 405, "GET {path}");
        assert_eq!(res.headers()["allow"], "POST");
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["error"], "invalid_request");
    }
}
