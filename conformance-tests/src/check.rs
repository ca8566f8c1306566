//! Results and the checks every module shares (the OIDF suite's condition
//! classes: ValidateIdToken, CheckForUnexpectedParameters, EnsureErrorResponse
//! well-formed, CheckAuthorizationCodeEntropy, ...).

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde_json::Value;
use url::Url;

use crate::http::{Provider, Reply};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Status {
    Pass,
    Fail,
    Warning,
    Skipped,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
            Status::Warning => "WARNING",
            Status::Skipped => "SKIPPED",
        })
    }
}

/// A module's verdict with a one-line reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub status: Status,
    pub reason: String,
}

impl Outcome {
    pub fn pass(reason: impl Into<String>) -> Self {
        Self {
            status: Status::Pass,
            reason: reason.into(),
        }
    }
    pub fn fail(reason: impl Into<String>) -> Self {
        Self {
            status: Status::Fail,
            reason: reason.into(),
        }
    }
    pub fn warning(reason: impl Into<String>) -> Self {
        Self {
            status: Status::Warning,
            reason: reason.into(),
        }
    }
    pub fn skipped(reason: impl Into<String>) -> Self {
        Self {
            status: Status::Skipped,
            reason: reason.into(),
        }
    }
}

/// A module's result: `Err` carries the FAIL (or an early SKIPPED).
pub type Res = Result<Outcome, Outcome>;

/// Turns any error into a FAIL with its message.
pub trait OrFail<T> {
    fn or_fail(self, what: &str) -> Result<T, Outcome>;
}

impl<T, E: fmt::Display> OrFail<T> for Result<T, E> {
    fn or_fail(self, what: &str) -> Result<T, Outcome> {
        self.map_err(|e| Outcome::fail(format!("{what}: {e}")))
    }
}

impl<T> OrFail<T> for Option<T> {
    fn or_fail(self, what: &str) -> Result<T, Outcome> {
        self.ok_or_else(|| Outcome::fail(what.to_owned()))
    }
}

/// Fails the module with a formatted reason unless the condition holds.
#[macro_export]
macro_rules! ensure {
    ($cond:expr, $($reason:tt)+) => {
        if !$cond {
            return Err($crate::check::Outcome::fail(format!($($reason)+)));
        }
    };
}

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

pub fn param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// RFC 6749 §4.1.2: the state is echoed exactly.
pub fn check_state(callback: &Url, expected: Option<&str>) -> Result<(), Outcome> {
    let got = param(callback, "state");
    ensure!(
        got.as_deref() == expected,
        "state: sent {expected:?}, got back {got:?} (RFC 6749 §4.1.2)"
    );
    Ok(())
}

/// RFC 9207: `iss` in the authorization response, when present, is the issuer;
/// a provider that advertises support must send it.
pub fn check_iss(callback: &Url, op: &Provider) -> Result<(), Outcome> {
    let iss = param(callback, "iss");
    if let Some(iss) = &iss {
        ensure!(
            *iss == op.issuer,
            "iss in the authorization response is {iss}, not {} (RFC 9207 §2.4)",
            op.issuer
        );
    } else {
        ensure!(
            op.meta["authorization_response_iss_parameter_supported"] != true,
            "the provider advertises authorization_response_iss_parameter_supported but sent no iss (RFC 9207 §2)"
        );
    }
    Ok(())
}

/// OIDF CheckForAuthorizationCodeEntropy: at least 128 bits, judged by the
/// code's length and the alphabet it draws from.
pub fn check_code_entropy(code: &str) -> Result<(), Outcome> {
    let hex = code.bytes().all(|b| b.is_ascii_hexdigit());
    let alnum = code.bytes().all(|b| b.is_ascii_alphanumeric());
    let bits_per_char = if hex {
        4.0
    } else if alnum {
        5.95
    } else {
        6.0
    };
    let distinct = {
        let mut seen: Vec<u8> = code.bytes().collect();
        seen.sort_unstable();
        seen.dedup();
        seen.len()
    };
    let bits = code.len() as f64 * bits_per_char;
    ensure!(
        bits >= 128.0 && distinct >= 8,
        "the authorization code `{code}` carries about {bits:.0} bits; at least 128 are required (RFC 6749 §10.10)"
    );
    Ok(())
}

/// RFC 6749 §5.2 / §4.1.2.1: an error response is well-formed: `error`
/// present, `error_description` (if any) of the allowed characters.
pub fn check_error_fields(
    error: Option<&str>,
    description: Option<&str>,
) -> Result<String, Outcome> {
    let error = error.or_fail("the error response has no `error` field (RFC 6749 §5.2)")?;
    let allowed = |s: &str| {
        s.bytes()
            .all(|b| (0x20..=0x7e).contains(&b) && b != b'"' && b != b'\\')
    };
    ensure!(
        allowed(error),
        "`error` has characters RFC 6749 §5.2 forbids: {error:?}"
    );
    if let Some(d) = description {
        ensure!(
            allowed(d),
            "`error_description` has characters RFC 6749 §5.2 forbids: {d:?}"
        );
    }
    Ok(error.to_owned())
}

/// An error redirected to the client: well-formed, with the state echoed.
pub fn check_redirected_error(
    callback: &Url,
    state: Option<&str>,
    op: &Provider,
) -> Result<String, Outcome> {
    let error = check_error_fields(
        param(callback, "error").as_deref(),
        param(callback, "error_description").as_deref(),
    )?;
    ensure!(
        param(callback, "code").is_none(),
        "an error response must not carry a code"
    );
    check_state(callback, state)?;
    check_iss(callback, op)?;
    Ok(error)
}

