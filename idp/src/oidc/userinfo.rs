//! The UserInfo endpoint (Core §5.3): the claims the grant released, about
//! the person behind an access token.

use serde_json::{Map, Value};

use super::claims::{Subject, needs_orgs, userinfo_claims};
use super::error::{ErrorCode, OAuthError};
use super::tokens::verify_access_token;
use crate::ctx::Ctx;
use crate::model::{AccountLevel, Scopes};

pub async fn userinfo(ctx: &Ctx, token: &str) -> Result<Map<String, Value>, OAuthError> {
    let claims = verify_access_token(ctx, token).await?;
    if !Scopes::parse(&claims.scope).contains("openid") {
        return Err(OAuthError::new(
            ErrorCode::InsufficientScope,
            "the access token was not granted the `openid` scope",
        ));
    }
    let account = ctx.sql.account(&claims.sub).await?.ok_or_else(|| {
        OAuthError::invalid_token("the account behind this token no longer exists")
    })?;
    // The level is the session's snapshot, as in the tokens.
    let level = claims
        .account_level
        .as_deref()
        .and_then(|l| l.parse().ok())
        .unwrap_or(AccountLevel::Simplified);
    // `org` and `orgs` as the memberships are now; the organization acted
    // for is the one the access token names.
    let orgs = if needs_orgs(claims.userinfo_claims.iter()) {
        crate::orgs::claims::of_account(&ctx.sql, &account.id).await?
    } else {
        Vec::new()
    };
    let subject = Subject {
        account: &account,
        orgs: &orgs,
        acting_org: claims.org.as_ref().and_then(|org| org["id"].as_str()),
    };
    let mut released = userinfo_claims(&subject, &claims.userinfo_claims);
    released.insert("account_level".into(), level.as_str().into());
    Ok(released)
}
