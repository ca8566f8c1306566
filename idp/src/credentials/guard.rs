//! Guessing defences without lockout-DoS, enumeration or a password
//! oracle. Counts in the short-lived store, so every node sees the same
//! numbers: failed password logins per account, and failed logins per
//! client IP across all accounts (`ip_failure_limit` per `ip_window_secs`);
//! what the counts mean is the rule of [`super::lockout`].
//!
//! While the password path is locked every attempt counts as a failure,
//! the right password too, and gets the answer a wrong one gets (NIST SP
//! 800-63B §5.2.2: the lock must not tell a guesser that a guess was
//! right). The owner learns
//! of the lock, and when it ends, from the notice sent at the moment of
//! locking, with a self-unlock link; recovery and certificate login stay
//! open, so a guesser cannot lock the owner out of everything.

use std::time::Duration;

use super::lockout;
use crate::audit::{Audit, Entry, events};
use crate::clock::UnixTime;
use crate::ctx::Ctx;
use crate::delivery::{self, Message, Prefer, Unverified};
use crate::model::{ADMIN_LOCK, Account, Secret, random_token};
use crate::store::{EphemeralExt, SqlStore, StoreError};

fn failures_key(account_id: &str) -> String {
    format!("login-failures:{account_id}")
}

fn code_failures_key(account_id: &str) -> String {
    format!("code-failures:{account_id}")
}

/// Failures count per client address as every limit does: an IPv6
/// client by its /64.
fn ip_key(ip: &str) -> String {
    format!("login-failures-ip:{}", crate::limits::bucket(ip))
}

fn strikes_key(account_id: &str) -> String {
    format!("login-strikes:{account_id}")
}

fn unlock_key(token: &str) -> String {
    format!("unlock:{}", Secret::new(token).digest())
}

fn secs(n: i64) -> Duration {
    Duration::from_secs(n.max(1) as u64)
}

/// Whether this client IP has failed too often lately.
pub async fn ip_blocked(ctx: &Ctx, ip: &str) -> Result<bool, StoreError> {
    let count: Option<Vec<u8>> = ctx.ephemeral.get(&ip_key(ip)).await?;
    let count = count
        .and_then(|v| String::from_utf8(v).ok())
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(0);
    let blocked = count >= ctx.config.ip_failure_limit;
    if blocked {
        metrics::counter!("vhod_rate_limit_refusals_total", "limit" => "ip_failures").increment(1);
    }
    Ok(blocked)
}

/// A failed login from `ip`, for `account` when the login exists (during
/// a lock, every attempt). Counts, and strikes the account when this
/// failure reaches the threshold.
pub async fn failed(
    ctx: &Ctx,
    account: Option<&Account>,
    ip: &str,
    request_id: Option<&str>,
) -> Result<(), StoreError> {
    ctx.ephemeral
        .incr(&ip_key(ip), secs(ctx.config.ip_window_secs))
        .await?;
    let Some(account) = account else {
        return Ok(());
    };
    let key = failures_key(&account.id);
    let count = ctx
        .ephemeral
        .incr(&key, secs(ctx.config.lockout_secs))
        .await?;
    if !lockout::is_strike(&ctx.config, count) {
        return Ok(());
    }
    ctx.ephemeral.delete(&key).await?;
    strike(ctx, account, ip, request_id).await
}

/// Locks the password path for the next strike's time, or keeps a lock
/// that ends later; tells the owner when a lock begins.
async fn strike(
    ctx: &Ctx,
    account: &Account,
    ip: &str,
    request_id: Option<&str>,
) -> Result<(), StoreError> {
    let now = ctx.now();
    let before = ctx
        .ephemeral
        .get_json::<u32>(&strikes_key(&account.id))
        .await?
        .unwrap_or(0);
    let strike = lockout::strike(&ctx.config, before, now);
    let (until, length) = (strike.until, strike.length);
    // Strikes are remembered until a success, an owner's unlock, or a
    // quiet `lockout_max_secs` after this lock.
    ctx.ephemeral
        .put_json(
            &strikes_key(&account.id),
            &strike.number,
            strike.remembered_secs,
        )
        .await?;
    if !ctx.sql.extend_guessing_lock(&account.id, until).await? {
        return Ok(()); // an admin's lock, or a later end, is there already
    }
    let extended = lockout::locked_until(account, now).is_some();
    ctx.audit
        .record(
            Entry::new(events::ACCOUNT_LOCKED)
                .account(&account.id)
                .request(request_id)
                .detail(serde_json::json!({
                    "until": until,
                    "ip": ip,
                    "strike": strike.number,
                    "extended": extended,
                })),
            now,
        )
        .await;
    if extended {
        return Ok(()); // the owner was told when it began
    }
    notify(ctx, account, until, length).await
}

