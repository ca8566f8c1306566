//! `/authorize` (GET and POST, Core §3.1.2.1) and `/authorize/continue`.

use actix_web::{HttpRequest, HttpResponse, web};

use super::{decision, problem, texts, with_cookie};
use crate::app::AppState;
use crate::http::RequestId;
use crate::http::extract::{CurrentSession, RequestParams, browser_id};
use crate::oidc::authorize::{self, Problem};

pub async fn authorize(
    app: web::Data<AppState>,
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
    let (browser, cookie) = browser_id(&app, &req);
    let address = super::client_address(&req);
    let next = authorize::start(&app, &params, &browser, &address, session).await;
    with_cookie(decision(t, &id, next), cookie)
}

pub async fn resume(
    app: web::Data<AppState>,
    req: HttpRequest,
    params: RequestParams,
    CurrentSession(session): CurrentSession,
    id: RequestId,
) -> HttpResponse {
    let t = texts(&req, None);
    let flow_id = match params.0.as_ref().map(|p| p.get("flow")) {
        Ok(Ok(Some(flow))) => flow.to_owned(),
        _ => return problem(t, &id, Problem::FlowExpired),
    };
    let (browser, cookie) = browser_id(&app, &req);
    let next = authorize::resume(&app, &flow_id, Some(&browser), session).await;
    with_cookie(decision(t, &id, next), cookie)
}
