//! The token request, parsed by `grant_type` into one variant per grant
//! (RFC 6749 §4.1.3, §6, §4.4): each grant module receives exactly the
//! fields it needs, already present and single-valued.

use serde::Deserialize;

use crate::oidc::auth_request::preview;
use crate::oidc::error::{ErrorCode, OAuthError};
use crate::oidc::params::Params;

pub const GRANT_TYPES: [&str; 3] = ["authorization_code", "refresh_token", "client_credentials"];

#[derive(Debug, Deserialize)]
#[serde(tag = "grant_type", rename_all = "snake_case")]
pub enum TokenRequest {
    AuthorizationCode {
        code: String,
        redirect_uri: Option<String>,
        code_verifier: Option<String>,
    },
    RefreshToken {
        refresh_token: String,
        scope: Option<String>,
    },
    ClientCredentials {
        scope: Option<String>,
    },
}

impl TokenRequest {
    /// Parses the form; `grant_type` has been checked to be present.
    pub fn parse(params: &Params) -> Result<Self, OAuthError> {
        let grant_type = params.require("grant_type")?;
        if !GRANT_TYPES.contains(&grant_type) {
            return Err(OAuthError::new(
                ErrorCode::UnsupportedGrantType,
                format!(
                    "grant_type `{}` is not supported; use {}",
                    preview(grant_type),
                    GRANT_TYPES.join(", ")
                ),
            ));
        }
        serde_json::from_value(params.to_json()?).map_err(|e| {
            let text = e.to_string();
            let field = text
                .strip_prefix("missing field `")
                .and_then(|rest| rest.split('`').next());
            OAuthError::invalid_request(match field {
                Some(name) => format!("parameter `{name}` is missing"),
                None => format!("malformed token request: {}", preview(&text)),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(form: &str) -> Result<TokenRequest, OAuthError> {
        TokenRequest::parse(&Params::parse(form.as_bytes()).unwrap())
    }

    #[test]
    fn each_grant_gets_its_fields() {
        let request = parse("grant_type=authorization_code&code=abc&redirect_uri=x&client_id=c");
        assert!(matches!(
            request,
            Ok(TokenRequest::AuthorizationCode { code, redirect_uri: Some(_), code_verifier: None }) if code == "abc"
        ));
        assert!(matches!(
            parse("grant_type=client_credentials"),
            Ok(TokenRequest::ClientCredentials { scope: None })
        ));
    }

    #[test]
    fn missing_and_unknown_are_named() {
        let e = parse("grant_type=refresh_token").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidRequest);
        assert!(e.description.contains("`refresh_token` is missing"), "{e}");
        let e = parse("grant_type=password&username=a").unwrap_err();
        assert_eq!(e.code, ErrorCode::UnsupportedGrantType);
        let e = parse("grant_type=authorization_code&code=a&code=b").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidRequest);
    }
}
