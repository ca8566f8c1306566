//! The OpenID Connect side, on the `openidconnect` crate: discovery, the
//! authorization request (code + PKCE S256 + `state` + `nonce`), the code
//! exchange, ID token validation (OpenID Connect Core §3.1.3.7), userinfo
//! (§5.3), refresh (§12), RP-initiated logout, and back-channel logout
//! tokens ([`logout_token`]).
//!
//! The provider is discovered on first use, so the cabinet starts before
//! the provider does. The JWKS is held and fetched again when a token names
//! a key it does not have: keys rotate without notice.

mod claims;
pub mod logout_token;
mod reason;

use std::sync::{Arc, RwLock};

use openidconnect::core::{
    CoreAuthPrompt, CoreAuthenticationFlow, CoreClient, CoreGenderClaim, CoreJsonWebKeySet,
    CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
};
use openidconnect::{
    AccessToken, AccessTokenHash, AuthorizationCode, ClaimsVerificationError, ClientId,
    ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet, EndpointSet, IdToken,
    IdTokenVerifier, IssuerUrl, JsonWebKeySet, LogoutRequest, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PostLogoutRedirectUrl, ProviderMetadataWithLogout, RedirectUrl,
    RefreshToken, Scope, SignatureVerificationError, SubjectIdentifier, TokenResponse,
};
use tokio::sync::OnceCell;
use url::Url;

use crate::clock::Clock;
use crate::config::Config;
use crate::person::{Level, Person};
use crate::session::{LOGIN_TTL_SECS, PendingLogin, Tokens};
pub use claims::VhodClaims;
pub use reason::ProviderReason;

type VhodIdToken = IdToken<
    VhodClaims,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;
type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;
pub type Http = openidconnect::reqwest::Client;

/// The scopes the cabinet asks for; `organizations` too when the provider
/// offers it.
const SCOPES: [&str; 3] = ["profile", "snils", "offline_access"];
const ORGANIZATIONS: &str = "organizations";
/// An access token this close to its expiry is refreshed first.
pub const REFRESH_MARGIN_SECS: i64 = 60;

/// Why a login or a token was refused. The codes the provider sends back
/// are kept as they are, so the page can explain each.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("the provider cannot be reached or described itself wrongly: {0}")]
    Discovery(String),
    #[error("no login in progress for this browser (no cookie, expired, or used)")]
    NoLoginInProgress,
    #[error("the state does not match the login in progress")]
    WrongState,
    /// The `iss` of the response is another provider (RFC 9207 §2.4).
    #[error("the response names another issuer")]
    WrongIssuer,
    #[error("the provider answered {error}: {description}")]
    Provider { error: String, description: String },
    #[error("the code exchange failed: {0}")]
    Exchange(String),
    #[error("the ID token was refused: {0}")]
    IdToken(#[from] IdTokenError),
    #[error("userinfo failed: {0}")]
    UserInfo(String),
    /// `refused`: the provider answered with an OAuth error (the grant is
    /// gone); otherwise it could not be asked.
    #[error("refresh failed: {detail}")]
    Refresh { refused: bool, detail: String },
}

/// What is wrong with an ID token.
#[derive(Debug, thiserror::Error)]
pub enum IdTokenError {
    #[error("the token response has no ID token")]
    Missing,
    #[error("signed by a key the provider does not publish")]
    UnknownKey,
    #[error("{0}")]
    Claims(ClaimsVerificationError),
    #[error("at_hash is missing or does not match the access token")]
    AtHash,
    #[error("malformed: {0}")]
    Malformed(String),
}

impl IdTokenError {
    fn from_claims(e: ClaimsVerificationError) -> Self {
        match e {
            ClaimsVerificationError::SignatureVerification(
                SignatureVerificationError::NoMatchingKey,
            ) => Self::UnknownKey,
            e => Self::Claims(e),
        }
    }
}

/// Whether a login is a new one on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Again {
    No,
    /// For an area that needs `level`: the request makes that account level
    /// essential (`claims`, Core §5.5) and asks for a fresh login
    /// (`prompt=login`), since an upgrade shows only in a new login.
    ForLevel(Level),
    /// To act for another organization, or as a private person
    /// (`prompt=select_account`).
    ChoosingOrganization,
}

