//! The authorization endpoint's decisions (OpenID Connect Core §3.1.2).
//! `start` validates a fresh request, `resume` continues a flow after login
//! or consent; both end in `evaluate`, which says what happens next. The
//! HTTP layer only renders the [`Decision`].

use std::sync::Arc;

use super::code;
use super::error::{ErrorCode, OAuthError};
use super::flow::Flow;
use super::params::Params;
use super::redirect;
use super::request::{self, max_age_exceeded};
use crate::app::AppState;
use crate::login::Session;
use crate::model::{AccountLevel, Client};

/// What the browser sees next.
#[derive(Debug)]
pub enum Decision {
    /// Show the login form for this flow.
    Login(Flow),
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

/// A new authorization request.
pub async fn start(app: &AppState, params: &Params, session: Option<Session>) -> Decision {
    let client = match params.get("client_id") {
        Ok(Some(id)) => match app.clients.get(id).await {
            Ok(client) => client,
            Err(e) => return unavailable(e),
        },
        Ok(None) => None,
        Err(e) => return Decision::Problem(Problem::BadRequest(e)),
    };
    let (redirect_uri, state) = match request::trusted_redirect(params, client.as_deref()) {
        Ok(trusted) => trusted,
        Err(e) => return Decision::Problem(Problem::BadRequest(e)),
    };
    let client = client.expect("trusted_redirect checked the client");
    let verify_hint = |hint: &str| {
        app.keys
            .verify(hint)
            .ok()
            .filter(|v| v.claims["iss"] == *app.issuer)
            .and_then(|v| v.claims["sub"].as_str().map(str::to_owned))
    };
    match request::validate(params, &client, redirect_uri, verify_hint) {
        Ok(req) => evaluate(app, Flow::new(req, app.now()), &client, session).await,
        // Client and redirect URI are trusted now: the error goes back.
        Err(error) => Decision::Redirect(redirect::with_error(
            redirect_uri,
            &error,
            state,
            &app.issuer,
        )),
    }
}

/// Continues a flow after a login or consent step.
pub async fn resume(app: &AppState, flow_id: &str, session: Option<Session>) -> Decision {
    let flow = match Flow::load(app, flow_id).await {
        Ok(Some(flow)) => flow,
        Ok(None) => return Decision::Problem(Problem::FlowExpired),
        Err(e) => return unavailable(e),
    };
    if flow.completed {
        return completed(&flow);
    }
    let client = match app.clients.get(&flow.request.client_id).await {
        Ok(Some(client)) => client,
        Ok(None) => return Decision::Problem(Problem::FlowExpired),
        Err(e) => return unavailable(e),
    };
    evaluate(app, flow, &client, session).await
}

/// The page for a flow that already ended (Back after the redirect).
pub fn completed(flow: &Flow) -> Decision {
    Decision::Problem(Problem::FlowCompleted {
        back: redirect::origin(&flow.request.redirect_uri),
    })
}

async fn evaluate(
    app: &AppState,
    mut flow: Flow,
    client: &Arc<Client>,
    session: Option<Session>,
) -> Decision {
    let req = flow.request.clone();
    let fail = |code, description: &str| OAuthError::new(code, description.to_owned());
    // 1. Who is this? A login in this very flow satisfies prompt=login and
    //    max_age; otherwise those force a new one.
    let session = session.filter(|s| {
        let fresh = flow.login_sid.as_deref() == Some(s.auth.sid.as_str());
        let hint_ok = req
            .hint_sub
            .as_ref()
            .is_none_or(|sub| *sub == s.auth.account_id);
        hint_ok
            && (fresh
                || !(req.prompt.login
                    || max_age_exceeded(req.max_age, s.auth.auth_time, app.now())))
    });
    let Some(session) = session else {
        if req.prompt.none {
            return finish_error(
                app,
                &mut flow,
                fail(
                    ErrorCode::LoginRequired,
                    "the person is not logged in (prompt=none)",
                ),
            )
            .await;
        }
        return save_then(app, flow, Decision::Login).await;
    };
    let fresh = flow.login_sid.as_deref() == Some(session.auth.sid.as_str());

    // 2. Is the account's level enough for this portal?
    let required = [
        client.min_account_level,
        req.claims.required_account_level(),
    ]
    .into_iter()
    .flatten()
    .max();
    if let Some(required) = required
        && session.auth.account_level < required
    {
        let current = match app.sql.account(&session.auth.account_id).await {
            Ok(Some(account)) => account.level,
            Ok(None) => return save_then(app, flow, Decision::Login).await,
            Err(e) => return unavailable(e),
        };
        if current >= required && !fresh {
            // Upgraded since this session began: a new login takes the
            // new level into the session (the seeds' rule).
            if req.prompt.none {
                return finish_error(
                    app,
                    &mut flow,
                    fail(
                        ErrorCode::LoginRequired,
                        "the account level changed; a new login is needed",
                    ),
                )
                .await;
            }
            return save_then(app, flow, Decision::Login).await;
        }
        let error = OAuthError::new(
            ErrorCode::AccessDenied,
            format!("the portal requires a `{required}` account; this account is `{current}`"),
        );
        if req.prompt.none {
            return finish_error(app, &mut flow, error).await;
        }
        flow.completed = true;
        if let Err(e) = flow.save(app).await {
            return unavailable(e);
        }
        return Decision::LevelTooLow {
            required,
            current,
            client_name: client.name.clone(),
            back: redirect::with_error(
                &req.redirect_uri,
                &error,
                req.state.as_deref(),
                &app.issuer,
            ),
        };
    }

    // 3. Can this login satisfy an essential acr request?
    if let Some(acrs) = req.claims.essential_acr()
        && !acrs.contains(&session.auth.acr)
    {
        return finish_error(
            app,
            &mut flow,
            fail(
                ErrorCode::UnmetAuthenticationRequirements,
                "the requested essential acr cannot be satisfied by this login",
            ),
        )
        .await;
    }

    // 4. Has the person agreed to pass this data to the portal?
    if !client.skip_consent && !flow.consent_given {
        let remembered = match app.sql.consent(&session.auth.account_id, &client.id).await {
            Ok(c) => c.is_some_and(|c| req.scopes.is_subset_of(&c.scopes)),
            Err(e) => return unavailable(e),
        };
        if req.prompt.consent || !remembered {
            if req.prompt.none {
                return finish_error(
                    app,
                    &mut flow,
                    fail(
                        ErrorCode::ConsentRequired,
                        "the person has not consented to this client (prompt=none)",
                    ),
                )
                .await;
            }
            let client = client.clone();
            return save_then(app, flow, |flow| Decision::Consent { flow, client }).await;
        }
    }

    // 5. Issue the code.
    let code = match code::issue(app, &req, &session.auth).await {
        Ok(code) => code,
        Err(e) => return unavailable(e),
    };
    flow.completed = true;
    if let Err(e) = flow.save(app).await {
        return unavailable(e);
    }
    Decision::Redirect(redirect::with_code(
        &req.redirect_uri,
        code.expose(),
        req.state.as_deref(),
        &app.issuer,
    ))
}

/// Ends the flow with an error sent back to the portal.
pub async fn finish_error(app: &AppState, flow: &mut Flow, error: OAuthError) -> Decision {
    flow.completed = true;
    if let Err(e) = flow.save(app).await {
        return unavailable(e);
    }
    Decision::Redirect(redirect::with_error(
        &flow.request.redirect_uri,
        &error,
        flow.request.state.as_deref(),
        &app.issuer,
    ))
}

async fn save_then(app: &AppState, flow: Flow, next: impl FnOnce(Flow) -> Decision) -> Decision {
    match flow.save(app).await {
        Ok(()) => next(flow),
        Err(e) => unavailable(e),
    }
}

fn unavailable(e: impl std::fmt::Display) -> Decision {
    tracing::error!(error = %e, "authorization flow failed");
    Decision::Problem(Problem::Unavailable)
}
