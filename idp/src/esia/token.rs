//! ESIA's token endpoint (`/aas/oauth2/te`, `/aas/oauth2/v3/te`): the
//! client signs the request as at the authorization endpoint (v3 with the
//! code too); the code is redeemed by the same rules as OpenID Connect's
//! (`oidc::token_endpoint::redeem`: single use, a replay revokes the first
//! use's tokens), and the tokens are ESIA's ([`super::tokens`]).

use serde::Serialize;

use super::request::{self, Signed, Version, esia_client, missing, refusal, required};
use super::scopes;
use super::tokens::{self, AccessClaims, Person};
use crate::audit::{Entry, events};
use crate::ctx::Ctx;
use crate::model::{AuthContext, Client, Scopes};
use crate::oidc::error::{ErrorCode, OAuthError};
use crate::oidc::params::Params;
use crate::oidc::token_endpoint::{Presented, Redeemed, redeem, rotate};

/// ESIA's token response.
#[derive(Debug, Serialize)]
pub struct Tokens {
    pub access_token: String,
    pub id_token: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    pub expires_in: i64,
    pub state: String,
    pub token_type: &'static str,
}

/// Exchanges a code for ESIA tokens. Every refusal carries ESIA's code.
pub async fn exchange(
    ctx: &Ctx,
    params: &Params,
    version: Version,
    request_id: Option<&str>,
) -> Result<Tokens, OAuthError> {
    exchange_code(ctx, params, version, request_id)
        .await
        .map_err(OAuthError::in_esia_dialect)
}

async fn exchange_code(
    ctx: &Ctx,
    params: &Params,
    version: Version,
    request_id: Option<&str>,
) -> Result<Tokens, OAuthError> {
    let get = |name: &'static str| required(params, name);
    let client_id = get("client_id")?;
    let client = esia_client(ctx, client_id).await?;
    let refresh = match get("grant_type")? {
        "authorization_code" => false,
        "refresh_token" => true,
        _ => {
            return Err(refusal(
                ErrorCode::UnsupportedGrantType,
                "ESIA-007014",
                "grant_type must be `authorization_code` or `refresh_token`",
            ));
        }
    };
    let code = get(if refresh { "refresh_token" } else { "code" })?;
    let redirect_uri = get("redirect_uri")?;
    let certificate_hash = params.get("client_certificate_hash")?;
    if version == Version::V2 && certificate_hash.is_none() {
        return Err(missing("client_certificate_hash"));
    }
    let signed = Signed {
        client_id,
        scope: get("scope")?,
        timestamp: get("timestamp")?,
        state: get("state")?,
        redirect_uri,
        // v3 signs the code, not a refresh token.
        code: (version == Version::V2 && !refresh).then_some(code),
    };
    let now = (ctx.now(), ctx.config.esia.timestamp_window_secs);
    let secret = get("client_secret")?;
    request::verify(&client, version, &signed, secret, certificate_hash, now)?;
    if refresh {
        let rotated = rotate(ctx, &client, code, None, request_id).await?;
        let asked: Vec<String> = signed
            .scope
            .split_ascii_whitespace()
            .map(str::to_owned)
            .collect();
        let minted = Minted {
            auth: &rotated.grant.auth,
            grant_id: rotated.grant.id.clone(),
            // What was granted bounds what a refresh may name.
            esia_scopes: &asked,
            scopes: &rotated.grant.scopes,
            refresh: Some(rotated.next.expose().to_owned()),
        };
        return mint(ctx, &client, minted, signed.state, request_id).await;
    }

    let presented = Presented {
        code,
        redirect_uri: Some(redirect_uri),
        code_verifier: None,
    };
    let Redeemed {
        code: grant,
        grant_id,
        refresh,
    } = redeem(ctx, &client, presented, request_id).await?;
    let esia = grant.esia.as_ref().ok_or_else(|| {
        OAuthError::invalid_grant("the code was not issued by an ESIA authorization request")
    })?;
    let minted = Minted {
        auth: &grant.auth,
        grant_id,
        esia_scopes: &esia.scopes,
        scopes: &grant.scopes,
        refresh: refresh.map(|r| r.expose().to_owned()),
    };
    mint(ctx, &client, minted, signed.state, request_id).await
}

/// What the tokens are made of.
struct Minted<'a> {
    auth: &'a AuthContext,
    grant_id: String,
    /// The ESIA scopes asked for; those `scopes` (Vhod's, granted) cover
    /// go into the access token.
    esia_scopes: &'a [String],
    scopes: &'a Scopes,
    refresh: Option<String>,
}

/// ESIA's ID and access tokens for a grant.
async fn mint(
    ctx: &Ctx,
    client: &Client,
    m: Minted<'_>,
    state: &str,
    request_id: Option<&str>,
) -> Result<Tokens, OAuthError> {
    let oid = ctx
        .sql
        .account_oid(&m.auth.account_id)
        .await?
        .ok_or_else(|| OAuthError::invalid_grant("the account of this grant no longer exists"))?;
    let now = ctx.now();
    let issuer = ctx.config.esia.issuer.clone();
    let person = Person { oid, auth: m.auth };
    let id_claims = tokens::id_claims(
        &issuer,
        &client.id,
        &person,
        &m.grant_id,
        (now, ctx.config.id_token_ttl_secs),
    );
    let access = AccessClaims {
        iss: issuer,
        nbf: now,
        iat: now,
        exp: now + ctx.config.access_token_ttl_secs,
        scope: scopes::granted(m.esia_scopes, m.scopes, oid),
        sid: m.grant_id,
        sbj_id: oid,
        client_id: client.id.clone(),
    };
    let response = Tokens {
        access_token: tokens::sign(ctx, &access)?,
        id_token: tokens::sign(ctx, &id_claims)?,
        refresh_token: m.refresh,
        expires_in: ctx.config.access_token_ttl_secs,
        state: state.to_owned(),
        token_type: "Bearer",
    };
    ctx.audit
        .record(
            Entry::new(events::TOKEN_ISSUED)
                .account(&m.auth.account_id)
                .client(&client.id)
                .request(request_id)
                .detail(serde_json::json!({"grant": "esia", "scope": access.scope})),
            now,
        )
        .await;
    Ok(response)
}
