//! The authorization endpoint (OpenID Connect Core §3.1.2). [`decide`] is
//! the rule: from the flow, the client, the [`Facts`] the use case gathered
//! (the session, the account's level now, the person's organizations, the
//! remembered consent) and `now`, it says what comes [`Next`]: a login, a
//! step-up, whom to act for ([`actor`]), a consent ([`consent`]), an error
//! back to the portal, or a code. The use case ([`run`]: `start`,
//! `resume`, ...) gathers the facts, calls it and carries the decision out
//! (saves the flow's step, issues the code) into a [`Decision`] that the
//! HTTP layer renders.

pub mod actor;
pub mod consent;
mod run;

pub use run::*;

use super::auth_request::{AuthRequest, max_age_exceeded};
use super::claims;
use super::error::{ErrorCode, OAuthError};
use super::flow::{Flow, FlowStep};
use crate::clock::UnixTime;
use crate::model::{Aal, AccountLevel, AuthContext, Client, Consent, Release};

/// What the rule knows of the browser's SSO session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionFacts {
    pub auth: AuthContext,
    /// Whom the person acts for was chosen in this session.
    pub actor_chosen: bool,
}

/// What the use case read for [`decide`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// The browser's SSO session, if any.
    pub session: Option<SessionFacts>,
    /// The account's level now, read when the session's level is below what
    /// the portal requires ([`required_level`]); `None`: the account is gone.
    pub level_now: Option<AccountLevel>,
    /// The ids of the organizations the person works for, read when the
    /// portal asks for `organizations` ([`actor::asked`]).
    pub orgs: Vec<String>,
    /// The person's remembered consent to this portal, read unless the
    /// portal skips consent or it was given in this flow
    /// ([`consent::given_in_flow`]).
    pub consent: Option<Consent>,
}

/// What the flow does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// The flow ended before (Back after the redirect).
    Completed,
    /// A new login.
    Login,
    /// The person is logged in with a password; ask only a one-time code.
    StepUp,
    /// Ask this account whom it acts for.
    ChooseActor { account_id: String },
    /// Ask this account to consent.
    Consent { account_id: String },
    /// The account is below the level the portal requires; `error` goes
    /// back to the portal from the page that says so.
    LevelTooLow {
        required: AccountLevel,
        current: AccountLevel,
        error: OAuthError,
    },
    /// Back to the portal with this error; the flow ends.
    Fail(OAuthError),
    /// Issue a code for this login (acting as chosen) with this release.
    Issue { auth: AuthContext, release: Release },
}

/// The authorize decision: walks the flow's steps (authenticate, the
/// account's level, whom to act for, consent) and stops at the first that
/// needs the person, or fails it under `prompt=none`.
pub fn decide(flow: &Flow, client: &Client, facts: &Facts, now: UnixTime) -> Next {
    if flow.is_done() {
        return Next::Completed;
    }
    let req = &flow.request;
    let fail = |code, description: &str| Next::Fail(OAuthError::new(code, description));
    // 1. Who is this?
    let session = match authenticated(flow, facts.session.as_ref(), now) {
        Ok(session) => session,
        Err(NoSession::Login) => return Next::Login,
        Err(NoSession::StepUp) => return Next::StepUp,
        Err(NoSession::LoginRequired) => {
            return fail(
                ErrorCode::LoginRequired,
                "the person is not logged in as this request requires (prompt=none)",
            );
        }
    };
    let account_id = &session.auth.account_id;
    let fresh = flow.login_sid.as_deref() == Some(session.auth.sid.as_str());

    // 2. Is the account's level enough for this portal?
    if let Some(required) = required_level(client, req)
        && session.auth.account_level < required
    {
        let Some(current) = facts.level_now else {
            return Next::Login;
        };
        if current >= required && !fresh {
            // Upgraded since this session began: a new login takes the
            // new level into the session (the seeds' rule).
            if req.prompt.none {
                return fail(
                    ErrorCode::LoginRequired,
                    "the account level changed; a new login is needed",
                );
            }
            return Next::Login;
        }
        let error = OAuthError::new(
            ErrorCode::AccessDenied,
            format!("the portal requires a `{required}` account; this account is `{current}`"),
        );
        if req.prompt.none {
            return Next::Fail(error);
        }
        return Next::LevelTooLow {
            required,
            current,
            error,
        };
    }

    // 3. Whom does the person act for (scope `organizations`)?
    let acting_org = match actor::need(flow, session, &facts.orgs) {
        actor::Need::Act(org) => org,
        actor::Need::Ask if req.prompt.none => {
            return fail(
                ErrorCode::AccountSelectionRequired,
                "the person must choose whom to act for (prompt=none)",
            );
        }
        actor::Need::Ask => {
            return Next::ChooseActor {
                account_id: account_id.clone(),
            };
        }
    };

    // 4. Has this person agreed to pass exactly this data to the portal?
    let release = match consent::need(flow, client, account_id, facts.consent.as_ref()) {
        consent::Need::Release(release) => release,
        consent::Need::Ask if req.prompt.none => {
            return fail(
                ErrorCode::ConsentRequired,
                "the person has not consented to this client (prompt=none)",
            );
        }
        consent::Need::Ask => {
            return Next::Consent {
                account_id: account_id.clone(),
            };
        }
    };

    // 5. Issue the code, acting as chosen.
    Next::Issue {
        auth: AuthContext {
            acting_org,
            ..session.auth.clone()
        },
        release,
    }
}

