//! Checking a password. Argon2id is costly, so verification runs in the
//! bounded hashing pool (`ctx.hashing`); a full pool answers
//! [`LoginError::Busy`] at once.

use crate::credentials::password;
use crate::ctx::{Busy, Ctx};
use crate::model::Account;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// One answer for an unknown login, a wrong password, and any password
    /// while the password path is locked, so neither logins nor passwords
    /// can be probed.
    #[error("wrong login or password, or the password path is locked")]
    WrongCredentials,
    /// Too many password checks under way; try again shortly.
    #[error("too many logins at once")]
    Busy,
    /// This client IP failed too often lately.
    #[error("too many failed logins from this address")]
    Throttled,
    /// The factors were right, but an admin locked the account: no login
    /// of any kind until an admin lifts it (the password path answers
    /// [`LoginError::WrongCredentials`] instead).
    #[error("the account is locked by an admin")]
    AdminLocked,
    /// The session a step-up was making stronger ended meanwhile.
    #[error("the session ended during the step-up")]
    SessionGone,
    /// Certificate login is not configured: no trusted CAs.
    #[error("certificate login is not configured")]
    CertificatesOff,
    /// The certificate did not log in.
    #[error("wrong certificate: {0}")]
    Certificate(super::certificate::Refusal),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<Busy> for LoginError {
    fn from(_: Busy) -> Self {
        Self::Busy
    }
}

/// What a password check found.
pub enum Checked {
    Right(Box<Account>),
    /// Unknown login or wrong password (the account, if the login exists,
    /// for the journal only).
    Wrong {
        account: Option<Box<Account>>,
    },
}

/// Checks a login identifier and password; an unknown login costs the same
/// hash as a known one.
pub async fn check(ctx: &Ctx, login: &str, password_text: &str) -> Result<Checked, LoginError> {
    let account = crate::accounts::find_by_login(&ctx.sql, login).await?;
    let hash = account.as_ref().map_or_else(
        || password::dummy_hash().to_owned(),
        |a| a.password_hash.clone(),
    );
    let ok = password::verify_pooled(&ctx.hashing, password_text.to_owned(), hash).await?;
    Ok(match account {
        Some(account) if ok => Checked::Right(Box::new(account)),
        other => Checked::Wrong {
            account: other.map(Box::new),
        },
    })
}
