//! The person's own pages: «Мои данные» and the check that makes an account
//! standard; consents given to portals, and withdrawing them.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{html, problem, see_other, texts, with_cookie, with_own_scripts};
use crate::accounts::confirmation::{self, ConfirmError};
use crate::accounts::profile::{self, ProfileError, ProfileField};
use crate::app::AppState;
use crate::http::RequestId;
use crate::http::extract::{CsrfForm, RequestParams, SessionUser, csrf_token};
use crate::http::i18n::{Texts, claim_description, scope_description};
use crate::http::routes::paths;
use crate::identifiers::Invalid;
use crate::model::{AccountLevel, Profile, Verification, VerificationStatus};
use crate::oidc::Params;
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

/// One field of the profile form.
struct ProfileInput {
    name: &'static str,
    label: &'static str,
    value: String,
    optional: bool,
    date: bool,
    invalid: bool,
}

/// One line of the data in force.
struct Line {
    label: &'static str,
    value: String,
}

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage<'a> {
    t: &'static Texts,
    csrf: &'a str,
    level: &'static str,
    level_since: String,
    /// The data in force: checked (or, on a simplified account, as
    /// registered); what tokens, userinfo and portals get.
    in_force: Vec<Line>,
    checked: bool,
    /// The newest check was refused: the form holds what it refused.
    refused: bool,
    banner: Vec<String>,
    errors: Vec<String>,
    pending: bool,
    fields: Vec<ProfileInput>,
    /// The phone and e-mail the account was registered with.
    contacts: String,
}

fn level_name(level: AccountLevel) -> &'static str {
    match level {
        AccountLevel::Simplified => "упрощённая",
        AccountLevel::Standard => "стандартная",
        AccountLevel::Confirmed => "подтверждённая",
    }
}

/// The stored value of a field.
fn stored(profile: &Profile, field: ProfileField) -> String {
    use ProfileField as F;
    let passport = profile.passport.clone().unwrap_or_default();
    match field {
        F::LastName => profile.family_name.clone(),
        F::FirstName => profile.given_name.clone(),
        F::MiddleName => profile.middle_name.clone().unwrap_or_default(),
        F::Gender => profile.gender.clone().unwrap_or_default(),
        F::Birthdate => profile.birthdate.clone().unwrap_or_default(),
        F::Birthplace => profile.birthplace.clone().unwrap_or_default(),
        F::Snils => profile.snils.clone().unwrap_or_default(),
        F::PassportSeries => passport.series,
        F::PassportNumber => passport.number,
        F::PassportIssued => passport.issued_on,
        F::PassportIssuer => passport.issuer,
        F::PassportIssuerCode => passport.issuer_code,
        F::Inn => profile.inn.clone().unwrap_or_default(),
    }
}

/// A field of the data in force as the person reads it.
fn shown_value(profile: &Profile, field: ProfileField) -> String {
    let value = stored(profile, field);
    match field {
        ProfileField::Gender => match value.as_str() {
            "male" => "мужской".into(),
            "female" => "женский".into(),
            _ => value,
        },
        ProfileField::Birthdate | ProfileField::PassportIssued => {
            chrono::NaiveDate::parse_from_str(&value, "%Y-%m-%d")
                .map(|d| d.format("%d.%m.%Y").to_string())
                .unwrap_or(value)
        }
        _ => value,
    }
}

/// The «побудительный баннер»: where the account stands, what the next
/// level gives and how to get it.
fn banner(level: AccountLevel, latest: Option<&Verification>) -> Vec<String> {
    let mut lines = Vec::new();
    match latest.map(|v| (v.status, v)) {
        Some((VerificationStatus::Pending, _)) => lines.push(
            "Данные отправлены на проверку в государственные реестры. Пока идёт проверка, действуют прежние данные, а новые нельзя изменить; результат придёт сообщением и появится здесь.".into(),
        ),
        Some((VerificationStatus::Failed, v)) => lines.push(format!(
            "Проверка не пройдена: {}. Действуют прежние данные. Исправьте данные и отправьте их на проверку ещё раз.",
            v.mismatches.join("; ")
        )),
        Some((VerificationStatus::Passed, _)) if level == AccountLevel::Standard => lines.push(
            "Проверка пройдена: учётная запись стандартная. Порталы увидят новый уровень после нового входа.".into(),
        ),
        _ => {}
    }
    match level {
        AccountLevel::Simplified => lines.push(
            "Стандартная учётная запись открывает большинство услуг, например запись к врачу. Заполните СНИЛС и паспорт и отправьте данные на проверку.".into(),
        ),
        AccountLevel::Standard => lines.push(
            "Подтверждённая учётная запись открывает все услуги: медицинские документы, кабинет организации. Подтвердите личность в центре обслуживания с паспортом, кодом из заказного письма или электронной подписью.".into(),
        ),
        AccountLevel::Confirmed => {}
    }
    lines
}

