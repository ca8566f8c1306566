//! The suite can fail: modules pointed at a deliberately broken provider —
//! a tiny fake, one defect at a time — report FAIL, while the same fake
//! without the defect passes them.

use std::collections::{HashMap, HashSet};
use std::net::TcpListener;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use conformance_tests::check::Status;
use conformance_tests::config::{ClientCreds, EsiaClient, FormFields, SuiteConfig};
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use serde_json::{Value, json};

const REDIRECT: &str = "http://127.0.0.1:8090/callback";
const POST_LOGOUT: &str = "http://127.0.0.1:8090/";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Defect {
    None,
    /// Discovery names another issuer than the URL it is served from.
    DiscoveryIssuer,
    /// ID tokens carry another `iss`.
    IdTokenIssuer,
    /// ID tokens are signed by a key that is not in the JWKS.
    ForeignKey,
    /// Logout redirects to any URI it is given.
    LogoutRedirectsAnywhere,
    /// Revocation answers 200 and changes nothing.
    RevocationIgnored,
    /// ESIA's authorization endpoints check neither the signed
    /// `client_secret` nor the timestamp: every request gets a code.
    EsiaChecksNothing,
}

struct Fake {
    base: String,
    defect: Defect,
    key: EcdsaKeyPair,
    foreign: EcdsaKeyPair,
    nonces: Mutex<HashMap<String, Option<String>>>,
    revoked: Mutex<HashSet<String>>,
}

fn key() -> EcdsaKeyPair {
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
    EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng).unwrap()
}

fn random() -> String {
    let mut bytes = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn query(req: &HttpRequest) -> HashMap<String, String> {
    url::form_urlencoded::parse(req.query_string().as_bytes())
        .into_owned()
        .collect()
}

impl Fake {
    fn jwt(&self, claims: &Value) -> String {
        let signer = if self.defect == Defect::ForeignKey {
            &self.foreign
        } else {
            &self.key
        };
        let header = json!({"alg": "ES256", "kid": "k1", "typ": "JWT"});
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature = signer.sign(&SystemRandom::new(), input.as_bytes()).unwrap();
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.as_ref()))
    }
}

