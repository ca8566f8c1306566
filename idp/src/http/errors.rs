//! Protocol errors mapped to responses, once: JSON bodies with the RFC codes,
//! `Cache-Control: no-store`, and the `WWW-Authenticate` challenge where
//! RFC 6749 §5.2 and RFC 6750 §3 ask for one.

use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, PRAGMA, WWW_AUTHENTICATE};
use actix_web::{HttpResponse, ResponseError};
use serde_json::json;

use crate::oidc::{ErrorCode, OAuthError};

/// An error of a back-channel endpoint (token, introspection, revocation).
#[derive(Debug)]
pub struct ApiError(pub OAuthError);

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl From<OAuthError> for ApiError {
    fn from(e: OAuthError) -> Self {
        Self(e)
    }
}

fn status(code: ErrorCode) -> StatusCode {
    StatusCode::from_u16(code.status()).unwrap_or(StatusCode::BAD_REQUEST)
}

fn body(e: &OAuthError) -> serde_json::Value {
    json!({"error": e.code.as_str(), "error_description": e.description})
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        status(self.0.code)
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status_code());
        res.insert_header((CACHE_CONTROL, "no-store"))
            .insert_header((PRAGMA, "no-cache"));
        if self.0.code == ErrorCode::InvalidClient {
            res.insert_header((WWW_AUTHENTICATE, "Basic realm=\"vhod\""));
        }
        res.json(body(&self.0))
    }
}

/// An error of a resource endpoint (userinfo), with a Bearer challenge.
#[derive(Debug)]
pub struct BearerError(pub Option<OAuthError>);

impl std::fmt::Display for BearerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Some(e) => e.fmt(f),
            None => f.write_str("no access token"),
        }
    }
}

impl ResponseError for BearerError {
    fn status_code(&self) -> StatusCode {
        self.0
            .as_ref()
            .map_or(StatusCode::UNAUTHORIZED, |e| status(e.code))
    }

    fn error_response(&self) -> HttpResponse {
        // Without any credentials, the challenge carries no error code
        // (RFC 6750 §3.1).
        let challenge = match &self.0 {
            None => "Bearer realm=\"vhod\"".to_owned(),
            Some(e) => format!(
                "Bearer realm=\"vhod\", error=\"{}\", error_description=\"{}\"",
                e.code.as_str(),
                e.description.replace(['"', '\\'], "'")
            ),
        };
        let mut res = HttpResponse::build(self.status_code());
        res.insert_header((WWW_AUTHENTICATE, challenge))
            .insert_header((CACHE_CONTROL, "no-store"));
        match &self.0 {
            Some(e) => res.json(body(e)),
            None => res.finish(),
        }
    }
}
