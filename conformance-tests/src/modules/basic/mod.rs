//! The Basic OP plan (`oidcc-basic-certification-test-plan`), response type
//! `code`: each module asserts what the OIDF module of the same name does.

mod requests;
mod session;

use serde_json::Value;

use super::{Ctx, Module, Tokens};
use crate::browser::Landing;
use crate::check::{self, OrFail, Outcome, Res};
use crate::ensure;
use crate::http::UserinfoStyle;
use requests::*;
use session::*;

const PLAN: &str = "oidcc-basic-certification-test-plan";

macro_rules! module {
    ($name:literal, $spec:literal, $run:expr) => {
        Module {
            name: $name,
            plan: PLAN,
            spec: $spec,
            run: $run,
        }
    };
}

pub fn modules() -> Vec<Module> {
    vec![
        module!("oidcc-server", "OIDCC-3.1.3", server),
        module!(
            "oidcc-response-type-missing",
            "OIDCC-3.1.2.6, RFC6749-4.1.2.1",
            response_type_missing
        ),
        module!(
            "oidcc-idtoken-signature",
            "OIDCC-3.1.3.7-6",
            idtoken_signature
        ),
        module!(
            "oidcc-idtoken-unsigned",
            "OIDCC-3.1.3.7-7",
            idtoken_unsigned
        ),
        module!("oidcc-userinfo-get", "OIDCC-5.3.1", |c| userinfo(
            c,
            UserinfoStyle::GetHeader
        )),
        module!("oidcc-userinfo-post-header", "OIDCC-5.3.1", |c| userinfo(
            c,
            UserinfoStyle::PostHeader
        )),
        module!(
            "oidcc-userinfo-post-body",
            "OIDCC-5.3.1, RFC6750-2.2",
            |c| userinfo(c, UserinfoStyle::PostBody)
        ),
        module!(
            "oidcc-ensure-request-without-nonce-succeeds-for-code-flow",
            "OIDCC-3.1.2.1",
            without_nonce
        ),
        module!("oidcc-scope-profile", "OIDCC-5.4", |c| scope(c, "profile")),
        module!("oidcc-scope-email", "OIDCC-5.4", |c| scope(c, "email")),
        module!("oidcc-scope-address", "OIDCC-5.4", |c| scope(c, "address")),
        module!("oidcc-scope-phone", "OIDCC-5.4", |c| scope(c, "phone")),
        module!("oidcc-scope-all", "OIDCC-5.4", |c| scope(
            c,
            "profile email address phone"
        )),
        module!(
            "oidcc-alternate-happy-flow",
            "RFC6749-3.3",
            alternate_happy_flow
        ),
        module!("oidcc-display-page", "OIDCC-3.1.2.1", |c| extra_param(
            c, "display", "page"
        )),
        module!("oidcc-display-popup", "OIDCC-3.1.2.1", |c| extra_param(
            c, "display", "popup"
        )),
        module!("oidcc-prompt-login", "OIDCC-3.1.2.1", prompt_login),
        module!(
            "oidcc-prompt-none-not-logged-in",
            "OIDCC-3.1.2.6",
            prompt_none_not_logged_in
        ),
        module!(
            "oidcc-prompt-none-logged-in",
            "OIDCC-3.1.2.1",
            prompt_none_logged_in
        ),
        module!("oidcc-max-age-1", "OIDCC-3.1.2.1", max_age_1),
        module!("oidcc-max-age-10000", "OIDCC-3.1.2.1", max_age_10000),
        module!(
            "oidcc-ensure-request-with-unknown-parameter-succeeds",
            "OIDCC-3.1.2.1",
            |c| extra_param(c, "vhod_unknown", "x")
        ),
        module!("oidcc-id-token-hint", "OIDCC-3.1.2.1", id_token_hint),
        module!("oidcc-login-hint", "OIDCC-3.1.2.1", login_hint),
        module!("oidcc-ui-locales", "OIDCC-3.1.2.1", |c| extra_param(
            c,
            "ui_locales",
            "se"
        )),
        module!("oidcc-claims-locales", "OIDCC-5.2", |c| extra_param(
            c,
            "claims_locales",
            "se"
        )),
        module!(
            "oidcc-ensure-request-with-acr-values-succeeds",
            "OIDCC-3.1.2.1",
            |c| extra_param(c, "acr_values", "1 2")
        ),
        module!("oidcc-codereuse", "RFC6749-4.1.2", |c| code_reuse(c, 0)),
        module!(
            "oidcc-codereuse-30seconds",
            "RFC6749-4.1.2",
            |c| code_reuse(c, 30)
        ),
        module!(
            "oidcc-ensure-registered-redirect-uri",
            "OIDCC-3.1.2.1",
            registered_redirect_uri
        ),
        module!(
            "oidcc-ensure-post-request-succeeds",
            "OIDCC-3.1.2.1",
            post_request
        ),
        module!(
            "oidcc-server-client-secret-post",
            "OIDCC-9",
            client_secret_post
        ),
        module!(
            "oidcc-request-uri-unsigned-supported-correctly-or-rejected-as-unsupported",
            "OIDCC-6.2",
            request_uri_unsigned
        ),
        module!(
            "oidcc-unsigned-request-object-supported-correctly-or-rejected-as-unsupported",
            "OIDCC-6.1",
            request_object_unsigned
        ),
        module!("oidcc-claims-essential", "OIDCC-5.5.1", claims_essential),
        module!(
            "oidcc-ensure-request-object-with-redirect-uri",
            "OIDCC-6.1",
            request_object_with_redirect_uri
        ),
        module!("oidcc-refresh-token", "OIDCC-12", refresh_token),
        module!(
            "oidcc-ensure-request-with-valid-pkce-succeeds",
            "RFC7636-4",
            valid_pkce
        ),
    ]
}

