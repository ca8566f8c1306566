//! The registration pages (`/register`): name and contact, the SMS code or
//! the e-mail link, then the password. The rules live in
//! `accounts::registration`; this maps its answers to pages.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{Requester, decision, html, problem, see_other, texts, with_cookie};
use crate::accounts::registration::{self, Field, RegisterError, Registration, Start, Step};
use crate::credentials::password::PolicyError;
use crate::ctx::Ctx;
use crate::http::RequestId;
use crate::http::extract::{CsrfForm, RequestParams, browser_id, csrf_token, session_cookie};
use crate::http::i18n::{RegisterTexts, Texts};
use crate::login::{self, Outcome};
use crate::model::Aal;
use crate::oidc::Params;
use crate::oidc::authorize::{self, Problem};
use crate::paths;

pub enum View {
    Start {
        last_name: String,
        first_name: String,
        contact: String,
        flow: Option<String>,
    },
    Code {
        reg: String,
        to: String,
    },
    Email {
        reg: String,
        to: String,
    },
    Password {
        reg: String,
    },
    /// The e-mail link opened: a button, so that a mail scanner fetching
    /// the link does not use it up.
    ConfirmLink {
        token: String,
    },
    Done,
    Gone,
    /// The e-mail link expired.
    LinkSpent,
    /// The e-mail link was opened before.
    LinkUsed,
    /// This tab's registration went on where the link was opened.
    Elsewhere {
        finished: bool,
    },
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage<'a> {
    t: &'static Texts,
    r: &'static RegisterTexts,
    csrf: &'a str,
    view: View,
    notice: Option<&'a str>,
    error: Option<String>,
    /// The field the error is about (`aria-invalid`).
    invalid: String,
}

/// A page in this browser's language, with the CSRF and browser cookies it
/// needs.
fn page(
    ctx: &Ctx,
    req: &HttpRequest,
    status: StatusCode,
    view: View,
    notice: Option<&str>,
    error: Option<(Field, String)>,
) -> HttpResponse {
    let t = texts(req, None);
    let (csrf, csrf_cookie) = csrf_token(ctx, req);
    let (_, browser_cookie) = browser_id(ctx, req);
    let (invalid, error) = match error {
        Some((field, message)) => (field.to_string(), Some(message)),
        None => (String::new(), None),
    };
    let res = html(
        status,
        &RegisterPage {
            t,
            r: &t.register,
            csrf: &csrf,
            view,
            notice,
            error,
            invalid,
        },
    );
    with_cookie(with_cookie(res, csrf_cookie), browser_cookie)
}

fn field(params: &Params, name: &str) -> String {
    params
        .get(name)
        .ok()
        .flatten()
        .unwrap_or_default()
        .to_owned()
}

/// The message for a refusal, naming its field.
fn refusal(t: &'static Texts, error: &RegisterError) -> (Field, String) {
    let r = &t.register;
    let label = |f: Field| match f {
        Field::LastName => r.last_name,
        Field::FirstName => r.first_name,
        Field::Contact => r.contact,
        Field::Code => r.code,
        Field::Password => r.password,
        Field::Password2 => r.password2,
    };
    match error {
        RegisterError::Invalid { field, reason } => (
            *field,
            (t.say.field_error)(label(*field), &(t.say.invalid)(reason)),
        ),
        RegisterError::WrongCode { tries_left } => {
            (Field::Code, format!("{} {tries_left}.", r.wrong_code))
        }
        RegisterError::CodeSpent => (Field::Code, r.code_spent.into()),
        RegisterError::LinkSpent => (Field::Contact, r.link_spent.into()),
        RegisterError::LinkUsed => (Field::Contact, r.link_used.into()),
        RegisterError::Elsewhere { finished: false } => (Field::Contact, r.elsewhere.into()),
        RegisterError::Elsewhere { finished: true } => (Field::Contact, r.finished.into()),
        RegisterError::TooSoon(secs) => (Field::Code, (r.too_soon)(*secs)),
        RegisterError::Limited {
            wait_secs,
            everyone,
        } => {
            let what = if *everyone {
                r.limited_everyone
            } else {
                r.limited
            };
            (
                Field::Contact,
                format!("{what} {}", super::try_again(t, *wait_secs)),
            )
        }
        RegisterError::PasswordsDiffer => (Field::Password2, r.passwords_differ.into()),
        RegisterError::Password(policy) => (
            Field::Password,
            match policy {
                PolicyError::TooShort => r.too_short,
                PolicyError::TooLong => r.too_long,
                PolicyError::MissingClass => r.missing_class,
                PolicyError::BadCharacter | PolicyError::Hashing => r.bad_character,
                PolicyError::Cyrillic => r.cyrillic,
            }
            .into(),
        ),
        RegisterError::Taken => (Field::Contact, r.taken.into()),
        RegisterError::Gone | RegisterError::Store(_) => (Field::Contact, r.gone.into()),
    }
}

