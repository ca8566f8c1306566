//! The claims Vhod adds to the standard ones (`docs/claims.md`), and the
//! [`Person`] made from an ID token and a userinfo response.

use openidconnect::core::CoreGenderClaim;
use openidconnect::{AdditionalClaims, IdTokenClaims, SubjectIdentifier, UserInfoClaims};
use serde::{Deserialize, Serialize};

use crate::person::{FullName, Level, Membership, Org, Person};

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct VhodClaims {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_level: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// The acting organization (scope `organizations`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<Org>,
    /// Every membership, from userinfo only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orgs: Option<Vec<Membership>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snils: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inn: Option<String>,
}

impl AdditionalClaims for VhodClaims {}

pub type UserInfo = UserInfoClaims<VhodClaims, CoreGenderClaim>;

/// What the cabinet keeps of a validated ID token.
#[derive(Clone, Debug)]
pub struct IdClaims {
    pub sub: SubjectIdentifier,
    pub sid: Option<String>,
    pub level: Level,
    pub org: Option<Org>,
}

impl From<&IdTokenClaims<VhodClaims, CoreGenderClaim>> for IdClaims {
    fn from(claims: &IdTokenClaims<VhodClaims, CoreGenderClaim>) -> Self {
        let extra = claims.additional_claims();
        Self {
            sub: claims.subject().clone(),
            sid: extra.sid.clone(),
            level: Level::from_claim(extra.account_level.as_deref()),
            org: extra.org.clone(),
        }
    }
}

/// The person: level and organization from the ID token (the session's
/// snapshot), the profile and memberships from userinfo.
pub fn person(id: &IdClaims, info: UserInfo) -> Person {
    let family = info
        .family_name()
        .and_then(|n| n.get(None))
        .map(|v| v.to_string());
    let given = info
        .given_name()
        .and_then(|n| n.get(None))
        .map(|v| v.to_string());
    let middle = info
        .middle_name()
        .and_then(|n| n.get(None))
        .map(|v| v.to_string());
    let full_name = match (family, given) {
        (Some(family), Some(given)) => Some(FullName {
            family,
            given,
            middle,
        }),
        _ => None,
    };
    let birthdate = info.birthdate().map(|b| b.to_string());
    let extra = info.additional_claims().clone();
    Person {
        sub: id.sub.to_string(),
        level: id.level,
        name: full_name,
        birthdate,
        snils: extra.snils,
        inn: extra.inn,
        org: id.org.clone(),
        orgs: extra.orgs.unwrap_or_default(),
    }
}
