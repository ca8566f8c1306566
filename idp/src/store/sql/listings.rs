//! The lists the pages and the CLI show, each read in a fixed number of
//! queries however long it is (joins, not a query per row): an
//! organization's employees with their accounts, the invitations to a
//! person with their organizations, and a person's live sessions with the
//! names of their portals.

use std::collections::HashMap;

use diesel::prelude::*;

use super::SqlStore;
use super::accounts::Row as AccountRow;
use super::orgs::{InvitationRow, MemberRow, OrgRow};
use super::sessions::{Row as SessionRow, with_clients};
use crate::clock::UnixTime;
use crate::model::{Account, Invitation, Invitee, Membership, Organization, SessionRecord};
use crate::store::StoreError;
use crate::store::schema::{
    accounts as a, clients as c, memberships as m, org_invitations as inv, organizations as o,
    sessions as s,
};

impl SqlStore {
    /// The employees of an organization with their accounts,
    /// longest-serving first: one query.
    pub async fn members_with_accounts(
        &self,
        org_id: &str,
    ) -> Result<Vec<(Membership, Account)>, StoreError> {
        let id = org_id.to_owned();
        self.run(move |conn| {
            let rows: Vec<(MemberRow, AccountRow)> = m::table
                .inner_join(a::table.on(a::id.eq(m::account_id)))
                .filter(m::org_id.eq(id))
                .order((m::since, m::account_id))
                .select((m::all_columns, a::all_columns))
                .load(conn)?;
            rows.into_iter()
                .map(|(member, account)| Ok((member.try_into()?, account.try_into()?)))
                .collect()
        })
        .await
    }

    /// The pending invitations to any of `invitees` with their
    /// organizations, newest first: one query.
    pub async fn invitations_to(
        &self,
        invitees: Vec<Invitee>,
        now: UnixTime,
    ) -> Result<Vec<(Invitation, Organization)>, StoreError> {
        let values: Vec<String> = invitees.iter().map(|i| i.value().to_owned()).collect();
        let found: Vec<(Invitation, Organization)> = self
            .run(move |conn| {
                let rows: Vec<(InvitationRow, OrgRow)> = inv::table
                    .inner_join(o::table.on(o::id.eq(inv::org_id)))
                    .filter(inv::invitee.eq_any(values))
                    .filter(inv::accepted_at.is_null().and(inv::expires_at.gt(now)))
                    .order(inv::created_at.desc())
                    .select((inv::all_columns, o::all_columns))
                    .load(conn)?;
                rows.into_iter()
                    .map(|(invitation, org)| Ok((invitation.try_into()?, org.try_into()?)))
                    .collect::<Result<_, StoreError>>()
            })
            .await?;
        // A value matches only under its own kind (a phone is not a SNILS).
        Ok(found
            .into_iter()
            .filter(|(i, _)| invitees.contains(&i.invitee))
            .collect())
    }

    /// The sessions of an account neither ended nor expired at `now`,
    /// newest first, each with the names of the portals that got tokens in
    /// it (the id of a portal since removed): three queries.
    pub async fn live_sessions_with_portals(
        &self,
        account_id: &str,
        now: UnixTime,
    ) -> Result<Vec<(SessionRecord, Vec<String>)>, StoreError> {
        let account_id = account_id.to_owned();
        self.run(move |conn| {
            let rows: Vec<SessionRow> = s::table
                .filter(s::account_id.eq(account_id).and(s::ended_at.is_null()))
                .filter(s::expires_at.gt(now))
                .order((s::created_at.desc(), s::sid.asc()))
                .load(conn)?;
            let sessions = with_clients(conn, rows)?;
            let ids: Vec<&str> = sessions
                .iter()
                .flat_map(|s| s.clients.iter().map(String::as_str))
                .collect();
            let names: HashMap<String, String> = c::table
                .filter(c::id.eq_any(&ids))
                .select((c::id, c::name))
                .load::<(String, String)>(conn)?
                .into_iter()
                .collect();
            Ok(sessions
                .into_iter()
                .map(|session| {
                    let portals = session
                        .clients
                        .iter()
                        .map(|id| names.get(id).unwrap_or(id).clone())
                        .collect();
                    (session, portals)
                })
                .collect())
        })
        .await
    }
}
