//! RP-Initiated Logout 1.0. A post-logout redirect goes only to a URI
//! registered for the client named by `id_token_hint` or `client_id`; any
//! doubt shows a page and never redirects (§2, §3). The session ends
//! without asking only when an ID token of this very session names it;
//! otherwise the person confirms, so no site can log anyone out.

use super::auth_request::preview;
use super::error::OAuthError;
use super::params::Params;
use super::redirect;
use super::tokens::{IdTokenHint, verify_id_token_hint};
use crate::audit::{Entry, events};
use crate::ctx::Ctx;
use crate::sessions::{self, Session};

/// A validated logout request.
#[derive(Debug, Clone, Default)]
pub struct LogoutRequest {
    pub client_id: Option<String>,
    /// Set only when registered for the client.
    pub post_logout_redirect_uri: Option<String>,
    pub state: Option<String>,
    /// A valid `id_token_hint`.
    pub hint: Option<IdTokenHint>,
}

impl LogoutRequest {
    /// Where the browser goes once logged out, if anywhere.
    pub fn redirect(&self) -> Option<String> {
        self.post_logout_redirect_uri
            .as_deref()
            .map(|uri| redirect::with_state(uri, self.state.as_deref()))
    }
}

pub async fn validate(ctx: &Ctx, params: &Params) -> Result<LogoutRequest, OAuthError> {
    let mut request = LogoutRequest {
        state: params.get("state")?.map(str::to_owned),
        ..Default::default()
    };
    let mut client_id = params.get("client_id")?.map(str::to_owned);
    if let Some(hint) = params.get("id_token_hint")? {
        let hint = verify_id_token_hint(ctx, hint).await.ok_or_else(|| {
            OAuthError::invalid_request(
                "id_token_hint is not a valid ID token of this provider (bad signature, issuer, type or format)",
            )
        })?;
        if client_id.as_ref().is_some_and(|id| *id != hint.aud) {
            return Err(OAuthError::invalid_request(
                "client_id differs from the audience of id_token_hint",
            ));
        }
        client_id = Some(hint.aud.clone());
        request.hint = Some(hint);
    }
    if let Some(uri) = params.get("post_logout_redirect_uri")? {
        let Some(id) = &client_id else {
            return Err(OAuthError::invalid_request(
                "post_logout_redirect_uri needs id_token_hint or client_id to tell which portal it belongs to",
            ));
        };
        let client = ctx.clients.get(id).await?.ok_or_else(|| {
            OAuthError::invalid_request(format!("client `{}` is not registered", preview(id)))
        })?;
        if !client.post_logout_redirect_uris.iter().any(|r| r == uri) {
            return Err(OAuthError::invalid_request(format!(
                "post_logout_redirect_uri `{}` is not registered for client `{}`",
                preview(uri),
                client.id
            )));
        }
        request.post_logout_redirect_uri = Some(uri.to_owned());
    }
    request.client_id = client_id;
    Ok(request)
}

/// Whether the person must confirm before `session` ends: always, unless
/// the hint is an ID token of this session (same `sub`, and the same `sid`
/// when it carries one). A hint for someone else is suspect (§2).
pub fn must_ask(request: &LogoutRequest, session: Option<&Session>) -> bool {
    let (Some(hint), Some(session)) = (&request.hint, session) else {
        // Without a session there is nothing to end; without a hint, ask.
        return session.is_some() || request.hint.is_none();
    };
    hint.sub != session.auth.account_id
        || hint
            .sid
            .as_ref()
            .is_some_and(|sid| *sid != session.auth.sid)
}

/// Ends the SSO session behind `cookie`; every portal that got tokens in
/// it is told by back-channel logout (`sessions::Ender`).
pub async fn perform(
    ctx: &Ctx,
    request: &LogoutRequest,
    cookie: Option<&str>,
    request_id: Option<&str>,
) -> Result<(), OAuthError> {
    let Some(cookie) = cookie else {
        return Ok(());
    };
    let current = sessions::find(ctx, Some(cookie)).await?;
    sessions::end_cookie(ctx, cookie, sessions::EndReason::Logout).await?;
    if let Some(current) = current {
        let mut entry = Entry::new(events::LOGOUT)
            .account(&current.auth.account_id)
            .request(request_id);
        if let Some(client) = &request.client_id {
            entry = entry.client(client);
        }
        ctx.audit.record(entry, ctx.now()).await;
    }
    Ok(())
}
