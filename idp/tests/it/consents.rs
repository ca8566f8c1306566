//! The person's consents page: visible and revocable.

use crate::harness::*;

#[actix_web::test]
async fn consents_are_listed_and_can_be_withdrawn() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let tokens = app.tokens(&browser, STANDARD, &[OFFLINE]).await;
    let page = browser.follow(browser.get("/account/consents").await).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Медицинский кабинет (демо)"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Адрес электронной почты"));
    let csrf = page.csrf();
    // CSRF is required.
    let res = browser
        .post("/account/consents", &[("client_id", DEMO_CLIENT)])
        .await;
    assert_eq!(res.status(), 403);
    // «Отозвать» asks first; nothing is withdrawn yet.
    let question = browser
        .submit(
            "/account/consents",
            &[("csrf", &csrf), ("client_id", DEMO_CLIENT)],
        )
        .await;
    assert_eq!(question.status, 200);
    assert!(
        question.text().contains("Отозвать согласие"),
        "{}",
        question.body
    );
    assert!(question.body.contains("id=\"keep\""), "a way out");
    let at = tokens["access_token"].as_str().unwrap();
    assert_eq!(app.userinfo(at).await.status(), 200, "not yet withdrawn");
    let page = browser
        .submit(
            "/account/consents",
            &[
                ("csrf", &csrf),
                ("client_id", DEMO_CLIENT),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert!(page.body.contains("Согласие отозвано"), "{}", page.body);
    assert!(!page.body.contains("Медицинский кабинет (демо)"));
    // Its access token stops at once, not at its expiry.
    assert_eq!(app.userinfo(at).await.status(), 401);
    let introspected = app.introspect(at).await;
    assert_eq!(introspected["active"], false);
    // The portal must ask again, and its refresh token no longer works.
    let page = browser.follow(browser.get(&app.auth_url(&[])).await).await;
    assert_eq!(page.url.path(), "/consent");
    let rt = tokens["refresh_token"].as_str().unwrap();
    assert_eq!(
        app.token(&[("grant_type", "refresh_token"), ("refresh_token", rt)])
            .await
            .status(),
        400
    );
    assert!(
        app.state
            .sql
            .audit_events(50)
            .await
            .unwrap()
            .iter()
            .any(|e| e.event == "consent.revoked")
    );
}

#[actix_web::test]
async fn consents_page_needs_a_login() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let res = browser.get("/account/consents").await;
    assert_eq!(Browser::location(&res).path(), "/login");
    // Logging in without a flow returns to the consents page.
    let page = browser.follow(browser.get("/login").await).await;
    let page = browser
        .follow(
            browser
                .post(
                    "/login",
                    &[
                        ("csrf", &page.csrf()),
                        ("login", SIMPLE),
                        ("password", PASSWORD),
                    ],
                )
                .await,
        )
        .await;
    assert_eq!(page.url.path(), "/account/consents");
    assert!(page.body.contains("Вы пока не давали согласий"));
}

/// One person consents to one portal in several tabs at the same moment
/// (found by the benchmark's interactive flow on PostgreSQL): every tab
/// gets its code, none a 503, and one consent is kept.
#[actix_web::test]
async fn consents_given_at_once_in_several_tabs_all_succeed() {
    let app = TestApp::spawn().await;
    let browser = app.logged_in(STANDARD).await;
    let mut pages = Vec::new();
    for _ in 0..8 {
        let page = browser
            .follow(browser.get(&app.auth_url(&[("prompt", "consent")])).await)
            .await;
        assert_eq!(page.url.path(), "/consent", "{}", page.body);
        pages.push(page);
    }
    let posts = pages.iter().map(|page| {
        let (csrf, flow) = (page.csrf(), page.hidden("flow"));
        let browser = &browser;
        async move {
            browser
                .post(
                    "/consent",
                    &[("csrf", &csrf), ("flow", &flow), ("decision", "allow")],
                )
                .await
                .status()
        }
    });
    let mut statuses = Vec::new();
    for status in join_all(posts.collect()).await {
        statuses.push(status.as_u16());
    }
    assert!(statuses.iter().all(|s| *s == 303), "{statuses:?}");
    let account = app.account(STANDARD).await;
    let kept = app.state.sql.consents_of(&account.id).await.unwrap();
    assert_eq!(
        kept.iter().filter(|c| c.client_id == DEMO_CLIENT).count(),
        1
    );
}

/// Runs the futures at once on this thread and collects their outputs.
async fn join_all<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut futures: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut out: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in futures.iter_mut().enumerate() {
            if out[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => out[i] = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.into_iter().map(Option::unwrap).collect()
}

/// Withdrawing a consent logs the person out of that portal: its sessions
/// of them hear a back-channel logout, the SSO session goes on.
#[actix_web::test]
async fn withdrawing_a_consent_tells_the_portal_by_back_channel_logout() {
    use crate::sessions::Receiver;
    let app = TestApp::spawn().await;
    let rx = Receiver::start(&[]).await;
    let mut client = app.new_client("listening");
    client
        .redirect_uris
        .push(rx.url.replace("/backchannel-logout", "/callback"));
    client.backchannel_logout_uri = Some(rx.url.clone());
    app.client(client).await;
    let browser = app.browser();
    let callback = app
        .login(&browser, &app.auth_url_for("listening", &[]), STANDARD)
        .await;
    let code = query(&callback, "code").unwrap();
    let exchange = exchange(&code);
    let res = app
        .back_channel(
            "/token",
            Some(("listening", "listening-secret-0123456789")),
            &form(&exchange),
        )
        .await;
    assert_eq!(res.status(), 200);
    let id_token: serde_json::Value = res.json().await.unwrap();
    let sid = claims(id_token["id_token"].as_str().unwrap())["sid"].clone();

    let page = browser.follow(browser.get("/account/consents").await).await;
    let form = [
        ("csrf", page.csrf()),
        ("client_id", "listening".to_owned()),
        ("confirm", "yes".to_owned()),
    ];
    let done = browser
        .submit("/account/consents", &super::harness::form(&form))
        .await;
    assert!(done.body.contains("Согласие отозвано"), "{}", done.body);
    let token = rx.token(1).await;
    let logout = claims(&token);
    assert_eq!(logout["aud"], "listening");
    assert_eq!(logout["sid"], sid);
    // The person is still logged in at the provider.
    let home = browser.follow(browser.get("/").await).await;
    assert!(home.body.contains("id=\"logout\""), "{}", home.body);
}
