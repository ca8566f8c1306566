//! A login flow: the validated authorization request plus the step it has
//! reached, kept on the server so Back, refresh and a second tab never
//! strand the person. Pages carry only the flow id; the flow is bound to the
//! browser that started it (a cookie), so a flow link opened in another
//! browser starts over instead of continuing someone else's login.
//!
//! Steps: authenticate -> choose whom to act for (a private person or one
//! of their organizations, when the portal asks for `organizations`) ->
//! consent -> done. A choice or a consent counts only for the account that
//! made it.

use serde::{Deserialize, Serialize};

use super::auth_request::AuthRequest;
use crate::clock::UnixTime;
use crate::ctx::Ctx;
use crate::model::{Release, Secret, random_token};
use crate::store::{EphemeralExt, StoreError};

/// Where a flow stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum FlowStep {
    /// Waiting for a login (or for a session that satisfies the request).
    Authenticate,
    /// This account is asked whom it acts for.
    ChooseActor { account_id: String },
    /// The consent page is shown to this account.
    Consent { account_id: String },
    /// This account allowed this release; nobody else can finish with it.
    Consented {
        account_id: String,
        release: Release,
    },
    /// A code was issued or an error sent back: the flow is over.
    Done,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flow {
    pub id: String,
    pub request: AuthRequest,
    pub created_at: UnixTime,
    /// Digest of the browser-binding cookie of the browser that started it.
    pub browser: String,
    pub step: FlowStep,
    /// `sid` of the session a login in this flow started: that login
    /// satisfies `prompt=login` and `max_age` for this flow.
    pub login_sid: Option<String>,
    /// The account that chose whom to act for in this flow: that choice
    /// satisfies `prompt=select_account` for this flow.
    #[serde(default)]
    pub actor_chosen_by: Option<String>,
    /// The flow this one started over from in another browser (the first
    /// of the line): restarts are counted against it.
    #[serde(default)]
    pub origin: Option<String>,
}

/// What looking up a flow from a page found.
#[derive(Debug)]
pub enum Lookup {
    Found(Flow),
    /// The flow exists but was started in another browser.
    Foreign(Flow),
    /// Expired or never existed.
    Missing,
}

fn key(id: &str) -> String {
    format!("flow:{id}")
}

/// The name of the browser-binding cookie.
pub const BROWSER_COOKIE: &str = "vhod_browser";

/// A new value for the browser-binding cookie.
pub fn new_browser_id() -> Secret {
    random_token(32)
}

impl Flow {
    pub fn new(request: AuthRequest, browser: &str, now: UnixTime) -> Self {
        Self {
            id: random_token(16).expose().to_owned(),
            request,
            created_at: now,
            browser: Secret::new(browser).digest(),
            step: FlowStep::Authenticate,
            login_sid: None,
            actor_chosen_by: None,
            origin: None,
        }
    }

    pub fn is_done(&self) -> bool {
        self.step == FlowStep::Done
    }

    /// The flow `id`, checked against the browser presenting it.
    pub async fn lookup(ctx: &Ctx, id: &str, browser: Option<&str>) -> Result<Lookup, StoreError> {
        if id.len() > 64 {
            return Ok(Lookup::Missing);
        }
        let flow: Option<Flow> = ctx.ephemeral.get_json(&key(id)).await?;
        Ok(
            match flow.filter(|f| f.created_at + ctx.config.flow_ttl_secs > ctx.now()) {
                None => Lookup::Missing,
                Some(flow)
                    if browser.is_some_and(|b| Secret::new(b).matches_digest(&flow.browser)) =>
                {
                    Lookup::Found(flow)
                }
                Some(flow) => Lookup::Foreign(flow),
            },
        )
    }

    pub async fn save(&self, ctx: &Ctx) -> Result<(), StoreError> {
        ctx.ephemeral
            .put_json(&key(&self.id), self, ctx.config.flow_ttl_secs)
            .await
    }
}
