//! Organizations, memberships, invitations and each organization's own
//! journal. Every change writes its journal row in the same transaction, so
//! the journal never misses a change nor shows one that did not happen.
//! Changes to employees run under the organization's row lock (a no-op
//! `UPDATE`, as for grants), which is where the organization's invariants
//! are checked, by the rule the caller passes (`orgs::rules`) over the
//! memberships read under the lock: it keeps an admin (two admins demoting
//! each other at the same moment cannot both succeed), and a change is made
//! only by someone who is its admin at that moment (not one demoted a
//! moment before).

use diesel::prelude::*;

use super::transaction;
use super::{AnyConnection, SqlStore, corrupt, flag};
use crate::clock::UnixTime;
use crate::model::{
    Invitation, Invitee, MedicalWorker, MemberChange, Membership, OrgEvent, OrgKind, Organization,
    Roles, parse_roles, roles_text,
};
use crate::store::StoreError;
use crate::store::schema::{
    memberships as m, org_invitations as inv, org_journal as j, organizations as o,
};

/// What accepting an invitation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepted {
    Done,
    /// Accepted before, expired or unknown.
    Gone,
    /// The person already works there; the invitation stays unused.
    AlreadyMember,
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = o)]
pub(super) struct OrgRow {
    id: String,
    kind: String,
    full_name: String,
    short_name: String,
    ogrn: String,
    inn: String,
    kpp: Option<String>,
    legal_address: String,
    actual_address: String,
    medical: i32,
    head_account_id: String,
    created_at: i64,
}

impl TryFrom<OrgRow> for Organization {
    type Error = StoreError;
    fn try_from(r: OrgRow) -> Result<Self, StoreError> {
        Ok(Organization {
            kind: OrgKind::parse(&r.kind)
                .ok_or_else(|| corrupt(format!("unknown organization kind `{}`", r.kind)))?,
            id: r.id,
            full_name: r.full_name,
            short_name: r.short_name,
            ogrn: r.ogrn,
            inn: r.inn,
            kpp: r.kpp,
            legal_address: r.legal_address,
            actual_address: r.actual_address,
            medical: r.medical != 0,
            head_account_id: r.head_account_id,
            created_at: r.created_at,
        })
    }
}

impl From<&Organization> for OrgRow {
    fn from(org: &Organization) -> Self {
        OrgRow {
            id: org.id.clone(),
            kind: org.kind.as_str().to_owned(),
            full_name: org.full_name.clone(),
            short_name: org.short_name.clone(),
            ogrn: org.ogrn.clone(),
            inn: org.inn.clone(),
            kpp: org.kpp.clone(),
            legal_address: org.legal_address.clone(),
            actual_address: org.actual_address.clone(),
            medical: flag(org.medical),
            head_account_id: org.head_account_id.clone(),
            created_at: org.created_at,
        }
    }
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = m)]
pub(super) struct MemberRow {
    org_id: String,
    account_id: String,
    roles: String,
    medical_worker: Option<String>,
    since: i64,
}

fn stored_roles(text: &str) -> Result<Roles, StoreError> {
    parse_roles(text).ok_or_else(|| corrupt(format!("bad roles `{text}`")))
}

fn medical_from(text: Option<&str>) -> Result<Option<MedicalWorker>, StoreError> {
    text.map(|t| serde_json::from_str(t).map_err(corrupt))
        .transpose()
}

fn medical_to(worker: Option<&MedicalWorker>) -> Option<String> {
    worker.map(|w| serde_json::to_string(w).expect("a medical worker serializes"))
}

impl TryFrom<MemberRow> for Membership {
    type Error = StoreError;
    fn try_from(r: MemberRow) -> Result<Self, StoreError> {
        Ok(Membership {
            roles: stored_roles(&r.roles)?,
            medical_worker: medical_from(r.medical_worker.as_deref())?,
            org_id: r.org_id,
            account_id: r.account_id,
            since: r.since,
        })
    }
}

