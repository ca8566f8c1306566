//! Extractors: the request id, request parameters read strictly from the
//! query or a form body, the session cookie, and the CSRF token.

use std::future::{Ready, ready};

use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::Payload;
use actix_web::http::Method;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use subtle::ConstantTimeEq;

use crate::app::AppState;
use crate::login::session::{self, Session};
use crate::model::random_token;
use crate::oidc::{OAuthError, Params};

/// The id every log line and error page of a request carries.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

impl RequestId {
    pub fn new() -> Self {
        Self(random_token(9).expose().to_owned())
    }
}

impl Default for RequestId {
    fn default() -> Self {
        Self::new()
    }
}

impl FromRequest for RequestId {
    type Error = std::convert::Infallible;
    type Future = Ready<Result<Self, Self::Error>>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(req
            .extensions()
            .get::<RequestId>()
            .cloned()
            .unwrap_or_default()))
    }
}

/// Parameters of a request: the query string of a GET, the form body of a
/// POST. Parse failures are kept for the handler to render as it must (a
/// JSON error or a page).
pub struct RequestParams(pub Result<Params, OAuthError>);

impl FromRequest for RequestParams {
    type Error = std::convert::Infallible;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        if req.method() != Method::POST {
            let parsed = Params::parse(req.query_string().as_bytes());
            return Box::pin(async move { Ok(RequestParams(parsed)) });
        }
        let form = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !form {
                return Ok(RequestParams(Err(OAuthError::invalid_request(
                    "the body must be application/x-www-form-urlencoded",
                ))));
            }
            let parsed = match body.await {
                Ok(bytes) => Params::parse(&bytes),
                Err(_) => Err(OAuthError::invalid_request(
                    "the request body is too large or could not be read",
                )),
            };
            Ok(RequestParams(parsed))
        })
    }
}

/// The live SSO session of this browser, if any.
pub async fn current_session(app: &AppState, req: &HttpRequest) -> Option<Session> {
    let cookie = req.cookie(session::COOKIE);
    session::find(app, cookie.as_ref().map(Cookie::value))
        .await
        .unwrap_or_else(|e| {
            tracing::error!(error = %e, "session lookup failed");
            None
        })
}

pub fn session_cookie(app: &AppState, value: &str) -> Cookie<'static> {
    Cookie::build(session::COOKIE, value.to_owned())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(app.config.secure_cookies())
        .finish()
}

pub const CSRF_COOKIE: &str = "vhod_csrf";
pub const CSRF_FIELD: &str = "csrf";

/// The CSRF token of this browser (double-submit cookie), and the cookie to
/// set when it is new.
pub fn csrf_token(app: &AppState, req: &HttpRequest) -> (String, Option<Cookie<'static>>) {
    if let Some(existing) = req.cookie(CSRF_COOKIE)
        && existing.value().len() >= 20
    {
        return (existing.value().to_owned(), None);
    }
    let token = random_token(24).expose().to_owned();
    let cookie = Cookie::build(CSRF_COOKIE, token.clone())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(app.config.secure_cookies())
        .finish();
    (token, Some(cookie))
}

/// Whether a form's `csrf` field matches this browser's cookie.
pub fn csrf_ok(req: &HttpRequest, params: &Params) -> bool {
    let (Some(cookie), Ok(Some(field))) = (req.cookie(CSRF_COOKIE), params.get(CSRF_FIELD)) else {
        return false;
    };
    cookie.value().as_bytes().ct_eq(field.as_bytes()).into()
}
