//! «Организации» (Russian only, like the other account pages): the
//! person's organizations and the invitations waiting for them, accepting
//! one, and registering an organization with its qualified certificate.
//! One organization's own pages are in `org`. The rules are `crate::orgs`'s.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{html, problem, see_other, texts, with_cookie, with_own_scripts};
use crate::ctx::Ctx;
use crate::http::RequestId;
use crate::http::extract::{CsrfForm, SessionAccount, csrf_token};
use crate::http::i18n::Texts;
use crate::login::guard::clock_time;
use crate::model::{Account, AccountLevel, Roles};
use crate::oidc::Params;
use crate::oidc::authorize::Problem;
use crate::orgs::registration::{self, Application, Signed};
use crate::orgs::{OrgError, OrgField, Orgs, invitations};
use crate::paths;

/// Roles in Russian, for a page.
pub(super) fn roles_ru(roles: &Roles) -> String {
    roles
        .iter()
        .map(|r| r.title_ru())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The status and the Russian message of a refusal; `None` for a store
/// failure (the page says the service is unavailable).
pub(super) fn refusal(e: &OrgError) -> Option<(StatusCode, String)> {
    use StatusCode as S;
    Some(match e {
        OrgError::NotFound => (
            S::NOT_FOUND,
            "Организация не найдена, или вы в ней не работаете.".into(),
        ),
        OrgError::Forbidden(role) => (
            S::FORBIDDEN,
            format!(
                "Это может сделать только {} организации.",
                role.title_ru()
            ),
        ),
        OrgError::Invalid(errors) => (
            S::BAD_REQUEST,
            errors
                .iter()
                .map(|(field, why)| format!("«{}»: {why}.", field.label()))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        OrgError::NotMember => (
            S::NOT_FOUND,
            "Этот человек не работает в организации.".into(),
        ),
        OrgError::LastAdmin => (
            S::CONFLICT,
            "В организации должен остаться хотя бы один администратор: сначала назначьте администратором другого сотрудника.".into(),
        ),
        OrgError::AlreadyMember => (
            S::CONFLICT,
            "Вы уже сотрудник этой организации.".into(),
        ),
        OrgError::InvitationGone => (
            S::GONE,
            "Приглашение уже принято, истекло или не найдено. Попросите администратора организации пригласить вас снова.".into(),
        ),
        OrgError::NotAddressee => (
            S::FORBIDDEN,
            "Приглашение адресовано другому человеку: принять его может только тот, чьи телефон, электронная почта или СНИЛС в нём указаны.".into(),
        ),
        OrgError::NotConfirmed => (
            S::FORBIDDEN,
            "Зарегистрировать организацию может только руководитель с подтверждённой учётной записью: сначала подтвердите личность.".into(),
        ),
        OrgError::Certificate(reason) => (
            S::BAD_REQUEST,
            format!("«Сертификат»: неверный сертификат: {reason}."),
        ),
        OrgError::NoChallenge => (
            S::BAD_REQUEST,
            "Запрос для подписи устарел: подпишите новый запрос ниже.".into(),
        ),
        OrgError::SignatureOff => (
            S::SERVICE_UNAVAILABLE,
            "Регистрация организаций на этом сервере не настроена: нет доверенных удостоверяющих центров.".into(),
        ),
        OrgError::Exists => (
            S::CONFLICT,
            "«ОГРН или ОГРНИП»: организация с этим ОГРН уже зарегистрирована.".into(),
        ),
        OrgError::Store(_) => return None,
    })
}

/// A form field's value, `""` when absent.
pub(super) fn field<'a>(params: &'a Params, name: &str) -> &'a str {
    params.get(name).ok().flatten().unwrap_or_default()
}

struct MyOrg {
    id: String,
    name: String,
    roles: String,
}

struct MyInvitation {
    id: String,
    org: String,
    roles: String,
    by: String,
    expires: String,
}

#[derive(Template)]
#[template(path = "orgs.html")]
struct OrgsPage<'a> {
    t: &'static Texts,
    csrf: &'a str,
    orgs: Vec<MyOrg>,
    invitations: Vec<MyInvitation>,
    notice: Option<&'a str>,
    error: Option<String>,
}

async fn orgs_page(
    ctx: &Ctx,
    req: &HttpRequest,
    id: &RequestId,
    account: &Account,
    status: StatusCode,
    error: Option<String>,
) -> HttpResponse {
    let t = texts(req, None);
    let (Ok(mine), Ok(waiting)) = (
        Orgs::node(ctx).mine(&account.id).await,
        invitations::for_person(ctx, account).await,
    ) else {
        return problem(t, id, Problem::Unavailable);
    };
    let orgs = mine
        .into_iter()
        .map(|(org, membership)| MyOrg {
            id: org.id,
            name: org.short_name,
            roles: roles_ru(&membership.roles),
        })
        .collect();
    let invitations = waiting
        .into_iter()
        .map(|(invitation, org)| MyInvitation {
            roles: roles_ru(&invitation.roles),
            expires: clock_time(invitation.expires_at),
            by: invitation.invited_by,
            id: invitation.id,
            org: org.short_name,
        })
        .collect();
    let (csrf, cookie) = csrf_token(ctx, req);
    let page = OrgsPage {
        t,
        csrf: &csrf,
        orgs,
        invitations,
        notice: None,
        error,
    };
    with_cookie(html(status, &page), cookie)
}

