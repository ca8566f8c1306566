//! Security settings. Second factor: enable SMS codes or an authenticator app
//! (confirmed with a first code), disable it, renew the recovery codes.
//! Every change needs the password (the seeds), counts a wrong one toward
//! the lockout, goes to the journal and is told to the owner.
//!
//! A second factor protects against sessions that existed before it: an
//! enrollment belongs to the session that began it; enabling ends every
//! other session of the account (back-channel logout, refresh tokens
//! revoked) and makes this one two-factor, since it has just proven both;
//! and once it is on, removing or replacing it, or renewing the recovery
//! codes, needs a session at `aal2` or the code itself, not only the
//! password.

use serde::{Deserialize, Serialize};

use crate::audit::{Entry, events};
use crate::credentials::codes::{CodeCheck, SentCode};
use crate::credentials::recovery_codes::{new_recovery_codes, recovery_digest};
use crate::credentials::second_factor::{
    SMS_CODE_TRIES, SMS_CODE_TTL_SECS, check_code, sms_code, verified_phone,
};
use crate::credentials::{Factor, guard, lockout, password, totp};
use crate::ctx::{Busy, Ctx};
use crate::messages::{Change, Purpose};
use crate::model::{Aal, Account, SecondFactor, SecondFactorRecord, Secret};
use crate::sessions::{self, EndReason, Session};
use crate::store::{EphemeralExt, StoreError};

/// An enrollment must be confirmed within this time.
const ENROLL_TTL_SECS: i64 = 10 * 60;

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("wrong password")]
    WrongPassword,
    #[error("the password path is locked")]
    Locked { until: crate::clock::UnixTime },
    #[error("too many password checks at once")]
    Busy,
    #[error("SMS codes need a verified mobile phone")]
    NoPhone,
    #[error("no second factor is being enabled")]
    NotStarted,
    #[error("wrong code")]
    WrongCode { tries_left: Option<u32> },
    #[error("the code expired or ran out of tries")]
    CodeSpent,
    #[error("no second factor is enabled")]
    NotEnabled,
    /// A session below `aal2` changes an enabled second factor: the code
    /// (or a recovery code) is needed with the password.
    #[error("the second factor's code is needed")]
    CodeNeeded,
    /// The code typed for such a change is wrong.
    #[error("wrong second-factor code")]
    WrongFactorCode,
    /// Too many wrong codes lately.
    #[error("too many wrong codes")]
    CodesBlocked,
    /// The new password was not taken (the password change).
    #[error(transparent)]
    NewPassword(#[from] password::NewPasswordError),
    /// Locked by an administrator, or the session is gone.
    #[error("the account cannot change its settings now")]
    Refused,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<Busy> for SettingsError {
    fn from(_: Busy) -> Self {
        Self::Busy
    }
}

/// A second factor being enabled, until its first code confirms it, in
/// the session that began it.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Enrollment {
    method: SecondFactor,
    sealed_secret: Option<String>,
    sms: Option<SentCode>,
}

fn enrollment_key(account_id: &str, sid: &str) -> String {
    format!("enroll-second-factor:{account_id}:{sid}")
}

/// The session asking for a change, and the code typed with it (empty
/// when none): what proves the second factor besides the password.
pub struct Proof<'a> {
    pub session: &'a Session,
    pub code: &'a str,
}

impl Proof<'_> {
    fn key(&self, account: &Account) -> String {
        enrollment_key(&account.id, &self.session.auth.sid)
    }
}

/// What the settings page shows of a TOTP enrollment.
pub struct TotpEnrollment {
    pub secret_base32: String,
    pub uri: String,
}

/// The settings as the page shows them.
pub struct Status {
    pub enabled: Option<SecondFactorRecord>,
    pub recovery_codes_left: u32,
    /// A TOTP enrollment waiting for its first code.
    pub totp_pending: Option<TotpEnrollment>,
    /// An SMS enrollment waiting for its code.
    pub sms_pending: bool,
}

