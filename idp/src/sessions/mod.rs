//! SSO sessions: the session index, every way a session ends ([`ending`],
//! with the back-channel notices of [`backchannel`]), and the revocation
//! marks of tokens and grants ([`revocation`]).
//!
//! A session lives in the short-lived store under the digest of its
//! cookie, so a leak of the store leaks no usable cookie; its row in the
//! durable index (`sessions`) says whether it is live, so an end recorded
//! anywhere — on another node, by the admin CLI — counts on every node at
//! once.

pub mod backchannel;
pub mod device;
mod ending;
pub mod revocation;

pub use ending::{EXPIRE, EndReason, Ender, end, end_all, end_cookie, end_own, run_expiry};

use serde::{Deserialize, Serialize};

use crate::clock::UnixTime;
use crate::ctx::Ctx;
use crate::jobs;
use crate::model::{AuthContext, Secret, SessionRecord, random_token};
use crate::store::{EphemeralExt, StoreError};

pub const COOKIE: &str = "vhod_session";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub auth: AuthContext,
    pub expires_at: UnixTime,
    /// The person chose whom to act for in this session
    /// (`auth.acting_org`, `None` for a private person); until then a
    /// portal asking for `organizations` asks them.
    #[serde(default)]
    pub actor_chosen: bool,
}

/// The browser someone logs in with, as far as the request tells (a
/// portal is a `model::Client`).
#[derive(Debug, Clone, Copy)]
pub struct Browser<'a> {
    /// The client's IP (the connection's peer).
    pub ip: &'a str,
    /// The browser's `User-Agent`, cut to 256 characters, for the journal.
    pub user_agent: Option<&'a str>,
    /// The browser's previous session cookie, ended once a new one starts.
    pub old_cookie: Option<&'a str>,
    pub request_id: Option<&'a str>,
    /// The serial of the certificate presented, if any, for the journal.
    pub certificate: Option<&'a str>,
}

impl Browser<'_> {
    /// `detail` with what the journal keeps of the browser: the IP, the
    /// `User-Agent`, the certificate's serial (never a password or
    /// signature).
    pub fn journal(&self, mut detail: serde_json::Value) -> serde_json::Value {
        detail["ip"] = self.ip.into();
        detail["user_agent"] = self.user_agent.into();
        if let Some(serial) = self.certificate {
            detail["certificate"] = serial.into();
        }
        detail
    }
}

/// A `User-Agent` as the journal keeps it: at most 256 characters.
pub fn user_agent(header: Option<&str>) -> Option<&str> {
    header.map(|ua| match ua.char_indices().nth(256) {
        Some((cut, _)) => &ua[..cut],
        None => ua,
    })
}

fn key(cookie: &str) -> String {
    key_of_digest(&Secret::new(cookie).digest())
}

fn key_of_digest(digest: &str) -> String {
    format!("session:{digest}")
}

/// Starts a session for `auth`, recorded with the browser's address and
/// `User-Agent`; returns the cookie value.
pub async fn start(
    ctx: &Ctx,
    auth: AuthContext,
    browser: &Browser<'_>,
) -> Result<Secret, StoreError> {
    let cookie = random_token(32);
    let ttl = ctx.config.session_ttl_secs;
    let now = ctx.now();
    let session = Session {
        expires_at: now + ttl,
        auth,
        actor_chosen: false,
    };
    let record = SessionRecord {
        sid: session.auth.sid.clone(),
        account_id: session.auth.account_id.clone(),
        cookie_digest: cookie.digest(),
        ip: browser.ip.to_owned(),
        user_agent: user_agent(browser.user_agent).map(str::to_owned),
        aal: session.auth.aal,
        amr: session.auth.amr.clone(),
        created_at: now,
        expires_at: session.expires_at,
        ended_at: None,
        end_reason: None,
        clients: Vec::new(),
    };
    let expiry = ending::Expiry {
        sid: record.sid.clone(),
    };
    let expiry = jobs::new(EXPIRE, &expiry, session.expires_at, now)?;
    ctx.sql.insert_session(&record, &expiry).await?;
    ctx.ephemeral
        .put_json(&key(cookie.expose()), &session, ttl)
        .await?;
    Ok(cookie)
}

/// Makes the live session behind `old_cookie` stronger (a step-up): same
/// `sid` and expiry, so portals see one session, but a new cookie, since
/// the privilege changed. `None` when that session is gone.
pub async fn strengthen(
    ctx: &Ctx,
    old_cookie: &str,
    auth: AuthContext,
) -> Result<Option<Secret>, StoreError> {
    let Some(old) = find(ctx, Some(old_cookie)).await? else {
        return Ok(None);
    };
    if old.auth.sid != auth.sid || old.auth.account_id != auth.account_id {
        return Ok(None);
    }
    let cookie = random_token(32);
    if !ctx
        .sql
        .strengthen_session(&auth.sid, &cookie.digest(), auth.aal, &auth.amr)
        .await?
    {
        return Ok(None);
    }
    // Stronger, but still acting for whom the person chose.
    let session = Session {
        expires_at: old.expires_at,
        auth: AuthContext {
            acting_org: old.auth.acting_org,
            ..auth
        },
        actor_chosen: old.actor_chosen,
    };
    let ttl = (old.expires_at - ctx.now()).max(1);
    ctx.ephemeral
        .put_json(&key(cookie.expose()), &session, ttl)
        .await?;
    ctx.ephemeral.delete(&key(old_cookie)).await?;
    Ok(Some(cookie))
}

/// Records whom the person of the live session `session` acts for
/// (`None`: a private person); the updated session, or `None` when it
/// has ended meanwhile.
pub async fn act_for(
    ctx: &Ctx,
    session: &Session,
    org: Option<String>,
) -> Result<Option<Session>, StoreError> {
    let Some(record) = ctx
        .sql
        .session(&session.auth.sid)
        .await?
        .filter(|r| r.ended_at.is_none())
    else {
        return Ok(None);
    };
    let key = key_of_digest(&record.cookie_digest);
    let Some(mut current) = ctx.ephemeral.get_json::<Session>(&key).await? else {
        return Ok(None);
    };
    current.auth.acting_org = org;
    current.actor_chosen = true;
    let ttl = current.expires_at - ctx.now();
    if ttl <= 0 {
        return Ok(None);
    }
    ctx.ephemeral.put_json(&key, &current, ttl).await?;
    Ok(Some(current))
}

/// The live session behind a cookie, if any: in the short-lived store, not
/// expired, and not ended in the durable index.
pub async fn find(ctx: &Ctx, cookie: Option<&str>) -> Result<Option<Session>, StoreError> {
    let Some(cookie) = cookie else {
        return Ok(None);
    };
    let session: Option<Session> = ctx.ephemeral.get_json(&key(cookie)).await?;
    let Some(session) = session.filter(|s| s.expires_at > ctx.now()) else {
        return Ok(None);
    };
    Ok(ctx
        .sql
        .session_is_live(&session.auth.sid)
        .await?
        .then_some(session))
}

/// The live sessions of an account, newest first, each with the names of
/// the portals that got tokens in it.
pub async fn list(
    ctx: &Ctx,
    account_id: &str,
) -> Result<Vec<(SessionRecord, Vec<String>)>, StoreError> {
    ctx.sql
        .live_sessions_with_portals(account_id, ctx.now())
        .await
}

/// A new public session id for the `sid` claim (not the cookie).
pub fn new_sid() -> String {
    random_token(16).expose().to_owned()
}
