//! `/login/code`: the one-time-code step of a login, after the password or
//! as a step-up of a one-factor session. What a code means is decided by
//! `login::second_factor`; this only renders.

use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::flow::flow_texts;
use super::{
    Failure, LoginFlow, Requester, decision, error_page, html, problem, see_other, with_cookie,
};
use crate::ctx::Ctx;
use crate::http::RequestId;
use crate::http::extract::{csrf_token, current_session, login_cookie, read_cookie};
use crate::http::i18n::Texts;
use crate::http::routes::paths;
use crate::login::second_factor::{self as code_step, COOKIE, CodeError, StepUp};
use crate::login::{LoginError, Outcome};
use crate::model::{SecondFactor, Secret};
use crate::oidc::authorize::{self, Problem};
use crate::oidc::flow::Flow;

enum CodeView {
    Form { sent_to: Option<String>, totp: bool },
    NoSecondFactor { client_name: String },
}

#[derive(Template)]
#[template(path = "login_code.html")]
struct CodePage<'a> {
    t: &'static Texts,
    csrf: &'a str,
    flow_id: Option<&'a str>,
    view: CodeView,
    error: Option<String>,
    notice: Option<&'a str>,
}

fn code_path(flow: Option<&Flow>) -> String {
    match flow {
        Some(flow) => format!("{}?flow={}", paths::LOGIN_CODE, flow.id),
        None => paths::LOGIN_CODE.to_owned(),
    }
}

/// After the first factor: remember the waiting login in this browser and
/// show the code page.
pub fn ask(ctx: &Ctx, flow: Option<&Flow>, pending: &Secret) -> HttpResponse {
    let mut res = see_other(&code_path(flow));
    let _ = res.add_cookie(&login_cookie(ctx, COOKIE, pending.expose()));
    res
}

fn render(
    ctx: &Ctx,
    req: &HttpRequest,
    flow: Option<&Flow>,
    status: StatusCode,
    view: CodeView,
    error: Option<String>,
    notice: Option<&str>,
) -> HttpResponse {
    let (csrf, cookie) = csrf_token(ctx, req);
    let page = CodePage {
        t: flow_texts(req, flow),
        csrf: &csrf,
        flow_id: flow.map(|f| f.id.as_str()),
        view,
        error,
        notice,
    };
    with_cookie(html(status, &page), cookie)
}

fn form_view(pending: &code_step::Pending) -> CodeView {
    CodeView::Form {
        sent_to: pending.sent_to.clone(),
        totp: pending.method == SecondFactor::Totp,
    }
}

fn login_again(flow: Option<&Flow>) -> HttpResponse {
    match flow {
        Some(flow) => see_other(&format!("{}?flow={}", paths::LOGIN, flow.id)),
        None => see_other(paths::LOGIN),
    }
}

pub async fn form(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    LoginFlow { flow, t, .. }: LoginFlow,
    id: RequestId,
) -> HttpResponse {
    let cookie = read_cookie(&ctx, &req, COOKIE);
    match code_step::find(&ctx, cookie.as_ref().map(|c| c.value())).await {
        Ok(Some(pending)) => {
            let view = form_view(&pending);
            return render(&ctx, &req, flow.as_ref(), StatusCode::OK, view, None, None);
        }
        Ok(None) => {}
        Err(_) => return problem(t, &id, Problem::Unavailable),
    }
    // No login waits here: a flow that needs a stronger session steps up.
    let (Some(flow), Some(session)) = (flow, current_session(&ctx, &req).await) else {
        return login_again(None);
    };
    if session.auth.aal >= flow.request.required_aal {
        return see_other(&format!("{}?flow={}", paths::AUTHORIZE_CONTINUE, flow.id));
    }
    match code_step::step_up(&ctx, &session, flow.request.required_aal).await {
        Ok(StepUp::Pending(pending)) => ask(&ctx, Some(&flow), &pending),
        Ok(StepUp::NoSecondFactor) => {
            let client_name = match ctx.clients.get(&flow.request.client_id).await {
                Ok(Some(client)) => client.name.clone(),
                _ => flow.request.client_id.clone(),
            };
            let view = CodeView::NoSecondFactor { client_name };
            render(&ctx, &req, Some(&flow), StatusCode::OK, view, None, None)
        }
        Err(_) => problem(t, &id, Problem::Unavailable),
    }
}

