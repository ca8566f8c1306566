//! `grant_type=client_credentials` (RFC 6749 §4.4): a token for the client
//! itself, with no person behind it.

use super::TokenResponse;
use crate::ctx::Ctx;
use crate::model::{Client, Scopes};
use crate::oidc::error::{ErrorCode, OAuthError};
use crate::oidc::tokens;

/// Scopes about a person make no sense without one.
const PERSONAL: [&str; 8] = [
    "openid",
    "profile",
    "email",
    "phone",
    "address",
    "snils",
    "inn",
    "offline_access",
];

pub fn exchange(
    ctx: &Ctx,
    client: &Client,
    scope: Option<&str>,
) -> Result<TokenResponse, OAuthError> {
    if client.is_public() {
        return Err(OAuthError::new(
            ErrorCode::UnauthorizedClient,
            "public clients cannot use client_credentials",
        ));
    }
    let asked = Scopes::parse(scope.unwrap_or_default());
    if let Some(personal) = asked.iter().find(|s| PERSONAL.contains(s)) {
        return Err(OAuthError::new(
            ErrorCode::InvalidScope,
            format!("scope `{personal}` needs a person; use the authorization code flow"),
        ));
    }
    let scopes = asked.intersect(&client.scopes);
    let token = tokens::access_token(ctx, client, &scopes, tokens::Holder::Client)?;
    Ok(TokenResponse::new(ctx, token, &scopes))
}
