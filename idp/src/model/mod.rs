//! Shared domain types: identifiers, secrets, levels, scopes and the records
//! the stores keep.

pub mod chain;
mod checks;
pub mod events;
mod names;
mod orgs;
mod records;
mod secret;

pub use checks::{CheckReason, Refused};
pub use orgs::*;
pub use records::*;
pub use secret::{Secret, random_token, sha256_hex};

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The language of a page: Russian by default, English on request. Messages
/// sent to people are Russian (their language is not known then).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Ru,
    En,
}

impl Lang {
    /// The language tag (`<html lang>`, `ui_locales`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ru => "ru",
            Self::En => "en",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How well a person's identity is proven (ESIA's account levels; NIST IAL).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountLevel {
    Simplified,
    Standard,
    Confirmed,
}

impl AccountLevel {
    pub const ALL: [AccountLevel; 3] = [Self::Simplified, Self::Standard, Self::Confirmed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Simplified => "simplified",
            Self::Standard => "standard",
            Self::Confirmed => "confirmed",
        }
    }
}

impl fmt::Display for AccountLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AccountLevel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|l| l.as_str() == s)
            .ok_or_else(|| format!("unknown account level `{s}` (simplified, standard, confirmed)"))
    }
}

/// Authentication strength of one login (NIST AAL), kept apart from the
/// account level. Its URN is the `acr` claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Aal {
    /// Password.
    #[serde(rename = "urn:vhod:aal1")]
    Aal1,
    /// Password and a one-time code.
    #[serde(rename = "urn:vhod:aal2")]
    Aal2,
    /// A signature certificate.
    #[serde(rename = "urn:vhod:aal3")]
    Aal3,
}

impl Aal {
    pub const ALL: [Aal; 3] = [Self::Aal1, Self::Aal2, Self::Aal3];

    pub fn as_urn(self) -> &'static str {
        match self {
            Self::Aal1 => "urn:vhod:aal1",
            Self::Aal2 => "urn:vhod:aal2",
            Self::Aal3 => "urn:vhod:aal3",
        }
    }

    /// The level an `acr` value names; `None` for values Vhod does not know.
    pub fn from_urn(urn: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_urn() == urn)
    }
}

impl FromStr for Aal {
    type Err = String;
    /// `urn:vhod:aal2` or just `aal2`.
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|a| a.as_urn() == s || a.as_urn().strip_prefix("urn:vhod:") == Some(s))
            .ok_or_else(|| format!("unknown authentication level `{s}` (aal1, aal2, aal3)"))
    }
}

impl fmt::Display for Aal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_urn())
    }
}

/// The scopes Vhod knows, in the order the consent page lists them.
pub const SCOPES: [&str; 9] = [
    "openid",
    "profile",
    "email",
    "phone",
    "address",
    "snils",
    "inn",
    "organizations",
    "offline_access",
];

/// A set of scopes, kept sorted and without duplicates.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scopes(Vec<String>);

impl Scopes {
    pub fn parse(text: &str) -> Self {
        let mut v: Vec<String> = text.split_ascii_whitespace().map(str::to_owned).collect();
        v.sort();
        v.dedup();
        Self(v)
    }

    pub fn contains(&self, scope: &str) -> bool {
        self.0.iter().any(|s| s == scope)
    }

    pub fn is_subset_of(&self, other: &Scopes) -> bool {
        self.0.iter().all(|s| other.contains(s))
    }

    pub fn union(&self, other: &Scopes) -> Scopes {
        Scopes::parse(&format!("{} {}", self, other))
    }

    /// Keeps only the scopes `allowed` lists.
    pub fn intersect(&self, allowed: &Scopes) -> Scopes {
        Scopes(
            self.0
                .iter()
                .filter(|s| allowed.contains(s))
                .cloned()
                .collect(),
        )
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(" "))
    }
}