impl From<&Membership> for MemberRow {
    fn from(mb: &Membership) -> Self {
        MemberRow {
            org_id: mb.org_id.clone(),
            account_id: mb.account_id.clone(),
            roles: roles_text(&mb.roles),
            medical_worker: medical_to(mb.medical_worker.as_ref()),
            since: mb.since,
        }
    }
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = inv)]
pub(super) struct InvitationRow {
    id: String,
    org_id: String,
    invitee_kind: String,
    invitee: String,
    roles: String,
    medical_worker: Option<String>,
    invited_by: String,
    created_at: i64,
    expires_at: i64,
    accepted_by: Option<String>,
    accepted_at: Option<i64>,
}

impl TryFrom<InvitationRow> for Invitation {
    type Error = StoreError;
    fn try_from(r: InvitationRow) -> Result<Self, StoreError> {
        Ok(Invitation {
            invitee: Invitee::from_parts(&r.invitee_kind, r.invitee)
                .ok_or_else(|| corrupt(format!("unknown invitee kind `{}`", r.invitee_kind)))?,
            roles: stored_roles(&r.roles)?,
            medical_worker: medical_from(r.medical_worker.as_deref())?,
            id: r.id,
            org_id: r.org_id,
            invited_by: r.invited_by,
            created_at: r.created_at,
            expires_at: r.expires_at,
            accepted_by: r.accepted_by,
            accepted_at: r.accepted_at,
        })
    }
}

impl From<&Invitation> for InvitationRow {
    fn from(i: &Invitation) -> Self {
        InvitationRow {
            id: i.id.clone(),
            org_id: i.org_id.clone(),
            invitee_kind: i.invitee.kind().to_owned(),
            invitee: i.invitee.value().to_owned(),
            roles: roles_text(&i.roles),
            medical_worker: medical_to(i.medical_worker.as_ref()),
            invited_by: i.invited_by.clone(),
            created_at: i.created_at,
            expires_at: i.expires_at,
            accepted_by: i.accepted_by.clone(),
            accepted_at: i.accepted_at,
        }
    }
}

/// Appends `event` to its organization's journal (`seq` is assigned here).
fn journal(conn: &mut AnyConnection, event: &OrgEvent) -> Result<(), StoreError> {
    diesel::insert_into(j::table)
        .values((
            j::org_id.eq(&event.org_id),
            j::at.eq(event.at),
            j::event.eq(&event.event),
            j::actor.eq(&event.actor),
            j::detail.eq(event.detail.to_string()),
        ))
        .execute(conn)?;
    Ok(())
}

fn organizations(rows: Vec<OrgRow>) -> Result<Vec<Organization>, StoreError> {
    rows.into_iter().map(Organization::try_from).collect()
}

impl SqlStore {
    /// Registers `org` with its first admin; `Conflict` when its OGRN is
    /// registered already.
    pub async fn insert_organization(
        &self,
        org: &Organization,
        founder: &Membership,
        event: &OrgEvent,
    ) -> Result<(), StoreError> {
        let (row, member, event) = (OrgRow::from(org), MemberRow::from(founder), event.clone());
        self.run(move |conn| {
            transaction::write(conn, |conn| {
                diesel::insert_into(o::table).values(&row).execute(conn)?;
                diesel::insert_into(m::table)
                    .values(&member)
                    .execute(conn)?;
                journal(conn, &event)
            })
        })
        .await
    }

    pub async fn organization(&self, id: &str) -> Result<Option<Organization>, StoreError> {
        let id = id.to_owned();
        self.run(move |conn| {
            o::table
                .find(id)
                .first::<OrgRow>(conn)
                .optional()?
                .map(Organization::try_from)
                .transpose()
        })
        .await
    }

    pub async fn organization_by_ogrn(
        &self,
        ogrn: &str,
    ) -> Result<Option<Organization>, StoreError> {
        let ogrn = ogrn.to_owned();
        self.run(move |conn| {
            o::table
                .filter(o::ogrn.eq(ogrn))
                .first::<OrgRow>(conn)
                .optional()?
                .map(Organization::try_from)
                .transpose()
        })
        .await
    }

