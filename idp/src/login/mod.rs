//! Logging a person in: verify a factor (a password, or a certificate in
//! [`certificate`]), ask [`advance`] what is needed next, and once
//! authenticated start the SSO session (ending the browser's old one, so a
//! new cookie on every login prevents session fixation). Pages only render
//! the [`Outcome`]. A second factor waits in [`second_factor`]. Every way
//! of logging in ends in [`proven`], which refuses an account an admin
//! locked.

pub mod advance;
pub mod certificate;
pub mod password;
pub mod second_factor;
#[cfg(test)]
mod tests;

pub use advance::{Factor, Need, Progress, advance};
pub use password::LoginError;

use crate::audit::{Entry, events};
use crate::credentials::{self, guard, lockout};
use crate::ctx::Ctx;
use crate::model::{Aal, SecondFactor, Secret};
use crate::sessions::{self, Browser};

/// How a login attempt ended.
#[derive(Debug)]
pub enum Outcome {
    /// A session started: the new cookie and its `sid`.
    Started { cookie: Secret, sid: String },
    /// The first factor was right; a one-time code comes next. The cookie
    /// of the waiting login.
    SecondFactor {
        pending: Secret,
        method: SecondFactor,
    },
    /// Only a certificate reaches the strength the portal requires: the
    /// person is to log in with one.
    Certificate,
    /// The password was right, but this account cannot reach the strength
    /// the portal requires.
    Unreachable,
}

/// The ways of logging in that can reach a required strength here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Methods {
    pub password: bool,
    pub certificate: bool,
}

/// Which ways can reach `required`: a password (with the strongest second
/// factor) reaches AAL2 at most; a certificate, when trusted CAs are
/// configured, AAL3.
pub fn methods(ctx: &Ctx, required: Aal) -> Methods {
    Methods {
        password: advance::reached(&[Factor::Password, Factor::Totp]) >= required,
        certificate: credentials::certificate::available(ctx),
    }
}

/// A password login toward `required`. `old_cookie` is the browser's
/// previous session, ended once the new one starts.
///
/// Every failure gets one answer, [`LoginError::WrongCredentials`]: an
/// unknown login, a wrong password, and any password while the password
/// path is locked (after wrong passwords or by an admin). The password is
/// verified on every path, so neither the answer nor its time tells a
/// guesser that a guess was right (NIST SP 800-63B §5.2.2).
pub async fn password_login(
    ctx: &Ctx,
    login: &str,
    password_text: &str,
    required: Aal,
    browser: &Browser<'_>,
) -> Result<Outcome, LoginError> {
    let now = ctx.now();
    let failed = |account, detail| failure_with(browser, "pwd", account, detail);
    if guard::ip_blocked(ctx, browser.ip).await? {
        let detail = serde_json::json!({"reason": "ip_throttled"});
        ctx.audit.record(failed(None, detail), now).await;
        return Err(LoginError::Throttled);
    }
    let (mut account, right) = match password::check(ctx, login, password_text).await? {
        password::Checked::Right(account) => (Some(*account), true),
        password::Checked::Wrong { account } => (account.map(|a| *a), false),
    };
    if let (true, Some(read)) = (right, &account) {
        // The check takes a while, and guesses sent at once with this one
        // may have locked the account meanwhile: a right password is
        // judged by the lock in force now, as if they had come in a row.
        account = ctx.sql.account(&read.id).await?;
    }
    let lock = account
        .as_ref()
        .and_then(|a| lockout::password_lock(a, ctx.now()));
    if let (Some(account), true, None) = (&account, right, lock) {
        guard::succeeded(ctx, account).await?;
        return proven(ctx, account, vec![Factor::Password], required, browser).await;
    }
    guard::failed(ctx, account.as_ref(), browser.ip, browser.request_id).await?;
    // The journal may know what the page must not: whether a locked
    // account's password was right (someone has it).
    let detail = match lock {
        Some(lock) => serde_json::json!({"reason": lock.reason(), "password_right": right}),
        None => serde_json::json!({"reason": "wrong_credentials"}),
    };
    let id = account.as_ref().map(|a| a.id.as_str());
    ctx.audit.record(failed(id, detail), now).await;
    Err(LoginError::WrongCredentials)
}

