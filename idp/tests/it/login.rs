//! The one login field: a phone in any common notation, an e-mail in any
//! case, a SNILS with or without separators, an INN.

use crate::harness::*;

#[actix_web::test]
async fn every_identifier_logs_in_in_every_common_notation() {
    let app = TestApp::spawn().await;
    let account = app
        .state
        .sql
        .account_by_login(STANDARD)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(account.phone.as_deref(), Some("+79990000001"));
    for login in [
        "Standard@Demo.VHOD",
        "+79990000001",
        "+7 999 000-00-01",
        "8 (999) 000 00 01",
        "89990000001",
        "9990000001",
        "112-233-446 96",
        "11223344696",
        "112 233 446 96",
        "770000000156",
    ] {
        let browser = app.browser();
        let callback = app.login(&browser, &app.auth_url(&[]), login).await;
        let code = query(&callback, "code").unwrap_or_else(|| panic!("{login}: {callback}"));
        let tokens: serde_json::Value = app
            .token(&[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", REDIRECT),
                ("code_verifier", VERIFIER),
            ])
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            claims(tokens["id_token"].as_str().unwrap())["sub"],
            account.id,
            "{login}"
        );
    }
}

#[actix_web::test]
async fn a_near_miss_identifier_is_just_a_wrong_login() {
    let app = TestApp::spawn().await;
    for login in [
        "112-233-446 97",
        "770000000157",
        "+7 999 000-00-09",
        "standard@demo",
    ] {
        let browser = app.browser();
        let page = browser.follow(browser.get(&app.auth_url(&[])).await).await;
        let after = page.login(&browser, login).await;
        assert_eq!(after.status, 400, "{login}");
        assert!(after.body.contains("Неверный логин или пароль"), "{login}");
    }
}

#[actix_web::test]
async fn every_login_is_journaled_with_outcome_method_ip_and_browser_never_a_secret() {
    let app = TestApp::spawn().await;
    let browser = Browser::with_user_agent(&app.url, "VhodTest/1.0 (journal)");
    let page = browser.follow(browser.get(&app.auth_url(&[])).await).await;
    let (csrf, flow) = (page.csrf(), page.hidden("flow"));
    let secret = "Wrong-secret-9";
    for password in [secret, PASSWORD] {
        browser
            .submit(
                "/login",
                &[
                    ("csrf", &csrf),
                    ("flow", &flow),
                    ("login", STANDARD),
                    ("password", password),
                ],
            )
            .await;
    }
    let journal = app.state.sql.audit_tail(None, None, 50).await.unwrap();
    for event in [
        idp::audit::events::LOGIN_FAILED,
        idp::audit::events::LOGIN_SUCCEEDED,
    ] {
        let entry = journal.iter().find(|e| e.event == event).expect(event);
        assert!(
            entry.detail.contains("VhodTest/1.0 (journal)"),
            "{}",
            entry.detail
        );
        assert!(entry.detail.contains("127.0.0.1"), "{}", entry.detail);
        assert!(entry.account_id.is_some());
    }
    let failed = journal
        .iter()
        .find(|e| e.event == idp::audit::events::LOGIN_FAILED)
        .unwrap();
    assert!(
        failed.detail.contains("\"method\":\"pwd\"") && failed.detail.contains("wrong_credentials")
    );
    assert!(
        journal
            .iter()
            .all(|e| !e.detail.contains(secret) && !e.detail.contains(PASSWORD))
    );
}
