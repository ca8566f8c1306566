//! One organization's pages (`/orgs/{org}`): its data and employees as the
//! viewer's roles there allow, and for its admins inviting, changing roles,
//! removing employees and reading the journal. Every form names the
//! organization in its path; what the viewer may do there is decided by
//! `crate::orgs` from the viewer's membership in that very organization.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::orgs::{field, refusal, roles_ru};
use super::{html, problem, see_other, texts, with_cookie};
use crate::ctx::Ctx;
use crate::http::RequestId;
use crate::http::extract::{CsrfForm, RequestParams, SessionAccount, csrf_token};
use crate::http::i18n::Texts;
use crate::login::guard::clock_time;
use crate::model::{Account, OrgEvent, OrgKind, Organization, Role, Roles, parse_roles};
use crate::oidc::Params;
use crate::oidc::authorize::Problem;
use crate::orgs::invitations::{self, NewInvitation};
use crate::orgs::{self, Actor, OrgError, OrgField, Orgs, full_name};
use crate::paths;

struct Member {
    account: String,
    name: String,
    roles: String,
    admin: bool,
    manager: bool,
    specialist: bool,
    medical: String,
    specialty: String,
    position: String,
}

struct Pending {
    invitee: String,
    roles: String,
    expires: String,
}

#[derive(Template)]
#[template(path = "org.html")]
struct OrgPage<'a> {
    t: &'static Texts,
    csrf: &'a str,
    org: Organization,
    kind: &'static str,
    ogrn_label: &'static str,
    my_roles: Option<String>,
    members: Vec<Member>,
    invitations: Vec<Pending>,
    manages: bool,
    notice: Option<&'a str>,
    error: Option<String>,
    /// The invite form as typed, after a refusal.
    invitee: String,
    invitee_invalid: bool,
}

/// What a refused form brings back to the page.
#[derive(Default)]
struct Refused<'a> {
    status: Option<StatusCode>,
    error: Option<String>,
    invitee: &'a str,
    invitee_invalid: bool,
}

async fn org_page(
    ctx: &Ctx,
    req: &HttpRequest,
    id: &RequestId,
    account: &Account,
    org_id: &str,
    notice: Option<&str>,
    refused: Refused<'_>,
) -> HttpResponse {
    let t = texts(req, None);
    let view = match Orgs::node(ctx).view(Actor::Member(account), org_id).await {
        Ok(view) => view,
        Err(e) => return refused_page(req, id, &e),
    };
    let members = view
        .members
        .iter()
        .map(|(m, a)| {
            let worker = m.medical_worker.clone();
            Member {
                account: a.id.clone(),
                name: full_name(a),
                roles: roles_ru(&m.roles),
                admin: m.is(Role::Admin),
                manager: m.is(Role::Manager),
                specialist: m.is(Role::Specialist),
                medical: worker
                    .as_ref()
                    .map(|w| format!("{}, {}", w.position, w.specialty))
                    .unwrap_or_default(),
                specialty: worker
                    .as_ref()
                    .map(|w| w.specialty.clone())
                    .unwrap_or_default(),
                position: worker.map(|w| w.position).unwrap_or_default(),
            }
        })
        .collect();
    let invitations = view
        .invitations
        .iter()
        .map(|i| Pending {
            invitee: i.invitee.value().to_owned(),
            roles: roles_ru(&i.roles),
            expires: clock_time(i.expires_at),
        })
        .collect();
    let (csrf, cookie) = csrf_token(ctx, req);
    let page = OrgPage {
        t,
        csrf: &csrf,
        kind: view.org.kind.title_ru(),
        ogrn_label: match view.org.kind {
            OrgKind::LegalEntity => "ОГРН",
            OrgKind::Entrepreneur => "ОГРНИП",
        },
        org: view.org,
        my_roles: view.me.map(|m| roles_ru(&m.roles)),
        members,
        invitations,
        manages: view.manages,
        notice,
        error: refused.error,
        invitee: refused.invitee.to_owned(),
        invitee_invalid: refused.invitee_invalid,
    };
    with_cookie(
        html(refused.status.unwrap_or(StatusCode::OK), &page),
        cookie,
    )
}

/// A refusal that leaves nothing of the organization to show: the
/// person's organizations page with the reason.
fn refused_page(req: &HttpRequest, id: &RequestId, e: &OrgError) -> HttpResponse {
    let t = texts(req, None);
    match refusal(e) {
        Some((status, message)) => {
            let failure = super::Failure {
                status,
                title: t.error_title,
                message: &message,
                hint: "Откройте «Организации» и выберите организацию из списка.",
                back: Some(paths::ORGS.to_owned()),
                details: None,
            };
            super::error_page(t, id, failure)
        }
        None => problem(t, id, Problem::Unavailable),
    }
}

pub async fn show(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    path: web::Path<String>,
    params: RequestParams,
    SessionAccount(account): SessionAccount,
    id: RequestId,
) -> HttpResponse {
    let refused = Refused::default();
    org_page(&ctx, &req, &id, &account, &path, notice(&params), refused).await
}

/// The roles ticked in a form (`role_admin`, `role_manager`,
/// `role_specialist`).
fn ticked_roles(params: &Params) -> Roles {
    Role::ALL
        .into_iter()
        .filter(|r| !field(params, &format!("role_{}", r.as_str())).is_empty())
        .collect()
}

