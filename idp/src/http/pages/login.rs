//! The login page: login identifier and password, and the way to the
//! certificate page (only that, when the portal requires a certificate).
//! What a login means for the flow is decided by `login` and
//! `oidc::authorize`; this only renders.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{
    LoginFlow, Requester, busy, decision, html, problem, second_factor, see_other, throttled,
    with_cookie,
};
use crate::ctx::Ctx;
use crate::http::RequestId;
use crate::http::extract::{csrf_token, session_cookie};
use crate::http::i18n::Texts;
use crate::http::routes::paths;
use crate::login::{self, LoginError, Outcome};
use crate::model::Aal;
use crate::oidc::authorize::{self, Problem};
use crate::oidc::flow::Flow;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    t: &'static Texts,
    csrf: &'a str,
    flow_id: Option<&'a str>,
    client_name: Option<&'a str>,
    login: &'a str,
    error: Option<&'a str>,
    login_invalid: bool,
    password_invalid: bool,
    /// The password form can reach the portal's requirement.
    password: bool,
    /// Certificate login is on.
    certificate: bool,
    /// After a refused password: what to do if the login is locked, apart
    /// from the error (in red it made a wall of text).
    lock_help: Option<&'a str>,
}

/// What the form shows besides its fields.
#[derive(Default)]
struct FormState<'a> {
    login: &'a str,
    error: Option<&'static str>,
    /// A message composed for this request, shown instead of `error`.
    message: Option<&'a str>,
    login_invalid: bool,
    password_invalid: bool,
    lock_help: Option<&'a str>,
}

/// The strength the flow requires; a login outside a flow needs the least.
pub(super) fn required(flow: Option<&Flow>) -> Aal {
    flow.map_or(Aal::Aal1, |f| f.request.required_aal)
}

/// The name of the portal the flow logs in to.
pub(super) async fn client_name(ctx: &Ctx, flow: Option<&Flow>) -> Option<String> {
    let flow = flow?;
    let client = ctx.clients.get(&flow.request.client_id).await.ok()??;
    Some(client.name.clone())
}

async fn render(
    ctx: &Ctx,
    req: &HttpRequest,
    t: &'static Texts,
    flow: Option<&Flow>,
    status: StatusCode,
    state: FormState<'_>,
) -> HttpResponse {
    let client_name = client_name(ctx, flow).await;
    let methods = login::methods(ctx, required(flow));
    let (csrf, cookie) = csrf_token(ctx, req);
    let res = html(
        status,
        &LoginPage {
            t,
            csrf: &csrf,
            flow_id: flow.map(|f| f.id.as_str()),
            client_name: client_name.as_deref(),
            login: state.login,
            error: state.message.or(state.error),
            login_invalid: state.login_invalid,
            password_invalid: state.password_invalid,
            password: methods.password,
            certificate: methods.certificate,
            lock_help: state.lock_help,
        },
    );
    with_cookie(res, cookie)
}

pub async fn form(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    LoginFlow { flow, t, .. }: LoginFlow,
    id: RequestId,
) -> HttpResponse {
    let methods = login::methods(&ctx, required(flow.as_ref()));
    if !methods.password && !methods.certificate {
        return unmet(&ctx, t, &id, flow).await;
    }
    let hint = flow
        .as_ref()
        .and_then(|f| f.request.login_hint.clone())
        .unwrap_or_default();
    let state = FormState {
        login: &hint,
        ..Default::default()
    };
    render(&ctx, &req, t, flow.as_ref(), StatusCode::OK, state).await
}

pub async fn submit(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    LoginFlow { flow, t, params }: LoginFlow,
    id: RequestId,
) -> HttpResponse {
    let methods = login::methods(&ctx, required(flow.as_ref()));
    if !methods.password {
        // A form from before, or a script: no password can do here.
        if methods.certificate {
            return to_certificate(flow.as_ref());
        }
        return unmet(&ctx, t, &id, flow).await;
    }
    let login = params
        .get("login")
        .ok()
        .flatten()
        .unwrap_or_default()
        .trim();
    let password_text = params.get("password").ok().flatten().unwrap_or_default();
    let form_error = |state| render(&ctx, &req, t, flow.as_ref(), StatusCode::BAD_REQUEST, state);
    if login.is_empty() {
        return form_error(FormState {
            error: Some(t.login_missing),
            login_invalid: true,
            ..Default::default()
        })
        .await;
    }
    if password_text.is_empty() {
        return form_error(FormState {
            login,
            error: Some(t.password_missing),
            password_invalid: true,
            ..Default::default()
        })
        .await;
    }
    let requester = Requester::of(&req);
    let browser = requester.browser(&id);
    let required = required(flow.as_ref());
    let outcome = login::password_login(&ctx, login, password_text, required, &browser).await;
    match outcome {
        Ok(outcome) => finish(&ctx, t, &id, flow, outcome).await,
        // One page for every failure, a lock after a right password
        // included: it says what a person can do if the login is locked.
        Err(LoginError::WrongCredentials | LoginError::AdminLocked) => {
            let mut help = t.locked.to_owned();
            if methods.certificate {
                help = format!("{help} {}", t.locked_certificate);
            }
            form_error(FormState {
                login,
                error: Some(t.wrong_credentials),
                login_invalid: true,
                password_invalid: true,
                lock_help: Some(&help),
                ..Default::default()
            })
            .await
        }
        Err(LoginError::Busy) => busy(t, &id),
        Err(LoginError::Throttled) => throttled(t, &id),
        // Certificate errors do not come from a password, nor a lost
        // step-up session from a new login.
        Err(
            LoginError::Store(_)
            | LoginError::SessionGone
            | LoginError::CertificatesOff
            | LoginError::Certificate(_),
        ) => problem(t, &id, Problem::Unavailable),
    }
}

/// Where a login that ended in `outcome` goes: on into the flow with the
/// new session cookie (outside a flow, to the home page, which sends a
/// login begun on an account page back there); to the
/// code page when a second factor comes next; to the certificate page when
/// only a certificate will do; back to the portal when nothing will.
pub(super) async fn finish(
    ctx: &Ctx,
    t: &'static Texts,
    id: &RequestId,
    flow: Option<Flow>,
    outcome: Outcome,
) -> HttpResponse {
    match outcome {
        Outcome::Started { cookie, sid } => {
            let mut res = match flow {
                Some(flow) => decision(t, id, authorize::logged_in(ctx, flow, sid).await),
                None => see_other(paths::HOME),
            };
            let _ = res.add_cookie(&session_cookie(ctx, cookie.expose()));
            res
        }
        Outcome::SecondFactor { pending, .. } => second_factor::ask(ctx, flow.as_ref(), &pending),
        Outcome::Certificate => to_certificate(flow.as_ref()),
        Outcome::Unreachable => unmet(ctx, t, id, flow).await,
    }
}

/// The certificate page, in the same flow.
pub(super) fn to_certificate(flow: Option<&Flow>) -> HttpResponse {
    match flow {
        Some(flow) => see_other(&format!("{}?flow={}", paths::LOGIN_CERTIFICATE, flow.id)),
        None => see_other(paths::LOGIN_CERTIFICATE),
    }
}

/// Nothing here reaches what the portal requires: it hears so at once.
async fn unmet(ctx: &Ctx, t: &'static Texts, id: &RequestId, flow: Option<Flow>) -> HttpResponse {
    match flow {
        Some(flow) => decision(t, id, authorize::unmet(ctx, flow).await),
        None => problem(t, id, Problem::Unavailable),
    }
}
