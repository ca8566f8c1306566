//! «Безопасность» (`/account/security`): the person's second factor —
//! enable an authenticator app (QR code and the key to type) or SMS codes,
//! confirm with the first code, see the recovery codes once, renew them,
//! disable. The rules live in `accounts::second_factor`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{Requester, html, problem, texts, with_cookie};
use crate::accounts::recovery;
use crate::accounts::second_factor::{self, Proof, SettingsError, Status};
use crate::credentials::second_factor::verified_phone;
use crate::credentials::totp;
use crate::ctx::Ctx;
use crate::dates;
use crate::http::RequestId;
use crate::http::extract::{CsrfForm, SessionUser, csrf_token, session_cookie};
use crate::http::i18n::Texts;
use crate::login::second_factor::masked_phone;
use crate::model::{Account, SecondFactor};
use crate::oidc::authorize::Problem;
use crate::sessions::Session;

struct TotpSetup {
    secret: String,
    qr_svg: String,
}

#[derive(Template)]
#[template(path = "security.html")]
struct SecurityPage<'a> {
    t: &'static Texts,
    csrf: &'a str,
    /// Which second factor is on, since when, and how many recovery codes
    /// are left.
    enabled: Option<String>,
    totp_setup: Option<TotpSetup>,
    sms_pending: bool,
    phone: Option<String>,
    recovery_codes: Vec<String>,
    error: Option<String>,
    notice: Option<&'a str>,
    /// This session is below `aal2`: changing the factor asks its code.
    code_needed: bool,
}

/// The QR code of an `otpauth://` URI as inline SVG.
fn qr_svg(uri: &str) -> String {
    match qrcode::QrCode::new(uri.as_bytes()) {
        Ok(code) => {
            let svg = code
                .render::<qrcode::render::svg::Color<'_>>()
                .min_dimensions(200, 200)
                .build();
            // Inline in HTML: no XML declaration.
            match svg.find("<svg") {
                Some(start) => svg[start..].to_owned(),
                None => svg,
            }
        }
        Err(_) => String::new(),
    }
}

/// What the page shows besides the settings.
#[derive(Default)]
struct Said<'a> {
    recovery_codes: Vec<String>,
    error: Option<String>,
    notice: Option<&'a str>,
}

async fn render(
    ctx: &Ctx,
    req: &HttpRequest,
    id: &RequestId,
    (account, session): (&Account, &Session),
    status: StatusCode,
    said: Said<'_>,
) -> HttpResponse {
    let Ok(Status {
        enabled,
        recovery_codes_left,
        totp_pending,
        sms_pending,
    }) = second_factor::status(ctx, account, &session.auth.sid).await
    else {
        return problem(texts(req, None), id, Problem::Unavailable);
    };
    let t = texts(req, None);
    let s = &t.security;
    let code_needed = enabled.is_some() && session.auth.aal < crate::model::Aal::Aal2;
    let enabled = enabled.map(|f| {
        let since = dates::date_time(f.enabled_at, t.lang);
        let method = match f.method {
            SecondFactor::Totp => (s.method_totp)(&since),
            SecondFactor::Sms => (s.method_sms)(&since),
        };
        (s.enabled)(&method, recovery_codes_left)
    });
    let (csrf, cookie) = csrf_token(ctx, req);
    let page = SecurityPage {
        t,
        csrf: &csrf,
        enabled,
        totp_setup: totp_pending.map(|p| TotpSetup {
            secret: totp::grouped(&p.secret_base32),
            qr_svg: qr_svg(&p.uri),
        }),
        sms_pending,
        phone: verified_phone(account).map(masked_phone),
        recovery_codes: said.recovery_codes,
        error: said.error,
        notice: said.notice,
        code_needed,
    };
    with_cookie(html(status, &page), cookie)
}

async fn account_of(ctx: &Ctx, account_id: &str) -> Option<Account> {
    ctx.sql.account(account_id).await.ok().flatten()
}

