//! The provider's own pages in a real browser, in Russian and in English:
//! logged out (the home page's login form, registration, recovery, the
//! certificate page, the code step, a stale unlock link, a page that does
//! not exist), then as the clinic's admin every account page, the
//! clinic's pages and the logout. Each is checked like a cabinet page
//! (`browser::check_page`: no sideways scrolling at 390 px, one line of
//! navigation at 1280 px, axe-core without serious or critical
//! violations), photographed at both widths under
//! `test-output/provider/`, and must offer a way forward (a link or a
//! button).

use fantoccini::{Client, Locator};

use crate::browser::{Driver, Shots, check_page, click, path_of, type_into};
use crate::harness::*;

/// Checks the page at `path` and that it leads somewhere.
async fn visit(browser: &Client, provider: &Provider, shots: &mut Shots, name: &str, path: &str) {
    browser
        .goto(&format!("{}{path}", provider.url))
        .await
        .unwrap();
    check_page(browser, shots, name).await;
    let forward = browser
        .find_all(Locator::Css("main a[href], main button, header a[href]"))
        .await
        .unwrap();
    assert!(!forward.is_empty(), "{path}: a dead end");
}

/// Logs in with the login form of the page the browser shows.
async fn log_in(browser: &Client, login: &str) {
    type_into(browser, "login", login).await;
    type_into(browser, "password", PASSWORD).await;
    click(browser, "form[action='/login'] button[type=submit]").await;
}

/// «Регистрация организации» signed in the browser with the demo's
/// certificate of the unregistered «ООО «Ромашка»», one field wrong: the
/// page comes back naming whose certificate it keeps, with the signature,
/// so nothing is chosen again.
async fn org_form_keeps_the_certificate(
    browser: &Client,
    provider: &Provider,
    shots: &mut Shots,
    lang: &str,
) {
    browser
        .goto(&format!("{}/orgs/new", provider.url))
        .await
        .unwrap();
    let source = browser.source().await.unwrap();
    assert!(
        source.contains("name=\"full_name\""),
        "no form to fill: {source}"
    );
    for (name, value) in [
        (
            "full_name",
            "Общество с ограниченной ответственностью «Ромашка»",
        ),
        ("short_name", "ООО «Ромашка»"),
        ("ogrn", "1027700000030"),
        ("inn", "7701000034"),
        ("kpp", "770101001"),
        ("legal_address", "г. Москва, ул. Ленина, д. 1"),
        ("actual_address", "г. Москва, ул. Ленина, д. 1"),
    ] {
        type_into(browser, name, value).await;
    }
    let ca = provider.dir.path().join("demo-ca");
    for (input, file) in [
        ("#certificate-file", "company.pem"),
        ("#key-file", "company.key"),
    ] {
        let path = ca.join(file).display().to_string();
        let field = browser.find(Locator::Css(input)).await.unwrap();
        field.send_keys(&path).await.unwrap();
    }
    // The page's script signs with the key file: wait for the signature.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let signed = browser
            .execute(
                "return document.getElementById('signature').value.length > 0;",
                vec![],
            )
            .await
            .unwrap();
        if signed.as_bool() == Some(true) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the browser did not sign"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    click(browser, "#signature-form button[type=submit]").await;
    let chosen = browser
        .find(Locator::Css("#certificate-chosen"))
        .await
        .expect("the refused form keeps the certificate")
        .text()
        .await
        .unwrap();
    let says = match lang {
        "ru" => {
            "Сертификат выбран: Подтверждёнов Иван Сергеевич, ООО «Ромашка», ОГРН 1027700000030."
        }
        _ => "Certificate chosen: Подтверждёнов Иван Сергеевич, ООО «Ромашка», OGRN 1027700000030.",
    };
    assert!(chosen.starts_with(says), "{chosen}");
    browser
        .execute(
            "document.getElementById('certificate-chosen').scrollIntoView({block: 'center'});",
            vec![],
        )
        .await
        .unwrap();
    check_page(browser, shots, "org-new-kept").await;
}

async fn walk(driver: &Driver, provider: &Provider, lang: &str) {
    let browser = driver.browser_in(lang).await;
    let mut shots = Shots::under("provider", lang);
    for (name, path) in [
        ("home-login", "/"),
        ("register", "/register"),
        ("recover", "/recover"),
        ("certificate", "/login/certificate"),
        ("unlock", "/unlock?token=stale"),
        ("not-found", "/nowhere"),
    ] {
        visit(&browser, provider, &mut shots, name, path).await;
    }
    // A wrong password: the error, tied to its fields.
    visit(&browser, provider, &mut shots, "login", "/").await;
    type_into(&browser, "login", SIMPLE).await;
    type_into(&browser, "password", "Wrong-pass1").await;
    click(&browser, "form[action='/login'] button[type=submit]").await;
    check_page(&browser, &mut shots, "login-refused").await;
    // The code step of the demo's two-factor account, then cancelled.
    visit(&browser, provider, &mut shots, "login", "/").await;
    log_in(&browser, TWO_FACTOR).await;
    assert_eq!(path_of(&browser).await, "/login/code");
    check_page(&browser, &mut shots, "code").await;
    click(&browser, "#cancel").await;
    assert_eq!(path_of(&browser).await, "/");

    log_in(&browser, CONFIRMED).await;
    assert_eq!(path_of(&browser).await, "/");
    for (name, path) in [
        ("home", "/"),
        ("profile", "/account"),
        ("confirm", "/account/confirm"),
        ("security", "/account/security"),
        ("sessions", "/account/sessions"),
        ("consents", "/account/consents"),
        ("org-new", "/orgs/new"),
        ("orgs", "/orgs"),
    ] {
        visit(&browser, provider, &mut shots, name, path).await;
    }
    let clinic = browser
        .execute(
            "const a = [...document.querySelectorAll('main a[href^=\"/orgs/\"]')] \
               .find(a => a.getAttribute('href') !== '/orgs/new'); return a && a.getAttribute('href');",
            vec![],
        )
        .await
        .unwrap();
    let clinic = clinic
        .as_str()
        .expect("the clinic on «Организации»")
        .to_owned();
    org_form_keeps_the_certificate(&browser, provider, &mut shots, lang).await;
    visit(&browser, provider, &mut shots, "clinic", &clinic).await;
    let journal = format!("{clinic}/journal");
    visit(&browser, provider, &mut shots, "journal", &journal).await;

    click(&browser, "#logout").await;
    assert_eq!(path_of(&browser).await, "/logout");
    check_page(&browser, &mut shots, "logout").await;
    click(&browser, "form[action='/logout'] button[type=submit]").await;
    check_page(&browser, &mut shots, "logged-out").await;
    click(&browser, "#login-again").await;
    assert_eq!(path_of(&browser).await, "/");
    browser.close().await.unwrap();
}

#[actix_web::test]
async fn every_provider_page_fits_any_screen_and_passes_axe_in_both_languages() {
    let provider = Provider::start().await;
    let driver = Driver::start().await;
    for lang in ["ru", "en"] {
        walk(&driver, &provider, lang).await;
    }
}
