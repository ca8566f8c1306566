//! The person's own pages: «Мои данные» and the check that makes an account
//! standard; consents given to portals, and withdrawing them.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{html, problem, see_other, texts, with_cookie};
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

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage<'a> {
    t: &'static Texts,
    csrf: &'a str,
    level: &'static str,
    banner: Vec<String>,
    errors: Vec<String>,
    pending: bool,
    fields: Vec<ProfileInput>,
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

/// The «побудительный баннер»: where the account stands, what the next
/// level gives and how to get it.
fn banner(level: AccountLevel, latest: Option<&Verification>) -> Vec<String> {
    let mut lines = Vec::new();
    match latest.map(|v| (v.status, v)) {
        Some((VerificationStatus::Pending, _)) => lines.push(
            "Данные отправлены на проверку в государственные реестры. Пока идёт проверка, их нельзя изменить; результат придёт сообщением и появится здесь.".into(),
        ),
        Some((VerificationStatus::Failed, v)) => lines.push(format!(
            "Проверка не пройдена: {}. Исправьте данные и отправьте их на проверку ещё раз.",
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
    let pending = latest
        .as_ref()
        .is_some_and(|v| v.status == VerificationStatus::Pending);
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
                None => stored(&profile, f),
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
        banner: banner(account.level, latest.as_ref()),
        errors: errors
            .iter()
            .map(|(f, why)| format!("«{}»: {why}", f.label()))
            .collect(),
        pending,
        fields,
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