/// The settings as the session `sid` sees them (its own enrollment only).
pub async fn status(ctx: &Ctx, account: &Account, sid: &str) -> Result<Status, StoreError> {
    let enabled = ctx.sql.second_factor(&account.id).await?;
    let recovery_codes_left = ctx.sql.recovery_codes_left(&account.id).await?;
    let key = enrollment_key(&account.id, sid);
    let pending: Option<Enrollment> = ctx.ephemeral.get_json(&key).await?;
    let totp_pending = pending
        .as_ref()
        .and_then(|e| e.sealed_secret.as_deref())
        .and_then(|sealed| totp::open(&ctx.master, &account.id, sealed))
        .map(|secret| {
            let setup = totp::setup(&secret, &label(account));
            TotpEnrollment {
                secret_base32: setup.secret_base32,
                uri: setup.uri,
            }
        });
    Ok(Status {
        enabled,
        recovery_codes_left,
        sms_pending: pending.is_some_and(|e| e.method == SecondFactor::Sms),
        totp_pending,
    })
}

/// How the account is named in the authenticator app.
fn label(account: &Account) -> String {
    account
        .email
        .clone()
        .or_else(|| account.phone.clone())
        .unwrap_or_else(|| account.family_name.clone())
}

/// Checks the owner's password for a settings change; a wrong one counts
/// toward the lockout like a wrong login.
pub async fn check_password(
    ctx: &Ctx,
    account: &Account,
    password: &str,
    browser: &sessions::Browser<'_>,
) -> Result<(), SettingsError> {
    if let Some(until) = lockout::locked_until(account, ctx.now()) {
        return Err(SettingsError::Locked { until });
    }
    let right = password::verify_pooled(
        &ctx.hashing,
        password.to_owned(),
        account.password_hash.clone(),
    )
    .await?;
    // The check takes a while, and guesses sent at once with this one may
    // have locked the password path meanwhile: a right password found
    // under a lock counts and answers as a wrong one (as in a row, it would
    // have met the lock), so a burst tells a guesser nothing more.
    let locked = right
        && ctx
            .sql
            .account(&account.id)
            .await?
            .is_none_or(|read| lockout::locked_until(&read, ctx.now()).is_some());
    if !right || locked {
        guard::failed(ctx, Some(account), browser.ip, browser.request_id).await?;
        return Err(SettingsError::WrongPassword);
    }
    Ok(())
}

/// What a change to an enabled second factor needs besides the password:
/// a session at `aal2` or stronger, or `code`, a right code of the factor
/// (from the app) or a recovery code, spent by this. Wrong codes count
/// with the code step's.
async fn prove_code(
    ctx: &Ctx,
    account: &Account,
    factor: SecondFactorRecord,
    code: &str,
    browser: &sessions::Browser<'_>,
) -> Result<(), SettingsError> {
    let Some(taken) = guard::take_code_try(ctx, &account.id).await? else {
        return Err(SettingsError::CodesBlocked);
    };
    let (method, sealed) = (factor.method, factor.sealed_secret.as_deref());
    let checked = check_code(ctx, &account.id, method, sealed, None, code, ctx.now()).await?;
    let right = checked.is_ok();
    if !right {
        if guard::code_failed(ctx, taken, browser.ip).await? {
            return Err(SettingsError::CodesBlocked);
        }
        return Err(SettingsError::WrongFactorCode);
    }
    guard::codes_succeeded(ctx, &account.id).await?;
    Ok(())
}

/// The password, and for an enabled second factor a session at `aal2` or
/// its code. Without the code nothing is checked, so the password is not
/// tried for nothing.
async fn check_both(
    ctx: &Ctx,
    account: &Account,
    password: &str,
    proof: &Proof<'_>,
    browser: &sessions::Browser<'_>,
) -> Result<(), SettingsError> {
    let factor = match proof.session.auth.aal < Aal::Aal2 {
        true => ctx.sql.second_factor(&account.id).await?,
        false => None,
    };
    if factor.is_some() && proof.code.is_empty() {
        return Err(SettingsError::CodeNeeded);
    }
    check_password(ctx, account, password, browser).await?;
    match factor {
        Some(factor) => prove_code(ctx, account, factor, proof.code, browser).await,
        None => Ok(()),
    }
}