/// A completed login.
#[derive(Debug)]
pub struct Login {
    pub person: Person,
    pub sid: Option<String>,
    pub tokens: Tokens,
    pub next: String,
}

/// The provider, discovered on first use.
pub struct Oidc {
    config: Config,
    clock: Clock,
    http: Http,
    provider: OnceCell<Arc<Provider>>,
}

impl Oidc {
    pub fn new(config: Config, clock: Clock) -> Self {
        let http = openidconnect::reqwest::ClientBuilder::new()
            // Never follow redirects: OAuth 2.0 Security BCP §4.11.
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .expect("a default HTTP client builds");
        Self {
            config,
            clock,
            http,
            provider: OnceCell::new(),
        }
    }

    pub async fn provider(&self) -> Result<Arc<Provider>, LoginError> {
        self.provider
            .get_or_try_init(|| async {
                Provider::discover(&self.config, self.clock.clone(), self.http.clone())
                    .await
                    .map(Arc::new)
            })
            .await
            .cloned()
    }
}

pub struct Provider {
    client: Client,
    issuer: IssuerUrl,
    client_id: ClientId,
    secret: ClientSecret,
    jwks_uri: openidconnect::JsonWebKeySetUrl,
    jwks: RwLock<CoreJsonWebKeySet>,
    end_session: Option<openidconnect::EndSessionUrl>,
    post_logout: PostLogoutRedirectUrl,
    scopes: Vec<Scope>,
    clock: Clock,
    http: Http,
}

impl Provider {
    async fn discover(config: &Config, clock: Clock, http: Http) -> Result<Self, LoginError> {
        let failed = |e: &dyn std::fmt::Display| LoginError::Discovery(e.to_string());
        // The issuer as the provider spells it: no trailing slash.
        let issuer = IssuerUrl::new(config.issuer.as_str().trim_end_matches('/').to_owned())
            .map_err(|e| failed(&e))?;
        let metadata = ProviderMetadataWithLogout::discover_async(issuer.clone(), &http)
            .await
            .map_err(|e| failed(&e))?;
        let offers_orgs = metadata
            .scopes_supported()
            .is_some_and(|s| s.iter().any(|s| s.as_str() == ORGANIZATIONS));
        let scopes = SCOPES
            .iter()
            .chain(offers_orgs.then_some(&ORGANIZATIONS))
            .map(|s| Scope::new((*s).to_owned()))
            .collect();
        let end_session = metadata.additional_metadata().end_session_endpoint.clone();
        let jwks_uri = metadata.jwks_uri().clone();
        let jwks = metadata.jwks().clone();
        let client_id = ClientId::new(config.client_id.clone());
        let secret = ClientSecret::new(config.client_secret.expose().to_owned());
        let redirect = RedirectUrl::from_url(config.redirect_uri());
        let client =
            CoreClient::from_provider_metadata(metadata, client_id.clone(), Some(secret.clone()))
                .set_redirect_uri(redirect);
        Ok(Self {
            client,
            issuer,
            client_id,
            secret,
            jwks_uri,
            jwks: RwLock::new(jwks),
            end_session,
            post_logout: PostLogoutRedirectUrl::from_url(config.post_logout_uri()),
            scopes,
            clock,
            http,
        })
    }

    pub fn issuer(&self) -> &str {
        self.issuer.as_str()
    }

    pub fn client_id(&self) -> &str {
        self.client_id.as_str()
    }

    pub fn offers_organizations(&self) -> bool {
        self.scopes.iter().any(|s| s.as_str() == ORGANIZATIONS)
    }

    /// The authorization request and what the callback will need (its
    /// `browser` is the caller's to set).
    pub fn begin(&self, again: Again, next: String) -> (Url, PendingLogin) {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = self
            .client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scopes(self.scopes.iter().cloned())
            .set_pkce_challenge(challenge);
        match again {
            Again::No => {}
            Again::ForLevel(level) => {
                let claims = serde_json::json!({
                    "id_token": {"account_level": {"essential": true, "values": level.and_above()}}
                });
                request = request
                    .add_extra_param("claims", claims.to_string())
                    .add_prompt(CoreAuthPrompt::Login);
            }
            Again::ChoosingOrganization => {
                request = request.add_prompt(CoreAuthPrompt::SelectAccount);
            }
        }
        let (url, state, nonce) = request.url();
        let pending = PendingLogin {
            browser: String::new(),
            state,
            nonce,
            verifier,
            next,
            expires_at: self.clock.now() + LOGIN_TTL_SECS,
        };
        (url, pending)
    }

