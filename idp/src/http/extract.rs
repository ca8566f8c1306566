//! Extractors: the request id, request parameters read strictly from the
//! query or a form body ([`RequestParams`]), a form whose CSRF token was
//! checked ([`CsrfForm`]), the SSO session ([`CurrentSession`],
//! [`SessionUser`]), the bearer token ([`BearerToken`]), client credentials
//! ([`ClientAuth`]), and the browser-binding cookie of login flows.

use std::borrow::Cow;
use std::future::{Ready, ready};

use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::Payload;
use actix_web::http::Method;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::hmac;

use super::errors::BearerError;
use super::pages::{bad_form, csrf_failed, see_other, texts};
use super::routes::paths;
use crate::ctx::Ctx;
use crate::model::random_token;
use crate::oidc::flow::{BROWSER_COOKIE, new_browser_id};
use crate::oidc::token_endpoint::ClientCredentials;
use crate::oidc::{OAuthError, Params};
use crate::sessions::{self, Session};

type LocalFuture<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T>>>;

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
    type Future = LocalFuture<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        if req.method() != Method::POST {
            let parsed = Params::parse(req.query_string().as_bytes());
            note_client(req, &parsed);
            return Box::pin(async move { Ok(RequestParams(parsed)) });
        }
        let form = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        let body = web::Bytes::from_request(req, payload);
        let req = req.clone();
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
            note_client(&req, &parsed);
            Ok(RequestParams(parsed))
        })
    }
}

/// The `client_id` of a request's parameters, for its log line.
fn note_client(req: &HttpRequest, parsed: &Result<Params, OAuthError>) {
    if let Ok(Ok(Some(client))) = parsed.as_ref().map(|p| p.get("client_id")) {
        super::observe::note_client(req, client);
    }
}

/// A form posted from one of our pages: parsed, and its `csrf` field
/// matching this browser's cookie. Anything else gets the CSRF error page.
pub struct CsrfForm(pub Params);

impl FromRequest for CsrfForm {
    type Error = actix_web::Error;
    type Future = LocalFuture<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let params = RequestParams::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let Ok(RequestParams(parsed)) = params.await;
            let id = req
                .extensions()
                .get::<RequestId>()
                .cloned()
                .unwrap_or_default();
            let refuse = |page| {
                Err(actix_web::error::InternalError::from_response("form refused", page).into())
            };
            let ctx = req.app_data::<web::Data<Ctx>>();
            match parsed {
                Ok(params) if ctx.is_some_and(|ctx| csrf_ok(ctx, &req, &params)) => {
                    Ok(CsrfForm(params))
                }
                Ok(_) => refuse(csrf_failed(texts(&req, None), &id)),
                // A control character, an overlong value: say which field.
                Err(e) => refuse(bad_form(texts(&req, None), &id, &e)),
            }
        })
    }
}

/// The live SSO session of this browser, if any.
pub struct CurrentSession(pub Option<Session>);

impl FromRequest for CurrentSession {
    type Error = std::convert::Infallible;
    type Future = LocalFuture<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let ctx = req.app_data::<web::Data<Ctx>>().cloned();
            Ok(CurrentSession(match ctx {
                Some(ctx) => current_session(&ctx, &req).await,
                None => None,
            }))
        })
    }
}

/// The logged-in person of a page that needs one; anyone else is sent to
/// the login page.
pub struct SessionUser(pub Session);

impl FromRequest for SessionUser {
    type Error = actix_web::Error;
    type Future = LocalFuture<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let session = CurrentSession::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let Ok(CurrentSession(session)) = session.await;
            session.map(SessionUser).ok_or_else(|| {
                actix_web::error::InternalError::from_response("login needed", to_login(&req))
                    .into()
            })
        })
    }
}

/// The cookie naming the page a login outside a portal's flow returns to.
pub const RETURN_COOKIE: &str = "vhod_return";

