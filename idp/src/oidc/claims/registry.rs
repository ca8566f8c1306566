//! Every personal claim Vhod can release, defined once: its name, the scope
//! that releases it, where it may appear, and where its value comes from
//! (the account, or for `org` and `orgs` its memberships).
//! Discovery's `claims_supported`, the consent page, the release decision
//! and docs/claims.md all follow this table (a test keeps the doc in step).

use serde_json::{Value, json};

use crate::model::Account;
use crate::orgs::claims::OrgClaim;

/// Where a claim may be released.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// In the ID token (when asked for one by one) and from userinfo.
    Anywhere,
    /// Only from userinfo, so that ID tokens stay small.
    UserinfoOnly,
    /// By its scope in the ID token and the access token, and from
    /// userinfo: what a portal must know at once (the acting organization).
    Tokens,
}

/// What claim values are read from: the account and, when `org` or `orgs`
/// is released, its active memberships (read when the token or answer is
/// made) and the organization the person acts for.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    pub account: &'a Account,
    pub orgs: &'a [OrgClaim],
    pub acting_org: Option<&'a str>,
}

impl<'a> Subject<'a> {
    /// A subject whose organizations are not asked for.
    pub fn person(account: &'a Account) -> Self {
        Self {
            account,
            orgs: &[],
            acting_org: None,
        }
    }

    /// The organization the person acts for, while they still work there.
    pub fn acting(&self) -> Option<&'a OrgClaim> {
        let id = self.acting_org?;
        self.orgs.iter().find(|o| o.id == id)
    }
}

/// The claims whose values need the memberships.
pub const ORG_CLAIMS: [&str; 2] = ["org", "orgs"];

/// One personal claim.
pub struct ClaimDef {
    pub name: &'static str,
    /// The scope that releases it; a claim asked for one by one is released
    /// only to a client registered for this scope.
    pub scope: &'static str,
    pub place: Place,
    /// Its value; `Null` when the subject has none.
    pub value: fn(&Subject<'_>) -> Value,
}

impl std::fmt::Debug for ClaimDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// Claims about the token and the login rather than the person: every ID
/// token carries them; no consent is asked for them.
pub const PROTOCOL_CLAIMS: [&str; 13] = [
    "sub",
    "iss",
    "aud",
    "exp",
    "iat",
    "auth_time",
    "nonce",
    "acr",
    "amr",
    "azp",
    "sid",
    "at_hash",
    "account_level",
];

const fn claim(
    name: &'static str,
    scope: &'static str,
    value: fn(&Subject<'_>) -> Value,
) -> ClaimDef {
    ClaimDef {
        name,
        scope,
        place: Place::Anywhere,
        value,
    }
}

const fn placed(claim: ClaimDef, place: Place) -> ClaimDef {
    ClaimDef { place, ..claim }
}

/// The personal claims, in the order the consent page lists them.
pub static CLAIMS: [ClaimDef; 17] = [
    claim("name", "profile", |s| json!(s.account.display_name())),
    claim("family_name", "profile", |s| json!(s.account.family_name)),
    claim("given_name", "profile", |s| json!(s.account.given_name)),
    claim("middle_name", "profile", |s| json!(s.account.middle_name)),
    claim("birthdate", "profile", |s| json!(s.account.birthdate)),
    claim("gender", "profile", |s| json!(s.account.gender)),
    claim("locale", "profile", |_| json!("ru-RU")),
    // When the checked data last changed (an edit counts once its check passes).
    claim("updated_at", "profile", |s| json!(s.account.checked_at)),
    claim("email", "email", |s| json!(s.account.email)),
    claim("email_verified", "email", |s| {
        let a = s.account;
        a.email
            .as_ref()
            .map_or(Value::Null, |_| json!(a.email_verified))
    }),
    claim("phone_number", "phone", |s| json!(s.account.phone)),
    claim("phone_number_verified", "phone", |s| {
        let a = s.account;
        a.phone
            .as_ref()
            .map_or(Value::Null, |_| json!(a.phone_verified))
    }),
    claim("address", "address", |s| {
        s.account
            .address
            .as_ref()
            .map_or(Value::Null, |f| json!({"formatted": f, "country": "RU"}))
    }),
    claim("snils", "snils", |s| json!(s.account.snils)),
    claim("inn", "inn", |s| json!(s.account.inn)),
    placed(
        claim("org", "organizations", |s| json!(s.acting())),
        Place::Tokens,
    ),
    placed(
        claim("orgs", "organizations", |s| json!(s.orgs)),
        Place::UserinfoOnly,
    ),
];

/// The definition of a personal claim.
pub fn find(name: &str) -> Option<&'static ClaimDef> {
    CLAIMS.iter().find(|c| c.name == name)
}

/// Every claim Vhod can release (discovery's `claims_supported`).
pub fn supported() -> Vec<&'static str> {
    PROTOCOL_CLAIMS
        .into_iter()
        .chain(CLAIMS.iter().map(|c| c.name))
        .collect()
}
