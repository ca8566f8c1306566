//! «Забыли пароль?» (`/recover`): a login, then a code and the new
//! password. The page reads the same for every login, so it tells nobody
//! whether an account exists; the rules live in `accounts::recovery`.

use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{html, problem, see_other, texts, with_cookie};
use crate::accounts::password::{NewPasswordError, PUNCTUATION, PolicyError};
use crate::accounts::recovery::{self, COOKIE, RecoveryError};
use crate::app::AppState;
use crate::http::RequestId;
use crate::http::extract::{CsrfForm, RequestParams, csrf_token, login_cookie, read_cookie};
use crate::http::i18n::Texts;
use crate::http::routes::paths;
use crate::oidc::Params;
use crate::oidc::authorize::Problem;

enum RecoverView {
    Start,
    Code,
    Done,
}

#[derive(Template)]
#[template(path = "recover.html")]
struct RecoverPage<'a> {
    t: &'static Texts,
    csrf: &'a str,
    flow_id: Option<&'a str>,
    view: RecoverView,
    login: &'a str,
    error: Option<String>,
    punctuation: &'static str,
}

/// The login flow to return to, carried through (only its id's shape is
/// checked here; the login page checks the flow itself).
fn flow_of(params: &Params) -> Option<&str> {
    params.get("flow").ok().flatten().filter(|id| {
        id.len() <= 64
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

fn render(
    app: &AppState,
    req: &HttpRequest,
    flow_id: Option<&str>,
    status: StatusCode,
    view: RecoverView,
    error: Option<String>,
) -> HttpResponse {
    let (csrf, cookie) = csrf_token(app, req);
    let page = RecoverPage {
        t: texts(req, None),
        csrf: &csrf,
        flow_id,
        view,
        login: "",
        error,
        punctuation: PUNCTUATION,
    };
    with_cookie(html(status, &page), cookie)
}

fn with_flow(path: &str, flow_id: Option<&str>) -> String {
    match flow_id {
        Some(id) => format!("{path}?flow={id}"),
        None => path.to_owned(),
    }
}

pub async fn form(
    app: web::Data<AppState>,
    req: HttpRequest,
    params: RequestParams,
) -> HttpResponse {
    let params = params.0.unwrap_or_default();
    render(
        &app,
        &req,
        flow_of(&params),
        StatusCode::OK,
        RecoverView::Start,
        None,
    )
}

pub async fn start(
    app: web::Data<AppState>,
    req: HttpRequest,
    CsrfForm(params): CsrfForm,
    id: RequestId,
) -> HttpResponse {
    let flow_id = flow_of(&params);
    let login = params
        .get("login")
        .ok()
        .flatten()
        .unwrap_or_default()
        .trim();
    if login.is_empty() {
        let error = Some("Логин: введите телефон, почту, СНИЛС или ИНН.".to_owned());
        return render(
            &app,
            &req,
            flow_id,
            StatusCode::BAD_REQUEST,
            RecoverView::Start,
            error,
        );
    }
    let address = super::client_address(&req);
    match recovery::start(&app, login, &address).await {
        Ok(cookie) => {
            let mut res = see_other(&with_flow(paths::RECOVER_PASSWORD, flow_id));
            let _ = res.add_cookie(&login_cookie(&app, COOKIE, cookie.expose()));
            res
        }
        Err(RecoveryError::Limited { wait_secs }) => {
            let t = texts(&req, None);
            super::limited(t, &id, t.recovery_limited, wait_secs, None)
        }
        Err(_) => problem(texts(&req, None), &id, Problem::Unavailable),
    }
}

pub async fn code_form(
    app: web::Data<AppState>,
    req: HttpRequest,
    params: RequestParams,
    id: RequestId,
) -> HttpResponse {
    let params = params.0.unwrap_or_default();
    let flow_id = flow_of(&params);
    let cookie = read_cookie(&app, &req, COOKIE);
    match recovery::is_under_way(&app, cookie.as_ref().map(|c| c.value())).await {
        Ok(true) => render(&app, &req, flow_id, StatusCode::OK, RecoverView::Code, None),
        Ok(false) => see_other(&with_flow(paths::RECOVER, flow_id)),
        Err(_) => problem(texts(&req, None), &id, Problem::Unavailable),
    }
}

/// Why the policy refused a new password, in Russian, naming the field.
pub(super) fn new_password_refusal(p: &PolicyError) -> String {
    match p {
        PolicyError::TooShort => "Новый пароль: не короче 8 символов.".to_owned(),
        PolicyError::TooLong => "Новый пароль: не длиннее 128 символов.".to_owned(),
        PolicyError::MissingClass => {
            "Новый пароль: нужны латинские строчная и заглавная буквы и цифра.".to_owned()
        }
        PolicyError::BadCharacter | PolicyError::Hashing => {
            format!("Новый пароль: допустимы только латинские буквы, цифры и знаки {PUNCTUATION}")
        }
    }
}

/// The Russian message for a refused recovery, naming the field.
fn refusal(error: &RecoveryError) -> Option<(RecoverView, String)> {
    Some(match error {
        RecoveryError::WrongCode { tries_left } => (
            RecoverView::Code,
            format!("Код: неверный код, осталось попыток: {tries_left}."),
        ),
        RecoveryError::CodeSpent => (
            RecoverView::Start,
            "Код: код устарел или попытки закончились. Запросите новый код.".to_owned(),
        ),
        RecoveryError::NoRecovery => (
            RecoverView::Start,
            "Время на восстановление истекло или оно начато в другом браузере. Начните заново."
                .to_owned(),
        ),
        RecoveryError::Password(NewPasswordError::Policy(p)) => {
            (RecoverView::Code, new_password_refusal(p))
        }
        RecoveryError::Password(NewPasswordError::Differ) => (
            RecoverView::Code,
            "Новый пароль ещё раз: пароли не совпадают.".to_owned(),
        ),
        RecoveryError::Limited { .. } | RecoveryError::Store(_) => return None,
    })
}

pub async fn finish(
    app: web::Data<AppState>,
    req: HttpRequest,
    CsrfForm(params): CsrfForm,
    id: RequestId,
) -> HttpResponse {
    let flow_id = flow_of(&params);
    let field = |name| params.get(name).ok().flatten().unwrap_or_default();
    let Some(cookie) = read_cookie(&app, &req, COOKIE) else {
        return see_other(&with_flow(paths::RECOVER, flow_id));
    };
    let result = recovery::finish(
        &app,
        cookie.value(),
        field("code").trim(),
        field("password"),
        field("password2"),
    )
    .await;
    match result {
        Ok(()) => {
            let mut res = render(&app, &req, flow_id, StatusCode::OK, RecoverView::Done, None);
            let _ = res.add_cookie(&gone(&app));
            res
        }
        Err(error) => match refusal(&error) {
            Some((view, message)) => render(
                &app,
                &req,
                flow_id,
                StatusCode::BAD_REQUEST,
                view,
                Some(message),
            ),
            None => problem(texts(&req, None), &id, Problem::Unavailable),
        },
    }
}

fn gone(app: &AppState) -> Cookie<'static> {
    let mut cookie = login_cookie(app, COOKIE, "");
    cookie.make_removal();
    cookie
}
