//! «Забыли пароль?» (`/recover`): a login, then a code and the new
//! password. The page reads the same for every login, so it tells nobody
//! whether an account exists; the rules live in `accounts::recovery`.

use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{html, problem, see_other, texts, with_cookie};
use crate::accounts::recovery::{self, COOKIE, RecoveryError};
use crate::credentials::password::PUNCTUATION;
use crate::ctx::Ctx;
use crate::http::RequestId;
use crate::http::extract::{CsrfForm, RequestParams, csrf_token, login_cookie, read_cookie};
use crate::http::i18n::Texts;
use crate::http::routes::paths;
use crate::oidc::Params;
use crate::oidc::authorize::Problem;

enum RecoverView {
    Start,
    Code,
    Done,
}

#[derive(Template)]
#[template(path = "recover.html")]
struct RecoverPage<'a> {
    t: &'static Texts,
    csrf: &'a str,
    flow_id: Option<&'a str>,
    view: RecoverView,
    login: &'a str,
    error: Option<String>,
    punctuation: &'static str,
}

/// The login flow to return to, carried through (only its id's shape is
/// checked here; the login page checks the flow itself).
fn flow_of(params: &Params) -> Option<&str> {
    params.get("flow").ok().flatten().filter(|id| {
        id.len() <= 64
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

fn render(
    ctx: &Ctx,
    req: &HttpRequest,
    flow_id: Option<&str>,
    status: StatusCode,
    view: RecoverView,
    error: Option<String>,
) -> HttpResponse {
    let (csrf, cookie) = csrf_token(ctx, req);
    let page = RecoverPage {
        t: texts(req, None),
        csrf: &csrf,
        flow_id,
        view,
        login: "",
        error,
        punctuation: PUNCTUATION,
    };
    with_cookie(html(status, &page), cookie)
}

fn with_flow(path: &str, flow_id: Option<&str>) -> String {
    match flow_id {
        Some(id) => format!("{path}?flow={id}"),
        None => path.to_owned(),
    }
}

pub async fn form(ctx: web::Data<Ctx>, req: HttpRequest, params: RequestParams) -> HttpResponse {
    let params = params.0.unwrap_or_default();
    render(
        &ctx,
        &req,
        flow_of(&params),
        StatusCode::OK,
        RecoverView::Start,
        None,
    )
}

pub async fn start(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    CsrfForm(params): CsrfForm,
    id: RequestId,
) -> HttpResponse {
    let flow_id = flow_of(&params);
    let login = params
        .get("login")
        .ok()
        .flatten()
        .unwrap_or_default()
        .trim();
    if login.is_empty() {
        let error = Some(texts(&req, None).recover.login_missing.to_owned());
        return render(
            &ctx,
            &req,
            flow_id,
            StatusCode::BAD_REQUEST,
            RecoverView::Start,
            error,
        );
    }
    let address = super::client_address(&req);
    match recovery::start(&ctx, login, &address).await {
        Ok(cookie) => {
            let mut res = see_other(&with_flow(paths::RECOVER_PASSWORD, flow_id));
            let _ = res.add_cookie(&login_cookie(&ctx, COOKIE, cookie.expose()));
            res
        }
        Err(RecoveryError::Limited { wait_secs }) => {
            let t = texts(&req, None);
            super::limited(t, &id, t.recovery_limited, wait_secs, None)
        }
        Err(_) => problem(texts(&req, None), &id, Problem::Unavailable),
    }
}

pub async fn code_form(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    params: RequestParams,
    id: RequestId,
) -> HttpResponse {
    let params = params.0.unwrap_or_default();
    let flow_id = flow_of(&params);
    let cookie = read_cookie(&ctx, &req, COOKIE);
    match recovery::is_under_way(&ctx, cookie.as_ref().map(|c| c.value())).await {
        Ok(true) => render(&ctx, &req, flow_id, StatusCode::OK, RecoverView::Code, None),
        Ok(false) => see_other(&with_flow(paths::RECOVER, flow_id)),
        Err(_) => problem(texts(&req, None), &id, Problem::Unavailable),
    }
}

/// The step to show again after a refusal; `None` when the service
/// failed.
fn view_after(error: &RecoveryError) -> Option<RecoverView> {
    match error {
        RecoveryError::WrongCode { .. } | RecoveryError::Password(_) => Some(RecoverView::Code),
        RecoveryError::CodeSpent | RecoveryError::NoRecovery => Some(RecoverView::Start),
        RecoveryError::Limited { .. } | RecoveryError::Store(_) => None,
    }
}

pub async fn finish(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    CsrfForm(params): CsrfForm,
    id: RequestId,
) -> HttpResponse {
    let flow_id = flow_of(&params);
    let field = |name| params.get(name).ok().flatten().unwrap_or_default();
    let Some(cookie) = read_cookie(&ctx, &req, COOKIE) else {
        return see_other(&with_flow(paths::RECOVER, flow_id));
    };
    let result = recovery::finish(
        &ctx,
        cookie.value(),
        field("code").trim(),
        field("password"),
        field("password2"),
    )
    .await;
    match result {
        Ok(()) => {
            let mut res = render(&ctx, &req, flow_id, StatusCode::OK, RecoverView::Done, None);
            let _ = res.add_cookie(&gone(&ctx));
            res
        }
        Err(error) => match view_after(&error) {
            Some(view) => {
                let message = (texts(&req, None).say.recovery_error)(&error);
                let status = StatusCode::BAD_REQUEST;
                render(&ctx, &req, flow_id, status, view, Some(message))
            }
            None => problem(texts(&req, None), &id, Problem::Unavailable),
        },
    }
}

fn gone(ctx: &Ctx) -> Cookie<'static> {
    let mut cookie = login_cookie(ctx, COOKIE, "");
    cookie.make_removal();
    cookie
}