async fn discovery(fake: web::Data<Fake>) -> HttpResponse {
    let issuer = if fake.defect == Defect::DiscoveryIssuer {
        "https://elsewhere.example"
    } else {
        &fake.base
    };
    let url = |path: &str| format!("{}{path}", fake.base);
    HttpResponse::Ok().json(json!({
        "issuer": issuer,
        "authorization_endpoint": url("/authorize"),
        "token_endpoint": url("/token"),
        "userinfo_endpoint": url("/userinfo"),
        "jwks_uri": url("/jwks"),
        "end_session_endpoint": url("/logout"),
        "revocation_endpoint": url("/revoke"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256", "ES256"],
        "scopes_supported": ["openid"],
        "claims_supported": ["sub"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
    }))
}

async fn jwks(fake: web::Data<Fake>) -> HttpResponse {
    let point = fake.key.public_key().as_ref();
    HttpResponse::Ok().json(json!({"keys": [{
        "kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig", "kid": "k1",
        "x": URL_SAFE_NO_PAD.encode(&point[1..33]), "y": URL_SAFE_NO_PAD.encode(&point[33..65]),
    }]}))
}

/// No login page: straight back to the client with a code.
async fn authorize(fake: web::Data<Fake>, req: HttpRequest) -> HttpResponse {
    let q = query(&req);
    let code = random();
    fake.nonces
        .lock()
        .unwrap()
        .insert(code.clone(), q.get("nonce").cloned());
    let mut location = url::Url::parse(&q["redirect_uri"]).unwrap();
    location.query_pairs_mut().append_pair("code", &code);
    if let Some(state) = q.get("state") {
        location.query_pairs_mut().append_pair("state", state);
    }
    HttpResponse::Found()
        .insert_header(("location", location.to_string()))
        .finish()
}

async fn token(fake: web::Data<Fake>, form: web::Form<HashMap<String, String>>) -> HttpResponse {
    let Some(nonce) = form
        .get("code")
        .and_then(|c| fake.nonces.lock().unwrap().remove(c))
    else {
        return HttpResponse::BadRequest().json(json!({"error": "invalid_grant"}));
    };
    let iss = if fake.defect == Defect::IdTokenIssuer {
        "https://elsewhere.example".to_owned()
    } else {
        fake.base.clone()
    };
    let mut claims = json!({"iss": iss, "sub": "user-1", "aud": "client", "exp": now() + 300, "iat": now(), "auth_time": now()});
    if let Some(nonce) = nonce {
        claims["nonce"] = json!(nonce);
    }
    HttpResponse::Ok().insert_header(("cache-control", "no-store")).json(json!({
        "access_token": random(), "token_type": "Bearer", "expires_in": 300, "id_token": fake.jwt(&claims),
    }))
}

async fn userinfo(fake: web::Data<Fake>, req: HttpRequest) -> HttpResponse {
    let token = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match token {
        Some(t) if !fake.revoked.lock().unwrap().contains(t) => {
            HttpResponse::Ok().json(json!({"sub": "user-1"}))
        }
        _ => HttpResponse::Unauthorized()
            .insert_header(("www-authenticate", "Bearer error=\"invalid_token\""))
            .finish(),
    }
}

async fn revoke(fake: web::Data<Fake>, form: web::Form<HashMap<String, String>>) -> HttpResponse {
    if fake.defect != Defect::RevocationIgnored
        && let Some(token) = form.get("token")
    {
        fake.revoked.lock().unwrap().insert(token.clone());
    }
    HttpResponse::Ok().finish()
}

async fn logout(fake: web::Data<Fake>, req: HttpRequest) -> HttpResponse {
    let q = query(&req);
    match q.get("post_logout_redirect_uri") {
        Some(uri) if uri == POST_LOGOUT || fake.defect == Defect::LogoutRedirectsAnywhere => {
            HttpResponse::Found()
                .insert_header(("location", uri.clone()))
                .finish()
        }
        Some(_) => HttpResponse::BadRequest()
            .content_type("text/html")
            .body("<p>error: unregistered URI</p>"),
        None => HttpResponse::Ok()
            .content_type("text/html")
            .body("<p>logged out</p>"),
    }
}

/// ESIA's `/aas/oauth2/ac` and `/v2/ac` as a provider that checks nothing
/// would answer (the only way this fake is used): a code for any request.
async fn esia_ac(req: HttpRequest) -> HttpResponse {
    let q = query(&req);
    let mut back = url::Url::parse(q.get("redirect_uri").map_or(REDIRECT, String::as_str))
        .expect("a redirect URI");
    back.query_pairs_mut()
        .append_pair("code", &random())
        .append_pair("state", q.get("state").map_or("", String::as_str));
    HttpResponse::Found()
        .insert_header(("location", back.to_string()))
        .finish()
}

/// Starts the fake in a thread of its own; returns its base URL.
fn start(defect: Defect) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let fake = web::Data::new(Fake {
        base: base.clone(),
        defect,
        key: key(),
        foreign: key(),
        nonces: Mutex::default(),
        revoked: Mutex::default(),
    });
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            actix_web::HttpServer::new(move || {
                actix_web::App::new()
                    .app_data(fake.clone())
                    .route(
                        "/.well-known/openid-configuration",
                        web::get().to(discovery),
                    )
                    .route("/jwks", web::get().to(jwks))
                    .route("/authorize", web::get().to(authorize))
                    .route("/token", web::post().to(token))
                    .route("/userinfo", web::get().to(userinfo))
                    .route("/revoke", web::post().to(revoke))
                    .route("/logout", web::get().to(logout))
                    .route("/aas/oauth2/ac", web::get().to(esia_ac))
                    .route("/aas/oauth2/v2/ac", web::get().to(esia_ac))
            })
            .workers(1)
            .listen(listener)
            .unwrap()
            .run()
            .await
            .unwrap();
        });
    });
    base
}

/// Runs the named modules against a fake with `defect`; returns each
/// module's status and reason.
fn run(defect: Defect, modules: &[&str]) -> Vec<(String, Status, String)> {
    run_with(defect, modules, None)
}

fn run_with(
    defect: Defect,
    modules: &[&str],
    esia: Option<EsiaClient>,
) -> Vec<(String, Status, String)> {
    let cfg = SuiteConfig {
        issuer: start(defect),
        client: ClientCreds {
            id: "client".into(),
            secret: Some("secret".into()),
        },
        client2: None,
        public_client: None,
        redirect_uri: REDIRECT.into(),
        post_logout_redirect_uri: Some(POST_LOGOUT.into()),
        login: "user".into(),
        password: "password".into(),
        forms: FormFields::default(),
        only: modules.iter().map(|m| m.to_string()).collect(),
        esia,
    };
    let report = conformance_tests::run(&cfg).expect("discovery of the fake works");
    report
        .results
        .into_iter()
        .map(|r| (r.name, r.status, r.reason))
        .collect()
}

fn status_of(results: &[(String, Status, String)], module: &str) -> (Status, String) {
    let (_, status, reason) = results
        .iter()
        .find(|(name, ..)| name == module)
        .unwrap_or_else(|| panic!("{module} did not run"));
    (*status, reason.clone())
}

const UNDER_TEST: [&str; 4] = [
    "oidcc-discovery-endpoint-verification",
    "oidcc-server",
    "oidcc-rp-initiated-logout-bad-post-logout-redirect-uri",
    "rfc7009-revocation",
];

#[test]
fn the_fake_without_defects_passes_the_modules_under_test() {
    let results = run(Defect::None, &UNDER_TEST);
    assert_eq!(results.len(), UNDER_TEST.len());
    for (name, status, reason) in &results {
        // Discovery warns: the fake is plain http.
        assert!(
            matches!(status, Status::Pass | Status::Warning),
            "{name}: {status} {reason}"
        );
    }
}

