//! `/authorize` (GET and POST, Core §3.1.2.1) and `/authorize/continue`.

use actix_web::{HttpRequest, HttpResponse, web};

use super::{NamedFlow, decision, problem, texts, with_cookie};
use crate::ctx::Ctx;
use crate::http::RequestId;
use crate::http::extract::{CurrentSession, RequestParams, browser_id};
use crate::oidc::authorize::{self, Problem};

pub async fn authorize(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    params: RequestParams,
    CurrentSession(session): CurrentSession,
    id: RequestId,
) -> HttpResponse {
    let params = match params.0 {
        Ok(params) => params,
        // Unparseable: the redirect URI cannot be trusted, show a page.
        Err(e) => return problem(texts(&req, None), &id, Problem::BadRequest(e)),
    };
    let t = texts(&req, params.get("ui_locales").ok().flatten());
    let (browser, cookie) = browser_id(&ctx, &req);
    let address = super::client_address(&req);
    let next = authorize::start(&ctx, &params, &browser, &address, session).await;
    with_cookie(decision(t, &id, next), cookie)
}

pub async fn resume(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    NamedFlow { flow_id, t, .. }: NamedFlow,
    CurrentSession(session): CurrentSession,
    id: RequestId,
) -> HttpResponse {
    let (browser, cookie) = browser_id(&ctx, &req);
    let next = authorize::resume(&ctx, &flow_id, Some(&browser), session).await;
    with_cookie(decision(t, &id, next), cookie)
}