/// The journal entry of a failed login by `method` (RFC 8176 name).
fn failure<'e>(
    browser: &Browser<'e>,
    method: &str,
    account: Option<&'e str>,
    reason: &str,
) -> Entry<'e> {
    failure_with(
        browser,
        method,
        account,
        serde_json::json!({"reason": reason}),
    )
}

/// [`failure`] with more than the reason in `detail`.
fn failure_with<'e>(
    browser: &Browser<'e>,
    method: &str,
    account: Option<&'e str>,
    mut detail: serde_json::Value,
) -> Entry<'e> {
    detail["method"] = method.into();
    let mut entry = Entry::new(events::LOGIN_FAILED)
        .request(browser.request_id)
        .detail(browser.journal(detail));
    if let Some(id) = account {
        entry = entry.account(id);
    }
    entry
}

/// The person has just proven `factors` for `account` (a login, or a
/// registration that set the password): the session starts if that is
/// enough, else the next step is named.
pub async fn proven(
    ctx: &Ctx,
    account: &crate::model::Account,
    factors: Vec<Factor>,
    required: Aal,
    browser: &Browser<'_>,
) -> Result<Outcome, LoginError> {
    finish(ctx, account, factors, required, None, browser).await
}

/// [`proven`], keeping the session id `sid` when a session is made
/// stronger.
async fn finish(
    ctx: &Ctx,
    account: &crate::model::Account,
    factors: Vec<Factor>,
    required: Aal,
    keep_sid: Option<String>,
    browser: &Browser<'_>,
) -> Result<Outcome, LoginError> {
    let (old_cookie, request_id) = (browser.old_cookie, browser.request_id);
    let now = ctx.now();
    if lockout::admin_locked(account) {
        ctx.audit
            .record(
                Entry::new(events::LOGIN_FAILED)
                    .account(&account.id)
                    .request(request_id)
                    .detail(browser.journal(serde_json::json!({"reason": "admin_locked"}))),
                now,
            )
            .await;
        return Err(LoginError::AdminLocked);
    }
    let second = ctx.sql.second_factor(&account.id).await?;
    let progress = Progress {
        account,
        factors,
        second_factor: second.map(|f| f.method),
        required,
    };
    let sid = keep_sid.clone().unwrap_or_else(sessions::new_sid);
    let auth = match advance(&progress, sid.clone(), now) {
        Need::Done(auth) => auth,
        Need::SecondFactor { method } => {
            let pending = second_factor::begin(
                ctx,
                account,
                progress.factors,
                required,
                method,
                keep_sid,
                true,
            )
            .await?;
            return Ok(Outcome::SecondFactor { pending, method });
        }
        // A password without a second factor where two are required: the
        // one-factor session starts, and the flow's step-up page says how
        // to enable one (or lets the person give up).
        Need::Unreachable if required == Aal::Aal2 => advance::authenticated(&progress, sid, now),
        Need::Certificate if credentials::certificate::available(ctx) => {
            return Ok(Outcome::Certificate);
        }
        Need::Certificate | Need::Unreachable => {
            ctx.audit
                .record(
                    Entry::new(events::LOGIN_UNMET)
                        .account(&account.id)
                        .request(request_id)
                        .detail(browser.journal(serde_json::json!({"required": required}))),
                    now,
                )
                .await;
            return Ok(Outcome::Unreachable);
        }
    };
    ctx.audit
        .record(
            Entry::new(events::LOGIN_SUCCEEDED)
                .account(&account.id)
                .request(request_id)
                .detail(browser.journal(serde_json::json!({"amr": auth.amr, "acr": auth.aal}))),
            now,
        )
        .await;
    let sid = auth.sid.clone();
    if keep_sid.is_some() {
        // A step-up: the same session, stronger.
        let stronger = match old_cookie {
            Some(old) => sessions::strengthen(ctx, old, auth).await?,
            None => None,
        };
        return match stronger {
            Some(cookie) => Ok(Outcome::Started { cookie, sid }),
            None => Err(LoginError::SessionGone),
        };
    }
    let cookie = sessions::start(ctx, auth, browser).await?;
    if let Some(old) = old_cookie {
        sessions::end_cookie(ctx, old, sessions::EndReason::Replaced).await?;
    }
    Ok(Outcome::Started { cookie, sid })
}
