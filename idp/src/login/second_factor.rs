//! The one-time-code step of a login: after the password, or when a live
//! session must get stronger (a step-up, which never asks the password
//! again), the account's second factor. The login waits in the short-lived
//! store for ten minutes, bound to the browser by a cookie of its own; a
//! recovery code can stand in for the code. Wrong codes are counted per
//! account apart from wrong passwords: too many close the code step for
//! the lockout time.

use serde::{Deserialize, Serialize};

use super::{LoginError, Outcome, finish};
use crate::audit::{Entry, events};
use crate::clock::UnixTime;
use crate::credentials::Factor;
use crate::credentials::codes::SentCode;
use crate::credentials::guard;
use crate::credentials::second_factor::{
    SMS_CODE_TRIES, SMS_CODE_TTL_SECS, check_code, sms_code, verified_phone,
};
use crate::ctx::Ctx;
use crate::model::{Aal, Account, SecondFactor, Secret, random_token};
use crate::sessions::{Browser, Session};
use crate::store::{EphemeralExt, StoreError, Update, update_json};

/// The cookie of a login waiting for its code.
pub const COOKIE: &str = "vhod_pending";
/// A login waits this long for its code.
pub const PENDING_TTL_SECS: i64 = 10 * 60;
/// The wait before another SMS code may be sent.
pub const RESEND_AFTER_SECS: i64 = 60;

/// A login that has proven its first factor and waits for the code.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pending {
    pub account_id: String,
    pub factors: Vec<Factor>,
    pub required: Aal,
    pub method: SecondFactor,
    /// A step-up keeps the session's `sid`: portals see one session.
    pub sid: Option<String>,
    /// The SMS code sent, for the SMS method.
    pub sms: Option<SentCode>,
    /// Where the SMS went, masked, for the page.
    pub sent_to: Option<String>,
    pub created_at: UnixTime,
}