pub async fn submit(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    LoginFlow { flow, t, params }: LoginFlow,
    id: RequestId,
) -> HttpResponse {
    let Some(cookie) = read_cookie(&ctx, &req, COOKIE) else {
        return login_again(flow.as_ref());
    };
    let code = params.get("code").ok().flatten().unwrap_or_default().trim();
    let retry = |error: String| async {
        match code_step::find(&ctx, Some(cookie.value())).await {
            Ok(Some(pending)) => render(
                &ctx,
                &req,
                flow.as_ref(),
                StatusCode::BAD_REQUEST,
                form_view(&pending),
                Some(error),
                None,
            ),
            Ok(None) => login_again(flow.as_ref()),
            Err(_) => problem(t, &id, Problem::Unavailable),
        }
    };
    if code.is_empty() {
        return retry(t.code_missing.to_owned()).await;
    }
    let requester = Requester::of(&req);
    let outcome = code_step::submit(&ctx, cookie.value(), code, &requester.browser(&id)).await;
    match outcome {
        Ok(outcome) => {
            let done = !matches!(outcome, Outcome::SecondFactor { .. });
            let mut res = super::login::finish(&ctx, t, &id, flow, outcome).await;
            if done {
                let _ = res.add_cookie(&gone(&ctx));
            }
            res
        }
        Err(CodeError::Wrong {
            tries_left: Some(n),
        }) => retry(format!("{} {} {n}.", t.code_wrong, t.code_tries_left)).await,
        Err(CodeError::Wrong { tries_left: None }) => retry(t.code_wrong.to_owned()).await,
        Err(CodeError::Spent) => return retry(t.code_spent.to_owned()).await,
        Err(CodeError::Blocked) => {
            let failure = Failure {
                status: StatusCode::TOO_MANY_REQUESTS,
                title: t.code_title,
                portal: None,
                message: t.code_blocked,
                hint: t.throttled_hint,
                action: None,
                back: None,
                details: None,
            };
            let mut res = error_page(t, &id, failure);
            let _ = res.add_cookie(&gone(&ctx));
            res
        }
        Err(CodeError::NoLogin) => expired(&ctx, flow.as_ref()),
        Err(CodeError::Login(LoginError::SessionGone)) => expired(&ctx, flow.as_ref()),
        Err(CodeError::Login(LoginError::AdminLocked)) => {
            let failure = Failure {
                status: StatusCode::FORBIDDEN,
                title: t.code_title,
                portal: None,
                message: t.admin_locked,
                hint: "",
                action: None,
                back: None,
                details: None,
            };
            error_page(t, &id, failure)
        }
        Err(CodeError::TooSoon { .. }) | Err(CodeError::Login(_)) => {
            problem(t, &id, Problem::Unavailable)
        }
    }
}

/// The waiting login is gone (expired, finished, or another browser's):
/// log in again.
fn expired(ctx: &Ctx, flow: Option<&Flow>) -> HttpResponse {
    let mut res = login_again(flow);
    let _ = res.add_cookie(&gone(ctx));
    res
}

/// Clears the waiting login's cookie.
fn gone(ctx: &Ctx) -> Cookie<'static> {
    let mut cookie = login_cookie(ctx, COOKIE, "");
    cookie.make_removal();
    cookie
}

pub async fn resend(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    LoginFlow { flow, t, .. }: LoginFlow,
    id: RequestId,
) -> HttpResponse {
    let Some(cookie) = read_cookie(&ctx, &req, COOKIE) else {
        return login_again(flow.as_ref());
    };
    let (error, notice) = match code_step::resend(&ctx, cookie.value()).await {
        Ok(()) => (None, Some(t.code_sent)),
        Err(CodeError::TooSoon { .. }) => (Some(t.code_too_soon.to_owned()), None),
        Err(CodeError::NoLogin) => return expired(&ctx, flow.as_ref()),
        Err(_) => return problem(t, &id, Problem::Unavailable),
    };
    match code_step::find(&ctx, Some(cookie.value())).await {
        Ok(Some(pending)) => {
            let status = match error {
                Some(_) => StatusCode::TOO_MANY_REQUESTS,
                None => StatusCode::OK,
            };
            let view = form_view(&pending);
            render(&ctx, &req, flow.as_ref(), status, view, error, notice)
        }
        Ok(None) => login_again(flow.as_ref()),
        Err(_) => problem(t, &id, Problem::Unavailable),
    }
}

/// The person gives up on a portal that requires a second factor: the
/// portal hears `unmet_authentication_requirements`.
pub async fn cancel(
    ctx: web::Data<Ctx>,
    LoginFlow { flow, t, .. }: LoginFlow,
    id: RequestId,
) -> HttpResponse {
    match flow {
        Some(flow) => decision(t, &id, authorize::unmet(&ctx, flow).await),
        None => see_other(paths::HOME),
    }
}
