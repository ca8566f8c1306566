//! Minting and checking tokens: ID tokens (Core §2), JWT access tokens
//! (RFC 9068). The claim sets are made from plain values ([`access_claims`],
//! [`id_claims`]) apart from signing them; the revocation marks a check
//! reads are `sessions::revocation`'s.

use std::collections::BTreeSet;

use keys::Algorithm;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::error::OAuthError;
use crate::clock::UnixTime;
use crate::ctx::Ctx;
use crate::model::{AuthContext, Client, Scopes, random_token};
use crate::sessions;

pub const ACCESS_TOKEN_TYP: &str = "at+jwt";

/// The claims of a Vhod access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    pub client_id: String,
    pub exp: UnixTime,
    pub iat: UnixTime,
    pub jti: String,
    pub scope: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_time: Option<UnixTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amr: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_level: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// The grant (refresh-token family) this token belongs to, so revoking
    /// the grant revokes the token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant_id: Option<String>,
    /// The claims the grant released to userinfo.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub userinfo_claims: BTreeSet<String>,
    /// The organization the person acts for, as the ID token shows it
    /// (scope `organizations`; absent for a private person).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<Value>,
}

/// Whose access token to mint.
pub enum Holder<'a> {
    /// The client itself (`client_credentials`).
    Client,
    /// A person: the login, the grant, what it released to userinfo, and
    /// the acting organization's claim.
    Person {
        auth: &'a AuthContext,
        grant_id: &'a str,
        userinfo_claims: &'a BTreeSet<String>,
        org: Option<&'a Value>,
    },
}

/// Mints an access token for a person or for the client itself, signed
/// with the client's algorithm, else the server's.
pub fn access_token(
    ctx: &Ctx,
    client: &Client,
    scopes: &Scopes,
    holder: Holder<'_>,
) -> Result<String, OAuthError> {
    let claims = access_claims(
        &ctx.issuer,
        client,
        scopes,
        holder,
        Lifetime {
            now: ctx.now(),
            ttl_secs: ctx.config.access_token_ttl_secs,
        },
        random_token(16).expose(),
    );
    let alg = client
        .access_token_alg
        .unwrap_or(ctx.config.access_token_alg);
    let key = ctx.keys.signer(alg).map_err(OAuthError::server_error)?;
    key.sign_jwt(ACCESS_TOKEN_TYP, &claims)
        .map_err(OAuthError::server_error)
}

/// When a token is made and how long it lives.
#[derive(Debug, Clone, Copy)]
pub struct Lifetime {
    pub now: UnixTime,
    pub ttl_secs: i64,
}

/// The claim set of an access token (RFC 9068) from plain values: what
/// [`access_token`] signs. `jti` is the token's unique id.
pub fn access_claims(
    issuer: &str,
    client: &Client,
    scopes: &Scopes,
    holder: Holder<'_>,
    lifetime: Lifetime,
    jti: &str,
) -> AccessClaims {
    let (auth, grant_id, userinfo_claims, org) = match holder {
        Holder::Client => (None, None, None, None),
        Holder::Person {
            auth,
            grant_id,
            userinfo_claims,
            org,
        } => (Some(auth), Some(grant_id), Some(userinfo_claims), org),
    };
    let client_id = client.id.as_str();
    AccessClaims {
        iss: issuer.to_owned(),
        sub: auth.map_or_else(|| client_id.to_owned(), |a| a.account_id.clone()),
        aud: client_id.to_owned(),
        client_id: client_id.to_owned(),
        exp: lifetime.now + lifetime.ttl_secs,
        iat: lifetime.now,
        jti: jti.to_owned(),
        scope: scopes.to_string(),
        auth_time: auth.map(|a| a.auth_time),
        acr: auth.map(|a| a.aal.as_urn().to_owned()),
        amr: auth.map(|a| a.amr.clone()),
        account_level: auth.map(|a| a.account_level.as_str().to_owned()),
        sid: auth.map(|a| a.sid.clone()),
        grant_id: grant_id.map(str::to_owned),
        userinfo_claims: userinfo_claims.cloned().unwrap_or_default(),
        org: org.cloned(),
    }
}

/// What goes into an ID token beyond the authentication context.
pub struct IdTokenInput<'a> {
    pub client: &'a Client,
    pub auth: &'a AuthContext,
    /// The personal claims the grant released to the ID token, with their
    /// values (`claims::id_token_claims`).
    pub personal: Map<String, Value>,
    pub nonce: Option<&'a str>,
    pub access_token: Option<&'a str>,
}

/// Mints an ID token (Core §2, §3.1.3.6) signed with the client's algorithm.
pub fn id_token(ctx: &Ctx, input: IdTokenInput<'_>) -> Result<String, OAuthError> {
    let alg: Algorithm = input
        .client
        .id_token_alg
        .parse()
        .unwrap_or(Algorithm::RS256);
    let key = ctx.keys.signer(alg).map_err(OAuthError::server_error)?;
    let lifetime = Lifetime {
        now: ctx.now(),
        ttl_secs: ctx.config.id_token_ttl_secs,
    };
    let claims = id_claims(&ctx.issuer, input, alg, lifetime);
    key.sign_jwt("JWT", &Value::Object(claims))
        .map_err(OAuthError::server_error)
}