/// Why no session answers a flow, and so what comes instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoSession {
    /// A new login.
    Login,
    /// A one-time code on top of the session's password.
    StepUp,
    /// Nothing may be asked (`prompt=none`): `login_required`.
    LoginRequired,
}

/// Step 1: the session that answers this flow, or what to do instead. A
/// login in this very flow satisfies `prompt=login` and `max_age`;
/// otherwise those force a new one, as does an `id_token_hint` naming
/// someone else. A session weaker than the portal requires needs a new
/// login too, except that a password session steps up to two factors by a
/// code alone.
pub fn authenticated<'a>(
    flow: &Flow,
    session: Option<&'a SessionFacts>,
    now: UnixTime,
) -> Result<&'a SessionFacts, NoSession> {
    let req = &flow.request;
    let session = session.filter(|s| {
        let fresh = flow.login_sid.as_deref() == Some(s.auth.sid.as_str());
        let hint_ok = req
            .hint_sub
            .as_ref()
            .is_none_or(|sub| *sub == s.auth.account_id);
        hint_ok
            && (fresh
                || !(req.prompt.login || max_age_exceeded(req.max_age, s.auth.auth_time, now)))
    });
    match session {
        Some(s) if s.auth.aal < req.required_aal => {
            let by_code = req.required_aal == Aal::Aal2 && s.auth.amr.iter().any(|m| m == "pwd");
            if by_code && !req.prompt.none {
                return Err(NoSession::StepUp);
            }
        }
        Some(s) => return Ok(s),
        None => {}
    }
    Err(if req.prompt.none {
        NoSession::LoginRequired
    } else {
        NoSession::Login
    })
}

/// The lowest account level the request accepts: the client's, or an
/// essential `account_level` claim's, whichever is higher.
pub fn required_level(client: &Client, req: &AuthRequest) -> Option<AccountLevel> {
    [
        client.min_account_level,
        req.claims.required_account_level(),
    ]
    .into_iter()
    .flatten()
    .max()
}

/// What this flow would release to the portal: what the consent page shows.
pub fn proposed_release(flow: &Flow, client: &Client) -> Release {
    claims::propose(&flow.request.scopes, &flow.request.claims, &client.scopes)
}

/// The step the flow waits at when `next` asks the person something.
fn step_of(next: &Next) -> Option<FlowStep> {
    match next {
        Next::Login | Next::StepUp => Some(FlowStep::Authenticate),
        Next::ChooseActor { account_id } => Some(FlowStep::ChooseActor {
            account_id: account_id.clone(),
        }),
        Next::Consent { account_id } => Some(FlowStep::Consent {
            account_id: account_id.clone(),
        }),
        Next::LevelTooLow { .. } | Next::Fail(_) | Next::Issue { .. } => Some(FlowStep::Done),
        Next::Completed => None,
    }
}

#[cfg(test)]
mod tests;
