//! The one decision of what a portal receives (152-ФЗ: no personal data
//! without consent). A claim is released only when its scope is allowed for
//! the client **and** the person consented to it: to the scope, or to the
//! claim itself when it was asked for one by one. The set is decided when
//! consent is given and stored with the grant; the ID token, userinfo,
//! introspection and refresh read that set and nothing else.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::registry::{self, ClaimDef, ORG_CLAIMS, Place, Subject};
use super::request::ClaimsRequest;
use crate::model::{Consent, Release, Scopes};

/// What a request would release, and so what the consent page shows:
/// userinfo gets the claims of the granted scopes (and the ID token those
/// placed in tokens); both places get the claims asked for one by one whose
/// scope the client is registered for. `scopes` are already those the
/// client may have.
pub fn propose(scopes: &Scopes, claims: &ClaimsRequest, client_scopes: &Scopes) -> Release {
    let allowed = |name: &str, id_token: bool| {
        registry::find(name)
            .filter(|def| client_scopes.contains(def.scope))
            .filter(|def| !id_token || def.place != Place::UserinfoOnly)
            .map(|def| def.name.to_owned())
    };
    let mut release = from_scopes(scopes);
    release.userinfo.extend(
        claims
            .userinfo
            .iter()
            .filter_map(|(name, _)| allowed(name, false)),
    );
    release.id_token.extend(
        claims
            .id_token
            .iter()
            .filter_map(|(name, _)| allowed(name, true)),
    );
    release
}

/// The claims of `scopes`, for userinfo: a grant from before releases were
/// stored, or a request without individual claims.
pub fn from_scopes(scopes: &Scopes) -> Release {
    let of_scopes = || {
        registry::CLAIMS
            .iter()
            .filter(|def| scopes.contains(def.scope))
    };
    Release {
        id_token: of_scopes()
            .filter(|def| def.place == Place::Tokens)
            .map(|def| def.name.to_owned())
            .collect(),
        userinfo: of_scopes().map(|def| def.name.to_owned()).collect(),
    }
}

/// Claims of `release` that `scopes` do not imply: the consent page lists
/// them one by one, and the consent record keeps them by name.
pub fn individual(release: &Release, scopes: &Scopes) -> Vec<&'static ClaimDef> {
    registry::CLAIMS
        .iter()
        .filter(|def| !scopes.contains(def.scope))
        .filter(|def| release.id_token.contains(def.name) || release.userinfo.contains(def.name))
        .collect()
}

/// Whether a remembered consent covers a request: every scope and every
/// claim was shown to and allowed by the person before.
pub fn covered_by(consent: &Consent, scopes: &Scopes, release: &Release) -> bool {
    scopes.is_subset_of(&consent.scopes)
        && release
            .id_token
            .iter()
            .chain(&release.userinfo)
            .all(|name| {
                consent.claims.contains(name)
                    || registry::find(name).is_some_and(|def| consent.scopes.contains(def.scope))
            })
}

/// The release of a refresh that asked for fewer scopes than `granted`:
/// the claims of the dropped scopes go; claims asked for one by one under
/// other scopes stay.
pub fn narrow(release: &Release, granted: &Scopes, kept: &Scopes) -> Release {
    let dropped = |scope: &str| granted.contains(scope) && !kept.contains(scope);
    let keep = |names: &BTreeSet<String>| {
        names
            .iter()
            .filter(|n| registry::find(n).is_some_and(|def| !dropped(def.scope)))
            .cloned()
            .collect()
    };
    Release {
        id_token: keep(&release.id_token),
        userinfo: keep(&release.userinfo),
    }
}

/// Whether any of `names` needs the person's memberships (`org`, `orgs`).
pub fn needs_orgs<'a>(mut names: impl Iterator<Item = &'a String>) -> bool {
    names.any(|n| ORG_CLAIMS.contains(&n.as_str()))
}

/// The userinfo response: `sub` and the released claims the subject has a
/// value for.
pub fn userinfo_claims(subject: &Subject<'_>, names: &BTreeSet<String>) -> Map<String, Value> {
    let mut all = values(subject, names);
    all.insert("sub".into(), json!(subject.account.id));
    all
}

/// The personal claims of an ID token (and `org`, which the access token
/// carries too).
pub fn id_token_claims(subject: &Subject<'_>, release: &Release) -> Map<String, Value> {
    values(subject, &release.id_token)
}

fn values(subject: &Subject<'_>, names: &BTreeSet<String>) -> Map<String, Value> {
    registry::CLAIMS
        .iter()
        .filter(|def| names.contains(def.name))
        .map(|def| (def.name.to_owned(), (def.value)(subject)))
        .filter(|(_, value)| !value.is_null())
        .collect()
}

#[cfg(test)]
mod tests;
