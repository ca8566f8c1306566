//! The conformance suite, run against `idp serve --demo` over real HTTP:
//! every module must PASS, except the few listed here with the status and
//! reason they are expected to have. A module sliding from PASS to WARNING
//! or SKIPPED fails this test.

use conformance_tests::ModuleStatus as Status;
use conformance_tests::config::{ClientCreds, EsiaClient, FormFields, SuiteConfig};

/// Modules that do not PASS against Vhod on purpose: (name, status, part
/// of the reason).
const EXPECTED: [(&str, Status, &str); 3] = [
    // The test server runs on plain http; Discovery §3 wants https.
    (
        "oidcc-discovery-endpoint-verification",
        Status::Warning,
        "https",
    ),
    // Vhod never issues unsigned ID tokens (`alg: none`).
    ("oidcc-idtoken-unsigned", Status::Skipped, "none"),
    // Vhod does not support request objects.
    (
        "oidcc-ensure-request-object-with-redirect-uri",
        Status::Skipped,
        "request",
    ),
];
use idp::config::Config;

use crate::harness::*;

/// Registers `portal` (key and certificate made by openssl) with the CLI,
/// as a portal would be.
fn register(config: &Config, portal: &crate::esia::Portal) {
    let cert = portal.path("cert.pem");
    let out = crate::operations::idp(
        config,
        &[
            "clients",
            "add",
            "--id",
            "conformance-esia",
            "--name",
            "Conformance suite, ESIA portal",
            "--redirect-uri",
            REDIRECT,
            "--protocol",
            "esia",
            "--certificate",
            cert.to_str().unwrap(),
            "--scopes",
            "openid fullname",
        ],
    );
    assert!(out.status.success(), "{out:?}");
}

#[actix_web::test]
async fn every_conformance_module_passes_against_serve_demo() {
    let mut config = Config::default();
    config.esia.enabled = true;
    let _isolation = Isolation::new(&mut config);
    let (_server, url) = crate::e2e::start_demo(&config).await;
    // The `esia` modules' portal: a key and certificate made by openssl,
    // registered with the CLI as a portal would be.
    let portal = crate::esia::Portal::new("conformance-esia");
    register(&config, &portal);
    let cfg = SuiteConfig {
        issuer: url,
        client: ClientCreds {
            id: DEMO_CLIENT.into(),
            secret: Some(DEMO_SECRET.into()),
        },
        client2: Some(ClientCreds {
            id: "conformance-2".into(),
            secret: Some("conformance-2-secret".into()),
        }),
        public_client: Some(ClientCreds {
            id: "conformance-public".into(),
            secret: None,
        }),
        redirect_uri: REDIRECT.into(),
        post_logout_redirect_uri: Some(POST_LOGOUT.into()),
        login: STANDARD.into(),
        password: PASSWORD.into(),
        forms: FormFields::default(),
        only: Vec::new(),
        esia: Some(EsiaClient {
            id: "conformance-esia".into(),
            key_file: portal.path("key.pem"),
            cert_file: portal.path("cert.pem"),
            issuer: "http://esia.gosuslugi.ru/".into(),
        }),
    };
    // The suite is synchronous (blocking HTTP): run it off the executor.
    let report = tokio::task::spawn_blocking(move || conformance_tests::run(&cfg))
        .await
        .unwrap()
        .expect("the suite runs");
    let table = report.table();
    assert_eq!(
        report.results.len(),
        conformance_tests::modules::all().len(),
        "every module ran\n{table}"
    );
    for result in &report.results {
        let (status, reason) = EXPECTED
            .iter()
            .find(|(name, _, _)| *name == result.name)
            .map_or((Status::Pass, ""), |(_, status, reason)| (*status, *reason));
        assert!(
            result.status == status && result.reason.contains(reason),
            "{} is {} ({}), expected {status} with a reason mentioning `{reason}`\n{table}",
            result.name,
            result.status,
            result.reason
        );
    }
}

/// The `esia` modules can fail: against a provider whose ESIA mode is off
/// every one of them FAILs, and with a key the provider does not know the
/// modules that need an accepted signature FAIL too.
#[actix_web::test]
async fn the_esia_modules_fail_where_esia_is_wrong() {
    let mut config = Config::default();
    let _isolation = Isolation::new(&mut config);
    let (_server, url) = crate::e2e::start_demo(&config).await;
    let portal = crate::esia::Portal::new("conformance-esia");
    let stranger = crate::esia::Portal::new("conformance-esia");
    register(&config, &portal);
    // ESIA mode off: 404 everywhere.
    let off = esia_suite(url.clone(), &portal).await;
    assert_eq!(off.results.len(), 7, "{}", off.table());
    for result in &off.results {
        assert_eq!(result.status, Status::Fail, "{}", off.table());
    }
    drop(_server);
    config.esia.enabled = true;
    let (_server, url) = crate::e2e::start_demo(&config).await;
    let foreign = esia_suite(url, &stranger).await;
    for result in &foreign.results {
        let refusal =
            ["esia-bad-signature", "esia-stale-timestamp"].contains(&result.name.as_str());
        let expected = if refusal { Status::Pass } else { Status::Fail };
        assert_eq!(result.status, expected, "{}", foreign.table());
    }
}

/// Runs the `esia` modules against `url`, signing as `signer`.
async fn esia_suite(
    url: String,
    signer: &crate::esia::Portal,
) -> conformance_tests::report::Report {
    let cfg = SuiteConfig {
        issuer: url,
        client: ClientCreds {
            id: DEMO_CLIENT.into(),
            secret: Some(DEMO_SECRET.into()),
        },
        client2: None,
        public_client: None,
        redirect_uri: REDIRECT.into(),
        post_logout_redirect_uri: None,
        login: STANDARD.into(),
        password: PASSWORD.into(),
        forms: FormFields::default(),
        only: vec!["esia-".into()],
        esia: Some(EsiaClient {
            id: "conformance-esia".into(),
            key_file: signer.path("key.pem"),
            cert_file: signer.path("cert.pem"),
            issuer: "http://esia.gosuslugi.ru/".into(),
        }),
    };
    tokio::task::spawn_blocking(move || conformance_tests::run(&cfg))
        .await
        .unwrap()
        .expect("the suite runs")
}