/// The login page, for someone not logged in who opened one of the
/// person's own pages: the home page sends them back there once logged
/// in (a GET of a page `paths::return_path` allows; the cookie lasts ten
/// minutes).
fn to_login(req: &HttpRequest) -> actix_web::HttpResponse {
    let mut res = see_other(paths::LOGIN);
    let ctx = req.app_data::<web::Data<Ctx>>();
    if let (Some(ctx), true) = (ctx, req.method() == Method::GET)
        && let Some(path) = paths::return_path(req.path())
    {
        let mut cookie = login_cookie(ctx, RETURN_COOKIE, path);
        cookie.set_max_age(actix_web::cookie::time::Duration::minutes(10));
        let _ = res.add_cookie(&cookie);
    }
    res
}

/// The logged-in person's account, for pages that act on it; anyone not
/// logged in is sent to the login page.
pub struct SessionAccount(pub crate::model::Account);

impl FromRequest for SessionAccount {
    type Error = actix_web::Error;
    type Future = LocalFuture<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let user = SessionUser::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let SessionUser(session) = user.await?;
            let ctx = req.app_data::<web::Data<Ctx>>().cloned();
            let account = match ctx {
                Some(ctx) => ctx
                    .sql
                    .account(&session.auth.account_id)
                    .await
                    .ok()
                    .flatten(),
                None => None,
            };
            account.map(SessionAccount).ok_or_else(|| {
                let id = req
                    .extensions()
                    .get::<RequestId>()
                    .cloned()
                    .unwrap_or_default();
                let page = super::pages::problem(
                    texts(&req, None),
                    &id,
                    crate::oidc::authorize::Problem::Unavailable,
                );
                actix_web::error::InternalError::from_response("account unavailable", page).into()
            })
        })
    }
}

/// The access token of a resource request: the `Authorization: Bearer`
/// header or, for a form POST, the `access_token` field (RFC 6750 §2.1,
/// §2.2). Failures carry the Bearer challenge.
pub struct BearerToken(pub String);

impl FromRequest for BearerToken {
    type Error = BearerError;
    type Future = LocalFuture<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let header = req
            .headers()
            .get(actix_web::http::header::AUTHORIZATION)
            .map(|v| v.to_str().map(str::to_owned));
        let from_header = match header {
            None => None,
            Some(Ok(value)) => match value.split_once(' ') {
                Some((scheme, token))
                    if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
                {
                    Some(token.trim().to_owned())
                }
                _ => Some(String::new()),
            },
            Some(Err(_)) => Some(String::new()),
        };
        let form = (req.method() == Method::POST && from_header.is_none())
            .then(|| RequestParams::from_request(req, payload));
        Box::pin(async move {
            if let Some(token) = from_header {
                return if token.is_empty() {
                    Err(BearerError(Some(OAuthError::invalid_request(
                        "the Authorization header must be `Bearer <access token>`",
                    ))))
                } else {
                    Ok(BearerToken(token))
                };
            }
            let Some(form) = form else {
                return Err(BearerError(None));
            };
            let Ok(RequestParams(params)) = form.await;
            let params = params.map_err(|e| BearerError(Some(e)))?;
            match params
                .get("access_token")
                .map_err(|e| BearerError(Some(e)))?
            {
                Some(token) => Ok(BearerToken(token.to_owned())),
                None => Err(BearerError(None)),
            }
        })
    }
}

/// HTTP Basic client credentials of a back-channel request, if sent; the
/// grant decides with the form's `client_id`/`client_secret`.
pub struct ClientAuth(pub ClientCredentials);

impl FromRequest for ClientAuth {
    type Error = std::convert::Infallible;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let header = req
            .headers()
            .get(actix_web::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        let credentials = ClientCredentials::from_header(header);
        if let Some((client, _)) = &credentials.basic {
            super::observe::note_client(req, client);
        }
        ready(Ok(ClientAuth(credentials)))
    }
}