/// Starts enabling an authenticator app: a new secret to scan or type.
/// Replacing an enabled factor needs what disabling it needs.
pub async fn begin_totp(
    ctx: &Ctx,
    account: &Account,
    password: &str,
    proof: &Proof<'_>,
    browser: &sessions::Browser<'_>,
) -> Result<TotpEnrollment, SettingsError> {
    check_both(ctx, account, password, proof, browser).await?;
    let secret = totp::new_secret();
    let enrollment = Enrollment {
        method: SecondFactor::Totp,
        sealed_secret: Some(totp::seal(&ctx.master, &account.id, &secret)),
        sms: None,
    };
    ctx.ephemeral
        .put_json(&proof.key(account), &enrollment, ENROLL_TTL_SECS)
        .await?;
    let setup = totp::setup(&secret, &label(account));
    Ok(TotpEnrollment {
        secret_base32: setup.secret_base32,
        uri: setup.uri,
    })
}

/// Starts enabling SMS codes: a code goes to the verified phone.
/// Replacing an enabled factor needs what disabling it needs.
pub async fn begin_sms(
    ctx: &Ctx,
    account: &Account,
    password: &str,
    proof: &Proof<'_>,
    browser: &sessions::Browser<'_>,
) -> Result<(), SettingsError> {
    let phone = verified_phone(account).ok_or(SettingsError::NoPhone)?;
    check_both(ctx, account, password, proof, browser).await?;
    let (sent, code) = SentCode::new(SMS_CODE_TTL_SECS, SMS_CODE_TRIES, ctx.now());
    let enrollment = Enrollment {
        method: SecondFactor::Sms,
        sealed_secret: None,
        sms: Some(sent),
    };
    ctx.ephemeral
        .put_json(&proof.key(account), &enrollment, ENROLL_TTL_SECS)
        .await?;
    ctx.queue_message(&sms_code(phone, &code, Purpose::EnableSms))
        .await?;
    Ok(())
}

/// A second factor just enabled: the recovery codes to show once, and
/// the session's new cookie when it became two-factor.
pub struct Enabled {
    pub recovery_codes: Vec<String>,
    pub cookie: Option<Secret>,
}

/// Confirms the session's enrollment with its first code: the factor is
/// on, every other session of the account ends, this one becomes
/// two-factor, and the ten recovery codes are returned to be shown once.
pub async fn confirm(
    ctx: &Ctx,
    account: &Account,
    session: &Session,
    code: &str,
    browser: &sessions::Browser<'_>,
) -> Result<Enabled, SettingsError> {
    // Taken while checked, so parallel guesses cannot share one try and
    // one enrollment enables once; a wrong code puts it back.
    let key = enrollment_key(&account.id, &session.auth.sid);
    let mut enrollment: Enrollment = ctx
        .ephemeral
        .take_json(&key)
        .await?
        .ok_or(SettingsError::NotStarted)?;
    let now = ctx.now();
    let checked = match (&enrollment.sealed_secret, &mut enrollment.sms) {
        (Some(sealed), _) => match totp::open(&ctx.master, &account.id, sealed) {
            Some(secret) => totp::matching_step(&secret, code, now)
                .map(Some)
                .ok_or(SettingsError::WrongCode { tries_left: None }),
            None => return Err(SettingsError::NotStarted),
        },
        (None, Some(sms)) => match sms.check(code, now) {
            CodeCheck::Right => Ok(None),
            CodeCheck::Wrong { tries_left } => Err(SettingsError::WrongCode {
                tries_left: Some(tries_left),
            }),
            CodeCheck::Spent => return Err(SettingsError::CodeSpent),
        },
        (None, None) => return Err(SettingsError::NotStarted),
    };
    let last_step = match checked {
        Ok(step) => step,
        Err(wrong) => {
            ctx.ephemeral
                .put_json(&key, &enrollment, ENROLL_TTL_SECS)
                .await?;
            return Err(wrong);
        }
    };
    let record = SecondFactorRecord {
        account_id: account.id.clone(),
        method: enrollment.method,
        sealed_secret: enrollment.sealed_secret,
        last_step,
        enabled_at: now,
    };
    let recovery = new_recovery_codes();
    let digests = recovery
        .iter()
        .map(|c| recovery_digest(&account.id, c))
        .collect();
    ctx.sql.enable_second_factor(&record, digests).await?;
    journal(
        ctx,
        account,
        events::SECOND_FACTOR_ENABLED,
        Some(record.method),
    )
    .await;
    let sid = &session.auth.sid;
    sessions::end_all(ctx, &account.id, Some(sid), EndReason::SecondFactorEnabled).await?;
    let cookie = strengthen(ctx, session, record.method, browser).await?;
    super::tell_owner(
        ctx,
        account,
        match record.method {
            SecondFactor::Totp => Change::TotpEnabled,
            SecondFactor::Sms => Change::SmsEnabled,
        },
    )
    .await?;
    Ok(Enabled {
        recovery_codes: recovery,
        cookie,
    })
}

