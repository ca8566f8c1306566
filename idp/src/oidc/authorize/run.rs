//! The authorization endpoint's use case. `start` validates a fresh
//! request, `resume` continues a flow after login or consent; both end in
//! `evaluate`, which gathers the facts, asks [`decide`] what comes next and
//! carries it out (the flow's step saved, a code issued). The HTTP layer
//! only renders the [`Decision`].

use std::sync::Arc;

use super::{Facts, Next, SessionFacts, actor, consent, decide, required_level, step_of};
use crate::ctx::Ctx;
use crate::limits::{self, Limit, Subject};
use crate::model::{AccountLevel, Client};
use crate::oidc::auth_request::{self, AuthRequest};
use crate::oidc::code;
use crate::oidc::error::{ErrorCode, OAuthError};
use crate::oidc::flow::{Flow, FlowStep, Lookup};
use crate::oidc::params::Params;
use crate::oidc::redirect;
use crate::oidc::tokens::id_token_hint;
use crate::sessions::Session;
use crate::store::StoreError;

/// What the browser sees next.
#[derive(Debug)]
pub enum Decision {
    /// Show the login form for this flow.
    Login(Flow),
    /// The person is logged in with one factor; ask only the second.
    StepUp(Flow),
    /// Ask whom the person acts for: a private person or an organization.
    ChooseActor(Flow),
    /// Show the consent page for this flow.
    Consent { flow: Flow, client: Arc<Client> },
    /// The account is below the level the portal requires.
    LevelTooLow {
        required: AccountLevel,
        current: AccountLevel,
        client_name: String,
        /// Back to the portal with `access_denied`.
        back: String,
    },
    /// Go back to the portal (a code, or an error it can handle).
    Redirect(String),
    /// Evaluate the flow again (after a login in it).
    Continue(Flow),
    /// The flow link came from another browser: this one got a new flow.
    StartedOver(Flow),
    /// Too many new login flows from this address (or, `everyone`, in
    /// all): wait; `back` returns to the portal with
    /// `temporarily_unavailable`.
    TooManyFlows {
        wait_secs: i64,
        everyone: bool,
        back: String,
    },
    /// A page explaining a problem that cannot go back to the portal.
    Problem(Problem),
}

#[derive(Debug)]
pub enum Problem {
    /// Client or redirect URI untrusted (RFC 6749 §4.1.2.1).
    BadRequest(OAuthError),
    /// The flow expired or never existed.
    FlowExpired,
    /// The flow already ended; `back` is the portal's home.
    FlowCompleted { back: Option<String> },
    /// A store failed.
    Unavailable,
}

/// A new authorization request from the browser `browser` (the value of
/// its binding cookie) at the client `address`.
pub async fn start(
    ctx: &Ctx,
    params: &Params,
    browser: &str,
    address: &str,
    session: Option<Session>,
) -> Decision {
    let client = match params.get("client_id") {
        Ok(Some(id)) => match ctx.clients.get(id).await {
            // An ESIA client is unknown here: it signs its requests to the
            // ESIA endpoints, which this one does not check.
            Ok(client) => client.filter(|c| !c.is_esia()),
            Err(e) => return unavailable(e),
        },
        Ok(None) => None,
        Err(e) => return Decision::Problem(Problem::BadRequest(e)),
    };
    let (redirect_uri, state) = match auth_request::trusted_redirect(params, client.as_deref()) {
        Ok(trusted) => trusted,
        Err(e) => return Decision::Problem(Problem::BadRequest(e)),
    };
    let client = client.expect("trusted_redirect checked the client");
    if let Ok(Some(hint)) = params.get("id_token_hint") {
        // Signed with a key this node has not loaded yet?
        ctx.keys.catch_up(hint, &ctx.sql, &ctx.master).await;
    }
    let verify_hint = |hint: &str| id_token_hint(ctx, hint).map(|h| h.sub);
    match auth_request::validate(params, &client, redirect_uri, verify_hint) {
        Ok(req) => start_validated(ctx, req, &client, (browser, address), session).await,
        // Client and redirect URI are trusted now: the error goes back.
        Err(error) => Decision::Redirect(redirect::with_error(
            redirect_uri,
            &error,
            state,
            &ctx.issuer,
        )),
    }
}

