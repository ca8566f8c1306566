//! The authorization endpoint and the pages behind it.

use idp::model::AccountLevel;

use crate::harness::*;

/// A redirect to the portal carrying `error`.
async fn redirected_error(app: &TestApp, extra: &[(&str, &str)]) -> url::Url {
    let browser = app.browser();
    let res = browser.get(&app.auth_url(extra)).await;
    assert_eq!(res.status(), 303);
    let location = Browser::location(&res);
    assert!(location.as_str().starts_with(REDIRECT), "{location}");
    assert_eq!(query(&location, "state").as_deref(), Some("st-123"));
    assert_eq!(query(&location, "iss").as_deref(), Some(app.url.as_str()));
    location
}

#[actix_web::test]
async fn happy_path_returns_code_state_and_issuer() {
    let app = TestApp::spawn().await;
    let callback = app
        .login(&app.browser(), &app.auth_url(&[]), STANDARD)
        .await;
    let code = query(&callback, "code").unwrap();
    assert!(code.len() >= 43, "256-bit code");
    assert_eq!(query(&callback, "state").as_deref(), Some("st-123"));
    assert_eq!(query(&callback, "iss").as_deref(), Some(app.url.as_str()));
}

#[actix_web::test]
async fn post_authorization_request_works_like_get() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let url = url::Url::parse(&app.auth_url(&[])).unwrap();
    let form: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let res = browser
        .client
        .post(format!("{}/authorize", app.url))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert!(Browser::location(&res).path().starts_with("/login"));
}

#[actix_web::test]
async fn unknown_client_is_shown_as_a_page_not_redirected() {
    let app = TestApp::spawn().await;
    let res = app.browser().get(&app.auth_url_for("nobody", &[])).await;
    assert_eq!(res.status(), 400);
    assert!(res.headers().get("location").is_none());
    let body = res.text().await.unwrap();
    assert!(body.contains("Портал передал неверный запрос"), "{body}");
    assert!(body.contains("client `nobody` is not registered"));
    assert!(body.contains("support-code"));
}

#[actix_web::test]
async fn wrong_redirect_uri_is_shown_as_a_page_naming_the_uri() {
    let app = TestApp::spawn().await;
    for uri in [
        "http://127.0.0.1:8090/callback/",
        "http://127.0.0.1:8090/callbackx",
        "https://evil.example/cb",
    ] {
        let res = app
            .browser()
            .get(&app.auth_url(&[("redirect_uri", uri)]))
            .await;
        assert_eq!(res.status(), 400, "{uri}");
        assert!(res.headers().get("location").is_none());
        let body = res.text().await.unwrap();
        assert!(body.contains("is not registered for client"), "{body}");
        assert!(
            body.contains(&uri.replace('/', "&#x2f;")) || body.contains(uri),
            "{body}"
        );
    }
}

#[actix_web::test]
async fn missing_redirect_uri_is_a_page() {
    let app = TestApp::spawn().await;
    let url = app
        .auth_url(&[])
        .replace("redirect_uri=", "x_redirect_uri=");
    let res = app.browser().get(&url).await;
    assert_eq!(res.status(), 400);
    assert!(res.headers().get("location").is_none());
}

#[actix_web::test]
async fn protocol_errors_are_redirected_with_the_right_codes() {
    let app = TestApp::spawn().await;
    let cases: [(&[(&str, &str)], &str); 7] = [
        (&[("response_type", "token")], "unsupported_response_type"),
        (&[("response_type", "")], "invalid_request"),
        (&[("scope", "profile email")], "invalid_scope"),
        (&[("code_challenge_method", "plain")], "invalid_request"),
        (
            &[("request", "eyJhbGciOiJub25lIn0.e30.")],
            "request_not_supported",
        ),
        (
            &[("request_uri", "https://rp.example/req")],
            "request_uri_not_supported",
        ),
        (&[("max_age", "soon")], "invalid_request"),
    ];
    for (extra, expected) in cases {
        let location = redirected_error(&app, extra).await;
        assert_eq!(
            query(&location, "error").as_deref(),
            Some(expected),
            "{extra:?}"
        );
        assert!(query(&location, "error_description").is_some());
    }
}