/// The happy path, then userinfo: the subject must match (Core §5.3.2).
fn server(ctx: &Ctx) -> Res {
    let req = ctx.request();
    let (_, tokens) = ctx.happy(&req)?;
    check_userinfo(ctx, &tokens, UserinfoStyle::GetHeader)?;
    Ok(Outcome::pass(
        "code flow completed; ID token valid; userinfo subject matches",
    ))
}

pub(super) fn check_userinfo(
    ctx: &Ctx,
    tokens: &Tokens,
    style: UserinfoStyle,
) -> Result<Value, Outcome> {
    let reply = ctx
        .op
        .userinfo(&tokens.access_token, style)
        .or_fail("userinfo request")?;
    ensure!(
        reply.status == 200,
        "userinfo answered HTTP {}: {}",
        reply.status,
        check::short(&reply.body)
    );
    let info = reply.json().or_fail("the userinfo response is not JSON")?;
    ensure!(
        info["sub"] == tokens.id_claims["sub"],
        "userinfo sub {} differs from the ID token's {} (OIDCC-5.3.2)",
        info["sub"],
        tokens.id_claims["sub"]
    );
    Ok(info)
}

/// No response_type: an error, redirected or shown (the OIDF accepts both).
fn response_type_missing(ctx: &Ctx) -> Res {
    let req = ctx.request().set("response_type", "");
    let landing = ctx
        .browser()
        .visit(&req.url(ctx.op)?)
        .or_fail("authorization request")?;
    match landing {
        Landing::Redirect(_) => {
            let error = ctx.redirected_error(landing, &req)?;
            ensure!(
                error == "invalid_request" || error == "unsupported_response_type",
                "expected invalid_request or unsupported_response_type, got {error}"
            );
            Ok(Outcome::pass(format!("refused with {error}")))
        }
        page => {
            ctx.error_page(page)?;
            Ok(Outcome::pass("refused with an error page"))
        }
    }
}

fn idtoken_signature(ctx: &Ctx) -> Res {
    let (_, tokens) = ctx.happy(&ctx.request())?;
    let id_token = tokens.json["id_token"].as_str().unwrap_or_default();
    let header = jsonwebtoken::decode_header(id_token).or_fail("ID token header")?;
    Ok(Outcome::pass(format!(
        "ID token signed with {:?} and verified against the JWKS",
        header.alg
    )))
}