/// Why a code did not finish the login.
#[derive(Debug, thiserror::Error)]
pub enum CodeError {
    /// No login waits in this browser (expired, finished, another browser).
    #[error("no login is waiting for a code")]
    NoLogin,
    #[error("wrong code")]
    Wrong { tries_left: Option<u32> },
    /// The SMS code expired or ran out of tries: send a new one.
    #[error("the code expired")]
    Spent,
    /// Too many wrong codes for this account lately.
    #[error("too many wrong codes")]
    Blocked,
    /// A new SMS code was asked for too soon.
    #[error("wait before asking for another code")]
    TooSoon { wait_secs: i64 },
    #[error(transparent)]
    Login(#[from] LoginError),
}

impl From<StoreError> for CodeError {
    fn from(e: StoreError) -> Self {
        Self::Login(LoginError::Store(e))
    }
}

fn key(cookie: &str) -> String {
    format!("pending-login:{}", Secret::new(cookie).digest())
}

/// `+7 *** ***-**-12`: enough for the person to recognise their phone.
pub fn masked_phone(phone: &str) -> String {
    let tail: String = phone
        .chars()
        .rev()
        .take(2)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("+7 *** ***-**-{tail}")
}

/// Starts the code step (with an SMS code, when `send_code`); returns the
/// pending login's cookie.
pub async fn begin(
    ctx: &Ctx,
    account: &Account,
    factors: Vec<Factor>,
    required: Aal,
    method: SecondFactor,
    sid: Option<String>,
    send_code: bool,
) -> Result<Secret, StoreError> {
    let mut pending = Pending {
        account_id: account.id.clone(),
        factors,
        required,
        method,
        sid,
        sms: None,
        sent_to: None,
        created_at: ctx.now(),
    };
    if method == SecondFactor::Sms && send_code {
        // Within the account's minute no code goes: the page offers to
        // send one when the minute is over.
        let _within_the_minute = send_sms(ctx, account, &mut pending).await?;
    }
    let cookie = random_token(32);
    ctx.ephemeral
        .put_json(&key(cookie.expose()), &pending, PENDING_TTL_SECS)
        .await?;
    Ok(cookie)
}

/// Sends a login code to the account's phone, unless one went less than a
/// minute ago to any login of the account: `Err` then holds the seconds to
/// wait. One minute per account, whichever login, step-up or resend asks,
/// so neither a script that knows the password nor many waiting logins
/// pump SMS to the phone.
async fn send_sms(
    ctx: &Ctx,
    account: &Account,
    pending: &mut Pending,
) -> Result<Result<(), i64>, StoreError> {
    // Enabling SMS codes needed a verified phone; a phone changed since
    // gets no code, and the person uses a recovery code.
    let Some(phone) = verified_phone(account) else {
        return Ok(Ok(()));
    };
    let now = ctx.now();
    let minute = format!("login-sms:{}", account.id);
    let taken = update_json(
        &*ctx.ephemeral,
        &minute,
        |last: Option<UnixTime>| match last {
            Some(at) if at + RESEND_AFTER_SECS > now => {
                (Update::Keep, Err(at + RESEND_AFTER_SECS - now))
            }
            _ => (Update::Put(now, RESEND_AFTER_SECS), Ok(())),
        },
    )
    .await?;
    if taken.is_err() {
        return Ok(taken);
    }
    let (sent, code) = SentCode::new(SMS_CODE_TTL_SECS, SMS_CODE_TRIES, now);
    pending.sms = Some(sent);
    pending.sent_to = Some(masked_phone(phone));
    let purpose = crate::messages::Purpose::Login;
    ctx.queue_message(&sms_code(phone, &code, purpose)).await?;
    Ok(Ok(()))
}

/// The login waiting in this browser, if any.
pub async fn find(ctx: &Ctx, cookie: Option<&str>) -> Result<Option<Pending>, StoreError> {
    match cookie {
        Some(cookie) if cookie.len() <= 100 => ctx.ephemeral.get_json(&key(cookie)).await,
        _ => Ok(None),
    }
}

/// What a step-up found.
pub enum StepUp {
    /// The code step started; the pending login's cookie.
    Pending(Secret),
    /// The account has no second factor to step up with.
    NoSecondFactor,
}

/// Makes a live one-factor session stronger: only the code is asked.
pub async fn step_up(ctx: &Ctx, session: &Session, required: Aal) -> Result<StepUp, StoreError> {
    let Some(account) = ctx.sql.account(&session.auth.account_id).await? else {
        return Ok(StepUp::NoSecondFactor);
    };
    let Some(factor) = ctx.sql.second_factor(&account.id).await? else {
        return Ok(StepUp::NoSecondFactor);
    };
    let factors = vec![Factor::Password];
    let sid = Some(session.auth.sid.clone());
    // A page load starts a step-up: at most one SMS a minute, as for every
    // login (the person can ask for another on the page).
    let cookie = begin(ctx, &account, factors, required, factor.method, sid, true).await?;
    Ok(StepUp::Pending(cookie))
}

/// Sends a new SMS code, at most one a minute.
pub async fn resend(ctx: &Ctx, cookie: &str) -> Result<(), CodeError> {
    let mut pending = find(ctx, Some(cookie)).await?.ok_or(CodeError::NoLogin)?;
    if pending.method != SecondFactor::Sms {
        return Ok(());
    }
    let now = ctx.now();
    if let Some(sent) = &pending.sms {
        let wait = sent.sent_at + RESEND_AFTER_SECS - now;
        if wait > 0 {
            return Err(CodeError::TooSoon { wait_secs: wait });
        }
    }
    let account = ctx
        .sql
        .account(&pending.account_id)
        .await?
        .ok_or(CodeError::NoLogin)?;
    if let Err(wait_secs) = send_sms(ctx, &account, &mut pending).await? {
        return Err(CodeError::TooSoon { wait_secs });
    }
    save(ctx, cookie, &pending).await?;
    Ok(())
}

async fn save(ctx: &Ctx, cookie: &str, pending: &Pending) -> Result<(), StoreError> {
    let left = pending.created_at + PENDING_TTL_SECS - ctx.now();
    ctx.ephemeral
        .put_json(&key(cookie), pending, left.max(1))
        .await
}

/// Checks a code (or a recovery code) and, when right, finishes the login.
pub async fn submit(
    ctx: &Ctx,
    cookie: &str,
    code: &str,
    browser: &Browser<'_>,
) -> Result<Outcome, CodeError> {
    // Taken, so one pending login finishes once even under a double submit.
    let mut pending: Pending = match cookie.len() <= 100 {
        true => ctx.ephemeral.take_json(&key(cookie)).await?,
        false => None,
    }
    .ok_or(CodeError::NoLogin)?;
    let account = ctx
        .sql
        .account(&pending.account_id)
        .await?
        .ok_or(CodeError::NoLogin)?;
    let Some(taken) = guard::take_code_try(ctx, &account.id).await? else {
        return Err(CodeError::Blocked);
    };
    let now = ctx.now();
    let sealed = match pending.method {
        SecondFactor::Totp => ctx.sql.second_factor(&account.id).await?,
        SecondFactor::Sms => None,
    }
    .and_then(|f| f.sealed_secret);
    let (method, sms) = (pending.method, pending.sms.as_mut());
    let checked = check_code(ctx, &account.id, method, sealed.as_deref(), sms, code, now).await?;
    let factor = match checked {
        Ok(factor) => factor,
        Err(tries_left) => {
            let method = pending.method.as_str();
            let blocked = guard::code_failed(ctx, taken, browser.ip).await?;
            ctx.audit
                .record(
                    super::failure(browser, method, Some(&account.id), "wrong_code"),
                    now,
                )
                .await;
            if blocked {
                ctx.audit
                    .record(
                        Entry::new(events::SECOND_FACTOR_BLOCKED)
                            .account(&account.id)
                            .request(browser.request_id)
                            .detail(serde_json::json!({"ip": browser.ip})),
                        now,
                    )
                    .await;
                return Err(CodeError::Blocked);
            }
            let spent =
                (pending.sms.as_ref()).is_some_and(|s| s.tries_left == 0 || s.expires_at <= now);
            save(ctx, cookie, &pending).await?;
            return Err(if spent {
                CodeError::Spent
            } else {
                CodeError::Wrong { tries_left }
            });
        }
    };
    guard::codes_succeeded(ctx, &account.id).await?;
    pending.factors.push(factor);
    Ok(finish(
        ctx,
        &account,
        pending.factors,
        pending.required,
        pending.sid,
        browser,
    )
    .await?)
}
