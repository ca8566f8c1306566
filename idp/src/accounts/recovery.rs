//! Changing a password: by the person who knows it (on «Безопасность»),
//! or by «Забыли пароль?» with a code sent to the linked phone or e-mail.
//! Recovery never tells whether an account exists: every login gets the
//! same page, the same code form and the same refusals; only the owner of a
//! real account with a verified contact receives a code. Either way a new
//! password ends every other session of the account and revokes its
//! refresh tokens, lifts the lock of the password path, goes to the journal
//! and is told to the owner.
//!
//! The code belongs to the account (for an unknown login, to the login), not
//! to one browser: a recovery started while a code sent lately is live
//! waits for that very code, which the owner has, instead of a new one that
//! was never sent. So someone starting recoveries for another person's
//! login neither floods their phone nor holds their own recovery back.

use serde::{Deserialize, Serialize};

use crate::audit::{Entry, events};
use crate::clock::UnixTime;
use crate::credentials::codes::{CodeCheck, SentCode};
use crate::credentials::password::{self, NewPasswordError};
use crate::ctx::Ctx;
use crate::delivery::{self, Kind, Message, Prefer, Unverified};
use crate::limits::{self, Limit, Subject};
use crate::model::{Account, Secret, random_token};
use crate::sessions::{self, EndReason};
use crate::store::{EphemeralExt, StoreError, Update, update_json};

/// A recovery may take this long, and its code is valid as long.
pub const RECOVERY_TTL_SECS: i64 = 15 * 60;
/// Wrong codes before the recovery is spent.
pub const CODE_TRIES: u32 = 3;
/// At most one new code per account this often while the last one is
/// live, so nobody can flood the owner; recoveries started meanwhile wait
/// for that code.
const SEND_EVERY_SECS: i64 = 60;

/// The cookie of a recovery under way in this browser.
pub const COOKIE: &str = "vhod_recovery";