/// A new login flow for a request already validated (by the OpenID Connect
/// rules above, or by another dialect's, `esia::authorize`), from the
/// browser `browser` at `address`.
pub async fn start_validated(
    ctx: &Ctx,
    req: AuthRequest,
    client: &Arc<Client>,
    (browser, address): (&str, &str),
    session: Option<Session>,
) -> Decision {
    // A logged-in browser counts for its account, others for their
    // address.
    let subject = match &session {
        Some(s) => Subject::Account(&s.auth.account_id),
        None => Subject::Address(address),
    };
    if let Err(refused) = admit(ctx, &req, subject).await {
        return refused;
    }
    evaluate(ctx, Flow::new(req, browser, ctx.now()), client, session).await
}

/// The flow `flow_id` as a page of this browser may use it. A flow started
/// in another browser starts over here, from its request, with nothing of
/// its progress: a link someone else opened never continues their login.
pub async fn open(ctx: &Ctx, flow_id: &str, browser: Option<&str>) -> Result<Flow, Decision> {
    match Flow::lookup(ctx, flow_id, browser).await {
        Ok(Lookup::Found(flow)) if flow.is_done() => Err(completed(&flow)),
        Ok(Lookup::Found(flow)) => Ok(flow),
        Ok(Lookup::Foreign(flow)) => match browser {
            Some(browser) => {
                let origin = flow.origin.clone().unwrap_or_else(|| flow.id.clone());
                restart_admitted(ctx, &flow.request, &origin).await?;
                let mut fresh = Flow::new(flow.request, browser, ctx.now());
                fresh.origin = Some(origin);
                match fresh.save(ctx).await {
                    Ok(()) => Err(Decision::StartedOver(fresh)),
                    Err(e) => Err(unavailable(e)),
                }
            }
            None => Err(Decision::Problem(Problem::FlowExpired)),
        },
        Ok(Lookup::Missing) => Err(Decision::Problem(Problem::FlowExpired)),
        Err(e) => Err(unavailable(e)),
    }
}

/// Each flow is kept for `flow_ttl_secs`, so what one keeps and how many
/// there are is capped: its request at `flow_max_bytes`, and new flows at
/// `flows_per_address` per address (or account) and `flows_total` in all
/// per `flow_ttl_secs`. Together they bound the memory flows hold.
async fn admit(ctx: &Ctx, req: &AuthRequest, subject: Subject<'_>) -> Result<(), Decision> {
    let max = ctx.config.flow_max_bytes;
    let size = serde_json::to_vec(req).map_or(usize::MAX, |bytes| bytes.len());
    if size > max {
        let error = OAuthError::invalid_request(format!(
            "the authorization request is too large to keep ({size} bytes as stored, at most {max}): shorten `state`, `nonce`, `claims`, `acr_values` or `login_hint`"
        ));
        let back = redirect::error_for(req, &error, &ctx.issuer);
        return Err(Decision::Redirect(back));
    }
    let per = flows_limit(ctx, "flows", ctx.config.flows_per_address);
    count_flow(ctx, req, per, subject).await?;
    let total = flows_limit(ctx, "flows_total", ctx.config.flows_total);
    count_flow(ctx, req, total, Subject::Everyone).await
}

/// A flow started over in another browser is a new flow too: counted in
/// all, and at most [`RESTARTS`] times per flow (and the flows started
/// over from it), so a link cannot be copied past the caps.
async fn restart_admitted(ctx: &Ctx, req: &AuthRequest, origin: &str) -> Result<(), Decision> {
    let restarts = flows_limit(ctx, "flow_restarts", RESTARTS);
    count_flow(ctx, req, restarts, Subject::Flow(origin)).await?;
    let total = flows_limit(ctx, "flows_total", ctx.config.flows_total);
    count_flow(ctx, req, total, Subject::Everyone).await
}

