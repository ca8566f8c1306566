//! Browser pages: server-rendered HTML that works without JavaScript. Form
//! field names follow the UI-automation contract (`login`, `password`,
//! `decision`, `csrf`).

pub mod account;
pub mod actor;
pub mod authorize;
pub mod certificate;
pub mod confirm;
pub mod consent;
mod flow;
pub mod home;
pub mod login;
pub mod logout;
pub mod org;
pub mod orgs;
pub mod recover;
pub mod register;
pub mod second_factor;
pub mod security;
pub mod sessions;
pub mod unlock;

use actix_web::http::StatusCode;
use actix_web::http::header::{ACCEPT_LANGUAGE, CACHE_CONTROL, LOCATION};
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

use super::RequestId;
use super::i18n::{self, Texts};
use crate::http::routes::paths;
use crate::model::AccountLevel;
use crate::oidc::OAuthError;
use crate::oidc::authorize::{Decision, Problem};
pub use flow::{LoginFlow, NamedFlow, step_page};

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    t: &'static Texts,
    title: &'a str,
    /// The portal the message is about, named before it.
    portal: Option<&'a str>,
    message: &'a str,
    hint: &'a str,
    action: Option<(&'a str, &'a str)>,
    back: Option<String>,
    details: Option<String>,
    request_id: &'a str,
}

/// The pages' Content-Security-Policy: no scripts. Form actions may
/// redirect to any portal (browsers apply `form-action` to the redirects).
pub const CSP: &str = "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self' http: https:; frame-ancestors 'none'; base-uri 'none'";

/// The same for the signing pages, which run our own scripts (the signer).
const CSP_OWN_SCRIPTS: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self' http: https:; frame-ancestors 'none'; base-uri 'none'";

/// Lets a signing page run the scripts under `/static/`, and no others.
pub fn with_own_scripts(mut res: HttpResponse) -> HttpResponse {
    res.headers_mut().insert(
        actix_web::http::header::CONTENT_SECURITY_POLICY,
        actix_web::http::header::HeaderValue::from_static(CSP_OWN_SCRIPTS),
    );
    res
}

pub fn texts(req: &HttpRequest, ui_locales: Option<&str>) -> &'static Texts {
    let accept = req
        .headers()
        .get(ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    i18n::pick(ui_locales, accept)
}

pub fn html(status: StatusCode, page: &impl Template) -> HttpResponse {
    match page.render() {
        Ok(body) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .insert_header((CACHE_CONTROL, "no-store"))
            .body(body),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            HttpResponse::InternalServerError().finish()
        }
    }
}

/// Adds a cookie the extractor decided to set.
pub fn with_cookie(
    mut res: HttpResponse,
    cookie: Option<actix_web::cookie::Cookie<'static>>,
) -> HttpResponse {
    if let Some(cookie) = cookie {
        let _ = res.add_cookie(&cookie);
    }
    res
}

/// What a login page tells the login service about the browser: its
/// address, `User-Agent` and previous session cookie.
pub struct Requester {
    ip: String,
    user_agent: Option<String>,
    old_cookie: Option<String>,
}

/// The client's address, for limits per address, the journal and
/// «Сеансы входа»: the connection's peer, or behind a trusted proxy the
/// address it forwarded (`http::origin`). Every use goes through here.
pub fn client_address(req: &HttpRequest) -> String {
    super::observe::origin_of(req)
        .ip
        .map(|ip| ip.to_string())
        .unwrap_or_default()
}

impl Requester {
    pub fn of(req: &HttpRequest) -> Self {
        Self {
            ip: client_address(req),
            // A header may carry a tab (no other control character): it
            // is shown on «Сеансы входа» and journaled, so it becomes a
            // space.
            user_agent: req
                .headers()
                .get(actix_web::http::header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(|ua| ua.replace(|c: char| c.is_control(), " ")),
            old_cookie: req
                .app_data::<actix_web::web::Data<crate::ctx::Ctx>>()
                .and_then(|ctx| super::extract::read_cookie(ctx, req, crate::sessions::COOKIE))
                .map(|c| c.value().to_owned()),
        }
    }

    pub fn browser<'a>(&'a self, id: &'a RequestId) -> crate::sessions::Browser<'a> {
        crate::sessions::Browser {
            ip: &self.ip,
            user_agent: crate::sessions::user_agent(self.user_agent.as_deref()),
            old_cookie: self.old_cookie.as_deref(),
            request_id: Some(&id.0),
            certificate: None,
        }
    }
}

pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((LOCATION, location))
        .insert_header((CACHE_CONTROL, "no-store"))
        .finish()
}

