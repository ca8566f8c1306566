//! The ESIA way of authenticating a client: `client_secret` is a detached
//! CMS signature over the concatenated values of the request's parameters,
//! checked against the client's registered certificate; `timestamp` must be
//! near the server's clock and `state` a UUID. The rules are pure: the
//! handlers read the parameters, the use cases call [`verify`].

use std::sync::Arc;

use chrono::{DateTime, FixedOffset};

use crate::clock::UnixTime;
use crate::ctx::Ctx;
use crate::model::Client;
use crate::oidc::error::{ErrorCode, OAuthError};
use crate::oidc::params::Params;

/// Which text a signature covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// `/aas/oauth2/ac`, `/aas/oauth2/te`: `scope + timestamp + client_id + state`.
    V1,
    /// `/aas/oauth2/v2/ac`, `/aas/oauth2/v3/te`: `client_id + scope +
    /// timestamp + state + redirect_uri` (+ `code` at the token endpoint).
    V2,
}

/// The signed parameters of one request.
#[derive(Debug, Clone, Copy)]
pub struct Signed<'a> {
    pub client_id: &'a str,
    pub scope: &'a str,
    pub timestamp: &'a str,
    pub state: &'a str,
    pub redirect_uri: &'a str,
    /// The code, at the v3 token endpoint.
    pub code: Option<&'a str>,
}

/// The text the client signed.
pub fn signed_text(version: Version, s: &Signed<'_>) -> String {
    match version {
        Version::V1 => [s.scope, s.timestamp, s.client_id, s.state].concat(),
        Version::V2 => [
            s.client_id,
            s.scope,
            s.timestamp,
            s.state,
            s.redirect_uri,
            s.code.unwrap_or_default(),
        ]
        .concat(),
    }
}

/// `yyyy.MM.dd HH:mm:ss ±hhmm`, e.g. `2026.12.06 13:00:29 +0300`.
pub fn parse_timestamp(text: &str) -> Option<UnixTime> {
    // chrono accepts more than the format says (one-digit fields); the
    // length pins it down.
    if text.len() != 25 {
        return None;
    }
    DateTime::<FixedOffset>::parse_from_str(text, "%Y.%m.%d %H:%M:%S %z")
        .ok()
        .map(|t| t.timestamp())
}

/// A UUID in its usual text form (what ESIA requires of `state`).
pub fn is_uuid(text: &str) -> bool {
    text.len() == 36 && uuid::Uuid::try_parse(text).is_ok()
}

/// A refusal of the ESIA endpoints, with ESIA's code.
pub fn refusal(code: ErrorCode, esia: &str, description: impl std::fmt::Display) -> OAuthError {
    OAuthError::new(code, format!("{esia}: {description}"))
}

/// `ESIA-007014`: the request lacks the parameter `name`.
pub fn missing(name: &str) -> OAuthError {
    refusal(
        ErrorCode::InvalidRequest,
        "ESIA-007014",
        format!("the request has no `{name}`"),
    )
}

/// The parameter `name`, required.
pub fn required<'a>(params: &'a Params, name: &str) -> Result<&'a str, OAuthError> {
    params.get(name)?.ok_or_else(|| missing(name))
}

/// `ESIA-007005`: the client is unknown, or not an ESIA client.
pub fn unknown_client() -> OAuthError {
    refusal(
        ErrorCode::InvalidClient,
        "ESIA-007005",
        "the client is not registered as an ESIA client",
    )
}

/// The ESIA client `client_id`, or [`unknown_client`].
pub async fn esia_client(ctx: &Ctx, client_id: &str) -> Result<Arc<Client>, OAuthError> {
    match ctx.clients.get(client_id).await? {
        Some(client) if client.is_esia() => Ok(client),
        _ => Err(unknown_client()),
    }
}

/// Checks a signed request of `client` (an ESIA client): `timestamp`
/// within `window_secs` of `now`, `state` a UUID, the certificate named
/// by `client_certificate_hash` (v2/v3) the registered one, and
/// `client_secret` its detached CMS signature over [`signed_text`].
pub fn verify(
    client: &Client,
    version: Version,
    signed: &Signed<'_>,
    client_secret: &str,
    certificate_hash: Option<&str>,
    (now, window_secs): (UnixTime, i64),
) -> Result<(), OAuthError> {
    let Some(pem) = &client.esia_certificate else {
        return Err(refusal(
            ErrorCode::InvalidClient,
            "ESIA-007005",
            format!("client `{}` is not an ESIA client", client.id),
        ));
    };
    let Some(at) = parse_timestamp(signed.timestamp) else {
        return Err(refusal(
            ErrorCode::InvalidRequest,
            "ESIA-007055",
            "timestamp must be `yyyy.MM.dd HH:mm:ss ±hhmm`, e.g. `2026.12.06 13:00:29 +0300`",
        ));
    };
    if (at - now).abs() > window_secs {
        return Err(refusal(
            ErrorCode::InvalidRequest,
            "ESIA-007055",
            format!(
                "timestamp is {} seconds from the server's time; at most {window_secs} are accepted",
                (at - now).abs()
            ),
        ));
    }
    if !is_uuid(signed.state) {
        return Err(refusal(
            ErrorCode::InvalidRequest,
            "ESIA-007014",
            "state must be a UUID (e.g. 3f2a1c4e-7b1d-4c9a-9d2e-1a2b3c4d5e6f)",
        ));
    }
    let certificate = esign::ClientCertificate::parse(pem.as_bytes()).map_err(|e| {
        tracing::error!(client = %client.id, error = %e, "registered ESIA certificate unreadable");
        OAuthError::server_error(e)
    })?;
    if version == Version::V2
        && let Some(hash) = certificate_hash
        && !certificate.matches_esia_hash(hash)
    {
        return Err(refusal(
            ErrorCode::InvalidClient,
            "ESIA-007053",
            "client_certificate_hash does not name the certificate registered for this client",
        ));
    }
    let text = signed_text(version, signed);
    certificate
        .verify_detached(text.as_bytes(), client_secret)
        .map_err(|e| {
            refusal(
                ErrorCode::InvalidClient,
                "ESIA-007053",
                format!("the client_secret signature is refused: {e}"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_in_esia_format_only() {
        assert_eq!(
            parse_timestamp("2026.12.06 13:00:29 +0300"),
            Some(1_796_551_229)
        );
        assert_eq!(
            parse_timestamp("2026.12.06 10:00:29 +0000"),
            parse_timestamp("2026.12.06 13:00:29 +0300")
        );
        for bad in [
            "2026-12-06 13:00:29 +0300",
            "2026.12.06 13:00:29",
            "2026.12.6 13:00:29 +0300 ",
            "2026.12.06T13:00:29 +0300",
            "2026.13.06 13:00:29 +0300",
            "",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }

    #[test]
    fn signed_text_orders() {
        let s = Signed {
            client_id: "C",
            scope: "S",
            timestamp: "T",
            state: "U",
            redirect_uri: "R",
            code: Some("K"),
        };
        assert_eq!(signed_text(Version::V1, &s), "STCU");
        assert_eq!(signed_text(Version::V2, &s), "CSTURK");
        assert!(is_uuid("3f2a1c4e-7b1d-4c9a-9d2e-1a2b3c4d5e6f"));
        assert!(!is_uuid("3f2a1c4e7b1d4c9a9d2e1a2b3c4d5e6f"));
        assert!(!is_uuid("state"));
    }
}
