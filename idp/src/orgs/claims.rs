//! What tokens say of a person's organizations: `org`, the one they act
//! for, and `orgs`, every active membership. Both are made from the
//! membership rows when a token or a userinfo answer is made, never from a
//! snapshot, so a role change or a removal shows in the next one; and each
//! organization's roles come only from that organization's own row.

use serde::Serialize;

use crate::model::{MedicalWorker, Membership, Organization};
use crate::store::{SqlStore, StoreError};

/// The scope that releases `org` and `orgs`, and asks the person at login
/// whom they act for.
pub const SCOPE: &str = "organizations";

/// One organization as the `org` and `orgs` claims show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgClaim {
    pub id: String,
    /// ОГРН or ОГРНИП.
    pub ogrn: String,
    pub inn: String,
    /// The short name.
    pub name: String,
    /// `admin`, `manager`, `specialist`: the person's roles in this
    /// organization.
    pub roles: Vec<&'static str>,
    /// Present for a medical worker of a medical organization.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub medical_worker: Option<MedicalWorker>,
}

impl OrgClaim {
    pub fn new(org: &Organization, membership: &Membership) -> Self {
        Self {
            id: org.id.clone(),
            ogrn: org.ogrn.clone(),
            inn: org.inn.clone(),
            name: org.short_name.clone(),
            roles: membership.roles.iter().map(|r| r.as_str()).collect(),
            medical_worker: membership.medical_worker.clone(),
        }
    }
}

/// Every active membership of the account, as claims.
pub async fn of_account(sql: &SqlStore, account_id: &str) -> Result<Vec<OrgClaim>, StoreError> {
    Ok(sql
        .memberships_of(account_id)
        .await?
        .iter()
        .map(|(org, membership)| OrgClaim::new(org, membership))
        .collect())
}
