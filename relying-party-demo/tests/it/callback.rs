//! The callback's validation against a real provider, without a browser:
//! a wrong `state`, a replayed code, an ID token signed by a key the
//! provider does not publish, one for another client, an expired one, and
//! each error the provider may send back — a page each, never a 500.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openidconnect::{AccessToken, Nonce};
use relying_party_demo::oidc::{Again, IdTokenError};
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
use url::Url;

use crate::harness::*;

fn with_query(url: &Url, name: &str, value: &str) -> String {
    let mut changed = url.clone();
    let others: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != name)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    changed
        .query_pairs_mut()
        .clear()
        .extend_pairs(others)
        .append_pair(name, value);
    changed.to_string()
}

/// A provider, a cabinet, and a login of `login` sent back by the
/// provider: the callback URL, not yet visited.
async fn returned(login: &str) -> (Provider, Cabinet, Agent, Url) {
    let provider = Provider::start().await;
    let cabinet = Cabinet::start(&provider).await;
    let agent = Agent::default();
    let authorize = agent.start_login(&cabinet).await;
    let back = agent
        .log_in_at_provider(&provider, authorize.as_str(), login, "allow")
        .await;
    (provider, cabinet, agent, back)
}

#[actix_web::test]
async fn a_login_opens_the_areas_of_the_account_level_and_refuses_the_others() {
    let provider = Provider::start().await;
    let cabinet = Cabinet::start(&provider).await;
    let agent = Agent::default();
    let back = agent.log_in(&provider, &cabinet, STANDARD).await;
    assert_eq!(back.status, 303, "{}", back.body);
    assert_eq!(back.url.path(), "/health");

    let health = agent.get(&format!("{}/health", cabinet.url)).await;
    assert_eq!(health.status, 200);
    assert!(
        health.body.contains("Стандартова Анна Ивановна"),
        "{}",
        health.body
    );
    assert!(health.body.contains("стандартная"));
    let booking = agent
        .get(&format!("{}/health/appointments", cabinet.url))
        .await;
    assert_eq!(booking.status, 200);
    let records = agent.get(&format!("{}/health/records", cabinet.url)).await;
    assert_eq!(records.status, 403);
    assert!(
        records
            .body
            .contains("Недостаточный уровень учётной записи")
    );
    assert!(
        records.body.contains("level=confirmed"),
        "«Войти заново» asks for the level"
    );
    assert!(records.body.contains("next=%2Fhealth%2Frecords"));
}

#[actix_web::test]
async fn a_wrong_state_is_refused_and_starts_no_session() {
    let (_provider, cabinet, agent, back) = returned(CONFIRMED).await;
    assert!(back.query_pairs().any(|(k, _)| k == "iss"), "RFC 9207");
    let page = agent.get(&with_query(&back, "state", "forged")).await;
    assert_eq!(page.status, 400);
    assert_eq!(page.error_code().as_deref(), Some("wrong_state"));
    // The login in progress is spent: the right state now finds nothing.
    let page = agent.get(back.as_str()).await;
    assert_eq!(page.error_code().as_deref(), Some("no_login"));
    let health = agent.get(&format!("{}/health", cabinet.url)).await;
    assert_eq!(health.status, 303, "not logged in");
}

#[actix_web::test]
async fn logins_started_in_two_tabs_of_one_browser_both_finish() {
    let provider = Provider::start().await;
    let cabinet = Cabinet::start(&provider).await;
    let agent = Agent::default();
    // Two tabs of one browser (one cookie jar) press «Войти» in turn.
    let first = agent.start_login(&cabinet).await;
    let second = agent.start_login(&cabinet).await;
    // The second tab logs in; the first then passes through the provider
    // at once (its session and the consent are there now).
    let back_second = agent
        .log_in_at_provider(&provider, second.as_str(), STANDARD, "allow")
        .await;
    let back_first = agent
        .follow(agent.get(first.as_str()).await, &provider.url)
        .await;
    assert!(
        back_first.url.path() == "/callback" && back_first.status.is_redirection(),
        "{} {}",
        back_first.url,
        back_first.body
    );
    for back in [back_second, back_first.url] {
        let page = agent.get(back.as_str()).await;
        assert_eq!(page.status, 303, "{back}: {}", page.body);
        assert_eq!(page.url.path(), "/health");
    }
    let health = agent.get(&format!("{}/health", cabinet.url)).await;
    assert_eq!(health.status, 200);
}

