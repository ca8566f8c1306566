//! Authorization responses to the client's redirect URI, built with
//! `Url::query_pairs_mut`, never by string formatting.

use url::Url;

use super::auth_request::AuthRequest;
use super::error::OAuthError;

/// `redirect_uri?code=..&state=..&iss=..` (RFC 6749 §4.1.2, RFC 9207).
pub fn with_code(redirect_uri: &str, code: &str, state: Option<&str>, issuer: &str) -> String {
    build(
        redirect_uri,
        &[
            ("code", Some(code)),
            ("state", state),
            ("iss", Some(issuer)),
        ],
    )
}

/// `redirect_uri?error=..&error_description=..&state=..&iss=..`.
pub fn with_error(
    redirect_uri: &str,
    error: &OAuthError,
    state: Option<&str>,
    issuer: &str,
) -> String {
    build(
        redirect_uri,
        &[
            ("error", Some(error.code.as_str())),
            ("error_description", Some(&error.description)),
            ("state", state),
            ("iss", Some(issuer)),
        ],
    )
}

/// Back to the portal of `req` with `error`, in the request's dialect: an
/// ESIA-mode request gets ESIA's code in front of the description.
pub fn error_for(req: &AuthRequest, error: &OAuthError, issuer: &str) -> String {
    let error = match req.esia {
        Some(_) => error.clone().in_esia_dialect(),
        None => error.clone(),
    };
    with_error(&req.redirect_uri, &error, req.state.as_deref(), issuer)
}

/// `post_logout_redirect_uri?state=..`.
pub fn with_state(uri: &str, state: Option<&str>) -> String {
    build(uri, &[("state", state)])
}

fn build(uri: &str, params: &[(&str, Option<&str>)]) -> String {
    // Registered URIs were validated as absolute URLs at registration.
    let Ok(mut url) = Url::parse(uri) else {
        return uri.to_owned();
    };
    {
        let mut query = url.query_pairs_mut();
        for (name, value) in params {
            if let Some(value) = value {
                query.append_pair(name, value);
            }
        }
    }
    url.to_string()
}

/// The portal's home: the origin of a registered redirect URI, a safe way
/// back when a flow cannot continue.
pub fn origin(uri: &str) -> Option<String> {
    let url = Url::parse(uri).ok()?;
    Some(format!("{}/", url.origin().ascii_serialization()))
}
