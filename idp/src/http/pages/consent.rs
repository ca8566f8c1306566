//! The consent page ("подтверждение передачи данных"): it lists exactly
//! what the portal will receive — the scopes and any claims asked for one
//! by one — and the person's answer is bound to them.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{NamedFlow, decision, html, problem, step_page, with_cookie};
use crate::ctx::Ctx;
use crate::http::RequestId;
use crate::http::extract::{CurrentSession, browser_id, csrf_token};
use crate::http::i18n::Texts;
use crate::oidc::OAuthError;
use crate::oidc::authorize::Problem;
use crate::oidc::authorize::consent;
use crate::oidc::flow::FlowStep;

#[derive(Template)]
#[template(path = "consent.html")]
struct ConsentPage<'a> {
    t: &'static Texts,
    csrf: &'a str,
    flow_id: &'a str,
    client_name: &'a str,
    account_name: &'a str,
    acting_for: Option<&'a str>,
    scopes: Vec<&'static str>,
    claims: Vec<&'static str>,
}

pub async fn form(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    named: NamedFlow,
    CurrentSession(session): CurrentSession,
    id: RequestId,
) -> HttpResponse {
    let asked = |account_id: &str| FlowStep::Consent {
        account_id: account_id.to_owned(),
    };
    let (flow, session, t) = match step_page(&ctx, &req, &named, session, &id, asked).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let page = match consent::page(&ctx, &flow, &session).await {
        Ok(page) => page,
        Err(_) => return problem(t, &id, Problem::Unavailable),
    };
    let (csrf, csrf_cookie) = csrf_token(&ctx, &req);
    let res = html(
        StatusCode::OK,
        &ConsentPage {
            t,
            csrf: &csrf,
            flow_id: &flow.id,
            client_name: &page.client_name,
            account_name: &page.account_name,
            acting_for: page.acting_for.as_deref(),
            scopes: page
                .scopes
                .iter()
                .filter_map(|s| (t.say.scope)(s))
                .collect(),
            claims: page.claims.iter().map(|c| (t.say.claim)(c.name)).collect(),
        },
    );
    with_cookie(res, csrf_cookie)
}

pub async fn submit(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    NamedFlow { flow_id, t, params }: NamedFlow,
    CurrentSession(session): CurrentSession,
    id: RequestId,
) -> HttpResponse {
    let allow = match params.get("decision") {
        Ok(Some("allow")) => true,
        Ok(Some("deny")) => false,
        _ => {
            let e = OAuthError::invalid_request("decision must be `allow` or `deny`");
            return problem(t, &id, Problem::BadRequest(e));
        }
    };
    let (browser, cookie) = browser_id(&ctx, &req);
    let next = consent::decide(&ctx, &flow_id, Some(&browser), allow, session, Some(&id.0)).await;
    with_cookie(decision(t, &id, next), cookie)
}
