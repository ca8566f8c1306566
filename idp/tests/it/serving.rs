//! Serving in production: the probes, request ids, the metrics on their own
//! listener, and native TLS with its certificate reloaded in place.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use idp::http::tls::Certificates;

use crate::harness::*;

#[actix_web::test]
async fn healthz_and_readyz_tell_alive_ready_and_draining() {
    let app = TestApp::spawn().await;
    let res = reqwest::get(format!("{}/healthz", app.url)).await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.unwrap(), "ok");
    let res = reqwest::get(format!("{}/readyz", app.url)).await.unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    let redis = if production() { "ok" } else { "none" };
    assert_eq!(
        body,
        serde_json::json!({"status": "ready", "database": "ok", "redis": redis, "keys": "ok"})
    );
    // Once the node is stopping, it is not ready (and says when to retry).
    app.state.shutdown.begin();
    let res = reqwest::get(format!("{}/readyz", app.url)).await.unwrap();
    assert_eq!(res.status(), 503);
    assert_eq!(res.headers()["retry-after"], "5");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "draining");
    let res = reqwest::get(format!("{}/healthz", app.url)).await.unwrap();
    assert_eq!(res.status(), 200, "still alive");
}

#[actix_web::test]
async fn every_response_carries_a_request_id_and_a_sane_given_one_is_kept() {
    let app = TestApp::spawn().await;
    let client = reqwest::Client::new();
    let res = client
        .get(format!("{}/jwks", app.url))
        .send()
        .await
        .unwrap();
    let generated = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(generated.len() >= 8, "{generated}");
    let res = client
        .get(format!("{}/no-such-page", app.url))
        .header("x-request-id", "lb-4f2a.77:1")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(res.headers()["x-request-id"], "lb-4f2a.77:1");
    // The error page shows it as the support code.
    assert!(res.text().await.unwrap().contains("lb-4f2a.77:1"));
    for odd in ["x".repeat(65), "a b".to_owned(), "<script>".to_owned()] {
        let res = client
            .get(format!("{}/jwks", app.url))
            .header("x-request-id", &odd)
            .send()
            .await
            .unwrap();
        assert_ne!(res.headers()["x-request-id"], odd.as_str());
    }
}

/// The value of the series `name` whose labels include every one of
/// `labels`, if the scrape has it.
pub fn series(scrape: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    scrape.lines().find_map(|line| {
        let rest = line.strip_prefix(name)?;
        let (labels_part, value) = match rest.strip_prefix('{') {
            Some(rest) => rest.split_once("} ")?,
            None => ("", rest.strip_prefix(' ')?),
        };
        labels
            .iter()
            .all(|(k, v)| labels_part.contains(&format!("{k}=\"{v}\"")))
            .then(|| value.trim().parse().ok())?
    })
}

#[actix_web::test]
async fn metrics_count_logins_and_tokens_on_their_own_listener_only() {
    let app = TestApp::spawn().await;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let metrics = format!("http://{}/metrics", listener.local_addr().unwrap());
    actix_web::rt::spawn(idp::http::metrics::serve(app.state.clone(), listener).unwrap());
    let tokens = app.tokens(&app.browser(), STANDARD, &[OFFLINE]).await;
    let refresh = tokens["refresh_token"].as_str().unwrap();
    let res = app
        .token(&[("grant_type", "refresh_token"), ("refresh_token", refresh)])
        .await;
    assert_eq!(res.status(), 200);
    let res = reqwest::get(&metrics).await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let scrape = res.text().await.unwrap();
    let at_least_one = |name: &str, labels: &[(&str, &str)]| {
        let value = series(&scrape, name, labels)
            .unwrap_or_else(|| panic!("no {name} {labels:?} in\n{scrape}"));
        assert!(value >= 1.0, "{name} {labels:?} = {value}");
    };
    at_least_one(
        "vhod_logins_total",
        &[("method", "pwd"), ("outcome", "succeeded")],
    );
    at_least_one(
        "vhod_tokens_total",
        &[("grant", "authorization_code"), ("outcome", "issued")],
    );
    at_least_one(
        "vhod_tokens_total",
        &[("grant", "refresh_token"), ("outcome", "issued")],
    );
    at_least_one(
        "vhod_http_requests_total",
        &[("route", "/token"), ("method", "POST"), ("status", "200")],
    );
    at_least_one(
        "vhod_http_request_duration_seconds_count",
        &[("route", "/login")],
    );
    at_least_one("vhod_audit_events_total", &[("event", "login.succeeded")]);
    at_least_one(
        "vhod_signing_keys",
        &[("alg", "RS256"), ("state", "active")],
    );
    for gauge in [
        "vhod_jobs_waiting",
        "vhod_jobs_given_up",
        "vhod_db_pool_connections",
        "vhod_signing_key_age_seconds",
    ] {
        assert!(series(&scrape, gauge, &[]).is_some(), "{gauge}: {scrape}");
    }
    // A wrong password and a limit show too.
    let browser = app.browser();
    let page = browser.follow(browser.get(&app.auth_url(&[])).await).await;
    let (csrf, flow) = (page.csrf(), page.hidden("flow"));
    let form = [
        ("csrf", csrf.as_str()),
        ("flow", flow.as_str()),
        ("login", SIMPLE),
        ("password", "Wrong-pass1"),
    ];
    browser.submit("/login", &form).await;
    let scrape = reqwest::get(&metrics).await.unwrap().text().await.unwrap();
    assert!(
        series(
            &scrape,
            "vhod_logins_total",
            &[("method", "pwd"), ("outcome", "failed")]
        )
        .is_some_and(|v| v >= 1.0),
        "{scrape}"
    );
    // Not on the public address.
    let res = reqwest::get(format!("{}/metrics", app.url)).await.unwrap();
    assert_eq!(res.status(), 404);
}

