//! Changing a password: by the person who knows it (on «Безопасность»),
//! or by «Забыли пароль?» with a code sent to the linked phone or e-mail.
//! Recovery never tells whether an account exists: every login gets the
//! same page, the same code form and the same refusals; only the owner of a
//! real account with a verified contact receives a code. Either way a new
//! password ends every other session of the account and revokes its
//! refresh tokens, lifts the lock of the password path, goes to the journal
//! and is told to the owner.

use serde::{Deserialize, Serialize};

use super::codes::{CodeCheck, SentCode};
use super::password::{self, NewPasswordError};
use crate::app::AppState;
use crate::audit::{Entry, events};
use crate::delivery::{self, Kind, Message};
use crate::login::session::{self, EndReason};
use crate::model::{Account, Secret, random_token};
use crate::store::{EphemeralExt, StoreError};

/// A recovery may take this long, and its code is valid as long.
pub const RECOVERY_TTL_SECS: i64 = 15 * 60;
/// Wrong codes before the recovery is spent.
pub const CODE_TRIES: u32 = 3;
/// At most one code per account this often, so nobody can flood the owner.
const SEND_EVERY_SECS: u64 = 60;
/// Recoveries one client IP may start per `ip_window_secs`.
const STARTS_PER_IP: i64 = 10;

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
    /// Too many recoveries from this address.
    #[error("too many recoveries from this address")]
    Throttled,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A recovery under way. For a login that names no account (or one with no
/// verified contact) it looks the same, with a code nobody received.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Recovery {
    account_id: Option<String>,
    code: SentCode,
}

fn key(cookie: &str) -> String {
    format!("recovery:{}", Secret::new(cookie).digest())
}

/// Where the code for `account` goes: the verified phone, else the
/// verified e-mail.
fn channel(account: &Account) -> Option<(Kind, &str)> {
    match (&account.phone, &account.email) {
        (Some(phone), _) if account.phone_verified => Some((Kind::Sms, phone)),
        (_, Some(email)) if account.email_verified => Some((Kind::Email, email)),
        _ => None,
    }
}

/// Starts a recovery for `login`; returns the cookie that binds it to this
/// browser. Sends a code only to a real account's verified contact.
pub async fn start(app: &AppState, login: &str, ip: &str) -> Result<Secret, RecoveryError> {
    let window = std::time::Duration::from_secs(app.config.ip_window_secs.max(1) as u64);
    if app
        .ephemeral
        .incr(&format!("recovery-ip:{ip}"), window)
        .await?
        > STARTS_PER_IP
    {
        return Err(RecoveryError::Throttled);
    }
    let now = app.now();
    let account = super::find_by_login(&app.sql, login).await?;
    let (code, plain) = SentCode::new(RECOVERY_TTL_SECS, CODE_TRIES, now);
    let reachable = account.as_ref().and_then(|a| channel(a).map(|c| (a, c)));
    if let Some((account, (kind, to))) = reachable {
        let recent = app
            .ephemeral
            .incr(
                &format!("recovery-sent:{}", account.id),
                std::time::Duration::from_secs(SEND_EVERY_SECS),
            )
            .await?;
        if recent == 1 {
            delivery::send(app, &code_message(kind, to, &plain)).await?;
        }
    }
    if let Some(account) = &account {
        app.audit
            .record(
                Entry::new(events::PASSWORD_RECOVERY_STARTED)
                    .account(&account.id)
                    .detail(serde_json::json!({"ip": ip, "code_sent": reachable.is_some()})),
                now,
            )
            .await;
    }
    let recovery = Recovery {
        account_id: account.map(|a| a.id),
        code,
    };
    let cookie = random_token(32);
    app.ephemeral
        .put_json(&key(cookie.expose()), &recovery, RECOVERY_TTL_SECS)
        .await?;
    Ok(cookie)
}

