//! The cabinet as an ESIA portal (`--protocol esia`): it logs people in
//! through the provider's ESIA endpoints exactly as an existing portal logs
//! in through Госуслуги, with nothing of OpenID Connect:
//!
//! - [`sign`]: the v2 authorization request `/aas/oauth2/v2/ac` and the v3
//!   token request `/aas/oauth2/v3/te`, each signed: `client_secret` is a
//!   detached CMS signature (`esign::sign_detached_cms`) over
//!   `client_id + scope + timestamp + state + redirect_uri` (+ `code`),
//!   with `client_certificate_hash`, `timestamp` `yyyy.MM.dd HH:mm:ss
//!   +0300` and `state` a UUID;
//! - [`token`]: the ID token checked with the key `idp esia export-key`
//!   printed (RS256), `iss` ESIA's name (`http://esia.gosuslugi.ru/`),
//!   `aud`, `exp`, `nbf`;
//! - [`person`]: `/rs/prns/{oid}`, `/docs` and `/roles` read with the
//!   access token and mapped onto the cabinet's [`crate::person::Person`],
//!   so the access rules stay the same;
//! - logout through `/idp/ext/Logout?client_id=&redirect_url=`.
//!
//! ESIA has no nonce, PKCE, userinfo, refresh on this path (the cabinet
//! asks `access_type=online`), back-channel logout or discovery: the
//! provider's address is `--issuer`, and the session ends in the cabinet
//! when the person logs out or after its 8 hours.

pub mod person;
pub mod sign;
pub mod token;

use std::path::PathBuf;

use openidconnect::{AccessToken, CsrfToken, Nonce, PkceCodeVerifier};
use url::Url;

use crate::clock::Clock;
use crate::config::Config;
use crate::oidc::{Login, LoginError};
use crate::session::{LOGIN_TTL_SECS, PendingLogin, Tokens};

/// The scopes the cabinet asks for, by ESIA's names: the name, birth date
/// and SNILS (the register of medical workers), the passport (whose check
/// makes a standard account) and the organizations (`/roles`).
pub const SCOPE: &str = "openid fullname birthdate snils id_doc usr_org";

/// The ESIA client's settings (`--protocol esia`); the defaults are the
/// demo's client `medcabinet-esia` and the files `idp serve --demo` writes.
#[derive(Clone, Debug, clap::Args)]
pub struct EsiaConfig {
    #[arg(
        id = "esia_client_id",
        long = "esia-client-id",
        env = "CABINET_ESIA_CLIENT_ID",
        default_value = "medcabinet-esia"
    )]
    pub client_id: String,
    /// The cabinet's certificate (PEM), registered at the provider with
    /// `idp clients add --protocol esia --certificate`.
    #[arg(
        id = "esia_certificate",
        long = "esia-certificate",
        env = "CABINET_ESIA_CERTIFICATE",
        default_value = "data/demo-esia/cabinet.pem"
    )]
    pub certificate: PathBuf,
    /// Its private key (PKCS#8 PEM, RSA or ECDSA P-256), which signs the
    /// requests.
    #[arg(
        id = "esia_key",
        long = "esia-key",
        env = "CABINET_ESIA_KEY",
        default_value = "data/demo-esia/cabinet.key"
    )]
    pub key: PathBuf,
    /// The provider's token key (`idp esia export-key --all`), PEM; one or
    /// more public keys.
    #[arg(
        id = "esia_token_key",
        long = "esia-token-key",
        env = "CABINET_ESIA_TOKEN_KEY",
        default_value = "data/demo-esia/esia-token-key.pem"
    )]
    pub token_key: PathBuf,
    /// The `iss` of ESIA tokens.
    #[arg(
        id = "esia_issuer",
        long = "esia-issuer",
        env = "CABINET_ESIA_ISSUER",
        default_value = "http://esia.gosuslugi.ru/"
    )]
    pub issuer: String,
}

/// The provider's ESIA endpoints, as this cabinet's ESIA client.
pub struct Esia {
    config: EsiaConfig,
    /// The provider's base URL (`--issuer`).
    base: Url,
    redirect_uri: Url,
    post_logout: Url,
    clock: Clock,
    http: reqwest::Client,
}

impl Esia {
    pub fn new(config: &Config, clock: Clock) -> Self {
        let http = reqwest::Client::builder()
            // Never follow redirects: OAuth 2.0 Security BCP §4.11.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .expect("a default HTTP client builds");
        Self {
            config: config.esia.clone(),
            base: config.issuer.clone(),
            redirect_uri: config.redirect_uri(),
            post_logout: config.post_logout_uri(),
            clock,
            http,
        }
    }

    fn endpoint(&self, path: &str) -> Url {
        let base = self.base.as_str().trim_end_matches('/');
        Url::parse(&format!("{base}{path}")).expect("the issuer is a URL")
    }