/// Times one flow may start over in another browser.
const RESTARTS: i64 = 3;

fn flows_limit(ctx: &Ctx, name: &'static str, max: i64) -> Limit {
    Limit {
        name,
        max,
        window_secs: ctx.config.flow_ttl_secs,
    }
}

async fn count_flow(
    ctx: &Ctx,
    req: &AuthRequest,
    limit: Limit,
    subject: Subject<'_>,
) -> Result<(), Decision> {
    let reached = match limits::count(ctx, limit, subject).await {
        Ok(Ok(())) => return Ok(()),
        Ok(Err(reached)) => reached,
        Err(e) => return Err(unavailable(e)),
    };
    let wait_secs = reached.wait_secs(ctx.now());
    let everyone = matches!(subject, Subject::Everyone);
    let error = OAuthError::new(
        ErrorCode::TemporarilyUnavailable,
        format!(
            "too many login flows {}; try again in {wait_secs} seconds",
            if everyone {
                "are under way"
            } else {
                "were started from this address"
            }
        ),
    );
    let back = redirect::error_for(req, &error, &ctx.issuer);
    Err(if req.prompt.none {
        Decision::Redirect(back)
    } else {
        Decision::TooManyFlows {
            wait_secs,
            everyone,
            back,
        }
    })
}

/// The flow `flow_id` as it waits at `step` (made from the account id) for
/// the person of `session`. Anything else — no session, someone else,
/// another step — lets the flow decide again: an answer counts only from
/// the person it was asked of.
pub async fn open_at(
    ctx: &Ctx,
    flow_id: &str,
    browser: Option<&str>,
    session: Option<Session>,
    step: impl FnOnce(&str) -> FlowStep,
) -> Result<(Flow, Session), Decision> {
    let flow = open(ctx, flow_id, browser).await?;
    match session {
        Some(s) if flow.step == step(&s.auth.account_id) => Ok((flow, s)),
        other => Err(continue_flow(ctx, flow, other).await),
    }
}

/// Continues a flow after a login or consent step.
pub async fn resume(
    ctx: &Ctx,
    flow_id: &str,
    browser: Option<&str>,
    session: Option<Session>,
) -> Decision {
    match open(ctx, flow_id, browser).await {
        Ok(flow) => continue_flow(ctx, flow, session).await,
        Err(decision) => decision,
    }
}

/// Evaluates an open flow again.
pub async fn continue_flow(ctx: &Ctx, flow: Flow, session: Option<Session>) -> Decision {
    let client = match ctx.clients.get(&flow.request.client_id).await {
        Ok(Some(client)) => client,
        Ok(None) => return Decision::Problem(Problem::FlowExpired),
        Err(e) => return unavailable(e),
    };
    evaluate(ctx, flow, &client, session).await
}

/// A login in this flow started the session `sid`.
pub async fn logged_in(ctx: &Ctx, mut flow: Flow, sid: String) -> Decision {
    flow.login_sid = Some(sid);
    save_then(ctx, flow, Decision::Continue).await
}

/// The person authenticated, but cannot reach the strength the portal
/// requires (OpenID Connect Unmet Authentication Requirements 1.0).
pub async fn unmet(ctx: &Ctx, mut flow: Flow) -> Decision {
    let error = OAuthError::new(
        ErrorCode::UnmetAuthenticationRequirements,
        format!(
            "this account cannot authenticate at `{}`",
            flow.request.required_aal
        ),
    );
    finish_error(ctx, &mut flow, error).await
}

/// The page for a flow that already ended (Back after the redirect).
pub fn completed(flow: &Flow) -> Decision {
    Decision::Problem(Problem::FlowCompleted {
        back: redirect::origin(&flow.request.redirect_uri),
    })
}

