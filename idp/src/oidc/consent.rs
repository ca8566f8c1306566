//! Consent to pass personal data to a portal (the seeds' "подтверждение
//! передачи данных"): remembered per client and scope set, visible and
//! revocable by the person.

use super::authorize::{self, Decision, Problem};
use super::error::{ErrorCode, OAuthError};
use super::flow::Flow;
use crate::app::AppState;
use crate::audit::{Entry, events};
use crate::login::Session;
use crate::model::Consent;
use crate::store::StoreError;

/// The person answered the consent page.
pub async fn decide(
    app: &AppState,
    flow_id: &str,
    allow: bool,
    session: Option<Session>,
    request_id: Option<&str>,
) -> Decision {
    let mut flow = match Flow::load(app, flow_id).await {
        Ok(Some(flow)) => flow,
        Ok(None) => return Decision::Problem(Problem::FlowExpired),
        Err(_) => return Decision::Problem(Problem::Unavailable),
    };
    if flow.completed {
        return authorize::completed(&flow);
    }
    let Some(session) = session else {
        // The session ended while the page was open: log in again.
        return authorize::resume(app, flow_id, None).await;
    };
    let account_id = session.auth.account_id.clone();
    let client_id = flow.request.client_id.clone();
    let now = app.now();
    if !allow {
        app.audit
            .record(
                Entry::new(events::CONSENT_DENIED)
                    .account(&account_id)
                    .client(&client_id)
                    .request(request_id),
                now,
            )
            .await;
        let error = OAuthError::new(
            ErrorCode::AccessDenied,
            "the person declined to share the data",
        );
        return authorize::finish_error(app, &mut flow, error).await;
    }
    let saved = async {
        let scopes = match app.sql.consent(&account_id, &client_id).await? {
            Some(earlier) => earlier.scopes.union(&flow.request.scopes),
            None => flow.request.scopes.clone(),
        };
        app.sql
            .save_consent(&Consent {
                account_id: account_id.clone(),
                client_id: client_id.clone(),
                scopes: scopes.clone(),
                granted_at: now,
            })
            .await?;
        flow.consent_given = true;
        flow.save(app).await?;
        Ok::<_, StoreError>(scopes)
    }
    .await;
    match saved {
        Ok(scopes) => {
            app.audit
                .record(
                    Entry::new(events::CONSENT_GRANTED)
                        .account(&account_id)
                        .client(&client_id)
                        .request(request_id)
                        .detail(serde_json::json!({"scope": scopes.to_string()})),
                    now,
                )
                .await;
            authorize::resume(app, flow_id, Some(session)).await
        }
        Err(_) => Decision::Problem(Problem::Unavailable),
    }
}

/// Withdraws a consent: the portal must ask again, and its refresh tokens
/// for this person stop working.
pub async fn withdraw(
    app: &AppState,
    account_id: &str,
    client_id: &str,
    request_id: Option<&str>,
) -> Result<bool, StoreError> {
    let existed = app.sql.delete_consent(account_id, client_id).await?;
    if existed {
        let revoked = app.sql.revoke_refresh_of(account_id, client_id).await?;
        app.audit
            .record(
                Entry::new(events::CONSENT_REVOKED)
                    .account(account_id)
                    .client(client_id)
                    .request(request_id)
                    .detail(serde_json::json!({"refresh_tokens_revoked": revoked})),
                app.now(),
            )
            .await;
    }
    Ok(existed)
}
