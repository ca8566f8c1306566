//! The person's own pages: consents given to portals, and withdrawing them.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{html, problem, see_other, texts, with_cookie};
use crate::app::AppState;
use crate::http::RequestId;
use crate::http::extract::{CsrfForm, RequestParams, SessionUser, csrf_token};
use crate::http::i18n::{Texts, claim_description, scope_description};
use crate::http::routes::paths;
use crate::oidc::authorize::Problem;
use crate::oidc::consent;

struct Item {
    client_id: String,
    client_name: String,
    scopes: Vec<&'static str>,
    granted: String,
}

#[derive(Template)]
#[template(path = "consents.html")]
struct ConsentsPage<'a> {
    t: &'static Texts,
    csrf: &'a str,
    items: Vec<Item>,
    revoked: bool,
}

pub async fn consents(
    app: web::Data<AppState>,
    req: HttpRequest,
    params: RequestParams,
    SessionUser(session): SessionUser,
    id: RequestId,
) -> HttpResponse {
    let t = texts(&req, None);
    let Ok(consents) = consent::of_account(&app, &session.auth.account_id).await else {
        return problem(t, &id, Problem::Unavailable);
    };
    let items = consents
        .into_iter()
        .map(|(c, client_name)| Item {
            client_name,
            scopes: c
                .scopes
                .iter()
                .filter_map(|s| scope_description(t, s))
                .chain(c.claims.iter().map(|n| claim_description(t, n)))
                .collect(),
            granted: chrono::DateTime::from_timestamp(c.granted_at, 0)
                .map(|d| d.format("%d.%m.%Y %H:%M UTC").to_string())
                .unwrap_or_default(),
            client_id: c.client_id,
        })
        .collect();
    let revoked = params
        .0
        .ok()
        .and_then(|p| p.get("revoked").ok().flatten().map(|_| ()))
        .is_some();
    let (csrf, cookie) = csrf_token(&app, &req);
    let page = ConsentsPage {
        t,
        csrf: &csrf,
        items,
        revoked,
    };
    with_cookie(html(StatusCode::OK, &page), cookie)
}

pub async fn withdraw(
    app: web::Data<AppState>,
    req: HttpRequest,
    CsrfForm(params): CsrfForm,
    SessionUser(session): SessionUser,
    id: RequestId,
) -> HttpResponse {
    let t = texts(&req, None);
    let Ok(Some(client_id)) = params.get("client_id") else {
        return see_other(paths::ACCOUNT_CONSENTS);
    };
    match consent::withdraw(&app, &session.auth.account_id, client_id, Some(&id.0)).await {
        Ok(_) => see_other(&format!("{}?revoked=1", paths::ACCOUNT_CONSENTS)),
        Err(_) => problem(t, &id, Problem::Unavailable),
    }
}
