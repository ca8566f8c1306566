//! Token introspection (RFC 7662). A client learns about tokens issued to
//! itself; any other token is reported inactive, revealing nothing.

use serde_json::{Value, json};

use super::error::OAuthError;
use super::params::Params;
use super::tokens::verify_access_token;
use crate::ctx::Ctx;
use crate::model::{Client, Secret};

pub async fn introspect(ctx: &Ctx, client: &Client, params: &Params) -> Result<Value, OAuthError> {
    let token = params.require("token")?;
    let hint = params.get("token_type_hint")?;
    let inactive = json!({"active": false});
    // Try the hinted kind first (RFC 7662 §2.1), then the other.
    let access_first = hint != Some("refresh_token");
    for access in [access_first, !access_first] {
        let found = if access {
            access_token(ctx, client, token).await?
        } else {
            refresh_token(ctx, client, token).await?
        };
        if let Some(value) = found {
            return Ok(value);
        }
    }
    Ok(inactive)
}

async fn access_token(
    ctx: &Ctx,
    client: &Client,
    token: &str,
) -> Result<Option<Value>, OAuthError> {
    let claims = match verify_access_token(ctx, token).await {
        Ok(claims) => claims,
        Err(e) if e.code == super::error::ErrorCode::InvalidToken => return Ok(None),
        Err(e) => return Err(e),
    };
    if claims.client_id != client.id {
        return Ok(None);
    }
    let mut value = serde_json::to_value(&claims).map_err(OAuthError::server_error)?;
    value["active"] = json!(true);
    value["token_type"] = json!("Bearer");
    if let Some(map) = value.as_object_mut() {
        map.remove("userinfo_claims");
    }
    Ok(Some(value))
}

async fn refresh_token(
    ctx: &Ctx,
    client: &Client,
    token: &str,
) -> Result<Option<Value>, OAuthError> {
    let Some(stored) = ctx.sql.refresh_token(&Secret::new(token).digest()).await? else {
        return Ok(None);
    };
    let live = !stored.revoked && stored.rotated_at.is_none() && stored.expires_at > ctx.now();
    if !live || stored.client_id != client.id {
        return Ok(None);
    }
    Ok(Some(json!({
        "active": true,
        "token_type": "refresh_token",
        "client_id": stored.client_id,
        "sub": stored.auth.account_id,
        "scope": stored.scopes.to_string(),
        "iss": ctx.issuer.as_ref(),
        "iat": stored.issued_at,
        "exp": stored.expires_at,
        "auth_time": stored.auth.auth_time,
        "acr": stored.auth.aal,
        "account_level": stored.auth.account_level,
    })))
}