#[actix_web::test]
async fn public_clients_must_use_pkce() {
    let app = TestApp::spawn().await;
    let res = app
        .browser()
        .get(&app.auth_url_for(
            PUBLIC_CLIENT,
            &[("code_challenge", ""), ("code_challenge_method", "")],
        ))
        .await;
    let location = Browser::location(&res);
    assert_eq!(
        query(&location, "error").as_deref(),
        Some("invalid_request")
    );
    assert!(
        query(&location, "error_description")
            .unwrap()
            .contains("PKCE")
    );
}

#[actix_web::test]
async fn unknown_parameters_are_ignored() {
    let app = TestApp::spawn().await;
    let callback = app
        .login(
            &app.browser(),
            &app.auth_url(&[("frobnicate", "yes"), ("display", "popup")]),
            SIMPLE,
        )
        .await;
    assert!(query(&callback, "code").is_some());
}

#[actix_web::test]
async fn prompt_none_without_a_session_is_login_required() {
    let app = TestApp::spawn().await;
    let location = redirected_error(&app, &[("prompt", "none")]).await;
    assert_eq!(query(&location, "error").as_deref(), Some("login_required"));
}

#[actix_web::test]
async fn prompt_none_with_session_and_consent_issues_a_code() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    app.login(&browser, &app.auth_url(&[]), STANDARD).await;
    let res = browser.get(&app.auth_url(&[("prompt", "none")])).await;
    let location = Browser::location(&res);
    assert!(query(&location, "code").is_some(), "{location}");
    // Without remembered consent for a wider scope: consent_required.
    let res = browser
        .get(&app.auth_url(&[("prompt", "none"), ("scope", "openid phone")]))
        .await;
    assert_eq!(
        query(&Browser::location(&res), "error").as_deref(),
        Some("consent_required")
    );
}

#[actix_web::test]
async fn consent_is_remembered_per_client_and_scope_set() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    app.login(&browser, &app.auth_url(&[]), STANDARD).await;
    // Same scopes: straight back with a code, no page.
    let res = browser.get(&app.auth_url(&[])).await;
    assert!(query(&Browser::location(&res), "code").is_some());
    // A new scope: the consent page again, listing it in Russian.
    let page = browser
        .follow(
            browser
                .get(&app.auth_url(&[("scope", "openid phone")]))
                .await,
        )
        .await;
    assert_eq!(page.url.path(), "/consent");
    assert!(
        page.body.contains("Номер мобильного телефона"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Подтверждение передачи данных"));
    // prompt=consent forces the page even when remembered.
    let page = browser
        .follow(browser.get(&app.auth_url(&[("prompt", "consent")])).await)
        .await;
    assert_eq!(page.url.path(), "/consent");
}

#[actix_web::test]
async fn consent_denied_returns_access_denied() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let page = browser.follow(browser.get(&app.auth_url(&[])).await).await;
    let page = page.login(&browser, STANDARD).await;
    let done = page.consent(&browser, "deny").await;
    assert_eq!(query(&done.url, "error").as_deref(), Some("access_denied"));
    assert_eq!(query(&done.url, "state").as_deref(), Some("st-123"));
    let events = app.state.sql.audit_events(20).await.unwrap();
    assert!(events.iter().any(|e| e.event == "consent.denied"));
}

#[actix_web::test]
async fn first_party_clients_skip_consent() {
    let app = TestApp::spawn().await;
    let mut client = app.new_client("firstparty");
    client.skip_consent = true;
    app.client(client).await;
    let browser = app.browser();
    let page = browser
        .follow(browser.get(&app.auth_url_for("firstparty", &[])).await)
        .await;
    let done = page.login(&browser, SIMPLE).await;
    assert!(query(&done.url, "code").is_some(), "{:?}", done);
}