#[actix_web::test]
async fn a_response_naming_another_issuer_is_refused() {
    let (_provider, _cabinet, agent, back) = returned(CONFIRMED).await;
    let page = agent
        .get(&with_query(&back, "iss", "https://attacker.example"))
        .await;
    assert_eq!(page.status, 400);
    assert_eq!(page.error_code().as_deref(), Some("wrong_issuer"));
}

#[actix_web::test]
async fn a_replayed_code_is_refused() {
    let (_provider, cabinet, agent, back) = returned(CONFIRMED).await;
    assert_eq!(agent.get(back.as_str()).await.status, 303, "logged in once");

    // The same callback again: the login it belonged to is spent.
    let again = agent.get(back.as_str()).await;
    assert_eq!(again.error_code().as_deref(), Some("no_login"));

    // The old code under a new login's state reaches the provider, which
    // refuses it (and the PKCE verifier is another one).
    let fresh = agent.start_login(&cabinet).await;
    let state = fresh
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let replay = agent.get(&with_query(&back, "state", &state)).await;
    assert_eq!(replay.status, 400);
    assert_eq!(
        replay.error_code().as_deref(),
        Some("exchange"),
        "{}",
        replay.body
    );
}

#[actix_web::test]
async fn an_expired_id_token_is_refused() {
    let (_provider, cabinet, agent, back) = returned(STANDARD).await;
    // ID tokens live 600 s; the cabinet's clock is now 11 minutes ahead.
    cabinet.clock.advance(660);
    let page = agent.get(back.as_str()).await;
    assert_eq!(page.status, 400);
    assert_eq!(
        page.error_code().as_deref(),
        Some("id_token"),
        "{}",
        page.body
    );
}

/// Tokens from the provider's token endpoint for `client`, after a login
/// at `authorize` (the test plays the portal's back end by hand).
async fn tokens(
    provider: &Provider,
    authorize: &Url,
    client: (&str, &str),
    redirect_uri: &str,
    verifier: Option<&str>,
) -> serde_json::Value {
    let agent = Agent::default();
    let back = agent
        .log_in_at_provider(provider, authorize.as_str(), CONFIRMED, "allow")
        .await;
    let code = back
        .query_pairs()
        .find(|(k, _)| k == "code")
        .expect("a code")
        .1
        .into_owned();
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", redirect_uri),
    ];
    if let Some(verifier) = verifier {
        form.push(("code_verifier", verifier));
    }
    let response = reqwest::Client::new()
        .post(format!("{}/token", provider.url))
        .basic_auth(client.0, Some(client.1))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// The claims of `raw` signed again with a fresh P-256 key and a `kid`
/// the provider never published.
fn signed_by_unknown_key(raw: &str) -> String {
    let payload = raw.split('.').nth(1).unwrap();
    let header =
        URL_SAFE_NO_PAD.encode(br#"{"alg":"ES256","kid":"not-a-key-of-vhod","typ":"JWT"}"#);
    let rng = ring::rand::SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
    let key =
        EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng).unwrap();
    let input = format!("{header}.{payload}");
    let signature = key.sign(&rng, input.as_bytes()).unwrap();
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.as_ref()))
}

#[actix_web::test]
async fn an_id_token_signed_by_an_unknown_key_is_refused_after_the_jwks_is_fetched_again() {
    let provider = Provider::start().await;
    let cabinet = Cabinet::start(&provider).await;
    let oidc = cabinet.app.oidc.provider().await.unwrap();
    let (authorize, pending) = oidc.begin(Again::No, "/health".into());
    let client = (oidc.client_id(), cabinet_secret(&cabinet));
    let redirect = format!("{}/callback", cabinet.url);
    let verifier = pending.verifier.secret().clone();
    let tokens = tokens(
        &provider,
        &authorize,
        (client.0, &client.1),
        &redirect,
        Some(&verifier),
    )
    .await;
    let raw = tokens["id_token"].as_str().unwrap();
    let access = AccessToken::new(tokens["access_token"].as_str().unwrap().to_owned());

    // The genuine token passes, so each refusal below is for its reason.
    let claims = oidc.verify_id_token(raw, &pending.nonce, &access).await;
    assert!(claims.is_ok(), "{claims:?}");
    let forged = signed_by_unknown_key(raw);
    assert!(matches!(
        oidc.verify_id_token(&forged, &pending.nonce, &access).await,
        Err(IdTokenError::UnknownKey)
    ));
    let other_access = AccessToken::new("another-access-token".into());
    assert!(matches!(
        oidc.verify_id_token(raw, &pending.nonce, &other_access)
            .await,
        Err(IdTokenError::AtHash)
    ));
    let other_nonce = Nonce::new("another-nonce".into());
    assert!(matches!(
        oidc.verify_id_token(raw, &other_nonce, &access).await,
        Err(IdTokenError::Claims(
            openidconnect::ClaimsVerificationError::InvalidNonce(_)
        ))
    ));
}

