//! `/account/sessions`: the person's live sessions, each with its device,
//! address, start and portals, and ending them — one, or all but this one.
//! A person can end only their own sessions.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{html, problem, see_other, texts, with_cookie};
use crate::ctx::Ctx;
use crate::http::RequestId;
use crate::http::extract::{CsrfForm, RequestParams, SessionUser, csrf_token};
use crate::http::i18n::Texts;
use crate::http::routes::paths;
use crate::oidc::authorize::Problem;
use crate::sessions::{self, EndReason, Session};

struct Item {
    sid: String,
    /// «Chrome», «Windows 10»: names shown as they are.
    browser: Option<String>,
    os: Option<String>,
    ip: String,
    started: String,
    portals: Vec<String>,
    current: bool,
}

#[derive(Template)]
#[template(path = "sessions.html")]
struct SessionsPage<'a> {
    t: &'static Texts,
    csrf: &'a str,
    items: Vec<Item>,
    notice: Option<&'static str>,
    error: Option<&'static str>,
}

async fn page(
    ctx: &Ctx,
    req: &HttpRequest,
    current: &Session,
    status: StatusCode,
    notice: Option<&'static str>,
    error: Option<&'static str>,
    id: &RequestId,
) -> HttpResponse {
    let t = texts(req, None);
    let Ok(sessions) = sessions::list(ctx, &current.auth.account_id).await else {
        return problem(t, id, Problem::Unavailable);
    };
    let items = sessions
        .into_iter()
        .map(|(s, portals)| {
            (
                sessions::device::device(s.user_agent.as_deref()),
                s,
                portals,
            )
        })
        .map(|(device, s, portals)| Item {
            current: s.sid == current.auth.sid,
            browser: device.browser,
            os: device.os,
            ip: s.ip,
            started: crate::dates::date_time(s.created_at, t.lang),
            portals,
            sid: s.sid,
        })
        .collect();
    let (csrf, cookie) = csrf_token(ctx, req);
    let page = SessionsPage {
        t,
        csrf: &csrf,
        items,
        notice,
        error,
    };
    with_cookie(html(status, &page), cookie)
}

pub async fn list(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    params: RequestParams,
    SessionUser(session): SessionUser,
    id: RequestId,
) -> HttpResponse {
    let t = texts(&req, None);
    let ended = params
        .0
        .ok()
        .and_then(|p| p.get("ended").ok().flatten().map(str::to_owned));
    let notice = match ended.as_deref() {
        Some("one") => Some(t.sessions_ended),
        Some("others") => Some(t.sessions_ended_others),
        _ => None,
    };
    page(&ctx, &req, &session, StatusCode::OK, notice, None, &id).await
}

pub async fn end(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    CsrfForm(params): CsrfForm,
    SessionUser(session): SessionUser,
    id: RequestId,
) -> HttpResponse {
    let t = texts(&req, None);
    let account = &session.auth.account_id;
    if params.get("action").ok().flatten() == Some("end_others") {
        return match sessions::end_all(&ctx, account, Some(&session.auth.sid), EndReason::Person)
            .await
        {
            Ok(_) => see_other(&format!("{}?ended=others", paths::ACCOUNT_SESSIONS)),
            Err(_) => problem(t, &id, Problem::Unavailable),
        };
    }
    let sid = params.get("sid").ok().flatten().unwrap_or_default();
    match sessions::end_own(&ctx, account, sid).await {
        // This very session: the browser is logged out.
        Ok(true) if sid == session.auth.sid => see_other(paths::LOGIN),
        Ok(true) => see_other(&format!("{}?ended=one", paths::ACCOUNT_SESSIONS)),
        Ok(false) => {
            let status = StatusCode::NOT_FOUND;
            page(
                &ctx,
                &req,
                &session,
                status,
                None,
                Some(t.sessions_not_yours),
                &id,
            )
            .await
        }
        Err(_) => problem(t, &id, Problem::Unavailable),
    }
}
