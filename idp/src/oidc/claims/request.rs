//! The `claims` request parameter (OpenID Connect Core §5.5).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::{Aal, AccountLevel};
use crate::oidc::error::OAuthError;

/// An essential `acr` request names no level Vhod knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownAcr;

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

    /// The weakest authentication an essential `acr` request accepts:
    /// the lowest known level among its values. `Err` when it names only
    /// values Vhod does not know, which no login can satisfy.
    pub fn essential_aal(&self) -> Result<Option<Aal>, UnknownAcr> {
        let Some(values) = self
            .specs("acr")
            .find(|s| s.essential)
            .and_then(|s| s.accepted())
        else {
            return Ok(None);
        };
        values
            .iter()
            .filter_map(|v| Aal::from_urn(v))
            .min()
            .map(Some)
            .ok_or(UnknownAcr)
    }

    /// Names of the claims asked for one by one, in either member.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.id_token
            .iter()
            .chain(&self.userinfo)
            .map(|(n, _)| n.as_str())
    }
}
