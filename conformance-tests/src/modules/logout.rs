//! The RP-initiated logout plan (`oidcc-rp-initiated-logout-certification-test-plan`):
//! a logout the portal asked for ends the session and returns to a
//! registered URI with `state`; anything doubtful must not redirect.

use url::Url;

use super::{Ctx, Module};
use crate::browser::{Landing, UserAgent};
use crate::check::{self, OrFail, Outcome, Res};
use crate::ensure;

const PLAN: &str = "oidcc-rp-initiated-logout-certification-test-plan";
const SPEC: &str = "OpenID Connect RP-Initiated Logout 1.0 §2, §3";

macro_rules! module {
    ($name:literal, $run:expr) => {
        Module {
            name: $name,
            plan: PLAN,
            spec: SPEC,
            run: $run,
        }
    };
}

pub fn modules() -> Vec<Module> {
    vec![
        module!("oidcc-rp-initiated-logout", |c| with_hint(
            c,
            Some("logout-state")
        )),
        module!("oidcc-rp-initiated-logout-no-state", |c| with_hint(c, None)),
        module!("oidcc-rp-initiated-logout-only-state", only_state),
        module!("oidcc-rp-initiated-logout-no-params", no_params),
        module!(
            "oidcc-rp-initiated-logout-no-post-logout-redirect-uri",
            no_post_logout_uri
        ),
        module!(
            "oidcc-rp-initiated-logout-bad-post-logout-redirect-uri",
            |c| refused_uri(c, "https://rp.invalid/logged-out")
        ),
        module!(
            "oidcc-rp-initiated-logout-query-added-to-post-logout-redirect-uri",
            query_added
        ),
        module!(
            "oidcc-rp-initiated-logout-no-id-token-hint",
            no_id_token_hint
        ),
        module!("oidcc-rp-initiated-logout-bad-id-token-hint", |c| {
            refused_hint(c, Hint::Foreign)
        }),
        module!("oidcc-rp-initiated-logout-modified-id-token-hint", |c| {
            refused_hint(c, Hint::Modified)
        }),
    ]
}

/// A logged-in browser, its ID token, and what the logout module needs.
struct Session {
    ua: UserAgent,
    id_token: String,
    end_session: String,
    post_logout: String,
}

fn logged_in(ctx: &Ctx) -> Result<Session, Outcome> {
    let end_session = ctx.op.endpoint("end_session_endpoint").map_err(|_| {
        Outcome::skipped(
            "the provider does not support RP-initiated logout (no end_session_endpoint)",
        )
    })?;
    let post_logout = ctx.cfg.post_logout_redirect_uri.clone().ok_or_else(|| {
        Outcome::skipped(
            "needs a registered post-logout redirect URI: pass --post-logout-redirect-uri",
        )
    })?;
    let (ua, tokens) = ctx.happy(&ctx.request())?;
    let id_token = tokens.json["id_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    Ok(Session {
        ua,
        id_token,
        end_session,
        post_logout,
    })
}

fn logout_url(s: &Session, params: &[(&str, &str)]) -> Result<Url, Outcome> {
    let mut url = Url::parse(&s.end_session).or_fail("end_session_endpoint")?;
    url.query_pairs_mut().extend_pairs(params);
    Ok(url)
}

fn visit(s: &Session, params: &[(&str, &str)]) -> Result<Landing, Outcome> {
    s.ua.visit(&logout_url(s, params)?)
        .or_fail("logout request")
}

/// Whether the browser still has a session: prompt=none gets a code.
fn session_alive(ctx: &Ctx, ua: &UserAgent) -> Result<bool, Outcome> {
    let req = ctx.request().set("prompt", "none");
    let callback = ctx.callback(ua.visit(&req.url(ctx.op)?).or_fail("prompt=none request")?)?;
    Ok(check::param(&callback, "code").is_some())
}

fn ensure_logged_out(ctx: &Ctx, ua: &UserAgent) -> Result<(), Outcome> {
    ensure!(
        !session_alive(ctx, ua)?,
        "the session survived the logout: prompt=none still returned a code"
    );
    Ok(())
}

/// Not a redirect to the client: a page (confirmation, logged-out or error).
fn stays_at_provider(landing: &Landing, post_logout: &str) -> Result<(), Outcome> {
    if let Landing::Redirect(url) = landing {
        ensure!(
            !url.as_str().starts_with(post_logout.trim_end_matches('/')),
            "the provider redirected to {url} although it must not here"
        );
    }
    Ok(())
}

/// Confirms a logout page if it asks, and returns where that led.
fn confirm(s: &Session, landing: Landing) -> Result<Landing, Outcome> {
    match &landing {
        Landing::Page { url, reply } => Ok(s
            .ua
            .submit_first_form(url, &reply.body)
            .or_fail("confirming the logout")?
            .unwrap_or(landing)),
        Landing::Redirect(_) => Ok(landing),
    }
}

fn expect_return(landing: Landing, post_logout: &str, state: Option<&str>) -> Result<(), Outcome> {
    let Landing::Redirect(url) = landing else {
        return Err(Outcome::fail(
            "the provider did not redirect to the post-logout redirect URI",
        ));
    };
    let base = url.as_str().split('?').next().unwrap_or_default();
    ensure!(
        base == post_logout,
        "redirected to {url}, not to {post_logout}"
    );
    check::check_state(&url, state)
}

