//! Token revocation (RFC 7009). Unknown tokens and tokens of other clients
//! get the same 200 as a successful revocation (§2.2), so nothing leaks.

use super::error::{ErrorCode, OAuthError};
use super::params::Params;
use super::tokens::verify_access_token;
use crate::audit::{Entry, events};
use crate::ctx::Ctx;
use crate::model::{Client, Secret};
use crate::sessions::revocation;

pub async fn revoke(
    ctx: &Ctx,
    client: &Client,
    params: &Params,
    request_id: Option<&str>,
) -> Result<(), OAuthError> {
    let token = params.require("token")?;
    match params.get("token_type_hint")? {
        None | Some("access_token" | "refresh_token") => {}
        Some(other) => {
            return Err(OAuthError::new(
                ErrorCode::UnsupportedTokenType,
                format!(
                    "token_type_hint `{}` is not supported; use access_token or refresh_token",
                    super::auth_request::preview(other)
                ),
            ));
        }
    }
    if let Some(stored) = ctx.sql.refresh_token(&Secret::new(token).digest()).await? {
        if stored.client_id == client.id {
            // Revoking a refresh token revokes its grant and access tokens
            // (RFC 7009 §2.1).
            revocation::revoke_grant(ctx, &stored.family_id).await?;
            audit(
                ctx,
                client,
                Some(&stored.auth.account_id),
                "refresh_token",
                request_id,
            )
            .await;
        }
        return Ok(());
    }
    if let Ok(claims) = verify_access_token(ctx, token).await
        && claims.client_id == client.id
    {
        revocation::revoke_access_token(ctx, &claims.jti, claims.exp).await?;
        audit(ctx, client, Some(&claims.sub), "access_token", request_id).await;
    }
    Ok(())
}

async fn audit(
    ctx: &Ctx,
    client: &Client,
    account: Option<&str>,
    kind: &str,
    request_id: Option<&str>,
) {
    let mut entry = Entry::new(events::TOKEN_REVOKED)
        .client(&client.id)
        .request(request_id)
        .detail(serde_json::json!({"token_type": kind}));
    if let Some(account) = account {
        entry = entry.account(account);
    }
    ctx.audit.record(entry, ctx.now()).await;
}