/// The claim set of an ID token from plain values: what [`id_token`]
/// signs with `alg` (which `at_hash` follows).
pub fn id_claims(
    issuer: &str,
    input: IdTokenInput<'_>,
    alg: Algorithm,
    lifetime: Lifetime,
) -> Map<String, Value> {
    // Personal claims only as the grant released them (Core §5.5).
    let mut claims = input.personal;
    let auth = input.auth;
    let now = lifetime.now;
    claims.extend([
        ("iss".into(), json!(issuer)),
        ("sub".into(), json!(auth.account_id)),
        ("aud".into(), json!(input.client.id)),
        ("azp".into(), json!(input.client.id)),
        ("exp".into(), json!(now + lifetime.ttl_secs)),
        ("iat".into(), json!(now)),
        ("auth_time".into(), json!(auth.auth_time)),
        ("acr".into(), json!(auth.aal)),
        ("amr".into(), json!(auth.amr)),
        ("sid".into(), json!(auth.sid)),
        ("account_level".into(), json!(auth.account_level)),
    ]);
    if let Some(nonce) = input.nonce {
        claims.insert("nonce".into(), json!(nonce));
    }
    if let Some(at) = input.access_token {
        claims.insert("at_hash".into(), json!(at_hash(alg, at)));
    }
    claims
}

/// Core §3.1.3.6: the left half of the hash of the access token, with the
/// hash of the signing algorithm (SHA-512 for Ed25519).
pub fn at_hash(alg: Algorithm, access_token: &str) -> String {
    use base64::Engine;
    let algorithm = match alg {
        Algorithm::EdDSA => &ring::digest::SHA512,
        Algorithm::RS256 | Algorithm::PS256 | Algorithm::ES256 => &ring::digest::SHA256,
    };
    let digest = ring::digest::digest(algorithm, access_token.as_bytes());
    let half = &digest.as_ref()[..digest.as_ref().len() / 2];
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(half)
}

/// Checks an access token: signature by a key still accepted, type, issuer,
/// expiry, its own revocation mark (RFC 7009), and that its grant is live.
/// The grant is read from the durable store, one primary-key lookup: a
/// revocation made anywhere — another node, the admin CLI in a process of
/// its own — stops the token at once.
pub async fn verify_access_token(ctx: &Ctx, token: &str) -> Result<AccessClaims, OAuthError> {
    let invalid = || OAuthError::invalid_token("the access token is invalid, expired or revoked");
    let verified = ctx
        .keys
        .verify_fresh(token, &ctx.sql, &ctx.master)
        .await
        .map_err(|_| invalid())?;
    if verified.typ.as_deref() != Some(ACCESS_TOKEN_TYP) {
        return Err(invalid());
    }
    let claims: AccessClaims = serde_json::from_value(verified.claims).map_err(|_| invalid())?;
    if claims.iss != *ctx.issuer || claims.exp <= ctx.now() {
        return Err(invalid());
    }
    if sessions::revocation::access_token_revoked(ctx, &claims.jti).await? {
        return Err(invalid());
    }
    if let Some(grant) = &claims.grant_id
        && !ctx.sql.grant_is_live(grant).await?
    {
        return Err(invalid());
    }
    Ok(claims)
}

/// What a valid `id_token_hint` says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdTokenHint {
    pub sub: String,
    pub sid: Option<String>,
    /// The client it was issued to (the first audience).
    pub aud: String,
}

/// Checks an `id_token_hint` (Core §3.1.2.1, RP-Initiated Logout §2): an
/// ID token this provider signed, maybe on another node with a key this
/// one has not loaded yet. Expiry does not matter; an access token
/// (`typ: at+jwt`) or any other JWT type is refused.
pub async fn verify_id_token_hint(ctx: &Ctx, hint: &str) -> Option<IdTokenHint> {
    ctx.keys.catch_up(hint, &ctx.sql, &ctx.master).await;
    id_token_hint(ctx, hint)
}

/// [`verify_id_token_hint`] with the keys this node holds now.
pub fn id_token_hint(ctx: &Ctx, hint: &str) -> Option<IdTokenHint> {
    let verified = ctx.keys.verify(hint).ok()?;
    if !matches!(verified.typ.as_deref(), None | Some("JWT")) {
        return None;
    }
    let claims = &verified.claims;
    if claims["iss"] != *ctx.issuer {
        return None;
    }
    let aud = match &claims["aud"] {
        Value::String(aud) => aud.clone(),
        Value::Array(auds) => auds.first()?.as_str()?.to_owned(),
        _ => return None,
    };
    Some(IdTokenHint {
        sub: claims["sub"].as_str()?.to_owned(),
        sid: claims["sid"].as_str().map(str::to_owned),
        aud,
    })
}

#[cfg(test)]
mod tests;