#[test]
fn discovery_with_another_issuer_fails() {
    let (status, reason) = status_of(
        &run(Defect::DiscoveryIssuer, &UNDER_TEST[..1]),
        UNDER_TEST[0],
    );
    assert_eq!(status, Status::Fail);
    assert!(reason.contains("issuer"), "{reason}");
}

#[test]
fn id_token_with_another_issuer_fails() {
    let (status, reason) = status_of(
        &run(Defect::IdTokenIssuer, &["oidcc-server"]),
        "oidcc-server",
    );
    assert_eq!(status, Status::Fail);
    assert!(reason.contains("iss"), "{reason}");
}

#[test]
fn id_token_signed_by_an_unpublished_key_fails() {
    let (status, reason) = status_of(&run(Defect::ForeignKey, &["oidcc-server"]), "oidcc-server");
    assert_eq!(status, Status::Fail);
    assert!(reason.contains("signature"), "{reason}");
}

#[test]
fn logout_redirecting_to_an_unregistered_uri_fails() {
    let module = "oidcc-rp-initiated-logout-bad-post-logout-redirect-uri";
    let (status, reason) = status_of(&run(Defect::LogoutRedirectsAnywhere, &[module]), module);
    assert_eq!(status, Status::Fail);
    assert!(reason.contains("redirected"), "{reason}");
}

#[test]
fn revocation_that_changes_nothing_fails() {
    let (status, reason) = status_of(
        &run(Defect::RevocationIgnored, &["rfc7009-revocation"]),
        "rfc7009-revocation",
    );
    assert_eq!(status, Status::Fail);
    assert!(
        reason.contains("revoked access token still works"),
        "{reason}"
    );
}

/// An ESIA client's key and self-signed certificate, made by the `openssl`
/// command line as a portal makes them (docs/esia.md), in `dir`.
fn esia_client(dir: &std::path::Path, issuer: &str) -> EsiaClient {
    std::fs::create_dir_all(dir).unwrap();
    let (key_file, cert_file) = (dir.join("portal.key"), dir.join("portal.pem"));
    let made = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
        ])
        .args(["-nodes", "-days", "1", "-subj", "/CN=portal", "-keyout"])
        .arg(&key_file)
        .arg("-out")
        .arg(&cert_file)
        .output()
        .expect("openssl runs");
    assert!(made.status.success(), "{made:?}");
    EsiaClient {
        id: "portal-esia".into(),
        key_file,
        cert_file,
        issuer: issuer.into(),
    }
}

/// The two ESIA refusal modules fail against a provider that hands out a
/// code whatever the signature or the timestamp. (They pass against Vhod:
/// idp's conformance test runs the whole `esia` set.)
#[test]
fn esia_without_signature_or_timestamp_checks_fails() {
    let dir = std::env::temp_dir().join(format!("esia-negative-{}", random()));
    let client = esia_client(&dir, "http://esia.gosuslugi.ru/");
    let modules = ["esia-bad-signature", "esia-stale-timestamp"];
    let results = run_with(Defect::EsiaChecksNothing, &modules, Some(client));
    let _ = std::fs::remove_dir_all(&dir);
    for module in modules {
        let (status, reason) = status_of(&results, module);
        assert_eq!(status, Status::Fail, "{module}: {reason}");
        assert!(reason.contains("a code was issued"), "{module}: {reason}");
    }
}

#[test]
fn reports_are_json_and_junit() {
    let cfg_results = run(
        Defect::RevocationIgnored,
        &["rfc7009-revocation", "oidcc-server"],
    );
    assert_eq!(cfg_results.len(), 2);
    let report = conformance_tests::report::Report {
        results: cfg_results
            .iter()
            .map(
                |(name, status, reason)| conformance_tests::report::ModuleResult {
                    name: name.clone(),
                    plan: "p".into(),
                    status: *status,
                    reason: reason.clone(),
                    spec: "s".into(),
                    seconds: 0.0,
                },
            )
            .collect(),
    };
    let json: Value = serde_json::from_str(&report.json()).unwrap();
    let entries = json.as_array().unwrap();
    let revocation = entries
        .iter()
        .find(|e| e["name"] == "rfc7009-revocation")
        .unwrap();
    assert_eq!(revocation["status"], "FAIL");
    assert!(revocation["reason"].as_str().is_some_and(|r| !r.is_empty()));
    let server = entries
        .iter()
        .find(|e| e["name"] == "oidcc-server")
        .unwrap();
    assert_eq!(server["status"], "PASS");
    let junit = report.junit();
    assert!(
        junit.contains("<testsuite name=\"openid-conformance\" tests=\"2\" failures=\"1\""),
        "{junit}"
    );
    assert!(junit.contains("<failure message="));
    assert!(report.failed());
}