/// A JSON error response from a back-channel endpoint.
pub fn check_json_error(reply: &Reply, status: &[u16]) -> Result<String, Outcome> {
    ensure!(
        status.contains(&reply.status),
        "expected HTTP {status:?} with an error, got {}: {}",
        reply.status,
        short(&reply.body)
    );
    let json = reply
        .json()
        .or_fail("the error response is not JSON (RFC 6749 §5.2)")?;
    check_error_fields(json["error"].as_str(), json["error_description"].as_str())
}

pub fn short(text: &str) -> String {
    let s: String = text.chars().take(160).collect();
    s.replace('\n', " ")
}

/// OIDF CheckDistinctKeyIdValueInServerJWKs.
pub fn check_jwks(op: &Provider) -> Result<(), Outcome> {
    let keys = op.jwks["keys"]
        .as_array()
        .or_fail("the JWKS has no `keys` array (RFC 7517 §5)")?;
    ensure!(!keys.is_empty(), "the JWKS is empty");
    let mut kids: Vec<&str> = keys.iter().filter_map(|k| k["kid"].as_str()).collect();
    let with_kid = kids.len();
    kids.sort_unstable();
    kids.dedup();
    ensure!(kids.len() == with_kid, "two keys in the JWKS share a kid");
    for key in keys {
        ensure!(
            key.get("d").is_none(),
            "the JWKS publishes a private key (member `d`)"
        );
    }
    Ok(())
}

/// What an ID token is checked against.
pub struct IdTokenExpect<'a> {
    pub client_id: &'a str,
    pub nonce: Option<&'a str>,
    pub access_token: Option<&'a str>,
}

/// OpenID Connect Core §3.1.3.7: signature against the JWKS, `iss`, `aud`,
/// `azp`, `exp`, `iat` (not older than 5 minutes), `nonce`, `sub`, `at_hash`.
pub fn check_id_token(
    op: &Provider,
    token: &str,
    expect: &IdTokenExpect<'_>,
) -> Result<Value, Outcome> {
    let header = jsonwebtoken::decode_header(token).or_fail("the ID token is not a JWS")?;
    let kid = header
        .kid
        .clone()
        .or_fail("the ID token header has no kid, so the key cannot be chosen")?;
    let jwk_value = op.jwks["keys"]
        .as_array()
        .and_then(|keys| keys.iter().find(|k| k["kid"] == kid.as_str()))
        .or_fail("the ID token's kid is not in the JWKS")?;
    let jwk: jsonwebtoken::jwk::Jwk =
        serde_json::from_value(jwk_value.clone()).or_fail("a JWKS key is malformed")?;
    let key = jsonwebtoken::DecodingKey::from_jwk(&jwk).or_fail("a JWKS key is unusable")?;
    let mut validation = jsonwebtoken::Validation::new(header.alg);
    validation.validate_aud = false;
    validation.validate_exp = false;
    validation.required_spec_claims.clear();
    let claims = jsonwebtoken::decode::<Value>(token, &key, &validation)
        .or_fail("the ID token signature does not verify against the JWKS")?
        .claims;
    ensure!(
        claims["iss"] == op.issuer.as_str(),
        "ID token iss is {}, expected {}",
        claims["iss"],
        op.issuer
    );
    ensure!(
        claims["sub"]
            .as_str()
            .is_some_and(|s| !s.is_empty() && s.len() <= 255),
        "ID token sub is missing or longer than 255"
    );
    let aud_ok = match &claims["aud"] {
        Value::String(a) => a == expect.client_id,
        Value::Array(a) => {
            a.iter().any(|v| v == expect.client_id)
                && (a.len() == 1 || claims["azp"] == expect.client_id)
        }
        _ => false,
    };
    ensure!(
        aud_ok,
        "ID token aud {} does not name the client {} (with azp when several)",
        claims["aud"],
        expect.client_id
    );
    let now = now();
    let exp = claims["exp"]
        .as_i64()
        .or_fail("ID token exp is missing or not a number")?;
    ensure!(
        exp > now,
        "the ID token expired already (exp {exp}, now {now})"
    );
    let iat = claims["iat"]
        .as_i64()
        .or_fail("ID token iat is missing or not a number")?;
    ensure!(iat >= now - 300, "ID token iat is more than 5 minutes old");
    ensure!(
        iat <= now + 300,
        "ID token iat is more than 5 minutes in the future"
    );
    if let Some(auth_time) = claims.get("auth_time") {
        ensure!(
            auth_time.as_i64().is_some(),
            "ID token auth_time is not a number"
        );
    }
    match expect.nonce {
        Some(nonce) => ensure!(
            claims["nonce"] == nonce,
            "ID token nonce {} differs from the one sent ({nonce})",
            claims["nonce"]
        ),
        None => ensure!(
            claims.get("nonce").is_none(),
            "ID token has a nonce although none was sent"
        ),
    }
    if let (Some(at), Some(hash)) = (expect.access_token, claims["at_hash"].as_str()) {
        let expected = at_hash(&header.alg, at);
        ensure!(
            hash == expected,
            "ID token at_hash {hash} does not match the access token ({expected})"
        );
    }
    Ok(claims)
}

/// Core §3.1.3.6: left half of the hash of the access token.
pub fn at_hash(alg: &jsonwebtoken::Algorithm, access_token: &str) -> String {
    use base64::Engine;
    use jsonwebtoken::Algorithm::*;
    let digest = match alg {
        RS384 | ES384 | PS384 => {
            ring::digest::digest(&ring::digest::SHA384, access_token.as_bytes())
        }
        RS512 | PS512 | EdDSA => {
            ring::digest::digest(&ring::digest::SHA512, access_token.as_bytes())
        }
        _ => ring::digest::digest(&ring::digest::SHA256, access_token.as_bytes()),
    };
    let bytes = digest.as_ref();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bytes[..bytes.len() / 2])
}
