//! `GET /aas/oauth2/ac` (v1) and `/aas/oauth2/v2/ac`: rendered like
//! `/authorize`, decided by `esia::authorize` and the shared login flow.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::ctx::Ctx;
use crate::esia::authorize;
use crate::esia::request::Version;
use crate::http::RequestId;
use crate::http::extract::{CurrentSession, RequestParams, browser_id};
use crate::http::pages::{client_address, decision, problem, texts, with_cookie};
use crate::oidc::authorize::Problem;

pub async fn v1(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    params: RequestParams,
    session: CurrentSession,
    id: RequestId,
) -> HttpResponse {
    ac(ctx, req, params, session, id, Version::V1).await
}

pub async fn v2(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    params: RequestParams,
    session: CurrentSession,
    id: RequestId,
) -> HttpResponse {
    ac(ctx, req, params, session, id, Version::V2).await
}

async fn ac(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    params: RequestParams,
    CurrentSession(session): CurrentSession,
    id: RequestId,
    version: Version,
) -> HttpResponse {
    if let Some(off) = super::disabled(&ctx, &req, &id).await {
        return off;
    }
    let t = texts(&req, None);
    let params = match params.0 {
        Ok(params) => params,
        Err(e) => return problem(t, &id, Problem::BadRequest(e.in_esia_dialect())),
    };
    let (browser, cookie) = browser_id(&ctx, &req);
    let address = client_address(&req);
    let next = authorize::start(&ctx, &params, version, (&browser, &address), session).await;
    with_cookie(decision(t, &id, next), cookie)
}
