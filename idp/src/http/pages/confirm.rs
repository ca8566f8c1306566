//! «Подтверждение личности» (`/account/confirm`): how a standard account
//! becomes confirmed — at a service centre, with a code sent by registered
//! post, or with a qualified electronic signature. The rules live in
//! `accounts::confirmation`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{html, problem, see_other, texts, with_cookie, with_own_scripts};
use crate::accounts::confirmation::{self, ConfirmError};
use crate::ctx::Ctx;
use crate::dates;
use crate::http::RequestId;
use crate::http::extract::{CsrfForm, SessionUser, csrf_token};
use crate::http::i18n::Texts;
use crate::http::routes::paths;
use crate::model::AccountLevel;
use crate::oidc::authorize::Problem;

#[derive(Template)]
#[template(path = "confirm.html")]
struct ConfirmPage<'a> {
    t: &'static Texts,
    csrf: &'a str,
    standard: bool,
    confirmed: bool,
    /// Series and number of the passport on file, partly hidden.
    passport: Option<String>,
    /// That a letter with a live code was sent, and when.
    letter: Option<String>,
    address: String,
    notice: Option<&'a str>,
    error: Option<String>,
    code_invalid: bool,
    address_invalid: bool,
    certificate_invalid: bool,
    /// What to sign, when signatures are configured.
    challenge: Option<String>,
}

async fn confirm_page(
    ctx: &Ctx,
    req: &HttpRequest,
    account_id: &str,
    status: StatusCode,
    notice: Option<&str>,
    error: Option<(&str, String)>,
    id: &RequestId,
) -> HttpResponse {
    let t = texts(req, None);
    let (Ok(Some(account)), Ok(Some(profile)), Ok(code)) = (
        ctx.sql.account(account_id).await,
        ctx.sql.profile(account_id).await,
        ctx.sql.postal_code(account_id).await,
    ) else {
        return problem(t, id, Problem::Unavailable);
    };
    let now = ctx.now();
    let code = code.filter(|c| c.expires_at > now && c.tries_left > 0);
    let challenge = match (&ctx.esign, account.level) {
        (Some(_), AccountLevel::Standard) => {
            match confirmation::signature_challenge(ctx, account_id).await {
                Ok(challenge) => Some(challenge),
                Err(_) => return problem(t, id, Problem::Unavailable),
            }
        }
        _ => None,
    };
    let (csrf, cookie) = csrf_token(ctx, req);
    let (field, error) = match error {
        Some((field, message)) => (field, Some(message)),
        None => ("", None),
    };
    let page = ConfirmPage {
        t,
        csrf: &csrf,
        standard: account.level == AccountLevel::Standard,
        confirmed: account.level == AccountLevel::Confirmed,
        passport: profile.passport.map(|p| {
            format!(
                "{} ****{}",
                p.series,
                &p.number[p.number.len().saturating_sub(2)..]
            )
        }),
        letter: code
            .as_ref()
            .map(|c| (t.confirm.letter_sent)(&dates::date(c.ordered_at, t.lang))),
        address: code
            .map(|c| c.address)
            .or(account.address)
            .unwrap_or_default(),
        notice,
        error,
        code_invalid: field == "code",
        address_invalid: field == "address",
        certificate_invalid: field == "certificate",
        challenge,
    };
    with_own_scripts(with_cookie(html(status, &page), cookie))
}

pub async fn confirm_form(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    SessionUser(session): SessionUser,
    id: RequestId,
) -> HttpResponse {
    confirm_page(
        &ctx,
        &req,
        &session.auth.account_id,
        StatusCode::OK,
        None,
        None,
        &id,
    )
    .await
}

pub async fn confirm_submit(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    SessionUser(session): SessionUser,
    CsrfForm(params): CsrfForm,
    id: RequestId,
) -> HttpResponse {
    let account_id = &session.auth.account_id;
    let t = texts(&req, None);
    let Ok(Some(account)) = ctx.sql.account(account_id).await else {
        return problem(t, &id, Problem::Unavailable);
    };
    let now = ctx.now();
    let field = |name: &str| {
        params
            .get(name)
            .ok()
            .flatten()
            .unwrap_or_default()
            .trim()
            .to_owned()
    };
    let (outcome, notice, field_name) = match params.get("action").ok().flatten() {
        Some("order") => {
            let address = field("address");
            let ordered = confirmation::order_postal_code(
                &ctx.sql,
                &ctx.audit,
                &account,
                &address,
                confirmation::letters_limit(&ctx.config),
                now,
            )
            .await;
            (ordered, t.confirm.ordered, "address")
        }
        Some("code") => {
            let entered = confirmation::enter_postal_code(
                &ctx.sql,
                &ctx.audit,
                &account,
                &field("code"),
                now,
            )
            .await;
            if entered.is_ok() {
                ctx.jobs.wake();
                return see_other(&format!("{}?confirmed=1", paths::ACCOUNT));
            }
            (entered, "", "code")
        }
        Some("signature") => {
            let signed = confirmation::by_signature(
                &ctx,
                &account,
                &field("certificate"),
                &field("signature"),
            )
            .await;
            if signed.is_ok() {
                return see_other(&format!("{}?confirmed=1", paths::ACCOUNT));
            }
            (signed, "", "certificate")
        }
        _ => return see_other(paths::ACCOUNT_CONFIRM),
    };
    ctx.jobs.wake();
    match outcome {
        Ok(()) => {
            confirm_page(
                &ctx,
                &req,
                account_id,
                StatusCode::OK,
                Some(notice),
                None,
                &id,
            )
            .await
        }
        Err(ConfirmError::Store(_)) => problem(t, &id, Problem::Unavailable),
        Err(e) => {
            let mut message = (t.say.confirm_error)(&e);
            let (status, wait) = match e {
                ConfirmError::TooManyLetters { retry_at } => {
                    let wait = (retry_at - now).max(1);
                    message = format!("{message} {}", super::try_again(t, wait));
                    (StatusCode::TOO_MANY_REQUESTS, Some(wait))
                }
                _ => (StatusCode::BAD_REQUEST, None),
            };
            let error = Some((field_name, message));
            let page = confirm_page(&ctx, &req, account_id, status, None, error, &id).await;
            match wait {
                Some(wait) => super::retry_after(page, wait),
                None => page,
            }
        }
    }
}
