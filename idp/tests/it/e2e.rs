//! An independent client library (`openidconnect`) completes the flow
//! headlessly against a running `idp serve --demo`.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use idp::config::Config;
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreProviderMetadata, CoreUserInfoClaims,
};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, RedirectUrl, Scope, TokenResponse,
};

use crate::harness::*;
use crate::operations::production_env;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn start_demo(config: &Config) -> (Server, String) {
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

    let http = openidconnect::reqwest::ClientBuilder::new()
        .redirect(openidconnect::reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let metadata =
        CoreProviderMetadata::discover_async(IssuerUrl::new(url.clone()).unwrap(), &http)
            .await
            .expect("discovery document is valid");
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(DEMO_CLIENT.into()),
        Some(ClientSecret::new(DEMO_SECRET.into())),
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

    // The person logs in through the pages, using the UI-automation
    // contract's field names.
    let browser = Browser::new(&url);
    let page = browser.follow(browser.get(auth_url.as_str()).await).await;
    let (csrf, flow) = (page.csrf(), page.hidden("flow"));
    let page = browser
        .follow(
            browser
                .post(
                    "/login",
                    &[
                        ("csrf", &csrf),
                        ("flow", &flow),
                        ("login", CONFIRMED),
                        ("password", PASSWORD),
                    ],
                )
                .await,
        )
        .await;
    let done = page.consent(&browser, "allow").await;
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
    let verified = id_token
        .claims(&client.id_token_verifier(), &nonce)
        .expect("the ID token verifies against the JWKS");
    assert_eq!(verified.issuer().as_str(), url);
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
    assert_eq!(info.email().map(|e| e.as_str()), Some(CONFIRMED));
}
