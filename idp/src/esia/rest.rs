//! ESIA's REST API about the person (`/rs/prns/{oid}` and its collections),
//! guarded by an ESIA access token: its own person only, each part only
//! under the scopes that cover it ([`super::views`] shapes the JSON).

use serde_json::Value;

use super::scopes::holds;
use super::tokens::{AccessClaims, verify_access};
use super::views::{self, Data};
use crate::ctx::Ctx;
use crate::oidc::error::{ErrorCode, OAuthError};

/// What is read: the person, or one of the collections, or one element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Person,
    Contacts,
    Documents,
    Addresses,
    Roles,
}

impl Part {
    pub fn parse(segment: Option<&str>) -> Option<Part> {
        Some(match segment {
            None => Part::Person,
            Some("ctts") => Part::Contacts,
            Some("docs") => Part::Documents,
            Some("addrs") => Part::Addresses,
            Some("roles") => Part::Roles,
            Some(_) => return None,
        })
    }

    /// The ESIA scopes any one of which opens this part.
    fn scopes(self) -> &'static [&'static str] {
        match self {
            Part::Person => &[
                "fullname",
                "birthdate",
                "gender",
                "snils",
                "inn",
                "birthplace",
            ],
            Part::Contacts => &["contacts", "email", "mobile"],
            Part::Documents => &["id_doc"],
            Part::Addresses => &["addresses", "contacts"],
            Part::Roles => &["usr_org"],
        }
    }
}

/// A request to the REST API.
pub struct Read<'a> {
    pub oid: &'a str,
    pub part: Part,
    /// One element of a collection (`/rs/prns/{oid}/ctts/{id}`).
    pub element: Option<&'a str>,
    /// `?embed=(elements)`: the collection's elements inline.
    pub embed: bool,
}

/// Reads what `token` may see. Refusals are ESIA's: an invalid, expired or
/// revoked token 401; another person's oid or a missing scope 403; an
/// unknown element 404.
pub async fn read(ctx: &Ctx, token: &str, read: Read<'_>) -> Result<Value, RestError> {
    let claims = verify_access(ctx, token).await.map_err(RestError::Token)?;
    if read.oid != claims.sbj_id.to_string() {
        return Err(RestError::Token(OAuthError::new(
            ErrorCode::InsufficientScope,
            "ESIA-007022: the access token is for another person",
        )));
    }
    let allowed = read.part.scopes().iter().any(|s| holds(&claims.scope, s));
    if !allowed {
        return Err(RestError::Token(OAuthError::new(
            ErrorCode::InsufficientScope,
            format!(
                "ESIA-007022: the access token has none of the scopes {}",
                read.part.scopes().join(", ")
            ),
        )));
    }
    let data = gather(ctx, &claims, read.part).await?;
    let base = format!("{}/rs/prns/{}", ctx.issuer, claims.sbj_id);
    views::render(
        &data,
        &claims.scope,
        read.part,
        read.element,
        read.embed,
        &base,
    )
    .ok_or(RestError::NotFound)
}

async fn gather(ctx: &Ctx, claims: &AccessClaims, part: Part) -> Result<Data, RestError> {
    let account_id = ctx
        .sql
        .account_by_oid(claims.sbj_id)
        .await?
        .ok_or(RestError::NotFound)?;
    let account = ctx
        .sql
        .account(&account_id)
        .await?
        .ok_or(RestError::NotFound)?;
    let profile = match part {
        Part::Person | Part::Documents => ctx.sql.profile(&account_id).await?,
        _ => None,
    };
    let orgs = match part {
        Part::Roles => ctx.sql.memberships_of(&account_id).await?,
        _ => Vec::new(),
    };
    Ok(Data {
        account,
        profile,
        orgs,
    })
}

/// Why the REST API said no.
#[derive(Debug)]
pub enum RestError {
    /// 401 or 403, with the Bearer challenge.
    Token(OAuthError),
    /// No such element (or the person is gone).
    NotFound,
}

impl From<crate::store::StoreError> for RestError {
    fn from(e: crate::store::StoreError) -> Self {
        RestError::Token(OAuthError::server_error(e))
    }
}
