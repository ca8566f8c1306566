//! «Войти по сертификату»: a certificate of a trusted CA (the `esign` test
//! CA) logs in to the account whose *checked* SNILS or INN it carries, at
//! AAL3 (`amr` `swk`), with a single-use challenge bound to the browser; the
//! password lock and the per-IP limit do not stop it; every attempt is
//! journaled; each refusal keeps the person on the page with the reason.

use esign::testca::{Holder, Issued, KeyKind, TestCa};
use idp::audit::events;
use idp::model::VerificationStatus;

use crate::harness::*;
use crate::profile;
use crate::signature::{
    app_trusting, challenge, error_of, holder, revoking, sign_with_cli, trust, trusting,
};

/// CONFIRMED's certificate data, as the demo seeds the account.
fn confirmed_holder() -> Holder {
    Holder::person(
        "Подтверждёнов",
        "Иван Сергеевич",
        "11223344797",
        "770000000220",
    )
}

/// The certificate page, in `flow` when given.
async fn certificate_page(browser: &Browser, flow: Option<&str>) -> Page {
    let path = match flow {
        Some(flow) => format!("/login/certificate?flow={flow}"),
        None => "/login/certificate".into(),
    };
    let page = browser.follow(browser.get(&path).await).await;
    assert_eq!(page.status, 200, "{}", page.body);
    page
}

/// Sends `certificate` and `signature` from the certificate page `page`.
async fn send(browser: &Browser, page: &Page, certificate: &str, signature: &str) -> Page {
    let csrf = page.csrf();
    let mut form = vec![
        ("csrf", csrf.as_str()),
        ("certificate", certificate),
        ("signature", signature),
    ];
    let flow = page
        .body
        .contains("name=\"flow\"")
        .then(|| page.hidden("flow"));
    if let Some(flow) = &flow {
        form.push(("flow", flow));
    }
    browser.submit("/login/certificate", &form).await
}

/// Signs the page's challenge with `key` and sends it with `certificate`.
async fn sign_in(browser: &Browser, page: &Page, certificate: &str, key: &str) -> Page {
    let (signature, _) = esign::sign_challenge(key, &challenge(page)).unwrap();
    send(browser, page, certificate, &signature).await
}

/// Logs in outside a flow with `issued`; the page it ends on.
async fn log_in_with(app: &TestApp, issued: &Issued) -> Page {
    let browser = app.browser();
    let page = certificate_page(&browser, None).await;
    sign_in(
        &browser,
        &page,
        &issued.certificate_pem,
        &issued.private_key_pem,
    )
    .await
}

/// Outside a flow a login ends on the home page, the person's account.
fn logged_in(page: &Page) -> bool {
    page.url.path() == "/" && page.status == 200 && page.body.contains("id=\"level\"")
}

async fn journal(app: &TestApp, event: &str) -> Vec<idp::model::JournalEntry> {
    app.state
        .sql
        .audit_tail(None, Some(event.into()), 100)
        .await
        .unwrap()
}