#[actix_web::test]
async fn max_age_and_prompt_login_force_a_new_login() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    app.login(&browser, &app.auth_url(&[]), STANDARD).await;
    app.clock.advance(120);
    // The session is 120 s old: max_age=60 sends the person to the login form.
    let res = browser.get(&app.auth_url(&[("max_age", "60")])).await;
    assert_eq!(Browser::location(&res).path(), "/login");
    // max_age=10000 does not.
    let res = browser.get(&app.auth_url(&[("max_age", "10000")])).await;
    assert!(query(&Browser::location(&res), "code").is_some());
    // prompt=login always does; after logging in, the flow completes with a
    // fresh auth_time.
    let res = browser.get(&app.auth_url(&[("prompt", "login")])).await;
    assert_eq!(Browser::location(&res).path(), "/login");
    let tokens = app.tokens(&browser, STANDARD, &[("max_age", "60")]).await;
    let id = claims(tokens["id_token"].as_str().unwrap());
    assert!(app.state.now() - id["auth_time"].as_i64().unwrap() <= 1);
}

#[actix_web::test]
async fn wrong_password_shows_the_russian_message_and_keeps_the_login() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let page = browser.follow(browser.get(&app.auth_url(&[])).await).await;
    let (csrf, flow) = (page.csrf(), page.hidden("flow"));
    for (login, password) in [(STANDARD, "Wrong-pass1!"), ("nobody@demo.vhod", PASSWORD)] {
        let res = browser
            .post(
                "/login",
                &[
                    ("csrf", &csrf),
                    ("flow", &flow),
                    ("login", login),
                    ("password", password),
                ],
            )
            .await;
        assert_eq!(res.status(), 400);
        let body = res.text().await.unwrap();
        assert!(body.contains("Неверный логин или пароль"), "{body}");
        assert!(body.contains("aria-invalid=\"true\""));
        // The error is one short paragraph; what to do about a lock is
        // apart from it, under its own heading.
        let html = scraper::Html::parse_document(&body);
        let text_of = |css: &str| -> String {
            let selector = scraper::Selector::parse(css).unwrap();
            html.select(&selector)
                .map(|e| e.text().collect::<String>())
                .collect()
        };
        let error = text_of("#form-error");
        assert!(!error.contains("Забыли пароль"), "{error}");
        let help = text_of("#lock-help");
        assert!(
            help.starts_with("Что делать, если вход заблокирован")
                && help.contains("«Забыли пароль?»"),
            "{help}"
        );
    }
    let res = browser
        .post(
            "/login",
            &[
                ("csrf", &csrf),
                ("flow", &flow),
                ("login", STANDARD),
                ("password", ""),
            ],
        )
        .await;
    let body = res.text().await.unwrap();
    assert!(body.contains("«Пароль»"), "names the empty field: {body}");
    // The login field by its label: the form has no field «Логин».
    let res = browser
        .post(
            "/login",
            &[
                ("csrf", &csrf),
                ("flow", &flow),
                ("login", ""),
                ("password", PASSWORD),
            ],
        )
        .await;
    let body = res.text().await.unwrap();
    assert!(
        body.contains("Заполните поле «Телефон, почта, СНИЛС или ИНН».")
            && !body.contains("«Логин»"),
        "{body}"
    );
    let events = app.state.sql.audit_events(20).await.unwrap();
    assert_eq!(
        events.iter().filter(|e| e.event == "login.failed").count(),
        2
    );
}

