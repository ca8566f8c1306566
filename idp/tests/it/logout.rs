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

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Whether the browser still has a live session (a silent authorization
/// succeeds).
async fn logged_in(app: &TestApp, browser: &Browser) -> bool {
    let res = browser.get(&app.auth_url(&[("prompt", "none")])).await;
    query(&Browser::location(&res), "code").is_some()
}

#[actix_web::test]
async fn a_hint_for_someone_else_asks_before_ending_the_session() {
    let app = TestApp::spawn().await;
    // An ID token of another person, and one of an earlier session of the
    // same person: neither names this browser's session.
    let theirs = app.tokens(&app.browser(), CONFIRMED, &[]).await;
    let earlier_browser = app.browser();
    let earlier = app.tokens(&earlier_browser, STANDARD, &[]).await;
    let browser = app.browser();
    app.tokens(&browser, STANDARD, &[]).await;
    for hint in [&theirs, &earlier] {
        let hint = hint["id_token"].as_str().unwrap();
        let url = format!(
            "/logout?id_token_hint={hint}&post_logout_redirect_uri={}",
            enc(POST_LOGOUT)
        );
        let page = browser.follow(browser.get(&url).await).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("name=\"confirm\""), "{}", page.body);
        assert!(
            logged_in(&app, &browser).await,
            "the session ended without asking"
        );
    }
}

#[actix_web::test]
async fn an_access_token_is_not_an_id_token_hint() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let tokens = app.tokens(&browser, STANDARD, &[]).await;
    let at = tokens["access_token"].as_str().unwrap();
    let page = browser
        .follow(browser.get(&format!("/logout?id_token_hint={at}")).await)
        .await;
    assert_eq!(page.status, 400, "{}", page.body);
    assert!(logged_in(&app, &browser).await);
    let res = browser
        .get(&app.auth_url(&[("id_token_hint", at), ("prompt", "none")]))
        .await;
    let location = Browser::location(&res);
    assert_eq!(
        query(&location, "error").as_deref(),
        Some("invalid_request"),
        "{location}"
    );
}
