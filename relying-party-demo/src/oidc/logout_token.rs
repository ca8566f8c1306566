//! Back-Channel Logout 1.0: validating a logout token (§2.6) before the
//! cabinet ends the session it names.
//!
//! 1. a JWS (never unsigned or MAC'd) with `typ` `logout+jwt` when given
//!    (§2.4), signed by a key of the provider's JWKS;
//! 2. `iss` the provider, `aud` this client, `iat` present and not in the
//!    future, `exp` not past;
//! 3. `sub` or `sid` (or both);
//! 4. `events` holding `http://schemas.openid.net/event/backchannel-logout`
//!    with a JSON object;
//! 5. no `nonce`.
//!
//! A `jti` is not remembered: ending a session twice does nothing more.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openidconnect::core::{CoreJsonWebKeySet, CoreJwsSigningAlgorithm};
use openidconnect::{JsonWebKey, JsonWebKeyId};
use serde::Deserialize;
use serde_json::Value;

pub const EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";
const TYP: &str = "logout+jwt";
/// Tolerated clock difference with the provider.
const LEEWAY_SECS: i64 = 60;

/// What the cabinet must end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logout {
    pub sub: Option<String>,
    pub sid: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LogoutTokenError {
    #[error("not a signed JWT: {0}")]
    Malformed(&'static str),
    #[error("signed with an algorithm not accepted: {0}")]
    Algorithm(String),
    #[error("header typ is not logout+jwt")]
    Type,
    #[error("signed by a key the provider does not publish")]
    UnknownKey,
    #[error("bad signature")]
    Signature,
    #[error("issuer is not the provider")]
    Issuer,
    #[error("audience is not this client")]
    Audience,
    #[error("iat is missing or in the future")]
    IssuedAt,
    #[error("expired")]
    Expired,
    #[error("neither sub nor sid")]
    NoSubject,
    #[error("no back-channel logout event")]
    Event,
    #[error("a logout token must not carry a nonce")]
    Nonce,
}

/// What the token must say.
#[derive(Debug, Clone, Copy)]
pub struct Expect<'a> {
    pub issuer: &'a str,
    pub audience: &'a str,
    pub now: i64,
}

#[derive(Deserialize)]
struct Header {
    alg: Value,
    kid: Option<String>,
    typ: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
struct Claims {
    iss: String,
    aud: Audience,
    iat: Option<i64>,
    exp: Option<i64>,
    sub: Option<String>,
    sid: Option<String>,
    #[serde(default)]
    events: serde_json::Map<String, Value>,
    nonce: Option<Value>,
}

pub fn verify(
    raw: &str,
    keys: &CoreJsonWebKeySet,
    expect: Expect<'_>,
) -> Result<Logout, LogoutTokenError> {
    use LogoutTokenError as E;
    let mut parts = raw.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(E::Malformed("three parts expected"));
    };
    let decode = |part: &str| {
        URL_SAFE_NO_PAD
            .decode(part)
            .map_err(|_| E::Malformed("not base64url"))
    };
    let header: Header =
        serde_json::from_slice(&decode(header)?).map_err(|_| E::Malformed("header"))?;
    let alg: CoreJwsSigningAlgorithm = serde_json::from_value(header.alg.clone())
        .map_err(|_| E::Algorithm(header.alg.to_string()))?;
    if !matches!(
        alg,
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256
            | CoreJwsSigningAlgorithm::EcdsaP256Sha256
            | CoreJwsSigningAlgorithm::EdDsa
    ) {
        return Err(E::Algorithm(header.alg.to_string()));
    }
    if header.typ.as_deref().is_some_and(|t| {
        !t.eq_ignore_ascii_case(TYP) && !t.eq_ignore_ascii_case("application/logout+jwt")
    }) {
        return Err(E::Type);
    }
    let kid = header.kid.map(JsonWebKeyId::new);
    let candidates: Vec<_> = keys
        .keys()
        .iter()
        .filter(|k| kid.is_none() || k.key_id() == kid.as_ref())
        .collect();
    if candidates.is_empty() {
        return Err(E::UnknownKey);
    }
    let message = &raw[..header_and_payload_len(raw)];
    let signature = decode(signature)?;
    if !candidates.iter().any(|k| {
        k.verify_signature(&alg, message.as_bytes(), &signature)
            .is_ok()
    }) {
        return Err(E::Signature);
    }

    let claims: Claims =
        serde_json::from_slice(&decode(payload)?).map_err(|_| E::Malformed("claims"))?;
    if claims.iss != expect.issuer {
        return Err(E::Issuer);
    }
    let audiences = match claims.aud {
        Audience::One(a) => vec![a],
        Audience::Many(a) => a,
    };
    if !audiences.iter().any(|a| a == expect.audience) {
        return Err(E::Audience);
    }
    match claims.iat {
        Some(iat) if iat <= expect.now + LEEWAY_SECS => {}
        _ => return Err(E::IssuedAt),
    }
    if claims.exp.is_some_and(|exp| exp + LEEWAY_SECS < expect.now) {
        return Err(E::Expired);
    }
    if claims.sub.is_none() && claims.sid.is_none() {
        return Err(E::NoSubject);
    }
    if !claims.events.get(EVENT).is_some_and(Value::is_object) {
        return Err(E::Event);
    }
    if claims.nonce.is_some() {
        return Err(E::Nonce);
    }
    Ok(Logout {
        sub: claims.sub,
        sid: claims.sid,
    })
}

/// Length of `header.payload`, the signing input.
fn header_and_payload_len(raw: &str) -> usize {
    raw.rfind('.').unwrap_or(0)
}

#[cfg(test)]
mod tests;
