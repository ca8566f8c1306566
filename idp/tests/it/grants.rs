//! Grants and their refresh-token families at the edges: offline access
//! only, a lifetime cap, replays within the grace window, a replayed code
//! racing its first redemption, and the released claims kept across
//! refreshes.

use crate::harness::*;

async fn refresh(app: &TestApp, token: &str) -> reqwest::Response {
    app.token(&[("grant_type", "refresh_token"), ("refresh_token", token)])
        .await
}

async fn refreshed(app: &TestApp, token: &str) -> serde_json::Value {
    let res = refresh(app, token).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

fn rt(tokens: &serde_json::Value) -> &str {
    tokens["refresh_token"].as_str().unwrap()
}

#[actix_web::test]
async fn refresh_tokens_only_for_offline_access() {
    let app = TestApp::spawn().await;
    let online = app.tokens(&app.browser(), STANDARD, &[]).await;
    assert!(online.get("refresh_token").is_none(), "{online}");
    let offline = app.tokens(&app.browser(), STANDARD, &[OFFLINE]).await;
    assert!(offline["refresh_token"].as_str().is_some());
}

#[actix_web::test]
async fn a_grace_replay_gets_the_successor_only_while_it_is_unused() {
    let app = TestApp::spawn().await;
    let first = app.tokens(&app.browser(), STANDARD, &[OFFLINE]).await;
    let second = refreshed(&app, rt(&first)).await;
    // A retry within the window: the same successor.
    let retry = refreshed(&app, rt(&first)).await;
    assert_eq!(rt(&retry), rt(&second));
    // The successor is used; the old token coming back now is a thief
    // catching up, not a retry: the whole grant goes.
    let third = refreshed(&app, rt(&second)).await;
    let (status, error, _) = error_of(refresh(&app, rt(&first)).await).await;
    assert_eq!((status, error.as_str()), (400, "invalid_grant"));
    let (_, error, _) = error_of(refresh(&app, rt(&third)).await).await;
    assert_eq!(error, "invalid_grant", "the live token was revoked too");
    let at = third["access_token"].as_str().unwrap();
    assert_eq!(app.userinfo(at).await.status(), 401);
}

#[actix_web::test]
async fn no_grace_window_when_it_is_zero() {
    let app = TestApp::builder()
        .config(|c| c.refresh_grace_secs = 0)
        .spawn()
        .await;
    let first = app.tokens(&app.browser(), STANDARD, &[OFFLINE]).await;
    let second = refreshed(&app, rt(&first)).await;
    // Same second, no window: a reuse.
    let (_, error, _) = error_of(refresh(&app, rt(&first)).await).await;
    assert_eq!(error, "invalid_grant");
    let (_, error, _) = error_of(refresh(&app, rt(&second)).await).await;
    assert_eq!(error, "invalid_grant", "the family is revoked");
}

#[actix_web::test]
async fn a_grant_ends_at_its_lifetime_cap_however_often_it_rotates() {
    let app = TestApp::builder()
        .config(|c| c.refresh_family_max_secs = 3 * 3600)
        .spawn()
        .await;
    let mut tokens = app.tokens(&app.browser(), STANDARD, &[OFFLINE]).await;
    for _ in 0..2 {
        app.clock.advance(3600);
        tokens = refreshed(&app, rt(&tokens)).await;
    }
    app.clock.advance(3601);
    let (status, error, description) = error_of(refresh(&app, rt(&tokens)).await).await;
    assert_eq!((status, error.as_str()), (400, "invalid_grant"));
    assert!(description.contains("log in again"), "{description}");
}

#[actix_web::test]
async fn a_refresh_releases_what_the_consent_released() {
    let app = TestApp::spawn().await;
    let claims_request = r#"{"id_token":{"birthdate":null},"userinfo":{"snils":null}}"#;
    let first = app
        .tokens(
            &app.browser(),
            STANDARD,
            &[
                ("scope", "openid offline_access"),
                ("claims", claims_request),
            ],
        )
        .await;
    let again = refreshed(&app, rt(&first)).await;
    let id = claims(again["id_token"].as_str().unwrap());
    assert!(id["birthdate"].as_str().is_some(), "{id}");
    let info: serde_json::Value = app
        .userinfo(again["access_token"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert!(info["snils"].as_str().is_some(), "{info}");
    assert!(info.get("family_name").is_none(), "{info}");
}

/// Two redemptions of one code at the same moment: at most one gets tokens,
/// and since the other is a replay, those tokens end up revoked (or the
/// winner is refused too, when the replay revoked its grant first).
#[actix_web::test]
async fn a_code_replayed_during_its_redemption_revokes_the_grant() {
    let app = TestApp::spawn().await;
    for round in 0..8 {
        let code = code(&app, &[OFFLINE]).await;
        let body = exchange(&code);
        let form = form(&body);
        let (one, two) = tokio::join!(app.token(&form), app.token(&form));
        let mut statuses = [one.status().as_u16(), two.status().as_u16()];
        statuses.sort_unstable();
        assert!(
            statuses == [200, 400] || statuses == [400, 400],
            "round {round}: {statuses:?}"
        );
        let winner: serde_json::Value = if one.status() == 200 {
            one.json().await.unwrap()
        } else if two.status() == 200 {
            two.json().await.unwrap()
        } else {
            continue;
        };
        let at = winner["access_token"].as_str().unwrap();
        assert_eq!(app.userinfo(at).await.status(), 401, "round {round}");
        let (_, error, _) = error_of(refresh(&app, rt(&winner)).await).await;
        assert_eq!(error, "invalid_grant", "round {round}");
    }
}
