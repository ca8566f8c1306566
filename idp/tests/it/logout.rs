//! RP-Initiated Logout 1.0.

use crate::harness::*;

#[actix_web::test]
async fn logout_with_hint_ends_the_session_and_redirects_with_state() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let tokens = app.tokens(&browser, STANDARD, &[]).await;
    let hint = tokens["id_token"].as_str().unwrap();
    let url = format!(
        "/logout?id_token_hint={hint}&post_logout_redirect_uri={}&state=bye",
        url::form_urlencoded::byte_serialize(POST_LOGOUT.as_bytes()).collect::<String>()
    );
    let res = browser.get(&url).await;
    assert_eq!(res.status(), 303);
    let location = Browser::location(&res);
    assert_eq!(location.as_str(), "http://127.0.0.1:8090/?state=bye");
    let res = browser.get(&app.auth_url(&[("prompt", "none")])).await;
    assert_eq!(
        query(&Browser::location(&res), "error").as_deref(),
        Some("login_required")
    );
    assert!(
        app.state
            .sql
            .audit_events(50)
            .await
            .unwrap()
            .iter()
            .any(|e| e.event == "logout")
    );
}

#[actix_web::test]
async fn logout_never_redirects_to_an_unregistered_uri() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let tokens = app.tokens(&browser, STANDARD, &[]).await;
    let hint = tokens["id_token"].as_str().unwrap();
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let cases = [
        format!(
            "/logout?id_token_hint={hint}&post_logout_redirect_uri={}",
            enc("https://evil.example/")
        ),
        format!(
            "/logout?id_token_hint={hint}&post_logout_redirect_uri={}",
            enc("http://127.0.0.1:8090/?x=1")
        ),
        format!("/logout?post_logout_redirect_uri={}", enc(POST_LOGOUT)),
        format!(
            "/logout?id_token_hint={}x&post_logout_redirect_uri={}",
            hint,
            enc(POST_LOGOUT)
        ),
        "/logout?id_token_hint=not.a.jwt".to_string(),
        format!("/logout?client_id={OTHER_CLIENT}&id_token_hint={hint}"),
    ];
    for url in cases {
        let res = browser.get(&url).await;
        assert_eq!(res.status(), 400, "{url}");
        assert!(res.headers().get("location").is_none(), "{url}");
        assert!(res.text().await.unwrap().contains("support-code"));
    }
    // The session survived every refused request.
    let res = browser.get(&app.auth_url(&[("prompt", "none")])).await;
    assert!(query(&Browser::location(&res), "code").is_some());
}

#[actix_web::test]
async fn logout_without_hint_asks_for_confirmation() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    app.login(&browser, &app.auth_url(&[]), STANDARD).await;
    let page = browser
        .follow(browser.get(&format!("/logout?client_id={DEMO_CLIENT}&post_logout_redirect_uri={POST_LOGOUT}&state=s1")).await)
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Выйти из учётной записи"));
    // Without the CSRF token the confirmation is refused.
    let res = browser
        .post("/logout", &[("confirm", "yes"), ("client_id", DEMO_CLIENT)])
        .await;
    assert_eq!(res.status(), 403);
    let csrf = page.csrf();
    let res = browser
        .post(
            "/logout",
            &[
                ("csrf", &csrf),
                ("confirm", "yes"),
                ("client_id", DEMO_CLIENT),
                ("post_logout_redirect_uri", POST_LOGOUT),
                ("state", "s1"),
            ],
        )
        .await;
    assert_eq!(
        Browser::location(&res).as_str(),
        "http://127.0.0.1:8090/?state=s1"
    );
    let res = browser.get(&app.auth_url(&[("prompt", "none")])).await;
    assert_eq!(
        query(&Browser::location(&res), "error").as_deref(),
        Some("login_required")
    );
}

#[actix_web::test]
async fn logout_with_no_parameters_confirms_then_shows_a_page() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let page = browser.follow(browser.get("/logout").await).await;
    let res = browser
        .post("/logout", &[("csrf", &page.csrf()), ("confirm", "yes")])
        .await;
    assert_eq!(res.status(), 200);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Вы вышли из учётной записи")
    );
}
