//! Ending sessions. Every end goes through [`Ender`]: it marks the row in
//! the durable index ended (once, however many nodes try), queues a
//! back-channel logout for each portal that got tokens in the session
//! ([`super::backchannel`]), drops the short-lived entry and journals the
//! end. A session that reaches `expires_at` is ended the same way by the
//! [`EXPIRE`] job queued when it started.

use serde::{Deserialize, Serialize};

use super::{backchannel, key_of_digest};
use crate::audit::{Audit, Entry, events};
use crate::clock::UnixTime;
use crate::ctx::Ctx;
use crate::jobs::JobError;
use crate::model::Secret;
use crate::store::{SqlStore, StoreError};

/// The job that ends a session when it expires.
pub const EXPIRE: &str = "session_expire";

/// Why a session ended, as the journal and `sessions.end_reason` say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    /// The person logged out at a portal (RP-Initiated Logout).
    Logout,
    /// A new login in the same browser.
    Replaced,
    /// It reached `expires_at`.
    Expired,
    /// The person ended it on the sessions page.
    Person,
    /// Support ended it (`idp users logout`).
    Cli,
    /// The password changed; every other session ends.
    PasswordChanged,
    /// An admin locked the account (`idp users lock`).
    AdminLock,
    /// A second factor was enabled; every other session ends.
    SecondFactorEnabled,
    /// Support removed a lost second factor
    /// (`idp users reset-second-factor`).
    SecondFactorReset,
    /// A check changed the confirmed identity: the account is standard now,
    /// and no session may go on vouching for it as confirmed.
    LevelLowered,
}

impl EndReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Logout => "logout",
            Self::Replaced => "replaced",
            Self::Expired => "expired",
            Self::Person => "ended_by_person",
            Self::Cli => "cli",
            Self::PasswordChanged => "password_changed",
            Self::AdminLock => "admin_lock",
            Self::SecondFactorEnabled => "second_factor_enabled",
            Self::SecondFactorReset => "second_factor_reset",
            Self::LevelLowered => "level_lowered",
        }
    }
}

#[derive(Serialize, Deserialize)]
pub(super) struct Expiry {
    pub(super) sid: String,
}

/// Ends the session behind a cookie; whether it was live.
pub async fn end_cookie(ctx: &Ctx, cookie: &str, reason: EndReason) -> Result<bool, StoreError> {
    let digest = Secret::new(cookie).digest();
    ctx.ephemeral.delete(&key_of_digest(&digest)).await?;
    match ctx.sql.session_by_cookie(&digest).await? {
        Some(sid) => end(ctx, &sid, reason).await,
        None => Ok(false),
    }
}

/// Ends the session `sid`; whether it was live.
pub async fn end(ctx: &Ctx, sid: &str, reason: EndReason) -> Result<bool, StoreError> {
    Ender::node(ctx).end(sid, reason).await
}

/// Ends every live session of `account_id` but `except_sid`, and revokes
/// the account's grants (but those of `except_sid`'s logins), so their
/// refresh and access tokens stop at once on every node; each portal that got tokens in an ended session is
/// told by back-channel logout. Returns how many sessions ended.
///
/// The password-change path calls it with `except_sid` = the current
/// session and [`EndReason::PasswordChanged`], so the person stays logged
/// in where they changed it and nowhere else.
pub async fn end_all(
    ctx: &Ctx,
    account_id: &str,
    except_sid: Option<&str>,
    reason: EndReason,
) -> Result<usize, StoreError> {
    Ender::node(ctx)
        .end_all(account_id, except_sid, reason)
        .await
}

/// The person ends one of their own sessions; false when `sid` is not a
/// live session of `account_id` (someone else's, or gone), and nothing
/// changes.
pub async fn end_own(ctx: &Ctx, account_id: &str, sid: &str) -> Result<bool, StoreError> {
    let own = ctx
        .sql
        .session(sid)
        .await?
        .is_some_and(|s| s.account_id == account_id && s.ended_at.is_none());
    Ok(own && end(ctx, sid, EndReason::Person).await?)
}

/// Runs an expiry job: the session ends unless something ended it before.
pub async fn run_expiry(ctx: &Ctx, payload: &str) -> Result<(), JobError> {
    let expiry: Expiry = serde_json::from_str(payload)
        .map_err(|e| JobError::Permanent(format!("not a session expiry: {e}")))?;
    end(ctx, &expiry.sid, EndReason::Expired)
        .await
        .map(drop)
        .map_err(|e| JobError::Retry(e.to_string()))
}

/// Ends sessions. A node passes itself ([`Ender::node`]): it also drops the
/// short-lived entries and wakes its worker.
/// The admin CLI has neither the server's short-lived store nor a worker
/// ([`Ender::admin`]): the durable end is enough, since [`super::find`] reads it,
/// and a server's worker sends the queued logouts.
pub struct Ender<'a> {
    sql: &'a SqlStore,
    audit: &'a Audit,
    now: UnixTime,
    node: Option<&'a Ctx>,
    /// Who ended it, for the journal, when not the person or the system.
    operator: Option<&'a str>,
}

impl<'a> Ender<'a> {
    pub fn node(ctx: &'a Ctx) -> Self {
        Self {
            sql: &ctx.sql,
            audit: &ctx.audit,
            now: ctx.now(),
            node: Some(ctx),
            operator: None,
        }
    }

    pub fn admin(sql: &'a SqlStore, audit: &'a Audit, now: UnixTime, operator: &'a str) -> Self {
        Self {
            sql,
            audit,
            now,
            node: None,
            operator: Some(operator),
        }
    }

    /// Ends the session `sid`; whether it was live.
    pub async fn end(&self, sid: &str, reason: EndReason) -> Result<bool, StoreError> {
        let now = self.now;
        let ended = self
            .sql
            .end_session(sid, reason.as_str(), now, move |session, listening| {
                backchannel::notices(session, &listening, now)
            })
            .await?;
        let Some(ended) = ended else {
            return Ok(false);
        };
        if let Some(ctx) = self.node {
            ctx.ephemeral
                .delete(&key_of_digest(&ended.cookie_digest))
                .await?;
            ctx.jobs.wake();
        }
        self.audit
            .record(
                Entry::new(events::SESSION_ENDED)
                    .account(&ended.account_id)
                    .detail(serde_json::json!({
                        "sid": ended.sid,
                        "reason": reason.as_str(),
                        "by": self.operator,
                        "portals": ended.clients,
                    })),
                now,
            )
            .await;
        Ok(true)
    }

    /// [`end_all`] for this node or the admin CLI.
    pub async fn end_all(
        &self,
        account_id: &str,
        except_sid: Option<&str>,
        reason: EndReason,
    ) -> Result<usize, StoreError> {
        let mut ended = 0;
        for session in self.sql.open_sessions_of(account_id).await? {
            if Some(session.sid.as_str()) != except_sid && self.end(&session.sid, reason).await? {
                ended += 1;
            }
        }
        // Durable, so the admin CLI stops access tokens as a node does:
        // every check of an access token reads its grant.
        let revoked = self
            .sql
            .revoke_grants_of_account(account_id, except_sid)
            .await?;
        self.audit
            .record(
                Entry::new(events::SESSIONS_ENDED_ALL)
                    .account(account_id)
                    .detail(serde_json::json!({
                        "reason": reason.as_str(),
                        "by": self.operator,
                        "kept": except_sid,
                        "sessions": ended,
                        "grants_revoked": revoked.len(),
                    })),
                self.now,
            )
            .await;
        Ok(ended)
    }
}