pub async fn invite(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    path: web::Path<String>,
    CsrfForm(params): CsrfForm,
    SessionAccount(account): SessionAccount,
    id: RequestId,
) -> HttpResponse {
    let new = NewInvitation {
        invitee: field(&params, "invitee"),
        roles: ticked_roles(&params),
        specialty: field(&params, "specialty"),
        position: field(&params, "position"),
    };
    let invitee = new.invitee;
    let done = invitations::invite(&ctx, Actor::Member(&account), &path, new)
        .await
        .map(|_| "invited");
    let invitee_invalid = matches!(&done, Err(OrgError::Invalid(errors))
        if errors.iter().any(|(f, _)| *f == OrgField::Invitee));
    let typed = Refused {
        invitee,
        invitee_invalid,
        ..Refused::default()
    };
    changed_or_refused(&ctx, &req, &id, &account, &path, done, typed).await
}

/// `action=roles` (with the ticked roles and, in a medical organization,
/// `specialty` and `position`) or `action=remove`, for the employee
/// `account`.
pub async fn members(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    path: web::Path<String>,
    CsrfForm(params): CsrfForm,
    SessionAccount(account): SessionAccount,
    id: RequestId,
) -> HttpResponse {
    let member = field(&params, "account");
    let orgs = Orgs::node(&ctx);
    let done = match field(&params, "action") {
        "remove" => orgs.remove(Actor::Member(&account), &path, member).await,
        _ => {
            let checked = orgs::checked_roles(ticked_roles(&params)).and_then(|roles| {
                let worker =
                    orgs::medical_worker(field(&params, "specialty"), field(&params, "position"))?;
                Ok((roles, worker))
            });
            match checked {
                Ok((roles, worker)) => {
                    orgs.set_roles(Actor::Member(&account), &path, member, roles, worker)
                        .await
                }
                Err(errors) => Err(OrgError::Invalid(errors)),
            }
        }
    };
    let done = done.map(|()| "changed");
    changed_or_refused(&ctx, &req, &id, &account, &path, done, Refused::default()).await
}

/// After a change: back to the organization's page with the notice
/// `?{done}=1` (a redirect, so a refresh does not repeat it), or the page
/// with the reason and what was typed.
async fn changed_or_refused(
    ctx: &Ctx,
    req: &HttpRequest,
    id: &RequestId,
    account: &Account,
    org_id: &str,
    done: Result<&str, OrgError>,
    typed: Refused<'_>,
) -> HttpResponse {
    let e = match done {
        Ok(done) => {
            return see_other(&format!("{}?{done}=1", paths::org_path(paths::ORG, org_id)));
        }
        Err(e) => e,
    };
    match (&e, refusal(&e)) {
        // Nothing of the organization may be shown: a stranger's page.
        (OrgError::NotFound, _) | (_, None) => refused_page(req, id, &e),
        (_, Some((status, message))) => {
            let refused = Refused {
                status: Some(status),
                error: Some(message),
                ..typed
            };
            org_page(ctx, req, id, account, org_id, None, refused).await
        }
    }
}

/// The notice a redirect to the organization's page asks for.
fn notice(params: &RequestParams) -> Option<&'static str> {
    let params = params.0.as_ref().ok()?;
    let asked = |name| params.get(name).ok().flatten().is_some();
    [
        (
            "registered",
            "Организация зарегистрирована. Вы её администратор: пригласите сотрудников.",
        ),
        (
            "joined",
            "Вы приняли приглашение и теперь сотрудник организации.",
        ),
        (
            "invited",
            "Приглашение отправлено. Человек примет его в разделе «Организации» после входа.",
        ),
        ("changed", "Изменения сохранены и записаны в журнал."),
    ]
    .into_iter()
    .find(|(name, _)| asked(name))
    .map(|(_, text)| text)
}

struct Line {
    at: String,
    actor: String,
    text: String,
}

#[derive(Template)]
#[template(path = "org_journal.html")]
struct JournalPage<'a> {
    t: &'static Texts,
    id: &'a str,
    name: String,
    items: Vec<Line>,
}

/// A journal entry in words.
fn describe(event: &OrgEvent) -> String {
    use crate::audit::events as e;
    let d = &event.detail;
    let text = |key: &str| d[key].as_str().unwrap_or_default().to_owned();
    let roles = |key: &str| {
        parse_roles(d[key].as_str().unwrap_or_default()).map_or_else(String::new, |r| roles_ru(&r))
    };
    match event.event.as_str() {
        e::ORG_REGISTERED => format!(
            "организация зарегистрирована, руководитель {}, сертификат {}",
            text("head"),
            text("certificate")
        ),
        e::ORG_MEMBER_INVITED => format!(
            "приглашение для {}, роли: {}",
            text("invitee"),
            roles("roles")
        ),
        e::ORG_INVITATION_ACCEPTED => format!(
            "{} принял(а) приглашение, роли: {}",
            text("member"),
            roles("roles")
        ),
        e::ORG_MEMBER_ADDED => format!("{} добавлен(а), роли: {}", text("member"), roles("roles")),
        e::ORG_ROLES_CHANGED => format!(
            "{}: роли «{}» заменены на «{}»",
            text("member"),
            roles("roles_before"),
            roles("roles")
        ),
        e::ORG_MEMBER_REMOVED => format!(
            "{} удалён(а) из сотрудников (роли были: {})",
            text("member"),
            roles("roles_before")
        ),
        other => other.to_owned(),
    }
}

pub async fn journal(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    path: web::Path<String>,
    SessionAccount(account): SessionAccount,
    id: RequestId,
) -> HttpResponse {
    let t = texts(&req, None);
    let orgs = Orgs::node(&ctx);
    let (org, entries) = match orgs.journal(Actor::Member(&account), &path).await {
        Ok(found) => found,
        Err(e) => return refused_page(&req, &id, &e),
    };
    let page = JournalPage {
        t,
        id: &org.id,
        name: org.short_name.clone(),
        items: entries
            .iter()
            .map(|e| Line {
                at: clock_time(e.at),
                actor: e.actor.clone(),
                text: describe(e),
            })
            .collect(),
    };
    html(StatusCode::OK, &page)
}