    /// Every organization, oldest first.
    pub async fn organizations(&self) -> Result<Vec<Organization>, StoreError> {
        self.run(|conn| organizations(o::table.order(o::created_at).load(conn)?))
            .await
    }

    pub async fn membership(
        &self,
        org_id: &str,
        account_id: &str,
    ) -> Result<Option<Membership>, StoreError> {
        let key = (org_id.to_owned(), account_id.to_owned());
        self.run(move |conn| {
            m::table
                .find(key)
                .first::<MemberRow>(conn)
                .optional()?
                .map(Membership::try_from)
                .transpose()
        })
        .await
    }

    /// The employees of an organization, longest-serving first.
    pub async fn members(&self, org_id: &str) -> Result<Vec<Membership>, StoreError> {
        let id = org_id.to_owned();
        self.run(move |conn| {
            m::table
                .filter(m::org_id.eq(id))
                .order((m::since, m::account_id))
                .load::<MemberRow>(conn)?
                .into_iter()
                .map(Membership::try_from)
                .collect()
        })
        .await
    }

    /// A person's active memberships with their organizations, oldest first.
    pub async fn memberships_of(
        &self,
        account_id: &str,
    ) -> Result<Vec<(Organization, Membership)>, StoreError> {
        let id = account_id.to_owned();
        self.run(move |conn| {
            let rows: Vec<(OrgRow, MemberRow)> = o::table
                .inner_join(m::table)
                .filter(m::account_id.eq(id))
                .order((m::since, o::created_at, o::ogrn))
                .select((o::all_columns, m::all_columns))
                .load(conn)?;
            rows.into_iter()
                .map(|(org, member)| Ok((org.try_into()?, member.try_into()?)))
                .collect()
        })
        .await
    }

    /// Adds an employee; `Conflict` when they already are one.
    pub async fn add_member(
        &self,
        member: &Membership,
        event: &OrgEvent,
    ) -> Result<(), StoreError> {
        let (row, event) = (MemberRow::from(member), event.clone());
        self.run(move |conn| {
            transaction::write(conn, |conn| {
                diesel::insert_into(m::table).values(&row).execute(conn)?;
                journal(conn, &event)
            })
        })
        .await
    }

