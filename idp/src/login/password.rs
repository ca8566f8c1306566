//! Checking a password. Argon2id costs 19 MiB and tens of milliseconds, so
//! verification runs in a bounded pool: one hash per two cores at a time,
//! a short queue, and beyond that an immediate "busy" (HTTP 503 with
//! `Retry-After`), so a flood of logins can neither exhaust memory nor
//! starve the threads that serve tokens and database calls.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::Semaphore;

use crate::accounts::password;
use crate::app::AppState;
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

/// The bounded pool of password verifications.
pub struct PasswordPool {
    running: Semaphore,
    /// Checks admitted (running or waiting).
    admitted: AtomicUsize,
    limit: usize,
}

impl PasswordPool {
    /// `workers` hashes at once, `queue` more waiting.
    pub fn new(workers: usize, queue: usize) -> Self {
        Self {
            running: Semaphore::new(workers.max(1)),
            admitted: AtomicUsize::new(0),
            limit: workers.max(1) + queue,
        }
    }

    /// One check per two cores (at least one), so that a flood of logins
    /// leaves at least half the machine to everything else; four waiting
    /// per running.
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let workers = (cores / 2).max(1);
        Self::new(workers, 4 * workers)
    }

    /// Verifies `candidate` against a PHC hash; `Busy` when the pool is full.
    pub async fn verify(
        self: &Arc<Self>,
        candidate: String,
        hash: String,
    ) -> Result<bool, LoginError> {
        if self.admitted.fetch_add(1, Ordering::AcqRel) >= self.limit {
            self.admitted.fetch_sub(1, Ordering::AcqRel);
            return Err(LoginError::Busy);
        }
        let _admitted = Admitted(self.clone());
        let _permit = self.running.acquire().await.map_err(|_| LoginError::Busy)?;
        Ok(
            tokio::task::spawn_blocking(move || password::verify(&candidate, &hash))
                .await
                .unwrap_or(false),
        )
    }
}

/// Leaves the pool when dropped, even if the caller's future is cancelled.
struct Admitted(Arc<PasswordPool>);

impl Drop for Admitted {
    fn drop(&mut self) {
        self.0.admitted.fetch_sub(1, Ordering::AcqRel);
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
pub async fn check(
    app: &AppState,
    login: &str,
    password_text: &str,
) -> Result<Checked, LoginError> {
    let account = crate::accounts::find_by_login(&app.sql, login).await?;
    let hash = account.as_ref().map_or_else(
        || password::dummy_hash().to_owned(),
        |a| a.password_hash.clone(),
    );
    let ok = app.passwords.verify(password_text.to_owned(), hash).await?;
    Ok(match account {
        Some(account) if ok => Checked::Right(Box::new(account)),
        other => Checked::Wrong {
            account: other.map(Box::new),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_pool_turns_callers_away_at_once() {
        let hash = password::dummy_hash().to_owned();
        let pool = Arc::new(PasswordPool::new(1, 1));
        let calls: Vec<_> = (0..6)
            .map(|_| {
                let (pool, hash) = (pool.clone(), hash.clone());
                tokio::spawn(async move { pool.verify("wrong".into(), hash).await })
            })
            .collect();
        let mut busy = 0;
        for call in calls {
            match call.await.unwrap() {
                Err(LoginError::Busy) => busy += 1,
                Ok(ok) => assert!(!ok),
                Err(e) => panic!("{e}"),
            }
        }
        assert!(busy >= 4, "only {busy} of 6 turned away with room for 2");
        // Once drained, the pool admits again.
        assert!(!pool.verify("x".into(), hash).await.unwrap());
    }
}