/// A refused first page or resend: 429 (with `Retry-After` for a limit)
/// when it is a matter of waiting, else 400.
fn refused_page(
    ctx: &Ctx,
    req: &HttpRequest,
    error: &RegisterError,
    view: View,
    refused: Option<(Field, String)>,
) -> HttpResponse {
    let many = StatusCode::TOO_MANY_REQUESTS;
    match error {
        RegisterError::TooSoon(_) => page(ctx, req, many, view, None, refused),
        RegisterError::Limited { wait_secs, .. } => {
            super::retry_after(page(ctx, req, many, view, None, refused), *wait_secs)
        }
        _ => page(ctx, req, StatusCode::BAD_REQUEST, view, None, refused),
    }
}

/// Where a registration stands, as a page.
fn view_of(registration: &Registration) -> View {
    let reg = registration.id.clone();
    let to = registration.contact.clone();
    match registration.step {
        Step::Code { .. } => View::Code { reg, to },
        Step::Link { .. } => View::Email { reg, to },
        Step::Password => View::Password { reg },
    }
}

fn step_path(registration: &Registration) -> String {
    let path = match registration.step {
        Step::Code { .. } => paths::REGISTER_CODE,
        Step::Link { .. } => paths::REGISTER_EMAIL,
        Step::Password => paths::REGISTER_PASSWORD,
    };
    format!("{path}?reg={}", registration.id)
}

/// The registration named by `reg` as this browser may use it.
async fn load(
    ctx: &Ctx,
    req: &HttpRequest,
    params: &Params,
) -> Result<Registration, RegisterError> {
    let (browser, _) = browser_id(ctx, req);
    registration::Registration::load(ctx, &field(params, "reg"), &browser).await
}

/// A registration this browser cannot go on with: where it went, and the
/// way on (log in, or start again).
fn gone(ctx: &Ctx, req: &HttpRequest, error: &RegisterError) -> HttpResponse {
    let (status, view) = match error {
        RegisterError::Elsewhere { finished } => (
            StatusCode::OK,
            View::Elsewhere {
                finished: *finished,
            },
        ),
        RegisterError::LinkUsed => (StatusCode::CONFLICT, View::LinkUsed),
        RegisterError::LinkSpent => (StatusCode::BAD_REQUEST, View::LinkSpent),
        RegisterError::Store(e) => {
            tracing::error!(error = %e, "registration store failed");
            (StatusCode::BAD_REQUEST, View::Gone)
        }
        _ => (StatusCode::BAD_REQUEST, View::Gone),
    };
    page(ctx, req, status, view, None, None)
}

pub async fn form(ctx: web::Data<Ctx>, req: HttpRequest, params: RequestParams) -> HttpResponse {
    let params = params.0.unwrap_or_default();
    let flow = params.get("flow").ok().flatten().map(str::to_owned);
    let view = View::Start {
        last_name: String::new(),
        first_name: String::new(),
        contact: String::new(),
        flow,
    };
    page(&ctx, &req, StatusCode::OK, view, None, None)
}

pub async fn submit(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    CsrfForm(params): CsrfForm,
) -> HttpResponse {
    let (browser, cookie) = browser_id(&ctx, &req);
    let (last_name, first_name, contact) = (
        field(&params, "last_name"),
        field(&params, "first_name"),
        field(&params, "contact"),
    );
    let flow = params.get("flow").ok().flatten().filter(|f| f.len() <= 64);
    let start = Start {
        last_name: &last_name,
        first_name: &first_name,
        contact: &contact,
        flow,
    };
    let address = super::client_address(&req);
    match registration::start(&ctx, start, &browser, &address).await {
        Ok(registration) => with_cookie(see_other(&step_path(&registration)), cookie),
        Err(RegisterError::Store(e)) => gone(&ctx, &req, &RegisterError::Store(e)),
        Err(error) => {
            let view = View::Start {
                last_name,
                first_name,
                contact,
                flow: flow.map(str::to_owned),
            };
            let refused = Some(refusal(texts(&req, None), &error));
            refused_page(&ctx, &req, &error, view, refused)
        }
    }
}

/// GET of the code, e-mail and password steps.
pub async fn step(ctx: web::Data<Ctx>, req: HttpRequest, params: RequestParams) -> HttpResponse {
    let params = params.0.unwrap_or_default();
    match load(&ctx, &req, &params).await {
        Ok(registration) => {
            let sent = params.get("sent").ok().flatten().is_some();
            let r = &texts(&req, None).register;
            page(
                &ctx,
                &req,
                StatusCode::OK,
                view_of(&registration),
                sent.then_some(r.sent_again),
                None,
            )
        }
        Err(error) => gone(&ctx, &req, &error),
    }
}

