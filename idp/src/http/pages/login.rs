//! The login page: login identifier and password. What a login means for
//! the flow is decided by `login` and `oidc::authorize`; this only renders.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{Requester, busy, decision, html, problem, see_other, texts, throttled, with_cookie};
use crate::app::AppState;
use crate::http::RequestId;
use crate::http::extract::{CsrfForm, RequestParams, browser_id, csrf_token, session_cookie};
use crate::http::i18n::Texts;
use crate::http::routes::paths;
use crate::login::{self, LoginError, Outcome};
use crate::model::Aal;
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
    /// The lock message (after a right password only).
    locked: Option<&'a str>,
    login_invalid: bool,
    password_invalid: bool,
}

/// The flow named by `flow` as this browser may use it, or the page to show
/// instead.
async fn load_flow(
    app: &AppState,
    req: &HttpRequest,
    id: &RequestId,
    params: &Params,
) -> Result<Option<Flow>, HttpResponse> {
    let Ok(Some(flow_id)) = params.get("flow") else {
        return Ok(None);
    };
    let (browser, cookie) = browser_id(app, req);
    match authorize::open(app, flow_id, Some(&browser)).await {
        Ok(flow) => Ok(Some(flow)),
        Err(next) => Err(with_cookie(decision(texts(req, None), id, next), cookie)),
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
            error: state.locked.or(state.error),
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
    let flow = match load_flow(&app, &req, &id, &params).await {
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
    CsrfForm(params): CsrfForm,
    id: RequestId,
) -> HttpResponse {
    let flow = match load_flow(&app, &req, &id, &params).await {
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
    let form_error = |state| render(&app, &req, t, flow.as_ref(), StatusCode::BAD_REQUEST, state);
    if login.is_empty() {
        return form_error(FormState {
            error: Some(t.login_missing),
            login_invalid: true,
            ..Default::default()
        })
        .await;
    }
    if password_text.is_empty() {
        return form_error(FormState {
            login,
            error: Some(t.password_missing),
            password_invalid: true,
            ..Default::default()
        })
        .await;
    }
    let required = flow.as_ref().map_or(Aal::Aal1, |f| f.request.required_aal);
    let requester = Requester::of(&req);
    let client = requester.client(&id);
    let outcome = login::password_login(&app, login, password_text, required, &client).await;
    let (cookie, sid) = match outcome {
        Ok(Outcome::Started { cookie, sid }) => (cookie, sid),
        Ok(Outcome::Unreachable) => {
            return match flow {
                Some(flow) => decision(t, &id, authorize::unmet(&app, flow).await),
                None => problem(t, &id, Problem::Unavailable),
            };
        }
        Err(LoginError::WrongCredentials) => {
            return form_error(FormState {
                login,
                error: Some(t.wrong_credentials),
                locked: None,
                login_invalid: true,
                password_invalid: true,
            })
            .await;
        }
        Err(LoginError::Busy) => return busy(t, &id),
        Err(LoginError::Throttled) => return throttled(t, &id),
        Err(LoginError::Locked { until }) => {
            let message = format!("{} {}.", t.locked, login::guard::clock_time(until));
            return render(
                &app,
                &req,
                t,
                flow.as_ref(),
                StatusCode::FORBIDDEN,
                FormState {
                    login,
                    error: None,
                    locked: Some(&message),
                    ..Default::default()
                },
            )
            .await;
        }
        Err(LoginError::Store(_)) => return problem(t, &id, Problem::Unavailable),
    };
    let mut res = match flow {
        Some(flow) => decision(t, &id, authorize::logged_in(&app, flow, sid).await),
        None => see_other(paths::ACCOUNT_CONSENTS),
    };
    let _ = res.add_cookie(&session_cookie(&app, cookie.expose()));
    res
}
