//! «Безопасность» (`/account/security`): the person's second factor —
//! enable an authenticator app (QR code and the key to type) or SMS codes,
//! confirm with the first code, see the recovery codes once, renew them,
//! disable. The rules live in `accounts::second_factor`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{Requester, html, problem, texts, with_cookie};
use crate::accounts::password::NewPasswordError;
use crate::accounts::second_factor::{self, Proof, SettingsError, Status, verified_phone};
use crate::accounts::{recovery, totp};
use crate::app::AppState;
use crate::http::RequestId;
use crate::http::extract::{CsrfForm, SessionUser, csrf_token, session_cookie};
use crate::http::i18n::Texts;
use crate::login::Session;
use crate::login::guard::clock_time;
use crate::login::second_factor::masked_phone;
use crate::model::{Account, SecondFactor};
use crate::oidc::authorize::Problem;

struct TotpSetup {
    secret: String,
    qr_svg: String,
}

#[derive(Template)]
#[template(path = "security.html")]
struct SecurityPage<'a> {
    t: &'static Texts,
    csrf: &'a str,
    enabled: Option<String>,
    codes_left: u32,
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
    app: &AppState,
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
    }) = second_factor::status(app, account, &session.auth.sid).await
    else {
        return problem(texts(req, None), id, Problem::Unavailable);
    };
    let code_needed = enabled.is_some() && session.auth.aal < crate::model::Aal::Aal2;
    let enabled = enabled.map(|f| {
        let since = clock_time(f.enabled_at);
        match f.method {
            SecondFactor::Totp => format!("код из приложения-аутентификатора (с {since})"),
            SecondFactor::Sms => format!("код из SMS (с {since})"),
        }
    });
    let (csrf, cookie) = csrf_token(app, req);
    let page = SecurityPage {
        t: texts(req, None),
        csrf: &csrf,
        enabled,
        codes_left: recovery_codes_left,
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

async fn account_of(app: &AppState, account_id: &str) -> Option<Account> {
    app.sql.account(account_id).await.ok().flatten()
}

pub async fn page(
    app: web::Data<AppState>,
    req: HttpRequest,
    SessionUser(session): SessionUser,
    id: RequestId,
) -> HttpResponse {
    let Some(account) = account_of(&app, &session.auth.account_id).await else {
        return problem(texts(&req, None), &id, Problem::Unavailable);
    };
    let who = (&account, &session);
    render(&app, &req, &id, who, StatusCode::OK, Said::default()).await
}

/// The Russian message for a refused change, naming the field.
fn refusal(error: &SettingsError) -> Option<String> {
    Some(match error {
        SettingsError::WrongPassword => "Пароль: неверный пароль.".into(),
        SettingsError::Locked { until } => format!(
            "Пароль: вход по паролю заблокирован после неверных попыток до {}.",
            clock_time(*until)
        ),
        SettingsError::Busy => "Сейчас слишком много проверок пароля, повторите через несколько секунд.".into(),
        SettingsError::NoPhone => "Телефон: SMS-коды можно подключить только к подтверждённому мобильному телефону.".into(),
        SettingsError::NotStarted => "Код: подключение не начато или устарело, начните заново.".into(),
        SettingsError::WrongCode { tries_left: Some(n) } => format!("Код: неверный код, осталось попыток: {n}."),
        SettingsError::WrongCode { tries_left: None } => "Код: неверный код. Проверьте время на телефоне и введите код, который показывает приложение сейчас.".into(),
        SettingsError::CodeSpent => "Код: код устарел или попытки закончились, начните подключение заново.".into(),
        SettingsError::NotEnabled => "Второй фактор не подключён.".into(),
        SettingsError::CodeNeeded => "Код: этот сеанс начат без второго фактора — введите код из приложения или резервный код (или войдите заново с кодом).".into(),
        SettingsError::WrongFactorCode => "Код: неверный код из приложения или резервный код.".into(),
        SettingsError::CodesBlocked => "Код: слишком много неверных кодов, попробуйте позже.".into(),
        SettingsError::NewPassword(NewPasswordError::Differ) => {
            "Новый пароль ещё раз: пароли не совпадают.".into()
        }
        SettingsError::NewPassword(NewPasswordError::Policy(p)) => {
            super::recover::new_password_refusal(p)
        }
        SettingsError::Refused => "Учётная запись заблокирована администратором: изменить настройки нельзя.".into(),
        SettingsError::Store(_) => return None,
    })
}

pub async fn change(
    app: web::Data<AppState>,
    req: HttpRequest,
    CsrfForm(params): CsrfForm,
    SessionUser(session): SessionUser,
    id: RequestId,
) -> HttpResponse {
    let Some(account) = account_of(&app, &session.auth.account_id).await else {
        return problem(texts(&req, None), &id, Problem::Unavailable);
    };
    let field = |name| params.get(name).ok().flatten().unwrap_or_default();
    let (action, password, code) = (field("action"), field("password"), field("code").trim());
    let requester = Requester::of(&req);
    let client = requester.client(&id);
    let who = (&account, &session);
    if matches!(action, "totp" | "sms" | "disable" | "renew" | "password") && password.is_empty() {
        let said = Said {
            error: Some("Пароль: введите пароль от учётной записи.".into()),
            ..Default::default()
        };
        return render(&app, &req, &id, who, StatusCode::BAD_REQUEST, said).await;
    }
    let proof = Proof {
        session: &session,
        code,
    };
    // A session made two-factor by enabling gets a new cookie.
    let mut new_cookie = None;
    let result: Result<Said<'_>, SettingsError> = match action {
        "totp" => second_factor::begin_totp(&app, &account, password, &proof, &client)
            .await
            .map(|_| Said::default()),
        "sms" => second_factor::begin_sms(&app, &account, password, &proof, &client)
            .await
            .map(|()| Said::default()),
        "confirm" if code.is_empty() => Err(SettingsError::WrongCode { tries_left: None }),
        "confirm" => second_factor::confirm(&app, &account, &session, code, &client)
            .await
            .map(|enabled| {
                new_cookie = enabled.cookie;
                Said {
                    recovery_codes: enabled.recovery_codes,
                    notice: Some(
                        "Второй фактор подключён. Теперь после пароля мы будем спрашивать код. Все другие сеансы входа завершены.",
                    ),
                    ..Default::default()
                }
            }),
        "disable" => second_factor::disable(&app, &account, password, &proof, &client)
            .await
            .map(|()| Said {
                notice: Some("Второй фактор отключён."),
                ..Default::default()
            }),
        "renew" => second_factor::renew_recovery_codes(&app, &account, password, &proof, &client)
            .await
            .map(|codes| Said {
                recovery_codes: codes,
                notice: Some("Старые резервные коды больше не действуют."),
                ..Default::default()
            }),
        "password" => recovery::change(
            &app,
            &account,
            password,
            field("new_password"),
            field("new_password2"),
            &session.auth.sid,
            &client,
        )
        .await
        .map(|()| Said {
            notice: Some("Пароль изменён. Все другие сеансы входа завершены."),
            ..Default::default()
        }),
        _ => Err(SettingsError::NotStarted),
    };
    let (status, said) = match result {
        Ok(said) => (StatusCode::OK, said),
        Err(error) => {
            let Some(message) = refusal(&error) else {
                return problem(texts(&req, None), &id, Problem::Unavailable);
            };
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
        return render(&app, &req, &id, who, status, said).await;
    };
    // The page as the stronger session sees it, with its cookie.
    let stronger = Session {
        auth: crate::model::AuthContext {
            aal: crate::model::Aal::Aal2,
            ..session.auth.clone()
        },
        ..session.clone()
    };
    let mut res = render(&app, &req, &id, (&account, &stronger), status, said).await;
    let _ = res.add_cookie(&session_cookie(&app, cookie.expose()));
    res
}