async fn profile_page(
    app: &AppState,
    req: &HttpRequest,
    account_id: &str,
    status: StatusCode,
    typed: Option<&Params>,
    errors: &[(ProfileField, Invalid)],
    id: &RequestId,
) -> HttpResponse {
    let t = texts(req, None);
    let (Ok(Some(account)), Ok(Some(profile)), Ok(latest)) = (
        app.sql.account(account_id).await,
        app.sql.profile(account_id).await,
        app.sql.latest_verification(account_id).await,
    ) else {
        return problem(t, id, Problem::Unavailable);
    };
    let check = latest.as_ref().map(|v| v.status);
    let pending = check == Some(VerificationStatus::Pending);
    let refused = check == Some(VerificationStatus::Failed);
    // The form holds the edit being checked or refused, else the data in
    // force.
    let shown = match &latest {
        Some(v) if pending || refused => &v.data,
        _ => &profile,
    };
    let in_force = ProfileField::ALL
        .into_iter()
        .map(|f| Line {
            label: f.label(),
            value: shown_value(&profile, f),
        })
        .filter(|line| !line.value.is_empty())
        .collect();
    let fields = ProfileField::ALL
        .into_iter()
        .map(|f| ProfileInput {
            name: f.name(),
            label: f.label(),
            value: match typed {
                Some(params) => params
                    .get(f.name())
                    .ok()
                    .flatten()
                    .unwrap_or_default()
                    .to_owned(),
                None => stored(shown, f),
            },
            optional: matches!(f, ProfileField::MiddleName | ProfileField::Inn),
            date: matches!(f, ProfileField::Birthdate | ProfileField::PassportIssued),
            invalid: errors.iter().any(|(e, _)| *e == f),
        })
        .collect();
    let (csrf, cookie) = csrf_token(app, req);
    let page = ProfilePage {
        t,
        csrf: &csrf,
        level: level_name(account.level),
        level_since: profile_date(account.level_since),
        in_force,
        checked: account.level >= AccountLevel::Standard,
        refused,
        banner: banner(account.level, latest.as_ref()),
        errors: errors
            .iter()
            .map(|(f, why)| format!("«{}»: {why}", f.label()))
            .collect(),
        pending,
        fields,
        contacts: [account.phone.as_deref(), account.email.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", "),
    };
    with_cookie(html(status, &page), cookie)
}

pub async fn profile(
    app: web::Data<AppState>,
    req: HttpRequest,
    SessionUser(session): SessionUser,
    id: RequestId,
) -> HttpResponse {
    profile_page(
        &app,
        &req,
        &session.auth.account_id,
        StatusCode::OK,
        None,
        &[],
        &id,
    )
    .await
}

pub async fn update_profile(
    app: web::Data<AppState>,
    req: HttpRequest,
    SessionUser(session): SessionUser,
    CsrfForm(params): CsrfForm,
    id: RequestId,
) -> HttpResponse {
    let account_id = &session.auth.account_id;
    let t = texts(&req, None);
    if params.get("action").ok().flatten() == Some("edit") {
        return match profile::edit(&app, account_id).await {
            Ok(()) => see_other(paths::ACCOUNT),
            Err(_) => problem(t, &id, Problem::Unavailable),
        };
    }
    let form = |f: ProfileField| params.get(f.name()).ok().flatten().unwrap_or_default();
    let today = profile::today(app.now());
    match profile::submit(&app, account_id, &form, today).await {
        Ok(_) => see_other(paths::ACCOUNT),
        Err(ProfileError::Invalid(errors)) => {
            profile_page(
                &app,
                &req,
                account_id,
                StatusCode::BAD_REQUEST,
                Some(&params),
                &errors,
                &id,
            )
            .await
        }
        Err(ProfileError::Pending) => {
            let errors = [(ProfileField::LastName, Invalid::ReadOnly)];
            profile_page(
                &app,
                &req,
                account_id,
                StatusCode::CONFLICT,
                None,
                &errors,
                &id,
            )
            .await
        }
        Err(ProfileError::Taken) => {
            let errors = [(ProfileField::Snils, Invalid::Taken)];
            profile_page(
                &app,
                &req,
                account_id,
                StatusCode::CONFLICT,
                Some(&params),
                &errors,
                &id,
            )
            .await
        }
        Err(ProfileError::Store(_)) => problem(t, &id, Problem::Unavailable),
    }
}

