//! A person from nothing to confirmed, by each of the seeds' three ways,
//! through the real pages and field names, reading codes from the outbox;
//! tokens show each new level only after a new login.

use std::time::{Duration, Instant};

use esign::testca::{Holder, KeyKind, TestCa};

use crate::harness::*;

const PHONE: &str = "+79990007788";
const PASSWORD_CHOSEN: &str = "Levels-pass1";

#[derive(Clone, Copy, Debug)]
enum Way {
    ServiceCentre,
    Post,
    Signature,
}

/// The account level the portal sees after logging in with `browser`.
async fn level_in_tokens(app: &TestApp, browser: &Browser) -> String {
    let page = browser.follow(browser.get(&app.auth_url(&[])).await).await;
    let url = if page.url.path() == "/login" {
        let (csrf, flow) = (page.csrf(), page.hidden("flow"));
        let next = browser
            .submit(
                "/login",
                &[
                    ("csrf", &csrf),
                    ("flow", &flow),
                    ("login", PHONE),
                    ("password", PASSWORD_CHOSEN),
                ],
            )
            .await;
        if next.url.path() == "/consent" {
            next.consent(browser, "allow").await.url
        } else {
            next.url
        }
    } else if page.url.path() == "/consent" {
        page.consent(browser, "allow").await.url
    } else {
        page.url
    };
    let code = query(&url, "code").unwrap_or_else(|| panic!("no code: {url}"));
    let res = app
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ])
        .await;
    let tokens: serde_json::Value = res.json().await.unwrap();
    claims(tokens["id_token"].as_str().unwrap())["account_level"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn from_nothing_to_confirmed(way: Way) {
    let ca = TestCa::root("Тестовый УЦ", KeyKind::P256).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, ca.certificate_pem()).unwrap();
    let app = TestApp::builder()
        .config(move |c| c.esign_ca_files = vec![ca_file])
        .spawn()
        .await;
    let browser = app.browser();

    // 1. Registration: simplified.
    let form = browser.follow(browser.get("/register").await).await;
    let csrf = form.csrf();
    let page = browser
        .submit(
            "/register",
            &[
                ("csrf", &csrf),
                ("last_name", "Ёлкина"),
                ("first_name", "Вера"),
                ("contact", "8 999 000-77-88"),
            ],
        )
        .await;
    let code = app.newest_message(PHONE, 1).await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let reg = page.hidden("reg");
    let page = browser
        .submit(
            "/register/code",
            &[("csrf", &csrf), ("reg", &reg), ("code", &code)],
        )
        .await;
    assert_eq!(page.url.path(), "/register/password");
    browser
        .submit(
            "/register/password",
            &[
                ("csrf", &csrf),
                ("reg", &reg),
                ("password", PASSWORD_CHOSEN),
                ("password2", PASSWORD_CHOSEN),
            ],
        )
        .await;
    assert_eq!(level_in_tokens(&app, &browser).await, "simplified");

    // 2. The profile, checked against the registries: standard.
    let page = browser
        .submit(
            "/account",
            &[
                ("csrf", &csrf),
                ("action", "submit"),
                ("last_name", "Ёлкина"),
                ("first_name", "Вера"),
                ("middle_name", "Павловна"),
                ("gender", "female"),
                ("birthdate", "1990-05-17"),
                ("birthplace", "г. Казань"),
                ("snils", "112-233-448 98"),
                ("passport_series", "9211"),
                ("passport_number", "345678"),
                ("passport_issued", "2010-06-01"),
                ("passport_issuer", "УФМС России по Республике Татарстан"),
                ("passport_issuer_code", "160-005"),
                ("inn", "500100732259"),
            ],
        )
        .await;
    assert!(
        page.body.contains("Данные отправлены на проверку"),
        "{}",
        page.body
    );
    app.clock.advance(app.state.config.registry_delay_secs);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !browser
        .follow(browser.get("/account").await)
        .await
        .body
        .contains("Проверка пройдена")
    {
        assert!(Instant::now() < deadline, "the check never passed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        level_in_tokens(&app, &browser).await,
        "simplified",
        "the session's snapshot"
    );
    let fresh = app.browser();
    assert_eq!(
        level_in_tokens(&app, &fresh).await,
        "standard",
        "after a new login"
    );

    // 3. Confirmation, the chosen way: confirmed.
    let page = fresh.follow(fresh.get("/account/confirm").await).await;
    let csrf = page.csrf();
    match way {
        Way::ServiceCentre => {
            let out = crate::operations::idp(
                &app.state.config,
                &[
                    "users",
                    "confirm",
                    "8 (999) 000-77-88",
                    "--document",
                    "92 11 345678",
                    "--operator",
                    "Оператор ЦО № 5",
                ],
            );
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Way::Post => {
            let address = "420111, г. Казань, ул. Баумана, д. 3, кв. 4";
            fresh
                .submit(
                    "/account/confirm",
                    &[("csrf", &csrf), ("action", "order"), ("address", address)],
                )
                .await;
            let letter = app.newest_message(address, 1).await;
            let code = letter["code"].as_str().unwrap();
            let done = fresh
                .submit(
                    "/account/confirm",
                    &[("csrf", &csrf), ("action", "code"), ("code", code)],
                )
                .await;
            assert_eq!(done.url.path(), "/account");
        }
        Way::Signature => {
            let issued = ca
                .issue(&Holder::person(
                    "Ёлкина",
                    "Вера Павловна",
                    "11223344898",
                    "500100732259",
                ))
                .unwrap();
            let marker = "data-challenge=\"";
            let start = page.body.find(marker).unwrap() + marker.len();
            let end = page.body[start..].find('"').unwrap() + start;
            let challenge = page.body[start..end]
                .replace("&#x2d;", "-")
                .replace("&#x3a;", ":");
            let (signature, _) =
                esign::sign_challenge(&issued.private_key_pem, &challenge).unwrap();
            let done = fresh
                .submit(
                    "/account/confirm",
                    &[
                        ("csrf", &csrf),
                        ("action", "signature"),
                        ("certificate", &issued.certificate_pem),
                        ("signature", &signature),
                    ],
                )
                .await;
            assert_eq!(done.url.path(), "/account", "{}", done.body);
        }
    }
    let account = app
        .state
        .sql
        .account_by_login(PHONE)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        account.level,
        idp::model::AccountLevel::Confirmed,
        "{way:?}"
    );
    assert_eq!(
        level_in_tokens(&app, &fresh).await,
        "standard",
        "the session's snapshot"
    );
    let newest = app.browser();
    assert_eq!(
        level_in_tokens(&app, &newest).await,
        "confirmed",
        "after a new login"
    );
}

#[actix_web::test]
async fn from_nothing_to_confirmed_at_a_service_centre() {
    from_nothing_to_confirmed(Way::ServiceCentre).await;
}

#[actix_web::test]
async fn from_nothing_to_confirmed_by_a_code_by_post() {
    from_nothing_to_confirmed(Way::Post).await;
}

#[actix_web::test]
async fn from_nothing_to_confirmed_by_an_electronic_signature() {
    from_nothing_to_confirmed(Way::Signature).await;
}