    /// Changes or removes the employee `account_id` as `change` says, if
    /// `rule` allows it: under the organization's lock, `rule` gets its
    /// memberships (`None` when the organization is gone) and returns the
    /// employee's membership as it is, or why not. The journal entry is
    /// made from that membership, in the same transaction.
    pub async fn change_member<R: Send + 'static>(
        &self,
        org_id: &str,
        account_id: &str,
        change: MemberChange,
        rule: impl FnOnce(Option<&[Membership]>, &MemberChange) -> Result<Membership, R>
        + Send
        + 'static,
        event: impl FnOnce(&Membership) -> OrgEvent + Send + 'static,
    ) -> Result<Result<Membership, R>, StoreError> {
        let (org_id, account_id) = (org_id.to_owned(), account_id.to_owned());
        self.run(move |conn| {
            transaction::write(conn, |conn| {
                let locked = diesel::update(o::table.find(&org_id))
                    .set(o::id.eq(&org_id))
                    .execute(conn)?;
                let staff = if locked == 0 {
                    None
                } else {
                    let rows: Vec<MemberRow> = m::table.filter(m::org_id.eq(&org_id)).load(conn)?;
                    Some(
                        rows.into_iter()
                            .map(Membership::try_from)
                            .collect::<Result<Vec<_>, _>>()?,
                    )
                };
                let before = match rule(staff.as_deref(), &change) {
                    Ok(before) if before.account_id == account_id => before,
                    Ok(other) => {
                        return Err(corrupt(format!(
                            "the rule chose the membership of `{}`, not of `{account_id}`",
                            other.account_id
                        )));
                    }
                    Err(refused) => return Ok(Err(refused)),
                };
                let key = m::table.find((&org_id, &account_id));
                match &change {
                    MemberChange::Roles {
                        roles,
                        medical_worker,
                    } => {
                        diesel::update(key)
                            .set((
                                m::roles.eq(roles_text(roles)),
                                m::medical_worker.eq(medical_to(medical_worker.as_ref())),
                            ))
                            .execute(conn)?;
                    }
                    MemberChange::Remove => {
                        diesel::delete(key).execute(conn)?;
                    }
                }
                journal(conn, &event(&before))?;
                Ok(Ok(before))
            })
        })
        .await
    }

    pub async fn insert_invitation(
        &self,
        invitation: &Invitation,
        event: &OrgEvent,
    ) -> Result<(), StoreError> {
        let (row, event) = (InvitationRow::from(invitation), event.clone());
        self.run(move |conn| {
            transaction::write(conn, |conn| {
                diesel::insert_into(inv::table).values(&row).execute(conn)?;
                journal(conn, &event)
            })
        })
        .await
    }

    pub async fn invitation(&self, id: &str) -> Result<Option<Invitation>, StoreError> {
        let id = id.to_owned();
        self.run(move |conn| {
            inv::table
                .find(id)
                .first::<InvitationRow>(conn)
                .optional()?
                .map(Invitation::try_from)
                .transpose()
        })
        .await
    }

    /// The invitations of an organization not yet accepted nor expired.
    pub async fn pending_invitations(
        &self,
        org_id: &str,
        now: UnixTime,
    ) -> Result<Vec<Invitation>, StoreError> {
        let id = org_id.to_owned();
        self.run(move |conn| {
            inv::table
                .filter(inv::org_id.eq(id))
                .filter(inv::accepted_at.is_null().and(inv::expires_at.gt(now)))
                .order(inv::created_at)
                .load::<InvitationRow>(conn)?
                .into_iter()
                .map(Invitation::try_from)
                .collect()
        })
        .await
    }

    /// Accepts an invitation once: marks it accepted by `member`'s account
    /// (only while unused and unexpired) and adds the membership.
    pub async fn accept_invitation(
        &self,
        id: &str,
        member: &Membership,
        now: UnixTime,
        event: &OrgEvent,
    ) -> Result<Accepted, StoreError> {
        let (id, row, event) = (id.to_owned(), MemberRow::from(member), event.clone());
        self.run(move |conn| {
            transaction::write(conn, |conn| {
                let already: i64 = m::table
                    .filter(
                        m::org_id
                            .eq(&row.org_id)
                            .and(m::account_id.eq(&row.account_id)),
                    )
                    .count()
                    .get_result(conn)?;
                if already > 0 {
                    return Ok(Accepted::AlreadyMember);
                }
                let taken = diesel::update(
                    inv::table
                        .find(&id)
                        .filter(inv::accepted_at.is_null().and(inv::expires_at.gt(now))),
                )
                .set((
                    inv::accepted_by.eq(&row.account_id),
                    inv::accepted_at.eq(now),
                ))
                .execute(conn)?;
                if taken == 0 {
                    return Ok(Accepted::Gone);
                }
                diesel::insert_into(m::table).values(&row).execute(conn)?;
                journal(conn, &event)?;
                Ok(Accepted::Done)
            })
        })
        .await
    }

    /// An organization's journal, newest first, at most `limit` entries.
    pub async fn org_journal(&self, org_id: &str, limit: i64) -> Result<Vec<OrgEvent>, StoreError> {
        let id = org_id.to_owned();
        let rows: Vec<(i64, String, i64, String, String, String)> = self
            .run(move |conn| {
                Ok(j::table
                    .filter(j::org_id.eq(id))
                    .order(j::seq.desc())
                    .limit(limit)
                    .load(conn)?)
            })
            .await?;
        rows.into_iter()
            .map(|(seq, org_id, at, event, actor, detail)| {
                Ok(OrgEvent {
                    seq,
                    org_id,
                    at,
                    event,
                    actor,
                    detail: serde_json::from_str(&detail).map_err(corrupt)?,
                })
            })
            .collect()
    }
}