/// This browser's binding cookie for login flows, and the cookie to set
/// when it is new.
pub fn browser_id(ctx: &Ctx, req: &HttpRequest) -> (String, Option<Cookie<'static>>) {
    if let Some(existing) = read_cookie(ctx, req, BROWSER_COOKIE)
        && existing.value().len() >= 32
    {
        return (existing.value().to_owned(), None);
    }
    let value = new_browser_id().expose().to_owned();
    let cookie = login_cookie(ctx, BROWSER_COOKIE, &value);
    (value, Some(cookie))
}

/// The live SSO session of this browser, if any.
pub async fn current_session(ctx: &Ctx, req: &HttpRequest) -> Option<Session> {
    let cookie = read_cookie(ctx, req, sessions::COOKIE);
    sessions::find(ctx, cookie.as_ref().map(Cookie::value))
        .await
        .unwrap_or_else(|e| {
            tracing::error!(error = %e, "session lookup failed");
            None
        })
}

pub fn session_cookie(ctx: &Ctx, value: &str) -> Cookie<'static> {
    login_cookie(ctx, sessions::COOKIE, value)
}

/// The name our cookie `name` goes by. With an https issuer it is
/// `__Host-` + `name`: browsers keep such a cookie only when it is Secure,
/// on `Path=/` and without `Domain`, so no other host of the domain can set
/// or overwrite it. Browsers refuse the prefix over http, so there the
/// plain name.
pub fn cookie_name(ctx: &Ctx, name: &'static str) -> Cow<'static, str> {
    if ctx.config.secure_cookies() {
        Cow::Owned(format!("__Host-{name}"))
    } else {
        Cow::Borrowed(name)
    }
}

/// This browser's cookie `name`, under its [`cookie_name`] only: with an
/// https issuer a cookie without the prefix is not ours.
pub fn read_cookie(ctx: &Ctx, req: &HttpRequest, name: &'static str) -> Option<Cookie<'static>> {
    req.cookie(&cookie_name(ctx, name))
}

/// A cookie of ours (the session, a login waiting for its code, the
/// browser binding, the CSRF secret): HttpOnly, Lax, `Path=/`, and Secure
/// with the `__Host-` prefix when the issuer is https.
pub fn login_cookie(ctx: &Ctx, name: &'static str, value: &str) -> Cookie<'static> {
    Cookie::build(cookie_name(ctx, name), value.to_owned())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(ctx.config.secure_cookies())
        .finish()
}

pub const CSRF_COOKIE: &str = "vhod_csrf";
pub const CSRF_FIELD: &str = "csrf";

/// The CSRF token for this browser's forms, and the cookie to set when it
/// is new. The cookie holds a random secret (HttpOnly); the token is its
/// HMAC under a key derived from the master key, so only a page we
/// rendered for that cookie has it: a cookie and field made up together
/// do not pass. (Cookies planted by another host of the domain are kept
/// out by the `__Host-` prefix on https.)
pub fn csrf_token(ctx: &Ctx, req: &HttpRequest) -> (String, Option<Cookie<'static>>) {
    if let Some(existing) = read_cookie(ctx, req, CSRF_COOKIE)
        && existing.value().len() >= 32
    {
        return (csrf_tag(ctx, existing.value()), None);
    }
    let secret = random_token(24).expose().to_owned();
    let cookie = login_cookie(ctx, CSRF_COOKIE, &secret);
    (csrf_tag(ctx, &secret), Some(cookie))
}

fn csrf_tag(ctx: &Ctx, secret: &str) -> String {
    URL_SAFE_NO_PAD.encode(hmac::sign(&ctx.csrf_key, secret.as_bytes()))
}

/// Whether a form's `csrf` field is the token of this browser's cookie
/// (compared in constant time).
pub fn csrf_ok(ctx: &Ctx, req: &HttpRequest, params: &Params) -> bool {
    let (Some(cookie), Ok(Some(field))) =
        (read_cookie(ctx, req, CSRF_COOKIE), params.get(CSRF_FIELD))
    else {
        return false;
    };
    let Ok(tag) = URL_SAFE_NO_PAD.decode(field) else {
        return false;
    };
    hmac::verify(&ctx.csrf_key, cookie.value().as_bytes(), &tag).is_ok()
}
