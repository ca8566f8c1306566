//! `grant_type=refresh_token` (RFC 6749 §6) with rotation on every use
//! (RFC 9700 §4.14.2).
//!
//! The successor of a refresh token is derived from it with an HMAC under a
//! server key, so the same request repeated within the grace window (two
//! tabs, a retry) gets the same new token without storing any token in
//! clear — but only while that successor is unused, so a thief replaying an
//! old token never catches up with the live one. Any other reuse means the
//! token leaked: the whole grant is revoked and the event audited. A grant
//! lives at most `refresh_family_max_secs`, however often it rotates, and
//! releases what was consented to, read from the grant.

use super::{TokenResponse, UserGrant, user_tokens};
use crate::audit::{Entry, events};
use crate::ctx::Ctx;
use crate::model::{Client, Grant, RefreshToken, Scopes, Secret};
use crate::oidc::claims;
use crate::oidc::error::{ErrorCode, OAuthError};
use crate::sessions::revocation;

pub async fn exchange(
    ctx: &Ctx,
    client: &Client,
    presented: &str,
    scope: Option<&str>,
    request_id: Option<&str>,
) -> Result<TokenResponse, OAuthError> {
    let rotated = rotate(ctx, client, presented, scope, request_id).await?;
    respond(ctx, client, &rotated).await
}

/// A refresh token rotated: its grant, the scopes it was granted and
/// those of this refresh, and its successor.
pub struct Rotated {
    pub grant: Grant,
    pub granted: Scopes,
    pub scopes: Scopes,
    pub next: Secret,
}

/// Rotates a refresh token of `client` by the rules above; the tokens are
/// the caller's: OpenID Connect's here, or another dialect's
/// (`esia::token`).
pub async fn rotate(
    ctx: &Ctx,
    client: &Client,
    presented: &str,
    scope: Option<&str>,
    request_id: Option<&str>,
) -> Result<Rotated, OAuthError> {
    let presented = Secret::new(presented);
    let digest = presented.digest();
    let now = ctx.now();
    let revoked = || OAuthError::invalid_grant("the refresh token has been revoked");
    let (stored, grant) = ctx
        .sql
        .refresh_token_with_grant(&digest)
        .await?
        .ok_or_else(|| OAuthError::invalid_grant("the refresh token is invalid"))?;
    if stored.client_id != client.id {
        return Err(OAuthError::invalid_grant(
            "the refresh token was issued to another client",
        ));
    }
    if stored.revoked {
        return Err(revoked());
    }
    if stored.expires_at <= now {
        return Err(OAuthError::invalid_grant(
            "the refresh token has expired; log in again",
        ));
    }
    let grant = grant.filter(|g| !g.revoked).ok_or_else(revoked)?;
    if grant.expires_at <= now {
        return Err(OAuthError::invalid_grant(
            "this login has reached the longest time it may be renewed; log in again",
        ));
    }
    let scopes = match scope {
        None => stored.scopes.clone(),
        Some(text) => {
            let asked = Scopes::parse(text);
            if !asked.is_subset_of(&stored.scopes) {
                return Err(OAuthError::new(
                    ErrorCode::InvalidScope,
                    "a refresh may only narrow the scope originally granted",
                ));
            }
            asked
        }
    };
    let next = successor(ctx, &presented);
    let mut rotated_at = stored.rotated_at;
    if rotated_at.is_none() {
        let record = RefreshToken {
            digest: next.digest(),
            issued_at: now,
            expires_at: (now + ctx.config.refresh_token_ttl_secs).min(grant.expires_at),
            rotated_at: None,
            revoked: false,
            ..stored.clone()
        };
        if ctx.sql.rotate_refresh_token(&digest, now, &record).await? {
            return Ok(Rotated {
                grant,
                granted: stored.scopes,
                scopes,
                next,
            });
        }
        // Another request rotated it a moment ago, or the grant was revoked.
        let again = ctx.sql.refresh_token(&digest).await?;
        rotated_at = again.and_then(|t| if t.revoked { None } else { t.rotated_at });
        if rotated_at.is_none() {
            return Err(revoked());
        }
        ctx.stats
            .refresh_races
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
    let rotated_at = rotated_at.unwrap_or(now);
    let grace = ctx.config.refresh_grace_secs;
    if grace > 0 && now - rotated_at <= grace {
        let live = ctx.sql.refresh_token(&next.digest()).await?;
        if live.is_some_and(|t| !t.revoked && t.rotated_at.is_none()) {
            return Ok(Rotated {
                grant,
                granted: stored.scopes,
                scopes,
                next,
            });
        }
    }
    let revoked = revocation::revoke_grant(ctx, &stored.family_id).await?;
    ctx.audit
        .record(
            Entry::new(events::REFRESH_REUSED)
                .account(&stored.auth.account_id)
                .client(&client.id)
                .request(request_id)
                .detail(serde_json::json!({"family": stored.family_id, "revoked": revoked})),
            now,
        )
        .await;
    Err(OAuthError::invalid_grant(
        "the refresh token was already used; for safety every token of this login is revoked; log in again",
    ))
}

fn successor(ctx: &Ctx, token: &Secret) -> Secret {
    use base64::Engine;
    let tag = ring::hmac::sign(&ctx.refresh_key, token.expose().as_bytes());
    Secret::new(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(tag.as_ref()))
}

async fn respond(
    ctx: &Ctx,
    client: &Client,
    rotated: &Rotated,
) -> Result<TokenResponse, OAuthError> {
    let Rotated {
        grant,
        granted,
        scopes,
        next,
    } = rotated;
    // A grant from before releases were stored releases what its scopes say.
    let release = match &grant.release {
        Some(release) => release.clone(),
        None => claims::from_scopes(&grant.scopes),
    };
    user_tokens(
        ctx,
        UserGrant {
            client,
            auth: &grant.auth,
            scopes,
            nonce: None,
            release: &claims::narrow(&release, granted, scopes),
            grant_id: &grant.id,
            refresh_token: Some(next.expose().to_owned()),
        },
    )
    .await
}
