//! One organization's pages (`/orgs/{org}`): its data and employees as the
//! viewer's roles there allow, and for its admins inviting, changing roles,
//! removing employees and reading the journal. Every form names the
//! organization in its path; what the viewer may do there is decided by
//! `crate::orgs` from the viewer's membership in that very organization.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::orgs::{field, refusal};
use super::{html, problem, see_other, texts, with_cookie};
use crate::ctx::Ctx;
use crate::dates;
use crate::http::RequestId;
use crate::http::extract::{CsrfForm, RequestParams, SessionAccount, csrf_token};
use crate::http::i18n::Texts;
use crate::http::i18n::{JournalEntry, Piece, roles};
use crate::model::{Account, ChangedBy, OrgEvent, Organization, Role, Roles, parse_roles};
use crate::oidc::Params;
use crate::oidc::authorize::Problem;
use crate::orgs::invitations::{self, NewInvitation};
use crate::orgs::{self, Actor, OrgError, OrgField, Orgs};
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
    ogrn_name: &'static str,
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
    notice: Option<Notice>,
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
                name: a.full_name(),
                roles: roles(t, &m.roles),
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
            roles: roles(t, &i.roles),
            expires: dates::date_time(i.expires_at, t.lang),
        })
        .collect();
    let (csrf, cookie) = csrf_token(ctx, req);
    let page = OrgPage {
        t,
        csrf: &csrf,
        kind: (t.say.org_kind)(view.org.kind),
        ogrn_name: (t.say.ogrn_name)(view.org.kind),
        org: view.org,
        my_roles: view.me.map(|m| roles(t, &m.roles)),
        members,
        invitations,
        manages: view.manages,
        notice: notice.map(|n| n.text(t)),
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
    match refusal(t, e) {
        Some((status, lines)) => {
            let message = lines.join(" ");
            let failure = super::Failure {
                status,
                title: t.error_title,
                portal: None,
                message: &message,
                hint: t.orgs.refused_hint,
                action: Some((paths::ORGS, t.nav_orgs)),
                back: None,
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
    match (&e, refusal(texts(req, None), &e)) {
        // Nothing of the organization may be shown: a stranger's page.
        (OrgError::NotFound, _) | (_, None) => refused_page(req, id, &e),
        (_, Some((status, lines))) => {
            let refused = Refused {
                status: Some(status),
                error: Some(lines.join(" ")),
                ..typed
            };
            org_page(ctx, req, id, account, org_id, None, refused).await
        }
    }
}

/// What a redirect to the organization's page asks it to say.
#[derive(Clone, Copy)]
enum Notice {
    Registered,
    Joined,
    Invited,
    Changed,
}

impl Notice {
    fn text(self, t: &'static Texts) -> &'static str {
        match self {
            Notice::Registered => t.orgs.registered,
            Notice::Joined => t.orgs.joined,
            Notice::Invited => t.orgs.invited,
            Notice::Changed => t.orgs.changed,
        }
    }
}

/// The notice a redirect to the organization's page asks for.
fn notice(params: &RequestParams) -> Option<Notice> {
    let params = params.0.as_ref().ok()?;
    let asked = |name| params.get(name).ok().flatten().is_some();
    [
        ("registered", Notice::Registered),
        ("joined", Notice::Joined),
        ("invited", Notice::Invited),
        ("changed", Notice::Changed),
    ]
    .into_iter()
    .find(|(name, _)| asked(name))
    .map(|(_, notice)| notice)
}

struct Line {
    at: String,
    actor: Vec<Piece>,
    text: Vec<Piece>,
}

#[derive(Template)]
#[template(path = "org_journal.html")]
struct JournalPage<'a> {
    t: &'static Texts,
    id: &'a str,
    name: String,
    items: Vec<Line>,
}

/// A journal entry as the page tells it, its roles in the page's words.
fn entry(t: &Texts, event: &OrgEvent) -> JournalEntry {
    use crate::audit::events as e;
    let d = &event.detail;
    let text = |key: &str| d[key].as_str().unwrap_or_default().to_owned();
    let roles_of = |key: &str| {
        parse_roles(d[key].as_str().unwrap_or_default()).map_or_else(String::new, |r| roles(t, &r))
    };
    match event.event.as_str() {
        e::ORG_REGISTERED => JournalEntry::Registered {
            head: text("head"),
            certificate: text("certificate"),
        },
        e::ORG_MEMBER_INVITED => JournalEntry::Invited {
            invitee: text("invitee"),
            roles: roles_of("roles"),
        },
        e::ORG_INVITATION_ACCEPTED => JournalEntry::Accepted {
            member: text("member"),
            roles: roles_of("roles"),
        },
        e::ORG_MEMBER_ADDED => JournalEntry::Added {
            member: text("member"),
            roles: roles_of("roles"),
        },
        e::ORG_ROLES_CHANGED => JournalEntry::RolesChanged {
            member: text("member"),
            before: roles_of("roles_before"),
            after: roles_of("roles"),
        },
        e::ORG_MEMBER_REMOVED => JournalEntry::Removed {
            member: text("member"),
            before: roles_of("roles_before"),
        },
        other => JournalEntry::Other(other.to_owned()),
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
                at: dates::date_time(e.at, t.lang),
                actor: (t.say.changed_by)(&ChangedBy::read(&e.actor)),
                text: (t.say.journal)(&entry(t, e)),
            })
            .collect(),
    };
    html(StatusCode::OK, &page)
}