pub async fn page(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    SessionUser(session): SessionUser,
    id: RequestId,
) -> HttpResponse {
    let Some(account) = account_of(&ctx, &session.auth.account_id).await else {
        return problem(texts(&req, None), &id, Problem::Unavailable);
    };
    let who = (&account, &session);
    render(&ctx, &req, &id, who, StatusCode::OK, Said::default()).await
}

pub async fn change(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    CsrfForm(params): CsrfForm,
    SessionUser(session): SessionUser,
    id: RequestId,
) -> HttpResponse {
    let Some(account) = account_of(&ctx, &session.auth.account_id).await else {
        return problem(texts(&req, None), &id, Problem::Unavailable);
    };
    let field = |name| params.get(name).ok().flatten().unwrap_or_default();
    let (action, password, code) = (field("action"), field("password"), field("code").trim());
    let t = texts(&req, None);
    let requester = Requester::of(&req);
    let browser = requester.browser(&id);
    let who = (&account, &session);
    if matches!(action, "totp" | "sms" | "disable" | "renew" | "password") && password.is_empty() {
        let said = Said {
            error: Some(t.security.password_missing.into()),
            ..Default::default()
        };
        return render(&ctx, &req, &id, who, StatusCode::BAD_REQUEST, said).await;
    }
    let proof = Proof {
        session: &session,
        code,
    };
    // A session made two-factor by enabling gets a new cookie.
    let mut new_cookie = None;
    let result: Result<Said<'_>, SettingsError> = match action {
        "totp" => second_factor::begin_totp(&ctx, &account, password, &proof, &browser)
            .await
            .map(|_| Said::default()),
        "sms" => second_factor::begin_sms(&ctx, &account, password, &proof, &browser)
            .await
            .map(|()| Said::default()),
        "confirm" if code.is_empty() => Err(SettingsError::WrongCode { tries_left: None }),
        "confirm" => second_factor::confirm(&ctx, &account, &session, code, &browser)
            .await
            .map(|enabled| {
                new_cookie = enabled.cookie;
                Said {
                    recovery_codes: enabled.recovery_codes,
                    notice: Some(t.security.enabled_notice),
                    ..Default::default()
                }
            }),
        "disable" => second_factor::disable(&ctx, &account, password, &proof, &browser)
            .await
            .map(|()| Said {
                notice: Some(t.security.disabled_notice),
                ..Default::default()
            }),
        "renew" => second_factor::renew_recovery_codes(&ctx, &account, password, &proof, &browser)
            .await
            .map(|codes| Said {
                recovery_codes: codes,
                notice: Some(t.security.renewed_notice),
                ..Default::default()
            }),
        "password" => recovery::change(
            &ctx,
            &account,
            password,
            field("new_password"),
            field("new_password2"),
            &session.auth.sid,
            &browser,
        )
        .await
        .map(|()| Said {
            notice: Some(t.security.password_changed),
            ..Default::default()
        }),
        _ => Err(SettingsError::NotStarted),
    };
    let (status, said) = match result {
        Ok(said) => (StatusCode::OK, said),
        Err(SettingsError::Store(_)) => return problem(t, &id, Problem::Unavailable),
        Err(error) => {
            let message = (t.say.settings_error)(&error);
            let status = match error {
                SettingsError::Busy => StatusCode::SERVICE_UNAVAILABLE,
                SettingsError::Locked { .. }
                | SettingsError::Refused
                | SettingsError::CodeNeeded => StatusCode::FORBIDDEN,
                SettingsError::CodesBlocked => StatusCode::TOO_MANY_REQUESTS,
                _ => StatusCode::BAD_REQUEST,
            };
            let said = Said {
                error: Some(message),
                ..Default::default()
            };
            (status, said)
        }
    };
    let Some(cookie) = new_cookie else {
        return render(&ctx, &req, &id, who, status, said).await;
    };
    // The page as the stronger session sees it, with its cookie.
    let stronger = Session {
        auth: crate::model::AuthContext {
            aal: crate::model::Aal::Aal2,
            ..session.auth.clone()
        },
        ..session.clone()
    };
    let mut res = render(&ctx, &req, &id, (&account, &stronger), status, said).await;
    let _ = res.add_cookie(&session_cookie(&ctx, cookie.expose()));
    res
}