    fn signer(&self) -> Result<sign::Signer, LoginError> {
        sign::Signer::load(&self.config.certificate, &self.config.key)
            .map_err(|e| LoginError::Discovery(format!("the cabinet's ESIA key: {e}")))
    }

    /// The signed authorization request (v2) and the login in progress
    /// (its `browser` is the caller's to set).
    pub fn begin(&self, next: String) -> Result<(Url, PendingLogin), LoginError> {
        let signer = self.signer()?;
        let state = uuid::Uuid::new_v4().to_string();
        let request = sign::Request {
            client_id: &self.config.client_id,
            scope: SCOPE,
            timestamp: sign::timestamp(self.clock.utc()),
            state: &state,
            redirect_uri: self.redirect_uri.as_str(),
            code: None,
        };
        let secret = signer.sign(&request)?;
        let mut url = self.endpoint("/aas/oauth2/v2/ac");
        url.query_pairs_mut()
            .append_pair("client_id", request.client_id)
            .append_pair("client_secret", &secret)
            .append_pair("redirect_uri", request.redirect_uri)
            .append_pair("scope", SCOPE)
            .append_pair("response_type", "code")
            .append_pair("state", &state)
            .append_pair("timestamp", &request.timestamp)
            .append_pair("access_type", "online")
            .append_pair("client_certificate_hash", signer.hash());
        let pending = PendingLogin {
            browser: String::new(),
            state: CsrfToken::new(state),
            // ESIA has neither: the session model wants them, nothing reads them.
            nonce: Nonce::new(String::new()),
            verifier: PkceCodeVerifier::new(String::new()),
            next,
            expires_at: self.clock.now() + LOGIN_TTL_SECS,
        };
        Ok((url, pending))
    }

    /// Exchanges the code at `/aas/oauth2/v3/te` (signed with the code),
    /// checks the ID token and reads the person.
    pub async fn finish(
        &self,
        code: String,
        pending: PendingLogin,
        clinics: &[String],
    ) -> Result<Login, LoginError> {
        let signer = self.signer()?;
        let state = uuid::Uuid::new_v4().to_string();
        let request = sign::Request {
            client_id: &self.config.client_id,
            scope: SCOPE,
            timestamp: sign::timestamp(self.clock.utc()),
            state: &state,
            redirect_uri: self.redirect_uri.as_str(),
            code: Some(&code),
        };
        let secret = signer.sign(&request)?;
        let form: [(&str, &str); 10] = [
            ("client_id", request.client_id),
            ("code", &code),
            ("grant_type", "authorization_code"),
            ("client_secret", &secret),
            ("state", &state),
            ("redirect_uri", request.redirect_uri),
            ("scope", SCOPE),
            ("timestamp", &request.timestamp),
            ("token_type", "Bearer"),
            ("client_certificate_hash", signer.hash()),
        ];
        let exchange = |e: &dyn std::fmt::Display| LoginError::Exchange(e.to_string());
        let res = self
            .http
            .post(self.endpoint("/aas/oauth2/v3/te"))
            .form(&form)
            .send()
            .await
            .map_err(|e| exchange(&e))?;
        let status = res.status();
        let body: serde_json::Value = res.json().await.map_err(|e| exchange(&e))?;
        if !status.is_success() {
            let text = |k: &str| body[k].as_str().unwrap_or_default().to_owned();
            return Err(exchange(&format!(
                "{}: {}",
                text("error"),
                text("error_description")
            )));
        }
        let tokens: token::Response = serde_json::from_value(body).map_err(|e| exchange(&e))?;
        if tokens.state != state {
            return Err(exchange(&"the token response carries another state"));
        }
        let keys = std::fs::read_to_string(&self.config.token_key).map_err(|e| {
            LoginError::Discovery(format!("{}: {e}", self.config.token_key.display()))
        })?;
        let expect = token::Expect {
            issuer: &self.config.issuer,
            audience: &self.config.client_id,
            now: self.clock.now(),
        };
        let subject = token::verify_id_token(&tokens.id_token, &keys, &expect)?;
        let rest = person::Rest {
            http: &self.http,
            base: self.endpoint(&format!("/rs/prns/{}", subject.oid)),
            access_token: &tokens.access_token,
        };
        let person = rest.person(&subject, clinics).await?;
        Ok(Login {
            person,
            sid: Some(subject.sid),
            tokens: Tokens {
                access: AccessToken::new(tokens.access_token),
                refresh: None,
                expires_at: self.clock.now() + tokens.expires_in,
                id_token: tokens.id_token,
            },
            next: pending.next,
        })
    }

    /// ESIA's logout: the provider ends its session and sends the browser
    /// back to the cabinet's home page (registered for the client).
    pub fn logout_url(&self) -> Url {
        let mut url = self.endpoint("/idp/ext/Logout");
        url.query_pairs_mut()
            .append_pair("client_id", &self.config.client_id)
            .append_pair("redirect_url", self.post_logout.as_str());
        url
    }
}