/// More password checks at once than the hashing pool admits: the rest
/// are refused at once with 503 and `Retry-After`, never queued without
/// bound, and each refusal is counted for the operator.
#[actix_web::test]
async fn a_password_flood_beyond_the_pool_is_refused_as_busy_and_counted() {
    let app = TestApp::spawn().await;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let metrics = format!("http://{}/metrics", listener.local_addr().unwrap());
    actix_web::rt::spawn(idp::http::metrics::serve(app.state.clone(), listener).unwrap());
    let busy_before = |scrape: &str| series(scrape, "vhod_busy_refusals_total", &[]);
    let before =
        busy_before(&reqwest::get(&metrics).await.unwrap().text().await.unwrap()).unwrap_or(0.0);
    // Far more than one node admits on any machine here (one hashing and
    // four waiting per two cores), each with its own form.
    let mut forms = Vec::new();
    for _ in 0..24 {
        let browser = app.browser();
        let page = browser.follow(browser.get("/login").await).await;
        let csrf = page.csrf();
        forms.push((browser, csrf));
    }
    let mut logins = tokio::task::JoinSet::new();
    for (browser, csrf) in forms {
        logins.spawn(async move {
            let form = [
                ("csrf", csrf.as_str()),
                ("login", STANDARD),
                ("password", PASSWORD),
            ];
            let res = browser.post("/login", &form).await;
            let retry_after = res.headers().get("retry-after").is_some();
            (res.status().as_u16(), retry_after)
        });
    }
    let answers = logins.join_all().await;
    let busy = answers.iter().filter(|(status, _)| *status == 503).count();
    assert!(busy >= 1, "none refused as busy: {answers:?}");
    assert!(
        answers
            .iter()
            .all(|&(status, retry)| status == 303 || (status == 503 && retry)),
        "each either logged in or was refused with Retry-After: {answers:?}"
    );
    let after = busy_before(&reqwest::get(&metrics).await.unwrap().text().await.unwrap())
        .expect("vhod_busy_refusals_total is exported");
    assert!(
        after - before >= busy as f64,
        "{busy} refusals, the counter went {before} → {after}"
    );
}

/// A self-signed certificate for `localhost`: (certificate PEM, key PEM).
fn certificate() -> (String, String) {
    let made = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    (made.cert.pem(), made.signing_key.serialize_pem())
}

/// A client that trusts only `cert_pem` and finds `localhost` at `addr`.
fn trusting(cert_pem: &str, addr: std::net::SocketAddr) -> reqwest::Client {
    reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(cert_pem.as_bytes()).unwrap())
        .resolve("localhost", addr)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

#[actix_web::test]
async fn native_tls_serves_the_certificate_and_a_reload_swaps_it() {
    let dir = tempfile::tempdir().unwrap();
    let (cert_file, key_file) = (dir.path().join("tls.crt"), dir.path().join("tls.key"));
    let (first, first_key) = certificate();
    std::fs::write(&cert_file, &first).unwrap();
    std::fs::write(&key_file, &first_key).unwrap();
    let certificates = Certificates::load(&cert_file, &key_file).unwrap();

    let app = TestApp::spawn().await;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let options = idp::http::Options {
        workers: 1,
        tls: Some(Arc::clone(&certificates)),
        shutdown_timeout: Duration::from_secs(1),
    };
    actix_web::rt::spawn(idp::http::serve_with(app.state.clone(), listener, options).unwrap());
    let url = format!("https://localhost:{}", addr.port());

    let res = trusting(&first, addr)
        .get(format!("{url}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    // Over TLS the cookies are Secure.
    let res = trusting(&first, addr)
        .get(app.auth_url(&[]).replace(&app.url, &url))
        .send()
        .await
        .unwrap();
    let cookies: Vec<_> = res.headers().get_all("set-cookie").iter().collect();
    assert!(!cookies.is_empty());
    assert!(
        cookies
            .iter()
            .all(|c| c.to_str().unwrap().contains("Secure")),
        "{cookies:?}"
    );

    // A renewal: new files, then the reload SIGHUP triggers.
    let (second, second_key) = certificate();
    std::fs::write(&cert_file, &second).unwrap();
    std::fs::write(&key_file, &second_key).unwrap();
    certificates.reload().unwrap();
    let res = trusting(&second, addr)
        .get(format!("{url}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let refused = trusting(&first, addr)
        .get(format!("{url}/healthz"))
        .send()
        .await;
    assert!(refused.is_err(), "the old certificate is still served");

    // A broken pair is refused and the served one stays.
    std::fs::write(&key_file, &first_key).unwrap();
    let error = certificates.reload().unwrap_err().to_string();
    assert!(error.contains("does not match"), "{error}");
    std::fs::write(&cert_file, "not a certificate").unwrap();
    assert!(certificates.reload().is_err());
    let res = trusting(&second, addr)
        .get(format!("{url}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}