pub async fn list(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    SessionAccount(account): SessionAccount,
    id: RequestId,
) -> HttpResponse {
    orgs_page(&ctx, &req, &id, &account, StatusCode::OK, None).await
}

/// Accepts the invitation `invitation`; on success, the organization's page.
pub async fn accept(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    CsrfForm(params): CsrfForm,
    SessionAccount(account): SessionAccount,
    id: RequestId,
) -> HttpResponse {
    let t = texts(&req, None);
    match invitations::accept(&ctx, &account, field(&params, "invitation")).await {
        Ok(org) => see_other(&format!(
            "{}?joined=1",
            paths::org_path(paths::ORG, &org.id)
        )),
        Err(e) => match refusal(&e) {
            Some((status, message)) => {
                orgs_page(&ctx, &req, &id, &account, status, Some(message)).await
            }
            None => problem(t, &id, Problem::Unavailable),
        },
    }
}

/// One text field of the registration form.
struct Input {
    name: &'static str,
    label: &'static str,
    value: String,
    invalid: bool,
}

#[derive(Template)]
#[template(path = "org_new.html")]
struct NewOrgPage<'a> {
    t: &'static Texts,
    csrf: &'a str,
    confirmed: bool,
    /// What to sign; `None` when no CA is trusted.
    challenge: Option<String>,
    kind: &'a str,
    kind_invalid: bool,
    fields: Vec<Input>,
    medical: bool,
    certificate_invalid: bool,
    errors: Vec<String>,
}

const TEXT_FIELDS: [OrgField; 7] = [
    OrgField::FullName,
    OrgField::ShortName,
    OrgField::Ogrn,
    OrgField::Inn,
    OrgField::Kpp,
    OrgField::LegalAddress,
    OrgField::ActualAddress,
];

async fn new_page(
    ctx: &Ctx,
    req: &HttpRequest,
    id: &RequestId,
    account: &Account,
    status: StatusCode,
    typed: Option<&Params>,
    error: Option<&OrgError>,
) -> HttpResponse {
    let t = texts(req, None);
    let confirmed = account.level == AccountLevel::Confirmed;
    let challenge = match (&ctx.esign, confirmed) {
        (Some(_), true) => match registration::challenge(ctx, &account.id).await {
            Ok(challenge) => Some(challenge),
            Err(_) => return problem(t, id, Problem::Unavailable),
        },
        _ => None,
    };
    let invalid: Vec<OrgField> = match error {
        Some(OrgError::Invalid(errors)) => errors.iter().map(|(f, _)| *f).collect(),
        Some(OrgError::Certificate(_) | OrgError::NoChallenge) => vec![OrgField::Certificate],
        Some(OrgError::Exists) => vec![OrgField::Ogrn],
        _ => Vec::new(),
    };
    let errors = match error.and_then(refusal) {
        Some((_, message)) => match error {
            // One line per wrong field.
            Some(OrgError::Invalid(errors)) => errors
                .iter()
                .map(|(field, why)| format!("«{}»: {why}.", field.label()))
                .collect(),
            _ => vec![message],
        },
        None => Vec::new(),
    };
    let typed_value = |name| typed.map(|p| field(p, name)).unwrap_or_default();
    let fields = TEXT_FIELDS
        .into_iter()
        .map(|f| Input {
            name: f.name(),
            label: f.label(),
            value: typed_value(f.name()).to_owned(),
            invalid: invalid.contains(&f),
        })
        .collect();
    let (csrf, cookie) = csrf_token(ctx, req);
    let page = NewOrgPage {
        t,
        csrf: &csrf,
        confirmed,
        challenge,
        kind: typed.map_or("legal_entity", |p| field(p, "kind")),
        kind_invalid: invalid.contains(&OrgField::Kind),
        fields,
        medical: !typed_value("medical").is_empty(),
        certificate_invalid: invalid.contains(&OrgField::Certificate),
        errors,
    };
    with_own_scripts(with_cookie(html(status, &page), cookie))
}

pub async fn new_form(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    SessionAccount(account): SessionAccount,
    id: RequestId,
) -> HttpResponse {
    new_page(&ctx, &req, &id, &account, StatusCode::OK, None, None).await
}

pub async fn register(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    CsrfForm(params): CsrfForm,
    SessionAccount(account): SessionAccount,
    id: RequestId,
) -> HttpResponse {
    let t = texts(&req, None);
    let form = Application {
        kind: field(&params, "kind"),
        full_name: field(&params, "full_name"),
        short_name: field(&params, "short_name"),
        ogrn: field(&params, "ogrn"),
        inn: field(&params, "inn"),
        kpp: field(&params, "kpp"),
        legal_address: field(&params, "legal_address"),
        actual_address: field(&params, "actual_address"),
        medical: !field(&params, "medical").is_empty(),
    };
    let signed = Signed {
        certificate_pem: field(&params, "certificate"),
        signature: field(&params, "signature"),
    };
    match registration::register(&ctx, &account, &form, signed).await {
        Ok(org) => see_other(&format!(
            "{}?registered=1",
            paths::org_path(paths::ORG, &org.id)
        )),
        Err(e) => match refusal(&e) {
            Some((status, _)) => {
                new_page(&ctx, &req, &id, &account, status, Some(&params), Some(&e)).await
            }
            None => problem(t, &id, Problem::Unavailable),
        },
    }
}
