//! Logging a person in: verify a factor, ask [`advance`] what is needed
//! next, and once authenticated start the SSO session (ending the browser's
//! old one, so a new cookie on every login prevents session fixation).
//! Pages only render the [`Outcome`]. Lockout, second factors, certificates
//! and recovery come in later issues.

pub mod advance;
pub mod password;
pub mod session;

pub use advance::{Factor, Need, Progress, advance};
pub use password::{LoginError, PasswordPool};
pub use session::Session;

use crate::app::AppState;
use crate::audit::{Entry, events};
use crate::model::{Aal, Secret};

/// How a login attempt ended.
#[derive(Debug)]
pub enum Outcome {
    /// A session started: the new cookie and its `sid`.
    Started { cookie: Secret, sid: String },
    /// The password was right, but this account cannot reach the strength
    /// the portal requires.
    Unreachable,
}

/// A password login toward `required`. `old_cookie` is the browser's
/// previous session, ended once the new one starts.
pub async fn password_login(
    app: &AppState,
    login: &str,
    password_text: &str,
    required: Aal,
    old_cookie: Option<&str>,
    request_id: Option<&str>,
) -> Result<Outcome, LoginError> {
    let now = app.now();
    let account = match password::check(app, login, password_text).await? {
        password::Checked::Right(account) => *account,
        password::Checked::Wrong { account_id } => {
            let mut entry = Entry::new(events::LOGIN_FAILED).request(request_id);
            if let Some(id) = &account_id {
                entry = entry.account(id);
            }
            app.audit.record(entry, now).await;
            return Err(LoginError::WrongCredentials);
        }
    };
    proven(app, &account, required, old_cookie, request_id).await
}

/// The person has just proven the password of `account` (a login, or a
/// registration that set it): the session starts if that is enough.
pub async fn proven(
    app: &AppState,
    account: &crate::model::Account,
    required: Aal,
    old_cookie: Option<&str>,
    request_id: Option<&str>,
) -> Result<Outcome, LoginError> {
    let now = app.now();
    let progress = Progress {
        account,
        factors: vec![Factor::Password],
        required,
    };
    let auth = match advance(&progress, session::new_sid(), now) {
        Need::Done(auth) => auth,
        Need::SecondFactor { .. } | Need::Certificate | Need::Unreachable => {
            app.audit
                .record(
                    Entry::new(events::LOGIN_UNMET)
                        .account(&account.id)
                        .request(request_id)
                        .detail(serde_json::json!({"required": required})),
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
                .detail(serde_json::json!({"amr": auth.amr, "acr": auth.aal})),
            now,
        )
        .await;
    let sid = auth.sid.clone();
    let cookie = session::start(app, auth).await?;
    if let Some(old) = old_cookie {
        session::end(app, old).await?;
    }
    Ok(Outcome::Started { cookie, sid })
}