/// What went wrong, for an error page.
pub struct Failure<'a> {
    pub status: StatusCode,
    pub title: &'a str,
    pub portal: Option<&'a str>,
    pub message: &'a str,
    /// An empty hint is left out.
    pub hint: &'a str,
    /// The one step that resolves it, when the provider has it: where,
    /// and what the link says.
    pub action: Option<(&'a str, &'a str)>,
    pub back: Option<String>,
    pub details: Option<&'a OAuthError>,
}

pub fn error_page(t: &'static Texts, id: &RequestId, f: Failure<'_>) -> HttpResponse {
    html(
        f.status,
        &ErrorPage {
            t,
            title: f.title,
            portal: f.portal,
            message: f.message,
            hint: f.hint,
            action: f.action,
            back: f.back,
            details: f.details.map(|e| e.to_string()),
            request_id: &id.0,
        },
    )
}

pub fn problem(t: &'static Texts, id: &RequestId, problem: Problem) -> HttpResponse {
    use StatusCode as S;
    match problem {
        Problem::BadRequest(e) => bad_request(t, id, &e),
        Problem::FlowExpired => {
            let (message, hint) = (t.flow_expired, t.flow_expired_hint);
            plain(t, id, S::BAD_REQUEST, message, hint, None)
        }
        Problem::FlowCompleted { back } => {
            let failure = Failure {
                status: S::OK,
                title: t.flow_completed,
                portal: None,
                message: t.flow_completed_hint,
                hint: "",
                action: None,
                back,
                details: None,
            };
            error_page(t, id, failure)
        }
        Problem::Unavailable => {
            let (message, hint) = (t.unavailable, t.unavailable_hint);
            plain(t, id, S::SERVICE_UNAVAILABLE, message, hint, None)
        }
    }
}

/// An error page with the common title, naming no portal and no way back.
fn plain(
    t: &'static Texts,
    id: &RequestId,
    status: StatusCode,
    message: &str,
    hint: &str,
    details: Option<&OAuthError>,
) -> HttpResponse {
    let failure = Failure {
        status,
        title: t.error_title,
        portal: None,
        message,
        hint,
        action: None,
        back: None,
        details,
    };
    error_page(t, id, failure)
}

/// A request that cannot be read or is not allowed; the details say why.
pub fn bad_request(t: &'static Texts, id: &RequestId, error: &OAuthError) -> HttpResponse {
    plain(
        t,
        id,
        StatusCode::BAD_REQUEST,
        t.bad_request,
        t.bad_request_hint,
        Some(error),
    )
}

/// Too many logins at once: try again in a moment.
pub fn busy(t: &'static Texts, id: &RequestId) -> HttpResponse {
    let mut res = plain(
        t,
        id,
        StatusCode::SERVICE_UNAVAILABLE,
        t.busy,
        t.busy_hint,
        None,
    );
    res.headers_mut().insert(
        actix_web::http::header::RETRY_AFTER,
        actix_web::http::header::HeaderValue::from_static("2"),
    );
    res
}

/// A form that could not be read (a control character or an overlong
/// value in a field); the details name the field.
pub fn bad_form(t: &'static Texts, id: &RequestId, error: &OAuthError) -> HttpResponse {
    plain(
        t,
        id,
        StatusCode::BAD_REQUEST,
        t.bad_form,
        t.bad_form_hint,
        Some(error),
    )
}

/// Too many failed logins from this address: wait.
pub fn throttled(t: &'static Texts, id: &RequestId) -> HttpResponse {
    plain(
        t,
        id,
        StatusCode::TOO_MANY_REQUESTS,
        t.throttled,
        t.throttled_hint,
        None,
    )
}