    /// Redeems the code and validates what comes back.
    pub async fn finish(&self, code: String, pending: PendingLogin) -> Result<Login, LoginError> {
        let response = self
            .client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|e| LoginError::Exchange(e.to_string()))?
            .set_pkce_verifier(pending.verifier)
            .request_async(&self.http)
            .await
            .map_err(|e| LoginError::Exchange(token_error(&e)))?;
        let raw = response
            .id_token()
            .ok_or(IdTokenError::Missing)?
            .to_string();
        let claims = self
            .verify_id_token(&raw, &pending.nonce, response.access_token())
            .await?;
        let info = self.userinfo(response.access_token(), &claims.sub).await?;
        Ok(Login {
            person: claims::person(&claims, info),
            sid: claims.sid,
            tokens: self.tokens(&response, raw),
            next: pending.next,
        })
    }

    fn tokens(
        &self,
        response: &openidconnect::core::CoreTokenResponse,
        id_token: String,
    ) -> Tokens {
        let lifetime = response.expires_in().map_or(0, |d| d.as_secs() as i64);
        Tokens {
            access: response.access_token().clone(),
            refresh: response.refresh_token().cloned(),
            expires_at: self.clock.now() + lifetime,
            id_token,
        }
    }

    /// Validates an ID token (Core §3.1.3.7): the signature against the
    /// JWKS (fetched again once if the `kid` is unknown), `iss`, `aud`,
    /// `azp`, `exp`, `iat`, the `nonce` of this login, and `at_hash` against
    /// the access token (§3.1.3.8).
    pub async fn verify_id_token(
        &self,
        raw: &str,
        nonce: &Nonce,
        access_token: &AccessToken,
    ) -> Result<claims::IdClaims, IdTokenError> {
        let token: VhodIdToken = raw
            .parse()
            .map_err(|e: serde_json::Error| IdTokenError::Malformed(e.to_string()))?;
        match self.verify_with_held_keys(&token, nonce, access_token) {
            Err(IdTokenError::UnknownKey) => {
                self.refetch_jwks().await?;
                self.verify_with_held_keys(&token, nonce, access_token)
            }
            result => result,
        }
    }

    fn verify_with_held_keys(
        &self,
        token: &VhodIdToken,
        nonce: &Nonce,
        access_token: &AccessToken,
    ) -> Result<claims::IdClaims, IdTokenError> {
        let verifier = self.verifier();
        let claims = token
            .claims(&verifier, nonce)
            .map_err(IdTokenError::from_claims)?;
        let alg = token.signing_alg().map_err(|_| IdTokenError::AtHash)?;
        let key = token
            .signing_key(&verifier)
            .map_err(|_| IdTokenError::UnknownKey)?;
        let expected = AccessTokenHash::from_token(access_token, alg, key)
            .map_err(|_| IdTokenError::AtHash)?;
        if claims.access_token_hash() != Some(&expected) {
            return Err(IdTokenError::AtHash);
        }
        Ok(claims::IdClaims::from(claims))
    }

    fn verifier(&self) -> IdTokenVerifier<'static, openidconnect::core::CoreJsonWebKey> {
        let clock = self.clock.clone();
        IdTokenVerifier::new_confidential_client(
            self.client_id.clone(),
            self.secret.clone(),
            self.issuer.clone(),
            self.held_keys(),
        )
        .set_allowed_algs([
            CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
            CoreJwsSigningAlgorithm::EcdsaP256Sha256,
            CoreJwsSigningAlgorithm::EdDsa,
        ])
        .set_time_fn(move || clock.utc())
    }

    fn held_keys(&self) -> CoreJsonWebKeySet {
        self.jwks.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Fetches the JWKS again, after a token named a key we did not hold.
    async fn refetch_jwks(&self) -> Result<(), IdTokenError> {
        let fresh = JsonWebKeySet::fetch_async(&self.jwks_uri, &self.http)
            .await
            .map_err(|e| IdTokenError::Malformed(format!("cannot fetch the JWKS: {e}")))?;
        tracing::info!(
            keys = fresh.keys().len(),
            "fetched the provider's JWKS again"
        );
        *self.jwks.write().unwrap_or_else(|e| e.into_inner()) = fresh;
        Ok(())
    }

    async fn userinfo(
        &self,
        access_token: &AccessToken,
        sub: &SubjectIdentifier,
    ) -> Result<claims::UserInfo, LoginError> {
        let failed = |e: &dyn std::fmt::Display| LoginError::UserInfo(e.to_string());
        self.client
            .user_info(access_token.clone(), Some(sub.clone()))
            .map_err(|e| failed(&e))?
            .request_async(&self.http)
            .await
            .map_err(|e| failed(&e))
    }

    /// New tokens for a refresh token (rotated by the provider). The ID
    /// token for the logout hint stays the one of the login.
    pub async fn refresh(&self, tokens: &Tokens) -> Result<Tokens, LoginError> {
        let failed = |refused, detail| LoginError::Refresh { refused, detail };
        let refresh: &RefreshToken = tokens
            .refresh
            .as_ref()
            .ok_or_else(|| failed(true, "no refresh token".into()))?;
        let response = self
            .client
            .exchange_refresh_token(refresh)
            .map_err(|e| failed(false, e.to_string()))?
            .request_async(&self.http)
            .await
            .map_err(|e| {
                let refused = matches!(e, openidconnect::RequestTokenError::ServerResponse(_));
                failed(refused, token_error(&e))
            })?;
        let mut fresh = self.tokens(&response, tokens.id_token.clone());
        fresh.refresh = fresh.refresh.or_else(|| tokens.refresh.clone());
        Ok(fresh)
    }

    /// RP-initiated logout: the provider's end-session URL with the ID
    /// token as the hint, coming back to the cabinet's home page.
    pub fn logout_url(&self, id_token: &str) -> Option<Url> {
        let endpoint = self.end_session.clone()?;
        let mut request = LogoutRequest::from(endpoint)
            .set_client_id(self.client_id.clone())
            .set_post_logout_redirect_uri(self.post_logout.clone());
        if let Ok(hint) = id_token.parse::<VhodIdToken>() {
            request = request.set_id_token_hint(&hint);
        }
        Some(request.http_get_url())
    }

    /// Validates a back-channel logout token (see [`logout_token`]).
    pub async fn verify_logout_token(
        &self,
        raw: &str,
    ) -> Result<logout_token::Logout, logout_token::LogoutTokenError> {
        match logout_token::verify(raw, &self.held_keys(), self.expectations()) {
            Err(logout_token::LogoutTokenError::UnknownKey) => {
                self.refetch_jwks()
                    .await
                    .map_err(|_| logout_token::LogoutTokenError::UnknownKey)?;
                logout_token::verify(raw, &self.held_keys(), self.expectations())
            }
            result => result,
        }
    }

    fn expectations(&self) -> logout_token::Expect<'_> {
        logout_token::Expect {
            issuer: self.issuer.as_str(),
            audience: self.client_id.as_str(),
            now: self.clock.now(),
        }
    }
}

type TokenRequestError = openidconnect::RequestTokenError<
    openidconnect::HttpClientError<openidconnect::reqwest::Error>,
    openidconnect::StandardErrorResponse<openidconnect::core::CoreErrorResponseType>,
>;

/// A token endpoint error: the OAuth error code and description when the
/// provider sent one (RFC 6749 §5.2), else what failed on the way.
fn token_error(e: &TokenRequestError) -> String {
    match e {
        openidconnect::RequestTokenError::ServerResponse(response) => response.to_string(),
        other => {
            let mut text = other.to_string();
            let mut source = std::error::Error::source(other);
            while let Some(s) = source {
                text = format!("{text}: {s}");
                source = s.source();
            }
            text
        }
    }
}
