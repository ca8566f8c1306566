//! Logging a person in: verify a factor (a password, or a certificate in
//! [`certificate`]), ask [`advance`] what is needed next, and once
//! authenticated start the SSO session (ending the browser's old one, so a
//! new cookie on every login prevents session fixation). Pages only render
//! the [`Outcome`]. A second factor waits in [`second_factor`]. Every way
//! of logging in ends in [`proven`], which refuses an account an admin
//! locked.

pub mod advance;
pub mod certificate;
pub mod guard;
pub mod password;
pub mod second_factor;
pub mod session;

pub use advance::{Factor, Need, Progress, advance};
pub use password::{LoginError, PasswordPool};
pub use session::Session;

use crate::app::AppState;
use crate::audit::{Entry, events};
use crate::model::{Aal, SecondFactor, Secret};

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
pub fn methods(app: &AppState, required: Aal) -> Methods {
    Methods {
        password: advance::reached(&[Factor::Password, Factor::Totp]) >= required,
        certificate: certificate::available(app),
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
    app: &AppState,
    login: &str,
    password_text: &str,
    required: Aal,
    client: &Client<'_>,
) -> Result<Outcome, LoginError> {
    let now = app.now();
    let failed = |account, detail| failure_with(client, "pwd", account, detail);
    if guard::ip_blocked(app, client.ip).await? {
        let detail = serde_json::json!({"reason": "ip_throttled"});
        app.audit.record(failed(None, detail), now).await;
        return Err(LoginError::Throttled);
    }
    let (mut account, right) = match password::check(app, login, password_text).await? {
        password::Checked::Right(account) => (Some(*account), true),
        password::Checked::Wrong { account } => (account.map(|a| *a), false),
    };
    if let (true, Some(read)) = (right, &account) {
        // The check takes a while, and guesses sent at once with this one
        // may have locked the account meanwhile: a right password is
        // judged by the lock in force now, as if they had come in a row.
        account = app.sql.account(&read.id).await?;
    }
    let lock = account.as_ref().and_then(|a| guard::password_lock(app, a));
    if let (Some(account), true, None) = (&account, right, lock) {
        guard::succeeded(app, account).await?;
        return proven(app, account, vec![Factor::Password], required, client).await;
    }
    guard::failed(app, account.as_ref(), client.ip, client.request_id).await?;
    // The journal may know what the page must not: whether a locked
    // account's password was right (someone has it).
    let detail = match lock {
        Some(lock) => serde_json::json!({"reason": lock.reason(), "password_right": right}),
        None => serde_json::json!({"reason": "wrong_credentials"}),
    };
    let id = account.as_ref().map(|a| a.id.as_str());
    app.audit.record(failed(id, detail), now).await;
    Err(LoginError::WrongCredentials)
}

/// The journal entry of a failed login by `method` (RFC 8176 name).
fn failure<'e>(
    client: &Client<'e>,
    method: &str,
    account: Option<&'e str>,
    reason: &str,
) -> Entry<'e> {
    failure_with(
        client,
        method,
        account,
        serde_json::json!({"reason": reason}),
    )
}

/// [`failure`] with more than the reason in `detail`.
fn failure_with<'e>(
    client: &Client<'e>,
    method: &str,
    account: Option<&'e str>,
    mut detail: serde_json::Value,
) -> Entry<'e> {
    detail["method"] = method.into();
    let mut entry = Entry::new(events::LOGIN_FAILED)
        .request(client.request_id)
        .detail(client.journal(detail));
    if let Some(id) = account {
        entry = entry.account(id);
    }
    entry
}

/// A `User-Agent` as the journal keeps it: at most 256 characters.
pub fn user_agent(header: Option<&str>) -> Option<&str> {
    header.map(|ua| match ua.char_indices().nth(256) {
        Some((cut, _)) => &ua[..cut],
        None => ua,
    })
}

/// Who is logging in, as far as the request tells.
#[derive(Debug, Clone, Copy)]
pub struct Client<'a> {
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

impl Client<'_> {
    /// `detail` with what the journal keeps of the client: the IP, the
    /// browser, the certificate's serial (never a password or signature).
    fn journal(&self, mut detail: serde_json::Value) -> serde_json::Value {
        detail["ip"] = self.ip.into();
        detail["user_agent"] = self.user_agent.into();
        if let Some(serial) = self.certificate {
            detail["certificate"] = serial.into();
        }
        detail
    }
}

/// The person has just proven `factors` for `account` (a login, or a
/// registration that set the password): the session starts if that is
/// enough, else the next step is named.
pub async fn proven(
    app: &AppState,
    account: &crate::model::Account,
    factors: Vec<Factor>,
    required: Aal,
    client: &Client<'_>,
) -> Result<Outcome, LoginError> {
    finish(app, account, factors, required, None, client).await
}

/// [`proven`], keeping the session id `sid` when a session is made
/// stronger.
async fn finish(
    app: &AppState,
    account: &crate::model::Account,
    factors: Vec<Factor>,
    required: Aal,
    keep_sid: Option<String>,
    client: &Client<'_>,
) -> Result<Outcome, LoginError> {
    let (old_cookie, request_id) = (client.old_cookie, client.request_id);
    let now = app.now();
    if guard::admin_locked(account) {
        app.audit
            .record(
                Entry::new(events::LOGIN_FAILED)
                    .account(&account.id)
                    .request(request_id)
                    .detail(client.journal(serde_json::json!({"reason": "admin_locked"}))),
                now,
            )
            .await;
        return Err(LoginError::AdminLocked);
    }
    let second = app.sql.second_factor(&account.id).await?;
    let progress = Progress {
        account,
        factors,
        second_factor: second.map(|f| f.method),
        required,
    };
    let sid = keep_sid.clone().unwrap_or_else(session::new_sid);
    let auth = match advance(&progress, sid.clone(), now) {
        Need::Done(auth) => auth,
        Need::SecondFactor { method } => {
            let pending = second_factor::begin(
                app,
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
        Need::Certificate if certificate::available(app) => return Ok(Outcome::Certificate),
        Need::Certificate | Need::Unreachable => {
            app.audit
                .record(
                    Entry::new(events::LOGIN_UNMET)
                        .account(&account.id)
                        .request(request_id)
                        .detail(client.journal(serde_json::json!({"required": required}))),
                    now,
                )
                .await;
            return Ok(Outcome::Unreachable);
        }
    };
    app.audit
        .record(
            Entry::new(events::LOGIN_SUCCEEDED)
                .account(&account.id)
                .request(request_id)
                .detail(client.journal(serde_json::json!({"amr": auth.amr, "acr": auth.aal}))),
            now,
        )
        .await;
    let sid = auth.sid.clone();
    if keep_sid.is_some() {
        // A step-up: the same session, stronger.
        let stronger = match old_cookie {
            Some(old) => session::strengthen(app, old, auth).await?,
            None => None,
        };
        return match stronger {
            Some(cookie) => Ok(Outcome::Started { cookie, sid }),
            None => Err(LoginError::SessionGone),
        };
    }
    let cookie = session::start(app, auth, client).await?;
    if let Some(old) = old_cookie {
        session::end_cookie(app, old, session::EndReason::Replaced).await?;
    }
    Ok(Outcome::Started { cookie, sid })
}
