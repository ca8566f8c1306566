//! ESIA-shaped tokens: JWTs signed RS256 by the server's active RS256 key
//! (`idp esia export-key` prints its public key), with ESIA's issuer name
//! and claims. `urn:esia:sid` is the grant, so revoking the grant (a
//! replayed code, a logout) stops its access tokens.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::clock::UnixTime;
use crate::ctx::Ctx;
use crate::model::{AccountLevel, AuthContext};
use crate::oidc::error::{ErrorCode, OAuthError};

/// ESIA's `amr`/`urn:esia:amd`: `DS` for a signature certificate, `PWD`
/// otherwise (a second factor is not named apart).
pub fn amr(auth: &AuthContext) -> &'static str {
    if auth.amr.iter().any(|m| m == "swk" || m == "hwk") {
        "DS"
    } else {
        "PWD"
    }
}

/// The person an ESIA token is about.
pub struct Person<'a> {
    pub oid: i64,
    pub auth: &'a AuthContext,
}

/// The ID token's claim set.
pub fn id_claims(
    issuer: &str,
    client_id: &str,
    person: &Person<'_>,
    sid: &str,
    (now, ttl): (UnixTime, i64),
) -> Value {
    let mut subject = json!({
        "urn:esia:sbj:typ": "P",
        "urn:esia:sbj:oid": person.oid,
        "urn:esia:sbj:nam": format!("OID.{}", person.oid),
    });
    // ESIA writes is_tru only for a confirmed account.
    if person.auth.account_level == AccountLevel::Confirmed {
        subject["urn:esia:sbj:is_tru"] = json!(true);
    }
    json!({
        "iss": issuer,
        "sub": person.oid,
        "aud": client_id,
        "nbf": now,
        "iat": now,
        "exp": now + ttl,
        "auth_time": person.auth.auth_time,
        "amr": amr(person.auth),
        "urn:esia:amd": amr(person.auth),
        "urn:esia:sid": sid,
        "urn:esia:sbj": subject,
    })
}

/// The claims of an ESIA access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    pub nbf: UnixTime,
    pub iat: UnixTime,
    pub exp: UnixTime,
    /// ESIA's form: `openid?oid=1000000001 fullname?oid=1000000001`.
    pub scope: String,
    #[serde(rename = "urn:esia:sid")]
    pub sid: String,
    #[serde(rename = "urn:esia:sbj_id")]
    pub sbj_id: i64,
    pub client_id: String,
}

/// Signs an ESIA token's claims with the active RS256 key.
pub fn sign(ctx: &Ctx, claims: &impl Serialize) -> Result<String, OAuthError> {
    let key = ctx
        .keys
        .signer(keys::Algorithm::RS256)
        .map_err(OAuthError::server_error)?;
    key.sign_jwt("JWT", claims)
        .map_err(OAuthError::server_error)
}

/// Checks an ESIA access token: a published key's signature, ESIA's
/// issuer, not expired, an access token (not an ID token), its grant live.
pub async fn verify_access(ctx: &Ctx, token: &str) -> Result<AccessClaims, OAuthError> {
    let invalid = || {
        OAuthError::new(
            ErrorCode::InvalidToken,
            "ESIA-007021: the access token is invalid, expired or revoked",
        )
    };
    let verified = ctx
        .keys
        .verify_fresh(token, &ctx.sql, &ctx.master)
        .await
        .map_err(|_| invalid())?;
    if verified.claims.get("urn:esia:sbj").is_some() {
        return Err(invalid());
    }
    let claims: AccessClaims = serde_json::from_value(verified.claims).map_err(|_| invalid())?;
    let now = ctx.now();
    if claims.iss != ctx.config.esia.issuer || claims.exp <= now || claims.nbf > now {
        return Err(invalid());
    }
    if !ctx.sql.grant_is_live(&claims.sid).await? {
        return Err(invalid());
    }
    Ok(claims)
}
