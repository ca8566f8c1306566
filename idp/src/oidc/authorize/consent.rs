//! Consent to pass personal data to a portal (the seeds' "подтверждение
//! передачи данных"): bound to the person who gave it, remembered per
//! client as exactly the scopes and claims shown, visible and revocable.

use super::{self as authorize, Decision, Problem};
use crate::audit::{Entry, events};
use crate::ctx::Ctx;
use crate::model::{Client, Consent, Release};
use crate::oidc::claims::{self, ClaimDef};
use crate::oidc::error::{ErrorCode, OAuthError};
use crate::oidc::flow::{Flow, FlowStep};
use crate::sessions::Session;
use crate::store::StoreError;

/// What a flow needs about consent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Need {
    /// Ask the person.
    Ask,
    /// Consented: release this.
    Release(Release),
}

/// The release the account `account_id` allowed in this very flow (a
/// consent given in a flow counts only for who gave it).
pub fn given_in_flow<'a>(flow: &'a Flow, account_id: &str) -> Option<&'a Release> {
    match &flow.step {
        FlowStep::Consented {
            account_id: by,
            release,
        } if by == account_id => Some(release),
        _ => None,
    }
}

/// Whether `account_id` has agreed to pass exactly this flow's data to
/// `client`: a first-party portal needs no consent; a consent given in
/// this flow, or a remembered one (`remembered`) that covers every scope
/// and claim, does (unless `prompt=consent` asks again).
pub fn need(flow: &Flow, client: &Client, account_id: &str, remembered: Option<&Consent>) -> Need {
    let proposed = authorize::proposed_release(flow, client);
    if client.skip_consent {
        return Need::Release(proposed);
    }
    if let Some(release) = given_in_flow(flow, account_id) {
        return Need::Release(release.clone());
    }
    let req = &flow.request;
    let covered = remembered.is_some_and(|c| claims::covered_by(c, &req.scopes, &proposed));
    if req.prompt.consent || !covered {
        Need::Ask
    } else {
        Need::Release(proposed)
    }
}

/// What the consent page shows.
pub struct Page {
    pub client_name: String,
    pub account_name: String,
    /// The organization the person logs in for, if they chose one.
    pub acting_for: Option<String>,
    pub scopes: Vec<String>,
    /// Claims asked for one by one that the scopes do not cover.
    pub claims: Vec<&'static ClaimDef>,
}

/// The consent page of `flow` for the person of `session`.
pub async fn page(ctx: &Ctx, flow: &Flow, session: &Session) -> Result<Page, StoreError> {
    let client = ctx
        .clients
        .get(&flow.request.client_id)
        .await?
        .ok_or_else(|| StoreError::Corrupt("the flow's client is gone".into()))?;
    let account = ctx
        .sql
        .account(&session.auth.account_id)
        .await?
        .ok_or_else(|| StoreError::Corrupt("the session's account is gone".into()))?;
    let (scopes, claims) = shown(flow, &client);
    let acting_for = match &session.auth.acting_org {
        Some(id) if flow.request.scopes.contains(crate::orgs::claims::SCOPE) => {
            ctx.sql.organization(id).await?.map(|org| org.short_name)
        }
        _ => None,
    };
    Ok(Page {
        client_name: client.name.clone(),
        account_name: account.short_name(),
        acting_for,
        scopes,
        claims,
    })
}

fn shown(flow: &Flow, client: &Client) -> (Vec<String>, Vec<&'static ClaimDef>) {
    let release = authorize::proposed_release(flow, client);
    let scopes = flow.request.scopes.iter().map(str::to_owned).collect();
    (scopes, claims::individual(&release, &flow.request.scopes))
}

