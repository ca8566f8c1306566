use crate::harness::*;

#[actix_web::test]
async fn userinfo_by_header_and_by_body() {
    let app = TestApp::spawn().await;
    let tokens = app
        .tokens(
            &app.browser(),
            STANDARD,
            &[("scope", "openid profile email phone snils")],
        )
        .await;
    let at = tokens["access_token"].as_str().unwrap();
    let res = app.userinfo(at).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let info: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        info["sub"],
        claims(tokens["id_token"].as_str().unwrap())["sub"]
    );
    assert_eq!(info["account_level"], "standard");
    assert_eq!(info["family_name"], "Стандартова");
    assert_eq!(info["email"], STANDARD);
    assert_eq!(info["email_verified"], true);
    assert!(info["phone_number"].as_str().is_some());
    assert!(info["snils"].as_str().is_some());
    assert!(info.get("inn").is_none(), "inn scope not granted");
    let res = reqwest::Client::new()
        .post(format!("{}/userinfo", app.url))
        .form(&[("access_token", at)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = reqwest::Client::new()
        .post(format!("{}/userinfo", app.url))
        .bearer_auth(at)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

#[actix_web::test]
async fn userinfo_errors_carry_bearer_challenges() {
    let app = TestApp::spawn().await;
    let res = reqwest::get(format!("{}/userinfo", app.url)).await.unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(res.headers()["www-authenticate"], "Bearer realm=\"vhod\"");
    let res = app.userinfo("not-a-token").await;
    assert_eq!(res.status(), 401);
    assert!(
        res.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("error=\"invalid_token\"")
    );
    let res = reqwest::Client::new()
        .get(format!("{}/userinfo", app.url))
        .header("authorization", "Basic abc")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
}

#[actix_web::test]
async fn revoked_and_expired_tokens_fail_at_userinfo() {
    let app = TestApp::spawn().await;
    let tokens = app.tokens(&app.browser(), STANDARD, &[]).await;
    let at = tokens["access_token"].as_str().unwrap();
    let res = app
        .back_channel(
            "/revoke",
            Some((DEMO_CLIENT, DEMO_SECRET)),
            &[("token", at)],
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app.userinfo(at).await;
    assert_eq!(res.status(), 401);
    assert!(
        res.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("invalid_token")
    );
    let fresh = app.tokens(&app.browser(), STANDARD, &[]).await;
    app.clock.advance(601);
    assert_eq!(
        app.userinfo(fresh["access_token"].as_str().unwrap())
            .await
            .status(),
        401
    );
}

#[actix_web::test]
async fn client_credentials_tokens_have_no_userinfo() {
    let app = TestApp::spawn().await;
    let body: serde_json::Value = app
        .token(&[("grant_type", "client_credentials")])
        .await
        .json()
        .await
        .unwrap();
    let res = app.userinfo(body["access_token"].as_str().unwrap()).await;
    assert_eq!(res.status(), 403);
    assert!(
        res.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("insufficient_scope")
    );
}

#[actix_web::test]
async fn claims_requested_for_userinfo_are_released() {
    let app = TestApp::spawn().await;
    let request = r#"{"userinfo":{"name":{"essential":true},"inn":null}}"#;
    let tokens = app
        .tokens(
            &app.browser(),
            STANDARD,
            &[("scope", "openid"), ("claims", request)],
        )
        .await;
    let info: serde_json::Value = app
        .userinfo(tokens["access_token"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(info["name"], "Анна Ивановна Стандартова");
    assert!(info["inn"].as_str().is_some());
    assert!(info.get("email").is_none());
}

#[actix_web::test]
async fn address_scope_releases_the_formatted_address() {
    let app = TestApp::spawn().await;
    let tokens = app
        .tokens(&app.browser(), STANDARD, &[("scope", "openid address")])
        .await;
    let info: serde_json::Value = app
        .userinfo(tokens["access_token"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert!(
        info["address"]["formatted"]
            .as_str()
            .unwrap()
            .contains("Москва"),
        "{info}"
    );
    assert_eq!(info["address"]["country"], "RU");
    // A simplified account has no address: nothing is released.
    let tokens = app
        .tokens(&app.browser(), SIMPLE, &[("scope", "openid address")])
        .await;
    let info: serde_json::Value = app
        .userinfo(tokens["access_token"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert!(info.get("address").is_none(), "{info}");
}
