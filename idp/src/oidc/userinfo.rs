//! The UserInfo endpoint (Core §5.3): claims about the person behind an
//! access token.

use serde_json::{Map, Value};

use super::claims::user_claims;
use super::error::{ErrorCode, OAuthError};
use super::tokens::verify_access_token;
use crate::app::AppState;
use crate::model::{AccountLevel, AuthContext, Scopes};

pub async fn userinfo(app: &AppState, token: &str) -> Result<Map<String, Value>, OAuthError> {
    let claims = verify_access_token(app, token).await?;
    let scopes = Scopes::parse(&claims.scope);
    if !scopes.contains("openid") {
        return Err(OAuthError::new(
            ErrorCode::InsufficientScope,
            "the access token was not granted the `openid` scope",
        ));
    }
    let account = app.sql.account(&claims.sub).await?.ok_or_else(|| {
        OAuthError::invalid_token("the account behind this token no longer exists")
    })?;
    let auth = AuthContext {
        account_id: claims.sub.clone(),
        auth_time: claims.auth_time.unwrap_or_default(),
        acr: claims.acr.clone().unwrap_or_default(),
        amr: claims.amr.clone().unwrap_or_default(),
        account_level: claims
            .account_level
            .as_deref()
            .and_then(|l| l.parse().ok())
            .unwrap_or(AccountLevel::Simplified),
        sid: claims.sid.clone().unwrap_or_default(),
    };
    Ok(user_claims(
        &account,
        &auth,
        &scopes,
        &claims.userinfo_claims,
    ))
}