#[actix_web::test]
async fn forms_without_csrf_are_refused() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let page = browser.follow(browser.get(&app.auth_url(&[])).await).await;
    let flow = page.hidden("flow");
    for csrf in ["", "forged-token-forged-token"] {
        let res = browser
            .post(
                "/login",
                &[
                    ("csrf", csrf),
                    ("flow", &flow),
                    ("login", STANDARD),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(res.status(), 403);
        assert!(res.text().await.unwrap().contains("Обновите страницу"));
    }
    let res = browser
        .post("/consent", &[("flow", &flow), ("decision", "allow")])
        .await;
    assert_eq!(res.status(), 403);
}

#[actix_web::test]
async fn back_and_refresh_never_strand_the_person() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let page = browser.follow(browser.get(&app.auth_url(&[])).await).await;
    let login_url = page.url.clone();
    // Refreshing the login page shows the same form.
    let again = browser.follow(browser.get(login_url.as_str()).await).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.hidden("flow"), page.hidden("flow"));
    app.login(&browser, login_url.as_str(), STANDARD).await;
    // Back to the login page after the redirect: a page that says the login
    // is done and links back to the portal.
    let done = browser.follow(browser.get(login_url.as_str()).await).await;
    assert_eq!(done.status, 200);
    assert!(
        done.body.contains("Этот вход уже завершён"),
        "{}",
        done.body
    );
    // Said once, as the heading, not again below it.
    assert_eq!(
        done.text().matches("Этот вход уже завершён").count(),
        2,
        "the title and the heading only: {}",
        done.body
    );
    assert!(
        done.body
            .contains("href=\"http:&#x2f;&#x2f;127.0.0.1:8090&#x2f;\"")
            || done.body.contains("href=\"http://127.0.0.1:8090/\""),
        "{}",
        done.body
    );
    // An unknown or expired flow explains what to do.
    let gone = browser
        .follow(browser.get("/login?flow=unknown-flow").await)
        .await;
    assert_eq!(gone.status, 400);
    assert!(gone.body.contains("нажмите «Войти» ещё раз"));
}

#[actix_web::test]
async fn english_pages_via_ui_locales() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let page = browser
        .follow(
            browser
                .get(&app.auth_url(&[("ui_locales", "en-US ru")]))
                .await,
        )
        .await;
    assert!(page.body.contains("lang=\"en\""));
    assert!(page.body.contains("Password"));
    let page = browser.follow(browser.get(&app.auth_url(&[])).await).await;
    assert!(page.body.contains("lang=\"ru\""));
    assert!(page.body.contains("Пароль"));
}

#[actix_web::test]
async fn login_hint_prefills_the_login_field() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let page = browser
        .follow(
            browser
                .get(&app.auth_url(&[("login_hint", STANDARD)]))
                .await,
        )
        .await;
    assert!(
        page.body.contains("value=\"standard@demo.vhod\""),
        "{}",
        page.body
    );
}

