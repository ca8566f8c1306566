//! The token endpoint (RFC 6749 §3.2): client authentication, then one
//! module per grant type.

mod authorization_code;
mod client_auth;
mod client_credentials;
mod refresh_token;
mod token_request;

pub use authorization_code::pkce_challenge;
pub use client_auth::{ClientCredentials, authenticate};
pub use token_request::{GRANT_TYPES, TokenRequest};

use serde::Serialize;

use super::claims;
use super::error::OAuthError;
use super::params::Params;
use crate::ctx::Ctx;
use crate::model::{AuthContext, Client, Release, Scopes};

/// A successful token response (RFC 6749 §5.1, Core §3.1.3.3).
#[derive(Debug, Serialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    pub scope: String,
}

impl TokenResponse {
    fn new(ctx: &Ctx, access_token: String, scopes: &Scopes) -> Self {
        Self {
            access_token,
            token_type: "Bearer",
            expires_in: ctx.config.access_token_ttl_secs,
            id_token: None,
            refresh_token: None,
            scope: scopes.to_string(),
        }
    }
}

/// Handles a token request: authenticates the client, runs the grant.
pub async fn exchange(
    ctx: &Ctx,
    params: &Params,
    credentials: ClientCredentials,
    request_id: Option<&str>,
) -> Result<TokenResponse, OAuthError> {
    let result = grant(ctx, params, credentials, request_id).await;
    let grant_type: &'static str = match params.get("grant_type") {
        Ok(Some("authorization_code")) => "authorization_code",
        Ok(Some("refresh_token")) => "refresh_token",
        Ok(Some("client_credentials")) => "client_credentials",
        _ => "other",
    };
    metrics::counter!(
        "vhod_tokens_total",
        "grant" => grant_type,
        "outcome" => match &result {
            Ok(_) => "issued",
            Err(e) => e.code.as_str(),
        }
    )
    .increment(1);
    result
}

async fn grant(
    ctx: &Ctx,
    params: &Params,
    credentials: ClientCredentials,
    request_id: Option<&str>,
) -> Result<TokenResponse, OAuthError> {
    params.require("grant_type")?;
    let client = authenticate(ctx, params, credentials).await?;
    match TokenRequest::parse(params)? {
        TokenRequest::AuthorizationCode {
            code,
            redirect_uri,
            code_verifier,
        } => {
            let presented = authorization_code::Presented {
                code: &code,
                redirect_uri: redirect_uri.as_deref(),
                code_verifier: code_verifier.as_deref(),
            };
            authorization_code::exchange(ctx, &client, presented, request_id).await
        }
        TokenRequest::RefreshToken {
            refresh_token,
            scope,
        } => {
            refresh_token::exchange(ctx, &client, &refresh_token, scope.as_deref(), request_id)
                .await
        }
        TokenRequest::ClientCredentials { scope } => {
            client_credentials::exchange(ctx, &client, scope.as_deref())
        }
    }
}

/// Tokens for a person: an access token, an ID token when `openid` was
/// granted, and the refresh token if one was minted.
struct UserGrant<'a> {
    client: &'a Client,
    auth: &'a AuthContext,
    scopes: &'a Scopes,
    nonce: Option<&'a str>,
    release: &'a Release,
    grant_id: &'a str,
    refresh_token: Option<String>,
}

async fn user_tokens(ctx: &Ctx, grant: UserGrant<'_>) -> Result<TokenResponse, OAuthError> {
    let account = ctx
        .sql
        .account(&grant.auth.account_id)
        .await?
        .ok_or_else(|| OAuthError::invalid_grant("the account no longer exists"))?;
    let release = grant.release;
    // Memberships are read now, not from the login's snapshot: a role
    // change or a removal shows in the next token.
    let orgs = if claims::needs_orgs(release.id_token.iter().chain(&release.userinfo)) {
        crate::orgs::claims::of_account(&ctx.sql, &account.id).await?
    } else {
        Vec::new()
    };
    let subject = claims::Subject {
        account: &account,
        orgs: &orgs,
        acting_org: grant.auth.acting_org.as_deref(),
    };
    if grant.auth.acting_org.is_some()
        && release.id_token.contains("org")
        && subject.acting().is_none()
    {
        // The login was for an organization the person has left: it ends.
        crate::sessions::revocation::revoke_grant(ctx, grant.grant_id).await?;
        return Err(OAuthError::invalid_grant(
            "the person no longer works for the organization they logged in for; log in again",
        ));
    }
    let personal = claims::id_token_claims(&subject, release);
    let access_token = super::tokens::access_token(
        ctx,
        grant.client,
        grant.scopes,
        super::tokens::Holder::Person {
            auth: grant.auth,
            grant_id: grant.grant_id,
            userinfo_claims: &release.userinfo,
            org: personal.get("org"),
        },
    )?;
    let mut response = TokenResponse::new(ctx, access_token, grant.scopes);
    if grant.scopes.contains("openid") {
        response.id_token = Some(super::tokens::id_token(
            ctx,
            super::tokens::IdTokenInput {
                client: grant.client,
                auth: grant.auth,
                personal,
                nonce: grant.nonce,
                access_token: Some(&response.access_token),
            },
        )?);
    }
    response.refresh_token = grant.refresh_token;
    Ok(response)
}
