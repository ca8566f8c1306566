//! Organizations: registration by the head with the organization's
//! qualified certificate ([`registration`]), employees and their roles,
//! invitations ([`invitations`]), each organization's own journal, and what
//! tokens say of it all ([`claims`]).
//!
//! A role means something only in the organization whose membership row
//! carries it: every check reads the actor's membership in *that*
//! organization, so an admin of one organization can do nothing in another
//! (no flat roles across organizations). `admin` changes everything,
//! `manager` sees the staff, `specialist` sees only their own membership.
//! An organization always keeps an admin: the change that would remove or
//! demote the last one is refused. The rules are pure functions in
//! [`rules`]; the store runs the one on employees inside its transaction. Every change goes to the
//! organization's journal (in the same transaction) and to the
//! tamper-evident audit journal.

pub mod claims;
pub mod invitations;
pub mod registration;
pub mod rules;
#[cfg(test)]
mod tests;

use serde_json::json;

use crate::audit::{Audit, Entry, events};
use crate::clock::UnixTime;
use crate::ctx::Ctx;
use crate::identifiers::{self, Invalid};
use crate::model::{
    Account, ChangedBy, Invitation, MedicalWorker, MemberChange, Membership, OrgEvent, OrgKind,
    Organization, Role, Roles, roles_text,
};
use crate::store::{SqlStore, StoreError};
use rules::{Refusal, Sees};

/// How many journal entries the organization's page shows.
pub const JOURNAL_PAGE: i64 = 200;

/// Who acts on an organization.
#[derive(Debug, Clone, Copy)]
pub enum Actor<'a> {
    /// A person through the pages: allowed what their roles in this very
    /// organization allow.
    Member(&'a Account),
    /// Support with the admin CLI: allowed everything, journaled by name.
    Operator(&'a str),
}

impl Actor<'_> {
    /// How the journal names the actor (its stored form).
    pub fn name(&self) -> String {
        match self {
            Actor::Member(account) => ChangedBy::Person(account.full_name()),
            Actor::Operator(name) => ChangedBy::Operator((*name).to_owned()),
        }
        .stored()
    }

    fn account_id(&self) -> Option<&str> {
        match self {
            Actor::Member(account) => Some(&account.id),
            Actor::Operator(_) => None,
        }
    }
}

/// A field of the organization forms; errors name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgField {
    Kind,
    FullName,
    ShortName,
    Ogrn,
    Inn,
    Kpp,
    LegalAddress,
    ActualAddress,
    Certificate,
    Invitee,
    Roles,
    Specialty,
    Position,
}

impl OrgField {
    /// The form field's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Kind => "kind",
            Self::FullName => "full_name",
            Self::ShortName => "short_name",
            Self::Ogrn => "ogrn",
            Self::Inn => "inn",
            Self::Kpp => "kpp",
            Self::LegalAddress => "legal_address",
            Self::ActualAddress => "actual_address",
            Self::Certificate => "certificate",
            Self::Invitee => "invitee",
            Self::Roles => "roles",
            Self::Specialty => "specialty",
            Self::Position => "position",
        }
    }
}

/// Why something about an organization was refused.
#[derive(Debug, thiserror::Error)]
pub enum OrgError {
    /// No such organization, or the person does not work there (a
    /// stranger learns nothing of it).
    #[error("no such organization")]
    NotFound,
    /// The actor's roles in this organization do not allow it.
    #[error("this needs the role `{0:?}` in this organization")]
    Forbidden(Role),
    #[error("invalid fields: {0:?}")]
    Invalid(Vec<(OrgField, Invalid)>),
    /// The person is not an employee of this organization.
    #[error("not an employee of this organization")]
    NotMember,
    #[error("the organization would be left without an admin")]
    LastAdmin,
    #[error("already an employee of this organization")]
    AlreadyMember,
    /// The invitation was accepted before, expired, or never existed.
    #[error("the invitation is used, expired or unknown")]
    InvitationGone,
    /// The invitation is for someone else.
    #[error("the invitation is addressed to someone else")]
    NotAddressee,
    /// Only a confirmed account may register an organization.
    #[error("only a confirmed account may register an organization")]
    NotConfirmed,
    /// The certificate or the signature is not valid or not trusted.
    #[error("wrong certificate: {0}")]
    Certificate(esign::CertError),
    /// A valid certificate that does not vouch for this application.
    #[error("the certificate does not vouch for the application: {0:?}")]
    Mismatch(OrgMismatch),
    /// No live challenge: it expired or was used.
    #[error("the challenge expired or was used")]
    NoChallenge,
    /// No trusted CAs are configured.
    #[error("signatures are not configured")]
    SignatureOff,
    /// An organization with this OGRN is registered already.
    #[error("an organization with this OGRN is registered already")]
    Exists,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How a valid certificate fails to vouch for an application by its head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgMismatch {
    /// It has no OGRN (an entrepreneur's: OGRNIP) of an organization.
    NoOgrn(OrgKind),
    /// Its OGRN (OGRNIP) is another.
    Ogrn(OrgKind),
    /// It has no INN of an organization.
    NoInn,
    /// Its INN is another.
    Inn,
    /// It is not the head's: their SNILS, INN or name differ.
    NotTheHead(crate::certs::Mismatch),
}

/// An organization as one person may see it.
#[derive(Debug, Clone)]
pub struct OrgView {
    pub org: Organization,
    /// The viewer's membership (`None` for an operator).
    pub me: Option<Membership>,
    /// The employees the viewer may see, with their accounts: everyone for
    /// an admin or a manager, only themselves for a specialist.
    pub members: Vec<(Membership, Account)>,
    /// Invitations not yet accepted (admins only).
    pub invitations: Vec<Invitation>,
    /// The viewer may change employees and roles.
    pub manages: bool,
}

/// The organization rules over the stores, for a server node
/// ([`Orgs::node`]) or the admin CLI ([`Orgs::admin`]).
pub struct Orgs<'a> {
    sql: &'a SqlStore,
    audit: &'a Audit,
    now: UnixTime,
}

