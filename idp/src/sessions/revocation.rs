//! Revocation marks in the short-lived store: one access token revoked
//! (RFC 7009) until it would have expired anyway, and a grant revoked for
//! the access-token lifetime — set before its row may exist, so a code
//! redemption racing a replay finds it. Plain values in, so the token
//! code above asks here and nothing here knows a token's shape.

use crate::clock::UnixTime;
use crate::ctx::Ctx;
use crate::store::{EphemeralExt, StoreError};

fn revoked_jti(jti: &str) -> String {
    format!("revoked-at:{jti}")
}

fn revoked_grant(grant_id: &str) -> String {
    format!("revoked-grant:{grant_id}")
}

/// Marks the access token `jti` revoked until its expiry `exp`.
pub async fn revoke_access_token(ctx: &Ctx, jti: &str, exp: UnixTime) -> Result<(), StoreError> {
    let ttl = exp - ctx.now();
    if ttl > 0 {
        ctx.ephemeral
            .put_json(&revoked_jti(jti), &true, ttl)
            .await?;
    }
    Ok(())
}

/// Whether the access token `jti` was marked revoked.
pub async fn access_token_revoked(ctx: &Ctx, jti: &str) -> Result<bool, StoreError> {
    Ok(ctx.ephemeral.get(&revoked_jti(jti)).await?.is_some())
}

/// Revokes a whole grant, its access and refresh tokens. The mark comes
/// first: a code redemption that stores the grant after this ran (a replay
/// racing the first use) finds it (see [`grant_revoked`]).
pub async fn revoke_grant(ctx: &Ctx, grant_id: &str) -> Result<usize, StoreError> {
    let ttl = ctx.config.access_token_ttl_secs;
    ctx.ephemeral
        .put_json(&revoked_grant(grant_id), &true, ttl)
        .await?;
    ctx.sql.revoke_grant(grant_id).await
}

/// Whether a grant was marked revoked within the access-token lifetime.
pub async fn grant_revoked(ctx: &Ctx, grant_id: &str) -> Result<bool, StoreError> {
    Ok(ctx.ephemeral.get(&revoked_grant(grant_id)).await?.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_access_token_mark_lasts_until_the_token_would_have_expired() {
        let (ctx, clock) = Ctx::for_tests().await;
        let exp = ctx.now() + 600;
        revoke_access_token(&ctx, "jti-1", exp).await.unwrap();
        assert!(access_token_revoked(&ctx, "jti-1").await.unwrap());
        assert!(!access_token_revoked(&ctx, "jti-2").await.unwrap());
        clock.advance(600);
        assert!(!access_token_revoked(&ctx, "jti-1").await.unwrap());
        // A token already expired needs no mark.
        revoke_access_token(&ctx, "jti-3", ctx.now()).await.unwrap();
        assert!(!access_token_revoked(&ctx, "jti-3").await.unwrap());
    }

    #[tokio::test]
    async fn a_grant_is_marked_before_its_row_exists_for_the_token_lifetime() {
        let (ctx, clock) = Ctx::for_tests().await;
        // No row yet (a replay racing the first redemption): nothing to
        // revoke in the database, and the mark stands.
        assert_eq!(revoke_grant(&ctx, "grant-1").await.unwrap(), 0);
        assert!(grant_revoked(&ctx, "grant-1").await.unwrap());
        assert!(!grant_revoked(&ctx, "grant-2").await.unwrap());
        clock.advance(ctx.config.access_token_ttl_secs);
        assert!(!grant_revoked(&ctx, "grant-1").await.unwrap());
    }
}
