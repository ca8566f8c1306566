//! Login by login identifier and password.

use crate::accounts::{normalize_login, password};
use crate::app::AppState;
use crate::audit::{Entry, events};
use crate::model::{Account, AuthContext, acr};
use crate::store::StoreError;

use super::session::new_sid;

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// One answer for unknown login and wrong password, so logins cannot be
    /// probed.
    #[error("wrong login or password")]
    WrongCredentials,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Checks the password; on success returns what the session will carry.
pub async fn login(
    app: &AppState,
    login: &str,
    password_text: &str,
    request_id: Option<&str>,
) -> Result<(Account, AuthContext), LoginError> {
    let login = normalize_login(login);
    let account = app.sql.account_by_login(&login).await?;
    let hash = account
        .as_ref()
        .map(|a| a.password_hash.clone())
        .unwrap_or_else(|| password::dummy_hash().to_owned());
    let candidate = password_text.to_owned();
    let ok = tokio::task::spawn_blocking(move || password::verify(&candidate, &hash))
        .await
        .unwrap_or(false);
    let now = app.now();
    match account {
        Some(account) if ok => {
            let auth = AuthContext {
                account_id: account.id.clone(),
                auth_time: now,
                acr: acr::AAL1.into(),
                amr: vec!["pwd".into()],
                account_level: account.level,
                sid: new_sid(),
            };
            app.audit
                .record(
                    Entry::new(events::LOGIN_SUCCEEDED)
                        .account(&account.id)
                        .request(request_id)
                        .detail(serde_json::json!({"amr": ["pwd"]})),
                    now,
                )
                .await;
            Ok((account, auth))
        }
        other => {
            let mut entry = Entry::new(events::LOGIN_FAILED).request(request_id);
            if let Some(account) = &other {
                entry = entry.account(&account.id);
            }
            app.audit.record(entry, now).await;
            Err(LoginError::WrongCredentials)
        }
    }
}
