//! The person's own pages: consents given to portals, and withdrawing them.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{csrf_failed, html, problem, see_other, texts};
use crate::app::AppState;
use crate::http::RequestId;
use crate::http::extract::{RequestParams, csrf_ok, csrf_token, current_session};
use crate::http::i18n::{Texts, scope_description};
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
    id: RequestId,
) -> HttpResponse {
    let t = texts(&req, None);
    let Some(session) = current_session(&app, &req).await else {
        return see_other(paths::LOGIN);
    };
    let Ok(consents) = app.sql.consents_of(&session.auth.account_id).await else {
        return problem(t, &id, Problem::Unavailable);
    };
    let mut items = Vec::new();
    for c in consents {
        let name = match app.clients.get(&c.client_id).await {
            Ok(Some(client)) => client.name.clone(),
            _ => c.client_id.clone(),
        };
        items.push(Item {
            client_name: name,
            scopes: c
                .scopes
                .iter()
                .filter_map(|s| scope_description(t, s))
                .collect(),
            granted: chrono::DateTime::from_timestamp(c.granted_at, 0)
                .map(|d| d.format("%d.%m.%Y %H:%M UTC").to_string())
                .unwrap_or_default(),
            client_id: c.client_id,
        });
    }
    let revoked = params
        .0
        .ok()
        .and_then(|p| p.get("revoked").ok().flatten().map(|_| ()))
        .is_some();
    let (csrf, cookie) = csrf_token(&app, &req);
    let mut res = html(
        StatusCode::OK,
        &ConsentsPage {
            t,
            csrf: &csrf,
            items,
            revoked,
        },
    );
    if let Some(cookie) = cookie {
        let _ = res.add_cookie(&cookie);
    }
    res
}

pub async fn withdraw(
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
    let Some(session) = current_session(&app, &req).await else {
        return see_other(paths::LOGIN);
    };
    let Ok(Some(client_id)) = params.get("client_id") else {
        return see_other(paths::ACCOUNT_CONSENTS);
    };
    match consent::withdraw(&app, &session.auth.account_id, client_id, Some(&id.0)).await {
        Ok(_) => see_other(&format!("{}?revoked=1", paths::ACCOUNT_CONSENTS)),
        Err(_) => problem(t, &id, Problem::Unavailable),
    }
}
