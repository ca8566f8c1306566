//! What a portal receives: only claims whose scope the client is registered
//! for and that the person was shown and allowed; a consent binds the person
//! who gave it; a flow binds the browser that started it.

use crate::harness::*;

const ASKED_ONE_BY_ONE: &str = r#"{"userinfo":{"snils":null,"inn":null,"phone_number":null},"id_token":{"address":null,"birthdate":null}}"#;

async fn userinfo_json(app: &TestApp, tokens: &serde_json::Value) -> serde_json::Value {
    app.userinfo(tokens["access_token"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap()
}

async fn exchange(app: &TestApp, client: (&str, &str), callback: &url::Url) -> serde_json::Value {
    let code = query(callback, "code").expect("a code");
    let res = app
        .back_channel(
            "/token",
            Some(client),
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", REDIRECT),
                ("code_verifier", VERIFIER),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

#[actix_web::test]
async fn claims_outside_the_clients_scopes_are_never_released() {
    let app = TestApp::spawn().await;
    let mut narrow = app.new_client("narrow");
    narrow.scopes = Some(idp::model::Scopes::parse("openid profile"));
    app.client(narrow).await;
    let browser = app.browser();
    let url = app.auth_url_for(
        "narrow",
        &[("scope", "openid"), ("claims", ASKED_ONE_BY_ONE)],
    );
    let page = browser.follow(browser.get(&url).await).await;
    let page = page.login(&browser, STANDARD).await;
    assert_eq!(page.url.path(), "/consent", "{}", page.body);
    // Shown: what the client may have; not shown: what it may not.
    assert!(page.body.contains("Дата рождения"), "{}", page.body);
    for hidden in [
        "СНИЛС",
        "ИНН",
        "Номер мобильного телефона",
        "Адрес регистрации",
    ] {
        assert!(!page.body.contains(hidden), "{hidden} shown: {}", page.body);
    }
    let page = page.consent(&browser, "allow").await;
    let tokens = exchange(&app, ("narrow", "narrow-secret-0123456789"), &page.url).await;
    let info = userinfo_json(&app, &tokens).await;
    for claim in [
        "snils",
        "inn",
        "phone_number",
        "address",
        "birthdate",
        "email",
    ] {
        assert!(info.get(claim).is_none(), "{claim} released: {info}");
    }
    let id = claims(tokens["id_token"].as_str().unwrap());
    assert!(id["birthdate"].as_str().is_some(), "{id}");
    assert!(id.get("address").is_none(), "{id}");
}

#[actix_web::test]
async fn claims_asked_one_by_one_are_shown_on_the_consent_page_then_released() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let url = app.auth_url(&[("scope", "openid"), ("claims", ASKED_ONE_BY_ONE)]);
    let page = browser.follow(browser.get(&url).await).await;
    let page = page.login(&browser, STANDARD).await;
    assert_eq!(page.url.path(), "/consent");
    for shown in [
        "СНИЛС",
        "ИНН",
        "Номер мобильного телефона",
        "Адрес регистрации",
        "Дата рождения",
    ] {
        assert!(
            page.body.contains(shown),
            "{shown} not shown: {}",
            page.body
        );
    }
    let page = page.consent(&browser, "allow").await;
    let tokens = exchange(&app, (DEMO_CLIENT, DEMO_SECRET), &page.url).await;
    let info = userinfo_json(&app, &tokens).await;
    for claim in ["snils", "inn", "phone_number"] {
        assert!(info[claim].as_str().is_some(), "{claim} missing: {info}");
    }
    // Asked for the ID token only: not in userinfo.
    assert!(info.get("birthdate").is_none(), "{info}");
    let id = claims(tokens["id_token"].as_str().unwrap());
    assert!(id["address"]["formatted"].as_str().is_some(), "{id}");
    assert!(id["birthdate"].as_str().is_some(), "{id}");
    assert!(id.get("snils").is_none(), "{id}");
}

#[actix_web::test]
async fn a_remembered_consent_covers_only_what_was_shown() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let plain = app.auth_url(&[("scope", "openid profile")]);
    app.login(&browser, &plain, STANDARD).await;
    // Same request again: remembered, no page.
    let page = browser.follow(browser.get(&plain).await).await;
    assert!(page.url.as_str().starts_with(REDIRECT), "{}", page.url);
    // The same scopes plus a claim asked for one by one: asked again.
    let more = app.auth_url(&[
        ("scope", "openid profile"),
        ("claims", r#"{"userinfo":{"snils":null}}"#),
    ]);
    let page = browser.follow(browser.get(&more).await).await;
    assert_eq!(page.url.path(), "/consent", "{}", page.url);
    assert!(page.body.contains("СНИЛС"));
    // Declining it releases nothing and remembers nothing new.
    let page = page.consent(&browser, "deny").await;
    assert_eq!(query(&page.url, "error").as_deref(), Some("access_denied"));
    let page = browser.follow(browser.get(&more).await).await;
    assert_eq!(page.url.path(), "/consent");
}

#[actix_web::test]
async fn a_consent_counts_only_for_the_person_who_gave_it() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let page = browser.follow(browser.get(&app.auth_url(&[])).await).await;
    let consent_page = page.login(&browser, STANDARD).await;
    assert_eq!(consent_page.url.path(), "/consent");
    // Meanwhile another person logs in in this browser (another tab).
    let login = browser.follow(browser.get("/login").await).await;
    let form = [
        ("csrf", login.csrf()),
        ("login", CONFIRMED.to_owned()),
        ("password", PASSWORD.to_owned()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    browser.follow(browser.post("/login", &form).await).await;
    // The first person's "allow" must not release the second one's data.
    let page = consent_page.consent(&browser, "allow").await;
    assert_eq!(page.url.path(), "/consent", "got {}", page.url);
    assert!(page.body.contains("Подтверждёнов"), "{}", page.body);
    let confirmed = app
        .state
        .sql
        .account_by_login(CONFIRMED)
        .await
        .unwrap()
        .unwrap();
    assert!(
        app.state
            .sql
            .consent(&confirmed.id, DEMO_CLIENT)
            .await
            .unwrap()
            .is_none(),
        "no consent recorded for someone who was never asked"
    );
    // The second person answers their own page.
    let page = page.consent(&browser, "allow").await;
    let tokens = exchange(&app, (DEMO_CLIENT, DEMO_SECRET), &page.url).await;
    assert_eq!(
        claims(tokens["id_token"].as_str().unwrap())["sub"],
        confirmed.id
    );
}

#[actix_web::test]
async fn a_flow_link_opened_in_another_browser_starts_over() {
    let app = TestApp::spawn().await;
    let owner = app.browser();
    let page = owner.follow(owner.get(&app.auth_url(&[])).await).await;
    let consent_page = page.login(&owner, STANDARD).await;
    assert_eq!(consent_page.url.path(), "/consent");
    let flow = consent_page.hidden("flow");
    // Someone else, logged in as another person, opens the flow's links.
    let other = app.browser();
    app.login(&other, &app.auth_url(&[("scope", "openid")]), CONFIRMED)
        .await;
    for link in [
        format!("/consent?flow={flow}"),
        format!("/authorize/continue?flow={flow}"),
        format!("/login?flow={flow}"),
    ] {
        let res = other.get(&link).await;
        assert_eq!(res.status(), 303, "{link}");
        let next = Browser::location(&res);
        assert_eq!(next.path(), "/authorize/continue", "{link}");
        let new_flow = query(&next, "flow").unwrap();
        assert_ne!(new_flow, flow, "{link} continued the other browser's flow");
        // The fresh flow asks this browser's person for their own consent.
        let page = other.follow(res).await;
        assert_eq!(page.url.path(), "/consent", "{link}: {}", page.url);
        assert!(page.body.contains("Подтверждёнов"));
    }
    // The owner's flow is untouched.
    let page = consent_page.consent(&owner, "allow").await;
    assert!(page.url.as_str().starts_with(REDIRECT), "{}", page.url);
}

#[actix_web::test]
async fn a_grant_from_before_releases_were_stored_releases_what_its_scopes_say() {
    let app = TestApp::spawn().await;
    let tokens = app.tokens(&app.browser(), STANDARD, &[OFFLINE]).await;
    // A grant as stored before its release was: no claims column value.
    app.state
        .sql
        .execute_raw_sql("UPDATE grants SET claims = ''")
        .await
        .unwrap();
    let refresh = tokens["refresh_token"].as_str().unwrap();
    let res = app
        .token(&[("grant_type", "refresh_token"), ("refresh_token", refresh)])
        .await;
    assert_eq!(res.status(), 200);
    let renewed: serde_json::Value = res.json().await.unwrap();
    let info = userinfo_json(&app, &renewed).await;
    assert_eq!(info["email"], STANDARD, "{info}");
    assert!(info["family_name"].is_string(), "{info}");
    assert!(
        info.get("phone_number").is_none(),
        "not in the scopes: {info}"
    );
}