impl<'a> Orgs<'a> {
    pub fn node(ctx: &'a Ctx) -> Self {
        Self {
            sql: &ctx.sql,
            audit: &ctx.audit,
            now: ctx.now(),
        }
    }

    pub fn admin(sql: &'a SqlStore, audit: &'a Audit, now: UnixTime) -> Self {
        Self { sql, audit, now }
    }

    /// A person's organizations and memberships.
    pub async fn mine(
        &self,
        account_id: &str,
    ) -> Result<Vec<(Organization, Membership)>, StoreError> {
        self.sql.memberships_of(account_id).await
    }

    /// The organization `org_id` and the actor's membership in it, if the
    /// actor may act there at all; with `needs`, only if their roles there
    /// include it (an operator may do anything).
    async fn open(
        &self,
        actor: Actor<'_>,
        org_id: &str,
        needs: Option<Role>,
    ) -> Result<(Organization, Option<Membership>), OrgError> {
        let org = self
            .sql
            .organization(org_id)
            .await?
            .ok_or(OrgError::NotFound)?;
        let Some(account_id) = actor.account_id() else {
            return Ok((org, None));
        };
        let me = self
            .sql
            .membership(org_id, account_id)
            .await?
            .ok_or(OrgError::NotFound)?;
        if let Some(role) = needs {
            rules::may(Some(&me), role).map_err(OrgError::Forbidden)?;
        }
        Ok((org, Some(me)))
    }

    /// The organization as `actor` may see it.
    pub async fn view(&self, actor: Actor<'_>, org_id: &str) -> Result<OrgView, OrgError> {
        let (org, me) = self.open(actor, org_id, None).await?;
        let sees = rules::sees(me.as_ref());
        let manages = sees == Sees::AllAndManages;
        let members = match (&actor, &me, sees) {
            (Actor::Member(account), Some(me), Sees::Self_) => {
                vec![(me.clone(), (*account).clone())]
            }
            _ => self.sql.members_with_accounts(org_id).await?,
        };
        let invitations = if manages {
            self.sql.pending_invitations(org_id, self.now).await?
        } else {
            Vec::new()
        };
        Ok(OrgView {
            org,
            me,
            members,
            invitations,
            manages,
        })
    }

    /// The organization and its journal (admins only), newest first.
    pub async fn journal(
        &self,
        actor: Actor<'_>,
        org_id: &str,
    ) -> Result<(Organization, Vec<OrgEvent>), OrgError> {
        let (org, _) = self.open(actor, org_id, Some(Role::Admin)).await?;
        Ok((org, self.sql.org_journal(org_id, JOURNAL_PAGE).await?))
    }

    /// Gives an employee other roles (and medical-worker data).
    pub async fn set_roles(
        &self,
        actor: Actor<'_>,
        org_id: &str,
        account_id: &str,
        roles: Roles,
        medical_worker: Option<MedicalWorker>,
    ) -> Result<(), OrgError> {
        let (org, _) = self.open(actor, org_id, Some(Role::Admin)).await?;
        check_medical(&org, medical_worker.as_ref())?;
        let member = self.named(account_id).await?;
        let event = self.event(&org, events::ORG_ROLES_CHANGED, actor, json!({}));
        let detail = json!({
            "member": member,
            "roles": roles_text(&roles),
            "medical_worker": medical_worker,
        });
        let change = MemberChange::Roles {
            roles,
            medical_worker,
        };
        self.change(actor, org_id, account_id, change, event, detail)
            .await
    }

    /// Removes an employee: their next token no longer carries the
    /// organization.
    pub async fn remove(
        &self,
        actor: Actor<'_>,
        org_id: &str,
        account_id: &str,
    ) -> Result<(), OrgError> {
        let (org, _) = self.open(actor, org_id, Some(Role::Admin)).await?;
        let member = self.named(account_id).await?;
        let event = self.event(&org, events::ORG_MEMBER_REMOVED, actor, json!({}));
        let detail = json!({"member": member});
        self.change(
            actor,
            org_id,
            account_id,
            MemberChange::Remove,
            event,
            detail,
        )
        .await
    }

