//! An independent client library (`openidconnect`) completes the flow
//! headlessly against a running `idp serve --demo`; and a second server
//! process follows a key rotation made from the CLI.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use idp::config::Config;
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreJwsSigningAlgorithm, CoreProviderMetadata,
    CoreUserInfoClaims,
};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, RedirectUrl, Scope, TokenResponse,
};

use crate::harness::*;
use crate::operations::{idp, production_env};

/// Logs `login` in to `client_id` with the `openidconnect` crate: discovery,
/// PKCE, the pages (UI-automation field names), code exchange, ID token
/// verification against the JWKS, userinfo. Returns the raw ID token.
pub async fn openidconnect_flow(
    issuer: &str,
    client_id: &str,
    secret: &str,
    login: &str,
) -> String {
    let http = openidconnect::reqwest::ClientBuilder::new()
        .redirect(openidconnect::reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let metadata =
        CoreProviderMetadata::discover_async(IssuerUrl::new(issuer.into()).unwrap(), &http)
            .await
            .expect("discovery document is valid");
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(client_id.into()),
        Some(ClientSecret::new(secret.into())),
    )
    .set_redirect_uri(RedirectUrl::new(REDIRECT.into()).unwrap());
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (auth_url, state, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("profile".into()))
        .add_scope(Scope::new("email".into()))
        .set_pkce_challenge(challenge)
        .url();

    let browser = Browser::new(issuer);
    let page = browser.follow(browser.get(auth_url.as_str()).await).await;
    let page = page.login(&browser, login).await;
    let done = if page.url.path() == "/consent" {
        page.consent(&browser, "allow").await
    } else {
        page
    };
    assert_eq!(
        query(&done.url, "state").as_deref(),
        Some(state.secret().as_str())
    );
    let code = query(&done.url, "code").unwrap();

    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .unwrap()
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .expect("token response");
    let id_token = tokens.id_token().expect("an ID token");
    let id_verifier = client.id_token_verifier().set_allowed_algs([
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
        CoreJwsSigningAlgorithm::RsaSsaPssSha256,
        CoreJwsSigningAlgorithm::EcdsaP256Sha256,
        CoreJwsSigningAlgorithm::EdDsa,
    ]);
    let verified = id_token
        .claims(&id_verifier, &nonce)
        .expect("the ID token verifies against the JWKS");
    assert_eq!(verified.issuer().as_str(), issuer);
    assert_eq!(
        verified.auth_context_ref().map(|a| a.as_str()),
        Some("urn:vhod:aal1")
    );
    let info: CoreUserInfoClaims = client
        .user_info(tokens.access_token().clone(), None)
        .unwrap()
        .request_async(&http)
        .await
        .expect("userinfo");
    assert_eq!(info.subject(), verified.subject());
    assert_eq!(info.email().map(|e| e.as_str()), Some(login));
    id_token.to_string()
}

pub struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `idp serve --demo` on a free port against the stores of `config`.
pub async fn start_demo(config: &Config) -> (Server, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let bind = format!("127.0.0.1:{port}");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_idp"));
    cmd.args(["serve", "--demo", "--bind", &bind, "--workers", "1"])
        .env("IDP_DATA_DIR", &config.data_dir)
        .env("IDP_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (key, value) in production_env(config) {
        cmd.env(key, value);
    }
    let server = Server(cmd.spawn().unwrap());
    let url = format!("http://{bind}");
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if reqwest::get(format!("{url}/health"))
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            return (server, url);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("idp serve --demo did not start within 60 s");
}

#[actix_web::test]
async fn openidconnect_crate_completes_the_code_flow_against_serve_demo() {
    let mut config = Config::default();
    let _isolation = Isolation::new(&mut config);
    let (_server, url) = start_demo(&config).await;
    openidconnect_flow(&url, DEMO_CLIENT, DEMO_SECRET, CONFIRMED).await;
}

async fn kids(url: &str) -> Vec<String> {
    let jwks: serde_json::Value = reqwest::get(format!("{url}/jwks"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn every_node_follows_a_rotation_made_from_the_cli() {
    let mut config = Config::default();
    let _isolation = Isolation::new(&mut config);
    let (_first, first) = start_demo(&config).await;
    let (_second, second) = start_demo(&config).await;
    let before = kids(&second).await;
    assert_eq!(before, kids(&first).await, "one key set for both nodes");

    let out = idp(&config, &["keys", "rotate", "--now"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(printed.contains("is now active"), "{printed}");
    let listed: serde_json::Value =
        serde_json::from_slice(&idp(&config, &["keys", "list", "--json"]).stdout).unwrap();
    let new_kid = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["alg"] == "RS256" && k["state"] == "active")
        .unwrap()["kid"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(!before.contains(&new_kid));

    let deadline = Instant::now() + Duration::from_secs(10);
    for url in [&first, &second] {
        while !kids(url).await.contains(&new_kid) {
            assert!(
                Instant::now() < deadline,
                "{url} did not publish {new_kid} within 10 s"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    // The second node signs with the new key: its tokens carry the new kid.
    let id_token = openidconnect_flow(&second, DEMO_CLIENT, DEMO_SECRET, STANDARD).await;
    let header = id_token.split('.').next().unwrap();
    let header: serde_json::Value = {
        use base64::Engine;
        serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(header)
                .unwrap(),
        )
        .unwrap()
    };
    assert_eq!(header["kid"], new_kid.as_str());
    // The CLI's steps are in the audit journal.
    let sql = idp::app::open_sql(&config).unwrap();
    assert!(
        sql.audit_events(50)
            .await
            .unwrap()
            .iter()
            .any(|e| e.event == "key.rotated")
    );
}
