//! Confirming an identity with a qualified electronic signature: the
//! person signs the page's challenge with a certificate from a trusted CA
//! (the test CA of the `esign` crate), whose SNILS and name must be the
//! profile's. Every refusal says «Неверный сертификат» and why.

use esign::testca::{Holder, KeyKind, TestCa};
use idp::audit::events;
use idp::model::AccountLevel;

use crate::harness::*;

/// STANDARD's certificate data, as the demo seeds the account.
pub fn holder() -> Holder {
    Holder::person(
        "Стандартова",
        "Анна Ивановна",
        "11223344696",
        "770000000156",
    )
}

pub struct Trust {
    pub ca: TestCa,
    _dir: tempfile::TempDir,
    ca_file: std::path::PathBuf,
    crl_file: Option<std::path::PathBuf>,
}

/// A CA written to a file the provider trusts (no CRL: see [`revoking`]).
pub fn trust() -> Trust {
    let ca = TestCa::root("Тестовый УЦ", KeyKind::P256).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, ca.certificate_pem()).unwrap();
    Trust {
        ca,
        _dir: dir,
        ca_file,
        crl_file: None,
    }
}

/// A provider that trusts `trust`'s CA (and its CRL), to configure further.
pub fn trusting(trust: &Trust) -> Builder {
    let (ca, crl) = (trust.ca_file.clone(), trust.crl_file.clone());
    TestApp::builder().config(move |c| {
        c.esign_ca_files = vec![ca];
        c.esign_crl_files = crl.into_iter().collect();
    })
}

pub async fn app_trusting(trust: &Trust) -> TestApp {
    trusting(trust).spawn().await
}

/// A browser logged in as STANDARD on the confirmation page.
async fn confirm_page(app: &TestApp) -> (Browser, Page) {
    let browser = app.logged_in(STANDARD).await;
    let page = browser.follow(browser.get("/account/confirm").await).await;
    (browser, page)
}

/// The challenge a signing page shows.
pub fn challenge(page: &Page) -> String {
    let marker = "data-challenge=\"";
    let start = page.body.find(marker).expect("a challenge on the page") + marker.len();
    let end = page.body[start..].find('"').unwrap() + start;
    page.body[start..end]
        .replace("&#x2d;", "-")
        .replace("&#45;", "-")
        .replace("&#x3a;", ":")
        .replace("&#58;", ":")
}

async fn sign_and_send(browser: &Browser, page: &Page, certificate: &str, key: &str) -> Page {
    let (signature, _) = esign::sign_challenge(key, &challenge(page)).unwrap();
    let csrf = page.csrf();
    browser
        .submit(
            "/account/confirm",
            &[
                ("csrf", &csrf),
                ("action", "signature"),
                ("certificate", certificate),
                ("signature", &signature),
            ],
        )
        .await
}

/// The error a page shows.
pub fn error_of(page: &Page) -> String {
    let start = page
        .body
        .find("id=\"form-error\">")
        .unwrap_or_else(|| panic!("no error: {}", page.body))
        + 16;
    let end = page.body[start..].find('<').unwrap() + start;
    page.body[start..end].to_owned()
}

async fn level(app: &TestApp) -> AccountLevel {
    app.account(STANDARD).await.level
}

#[actix_web::test]
async fn a_certificate_of_the_person_confirms_the_identity() {
    let trust = trust();
    let app = app_trusting(&trust).await;
    let (browser, page) = confirm_page(&app).await;
    assert!(page.body.contains("Электронной подписью"));
    // The page runs the signer, and only scripts of its own.
    let res = browser.get("/account/confirm").await;
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline'; script"),
        "{csp}"
    );
    assert_eq!(browser.get("/static/sign.js").await.status(), 200);

    let issued = trust.ca.issue(&holder()).unwrap();
    let done = sign_and_send(
        &browser,
        &page,
        &issued.certificate_pem,
        &issued.private_key_pem,
    )
    .await;
    assert_eq!(done.url.path(), "/account", "{}", done.body);
    assert_eq!(level(&app).await, AccountLevel::Confirmed);
    let id = app
        .state
        .sql
        .account_by_login(STANDARD)
        .await
        .unwrap()
        .unwrap()
        .id;
    let entry = app
        .state
        .sql
        .audit_tail(Some(id), Some(events::ACCOUNT_CONFIRMED.into()), 1)
        .await
        .unwrap();
    assert!(entry[0].detail.contains("signature") && entry[0].detail.contains(&issued.serial_hex));
}

