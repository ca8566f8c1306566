//! Validation of the authorization request (RFC 6749 §4.1.1, OpenID Connect
//! Core §3.1.2.1, RFC 7636 §4.3). Client and redirect URI are checked first:
//! until both are trusted, no error may be redirected (RFC 6749 §4.1.2.1).

use serde::{Deserialize, Serialize};

use super::claims::ClaimsRequest;
use super::error::{ErrorCode, OAuthError};
use super::params::Params;
use crate::clock::UnixTime;
use crate::model::{Aal, Client, SCOPES, Scopes};

/// The longest value kept with a flow, per parameter: a flow lives on the
/// server for half an hour, so what one request may store is bounded.
const MAX_LEN: [(&str, usize); 7] = [
    ("state", 1024),
    ("nonce", 512),
    ("login_hint", 256),
    ("ui_locales", 64),
    ("acr_values", 512),
    ("claims", 4096),
    ("id_token_hint", 8192),
];

fn check_length(params: &Params, name: &str) -> Result<(), OAuthError> {
    let max = MAX_LEN
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(usize::MAX, |(_, max)| *max);
    match params.get(name)? {
        Some(value) if value.len() > max => Err(OAuthError::invalid_request(format!(
            "parameter `{name}` is longer than {max} bytes"
        ))),
        _ => Ok(()),
    }
}

/// `prompt` (OpenID Connect Core §3.1.2.1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prompt {
    pub none: bool,
    pub login: bool,
    pub consent: bool,
    /// Ask again whom the person acts for (a private person or one of
    /// their organizations), without a new login.
    #[serde(default)]
    pub select_account: bool,
}

/// A validated authorization request, kept with the login flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthRequest {
    pub client_id: String,
    pub redirect_uri: String,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub scopes: Scopes,
    pub code_challenge: Option<String>,
    pub prompt: Prompt,
    pub max_age: Option<i64>,
    pub login_hint: Option<String>,
    pub ui_locales: Option<String>,
    pub acr_values: Vec<String>,
    pub claims: ClaimsRequest,
    /// `sub` of a valid `id_token_hint`.
    pub hint_sub: Option<String>,
    /// The weakest authentication this request accepts: the strongest of
    /// the client's policy, `acr_values` and an essential `acr` claim.
    pub required_aal: Aal,
    /// An ESIA-dialect request (`esia::authorize`); `None`: OpenID Connect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub esia: Option<EsiaParts>,
}

/// What an ESIA-dialect request keeps beyond OpenID Connect's: the scopes
/// by ESIA's names, for its tokens. Its errors go back with ESIA's codes
/// (`redirect::error_for`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EsiaParts {
    pub scopes: Vec<String>,
}

/// The parts that must be trusted before anything is redirected.
pub fn trusted_redirect<'a>(
    params: &'a Params,
    client: Option<&Client>,
) -> Result<(&'a str, Option<&'a str>), OAuthError> {
    let client_id = params.require("client_id")?;
    let client = client.ok_or_else(|| {
        OAuthError::new(
            ErrorCode::InvalidClient,
            format!("client `{}` is not registered", preview(client_id)),
        )
    })?;
    let redirect_uri = params.get("redirect_uri")?.ok_or_else(|| {
        OAuthError::invalid_request(
            "parameter `redirect_uri` is missing (OpenID Connect requires it)",
        )
    })?;
    // Exact string comparison: no prefix, no normalisation (RFC 9700 §2.1).
    if !client.redirect_uris.iter().any(|r| r == redirect_uri) {
        return Err(OAuthError::invalid_request(format!(
            "redirect_uri `{}` is not registered for client `{}`",
            preview(redirect_uri),
            client.id
        )));
    }
    // An overlong state is refused below; it is not echoed back either.
    let state = params
        .get("state")
        .ok()
        .flatten()
        .filter(|_| check_length(params, "state").is_ok());
    Ok((redirect_uri, state))
}

