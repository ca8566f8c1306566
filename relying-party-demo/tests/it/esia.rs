//! The cabinet in ESIA mode (`--protocol esia`) against `idp serve --demo`:
//! it signs with the key and certificate the demo made under
//! `<data_dir>/demo-esia/`, registered as an ESIA client of its own, and
//! checks tokens with the key the demo exported. In headless Chromium, as
//! `browser` does for OpenID Connect: demo patients and the clinic's staff
//! log in through the provider's pages, the level- and role-gated areas
//! open or are refused as ESIA's data says, and logout ends both sessions.

use relying_party_demo::Config;
use relying_party_demo::config::Protocol;
use relying_party_demo::esia::{EsiaConfig, SCOPE};

use crate::browser::{AREAS, Driver, STAFF_AREAS, Shots, log_in, log_out_of_both, opens};
use crate::harness::*;

/// Registers a cabinet on `port` as an ESIA client with the demo's
/// certificate; its settings.
fn register_esia(provider: &Provider, port: u16) -> Config {
    let id = format!("cabinet-esia-{port}");
    let base = format!("http://127.0.0.1:{port}");
    let files = provider.dir.path().join("demo-esia");
    let certificate = files.join("cabinet.pem");
    provider.cli(&[
        "clients",
        "add",
        "--id",
        &id,
        "--name",
        "Медкабинет (тест, ЕСИА)",
        "--redirect-uri",
        &format!("{base}/callback"),
        "--post-logout-uri",
        &format!("{base}/"),
        "--protocol",
        "esia",
        "--certificate",
        certificate.to_str().unwrap(),
        "--scopes",
        SCOPE,
    ]);
    Config {
        protocol: Protocol::Esia,
        esia: EsiaConfig {
            client_id: id,
            certificate,
            key: files.join("cabinet.key"),
            token_key: files.join("esia-token-key.pem"),
            issuer: "http://esia.gosuslugi.ru/".into(),
        },
        ..Config::demo()
    }
}

async fn esia_cabinet(provider: &Provider) -> Cabinet {
    Cabinet::start_with(provider, |port| register_esia(provider, port)).await
}

/// Which of `areas` open for `login` (choosing `act_for` at the provider).
async fn areas_in_esia_mode(
    driver: &Driver,
    provider: &Provider,
    cabinet: &Cabinet,
    login: &str,
    act_for: Option<&str>,
    areas: &[(&str, &str)],
) -> Vec<bool> {
    let browser = driver.browser_in("ru").await;
    let mut shots = Shots::under("cabinet-e2e-esia", login);
    log_in(&browser, provider, cabinet, login, act_for, &mut shots).await;
    let mut open = Vec::new();
    for (path, refusal) in areas {
        open.push(opens(&browser, cabinet, path, refusal, &mut shots).await);
    }
    log_out_of_both(&browser, provider, cabinet, &mut shots).await;
    browser.close().await.unwrap();
    open
}

#[actix_web::test]
async fn demo_patients_log_in_by_esia_and_open_the_areas_of_their_level() {
    let provider = Provider::start().await;
    let cabinet = esia_cabinet(&provider).await;
    let driver = Driver::start().await;
    // Reference, booking, records, medical worker, staff, staff employees.
    // The level: `is_tru` (confirmed), else a verified passport (standard).
    // ESIA does not say whom the person acts for: the clinic's administrator
    // acts for the clinic (its `/roles`), so the staff areas open for her.
    let expected = [
        (SIMPLE, [true, false, false, false, false, false]),
        (STANDARD, [true, true, false, false, false, false]),
        (CONFIRMED, [true, true, true, true, true, true]),
    ];
    for (login, areas) in expected {
        let open = areas_in_esia_mode(&driver, &provider, &cabinet, login, None, &AREAS).await;
        assert_eq!(open, areas, "{login}");
    }
}