/// Tells the owner that the password path is locked until `until`, with a
/// self-unlock link that works for at least `lockout_max_secs`.
async fn notify(
    ctx: &Ctx,
    account: &Account,
    until: UnixTime,
    length: i64,
) -> Result<(), StoreError> {
    let Some((kind, to)) = delivery::contact(account, Prefer::Email, Unverified::Allowed) else {
        return Ok(());
    };
    let token = random_token(32);
    ctx.ephemeral
        .put_json(
            &unlock_key(token.expose()),
            &account.id,
            length.max(ctx.config.lockout_max_secs),
        )
        .await?;
    let link = format!(
        "{}{}?token={}",
        ctx.issuer.trim_end_matches('/'),
        crate::paths::UNLOCK,
        token.expose()
    );
    let words = crate::messages::Notice::PasswordLocked {
        failures: ctx.config.lockout_threshold,
        until,
        extension_secs: ctx.config.lockout_max_secs,
        certificate: super::certificate::available(ctx),
        link: &link,
    }
    .words();
    ctx.queue_message(&Message::notice(kind, to, words).with_link(link))
        .await
}

/// A try at a one-time code of `account_id`, taken in one atomic count
/// before the code is compared, so guesses sent at once (from many logins
/// waiting for their code) share the account's tries as guesses in a row
/// do: `lockout_threshold` within `lockout_secs`, counted apart from wrong
/// passwords. `None` when the code step is closed; else which try this is.
pub async fn take_code_try(ctx: &Ctx, account_id: &str) -> Result<Option<i64>, StoreError> {
    let count = ctx
        .ephemeral
        .incr(
            &code_failures_key(account_id),
            secs(ctx.config.lockout_secs),
        )
        .await?;
    Ok(lockout::code_try_allowed(&ctx.config, count).then_some(count))
}

/// The code of try `taken` ([`take_code_try`]) was wrong, from `ip`: it
/// counts for the address too; true when it closed the code step.
pub async fn code_failed(ctx: &Ctx, taken: i64, ip: &str) -> Result<bool, StoreError> {
    ctx.ephemeral
        .incr(&ip_key(ip), secs(ctx.config.ip_window_secs))
        .await?;
    Ok(lockout::closes_code_step(&ctx.config, taken))
}

/// A right code: the count of tries starts over.
pub async fn codes_succeeded(ctx: &Ctx, account_id: &str) -> Result<(), StoreError> {
    ctx.ephemeral.delete(&code_failures_key(account_id)).await
}

/// A successful login: the account's counts of failures and strikes start
/// over.
pub async fn succeeded(ctx: &Ctx, account: &Account) -> Result<(), StoreError> {
    ctx.ephemeral.delete(&failures_key(&account.id)).await?;
    ctx.ephemeral.delete(&strikes_key(&account.id)).await
}

/// The owner (by the link, or by a new password) lifts the lock of wrong
/// passwords, never an admin's; whether it lifted one.
pub async fn unlock_by_owner(ctx: &Ctx, account_id: &str, by: &str) -> Result<bool, StoreError> {
    ctx.ephemeral.delete(&failures_key(account_id)).await?;
    ctx.ephemeral.delete(&strikes_key(account_id)).await?;
    if !ctx.sql.set_guessing_lock(account_id, None).await? {
        return Ok(false);
    }
    ctx.audit
        .record(
            Entry::new(events::ACCOUNT_UNLOCKED)
                .account(account_id)
                .detail(serde_json::json!({"by": by})),
            ctx.now(),
        )
        .await;
    Ok(true)
}

/// An admin's lock (`idp users lock`), from a process without the
/// short-lived store (the admin CLI): every login is refused until an admin
/// lifts it with [`lift`]. The caller ends the account's sessions.
pub async fn lock_by_admin(
    sql: &SqlStore,
    audit: &Audit,
    account_id: &str,
    operator: &str,
    now: UnixTime,
) -> Result<(), StoreError> {
    sql.set_locked_until(account_id, Some(ADMIN_LOCK)).await?;
    audit
        .record(
            Entry::new(events::ACCOUNT_LOCKED)
                .account(account_id)
                .detail(serde_json::json!({"by": "admin", "operator": operator})),
            now,
        )
        .await;
    Ok(())
}

/// An admin lifts any lock, from a process without the short-lived store
/// (the admin CLI): the lock goes and the journal says who lifted it.
pub async fn lift(
    sql: &SqlStore,
    audit: &Audit,
    account_id: &str,
    by: &str,
    now: UnixTime,
) -> Result<(), StoreError> {
    sql.set_locked_until(account_id, None).await?;
    audit
        .record(
            Entry::new(events::ACCOUNT_UNLOCKED)
                .account(account_id)
                .detail(serde_json::json!({"by": by})),
            now,
        )
        .await;
    Ok(())
}

/// The owner's self-unlock link (single use); whether it unlocked.
pub async fn unlock_by_link(ctx: &Ctx, token: &str) -> Result<bool, StoreError> {
    if token.len() > 100 {
        return Ok(false);
    }
    let account: Option<String> = ctx.ephemeral.take_json(&unlock_key(token)).await?;
    match account {
        Some(id) => unlock_by_owner(ctx, &id, "owner").await,
        None => Ok(false),
    }
}