#[derive(Template)]
#[template(path = "confirm.html")]
struct ConfirmPage<'a> {
    t: &'static Texts,
    csrf: &'a str,
    standard: bool,
    /// Series and number of the passport on file, partly hidden.
    passport: Option<String>,
    /// When the letter with a live code was sent.
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
    app: &AppState,
    req: &HttpRequest,
    account_id: &str,
    status: StatusCode,
    notice: Option<&str>,
    error: Option<(&str, String)>,
    id: &RequestId,
) -> HttpResponse {
    let t = texts(req, None);
    let (Ok(Some(account)), Ok(Some(profile)), Ok(code)) = (
        app.sql.account(account_id).await,
        app.sql.profile(account_id).await,
        app.sql.postal_code(account_id).await,
    ) else {
        return problem(t, id, Problem::Unavailable);
    };
    let now = app.now();
    let code = code.filter(|c| c.expires_at > now && c.tries_left > 0);
    let challenge = match (&app.esign, account.level) {
        (Some(_), AccountLevel::Standard) => {
            match confirmation::signature_challenge(app, account_id).await {
                Ok(challenge) => Some(challenge),
                Err(_) => return problem(t, id, Problem::Unavailable),
            }
        }
        _ => None,
    };
    let (csrf, cookie) = csrf_token(app, req);
    let (field, error) = match error {
        Some((field, message)) => (field, Some(message)),
        None => ("", None),
    };
    let page = ConfirmPage {
        t,
        csrf: &csrf,
        standard: account.level == AccountLevel::Standard,
        passport: profile.passport.map(|p| {
            format!(
                "{} ****{}",
                p.series,
                &p.number[p.number.len().saturating_sub(2)..]
            )
        }),
        letter: code.as_ref().map(|c| profile_date(c.ordered_at)),
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

fn profile_date(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .map(|d| d.format("%d.%m.%Y").to_string())
        .unwrap_or_default()
}

pub async fn confirm_form(
    app: web::Data<AppState>,
    req: HttpRequest,
    SessionUser(session): SessionUser,
    id: RequestId,
) -> HttpResponse {
    confirm_page(
        &app,
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
    app: web::Data<AppState>,
    req: HttpRequest,
    SessionUser(session): SessionUser,
    CsrfForm(params): CsrfForm,
    id: RequestId,
) -> HttpResponse {
    let account_id = &session.auth.account_id;
    let t = texts(&req, None);
    let Ok(Some(account)) = app.sql.account(account_id).await else {
        return problem(t, &id, Problem::Unavailable);
    };
    let now = app.now();
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
                &app.sql,
                &app.audit,
                &account,
                &address,
                confirmation::letters_limit(&app.config),
                now,
            )
            .await;
            (
                ordered,
                "Заказное письмо с кодом отправлено. Когда оно придёт, введите код ниже.",
                "address",
            )
        }
        Some("code") => {
            let entered = confirmation::enter_postal_code(
                &app.sql,
                &app.audit,
                &account,
                &field("code"),
                now,
            )
            .await;
            if entered.is_ok() {
                app.wake_jobs();
                return see_other(&format!("{}?confirmed=1", paths::ACCOUNT));
            }
            (entered, "", "code")
        }
        Some("signature") => {
            let signed = confirmation::by_signature(
                &app,
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
    app.wake_jobs();
    match outcome {
        Ok(()) => {
            confirm_page(
                &app,
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
        Err(ConfirmError::TooManyLetters { retry_at }) => {
            let wait = (retry_at - now).max(1);
            let message = format!(
                "«Почтовый адрес с индексом»: писем с кодом заказано слишком много. {}",
                super::try_again(&crate::http::i18n::RU, wait)
            );
            let status = StatusCode::TOO_MANY_REQUESTS;
            let error = Some((field_name, message));
            let page = confirm_page(&app, &req, account_id, status, None, error, &id).await;
            super::retry_after(page, wait)
        }
        Err(e) => {
            let message = match e {
                ConfirmError::WrongCode(left) => {
                    format!("«Код из письма»: неверный код, осталось попыток: {left}.")
                }
                ConfirmError::CodeSpent => {
                    "«Код из письма»: код введён неверно слишком много раз. Закажите новое письмо."
                        .into()
                }
                ConfirmError::NoCode => {
                    "«Код из письма»: код не заказан или истёк. Закажите новое письмо.".into()
                }
                ConfirmError::NotStandard(_) => {
                    "Подтвердить личность можно только для стандартной учётной записи.".into()
                }
                ConfirmError::Address => {
                    "«Почтовый адрес с индексом»: укажите индекс, город, улицу, дом и квартиру"
                        .into()
                }
                ConfirmError::Certificate(reason) => format!("Неверный сертификат: {reason}."),
                ConfirmError::NoChallenge => {
                    "Запрос для подписи устарел: подпишите новый запрос ниже.".into()
                }
                ConfirmError::SignatureOff => {
                    "Подтверждение электронной подписью на этом сервере не настроено.".into()
                }
                other => other.to_string(),
            };
            confirm_page(
                &app,
                &req,
                account_id,
                StatusCode::BAD_REQUEST,
                None,
                Some((field_name, message)),
                &id,
            )
            .await
        }
    }
}
