//! «Организации»: the person's organizations and the invitations waiting for them, accepting
//! one, and registering an organization with its qualified certificate.
//! One organization's own pages are in `org`. The rules are `crate::orgs`'s.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{html, problem, see_other, texts, with_cookie, with_own_scripts};
use crate::ctx::Ctx;
use crate::dates;
use crate::http::RequestId;
use crate::http::extract::{CsrfForm, SessionAccount, csrf_token};
use crate::http::i18n::Texts;
use crate::http::i18n::{Piece, roles};
use crate::model::{Account, AccountLevel, ChangedBy, OrgKind};
use crate::oidc::Params;
use crate::oidc::authorize::Problem;
use crate::orgs::registration::{self, Application, Signed};
use crate::orgs::{OrgError, OrgField, Orgs, invitations};
use crate::paths;

/// The status of a refusal and what the page says, one line per wrong
/// field; `None` for a store failure (the page says the service is
/// unavailable).
pub(super) fn refusal(t: &Texts, e: &OrgError) -> Option<(StatusCode, Vec<String>)> {
    use StatusCode as S;
    let status = match e {
        OrgError::NotFound | OrgError::NotMember => S::NOT_FOUND,
        OrgError::Forbidden(_) | OrgError::NotAddressee | OrgError::NotConfirmed => S::FORBIDDEN,
        OrgError::Invalid(_)
        | OrgError::Certificate(_)
        | OrgError::Mismatch(_)
        | OrgError::NoChallenge => S::BAD_REQUEST,
        OrgError::LastAdmin | OrgError::AlreadyMember | OrgError::Exists => S::CONFLICT,
        OrgError::InvitationGone => S::GONE,
        OrgError::SignatureOff => S::SERVICE_UNAVAILABLE,
        OrgError::Store(_) => return None,
    };
    Some((status, (t.say.org_error)(e)))
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
    by: Vec<Piece>,
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
            roles: roles(t, &membership.roles),
        })
        .collect();
    let invitations = waiting
        .into_iter()
        .map(|(invitation, org)| MyInvitation {
            roles: roles(t, &invitation.roles),
            expires: dates::date_time(invitation.expires_at, t.lang),
            by: (t.say.changed_by)(&ChangedBy::read(&invitation.invited_by)),
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
        Err(e) => match refusal(t, &e) {
            Some((status, lines)) => {
                orgs_page(&ctx, &req, &id, &account, status, Some(lines.join(" "))).await
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
    /// Whom the certificate kept from the refused submission names (its
    /// signature still answers the challenge), with what was sent.
    chosen: Option<String>,
    certificate_value: &'a str,
    signature_value: &'a str,
    errors: Vec<String>,
}

/// The certificate's holder as the form names it: the person, then the
/// organization and its OGRN (OGRNIP).
fn holder(t: &Texts, subject: &esign::CertifiedSubject) -> String {
    let person = match (&subject.surname, &subject.given_names) {
        (Some(surname), Some(given)) => Some(format!("{surname} {given}")),
        _ => subject.common_name.clone(),
    };
    let ogrn = match (&subject.ogrn, &subject.ogrnip) {
        (Some(ogrn), _) => Some(format!(
            "{} {ogrn}",
            (t.say.ogrn_name)(OrgKind::LegalEntity)
        )),
        (None, Some(ogrnip)) => Some(format!(
            "{} {ogrnip}",
            (t.say.ogrn_name)(OrgKind::Entrepreneur)
        )),
        (None, None) => None,
    };
    [person, subject.organization.clone(), ogrn]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ")
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
        Some(OrgError::Certificate(_) | OrgError::Mismatch(_) | OrgError::NoChallenge) => {
            vec![OrgField::Certificate]
        }
        Some(OrgError::Exists) => vec![OrgField::Ogrn],
        _ => Vec::new(),
    };
    let errors = error
        .and_then(|e| refusal(t, e))
        .map(|(_, lines)| lines)
        .unwrap_or_default();
    let typed_value = |name| typed.map(|p| field(p, name)).unwrap_or_default();
    let signed = Signed {
        certificate_pem: typed_value("certificate"),
        signature: typed_value("signature"),
    };
    // A certificate that was itself the problem is not kept.
    let chosen = match error {
        _ if signed.certificate_pem.is_empty() || signed.signature.is_empty() => None,
        Some(OrgError::Certificate(_) | OrgError::NoChallenge) => None,
        _ => registration::carried(ctx, &account.id, signed).await,
    };
    let (certificate_value, signature_value) = match chosen {
        Some(_) => (signed.certificate_pem, signed.signature),
        None => ("", ""),
    };
    let fields = TEXT_FIELDS
        .into_iter()
        .map(|f| Input {
            name: f.name(),
            label: (t.say.org_field)(f),
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
        chosen: chosen.map(|subject| holder(t, &subject)),
        certificate_value,
        signature_value,
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
        Err(e) => match refusal(t, &e) {
            Some((status, _)) => {
                new_page(&ctx, &req, &id, &account, status, Some(&params), Some(&e)).await
            }
            None => problem(t, &id, Problem::Unavailable),
        },
    }
}
