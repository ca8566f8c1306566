//! Every personal claim Vhod can release, defined once: its name, the scope
//! that releases it, where it may appear, and where its value comes from.
//! Discovery's `claims_supported`, the consent page, the release decision
//! and docs/claims.md all follow this table (a test keeps the doc in step).

use serde_json::{Value, json};

use crate::model::Account;

/// Where a claim may be released.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// In the ID token (when asked for one by one) and from userinfo.
    Anywhere,
    /// Only from userinfo, so that ID tokens stay small.
    UserinfoOnly,
}

/// One personal claim.
pub struct ClaimDef {
    pub name: &'static str,
    /// The scope that releases it; a claim asked for one by one is released
    /// only to a client registered for this scope.
    pub scope: &'static str,
    pub place: Place,
    /// Its value for an account; `Null` when the account has none.
    pub value: fn(&Account) -> Value,
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

const fn claim(name: &'static str, scope: &'static str, value: fn(&Account) -> Value) -> ClaimDef {
    ClaimDef {
        name,
        scope,
        place: Place::Anywhere,
        value,
    }
}

/// The personal claims, in the order the consent page lists them.
pub static CLAIMS: [ClaimDef; 15] = [
    claim("name", "profile", |a| json!(full_name(a))),
    claim("family_name", "profile", |a| json!(a.family_name)),
    claim("given_name", "profile", |a| json!(a.given_name)),
    claim("middle_name", "profile", |a| json!(a.middle_name)),
    claim("birthdate", "profile", |a| json!(a.birthdate)),
    claim("gender", "profile", |a| json!(a.gender)),
    claim("locale", "profile", |_| json!("ru-RU")),
    claim("updated_at", "profile", |a| json!(a.created_at)),
    claim("email", "email", |a| json!(a.email)),
    claim("email_verified", "email", |a| {
        a.email
            .as_ref()
            .map_or(Value::Null, |_| json!(a.email_verified))
    }),
    claim("phone_number", "phone", |a| json!(a.phone)),
    claim("phone_number_verified", "phone", |a| {
        a.phone
            .as_ref()
            .map_or(Value::Null, |_| json!(a.phone_verified))
    }),
    claim("address", "address", |a| {
        a.address
            .as_ref()
            .map_or(Value::Null, |f| json!({"formatted": f, "country": "RU"}))
    }),
    claim("snils", "snils", |a| json!(a.snils)),
    claim("inn", "inn", |a| json!(a.inn)),
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

fn full_name(a: &Account) -> String {
    format!("{} {}", a.given_names(), a.family_name)
}