    async fn change(
        &self,
        actor: Actor<'_>,
        org_id: &str,
        account_id: &str,
        change: MemberChange,
        event: OrgEvent,
        mut detail: serde_json::Value,
    ) -> Result<(), OrgError> {
        let audited = OrgEvent {
            detail: detail.clone(),
            ..event.clone()
        };
        let by = actor.account_id().map(str::to_owned);
        let target = account_id.to_owned();
        let made = self
            .sql
            .change_member(
                org_id,
                account_id,
                change,
                move |staff, change| {
                    rules::change_member(staff, by.as_deref(), &target, change).cloned()
                },
                move |before| {
                    detail["roles_before"] = roles_text(&before.roles).into();
                    OrgEvent { detail, ..event }
                },
            )
            .await?;
        match made {
            Ok(_) => {
                self.record(&audited, Some(account_id)).await;
                Ok(())
            }
            Err(Refusal::NotMember) => Err(OrgError::NotMember),
            Err(Refusal::LastAdmin) => Err(OrgError::LastAdmin),
            Err(Refusal::NotAdmin) => Err(OrgError::Forbidden(Role::Admin)),
        }
    }

    /// Adds a person directly (the admin CLI and the demo; people join by
    /// invitation).
    pub async fn add_member(
        &self,
        operator: &str,
        org_id: &str,
        account: &Account,
        roles: Roles,
        medical_worker: Option<MedicalWorker>,
    ) -> Result<(), OrgError> {
        let actor = Actor::Operator(operator);
        let (org, _) = self.open(actor, org_id, None).await?;
        check_medical(&org, medical_worker.as_ref())?;
        let detail = json!({
            "member": account.full_name(),
            "roles": roles_text(&roles),
            "medical_worker": medical_worker,
        });
        let member = Membership {
            org_id: org.id.clone(),
            account_id: account.id.clone(),
            roles,
            medical_worker,
            since: self.now,
        };
        let event = self.event(&org, events::ORG_MEMBER_ADDED, actor, detail);
        match self.sql.add_member(&member, &event).await {
            Ok(()) => {}
            Err(StoreError::Conflict(_)) => return Err(OrgError::AlreadyMember),
            Err(e) => return Err(e.into()),
        }
        self.record(&event, Some(&account.id)).await;
        Ok(())
    }

    /// How the journal names the person behind `account_id`.
    async fn named(&self, account_id: &str) -> Result<String, OrgError> {
        match self.sql.account(account_id).await? {
            Some(account) => Ok(account.full_name()),
            None => Err(OrgError::NotMember),
        }
    }

    fn event(
        &self,
        org: &Organization,
        event: &str,
        actor: Actor<'_>,
        detail: serde_json::Value,
    ) -> OrgEvent {
        OrgEvent {
            seq: 0,
            org_id: org.id.clone(),
            at: self.now,
            event: event.to_owned(),
            actor: actor.name(),
            detail,
        }
    }

    /// The audit journal's copy of an organization's journal entry, with
    /// who made it (a person's name or the operator's) and the employee it
    /// concerns.
    async fn record(&self, event: &OrgEvent, account_id: Option<&str>) {
        let mut detail = event.detail.clone();
        detail["org"] = event.org_id.clone().into();
        detail["by"] = event.actor.clone().into();
        let mut entry = Entry::new(&event.event).detail(detail);
        if let Some(id) = account_id {
            entry = entry.account(id);
        }
        self.audit.record(entry, self.now).await;
    }
}

/// Roles as typed into a form: at least one.
pub fn checked_roles(roles: Roles) -> Result<Roles, Vec<(OrgField, Invalid)>> {
    if roles.is_empty() {
        Err(vec![(OrgField::Roles, Invalid::NoRole)])
    } else {
        Ok(roles)
    }
}

/// A medical worker's specialty and position as typed: both, or neither.
pub fn medical_worker(
    specialty: &str,
    position: &str,
) -> Result<Option<MedicalWorker>, Vec<(OrgField, Invalid)>> {
    if specialty.trim().is_empty() && position.trim().is_empty() {
        return Ok(None);
    }
    let specialty = identifiers::line(specialty, 100);
    let position = identifiers::line(position, 200);
    match (specialty, position) {
        (Ok(specialty), Ok(position)) => Ok(Some(MedicalWorker {
            specialty,
            position,
        })),
        (specialty, position) => Err([
            specialty.err().map(|e| (OrgField::Specialty, e)),
            position.err().map(|e| (OrgField::Position, e)),
        ]
        .into_iter()
        .flatten()
        .collect()),
    }
}

/// Only a medical organization's employees may be medical workers.
fn check_medical(org: &Organization, worker: Option<&MedicalWorker>) -> Result<(), OrgError> {
    if !rules::medical_allowed(org, worker) {
        return Err(OrgError::Invalid(vec![(
            OrgField::Specialty,
            Invalid::NotMedical,
        )]));
    }
    Ok(())
}
