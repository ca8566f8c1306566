//! The `claims` request parameter (OpenID Connect Core §5.5) and the claims
//! each scope releases (§5.4, plus Vhod's own scopes; see docs/claims.md).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::model::{Account, AccountLevel, AuthContext, Scopes};

use super::error::OAuthError;

/// One requested claim: `null`, or `{essential, value, values}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimSpec {
    #[serde(default)]
    pub essential: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<String>>,
}

impl ClaimSpec {
    /// The values this spec accepts, if it restricts them.
    pub fn accepted(&self) -> Option<Vec<&str>> {
        match (&self.value, &self.values) {
            (Some(v), _) => Some(vec![v.as_str()]),
            (None, Some(vs)) => Some(vs.iter().map(String::as_str).collect()),
            (None, None) => None,
        }
    }
}

/// The parsed `claims` parameter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimsRequest {
    #[serde(default)]
    pub id_token: Vec<(String, ClaimSpec)>,
    #[serde(default)]
    pub userinfo: Vec<(String, ClaimSpec)>,
}

impl ClaimsRequest {
    pub fn parse(text: &str) -> Result<Self, OAuthError> {
        let bad = |why: &str| OAuthError::invalid_request(format!("parameter `claims`: {why}"));
        let value: Value = serde_json::from_str(text).map_err(|_| bad("not valid JSON"))?;
        let Value::Object(top) = value else {
            return Err(bad("must be a JSON object"));
        };
        let member = |name: &str| -> Result<Vec<(String, ClaimSpec)>, OAuthError> {
            match top.get(name) {
                None | Some(Value::Null) => Ok(Vec::new()),
                Some(Value::Object(claims)) => claims
                    .iter()
                    .map(|(claim, spec)| {
                        let spec = match spec {
                            Value::Null => ClaimSpec::default(),
                            other => serde_json::from_value(other.clone()).map_err(|_| {
                                bad(&format!("claim `{claim}` must be null or an object with essential/value/values"))
                            })?,
                        };
                        Ok((claim.clone(), spec))
                    })
                    .collect(),
                Some(_) => Err(bad(&format!("member `{name}` must be an object"))),
            }
        };
        Ok(Self {
            id_token: member("id_token")?,
            userinfo: member("userinfo")?,
        })
    }

    /// Every spec for `claim`, from either member.
    pub fn specs<'a>(&'a self, claim: &'a str) -> impl Iterator<Item = &'a ClaimSpec> + 'a {
        self.id_token
            .iter()
            .chain(&self.userinfo)
            .filter(move |(name, _)| name == claim)
            .map(|(_, spec)| spec)
    }

    /// The lowest account level an essential `account_level` request accepts.
    pub fn required_account_level(&self) -> Option<AccountLevel> {
        self.specs("account_level")
            .filter(|s| s.essential)
            .filter_map(|s| s.accepted())
            .filter_map(|values| values.iter().filter_map(|v| v.parse().ok()).min())
            .max()
    }

    /// Essential `acr` values, if any were demanded.
    pub fn essential_acr(&self) -> Option<Vec<String>> {
        self.specs("acr")
            .find(|s| s.essential)
            .and_then(|s| s.accepted())
            .map(|v| v.into_iter().map(str::to_owned).collect())
    }
}

/// Claims the scopes (and individually requested claims) release about an
/// account, as in userinfo.
pub fn user_claims(
    account: &Account,
    auth: &AuthContext,
    scopes: &Scopes,
    requested: &[String],
) -> Map<String, Value> {
    let mut all = Map::new();
    let mut put = |scope: &str, name: &str, value: Value| {
        let wanted = scopes.contains(scope) || requested.iter().any(|r| r == name);
        if wanted && !value.is_null() {
            all.insert(name.to_owned(), value);
        }
    };
    let full_name = [
        Some(account.given_name.as_str()),
        account.middle_name.as_deref(),
        Some(account.family_name.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    put("profile", "name", json!(full_name));
    put("profile", "family_name", json!(account.family_name));
    put("profile", "given_name", json!(account.given_name));
    put("profile", "middle_name", json!(account.middle_name));
    put("profile", "birthdate", json!(account.birthdate));
    put("profile", "gender", json!(account.gender));
    put("profile", "locale", json!("ru-RU"));
    put("profile", "updated_at", json!(account.created_at));
    put(
        "address",
        "address",
        account
            .address
            .as_ref()
            .map_or(Value::Null, |a| json!({"formatted": a, "country": "RU"})),
    );
    put("email", "email", json!(account.email));
    if account.email.is_some() {
        put("email", "email_verified", json!(account.email_verified));
    }
    put("phone", "phone_number", json!(account.phone));
    if account.phone.is_some() {
        put(
            "phone",
            "phone_number_verified",
            json!(account.phone_verified),
        );
    }
    put("snils", "snils", json!(account.snils));
    put("inn", "inn", json!(account.inn));
    all.insert("sub".into(), json!(account.id));
    all.insert("account_level".into(), json!(auth.account_level));
    all
}

/// Every claim name Vhod can release (discovery's `claims_supported`).
pub const SUPPORTED: [&str; 28] = [
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
    "name",
    "family_name",
    "given_name",
    "middle_name",
    "birthdate",
    "gender",
    "locale",
    "updated_at",
    "email",
    "email_verified",
    "phone_number",
    "phone_number_verified",
    "address",
    "snils",
    "inn",
];