/// «Try again in N min.» (or hours, or days, rounded up) for a wait of
/// `wait_secs`.
pub fn try_again(t: &'static Texts, wait_secs: i64) -> String {
    let up = |unit: i64| (wait_secs.max(1) + unit - 1) / unit;
    let (n, unit) = match up(60) {
        minutes if minutes <= 120 => (minutes, t.minutes),
        _ if up(3600) <= 48 => (up(3600), t.hours),
        _ => (up(86_400), t.days),
    };
    format!("{} {n} {unit}", t.try_again_in)
}

/// Adds `Retry-After` (RFC 9110 §10.2.3) to a refusal by a limit.
pub fn retry_after(mut res: HttpResponse, wait_secs: i64) -> HttpResponse {
    if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&wait_secs.max(1).to_string())
    {
        res.headers_mut()
            .insert(actix_web::http::header::RETRY_AFTER, value);
    }
    res
}

/// A limit by volume was reached: what was too much, when to try again
/// (HTTP 429 with `Retry-After`), and a way back to the portal if any.
pub fn limited(
    t: &'static Texts,
    id: &RequestId,
    message: &str,
    wait_secs: i64,
    back: Option<String>,
) -> HttpResponse {
    let hint = try_again(t, wait_secs);
    let res = error_page(
        t,
        id,
        Failure {
            status: StatusCode::TOO_MANY_REQUESTS,
            title: t.error_title,
            portal: None,
            message,
            hint: &hint,
            action: None,
            back,
            details: None,
        },
    );
    retry_after(res, wait_secs)
}

pub fn csrf_failed(t: &'static Texts, id: &RequestId) -> HttpResponse {
    plain(
        t,
        id,
        StatusCode::FORBIDDEN,
        t.csrf_failed,
        t.csrf_failed_hint,
        None,
    )
}

/// Renders an authorization decision. Interactive steps are reached by a
/// redirect to their own GET page, so Back and refresh are always safe.
pub fn decision(t: &'static Texts, id: &RequestId, decision: Decision) -> HttpResponse {
    match decision {
        Decision::Login(flow) => see_other(&format!("{}?flow={}", paths::LOGIN, flow.id)),
        Decision::StepUp(flow) => see_other(&format!("{}?flow={}", paths::LOGIN_CODE, flow.id)),
        Decision::ChooseActor(flow) => {
            see_other(&format!("{}?flow={}", paths::LOGIN_ACTOR, flow.id))
        }
        Decision::Consent { flow, .. } => {
            see_other(&format!("{}?flow={}", paths::CONSENT, flow.id))
        }
        Decision::Redirect(url) => see_other(&url),
        Decision::Continue(flow) | Decision::StartedOver(flow) => {
            see_other(&format!("{}?flow={}", paths::AUTHORIZE_CONTINUE, flow.id))
        }
        Decision::LevelTooLow {
            required,
            current,
            client_name,
            back,
        } => {
            let message = (t.level_text)(required, current);
            // What raises it is on «Мои данные» (a check) or on
            // «Подтверждение личности», whichever comes next.
            let action = match current {
                AccountLevel::Simplified => (paths::ACCOUNT, t.nav_profile),
                _ => (paths::ACCOUNT_CONFIRM, t.home.confirm),
            };
            error_page(
                t,
                id,
                Failure {
                    status: StatusCode::FORBIDDEN,
                    title: t.level_title,
                    portal: Some(&client_name),
                    message: &message,
                    hint: (t.level_hint)(required, current),
                    action: Some(action),
                    back: Some(back),
                    details: None,
                },
            )
        }
        Decision::TooManyFlows {
            wait_secs,
            everyone,
            back,
        } => {
            let message = match everyone {
                true => t.flows_limited_everyone,
                false => t.flows_limited,
            };
            limited(t, id, message, wait_secs, Some(back))
        }
        Decision::Problem(p) => problem(t, id, p),
    }
}

pub async fn not_found(req: HttpRequest, id: RequestId) -> HttpResponse {
    let t = texts(&req, None);
    // Titled for what happened, with what may have caused it: a mistyped
    // address on this site is not a portal's login to start again.
    let failure = Failure {
        status: StatusCode::NOT_FOUND,
        title: t.not_found,
        portal: None,
        message: t.not_found_hint,
        hint: "",
        action: None,
        back: None,
        details: None,
    };
    error_page(t, &id, failure)
}
