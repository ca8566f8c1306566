//! «От чьего имени войти»: the login flow's choice between a private person
//! and one of the person's organizations (field `actor`: `person` or the
//! organization's id). The rules are `oidc::authorize::actor`'s; this renders.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{NamedFlow, decision, html, problem, step_page, with_cookie};
use crate::ctx::Ctx;
use crate::http::RequestId;
use crate::http::extract::{CurrentSession, browser_id, csrf_token};
use crate::http::i18n::Texts;
use crate::oidc::authorize::Problem;
use crate::oidc::authorize::actor;
use crate::oidc::flow::FlowStep;

struct Choice {
    id: String,
    name: String,
    roles: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "login_actor.html")]
struct ActorPage<'a> {
    t: &'static Texts,
    csrf: &'a str,
    flow_id: &'a str,
    client_name: &'a str,
    choices: Vec<Choice>,
    current: Option<String>,
}

pub async fn form(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    named: NamedFlow,
    CurrentSession(session): CurrentSession,
    id: RequestId,
) -> HttpResponse {
    let asked = |account_id: &str| FlowStep::ChooseActor {
        account_id: account_id.to_owned(),
    };
    let (flow, session, t) = match step_page(&ctx, &req, &named, session, &id, asked).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let Ok(page) = actor::page(&ctx, &flow, &session).await else {
        return problem(t, &id, Problem::Unavailable);
    };
    let choices = page
        .orgs
        .iter()
        .map(|(org, membership)| Choice {
            current: page.current.as_deref() == Some(org.id.as_str()),
            id: org.id.clone(),
            name: org.short_name.clone(),
            roles: membership
                .roles
                .iter()
                .map(|r| (t.say.role)(*r))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    let (csrf, csrf_cookie) = csrf_token(&ctx, &req);
    let res = html(
        StatusCode::OK,
        &ActorPage {
            t,
            csrf: &csrf,
            flow_id: &flow.id,
            client_name: &page.client_name,
            choices,
            current: page.current.clone(),
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
    let org = match params.get("actor") {
        Ok(Some("person")) => None,
        Ok(Some(org)) => Some(org),
        _ => {
            let e = crate::oidc::OAuthError::invalid_request(
                "actor must be `person` or an organization's id",
            );
            return problem(t, &id, Problem::BadRequest(e));
        }
    };
    let (browser, cookie) = browser_id(&ctx, &req);
    let next = actor::choose(&ctx, &flow_id, Some(&browser), session, org, Some(&id.0)).await;
    with_cookie(decision(t, &id, next), cookie)
}