#[actix_web::test]
async fn a_portal_asking_for_aal3_gets_a_certificate_login_with_acr_aal3_and_amr_swk() {
    let trust = trust();
    let app = app_trusting(&trust).await;
    let browser = Browser::with_user_agent(&app.url, "VhodTest/1.0 (certificate)");
    let url = app.auth_url(&[("acr_values", "urn:vhod:aal3")]);
    let login = browser.follow(browser.get(&url).await).await;
    assert_eq!(login.url.path(), "/login");
    let flow = query(&login.url, "flow").unwrap();
    assert!(
        !login.body.contains("name=\"password\""),
        "no password form where a password cannot do: {}",
        login.body
    );
    assert!(login.body.contains("требует входа по сертификату"));
    assert!(
        login
            .body
            .contains(&format!("/login/certificate?flow={flow}"))
    );
    let csp = |res: &reqwest::Response| {
        res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned()
    };
    assert!(!csp(&browser.get(&format!("/login?flow={flow}")).await).contains("script-src"));
    let res = browser
        .get(&format!("/login/certificate?flow={flow}"))
        .await;
    assert!(csp(&res).contains("script-src 'self'"), "the signer runs");

    let page = certificate_page(&browser, Some(&flow)).await;
    assert!(page.body.contains("требует входа по сертификату"));
    // A password posted anyway is sent to the certificate page, unchecked.
    let csrf = page.csrf();
    let password = browser
        .post(
            "/login",
            &[
                ("csrf", &csrf),
                ("flow", &flow),
                ("login", STANDARD),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(password.status(), 303);
    assert_eq!(
        Browser::location(&password).as_str(),
        format!("{}/login/certificate?flow={flow}", app.url)
    );

    let issued = trust.ca.issue(&holder()).unwrap();
    let page = certificate_page(&browser, Some(&flow)).await;
    let consent = sign_in(
        &browser,
        &page,
        &issued.certificate_pem,
        &issued.private_key_pem,
    )
    .await;
    let callback = consent.consent(&browser, "allow").await;
    assert!(
        callback.url.as_str().starts_with(REDIRECT),
        "{}",
        callback.url
    );
    let code = query(&callback.url, "code").unwrap();
    let tokens: serde_json::Value = app
        .token(&form(&exchange(&code)))
        .await
        .json()
        .await
        .unwrap();
    let id_token = claims(tokens["id_token"].as_str().unwrap());
    assert_eq!(id_token["acr"], "urn:vhod:aal3");
    assert_eq!(id_token["amr"], serde_json::json!(["swk"]));
    assert_eq!(id_token["sub"], app.account(STANDARD).await.id);

    let succeeded = journal(&app, events::LOGIN_SUCCEEDED).await;
    let entry = &succeeded[0];
    for part in [
        "\"swk\"",
        "urn:vhod:aal3",
        &issued.serial_hex,
        "VhodTest/1.0 (certificate)",
        "127.0.0.1",
    ] {
        assert!(entry.detail.contains(part), "{part}: {}", entry.detail);
    }
}

#[actix_web::test]
async fn every_wrong_certificate_is_refused_on_the_page_with_its_reason_and_journaled() {
    let trust = trust();
    let stranger = TestCa::root("Чужой УЦ", KeyKind::P256).unwrap();
    let app = app_trusting(&trust).await;
    let now = app.state.now();
    let expired = Holder {
        not_before_unix: now - 400 * 86400,
        not_after_unix: now - 86400,
        ..holder()
    };
    let not_yet = Holder {
        not_before_unix: now + 86400,
        not_after_unix: now + 400 * 86400,
        ..holder()
    };
    let no_numbers = Holder {
        snils: None,
        inn: None,
        ..holder()
    };
    let nobody = Holder::person("Ёлкина", "Вера Павловна", "11223344898", "500100732259");
    let other_name = Holder {
        surname: Some("Иванова".into()),
        ..holder()
    };
    let cases = [
        (
            trust.ca.issue(&expired),
            "срок действия сертификата истёк",
            "expired",
            403,
        ),
        (
            trust.ca.issue(&not_yet),
            "ещё не начался",
            "not_yet_valid",
            403,
        ),
        (
            stranger.issue(&holder()),
            "которому портал не доверяет",
            "untrusted",
            403,
        ),
        (
            trust.ca.issue(&no_numbers),
            "нет ни СНИЛС, ни ИНН",
            "no_snils_inn",
            403,
        ),
        (
            trust.ca.issue(&nobody),
            "не связана учётная запись",
            "no_account",
            403,
        ),
        (
            trust.ca.issue(&other_name),
            "фамилия, имя или отчество",
            "name_mismatch",
            403,
        ),
    ];
    for (issued, says, code, status) in cases {
        let issued = issued.unwrap();
        let browser = app.browser();
        let page = certificate_page(&browser, None).await;
        let refused = sign_in(
            &browser,
            &page,
            &issued.certificate_pem,
            &issued.private_key_pem,
        )
        .await;
        assert_eq!(refused.status, status, "{code}: {}", refused.body);
        assert_eq!(refused.url.path(), "/login/certificate", "kept on the page");
        let error = error_of(&refused);
        assert!(error.starts_with("Неверный сертификат: "), "{error}");
        assert!(error.contains(says), "{code}: {error}");
        assert_ne!(challenge(&refused), challenge(&page), "a new challenge");
        let entry = &journal(&app, events::LOGIN_FAILED).await[0];
        assert!(
            entry.detail.contains(&format!("\"reason\":\"{code}\""))
                && entry.detail.contains("\"method\":\"swk\"")
                && entry.detail.contains(&issued.serial_hex),
            "{code}: {}",
            entry.detail
        );
    }
    // Signed with another key than the certificate's: 400, and the
    // signature itself is never journaled.
    let (mine, other) = (
        trust.ca.issue(&holder()).unwrap(),
        trust.ca.issue(&holder()).unwrap(),
    );
    let browser = app.browser();
    let page = certificate_page(&browser, None).await;
    let (signature, _) = esign::sign_challenge(&other.private_key_pem, &challenge(&page)).unwrap();
    let refused = send(&browser, &page, &mine.certificate_pem, &signature).await;
    assert_eq!(refused.status, 400);
    assert!(error_of(&refused).contains("подпись не соответствует"));
    // Damaged input: a clear refusal, journaled without a serial.
    let page = certificate_page(&browser, None).await;
    let garbage = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----";
    let refused = send(&browser, &page, garbage, "zz").await;
    assert_eq!(refused.status, 400);
    assert!(error_of(&refused).contains("повреждён"));
    // An empty form is told what is missing.
    let page = certificate_page(&browser, None).await;
    let empty = send(&browser, &page, "", "").await;
    assert_eq!(empty.status, 400);
    assert!(error_of(&empty).contains("«Сертификат (PEM)»"));

    let failed = journal(&app, events::LOGIN_FAILED).await;
    let reasons: Vec<&str> = failed
        .iter()
        .map(|e| {
            let start = e.detail.find("\"reason\":\"").unwrap() + 10;
            &e.detail[start..start + e.detail[start..].find('"').unwrap()]
        })
        .collect();
    assert_eq!(
        reasons,
        [
            "damaged",
            "wrong_signature",
            "name_mismatch",
            "no_account",
            "no_snils_inn",
            "untrusted",
            "not_yet_valid",
            "expired"
        ],
        "every attempt, newest first; the empty form was no attempt"
    );
    assert!(failed.iter().all(|e| !e.detail.contains(&signature)));
    assert!(failed[1].detail.contains(&mine.serial_hex));
    assert!(!failed[0].detail.contains("certificate\""));
    assert_eq!(
        failed[2].account_id.as_deref(),
        Some(app.account(STANDARD).await.id.as_str()),
        "a name mismatch names the account the number led to"
    );
    assert!(journal(&app, events::LOGIN_SUCCEEDED).await.is_empty());
}

#[actix_web::test]
async fn a_revoked_certificate_does_not_log_in() {
    let ca_only = trust();
    let issued = ca_only.ca.issue(&holder()).unwrap();
    let app = app_trusting(&revoking(&ca_only, &issued.serial_hex)).await;
    let refused = log_in_with(&app, &issued).await;
    assert_eq!(refused.status, 403);
    assert!(
        error_of(&refused).contains("отозван"),
        "{}",
        error_of(&refused)
    );
    let entry = &journal(&app, events::LOGIN_FAILED).await[0];
    assert!(
        entry.detail.contains("\"reason\":\"revoked\""),
        "{}",
        entry.detail
    );
}

#[actix_web::test]
async fn a_snils_typed_into_a_profile_logs_in_only_once_the_check_passes() {
    let trust = trust();
    let app = app_trusting(&trust).await;
    let person = |snils: &str| Holder {
        inn: None,
        ..Holder::person("Простов", "Пётр Петрович", snils, "")
    };
    // SIMPLE types a SNILS into «Мои данные»: not checked yet.
    let (browser, page) = profile::logged_in(&app, SIMPLE).await;
    profile::submit(&browser, &page, &[]).await;
    let first = trust.ca.issue(&person("11223344898")).unwrap();
    let refused = log_in_with(&app, &first).await;
    assert_eq!(refused.status, 403);
    assert!(error_of(&refused).contains("не связана учётная запись"));
    // The registries confirm it: now it logs in.
    app.clock.advance(app.state.config.registry_delay_secs);
    assert_eq!(
        profile::verification_done(&app, SIMPLE).await,
        VerificationStatus::Passed
    );
    assert!(logged_in(&log_in_with(&app, &first).await));
    // A standard account that types another SNILS: that one is not checked.
    let page = browser.follow(browser.get("/account").await).await;
    profile::submit(&browser, &page, &[("snils", "112-233-449 99")]).await;
    let second = trust.ca.issue(&person("11223344999")).unwrap();
    let refused = log_in_with(&app, &second).await;
    assert!(error_of(&refused).contains("не связана учётная запись"));
    // The demo's pending account: its typed SNILS is no way in either.
    let pending = Holder {
        inn: None,
        ..Holder::person("Ожидаева", "Полина Петровна", "12345678055", "")
    };
    let refused = log_in_with(&app, &trust.ca.issue(&pending).unwrap()).await;
    assert!(error_of(&refused).contains("не связана учётная запись"));
}

#[actix_web::test]
async fn an_inn_logs_in_when_the_certificate_has_no_snils() {
    let trust = trust();
    let app = app_trusting(&trust).await;
    let by_inn = Holder {
        snils: None,
        ..confirmed_holder()
    };
    let browser = app.browser();
    let page = certificate_page(&browser, None).await;
    let issued = trust.ca.issue(&by_inn).unwrap();
    let done = sign_in(
        &browser,
        &page,
        &issued.certificate_pem,
        &issued.private_key_pem,
    )
    .await;
    assert!(logged_in(&done), "{}", done.body);
    let tokens = app.tokens(&browser, CONFIRMED, &[]).await;
    let id_token = claims(tokens["id_token"].as_str().unwrap());
    assert_eq!(id_token["sub"], app.account(CONFIRMED).await.id);
    assert_eq!(id_token["account_level"], "confirmed");
}

#[actix_web::test]
async fn a_challenge_serves_one_attempt_of_the_browser_it_was_shown_to() {
    let trust = trust();
    let app = app_trusting(&trust).await;
    let issued = trust.ca.issue(&holder()).unwrap();
    let (mine, theirs) = (app.browser(), app.browser());
    let my_page = certificate_page(&mine, None).await;
    let (signature, _) =
        esign::sign_challenge(&issued.private_key_pem, &challenge(&my_page)).unwrap();
    // Another browser with my signed challenge: its own challenge is not it.
    let their_page = certificate_page(&theirs, None).await;
    let stolen = send(&theirs, &their_page, &issued.certificate_pem, &signature).await;
    assert_eq!(stolen.status, 400);
    assert!(error_of(&stolen).contains("подпись не соответствует"));
    // A browser that was never shown a challenge is told to sign a new one.
    let stranger = app.browser();
    let login = stranger.follow(stranger.get("/login").await).await;
    let csrf = login.csrf();
    let form = [
        ("csrf", csrf.as_str()),
        ("certificate", issued.certificate_pem.as_str()),
        ("signature", signature.as_str()),
    ];
    let stale = stranger.submit("/login/certificate", &form).await;
    assert_eq!(stale.status, 400);
    assert!(error_of(&stale).contains("устарел"), "{}", error_of(&stale));
    // Mine is untouched by their attempts and works once.
    let done = send(&mine, &my_page, &issued.certificate_pem, &signature).await;
    assert!(logged_in(&done), "{}", done.body);
    let replay = send(&mine, &my_page, &issued.certificate_pem, &signature).await;
    assert_eq!(replay.status, 400);
    assert!(error_of(&replay).contains("устарел"));
    let failed = journal(&app, events::LOGIN_FAILED).await;
    assert!(failed[0].detail.contains("\"reason\":\"no_challenge\""));
}

#[actix_web::test]
async fn a_password_lock_and_the_address_limit_do_not_stop_a_certificate() {
    let trust = trust();
    let app = trusting(&trust)
        .config(|c| c.ip_failure_limit = 5)
        .spawn()
        .await;
    let browser = app.browser();
    let password = |password: &'static str| {
        let browser = &browser;
        async move {
            let page = browser.follow(browser.get("/login").await).await;
            let csrf = page.csrf();
            let form = [
                ("csrf", csrf.as_str()),
                ("login", STANDARD),
                ("password", password),
            ];
            browser.submit("/login", &form).await
        }
    };
    for _ in 0..5 {
        assert_eq!(password("Wrong-pass1").await.status, 400);
    }
    let locked = async || app.account(STANDARD).await.locked_until.is_some();
    assert!(locked().await, "the password path is locked");
    assert_eq!(
        password(PASSWORD).await.status,
        429,
        "and the address limited"
    );

    let issued = trust.ca.issue(&holder()).unwrap();
    let done = sign_in(
        &browser,
        &certificate_page(&browser, None).await,
        &issued.certificate_pem,
        &issued.private_key_pem,
    )
    .await;
    assert!(logged_in(&done), "{}", done.body);
    let tokens = app.tokens(&browser, STANDARD, &[]).await;
    let id_token = claims(tokens["id_token"].as_str().unwrap());
    assert_eq!(id_token["sub"], app.account(STANDARD).await.id);
    assert!(locked().await, "a certificate does not lift the lock");
}

#[actix_web::test]
async fn the_demo_certificates_log_in_in_demo_mode_also_signed_by_the_cli() {
    let app = TestApp::builder()
        .config(|c| {
            c.demo = true;
            idp::demo::trust_demo_ca(c).unwrap();
        })
        .spawn()
        .await;
    let dir = app.state.config.data_dir.join("demo-ca");
    for (name, login) in [("standard", STANDARD), ("confirmed", CONFIRMED)] {
        let certificate = std::fs::read_to_string(dir.join(format!("{name}.pem"))).unwrap();
        let key = dir.join(format!("{name}.key"));
        let browser = app.browser();
        let page = certificate_page(&browser, None).await;
        assert!(page.body.contains("idp sign-challenge"));
        assert!(page.body.contains(&dir.display().to_string()));
        let signature = sign_with_cli(&app, &key, &challenge(&page));
        let done = send(&browser, &page, &certificate, &signature).await;
        assert!(logged_in(&done), "{name}: {}", done.body);
        let tokens = app.tokens(&browser, login, &[]).await;
        let id_token = claims(tokens["id_token"].as_str().unwrap());
        assert_eq!(id_token["sub"], app.account(login).await.id, "{name}");
    }
}

#[actix_web::test]
async fn without_trusted_cas_an_aal3_request_is_unmet_at_once() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let url = app.auth_url(&[("acr_values", "urn:vhod:aal3")]);
    let back = browser.follow(browser.get(&url).await).await;
    assert!(back.url.as_str().starts_with(REDIRECT), "{}", back.url);
    assert_eq!(
        query(&back.url, "error").as_deref(),
        Some("unmet_authentication_requirements")
    );
    let page = browser.follow(browser.get("/login").await).await;
    assert!(
        !page.body.contains("/login/certificate"),
        "no link to nothing"
    );
    let off = browser.get("/login/certificate").await;
    assert_eq!(off.status(), 404);
    assert!(off.text().await.unwrap().contains("не настроен"));
}

#[actix_web::test]
async fn the_page_speaks_english_when_the_portal_asks() {
    let trust = trust();
    let stranger = TestCa::root("Foreign CA", KeyKind::P256).unwrap();
    let app = app_trusting(&trust).await;
    let browser = app.browser();
    let url = app.auth_url(&[("acr_values", "urn:vhod:aal3"), ("ui_locales", "en")]);
    let login = browser.follow(browser.get(&url).await).await;
    assert!(
        login.body.contains("Log in with a certificate"),
        "{}",
        login.body
    );
    let flow = query(&login.url, "flow").unwrap();
    let page = certificate_page(&browser, Some(&flow)).await;
    assert!(page.body.contains("a password is not enough"));
    let issued = stranger.issue(&holder()).unwrap();
    let refused = sign_in(
        &browser,
        &page,
        &issued.certificate_pem,
        &issued.private_key_pem,
    )
    .await;
    assert_eq!(refused.status, 403);
    assert_eq!(
        error_of(&refused),
        "Wrong certificate: the certificate was issued by a certification authority this server does not trust."
    );
}
