//! Logging in and out: `/login` sends the browser to the provider (by
//! OpenID Connect, or by ESIA's dialect with `--protocol esia`),
//! `/callback` completes the login, `/logout` ends both sessions (ours, then
//! the provider's by RP-initiated logout), and `/backchannel-logout` takes
//! the provider's word that a session ended.

use actix_web::http::header::{CACHE_CONTROL, LOCATION};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::language::Language;
use super::{App, PageError, State};
use crate::oidc::{Again, LoginError};
use crate::person::Level;
use crate::session::{
    LOGIN_COOKIE, PendingLogin, SESSION_COOKIE, SESSION_TTL_SECS, Session, Taken,
};

#[derive(Deserialize)]
pub struct LoginQuery {
    /// The account level the new login must have.
    level: Option<String>,
    /// `org`: choose again whom to act for.
    choose: Option<String>,
    next: Option<String>,
}

/// Only a path of the cabinet: never an open redirect.
fn local_path(next: Option<String>) -> String {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
        .unwrap_or_else(|| crate::paths::HEALTH.to_owned())
}

pub async fn login(
    ctx: State,
    req: HttpRequest,
    lang: Language,
    query: web::Query<LoginQuery>,
) -> Result<HttpResponse, PageError> {
    let query = query.into_inner();
    let again = match (query.level.as_deref().and_then(Level::parse), query.choose) {
        (Some(level), _) => Again::ForLevel(level),
        (None, Some(_)) => Again::ChoosingOrganization,
        (None, None) => Again::No,
    };
    let next = local_path(query.next);
    let (url, mut pending) = match &ctx.esia {
        // ESIA asks for no level and offers no choice again: a new login.
        // Nor does an ESIA portal name a language.
        Some(esia) => esia.begin(next)?,
        None => {
            let (mut url, pending) = ctx.oidc.provider().await?.begin(again, next);
            // The provider's pages in the cabinet's language (OpenID Connect
            // Core §3.1.2.1), so a person who switched to English logs in in
            // English.
            url.query_pairs_mut()
                .append_pair("ui_locales", lang.t.lang.tag());
            (url, pending)
        }
    };
    // One browser, one id: a login started in another tab stays pending.
    let browser = ctx
        .cookie_id(&req, LOGIN_COOKIE)
        .unwrap_or_else(crate::session::new_id);
    pending.browser = browser.clone();
    ctx.sessions.hold(pending, ctx.clock.now());
    Ok(HttpResponse::SeeOther()
        .cookie(ctx.cookie(LOGIN_COOKIE, &browser))
        .insert_header((LOCATION, url.to_string()))
        .finish())
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    /// RFC 9207: who sent the browser back.
    iss: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

pub async fn callback(
    ctx: State,
    req: HttpRequest,
    query: web::Query<CallbackQuery>,
) -> Result<HttpResponse, PageError> {
    // The login in progress is used once, whatever comes of it.
    let query = query.into_inner();
    let pending = match (ctx.cookie_id(&req, LOGIN_COOKIE), query.state.as_deref()) {
        (Some(browser), Some(state)) => ctx.sessions.take_login(&browser, state, ctx.clock.now()),
        _ => Taken::None,
    };
    let login = match &ctx.esia {
        Some(esia) => complete_esia(esia, &ctx.clinics, query, pending).await,
        None => complete(&ctx, query, pending).await,
    };
    let login = login.map_err(|e| {
        PageError::Callback(
            e,
            super::failure::AccountLinks::of_issuer(&ctx.config.issuer),
        )
    })?;
    let session = Session {
        person: login.person,
        sid: login.sid,
        tokens: login.tokens,
        expires_at: ctx.clock.now() + SESSION_TTL_SECS,
    };
    // A page this person may open: after switching organization, the area
    // asked for may be closed to the new role.
    let next = crate::access::landing(&session.person, &login.next, &ctx.clinics);
    let id = ctx.sessions.start(session, ctx.clock.now());
    Ok(HttpResponse::SeeOther()
        .cookie(ctx.cookie(SESSION_COOKIE, &id))
        .insert_header((LOCATION, next))
        .finish())
}

/// The callback's checks, in order: a login in progress in this browser
/// with this `state`, the issuer that answered (RFC 9207, against mix-up), the
/// provider's error if any, then the code.
async fn complete(
    ctx: &App,
    query: CallbackQuery,
    pending: Taken,
) -> Result<crate::oidc::Login, LoginError> {
    let pending = in_progress(pending)?;
    let provider = ctx.oidc.provider().await?;
    if query
        .iss
        .as_deref()
        .is_some_and(|iss| iss != provider.issuer())
    {
        return Err(LoginError::WrongIssuer);
    }
    let code = code_of(query)?;
    provider.finish(code, pending).await
}

/// As [`complete`] in ESIA's dialect: the `state` of this browser's login,
/// the provider's error if any, then the code (ESIA's portals read no
/// `iss` in the callback).
async fn complete_esia(
    esia: &crate::esia::Esia,
    clinics: &[String],
    query: CallbackQuery,
    pending: Taken,
) -> Result<crate::oidc::Login, LoginError> {
    let pending = in_progress(pending)?;
    let code = code_of(query)?;
    esia.finish(code, pending, clinics).await
}

/// The login this browser has in progress with the callback's `state`.
fn in_progress(pending: Taken) -> Result<PendingLogin, LoginError> {
    match pending {
        Taken::Login(pending) => Ok(*pending),
        Taken::WrongState => Err(LoginError::WrongState),
        Taken::None => Err(LoginError::NoLoginInProgress),
    }
}

/// The provider's error if it sent one, else the code.
fn code_of(query: CallbackQuery) -> Result<String, LoginError> {
    if let Some(error) = query.error {
        return Err(LoginError::Provider {
            error,
            description: query.error_description.unwrap_or_default(),
        });
    }
    query.code.ok_or_else(|| LoginError::Provider {
        error: "invalid_request".into(),
        description: "no code in the callback".into(),
    })
}

/// Ends the cabinet's session, then the provider's (RP-initiated logout
/// with the ID token as the hint), which sends the browser back home.
pub async fn logout(ctx: State, req: HttpRequest) -> HttpResponse {
    let ended = ctx
        .cookie_id(&req, SESSION_COOKIE)
        .and_then(|id| ctx.sessions.end(&id));
    let location = match (&ctx.esia, ended) {
        (Some(esia), Some(_)) => Some(esia.logout_url()),
        (Some(_), None) | (None, None) => None,
        (None, Some(session)) => ctx
            .oidc
            .provider()
            .await
            .ok()
            .and_then(|provider| provider.logout_url(&session.tokens.id_token)),
    }
    .map_or_else(|| crate::paths::HOME.to_owned(), |url| url.to_string());
    HttpResponse::SeeOther()
        .cookie(App::removal(SESSION_COOKIE))
        .insert_header((LOCATION, location))
        .finish()
}

#[derive(Deserialize)]
pub struct LogoutTokenForm {
    logout_token: String,
}

/// Back-Channel Logout 1.0 §2.5–2.8: a valid logout token ends every
/// session of its `sid` (or `sub`) and gets 200; an invalid one gets 400
/// with `invalid_request`; both uncacheable.
pub async fn backchannel_logout(ctx: State, form: web::Form<LogoutTokenForm>) -> HttpResponse {
    let provider = match ctx.oidc.provider().await {
        Ok(provider) => provider,
        Err(e) => {
            tracing::warn!(error = %e, "a logout token came while the provider is unknown");
            return HttpResponse::ServiceUnavailable()
                .insert_header((CACHE_CONTROL, "no-store"))
                .finish();
        }
    };
    match provider.verify_logout_token(&form.logout_token).await {
        Ok(logout) => {
            let ended = ctx
                .sessions
                .end_provider_session(logout.sid.as_deref(), logout.sub.as_deref());
            tracing::info!(ended, "back-channel logout");
            HttpResponse::Ok()
                .insert_header((CACHE_CONTROL, "no-store"))
                .finish()
        }
        Err(e) => {
            tracing::info!(error = %e, "a logout token was refused");
            HttpResponse::BadRequest()
                .insert_header((CACHE_CONTROL, "no-store"))
                .json(serde_json::json!({
                    "error": "invalid_request",
                    "error_description": e.to_string(),
                }))
        }
    }
}