#[derive(Debug, thiserror::Error)]
pub enum RecoveryError {
    /// No recovery under way in this browser (expired, done, another one).
    #[error("no recovery is under way")]
    NoRecovery,
    #[error("wrong code")]
    WrongCode { tries_left: u32 },
    /// Out of tries or expired: start again.
    #[error("the code is spent")]
    CodeSpent,
    #[error(transparent)]
    Password(#[from] NewPasswordError),
    /// Too many recoveries from this client address this window.
    #[error("too many recoveries from this address; wait {wait_secs} s")]
    Limited { wait_secs: i64 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A recovery under way in one browser. For a login that names no account
/// (or one with no verified contact) it looks the same, waiting for a code
/// nobody received.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Recovery {
    account_id: Option<String>,
    /// Where the code it waits for lives, and which code that is.
    code_key: String,
    code_id: String,
    expires_at: UnixTime,
}

fn key(cookie: &str) -> String {
    format!("recovery:{}", Secret::new(cookie).digest())
}

/// The live code of the account `who` (or, for no account, of the login).
fn code_key(who: &str) -> String {
    format!("recovery-code:{who}")
}

/// Where the code for `account` goes: the verified phone, else the
/// verified e-mail.
fn channel(account: &Account) -> Option<(Kind, &str)> {
    delivery::contact(account, Prefer::Phone, Unverified::Refused)
}

/// Starts a recovery for `login` from the client `address`; returns the
/// cookie that binds it to this browser. A new code goes only to a real
/// account's verified contact, and only when no code sent lately is live.
pub async fn start(ctx: &Ctx, login: &str, address: &str) -> Result<Secret, RecoveryError> {
    let now = ctx.now();
    let limit = Limit {
        name: "recovery_starts",
        max: ctx.config.recovery_starts_per_address,
        window_secs: ctx.config.ip_window_secs,
    };
    if let Err(reached) = limits::count(ctx, limit, Subject::Address(address)).await? {
        return Err(RecoveryError::Limited {
            wait_secs: reached.wait_secs(now),
        });
    }
    let account = super::find_by_login(&ctx.sql, login).await?;
    // An unknown login has a code of its own too (in its normalized form),
    // so that two browsers share its tries exactly as for an account.
    let code_key = match &account {
        Some(account) => code_key(&account.id),
        None => {
            let normalized = super::login_candidates(login).into_iter().next();
            code_key(&Secret::new(normalized.unwrap_or_default()).digest())
        }
    };
    let reachable = account.as_ref().and_then(channel);
    let fresh = |code: &SentCode| {
        code.tries_left > 0 && code.expires_at > now && code.sent_at + SEND_EVERY_SECS > now
    };
    let (code, plain) = update_json(
        &*ctx.ephemeral,
        &code_key,
        |live: Option<SentCode>| match live.filter(fresh) {
            Some(live) => (Update::Keep, (live, None)),
            None => {
                let (code, plain) = SentCode::new(RECOVERY_TTL_SECS, CODE_TRIES, now);
                (
                    Update::Put(code.clone(), RECOVERY_TTL_SECS),
                    (code, Some(plain)),
                )
            }
        },
    )
    .await?;
    let sent = match (&plain, reachable) {
        (Some(plain), Some((kind, to))) => {
            ctx.queue_message(&code_message(kind, to, plain)).await?;
            true
        }
        _ => false,
    };
    if let Some(account) = &account {
        ctx.audit
            .record(
                Entry::new(events::PASSWORD_RECOVERY_STARTED)
                    .account(&account.id)
                    .detail(serde_json::json!({
                        "ip": address,
                        "code_sent": sent,
                        "code_reused": plain.is_none(),
                    })),
                now,
            )
            .await;
    }
    let recovery = Recovery {
        account_id: account.map(|a| a.id),
        code_key,
        code_id: code.id().to_owned(),
        expires_at: code.expires_at,
    };
    let cookie = random_token(32);
    ctx.ephemeral
        .put_json(&key(cookie.expose()), &recovery, RECOVERY_TTL_SECS)
        .await?;
    Ok(cookie)
}

fn code_message(kind: Kind, to: &str, code: &str) -> Message {
    let words = crate::messages::Notice::RecoveryCode { code }.words();
    Message::notice(kind, to, words).with_code(code)
}

/// Whether a recovery is under way behind this cookie.
pub async fn is_under_way(ctx: &Ctx, cookie: Option<&str>) -> Result<bool, StoreError> {
    Ok(match cookie {
        Some(c) if c.len() <= 100 => ctx.ephemeral.get_json::<Recovery>(&key(c)).await?.is_some(),
        _ => false,
    })
}

/// Checks the code and sets the new password (typed twice).
pub async fn finish(
    ctx: &Ctx,
    cookie: &str,
    code: &str,
    new_password: &str,
    repeated: &str,
) -> Result<(), RecoveryError> {
    if cookie.len() > 100 {
        return Err(RecoveryError::NoRecovery);
    }
    // The policy first, so a weak password does not spend a try.
    password::check_policy(new_password).map_err(NewPasswordError::Policy)?;
    if new_password != repeated {
        return Err(NewPasswordError::Differ.into());
    }
    // The browser's recovery is taken while its code is checked, so one
    // code changes the password once; the code's try is spent in the same
    // atomic step as the comparison, so parallel guesses (from any
    // browser) share its tries. A wrong code puts the recovery back.
    let key = key(cookie);
    let recovery: Recovery = ctx
        .ephemeral
        .take_json(&key)
        .await?
        .ok_or(RecoveryError::NoRecovery)?;
    let now = ctx.now();
    // Nobody received the code of a recovery without an account: a guess
    // that happens to match it counts as wrong.
    let typed = if recovery.account_id.is_some() {
        code
    } else {
        ""
    };
    let checked = update_json(
        &*ctx.ephemeral,
        &recovery.code_key,
        |live: Option<SentCode>| {
            match live.filter(|c| c.id() == recovery.code_id) {
                Some(mut live) => {
                    let before = live.tries_left;
                    let checked = live.check(typed, now);
                    let ttl = live.expires_at - now;
                    match checked {
                        CodeCheck::Right => (Update::Delete, checked),
                        _ if live.tries_left != before => (Update::Put(live, ttl), checked),
                        _ => (Update::Keep, checked),
                    }
                }
                // Used, expired, or replaced by a newer code.
                None => (Update::Keep, CodeCheck::Spent),
            }
        },
    )
    .await?;
    let account_id = match (checked, &recovery.account_id) {
        (CodeCheck::Right, Some(id)) => id.clone(),
        (CodeCheck::Wrong { tries_left }, _) => {
            let ttl = (recovery.expires_at - now).max(1);
            ctx.ephemeral.put_json(&key, &recovery, ttl).await?;
            return Err(RecoveryError::WrongCode { tries_left });
        }
        _ => return Err(RecoveryError::CodeSpent),
    };
    let Some(account) = ctx.sql.account(&account_id).await? else {
        return Err(RecoveryError::NoRecovery);
    };
    let hash = password::hash_new(new_password, repeated).await?;
    set_password(ctx, &account, &hash, None, "recovery").await?;
    Ok(())
}

/// The person changes their password, knowing it: the current one is
/// checked (a wrong one counts toward the lockout), and every session but
/// `keep_sid` (where they changed it) ends.
pub async fn change(
    ctx: &Ctx,
    account: &Account,
    current: &str,
    new_password: &str,
    repeated: &str,
    keep_sid: &str,
    browser: &crate::sessions::Browser<'_>,
) -> Result<(), super::second_factor::SettingsError> {
    password::check_policy(new_password).map_err(NewPasswordError::Policy)?;
    if new_password != repeated {
        return Err(NewPasswordError::Differ.into());
    }
    super::second_factor::check_password(ctx, account, current, browser).await?;
    let hash = password::hash_new(new_password, repeated).await?;
    set_password(ctx, account, &hash, Some(keep_sid), "owner").await?;
    Ok(())
}

/// Stores a new password hash for `account`: every session but `keep_sid`
/// ends (portals hear by back-channel logout) and the refresh tokens are
/// revoked; the lock of the password path lifts (the person proved control
/// of the account); journaled and told to the owner.
pub async fn set_password(
    ctx: &Ctx,
    account: &Account,
    hash: &str,
    keep_sid: Option<&str>,
    by: &str,
) -> Result<(), StoreError> {
    let now = ctx.now();
    ctx.sql.set_password_hash(&account.id, hash, now).await?;
    sessions::end_all(ctx, &account.id, keep_sid, EndReason::PasswordChanged).await?;
    crate::credentials::guard::unlock_by_owner(ctx, &account.id, by).await?;
    ctx.audit
        .record(
            Entry::new(events::PASSWORD_CHANGED)
                .account(&account.id)
                .detail(serde_json::json!({"by": by})),
            now,
        )
        .await;
    super::tell_owner(ctx, account, crate::messages::Change::PasswordChanged).await
}
