//! SSO sessions: server-side, keyed by the digest of the cookie value, so
//! that a leak of the store does not leak usable cookies.

use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::clock::UnixTime;
use crate::model::{AuthContext, Secret, random_token};
use crate::store::{EphemeralExt, StoreError};

pub const COOKIE: &str = "vhod_session";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub auth: AuthContext,
    pub expires_at: UnixTime,
}

fn key(cookie: &str) -> String {
    format!("session:{}", Secret::new(cookie).digest())
}

/// Starts a session; returns the cookie value.
pub async fn start(app: &AppState, auth: AuthContext) -> Result<Secret, StoreError> {
    let cookie = random_token(32);
    let ttl = app.config.session_ttl_secs;
    let session = Session {
        expires_at: app.now() + ttl,
        auth,
    };
    app.ephemeral
        .put_json(&key(cookie.expose()), &session, ttl)
        .await?;
    Ok(cookie)
}

/// The live session behind a cookie, if any.
pub async fn find(app: &AppState, cookie: Option<&str>) -> Result<Option<Session>, StoreError> {
    let Some(cookie) = cookie else {
        return Ok(None);
    };
    let session: Option<Session> = app.ephemeral.get_json(&key(cookie)).await?;
    Ok(session.filter(|s| s.expires_at > app.now()))
}

pub async fn end(app: &AppState, cookie: &str) -> Result<(), StoreError> {
    app.ephemeral.delete(&key(cookie)).await
}

/// A new public session id for the `sid` claim (not the cookie).
pub fn new_sid() -> String {
    random_token(16).expose().to_owned()
}