async fn evaluate(
    ctx: &Ctx,
    mut flow: Flow,
    client: &Arc<Client>,
    session: Option<Session>,
) -> Decision {
    let now = ctx.now();
    let facts = match gather(ctx, &flow, client, session, now).await {
        Ok(facts) => facts,
        Err(e) => return unavailable(e),
    };
    let next = decide(&flow, client, &facts, now);
    if let Some(step) = step_of(&next) {
        flow.step = step;
    }
    match next {
        Next::Completed => completed(&flow),
        Next::Login => save_then(ctx, flow, Decision::Login).await,
        Next::StepUp => save_then(ctx, flow, Decision::StepUp).await,
        Next::ChooseActor { .. } => save_then(ctx, flow, Decision::ChooseActor).await,
        Next::Consent { .. } => {
            let client = client.clone();
            save_then(ctx, flow, |flow| Decision::Consent { flow, client }).await
        }
        Next::Fail(error) => finish_error(ctx, &mut flow, error).await,
        Next::LevelTooLow {
            required,
            current,
            error,
        } => {
            if let Err(e) = flow.save(ctx).await {
                return unavailable(e);
            }
            let req = &flow.request;
            Decision::LevelTooLow {
                required,
                current,
                client_name: client.name.clone(),
                back: redirect::error_for(req, &error, &ctx.issuer),
            }
        }
        Next::Issue { auth, release } => {
            let req = &flow.request;
            let code = match code::issue(ctx, req, &auth, release).await {
                Ok(code) => code,
                Err(e) => return unavailable(e),
            };
            if let Err(e) = flow.save(ctx).await {
                return unavailable(e);
            }
            let req = &flow.request;
            Decision::Redirect(redirect::with_code(
                &req.redirect_uri,
                code.expose(),
                req.state.as_deref(),
                &ctx.issuer,
            ))
        }
    }
}

/// What [`decide`] needs to know, read only when a session answers the
/// flow, and each fact only when the flow reaches the step that needs it.
async fn gather(
    ctx: &Ctx,
    flow: &Flow,
    client: &Client,
    session: Option<Session>,
    now: crate::clock::UnixTime,
) -> Result<Facts, StoreError> {
    let mut facts = Facts {
        session: session.map(|s| SessionFacts {
            auth: s.auth,
            actor_chosen: s.actor_chosen,
        }),
        ..Facts::default()
    };
    let Ok(session) = super::authenticated(flow, facts.session.as_ref(), now) else {
        return Ok(facts);
    };
    let (account_id, level) = (session.auth.account_id.clone(), session.auth.account_level);
    let account_id = account_id.as_str();
    if required_level(client, &flow.request).is_some_and(|required| level < required) {
        facts.level_now = ctx.sql.account(account_id).await?.map(|a| a.level);
    }
    if actor::asked(flow) {
        facts.orgs = (ctx.sql.memberships_of(account_id).await?)
            .into_iter()
            .map(|(org, _)| org.id)
            .collect();
    }
    if !client.skip_consent && consent::given_in_flow(flow, account_id).is_none() {
        facts.consent = ctx.sql.consent(account_id, &client.id).await?;
    }
    Ok(facts)
}

/// Ends the flow with an error sent back to the portal.
pub async fn finish_error(ctx: &Ctx, flow: &mut Flow, error: OAuthError) -> Decision {
    flow.step = FlowStep::Done;
    if let Err(e) = flow.save(ctx).await {
        return unavailable(e);
    }
    Decision::Redirect(redirect::error_for(&flow.request, &error, &ctx.issuer))
}

async fn save_then(ctx: &Ctx, flow: Flow, next: impl FnOnce(Flow) -> Decision) -> Decision {
    match flow.save(ctx).await {
        Ok(()) => next(flow),
        Err(e) => unavailable(e),
    }
}

pub fn unavailable(e: impl std::fmt::Display) -> Decision {
    tracing::error!(error = %e, "authorization flow failed");
    Decision::Problem(Problem::Unavailable)
}
