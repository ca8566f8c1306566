//! Whom the person acts for: the login flow's step between authentication
//! and consent. When the portal asks for the scope `organizations` and the
//! person works for at least one organization, they choose «как частное
//! лицо» or one organization, as in ESIA. The choice lives in the SSO
//! session (`AuthContext::acting_org`), so the next portal that asks does
//! not ask again; `prompt=select_account` asks again without a password.
//! An organization the person no longer works for is never acted for: the
//! question comes back.

use super::authorize::{self, Decision};
use super::flow::{Flow, FlowStep};
use crate::audit::{Entry, events};
use crate::ctx::Ctx;
use crate::model::{Membership, Organization};
use crate::orgs::claims::SCOPE;
use crate::sessions::{self, Session};
use crate::store::StoreError;

/// What a flow needs about whom the person acts for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Need {
    /// Ask the person.
    Ask,
    /// Settled: this organization, or `None` for a private person.
    Act(Option<String>),
}

/// Whether `flow` must ask the person of `session` whom they act for.
pub async fn need(ctx: &Ctx, flow: &Flow, session: &Session) -> Result<Need, StoreError> {
    if !flow.request.scopes.contains(SCOPE) {
        return Ok(Need::Act(None));
    }
    let account_id = session.auth.account_id.as_str();
    let orgs = ctx.sql.memberships_of(account_id).await?;
    if orgs.is_empty() {
        return Ok(Need::Act(None));
    }
    let acting = &session.auth.acting_org;
    let still_member = acting
        .as_ref()
        .is_none_or(|id| orgs.iter().any(|(org, _)| org.id == *id));
    let asked_again =
        flow.request.prompt.select_account && flow.actor_chosen_by.as_deref() != Some(account_id);
    Ok(if session.actor_chosen && still_member && !asked_again {
        Need::Act(acting.clone())
    } else {
        Need::Ask
    })
}

/// What the page «От чьего имени войти» offers.
pub struct Page {
    pub client_name: String,
    /// The person's organizations and their roles in each.
    pub orgs: Vec<(Organization, Membership)>,
    /// The session's current choice, preselected.
    pub current: Option<String>,
}

pub async fn page(ctx: &Ctx, flow: &Flow, session: &Session) -> Result<Page, StoreError> {
    let client_name = match ctx.clients.get(&flow.request.client_id).await? {
        Some(client) => client.name.clone(),
        None => flow.request.client_id.clone(),
    };
    Ok(Page {
        client_name,
        orgs: ctx.sql.memberships_of(&session.auth.account_id).await?,
        current: session.auth.acting_org.clone(),
    })
}

/// The person chose: `org` is an organization's id, `None` a private
/// person. Counts only from the person the flow asked, and only for an
/// organization they work for (anything else asks again).
pub async fn choose(
    ctx: &Ctx,
    flow_id: &str,
    browser: Option<&str>,
    session: Option<Session>,
    org: Option<&str>,
    request_id: Option<&str>,
) -> Decision {
    let asked = |account_id: &str| FlowStep::ChooseActor {
        account_id: account_id.to_owned(),
    };
    let (mut flow, session) = match authorize::open_at(ctx, flow_id, browser, session, asked).await
    {
        Ok(found) => found,
        Err(decision) => return decision,
    };
    let account_id = session.auth.account_id.clone();
    if let Some(id) = org {
        match ctx.sql.membership(id, &account_id).await {
            Ok(Some(_)) => {}
            Ok(None) => return Decision::ChooseActor(flow),
            Err(e) => return authorize::unavailable(e),
        }
    }
    let org = org.map(str::to_owned);
    let updated = match sessions::act_for(ctx, &session, org.clone()).await {
        Ok(Some(updated)) => updated,
        Ok(None) => return authorize::continue_flow(ctx, flow, None).await,
        Err(e) => return authorize::unavailable(e),
    };
    ctx.audit
        .record(
            Entry::new(events::LOGIN_ACTOR_CHOSEN)
                .account(&account_id)
                .client(&flow.request.client_id)
                .request(request_id)
                .detail(serde_json::json!({"org": org, "sid": session.auth.sid})),
            ctx.now(),
        )
        .await;
    flow.actor_chosen_by = Some(account_id);
    authorize::continue_flow(ctx, flow, Some(updated)).await
}