/// Unsigned ID tokens need a client registered for `alg: none`.
fn idtoken_unsigned(ctx: &Ctx) -> Res {
    if !ctx
        .op
        .supports("id_token_signing_alg_values_supported", "none")
    {
        return Ok(Outcome::skipped(
            "the provider does not offer unsigned ID tokens (`none` not in id_token_signing_alg_values_supported)",
        ));
    }
    Ok(Outcome::skipped(
        "needs a client registered with id_token_signed_response_alg=none; the suite runs with static clients",
    ))
}

fn userinfo(ctx: &Ctx, style: UserinfoStyle) -> Res {
    let (_, tokens) = ctx.happy(&ctx.request())?;
    let info = check_userinfo(ctx, &tokens, style)?;
    Ok(Outcome::pass(format!(
        "userinfo ({style:?}) returned {} claims for the right subject",
        info.as_object().map_or(0, |o| o.len())
    )))
}

fn without_nonce(ctx: &Ctx) -> Res {
    let req = ctx.request().set("nonce", "");
    ctx.happy(&req)?;
    Ok(Outcome::pass(
        "code flow without nonce succeeded; the ID token carries no nonce",
    ))
}

/// The claims each standard scope stands for (Core §5.4).
fn scope_claims(scope: &str) -> &'static [&'static str] {
    match scope {
        "profile" => &[
            "name",
            "family_name",
            "given_name",
            "middle_name",
            "nickname",
            "preferred_username",
            "profile",
            "picture",
            "website",
            "gender",
            "birthdate",
            "zoneinfo",
            "locale",
            "updated_at",
        ],
        "email" => &["email", "email_verified"],
        "address" => &["address"],
        "phone" => &["phone_number", "phone_number_verified"],
        _ => &[],
    }
}

/// Requests the scopes; checks userinfo releases claims of each (a scope
/// with none of its claims is a WARNING: the test user may lack the data).
fn scope(ctx: &Ctx, scopes: &str) -> Res {
    for scope in scopes.split(' ') {
        if ctx.op.meta["scopes_supported"].is_array() && !ctx.op.supports("scopes_supported", scope)
        {
            return Ok(Outcome::skipped(format!(
                "the provider does not list `{scope}` in scopes_supported"
            )));
        }
    }
    let req = ctx.request().set("scope", &format!("openid {scopes}"));
    let (_, tokens) = ctx.happy(&req)?;
    let info = check_userinfo(ctx, &tokens, UserinfoStyle::GetHeader)?;
    let missing: Vec<&str> = scopes
        .split(' ')
        .filter(|s| {
            !scope_claims(s)
                .iter()
                .any(|c| info.get(*c).is_some() || tokens.id_claims.get(*c).is_some())
        })
        .collect();
    if missing.is_empty() {
        Ok(Outcome::pass(format!("claims of `{scopes}` released")))
    } else {
        Ok(Outcome::warning(format!(
            "no claims released for scope(s) {missing:?}; the test user may have no such data"
        )))
    }
}

/// The email scope with reversed scope order and reordered parameters.
fn alternate_happy_flow(ctx: &Ctx) -> Res {
    let mut req = ctx.request().set("scope", "email openid");
    req.params.reverse();
    let (_, tokens) = ctx.happy(&req)?;
    check_userinfo(ctx, &tokens, UserinfoStyle::GetHeader)?;
    Ok(Outcome::pass(
        "happy flow with reversed scope order and reordered parameters",
    ))
}

fn extra_param(ctx: &Ctx, name: &str, value: &str) -> Res {
    let req = ctx.request().set(name, value);
    ctx.happy(&req)?;
    Ok(Outcome::pass(format!(
        "request with {name}={value} succeeded"
    )))
}

fn login_hint(ctx: &Ctx) -> Res {
    let req = ctx.request().set("login_hint", &ctx.cfg.login);
    ctx.happy(&req)?;
    Ok(Outcome::pass("request with login_hint succeeded"))
}
