//! Guessing defences without lockout-DoS or enumeration. Three separate
//! counts in the short-lived store, so every node sees the same numbers:
//! wrong passwords per account (`lockout_threshold` in a row lock the
//! account's password path for `lockout_secs`; certificate login stays
//! open, so a guesser cannot lock the owner out of everything), and failed
//! logins per client IP across all accounts (`ip_failure_limit` per
//! `ip_window_secs`). A lock is told only to someone who then gives the
//! right password, and to the owner, with a self-unlock link.

use std::time::Duration;

use crate::app::AppState;
use crate::audit::{Audit, Entry, events};
use crate::clock::UnixTime;
use crate::delivery::{self, Kind, Message};
use crate::model::{ADMIN_LOCK, Account, Secret, random_token};
use crate::store::{EphemeralExt, SqlStore, StoreError};

fn failures_key(account_id: &str) -> String {
    format!("login-failures:{account_id}")
}

fn code_failures_key(account_id: &str) -> String {
    format!("code-failures:{account_id}")
}

fn ip_key(ip: &str) -> String {
    format!("login-failures-ip:{ip}")
}

fn unlock_key(token: &str) -> String {
    format!("unlock:{}", Secret::new(token).digest())
}

fn secs(n: i64) -> Duration {
    Duration::from_secs(n.max(1) as u64)
}

/// Whether this client IP has failed too often lately.
pub async fn ip_blocked(app: &AppState, ip: &str) -> Result<bool, StoreError> {
    let count: Option<Vec<u8>> = app.ephemeral.get(&ip_key(ip)).await?;
    let count = count
        .and_then(|v| String::from_utf8(v).ok())
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(0);
    Ok(count >= app.config.ip_failure_limit)
}

/// Until when `account`'s password path is locked after wrong passwords,
/// if it is (an admin's lock is [`admin_locked`]).
pub fn locked_until(app: &AppState, account: &Account) -> Option<UnixTime> {
    account
        .locked_until
        .filter(|until| *until > app.now() && *until < ADMIN_LOCK)
}

/// Whether an admin locked the account (`idp users lock`): every login is
/// refused until an admin unlocks it.
pub fn admin_locked(account: &Account) -> bool {
    account
        .locked_until
        .is_some_and(|until| until >= ADMIN_LOCK)
}

/// A failed login from `ip`, for `account` when the login exists. Counts,
/// and locks the account when this failure reaches the threshold.
pub async fn failed(
    app: &AppState,
    account: Option<&Account>,
    ip: &str,
    request_id: Option<&str>,
) -> Result<(), StoreError> {
    app.ephemeral
        .incr(&ip_key(ip), secs(app.config.ip_window_secs))
        .await?;
    let Some(account) = account else {
        return Ok(());
    };
    if locked_until(app, account).is_some() {
        return Ok(());
    }
    let count = app
        .ephemeral
        .incr(&failures_key(&account.id), secs(app.config.lockout_secs))
        .await?;
    if count < app.config.lockout_threshold {
        return Ok(());
    }
    lock(app, account, ip, request_id).await
}

async fn lock(
    app: &AppState,
    account: &Account,
    ip: &str,
    request_id: Option<&str>,
) -> Result<(), StoreError> {
    let now = app.now();
    let until = now + app.config.lockout_secs;
    if !app.sql.set_guessing_lock(&account.id, Some(until)).await? {
        return Ok(()); // an admin's lock is there already
    }
    app.ephemeral.delete(&failures_key(&account.id)).await?;
    app.audit
        .record(
            Entry::new(events::ACCOUNT_LOCKED)
                .account(&account.id)
                .request(request_id)
                .detail(serde_json::json!({"until": until, "ip": ip})),
            now,
        )
        .await;
    let token = random_token(32);
    app.ephemeral
        .put_json(
            &unlock_key(token.expose()),
            &account.id,
            app.config.lockout_secs,
        )
        .await?;
    let link = format!(
        "{}{}?token={}",
        app.issuer.trim_end_matches('/'),
        crate::paths::UNLOCK,
        token.expose()
    );
    let (kind, to) = match (&account.email, &account.phone) {
        (Some(email), _) => (Kind::Email, email.clone()),
        (None, Some(phone)) => (Kind::Sms, phone.clone()),
        (None, None) => return Ok(()),
    };
    let text = format!(
        "Кто-то {} раз подряд ввёл неверный пароль от вашей учётной записи, поэтому вход по паролю заблокирован до {}. \
         Вход по сертификату работает. Если это были вы, разблокируйте вход сразу: {link}\n\
         Если не вы — смените пароль после разблокировки.",
        app.config.lockout_threshold,
        clock_time(until)
    );
    delivery::send(
        app,
        &Message {
            kind,
            to,
            subject: "Вход по паролю заблокирован".into(),
            text,
            code: None,
            link: Some(link),
        },
    )
    .await
}

/// A wrong one-time code for `account_id` from `ip`: counted apart from
/// wrong passwords; true when it closes the code step (`lockout_threshold`
/// wrong codes within `lockout_secs`).
pub async fn code_failed(app: &AppState, account_id: &str, ip: &str) -> Result<bool, StoreError> {
    app.ephemeral
        .incr(&ip_key(ip), secs(app.config.ip_window_secs))
        .await?;
    let count = app
        .ephemeral
        .incr(
            &code_failures_key(account_id),
            secs(app.config.lockout_secs),
        )
        .await?;
    Ok(count >= app.config.lockout_threshold)
}

/// Whether the account's code step is closed by too many wrong codes.
pub async fn codes_blocked(app: &AppState, account_id: &str) -> Result<bool, StoreError> {
    let count: Option<Vec<u8>> = app.ephemeral.get(&code_failures_key(account_id)).await?;
    let count = count
        .and_then(|v| String::from_utf8(v).ok())
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(0);
    Ok(count >= app.config.lockout_threshold)
}

/// A right code: the count of wrong ones starts over.
pub async fn codes_succeeded(app: &AppState, account_id: &str) -> Result<(), StoreError> {
    app.ephemeral.delete(&code_failures_key(account_id)).await
}

/// A successful login: the account's count of wrong passwords starts over.
pub async fn succeeded(app: &AppState, account: &Account) -> Result<(), StoreError> {
    app.ephemeral.delete(&failures_key(&account.id)).await
}

/// The owner (by the link, or by a new password) lifts the lock of wrong
/// passwords, never an admin's; whether it lifted one.
pub async fn unlock_by_owner(
    app: &AppState,
    account_id: &str,
    by: &str,
) -> Result<bool, StoreError> {
    app.ephemeral.delete(&failures_key(account_id)).await?;
    if !app.sql.set_guessing_lock(account_id, None).await? {
        return Ok(false);
    }
    app.audit
        .record(
            Entry::new(events::ACCOUNT_UNLOCKED)
                .account(account_id)
                .detail(serde_json::json!({"by": by})),
            app.now(),
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
pub async fn unlock_by_link(app: &AppState, token: &str) -> Result<bool, StoreError> {
    if token.len() > 100 {
        return Ok(false);
    }
    let account: Option<String> = app.ephemeral.take_json(&unlock_key(token)).await?;
    match account {
        Some(id) => unlock_by_owner(app, &id, "owner").await,
        None => Ok(false),
    }
}

/// `HH:MM` Moscow time, as the seeds tell the unlock time.
pub fn clock_time(unix: UnixTime) -> String {
    chrono::DateTime::from_timestamp(unix + 3 * 3600, 0)
        .map(|t| t.format("%H:%M (МСК) %d.%m.%Y").to_string())
        .unwrap_or_default()
}