/// Validates the rest once client and redirect URI are trusted. `verify_hint`
/// checks an `id_token_hint` and returns its `sub`.
pub fn validate(
    params: &Params,
    client: &Client,
    redirect_uri: &str,
    verify_hint: impl Fn(&str) -> Option<String>,
) -> Result<AuthRequest, OAuthError> {
    for (name, _) in MAX_LEN {
        check_length(params, name)?;
    }
    if params.get("request")?.is_some() {
        return Err(OAuthError::new(
            ErrorCode::RequestNotSupported,
            "request objects (`request`) are not supported; send the parameters directly",
        ));
    }
    if params.get("request_uri")?.is_some() {
        return Err(OAuthError::new(
            ErrorCode::RequestUriNotSupported,
            "`request_uri` is not supported; send the parameters directly",
        ));
    }
    if params.get("registration")?.is_some() {
        return Err(OAuthError::new(
            ErrorCode::RegistrationNotSupported,
            "the `registration` parameter is not supported",
        ));
    }
    match params.get("response_type")? {
        None => {
            return Err(OAuthError::invalid_request(
                "parameter `response_type` is missing",
            ));
        }
        Some("code") => {}
        Some(other) => {
            return Err(OAuthError::new(
                ErrorCode::UnsupportedResponseType,
                format!(
                    "response_type `{}` is not supported; use `code`",
                    preview(other)
                ),
            ));
        }
    }
    if let Some(mode) = params.get("response_mode")?
        && mode != "query"
    {
        return Err(OAuthError::invalid_request(format!(
            "response_mode `{}` is not supported; use `query`",
            preview(mode)
        )));
    }
    let requested = Scopes::parse(params.get("scope")?.unwrap_or_default());
    if !requested.contains("openid") {
        return Err(OAuthError::new(
            ErrorCode::InvalidScope,
            "scope must include `openid`",
        ));
    }
    // Unknown scopes are ignored; known ones the client may not have are dropped.
    let known = Scopes::parse(&SCOPES.join(" "));
    let scopes = requested.intersect(&known).intersect(&client.scopes);

    let code_challenge = pkce(params, client)?;
    let prompt = parse_prompt(params.get("prompt")?)?;
    let max_age = params
        .get("max_age")?
        .map(|v| {
            v.parse::<u32>().map(i64::from).map_err(|_| {
                OAuthError::invalid_request("max_age must be a non-negative integer of seconds")
            })
        })
        .transpose()?;
    let claims = params
        .get("claims")?
        .map(ClaimsRequest::parse)
        .transpose()?
        .unwrap_or_default();
    let hint_sub = match params.get("id_token_hint")? {
        None => None,
        Some(hint) => Some(verify_hint(hint).ok_or_else(|| {
            OAuthError::invalid_request("id_token_hint is not an ID token issued by this provider")
        })?),
    };
    let acr_values: Vec<String> = params
        .get("acr_values")?
        .map(|v| v.split_ascii_whitespace().map(str::to_owned).collect())
        .unwrap_or_default();
    let required_aal = required_aal(client.min_aal, &acr_values, &claims)?;
    Ok(AuthRequest {
        client_id: client.id.clone(),
        redirect_uri: redirect_uri.to_owned(),
        state: params.get("state")?.map(str::to_owned),
        nonce: params.get("nonce")?.map(str::to_owned),
        scopes,
        code_challenge,
        prompt,
        max_age,
        login_hint: params.get("login_hint")?.map(str::to_owned),
        ui_locales: params.get("ui_locales")?.map(str::to_owned),
        acr_values,
        claims,
        hint_sub,
        required_aal,
        esia: None,
    })
}

/// The strongest of the client's policy, `acr_values` (the weakest level
/// it lists that Vhod knows; unknown values are ignored, Core §3.1.2.1) and
/// an essential `acr` claim (Core §5.5.1.1). An essential `acr` naming no
/// level Vhod knows can never be met.
pub fn required_aal(
    client_min: Option<Aal>,
    acr_values: &[String],
    claims: &ClaimsRequest,
) -> Result<Aal, OAuthError> {
    let from_values = acr_values.iter().filter_map(|v| Aal::from_urn(v)).min();
    let essential = claims.essential_aal().map_err(|_| {
        OAuthError::new(
            ErrorCode::UnmetAuthenticationRequirements,
            "the essential acr values name no authentication level this provider offers",
        )
    })?;
    Ok([client_min, from_values, essential]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(Aal::Aal1))
}

/// PKCE (RFC 7636): S256 only; required for public clients.
fn pkce(params: &Params, client: &Client) -> Result<Option<String>, OAuthError> {
    let challenge = params.get("code_challenge")?;
    let method = params.get("code_challenge_method")?;
    match (challenge, method) {
        (None, Some(_)) => Err(OAuthError::invalid_request(
            "code_challenge_method given without code_challenge",
        )),
        (None, None) if client.is_public() => Err(OAuthError::invalid_request(
            "public clients must use PKCE: send code_challenge with code_challenge_method=S256",
        )),
        (None, None) => Ok(None),
        (Some(_), None | Some("plain")) => Err(OAuthError::invalid_request(
            "code_challenge_method must be S256 (plain is not allowed)",
        )),
        (Some(_), Some(m)) if m != "S256" => Err(OAuthError::invalid_request(format!(
            "code_challenge_method `{}` is not supported; use S256",
            preview(m)
        ))),
        (Some(c), Some(_)) => {
            let well_formed = c.len() == 43
                && c.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            if well_formed {
                Ok(Some(c.to_owned()))
            } else {
                Err(OAuthError::invalid_request(
                    "code_challenge must be the 43-character base64url SHA-256 of the verifier",
                ))
            }
        }
    }
}

fn parse_prompt(value: Option<&str>) -> Result<Prompt, OAuthError> {
    let mut prompt = Prompt::default();
    let values: Vec<&str> = value.unwrap_or_default().split_ascii_whitespace().collect();
    for v in &values {
        match *v {
            "none" => prompt.none = true,
            "login" => prompt.login = true,
            "consent" => prompt.consent = true,
            "select_account" => prompt.select_account = true,
            // Unknown values are ignored (Core §3.1.2.1).
            _ => {}
        }
    }
    if prompt.none && values.len() > 1 {
        return Err(OAuthError::invalid_request(
            "prompt=none cannot be combined with other prompt values",
        ));
    }
    Ok(prompt)
}

/// Whether a session's `auth_time` is too old for `max_age`.
pub fn max_age_exceeded(max_age: Option<i64>, auth_time: UnixTime, now: UnixTime) -> bool {
    max_age.is_some_and(|max| now - auth_time > max)
}

/// Echoes untrusted input safely into a description: at most 200
/// characters, each outside what RFC 6749 §5.2 allows in
/// `error_description` (printable ASCII but `"` and `\\`) shown as `?`.
pub fn preview(value: &str) -> String {
    value
        .chars()
        .take(200)
        .map(|c| {
            if (' '..='~').contains(&c) && c != '"' && c != '\\' {
                c
            } else {
                '?'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
