//! The consent page ("подтверждение передачи данных").

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{csrf_failed, decision, html, problem, texts};
use crate::app::AppState;
use crate::http::RequestId;
use crate::http::extract::{RequestParams, csrf_ok, csrf_token, current_session};
use crate::http::i18n::{Texts, scope_description};
use crate::oidc::authorize::{self, Problem};
use crate::oidc::flow::Flow;
use crate::oidc::{OAuthError, consent};

#[derive(Template)]
#[template(path = "consent.html")]
struct ConsentPage<'a> {
    t: &'static Texts,
    csrf: &'a str,
    flow_id: &'a str,
    client_name: &'a str,
    account_name: &'a str,
    scopes: Vec<&'static str>,
}

pub async fn form(
    app: web::Data<AppState>,
    req: HttpRequest,
    params: RequestParams,
    id: RequestId,
) -> HttpResponse {
    let t0 = texts(&req, None);
    let flow_id = match params.0.as_ref().map(|p| p.get("flow")) {
        Ok(Ok(Some(flow))) => flow.to_owned(),
        _ => return problem(t0, &id, Problem::FlowExpired),
    };
    let flow = match Flow::load(&app, &flow_id).await {
        Ok(Some(flow)) => flow,
        Ok(None) => return problem(t0, &id, Problem::FlowExpired),
        Err(_) => return problem(t0, &id, Problem::Unavailable),
    };
    let t = texts(&req, flow.request.ui_locales.as_deref());
    let session = current_session(&app, &req).await;
    let (Some(session), false) = (&session, flow.completed) else {
        // Logged out meanwhile, or the flow is over: let the flow decide.
        return decision(t, &id, authorize::resume(&app, &flow_id, session).await);
    };
    let client = app.clients.get(&flow.request.client_id).await;
    let account = app.sql.account(&session.auth.account_id).await;
    let (Ok(Some(client)), Ok(Some(account))) = (client, account) else {
        return problem(t, &id, Problem::Unavailable);
    };
    let account_name = format!("{} {}", account.given_name, account.family_name);
    let scopes = flow
        .request
        .scopes
        .iter()
        .filter_map(|s| scope_description(t, s))
        .collect();
    let (csrf, cookie) = csrf_token(&app, &req);
    let mut res = html(
        StatusCode::OK,
        &ConsentPage {
            t,
            csrf: &csrf,
            flow_id: &flow.id,
            client_name: &client.name,
            account_name: &account_name,
            scopes,
        },
    );
    if let Some(cookie) = cookie {
        let _ = res.add_cookie(&cookie);
    }
    res
}

pub async fn submit(
    app: web::Data<AppState>,
    req: HttpRequest,
    params: RequestParams,
    id: RequestId,
) -> HttpResponse {
    let t = texts(&req, None);
    let Ok(params) = params.0 else {
        return csrf_failed(t, &id);
    };
    if !csrf_ok(&req, &params) {
        return csrf_failed(t, &id);
    }
    let Ok(Some(flow_id)) = params.get("flow") else {
        return problem(t, &id, Problem::FlowExpired);
    };
    let allow = match params.get("decision") {
        Ok(Some("allow")) => true,
        Ok(Some("deny")) => false,
        _ => {
            let e = OAuthError::invalid_request("decision must be `allow` or `deny`");
            return problem(t, &id, Problem::BadRequest(e));
        }
    };
    let session = current_session(&app, &req).await;
    decision(
        t,
        &id,
        consent::decide(&app, flow_id, allow, session, Some(&id.0)).await,
    )
}