/// A person's consents, with the names of the portals.
pub async fn of_account(ctx: &Ctx, account_id: &str) -> Result<Vec<(Consent, String)>, StoreError> {
    let mut named = Vec::new();
    for consent in ctx.sql.consents_of(account_id).await? {
        let name = match ctx.clients.get(&consent.client_id).await? {
            Some(client) => client.name.clone(),
            None => consent.client_id.clone(),
        };
        named.push((consent, name));
    }
    Ok(named)
}

/// The person answered the consent page.
pub async fn decide(
    ctx: &Ctx,
    flow_id: &str,
    browser: Option<&str>,
    allow: bool,
    session: Option<Session>,
    request_id: Option<&str>,
) -> Decision {
    // The answer counts only from the person the page was shown to; anyone
    // else (another login in this browser meanwhile) is asked afresh.
    let asked = |account_id: &str| FlowStep::Consent {
        account_id: account_id.to_owned(),
    };
    let (mut flow, session) = match authorize::open_at(ctx, flow_id, browser, session, asked).await
    {
        Ok(found) => found,
        Err(decision) => return decision,
    };
    let account_id = session.auth.account_id.clone();
    let client = match ctx.clients.get(&flow.request.client_id).await {
        Ok(Some(client)) => client,
        Ok(None) => return Decision::Problem(Problem::FlowExpired),
        Err(e) => return authorize::unavailable(e),
    };
    let client_id = client.id.clone();
    let now = ctx.now();
    if !allow {
        ctx.audit
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
        return authorize::finish_error(ctx, &mut flow, error).await;
    }
    let release = authorize::proposed_release(&flow, &client);
    let (_, individual) = shown(&flow, &client);
    let saved = async {
        let earlier = ctx.sql.consent(&account_id, &client_id).await?;
        let mut consent = Consent {
            account_id: account_id.clone(),
            client_id: client_id.clone(),
            scopes: flow.request.scopes.clone(),
            claims: individual.iter().map(|d| d.name.to_owned()).collect(),
            granted_at: now,
        };
        if let Some(earlier) = earlier {
            consent.scopes = earlier.scopes.union(&consent.scopes);
            consent.claims.extend(earlier.claims);
        }
        ctx.sql.save_consent(&consent).await?;
        flow.step = FlowStep::Consented {
            account_id: account_id.clone(),
            release: release.clone(),
        };
        flow.save(ctx).await?;
        Ok::<_, StoreError>(consent)
    }
    .await;
    match saved {
        Ok(consent) => {
            ctx.audit
                .record(
                    Entry::new(events::CONSENT_GRANTED)
                        .account(&account_id)
                        .client(&client_id)
                        .request(request_id)
                        .detail(serde_json::json!({
                            "scope": consent.scopes.to_string(),
                            "claims": consent.claims,
                        })),
                    now,
                )
                .await;
            authorize::continue_flow(ctx, flow, Some(session)).await
        }
        Err(e) => authorize::unavailable(e),
    }
}

/// Withdraws a consent: the portal must ask again, and every grant made to
/// it for this person ends at once, refresh and access tokens alike; the
/// portal hears by back-channel logout that its sessions of this person
/// are over.
pub async fn withdraw(
    ctx: &Ctx,
    account_id: &str,
    client_id: &str,
    request_id: Option<&str>,
) -> Result<bool, StoreError> {
    let existed = ctx.sql.delete_consent(account_id, client_id).await?;
    // Durable: every check of their access tokens reads it.
    let grants = ctx.sql.revoke_grants_of(account_id, client_id).await?;
    // The portal's own sessions of this person end too.
    let told = crate::sessions::backchannel::portal_left(ctx, account_id, client_id).await?;
    if existed || !grants.is_empty() {
        ctx.audit
            .record(
                Entry::new(events::CONSENT_REVOKED)
                    .account(account_id)
                    .client(client_id)
                    .request(request_id)
                    .detail(serde_json::json!({
                        "grants_revoked": grants.len(),
                        "backchannel_logouts": told,
                    })),
                ctx.now(),
            )
            .await;
    }
    Ok(existed)
}