/// Makes the session that enabled `method` two-factor: it proved the
/// password when the enrollment began and the factor's code just now,
/// what a login with the factor proves. Its new cookie, if it changed.
async fn strengthen(
    ctx: &Ctx,
    session: &Session,
    method: SecondFactor,
    browser: &sessions::Browser<'_>,
) -> Result<Option<Secret>, StoreError> {
    let Some(cookie) = browser.old_cookie else {
        return Ok(None);
    };
    if session.auth.aal >= Aal::Aal2 {
        return Ok(None);
    }
    let factor = match method {
        SecondFactor::Totp => Factor::Totp,
        SecondFactor::Sms => Factor::Sms,
    };
    let mut auth = session.auth.clone();
    auth.aal = Aal::Aal2;
    auth.auth_time = ctx.now();
    for amr in [Factor::Password.amr(), factor.amr()] {
        if !auth.amr.iter().any(|m| m == amr) {
            auth.amr.push(amr.to_owned());
        }
    }
    sessions::strengthen(ctx, cookie, auth).await
}

/// Turns the second factor off (with the password, and a session at
/// `aal2` or the code).
pub async fn disable(
    ctx: &Ctx,
    account: &Account,
    password: &str,
    proof: &Proof<'_>,
    browser: &sessions::Browser<'_>,
) -> Result<(), SettingsError> {
    check_both(ctx, account, password, proof, browser).await?;
    if !ctx.sql.disable_second_factor(&account.id).await? {
        return Err(SettingsError::NotEnabled);
    }
    journal(ctx, account, events::SECOND_FACTOR_DISABLED, None).await;
    super::tell_owner(ctx, account, Change::SecondFactorDisabled).await?;
    Ok(())
}

/// Support removes a lost second factor (`idp users reset-second-factor`),
/// from a process without the short-lived store; whether there was one.
pub async fn reset_by_operator(
    sql: &crate::store::SqlStore,
    audit: &crate::audit::Audit,
    account_id: &str,
    operator: &str,
    now: crate::clock::UnixTime,
) -> Result<bool, StoreError> {
    let removed = sql.disable_second_factor(account_id).await?;
    if removed {
        audit
            .record(
                Entry::new(events::SECOND_FACTOR_DISABLED)
                    .account(account_id)
                    .detail(serde_json::json!({"by": "operator", "operator": operator})),
                now,
            )
            .await;
    }
    Ok(removed)
}

/// New recovery codes in place of the old ones (with the password, and a
/// session at `aal2` or the code).
pub async fn renew_recovery_codes(
    ctx: &Ctx,
    account: &Account,
    password: &str,
    proof: &Proof<'_>,
    browser: &sessions::Browser<'_>,
) -> Result<Vec<String>, SettingsError> {
    check_both(ctx, account, password, proof, browser).await?;
    if ctx.sql.second_factor(&account.id).await?.is_none() {
        return Err(SettingsError::NotEnabled);
    }
    let recovery = new_recovery_codes();
    let digests = recovery
        .iter()
        .map(|c| recovery_digest(&account.id, c))
        .collect();
    ctx.sql.replace_recovery_codes(&account.id, digests).await?;
    journal(ctx, account, events::RECOVERY_CODES_RENEWED, None).await;
    Ok(recovery)
}

async fn journal(ctx: &Ctx, account: &Account, event: &str, method: Option<SecondFactor>) {
    let mut entry = Entry::new(event).account(&account.id);
    if let Some(method) = method {
        entry = entry.detail(serde_json::json!({ "method": method }));
    }
    ctx.audit.record(entry, ctx.now()).await;
}
