//! Authorization codes: 256 random bits, stored by digest, about a minute
//! long, consumed atomically. A redeemed code leaves a tombstone so a second
//! use can revoke what the first one issued (RFC 6749 §4.1.2).

use serde::{Deserialize, Serialize};

use super::claims::ClaimsRequest;
use super::request::AuthRequest;
use crate::app::AppState;
use crate::clock::UnixTime;
use crate::model::{AuthContext, Scopes, Secret, random_token};
use crate::store::{EphemeralExt, StoreError};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CodeGrant {
    pub client_id: String,
    pub redirect_uri: String,
    pub scopes: Scopes,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub claims: ClaimsRequest,
    pub auth: AuthContext,
    pub expires_at: UnixTime,
}

/// What a redeemed code issued, kept to revoke it on a second use.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Redeemed {
    pub grant_id: String,
}

fn key(code: &str) -> String {
    format!("code:{}", Secret::new(code).digest())
}

fn tombstone(code: &str) -> String {
    format!("code-used:{}", Secret::new(code).digest())
}

pub async fn issue(
    app: &AppState,
    request: &AuthRequest,
    auth: &AuthContext,
) -> Result<Secret, StoreError> {
    let code = random_token(32);
    let ttl = app.config.code_ttl_secs;
    let grant = CodeGrant {
        client_id: request.client_id.clone(),
        redirect_uri: request.redirect_uri.clone(),
        scopes: request.scopes.clone(),
        nonce: request.nonce.clone(),
        code_challenge: request.code_challenge.clone(),
        claims: request.claims.clone(),
        auth: auth.clone(),
        expires_at: app.now() + ttl,
    };
    // The store keeps it a little longer than it is valid, so an expired
    // code is reported as expired rather than unknown.
    app.ephemeral
        .put_json(&key(code.expose()), &grant, ttl + 30)
        .await?;
    Ok(code)
}

/// Consumes a code: of two concurrent redemptions only one gets the grant.
pub async fn take(app: &AppState, code: &str) -> Result<Option<CodeGrant>, StoreError> {
    app.ephemeral.take_json(&key(code)).await
}

pub async fn mark_redeemed(
    app: &AppState,
    code: &str,
    redeemed: &Redeemed,
) -> Result<(), StoreError> {
    let ttl = app.config.access_token_ttl_secs.max(3600);
    app.ephemeral
        .put_json(&tombstone(code), redeemed, ttl)
        .await
}

pub async fn redeemed(app: &AppState, code: &str) -> Result<Option<Redeemed>, StoreError> {
    app.ephemeral.get_json(&tombstone(code)).await
}
