//! Authorization codes: 256 random bits, stored by digest, about a minute
//! long. Redeeming checks the client and the `redirect_uri` first (RFC 6749
//! §4.1.3), so a code presented wrongly stays good for its own client; then
//! it swaps the code for a tombstone naming the grant it is about to
//! create, in one atomic step, so a second use — even one racing the first
//! — finds the tombstone and revokes that grant (RFC 6749 §4.1.2).

use serde::{Deserialize, Serialize};

use super::auth_request::{AuthRequest, EsiaParts};
use crate::clock::UnixTime;
use crate::ctx::Ctx;
use crate::model::{AuthContext, Release, Scopes, Secret, random_token};
use crate::store::{EphemeralExt, StoreError, Update, update_json};

/// What a code stands for: the request, the login and the released claims.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CodeGrant {
    pub client_id: String,
    pub redirect_uri: String,
    pub scopes: Scopes,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub release: Release,
    pub auth: AuthContext,
    pub expires_at: UnixTime,
    /// An ESIA-dialect request's parts, for its tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub esia: Option<EsiaParts>,
}

/// A code's stored state.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
enum Entry {
    Issued(Box<CodeGrant>),
    Redeemed {
        grant_id: String,
        /// Who redeemed it: only that client's second use is a replay.
        #[serde(default)]
        client_id: Option<String>,
    },
}

/// What presenting a code found.
#[derive(Debug)]
pub enum Redemption {
    /// First use: the grant the code stands for.
    Fresh(Box<CodeGrant>),
    /// Used before; `grant_id` is what the first use issued.
    Replayed { grant_id: String },
    /// Never issued, or long gone.
    Unknown,
    /// Issued to (or redeemed by) another client; left as it was.
    OtherClient,
    /// The right client, another `redirect_uri`; left as it was.
    OtherRedirect,
}

fn key(code: &str) -> String {
    format!("code:{}", Secret::new(code).digest())
}

pub async fn issue(
    ctx: &Ctx,
    request: &AuthRequest,
    auth: &AuthContext,
    release: Release,
) -> Result<Secret, StoreError> {
    let code = random_token(32);
    let ttl = ctx.config.code_ttl_secs;
    let grant = CodeGrant {
        client_id: request.client_id.clone(),
        redirect_uri: request.redirect_uri.clone(),
        scopes: request.scopes.clone(),
        nonce: request.nonce.clone(),
        code_challenge: request.code_challenge.clone(),
        release,
        auth: auth.clone(),
        expires_at: ctx.now() + ttl,
        esia: request.esia.clone(),
    };
    // The store keeps it a little longer than it is valid, so an expired
    // code is reported as expired rather than unknown.
    ctx.ephemeral
        .put_json(
            &key(code.expose()),
            &Entry::Issued(Box::new(grant)),
            ttl + 30,
        )
        .await?;
    Ok(code)
}

/// Redeems a code for `client_id`, presented with `redirect_uri`, for the
/// grant `grant_id` the caller is about to create. Of two concurrent
/// redemptions exactly one gets [`Redemption::Fresh`].
pub async fn redeem(
    ctx: &Ctx,
    code: &str,
    client_id: &str,
    redirect_uri: Option<&str>,
    grant_id: &str,
) -> Result<Redemption, StoreError> {
    // The tombstone outlives every access token the first use could mint.
    let ttl = ctx.config.access_token_ttl_secs.max(3600);
    update_json(&*ctx.ephemeral, &key(code), |entry| match entry {
        None => (Update::Keep, Redemption::Unknown),
        Some(Entry::Redeemed {
            grant_id,
            client_id: by,
        }) => match by {
            Some(by) if by != client_id => (Update::Keep, Redemption::OtherClient),
            _ => (Update::Keep, Redemption::Replayed { grant_id }),
        },
        Some(Entry::Issued(grant)) if grant.client_id != client_id => {
            (Update::Keep, Redemption::OtherClient)
        }
        Some(Entry::Issued(grant)) if Some(grant.redirect_uri.as_str()) != redirect_uri => {
            (Update::Keep, Redemption::OtherRedirect)
        }
        Some(Entry::Issued(grant)) => {
            let tombstone = Entry::Redeemed {
                grant_id: grant_id.to_owned(),
                client_id: Some(client_id.to_owned()),
            };
            (Update::Put(tombstone, ttl), Redemption::Fresh(grant))
        }
    })
    .await
}
