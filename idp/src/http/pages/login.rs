//! The login page: login identifier and password.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{csrf_failed, decision, html, problem, see_other, texts};
use crate::app::AppState;
use crate::http::RequestId;
use crate::http::extract::{RequestParams, csrf_ok, csrf_token, session_cookie};
use crate::http::i18n::Texts;
use crate::http::routes::paths;
use crate::login::password::{self, LoginError};
use crate::login::session;
use crate::oidc::Params;
use crate::oidc::authorize::{self, Problem};
use crate::oidc::flow::Flow;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    t: &'static Texts,
    csrf: &'a str,
    flow_id: Option<&'a str>,
    client_name: Option<&'a str>,
    login: &'a str,
    error: Option<&'a str>,
    login_invalid: bool,
    password_invalid: bool,
}

/// What the form shows besides its fields.
#[derive(Default)]
struct FormState<'a> {
    login: &'a str,
    error: Option<&'static str>,
    login_invalid: bool,
    password_invalid: bool,
}

/// The flow named by `flow`, or the page to show instead.
async fn load_flow(
    app: &AppState,
    t: &'static Texts,
    id: &RequestId,
    params: &Params,
) -> Result<Option<Flow>, HttpResponse> {
    let Ok(Some(flow_id)) = params.get("flow") else {
        return Ok(None);
    };
    match Flow::load(app, flow_id).await {
        Ok(Some(flow)) if flow.completed => Err(decision(t, id, authorize::completed(&flow))),
        Ok(Some(flow)) => Ok(Some(flow)),
        Ok(None) => Err(problem(t, id, Problem::FlowExpired)),
        Err(_) => Err(problem(t, id, Problem::Unavailable)),
    }
}

async fn render(
    app: &AppState,
    req: &HttpRequest,
    t: &'static Texts,
    flow: Option<&Flow>,
    status: StatusCode,
    state: FormState<'_>,
) -> HttpResponse {
    let client_name = match flow {
        Some(flow) => app
            .clients
            .get(&flow.request.client_id)
            .await
            .ok()
            .flatten()
            .map(|c| c.name.clone()),
        None => None,
    };
    let (csrf, cookie) = csrf_token(app, req);
    let mut res = html(
        status,
        &LoginPage {
            t,
            csrf: &csrf,
            flow_id: flow.map(|f| f.id.as_str()),
            client_name: client_name.as_deref(),
            login: state.login,
            error: state.error,
            login_invalid: state.login_invalid,
            password_invalid: state.password_invalid,
        },
    );
    if let Some(cookie) = cookie {
        let _ = res.add_cookie(&cookie);
    }
    res
}

fn flow_texts(req: &HttpRequest, flow: Option<&Flow>) -> &'static Texts {
    texts(req, flow.and_then(|f| f.request.ui_locales.as_deref()))
}

pub async fn form(
    app: web::Data<AppState>,
    req: HttpRequest,
    params: RequestParams,
    id: RequestId,
) -> HttpResponse {
    let params = params.0.unwrap_or_default();
    let flow = match load_flow(&app, texts(&req, None), &id, &params).await {
        Ok(flow) => flow,
        Err(page) => return page,
    };
    let t = flow_texts(&req, flow.as_ref());
    let hint = flow
        .as_ref()
        .and_then(|f| f.request.login_hint.clone())
        .unwrap_or_default();
    let state = FormState {
        login: &hint,
        ..Default::default()
    };
    render(&app, &req, t, flow.as_ref(), StatusCode::OK, state).await
}

pub async fn submit(
    app: web::Data<AppState>,
    req: HttpRequest,
    params: RequestParams,
    id: RequestId,
) -> HttpResponse {
    let Ok(params) = params.0 else {
        return csrf_failed(texts(&req, None), &id);
    };
    if !csrf_ok(&req, &params) {
        return csrf_failed(texts(&req, None), &id);
    }
    let mut flow = match load_flow(&app, texts(&req, None), &id, &params).await {
        Ok(flow) => flow,
        Err(page) => return page,
    };
    let t = flow_texts(&req, flow.as_ref());
    let login = params
        .get("login")
        .ok()
        .flatten()
        .unwrap_or_default()
        .trim();
    let password_text = params.get("password").ok().flatten().unwrap_or_default();
    if login.is_empty() {
        return render(
            &app,
            &req,
            t,
            flow.as_ref(),
            StatusCode::BAD_REQUEST,
            FormState {
                error: Some(t.login_missing),
                login_invalid: true,
                ..Default::default()
            },
        )
        .await;
    }
    if password_text.is_empty() {
        return render(
            &app,
            &req,
            t,
            flow.as_ref(),
            StatusCode::BAD_REQUEST,
            FormState {
                login,
                error: Some(t.password_missing),
                password_invalid: true,
                ..Default::default()
            },
        )
        .await;
    }
    let auth = match password::login(&app, login, password_text, Some(&id.0)).await {
        Ok((_, auth)) => auth,
        Err(LoginError::WrongCredentials) => {
            return render(
                &app,
                &req,
                t,
                flow.as_ref(),
                StatusCode::BAD_REQUEST,
                FormState {
                    login,
                    error: Some(t.wrong_credentials),
                    login_invalid: true,
                    password_invalid: true,
                },
            )
            .await;
        }
        Err(LoginError::Store(_)) => return problem(t, &id, Problem::Unavailable),
    };
    let sid = auth.sid.clone();
    let cookie = match session::start(&app, auth).await {
        Ok(cookie) => cookie,
        Err(_) => return problem(t, &id, Problem::Unavailable),
    };
    // The old session (if any) is replaced: a new cookie on every login
    // prevents session fixation.
    if let Some(old) = req.cookie(session::COOKIE) {
        let _ = session::end(&app, old.value()).await;
    }
    let next = match flow.as_mut() {
        Some(flow) => {
            flow.login_sid = Some(sid);
            if flow.save(&app).await.is_err() {
                return problem(t, &id, Problem::Unavailable);
            }
            format!("{}?flow={}", paths::AUTHORIZE_CONTINUE, flow.id)
        }
        None => paths::ACCOUNT_CONSENTS.to_owned(),
    };
    let mut res = see_other(&next);
    let _ = res.add_cookie(&session_cookie(&app, cookie.expose()));
    res
}
