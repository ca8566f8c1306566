//! Basic OP plan modules that authorize twice in one browser: prompt,
//! max_age and id_token_hint.

use std::cell::Cell;
use std::thread::sleep;
use std::time::Duration;

use url::Url;

use super::super::{Ctx, Tokens};
use crate::browser::{LoginDriver, Submission};
use crate::check::{OrFail, Outcome, Res};
use crate::ensure;

/// Counts the login forms the driver fills, to tell whether the provider
/// asked for a login again.
pub(super) struct Watch<'a> {
    inner: &'a dyn LoginDriver,
    password_field: &'a str,
    logins: Cell<usize>,
}

impl LoginDriver for Watch<'_> {
    fn next(&self, url: &Url, html: &str, login: &str, password: &str) -> Option<Submission> {
        let step = self.inner.next(url, html, login, password)?;
        if step.fields.iter().any(|(n, _)| n == self.password_field) {
            self.logins.set(self.logins.get() + 1);
        }
        Some(step)
    }
}

/// A second authorization in the same browser; returns its tokens and how
/// many times the person had to log in.
pub(super) fn second_authorization(
    ctx: &Ctx,
    extra: &[(&str, &str)],
    wait: u64,
) -> Result<(Tokens, Tokens, usize), Outcome> {
    let first_req = ctx.request();
    let (ua, first) = ctx.happy(&first_req)?;
    sleep(Duration::from_secs(wait));
    let mut req = ctx.request();
    for (name, value) in extra {
        req = req.set(name, value);
    }
    let watch = Watch {
        inner: ctx.driver,
        password_field: &ctx.cfg.forms.password,
        logins: Cell::new(0),
    };
    let landing = ua
        .open(&req.url(ctx.op)?, &watch, &ctx.cfg.login, &ctx.cfg.password)
        .or_fail("second authorization")?;
    let code = ctx.code(landing, &req)?;
    let second = ctx.exchange(&code.code, &req)?;
    ensure!(
        second.id_claims["sub"] == first.id_claims["sub"],
        "the second login is for another subject"
    );
    Ok((first, second, watch.logins.get()))
}

pub(super) fn auth_time(tokens: &Tokens) -> Result<i64, Outcome> {
    tokens.id_claims["auth_time"]
        .as_i64()
        .or_fail("the ID token has no auth_time")
}

pub(super) fn prompt_login(ctx: &Ctx) -> Res {
    let (first, second, logins) = second_authorization(ctx, &[("prompt", "login")], 1)?;
    ensure!(
        logins == 1,
        "prompt=login did not show the login page again (OIDCC-3.1.2.1)"
    );
    if let (Ok(a), Ok(b)) = (auth_time(&first), auth_time(&second)) {
        ensure!(
            b > a,
            "auth_time did not change after the second login ({a} then {b})"
        );
    }
    Ok(Outcome::pass(
        "prompt=login asked for the password again; auth_time moved on",
    ))
}

pub(super) fn prompt_none_not_logged_in(ctx: &Ctx) -> Res {
    let req = ctx.request().set("prompt", "none");
    let landing = ctx
        .browser()
        .visit(&req.url(ctx.op)?)
        .or_fail("authorization request")?;
    let error = ctx.redirected_error(landing, &req)?;
    ensure!(
        [
            "login_required",
            "interaction_required",
            "consent_required",
            "account_selection_required"
        ]
        .contains(&error.as_str()),
        "expected login_required (or another interaction error), got {error}"
    );
    Ok(Outcome::pass(format!(
        "prompt=none without a session: {error}"
    )))
}

pub(super) fn prompt_none_logged_in(ctx: &Ctx) -> Res {
    let (_, _, logins) = second_authorization(ctx, &[("prompt", "none")], 0)?;
    ensure!(logins == 0, "prompt=none showed a login page");
    Ok(Outcome::pass(
        "prompt=none with a session returned a code for the same subject",
    ))
}

pub(super) fn max_age_1(ctx: &Ctx) -> Res {
    let (first, second, logins) = second_authorization(ctx, &[("max_age", "1")], 2)?;
    ensure!(
        logins == 1,
        "max_age=1 after 2 s did not require a new login (OIDCC-3.1.2.1)"
    );
    let (a, b) = (auth_time(&first)?, auth_time(&second)?);
    ensure!(
        b > a,
        "auth_time did not move on after the forced login ({a} then {b})"
    );
    Ok(Outcome::pass(
        "max_age=1 forced a new login; auth_time present and newer",
    ))
}

pub(super) fn max_age_10000(ctx: &Ctx) -> Res {
    let (first, second, logins) = second_authorization(ctx, &[("max_age", "10000")], 0)?;
    ensure!(logins == 0, "max_age=10000 forced a new login");
    ensure!(
        auth_time(&first)? == auth_time(&second)?,
        "auth_time changed although no login happened"
    );
    Ok(Outcome::pass(
        "max_age=10000 reused the session; auth_time unchanged",
    ))
}

pub(super) fn id_token_hint(ctx: &Ctx) -> Res {
    let id_token = {
        let (_, first, _) = second_authorization(ctx, &[], 0)?;
        first.json["id_token"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let (_, second, logins) =
        second_authorization(ctx, &[("prompt", "none"), ("id_token_hint", &id_token)], 0)?;
    ensure!(
        logins == 0,
        "prompt=none with id_token_hint showed a login page"
    );
    ensure!(second.id_claims["sub"].is_string(), "no subject");
    Ok(Outcome::pass(
        "prompt=none with id_token_hint of the logged-in user returned a code",
    ))
}