#[actix_web::test]
async fn every_wrong_certificate_is_refused_with_the_reason() {
    let trust = trust();
    let stranger = TestCa::root("Чужой УЦ", KeyKind::P256).unwrap();
    let app = app_trusting(&trust).await;
    let now = chrono::Utc::now().timestamp();
    let expired = Holder {
        not_before_unix: now - 400 * 86400,
        not_after_unix: now - 86400,
        ..holder()
    };
    let other_snils = Holder::person(
        "Стандартова",
        "Анна Ивановна",
        "11223344595",
        "770000000156",
    );
    let other_name = Holder::person("Иванова", "Анна Ивановна", "11223344696", "770000000156");
    let cases: Vec<(&str, esign::testca::Issued)> = vec![
        (
            "срок действия сертификата истёк",
            trust.ca.issue(&expired).unwrap(),
        ),
        (
            "центром, которому портал не доверяет",
            stranger.issue(&holder()).unwrap(),
        ),
        (
            "СНИЛС в сертификате не совпадает",
            trust.ca.issue(&other_snils).unwrap(),
        ),
        (
            "не совпадают с «Моими данными»",
            trust.ca.issue(&other_name).unwrap(),
        ),
    ];
    for (says, issued) in cases {
        let (browser, page) = confirm_page(&app).await;
        let refused = sign_and_send(
            &browser,
            &page,
            &issued.certificate_pem,
            &issued.private_key_pem,
        )
        .await;
        assert_eq!(refused.status, 400, "{says}");
        let error = error_of(&refused);
        assert!(error.starts_with("Неверный сертификат: "), "{error}");
        assert!(error.contains(says), "{says}: {error}");
    }
    // A signature by another key than the certificate's is refused.
    let (browser, page) = confirm_page(&app).await;
    let mine = trust.ca.issue(&holder()).unwrap();
    let other = trust.ca.issue(&holder()).unwrap();
    let refused = sign_and_send(
        &browser,
        &page,
        &mine.certificate_pem,
        &other.private_key_pem,
    )
    .await;
    assert!(error_of(&refused).starts_with("Неверный сертификат"));
    // Garbage is a clear refusal too.
    let (browser, page) = confirm_page(&app).await;
    let csrf = page.csrf();
    let garbage = browser
        .submit(
            "/account/confirm",
            &[
                ("csrf", &csrf),
                ("action", "signature"),
                (
                    "certificate",
                    "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----",
                ),
                ("signature", "zz"),
            ],
        )
        .await;
    assert_eq!(garbage.status, 400);
    assert!(error_of(&garbage).starts_with("Неверный сертификат"));
    assert_eq!(level(&app).await, AccountLevel::Standard);
}

/// The CA of `trust`, now with a CRL that revokes `serial`.
pub fn revoking(trust: &Trust, serial: &str) -> Trust {
    let dir = tempfile::tempdir().unwrap();
    let now = chrono::Utc::now().timestamp();
    let crl = trust
        .ca
        .crl(&[serial], now - 3600, now + 30 * 86400)
        .unwrap();
    let crl_file = dir.path().join("ca.crl");
    std::fs::write(&crl_file, crl).unwrap();
    Trust {
        ca: TestCa::load(trust.ca.certificate_pem(), &trust.ca.private_key_pem()).unwrap(),
        _dir: dir,
        ca_file: trust.ca_file.clone(),
        crl_file: Some(crl_file),
    }
}