#[actix_web::test]
async fn the_clinics_staff_log_in_by_esia_and_open_the_areas_of_their_esia_role() {
    let provider = Provider::start().await;
    let cabinet = esia_cabinet(&provider).await;
    let driver = Driver::start().await;
    // Staff list, reports, own schedule, medical worker (ФРМР). ESIA's
    // `/roles` knows the administrator and the head (`chief`) only: the
    // clinic's manager, who is not its head, is an employee here.
    let expected = [
        (DOCTOR, [false, false, true, true]),
        (MANAGER, [false, false, true, false]),
    ];
    for (login, areas) in expected {
        let open = areas_in_esia_mode(
            &driver,
            &provider,
            &cabinet,
            login,
            Some(CLINIC),
            &STAFF_AREAS,
        )
        .await;
        assert_eq!(open, areas, "{login}");
    }
    // The session is ESIA's: the person is the oid, no refresh token.
    let agent = Agent::default();
    agent.log_in(&provider, &cabinet, DOCTOR).await;
    let session = agent.session(&cabinet).await.expect("logged in");
    assert!(session.person.sub.parse::<i64>().unwrap() > 1_000_000_000);
    assert!(session.tokens.refresh.is_none());
    let org = session.person.org.expect("acts for the clinic");
    assert_eq!(org.inn, "7701000019");
}

/// `idp serve --demo` registers `medcabinet-esia` with the certificate it
/// made for the cabinet, so that `cabinet --protocol esia` works with the
/// defaults.
#[actix_web::test]
async fn the_demo_registers_the_cabinets_esia_client() {
    let provider = Provider::start().await;
    let files = provider.dir.path().join("demo-esia");
    let shown = provider.cli(&["clients", "show", "medcabinet-esia"]);
    assert!(shown.contains("esia"), "{shown}");
    let certificate = std::fs::read(files.join("cabinet.pem")).unwrap();
    let hash = esign::client_certificate_hash(&certificate).unwrap();
    assert!(shown.contains(&hash), "{shown}");
    let exported = provider.cli(&["esia", "export-key", "--all"]);
    let written = std::fs::read_to_string(files.join("esia-token-key.pem")).unwrap();
    assert_eq!(written, exported);
    let defaults = Config::demo();
    assert_eq!(defaults.esia.client_id, "medcabinet-esia");
    assert!(defaults.esia.certificate.ends_with("demo-esia/cabinet.pem"));
    assert!(provider.printed().contains("medcabinet-esia"));
}

/// The callback's refusals in ESIA mode, without a browser: the person
/// declines at the provider, an answer is replayed, and an ID token that
/// does not verify as ESIA's (another `iss` than the cabinet expects, or
/// a key it was not given) gets the error page, never a session.
#[actix_web::test]
async fn refusals_in_esia_mode_get_the_cabinets_error_pages() {
    let provider = Provider::start().await;
    let cabinet = esia_cabinet(&provider).await;

    let agent = Agent::default();
    let authorize = agent.start_login(&cabinet).await;
    assert_eq!(authorize.path(), "/aas/oauth2/v2/ac");
    let back = agent
        .log_in_at_provider(&provider, authorize.as_str(), SIMPLE, "deny")
        .await;
    let page = agent.get(back.as_str()).await;
    assert_eq!(
        page.error_code().as_deref(),
        Some("access_denied"),
        "{page:?}"
    );
    assert!(agent.session(&cabinet).await.is_none());

    let agent = Agent::default();
    let authorize = agent.start_login(&cabinet).await;
    let back = agent
        .log_in_at_provider(&provider, authorize.as_str(), SIMPLE, "allow")
        .await;
    let page = agent.get(back.as_str()).await;
    assert_eq!((page.status.as_u16(), page.url.path()), (303, "/health"));
    let again = agent.get(back.as_str()).await;
    assert_eq!(again.error_code().as_deref(), Some("no_login"), "{again:?}");

    // Another RSA key than the provider's, made by openssl.
    let dir = tempfile::tempdir().unwrap();
    let other_key = dir.path().join("other.pem");
    let made = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 | openssl pkey -pubout -out {}",
            other_key.display()
        ))
        .status()
        .unwrap();
    assert!(made.success());
    let wrong_issuer = |config: &mut Config| config.esia.issuer = "https://esia.example/".into();
    let wrong_key = |config: &mut Config| config.esia.token_key = other_key.clone();
    let breaks: [&dyn Fn(&mut Config); 2] = [&wrong_issuer, &wrong_key];
    for (i, broken) in breaks.into_iter().enumerate() {
        let cabinet = Cabinet::start_with(&provider, |port| {
            let mut config = register_esia(&provider, port);
            broken(&mut config);
            config
        })
        .await;
        let agent = Agent::default();
        let page = agent.log_in(&provider, &cabinet, SIMPLE).await;
        assert_eq!(
            page.error_code().as_deref(),
            Some("id_token"),
            "{i}: {page:?}"
        );
        assert!(agent.session(&cabinet).await.is_none());
    }
}
