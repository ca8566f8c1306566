//! The conformance suite, run against `idp serve --demo` over real HTTP:
//! every module must PASS (or say why it cannot apply).

use conformance_tests::config::{ClientCreds, FormFields, SuiteConfig};
use idp::config::Config;

use crate::harness::*;

#[actix_web::test]
async fn every_conformance_module_passes_against_serve_demo() {
    let mut config = Config::default();
    let _isolation = Isolation::new(&mut config);
    let (_server, url) = crate::e2e::start_demo(&config).await;
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
        assert!(
            conformance_tests::acceptable(result),
            "{} is {}: {}\n{table}",
            result.name,
            result.status,
            result.reason
        );
    }
}
