//! Client authentication at the token, introspection and revocation
//! endpoints: `client_secret_basic`, `client_secret_post`, or `none` for
//! public clients (RFC 6749 §2.3.1).

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::ctx::Ctx;
use crate::model::{Client, Secret};
use crate::oidc::error::OAuthError;
use crate::oidc::params::Params;

/// Credentials from the `Authorization: Basic` header, if it was sent.
#[derive(Debug, Default)]
pub struct ClientCredentials {
    pub basic: Option<(String, Secret)>,
    /// The header was present but not valid Basic credentials.
    pub malformed_header: bool,
}

impl ClientCredentials {
    /// Parses an `Authorization` header value.
    pub fn from_header(value: Option<&str>) -> Self {
        let Some(value) = value else {
            return Self::default();
        };
        let parsed = value
            .strip_prefix("Basic ")
            .and_then(|b64| STANDARD.decode(b64.trim()).ok())
            .and_then(|raw| String::from_utf8(raw).ok())
            .and_then(|text| {
                let (id, secret) = text.split_once(':')?;
                // Both halves are form-urlencoded (RFC 6749 §2.3.1).
                // Control characters (NUL above all) are never in an id or
                // secret: refuse them here rather than in the database.
                let decode = |s: &str| {
                    percent_encoding::percent_decode_str(&s.replace('+', " "))
                        .decode_utf8()
                        .ok()
                        .filter(|c| !c.chars().any(char::is_control))
                        .map(|c| c.into_owned())
                };
                Some((decode(id)?, Secret::new(decode(secret)?)))
            });
        match parsed {
            Some(pair) => Self {
                basic: Some(pair),
                malformed_header: false,
            },
            None => Self {
                basic: None,
                // Bearer and other schemes are not client credentials.
                malformed_header: value.starts_with("Basic"),
            },
        }
    }
}

/// Authenticates the client of a back-channel request.
pub async fn authenticate(
    ctx: &Ctx,
    params: &Params,
    credentials: ClientCredentials,
) -> Result<Arc<Client>, OAuthError> {
    if credentials.malformed_header {
        return Err(OAuthError::invalid_client(
            "the Authorization header is not valid HTTP Basic credentials",
        ));
    }
    let body_id = params.get("client_id")?;
    let body_secret = params.get("client_secret")?;
    let (client_id, secret) = match (credentials.basic, body_id, body_secret) {
        (Some(_), _, Some(_)) => {
            return Err(OAuthError::invalid_request(
                "use one client authentication method: Basic header or client_secret, not both",
            ));
        }
        (Some((id, _)), Some(body), None) if id != body => {
            return Err(OAuthError::invalid_request(
                "client_id in the body differs from the one in the Authorization header",
            ));
        }
        (Some((id, secret)), _, None) => (id, Some(secret)),
        (None, Some(id), secret) => (id.to_owned(), secret.map(Secret::new)),
        (None, None, _) => {
            return Err(OAuthError::invalid_client(
                "client authentication is missing: send HTTP Basic credentials or client_id",
            ));
        }
    };
    let unknown = || OAuthError::invalid_client("client authentication failed");
    let client = ctx.clients.get(&client_id).await?.ok_or_else(unknown)?;
    if client.is_esia() {
        // It has no secret: its signature, checked at the ESIA endpoints,
        // is what authenticates it.
        return Err(OAuthError::invalid_client(
            "this is an ESIA client: it uses the ESIA endpoints (/aas/oauth2/te)",
        ));
    }
    match (&client.secret_hash, secret) {
        (Some(stored), Some(secret)) if secret.matches_digest(stored) => Ok(client),
        (Some(_), _) => Err(unknown()),
        (None, None) => Ok(client),
        (None, Some(_)) => Err(OAuthError::invalid_client(
            "this is a public client: it has no secret; authenticate with PKCE only",
        )),
    }
}
