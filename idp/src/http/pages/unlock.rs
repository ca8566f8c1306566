//! `/unlock?token=…`: the owner's self-unlock link from the lock notice. The
//! link only shows a button (a mail scanner fetching it unlocks nothing);
//! pressing it lifts the lock, once.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{html, problem, texts, with_cookie};
use crate::credentials::guard;
use crate::ctx::Ctx;
use crate::http::RequestId;
use crate::http::extract::{CsrfForm, RequestParams, csrf_token};
use crate::http::i18n::Texts;
use crate::oidc::authorize::Problem;

#[derive(Template)]
#[template(path = "unlock.html")]
struct UnlockPage<'a> {
    t: &'static Texts,
    csrf: &'a str,
    token: &'a str,
    outcome: Option<&'a str>,
    failed: bool,
}

fn render(
    ctx: &Ctx,
    req: &HttpRequest,
    status: StatusCode,
    token: &str,
    outcome: Option<&str>,
) -> HttpResponse {
    let (csrf, cookie) = csrf_token(ctx, req);
    let page = UnlockPage {
        t: texts(req, None),
        csrf: &csrf,
        token,
        outcome,
        failed: status != StatusCode::OK,
    };
    with_cookie(html(status, &page), cookie)
}

pub async fn form(ctx: web::Data<Ctx>, req: HttpRequest, params: RequestParams) -> HttpResponse {
    let params = params.0.unwrap_or_default();
    let token = params.get("token").ok().flatten().unwrap_or_default();
    render(&ctx, &req, StatusCode::OK, token, None)
}

pub async fn unlock(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    CsrfForm(params): CsrfForm,
    id: RequestId,
) -> HttpResponse {
    let t = texts(&req, None);
    let token = params.get("token").ok().flatten().unwrap_or_default();
    match guard::unlock_by_link(&ctx, token).await {
        Ok(true) => render(&ctx, &req, StatusCode::OK, "", Some(t.unlocked)),
        Ok(false) => render(
            &ctx,
            &req,
            StatusCode::BAD_REQUEST,
            "",
            Some(t.unlock_failed),
        ),
        Err(_) => problem(t, &id, Problem::Unavailable),
    }
}