fn with_hint(ctx: &Ctx, state: Option<&str>) -> Res {
    let s = logged_in(ctx)?;
    let mut params = vec![
        ("id_token_hint", s.id_token.as_str()),
        ("post_logout_redirect_uri", s.post_logout.as_str()),
    ];
    if let Some(state) = state {
        params.push(("state", state));
    }
    let landing = confirm(&s, visit(&s, &params)?)?;
    expect_return(landing, &s.post_logout, state)?;
    ensure_logged_out(ctx, &s.ua)?;
    Ok(Outcome::pass(match state {
        Some(_) => "logged out and sent back to the registered URI with the same state",
        None => "logged out and sent back to the registered URI, with no state added",
    }))
}

fn only_state(ctx: &Ctx) -> Res {
    let s = logged_in(ctx)?;
    let landing = visit(&s, &[("state", "only-state")])?;
    stays_at_provider(&landing, &s.post_logout)?;
    let after = confirm(&s, landing)?;
    stays_at_provider(&after, &s.post_logout)?;
    ensure_logged_out(ctx, &s.ua)?;
    Ok(Outcome::pass(
        "only state: a page at the provider, no redirect; the session ended after confirming",
    ))
}

fn no_params(ctx: &Ctx) -> Res {
    let s = logged_in(ctx)?;
    let landing = visit(&s, &[])?;
    stays_at_provider(&landing, &s.post_logout)?;
    let after = confirm(&s, landing)?;
    stays_at_provider(&after, &s.post_logout)?;
    ensure_logged_out(ctx, &s.ua)?;
    Ok(Outcome::pass(
        "no parameters: a page at the provider; the session ended after confirming",
    ))
}

fn no_post_logout_uri(ctx: &Ctx) -> Res {
    let s = logged_in(ctx)?;
    let landing = confirm(&s, visit(&s, &[("id_token_hint", &s.id_token)])?)?;
    stays_at_provider(&landing, &s.post_logout)?;
    ensure_logged_out(ctx, &s.ua)?;
    Ok(Outcome::pass("hint only: logged out without a redirect"))
}

fn refused_uri(ctx: &Ctx, uri: &str) -> Res {
    let s = logged_in(ctx)?;
    let landing = visit(
        &s,
        &[
            ("id_token_hint", &s.id_token),
            ("post_logout_redirect_uri", uri),
            ("state", "s"),
        ],
    )?;
    if let Landing::Redirect(url) = &landing {
        return Err(Outcome::fail(format!(
            "redirected to {url}: an unregistered post-logout URI must be refused"
        )));
    }
    ctx.error_page(landing)?;
    Ok(Outcome::pass(format!(
        "post_logout_redirect_uri {uri} refused with an error page"
    )))
}

fn query_added(ctx: &Ctx) -> Res {
    let uri = ctx.cfg.post_logout_redirect_uri.clone().unwrap_or_default();
    let separator = if uri.contains('?') { '&' } else { '?' };
    refused_uri(ctx, &format!("{uri}{separator}vhod_added=1"))
}

fn no_id_token_hint(ctx: &Ctx) -> Res {
    let s = logged_in(ctx)?;
    let client_id = ctx.cfg.client.id.clone();
    let params = [
        ("post_logout_redirect_uri", s.post_logout.as_str()),
        ("client_id", client_id.as_str()),
        ("state", "no-hint"),
    ];
    let landing = visit(&s, &params)?;
    // Without a hint the provider may ask the person first (§2).
    let asked = matches!(landing, Landing::Page { .. });
    let after = confirm(&s, landing)?;
    expect_return(after, &s.post_logout, Some("no-hint"))?;
    ensure_logged_out(ctx, &s.ua)?;
    Ok(Outcome::pass(if asked {
        "no hint: the provider asked for confirmation, then logged out and returned with state"
    } else {
        "no hint: logged out and returned with state"
    }))
}

enum Hint {
    /// A well-formed JWT this provider never issued.
    Foreign,
    /// A real ID token with its signature changed.
    Modified,
}

fn refused_hint(ctx: &Ctx, kind: Hint) -> Res {
    use base64::Engine;
    let s = logged_in(ctx)?;
    let hint = match kind {
        Hint::Foreign => {
            let b64 = |v: serde_json::Value| {
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
            };
            let claims = serde_json::json!({"iss": "https://rp.invalid", "sub": "x", "aud": ctx.cfg.client.id, "exp": check::now() + 300, "iat": check::now()});
            format!(
                "{}.{}.{}",
                b64(serde_json::json!({"alg": "RS256", "kid": "foreign"})),
                b64(claims),
                "c2lnbmF0dXJl"
            )
        }
        Hint::Modified => {
            let mut parts: Vec<String> = s.id_token.split('.').map(str::to_owned).collect();
            let signature = parts.last_mut().or_fail("the ID token is not a JWS")?;
            let flipped = if signature.starts_with('A') { 'B' } else { 'A' };
            signature.replace_range(0..1, &flipped.to_string());
            parts.join(".")
        }
    };
    let landing = visit(
        &s,
        &[
            ("id_token_hint", &hint),
            ("post_logout_redirect_uri", &s.post_logout),
            ("state", "s"),
        ],
    )?;
    if let Landing::Redirect(url) = &landing {
        ensure!(
            !url.as_str()
                .starts_with(s.post_logout.trim_end_matches('/')),
            "redirected to {url} on an invalid id_token_hint"
        );
    }
    Ok(Outcome::pass(
        "an invalid id_token_hint got no redirect to the client",
    ))
}
