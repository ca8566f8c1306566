//! ESIA's logout, `GET /idp/ext/Logout?client_id=&redirect_url=`: the
//! portal sends the browser here and gets it back at `redirect_url`, which
//! must be registered for it. Unlike `/logout` nobody is asked: ESIA's
//! portals expect none. So that no other site can log a person out with a
//! portal's public id, the session ends only when that portal got tokens
//! in it; otherwise the browser just goes back.

use super::request::{esia_client, refusal};
use crate::ctx::Ctx;
use crate::oidc::error::{ErrorCode, OAuthError};
use crate::oidc::logout::{self, LogoutRequest};
use crate::oidc::params::Params;
use crate::sessions;

/// Where the browser goes, and whether its session ended.
pub struct LoggedOut {
    pub redirect_url: String,
    pub ended: bool,
}

pub async fn logout(
    ctx: &Ctx,
    params: &Params,
    cookie: Option<&str>,
    request_id: Option<&str>,
) -> Result<LoggedOut, OAuthError> {
    let client_id = params.require("client_id")?;
    let client = esia_client(ctx, client_id).await?;
    let redirect_url = params.require("redirect_url")?;
    let registered = client
        .redirect_uris
        .iter()
        .chain(&client.post_logout_redirect_uris)
        .any(|r| r == redirect_url);
    if !registered {
        return Err(refusal(
            ErrorCode::InvalidRequest,
            "ESIA-007014",
            "redirect_url is not registered for this client",
        ));
    }
    let session = sessions::find(ctx, cookie).await?;
    let served = match &session {
        Some(s) => ctx.sql.session_has_client(&s.auth.sid, &client.id).await?,
        None => false,
    };
    if served {
        let request = LogoutRequest {
            client_id: Some(client.id.clone()),
            ..LogoutRequest::default()
        };
        logout::perform(ctx, &request, cookie, request_id).await?;
    }
    Ok(LoggedOut {
        redirect_url: redirect_url.to_owned(),
        ended: served,
    })
}