#[actix_web::test]
async fn a_revoked_certificate_is_refused() {
    let ca_only = trust();
    let issued = ca_only.ca.issue(&holder()).unwrap();
    let app = app_trusting(&revoking(&ca_only, &issued.serial_hex)).await;
    let (browser, page) = confirm_page(&app).await;
    let refused = sign_and_send(
        &browser,
        &page,
        &issued.certificate_pem,
        &issued.private_key_pem,
    )
    .await;
    assert!(
        error_of(&refused).contains("отозван"),
        "{}",
        error_of(&refused)
    );
    assert_eq!(level(&app).await, AccountLevel::Standard);
}

#[actix_web::test]
async fn a_challenge_is_good_for_one_attempt() {
    let trust = trust();
    let app = app_trusting(&trust).await;
    let (browser, page) = confirm_page(&app).await;
    let stale = challenge(&page);
    let wrong = trust
        .ca
        .issue(&Holder::person(
            "Иванова",
            "Анна",
            "11223344595",
            "770000000156",
        ))
        .unwrap();
    sign_and_send(
        &browser,
        &page,
        &wrong.certificate_pem,
        &wrong.private_key_pem,
    )
    .await;
    // The right certificate over the used challenge: refused.
    let issued = trust.ca.issue(&holder()).unwrap();
    let (signature, _) = esign::sign_challenge(&issued.private_key_pem, &stale).unwrap();
    let csrf = page.csrf();
    let replay = browser
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
    // The used challenge was replaced: the old signature matches nothing.
    assert!(
        error_of(&replay).contains("подпись не соответствует сертификату или запросу"),
        "{}",
        error_of(&replay)
    );
    assert_eq!(level(&app).await, AccountLevel::Standard);
    assert_ne!(challenge(&replay), stale, "a new challenge is shown");
}

/// `idp sign-challenge --key KEY --challenge CHALLENGE`: the signature it prints.
pub fn sign_with_cli(app: &TestApp, key: &std::path::Path, challenge: &str) -> String {
    let out = crate::operations::idp(
        &app.state.config,
        &[
            "sign-challenge",
            "--key",
            key.to_str().unwrap(),
            "--challenge",
            challenge,
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[actix_web::test]
async fn the_cli_signs_a_challenge_the_provider_accepts() {
    let trust = trust();
    let app = app_trusting(&trust).await;
    let issued = trust.ca.issue(&holder()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key.pem");
    std::fs::write(&key, &issued.private_key_pem).unwrap();
    let (browser, page) = confirm_page(&app).await;
    let signature = sign_with_cli(&app, &key, &challenge(&page));
    let csrf = page.csrf();
    let done = browser
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
    assert_eq!(level(&app).await, AccountLevel::Confirmed);
}

/// A standard account that types a new SNILS into «Мои данные» cannot
/// confirm its identity with a certificate of that SNILS before the
/// registries have checked it.
#[actix_web::test]
async fn a_snils_not_yet_checked_confirms_nothing() {
    use crate::profile;
    let trust = trust();
    let app = app_trusting(&trust).await;
    let (browser, page) = profile::logged_in(&app, SIMPLE).await;
    profile::submit(&browser, &page, &[]).await;
    app.clock.advance(app.state.config.registry_delay_secs);
    profile::verification_done(&app, SIMPLE).await;
    assert_eq!(app.account(SIMPLE).await.level, AccountLevel::Standard);
    // Another SNILS, typed in and sent to the registries: not checked yet.
    let page = browser.follow(browser.get("/account").await).await;
    profile::submit(&browser, &page, &[("snils", "112-233-449 99")]).await;
    let typed = Holder {
        inn: None,
        ..Holder::person("Простов", "Пётр Петрович", "11223344999", "")
    };
    let issued = trust.ca.issue(&typed).unwrap();
    let page = browser.follow(browser.get("/account/confirm").await).await;
    assert!(
        page.body.contains("data-challenge"),
        "the signing form is offered"
    );
    let refused = sign_and_send(
        &browser,
        &page,
        &issued.certificate_pem,
        &issued.private_key_pem,
    )
    .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(
        error_of(&refused).contains("ещё не проверен"),
        "{}",
        error_of(&refused)
    );
    assert_eq!(
        app.account(SIMPLE).await.level,
        AccountLevel::Standard,
        "not confirmed"
    );
}