pub async fn code(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    CsrfForm(params): CsrfForm,
) -> HttpResponse {
    let (browser, _) = browser_id(&ctx, &req);
    let reg = field(&params, "reg");
    match registration::check_code(&ctx, &reg, &browser, &field(&params, "code")).await {
        Ok(registration) => see_other(&step_path(&registration)),
        Err(error @ (RegisterError::Gone | RegisterError::Store(_))) => gone(&ctx, &req, &error),
        Err(error) => {
            let to = load(&ctx, &req, &params)
                .await
                .map(|r| r.contact)
                .unwrap_or_default();
            page(
                &ctx,
                &req,
                StatusCode::BAD_REQUEST,
                View::Code { reg, to },
                None,
                Some(refusal(texts(&req, None), &error)),
            )
        }
    }
}

pub async fn resend(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    CsrfForm(params): CsrfForm,
) -> HttpResponse {
    let (browser, _) = browser_id(&ctx, &req);
    let address = super::client_address(&req);
    match registration::resend(&ctx, &field(&params, "reg"), &browser, &address).await {
        Ok(registration) => see_other(&format!("{}&sent=1", step_path(&registration))),
        Err(error @ (RegisterError::TooSoon(_) | RegisterError::Limited { .. })) => {
            match load(&ctx, &req, &params).await {
                Ok(registration) => {
                    let refused = Some(refusal(texts(&req, None), &error));
                    refused_page(&ctx, &req, &error, view_of(&registration), refused)
                }
                Err(error) => gone(&ctx, &req, &error),
            }
        }
        Err(error) => gone(&ctx, &req, &error),
    }
}

/// The e-mail link: whoever opens it goes on in that browser.
/// GET of the e-mail link: only asks to go on (see [`View::ConfirmLink`]).
pub async fn confirm_form(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    params: RequestParams,
) -> HttpResponse {
    let params = params.0.unwrap_or_default();
    let token = field(&params, "token");
    match registration::link_used(&ctx, &token).await {
        Ok(false) => {}
        Ok(true) => return gone(&ctx, &req, &RegisterError::LinkUsed),
        Err(e) => return gone(&ctx, &req, &RegisterError::Store(e)),
    }
    page(
        &ctx,
        &req,
        StatusCode::OK,
        View::ConfirmLink { token },
        None,
        None,
    )
}

/// The person pressed the button of the e-mail link: the browser that did
/// goes on with the registration.
pub async fn confirm(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    CsrfForm(params): CsrfForm,
) -> HttpResponse {
    let (browser, cookie) = browser_id(&ctx, &req);
    match registration::confirm_link(&ctx, &field(&params, "token"), &browser).await {
        Ok(registration) => with_cookie(see_other(&step_path(&registration)), cookie),
        Err(error) => gone(&ctx, &req, &error),
    }
}

pub async fn password(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    CsrfForm(params): CsrfForm,
    id: RequestId,
) -> HttpResponse {
    let (browser, _) = browser_id(&ctx, &req);
    let reg = field(&params, "reg");
    let finished = registration::finish(
        &ctx,
        &reg,
        &browser,
        &field(&params, "password"),
        &field(&params, "password2"),
    )
    .await;
    let (account, flow_id) = match finished {
        Ok(done) => done,
        Err(error @ (RegisterError::Gone | RegisterError::Store(_))) => {
            return gone(&ctx, &req, &error);
        }
        Err(error) => {
            return page(
                &ctx,
                &req,
                StatusCode::BAD_REQUEST,
                View::Password { reg },
                None,
                Some(refusal(texts(&req, None), &error)),
            );
        }
    };
    // The person just proved the contact and chose the password: logged in.
    let flow = match &flow_id {
        Some(flow_id) => authorize::open(&ctx, flow_id, Some(&browser)).await.ok(),
        None => None,
    };
    let required = flow.as_ref().map_or(Aal::Aal1, |f| f.request.required_aal);
    let t = texts(&req, None);
    let requester = Requester::of(&req);
    let browser = requester.browser(&id);
    match login::proven(
        &ctx,
        &account,
        vec![login::Factor::Password],
        required,
        &browser,
    )
    .await
    {
        Ok(Outcome::Started { cookie, sid }) => {
            let mut res = match flow {
                Some(flow) => decision(t, &id, authorize::logged_in(&ctx, flow, sid).await),
                None => page(&ctx, &req, StatusCode::OK, View::Done, None, None),
            };
            let _ = res.add_cookie(&session_cookie(&ctx, cookie.expose()));
            res
        }
        Ok(Outcome::Certificate) => super::login::to_certificate(flow.as_ref()),
        // A new account has no second factor to ask.
        Ok(Outcome::Unreachable | Outcome::SecondFactor { .. }) => match flow {
            Some(flow) => decision(t, &id, authorize::unmet(&ctx, flow).await),
            None => page(&ctx, &req, StatusCode::OK, View::Done, None, None),
        },
        Err(_) => problem(t, &id, Problem::Unavailable),
    }
}