fn code_message(kind: Kind, to: &str, code: &str) -> Message {
    let text = format!(
        "Код для восстановления пароля на Вход: {code}. Действует 15 минут. Никому его не сообщайте. \
         Если вы не восстанавливали пароль, ничего не делайте: без кода пароль не изменить."
    );
    Message {
        kind,
        to: to.to_owned(),
        subject: "Восстановление пароля".into(),
        text,
        code: Some(code.to_owned()),
        link: None,
    }
}

/// Whether a recovery is under way behind this cookie.
pub async fn is_under_way(app: &AppState, cookie: Option<&str>) -> Result<bool, StoreError> {
    Ok(match cookie {
        Some(c) if c.len() <= 100 => app.ephemeral.get_json::<Recovery>(&key(c)).await?.is_some(),
        _ => false,
    })
}

/// Checks the code and sets the new password (typed twice).
pub async fn finish(
    app: &AppState,
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
    // Taken while checked, so parallel guesses cannot share one try, and one
    // code changes the password once; a wrong code puts it back a try less.
    let key = key(cookie);
    let mut recovery: Recovery = app
        .ephemeral
        .take_json(&key)
        .await?
        .ok_or(RecoveryError::NoRecovery)?;
    let now = app.now();
    let account_id = match (recovery.code.check(code, now), &recovery.account_id) {
        (CodeCheck::Right, Some(id)) => id.clone(),
        (CodeCheck::Spent, _) => return Err(RecoveryError::CodeSpent),
        // A right code for no account cannot happen by design; treat it,
        // and a wrong one, alike.
        _ => {
            let tries_left = recovery.code.tries_left;
            if tries_left == 0 {
                return Err(RecoveryError::CodeSpent);
            }
            let ttl = (recovery.code.expires_at - now).max(1);
            app.ephemeral.put_json(&key, &recovery, ttl).await?;
            return Err(RecoveryError::WrongCode { tries_left });
        }
    };
    let Some(account) = app.sql.account(&account_id).await? else {
        return Err(RecoveryError::NoRecovery);
    };
    let hash = password::hash_new(new_password, repeated).await?;
    set_password(app, &account, &hash, None, "recovery").await?;
    Ok(())
}

/// The person changes their password, knowing it: the current one is
/// checked (a wrong one counts toward the lockout), and every session but
/// `keep_sid` (where they changed it) ends.
pub async fn change(
    app: &AppState,
    account: &Account,
    current: &str,
    new_password: &str,
    repeated: &str,
    keep_sid: &str,
    client: &crate::login::Client<'_>,
) -> Result<(), super::second_factor::SettingsError> {
    password::check_policy(new_password).map_err(NewPasswordError::Policy)?;
    if new_password != repeated {
        return Err(NewPasswordError::Differ.into());
    }
    super::second_factor::check_password(app, account, current, client).await?;
    let hash = password::hash_new(new_password, repeated).await?;
    set_password(app, account, &hash, Some(keep_sid), "owner").await?;
    Ok(())
}

/// Stores a new password hash for `account`: every session but `keep_sid`
/// ends (portals hear by back-channel logout) and the refresh tokens are
/// revoked; the lock of the password path lifts (the person proved control
/// of the account); journaled and told to the owner.
pub async fn set_password(
    app: &AppState,
    account: &Account,
    hash: &str,
    keep_sid: Option<&str>,
    by: &str,
) -> Result<(), StoreError> {
    let now = app.now();
    app.sql.set_password_hash(&account.id, hash, now).await?;
    session::end_all(app, &account.id, keep_sid, EndReason::PasswordChanged).await?;
    crate::login::guard::unlock_by_owner(app, &account.id, by).await?;
    app.audit
        .record(
            Entry::new(events::PASSWORD_CHANGED)
                .account(&account.id)
                .detail(serde_json::json!({"by": by})),
            now,
        )
        .await;
    super::tell_owner(
        app,
        account,
        "Пароль от вашей учётной записи изменён; все другие сеансы входа завершены.",
    )
    .await
}