#[actix_web::test]
async fn client_minimum_level_shows_a_page_never_a_token() {
    let app = TestApp::spawn().await;
    let mut client = app.new_client("clinic");
    client.min_account_level = Some(AccountLevel::Confirmed);
    app.client(client).await;
    let browser = app.browser();
    let page = browser
        .follow(browser.get(&app.auth_url_for("clinic", &[])).await)
        .await;
    let page = page.login(&browser, STANDARD).await;
    assert_eq!(page.status, 403);
    assert!(
        page.body.contains("Недостаточный уровень учётной записи"),
        "{}",
        page.body
    );
    // Where the account stands and the one step that raises it, in words.
    let text = page.text();
    assert!(
        text.contains(
            "портал работает только с подтверждёнными учётными записями, а ваша учётная запись — стандартная."
        ),
        "{text}"
    );
    assert!(!text.contains("/account"), "no paths to type: {text}");
    assert!(
        page.body.contains(
            "<a href=\"&#x2f;account&#x2f;confirm\" id=\"action\">Подтвердить личность</a>"
        ) || page
            .body
            .contains("<a href=\"/account/confirm\" id=\"action\">Подтвердить личность</a>"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("error=access_denied"),
        "a way back to the portal"
    );
    assert!(!page.body.contains("code="));
    // A confirmed account gets through.
    let other = app.browser();
    let callback = app
        .login(&other, &app.auth_url_for("clinic", &[]), CONFIRMED)
        .await;
    assert!(query(&callback, "code").is_some());
}

#[actix_web::test]
async fn essential_account_level_claim_is_enforced() {
    let app = TestApp::spawn().await;
    let claims_param =
        r#"{"id_token":{"account_level":{"essential":true,"values":["standard","confirmed"]}}}"#;
    let browser = app.browser();
    let page = browser
        .follow(
            browser
                .get(&app.auth_url(&[("claims", claims_param)]))
                .await,
        )
        .await;
    let page = page.login(&browser, SIMPLE).await;
    assert_eq!(page.status, 403, "{}", page.body);
    assert!(
        page.text().contains(
            "портал работает только со стандартными и подтверждёнными учётными записями, а ваша учётная запись — упрощённая."
        ),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("id=\"action\">Мои данные</a>"),
        "{}",
        page.body
    );
    // A standard account satisfies it, and the claim is in the ID token.
    let tokens = app
        .tokens(&app.browser(), STANDARD, &[("claims", claims_param)])
        .await;
    assert_eq!(
        claims(tokens["id_token"].as_str().unwrap())["account_level"],
        "standard"
    );
    // Malformed claims are a redirected invalid_request.
    let location = redirected_error(&app, &[("claims", "{not json")]).await;
    assert_eq!(
        query(&location, "error").as_deref(),
        Some("invalid_request")
    );
}

#[actix_web::test]
async fn id_token_hint_of_another_person_forces_login() {
    let app = TestApp::spawn().await;
    let first = app.tokens(&app.browser(), STANDARD, &[]).await;
    let hint = first["id_token"].as_str().unwrap();
    // Another browser, logged in as someone else: prompt=none with the hint
    // of the first person must not hand out their code.
    let browser = app.browser();
    app.login(&browser, &app.auth_url(&[]), CONFIRMED).await;
    let res = browser
        .get(&app.auth_url(&[("prompt", "none"), ("id_token_hint", hint)]))
        .await;
    assert_eq!(
        query(&Browser::location(&res), "error").as_deref(),
        Some("login_required")
    );
    // A forged hint is refused.
    let location =
        redirected_error(&app, &[("id_token_hint", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln")]).await;
    assert_eq!(
        query(&location, "error").as_deref(),
        Some("invalid_request")
    );
}

#[actix_web::test]
async fn session_cookie_is_http_only_lax_and_secure_behind_https() {
    let app = TestApp::builder()
        .config(|c| c.issuer = Some("https://id.example.ru".parse().unwrap()))
        .spawn()
        .await;
    let browser = app.browser();
    let page = browser.follow(browser.get(&app.auth_url(&[])).await).await;
    let res = browser
        .post(
            "/login",
            &[
                ("csrf", &page.csrf()),
                ("flow", &page.hidden("flow")),
                ("login", STANDARD),
                ("password", PASSWORD),
            ],
        )
        .await;
    let cookies: Vec<String> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    let session = cookies
        .iter()
        .find(|c| c.starts_with("__Host-vhod_session="))
        .expect("a session cookie, `__Host-` behind https");
    for attribute in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
        assert!(session.contains(attribute), "{session}");
    }
    let discovery: serde_json::Value =
        reqwest::get(format!("{}/.well-known/openid-configuration", app.url))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(discovery["issuer"], "https://id.example.ru");
}

/// A login flow is kept on the server for half an hour, so their number is
/// capped: at most `flows_per_address` new flows per client address (per
/// account, for a logged-in browser) and `flows_total` in all per
/// `flow_ttl_secs`. Past the cap the person sees when to try again and a
/// way back to the portal; a silent request (`prompt=none`) goes back to
/// the portal with `temporarily_unavailable`. Journaled once a window.
#[actix_web::test]
async fn login_flows_from_one_address_are_capped() {
    let app = TestApp::builder()
        .config(|c| c.flows_per_address = 5)
        .spawn()
        .await;
    for n in 0..5 {
        let res = app.browser().get(&app.auth_url(&[])).await;
        let location = Browser::location(&res);
        assert_eq!(location.path(), "/login", "flow {n}");
    }
    let res = app.browser().get(&app.auth_url(&[])).await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
    let body = res.text().await.unwrap();
    assert!(body.contains("Попробуйте снова через"), "{body}");
    assert!(
        body.contains("temporarily_unavailable"),
        "a way back: {body}"
    );
    let silent = redirected_error(&app, &[("prompt", "none")]).await;
    assert_eq!(
        query(&silent, "error").as_deref(),
        Some("temporarily_unavailable")
    );
    let journal = app.state.sql.audit_events(50).await.unwrap();
    let reached: Vec<_> = journal
        .iter()
        .filter(|e| e.event == "limit.reached")
        .collect();
    assert_eq!(reached.len(), 1, "{reached:?}");
    assert_eq!(reached[0].detail["limit"], "flows");
    app.clock.advance(app.state.config.flow_ttl_secs);
    let res = app.browser().get(&app.auth_url(&[])).await;
    assert_eq!(Browser::location(&res).path(), "/login");
}

/// A flow link opened in another browser starts a new flow there; one flow
/// does so a few times only, so a link cannot be copied past the caps.
#[actix_web::test]
async fn a_flow_link_starts_over_elsewhere_a_few_times_only() {
    let app = TestApp::spawn().await;
    let res = app.browser().get(&app.auth_url(&[])).await;
    let link = Browser::location(&res);
    let flow = query(&link, "flow").unwrap();
    let path = format!("/authorize/continue?flow={flow}");
    for n in 0..3 {
        let res = app.browser().get(&path).await;
        assert_eq!(res.status(), 303, "restart {n}");
        let next = Browser::location(&res);
        assert_ne!(query(&next, "flow").as_deref(), Some(flow.as_str()));
    }
    let res = app.browser().get(&path).await;
    assert_eq!(res.status(), 429);
    let body = res.text().await.unwrap();
    assert!(body.contains("Попробуйте снова через"), "{body}");
}

#[actix_web::test]
async fn login_flows_in_all_are_capped() {
    let app = TestApp::builder()
        .config(|c| c.flows_total = 3)
        .spawn()
        .await;
    for _ in 0..3 {
        let res = app.browser().get(&app.auth_url(&[])).await;
        assert_eq!(Browser::location(&res).path(), "/login");
    }
    let res = app.browser().get(&app.auth_url(&[])).await;
    assert_eq!(res.status(), 429);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("Сейчас начато слишком много входов"),
        "{body}"
    );
}

/// What one flow keeps is capped in size too (`flow_max_bytes`): a larger
/// request goes back to the portal as `invalid_request` and is not kept.
#[actix_web::test]
async fn an_oversized_authorization_request_is_not_kept() {
    let app = TestApp::spawn().await;
    let quotes = "\"".repeat(1024);
    let backslashes = "\\".repeat(512);
    let acr = vec!["a"; 256].join(" ");
    let mut claims = String::from("{\"userinfo\":{");
    for n in 0..80 {
        claims.push_str(&format!(
            "\"c{n}\":{{\"value\":\"\\\"\\\"\\\"\\\"\\\"\\\"\"}},"
        ));
    }
    claims.pop();
    claims.push_str("}}");
    assert!(claims.len() <= 4096);
    let big = [
        ("state", quotes.as_str()),
        ("nonce", backslashes.as_str()),
        ("acr_values", acr.as_str()),
        ("claims", claims.as_str()),
    ];
    let res = app.browser().get(&app.auth_url(&big)).await;
    assert_eq!(res.status(), 303);
    let location = Browser::location(&res);
    assert!(location.as_str().starts_with(REDIRECT), "{location}");
    assert_eq!(
        query(&location, "error").as_deref(),
        Some("invalid_request")
    );
    let description = query(&location, "error_description").unwrap();
    assert!(description.contains("too large"), "{description}");
}
