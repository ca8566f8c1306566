//! `/authorize` (GET and POST, Core §3.1.2.1) and `/authorize/continue`.

use actix_web::{HttpRequest, HttpResponse, web};

use super::{decision, problem, texts};
use crate::app::AppState;
use crate::http::RequestId;
use crate::http::extract::{RequestParams, current_session};
use crate::oidc::authorize::{self, Problem};

pub async fn authorize(
    app: web::Data<AppState>,
    req: HttpRequest,
    params: RequestParams,
    id: RequestId,
) -> HttpResponse {
    let params = match params.0 {
        Ok(params) => params,
        // Unparseable: the redirect URI cannot be trusted, show a page.
        Err(e) => return problem(texts(&req, None), &id, Problem::BadRequest(e)),
    };
    let t = texts(&req, params.get("ui_locales").ok().flatten());
    let session = current_session(&app, &req).await;
    decision(t, &id, authorize::start(&app, &params, session).await)
}

pub async fn resume(
    app: web::Data<AppState>,
    req: HttpRequest,
    params: RequestParams,
    id: RequestId,
) -> HttpResponse {
    let t = texts(&req, None);
    let flow_id = match params.0.as_ref().map(|p| p.get("flow")) {
        Ok(Ok(Some(flow))) => flow.to_owned(),
        _ => return problem(t, &id, Problem::FlowExpired),
    };
    let session = current_session(&app, &req).await;
    decision(t, &id, authorize::resume(&app, &flow_id, session).await)
}