fn cabinet_secret(cabinet: &Cabinet) -> String {
    cabinet.app.config.client_secret.expose().to_owned()
}

#[actix_web::test]
async fn an_id_token_issued_to_another_client_is_refused() {
    let provider = Provider::start().await;
    let cabinet = Cabinet::start(&provider).await;
    let oidc = cabinet.app.oidc.provider().await.unwrap();
    // The demo's second client: a genuine token, for another audience.
    let redirect = "http://127.0.0.1:8090/callback";
    let mut authorize = Url::parse(&format!("{}/authorize", provider.url)).unwrap();
    authorize
        .query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", "conformance-2")
        .append_pair("redirect_uri", redirect)
        .append_pair("scope", "openid")
        .append_pair("state", "s")
        .append_pair("nonce", "n-for-another-client");
    let tokens = tokens(
        &provider,
        &authorize,
        ("conformance-2", "conformance-2-secret"),
        redirect,
        None,
    )
    .await;
    let raw = tokens["id_token"].as_str().unwrap();
    let access = AccessToken::new(tokens["access_token"].as_str().unwrap().to_owned());
    let result = oidc
        .verify_id_token(raw, &Nonce::new("n-for-another-client".into()), &access)
        .await;
    assert!(
        matches!(
            result,
            Err(IdTokenError::Claims(
                openidconnect::ClaimsVerificationError::InvalidAudience(_)
            ))
        ),
        "{result:?}"
    );
}

#[actix_web::test]
async fn each_error_the_provider_sends_back_gets_its_page() {
    let provider = Provider::start().await;
    let cabinet = Cabinet::start(&provider).await;
    let agent = Agent::default();
    for code in [
        "access_denied",
        "login_required",
        "interaction_required",
        "unmet_authentication_requirements",
        "server_error",
    ] {
        let authorize = agent.start_login(&cabinet).await;
        let state = authorize
            .query_pairs()
            .find(|(k, _)| k == "state")
            .unwrap()
            .1
            .into_owned();
        let mut back = Url::parse(&format!("{}/callback", cabinet.url)).unwrap();
        back.query_pairs_mut()
            .append_pair("error", code)
            .append_pair("error_description", "test")
            .append_pair("state", &state);
        let page = agent.get(back.as_str()).await;
        assert_eq!(page.status, 403, "{code}");
        let expected = if code == "server_error" {
            "provider_error"
        } else {
            code
        };
        assert_eq!(page.error_code().as_deref(), Some(expected));
        if code == "server_error" {
            assert!(
                page.body
                    .contains("<code id=\"error-code\">server_error</code>")
            );
        }
        // A new login helps, except where the account lacks a way in.
        assert_eq!(
            page.body.contains("Войти заново"),
            code != "unmet_authentication_requirements",
            "{code}: {}",
            page.body
        );
    }

    // What the provider's description names reaches the page in words,
    // with the one action that fixes it: raising the level, not a login.
    for (code, description, words, link) in [
        (
            "access_denied",
            "the portal requires a `confirmed` account; this account is `standard`",
            "нужна подтверждённая учётная запись, у вас — стандартная",
            format!("{}/account", provider.url),
        ),
        (
            "unmet_authentication_requirements",
            "this account cannot authenticate at `urn:vhod:aal2`",
            "у вашей учётной записи он не подключён",
            format!("{}/account/security", provider.url),
        ),
    ] {
        let authorize = agent.start_login(&cabinet).await;
        let state = authorize
            .query_pairs()
            .find(|(k, _)| k == "state")
            .unwrap()
            .1
            .into_owned();
        let mut back = Url::parse(&format!("{}/callback", cabinet.url)).unwrap();
        back.query_pairs_mut()
            .append_pair("error", code)
            .append_pair("error_description", description)
            .append_pair("state", &state);
        let page = agent.get(back.as_str()).await;
        assert!(page.body.contains(words), "{code}: {}", page.body);
        assert!(
            page.body.contains(&format!("href=\"{link}\"")),
            "{}",
            page.body
        );
        assert!(!page.body.contains("Войти заново"), "{}", page.body);
    }

    // A real refusal: the person denies consent.
    let authorize = agent.start_login(&cabinet).await;
    let back = agent
        .log_in_at_provider(&provider, authorize.as_str(), STANDARD, "deny")
        .await;
    let page = agent.get(back.as_str()).await;
    assert_eq!(
        page.error_code().as_deref(),
        Some("access_denied"),
        "{}",
        page.body
    );
}
