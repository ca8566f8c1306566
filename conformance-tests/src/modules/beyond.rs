//! Beyond the OIDF plans: revocation (RFC 7009), introspection (RFC 7662),
//! PKCE negatives (RFC 7636), refresh-token rotation and the items of the
//! OAuth 2.0 Security BCP (RFC 9700) a provider must enforce.

use std::thread::sleep;
use std::time::Duration;

use super::{Ctx, Module};
use crate::browser::Landing;
use crate::check::{self, OrFail, Outcome, Res};
use crate::ensure;
use crate::http::{ClientAuth, UserinfoStyle};

const PLAN: &str = "vhod-beyond-oidf";

pub fn modules() -> Vec<Module> {
    let m = |name, spec, run| Module {
        name,
        plan: PLAN,
        spec,
        run,
    };
    vec![
        m("rfc7009-revocation", "RFC 7009 §2.1, §2.2", revocation),
        m(
            "rfc7009-revoke-refresh-token",
            "RFC 7009 §2.1",
            revoke_refresh,
        ),
        m("rfc7662-introspection", "RFC 7662 §2", introspection),
        m("pkce-wrong-verifier", "RFC 7636 §4.6", wrong_verifier),
        m(
            "pkce-missing-verifier",
            "RFC 7636 §4.6, RFC 9700 §2.1.1",
            missing_verifier,
        ),
        m("pkce-plain-refused", "RFC 9700 §2.1.1", plain_refused),
        m(
            "pkce-required-for-public-client",
            "RFC 9700 §2.1.1",
            pkce_public,
        ),
        m("refresh-token-rotation", "RFC 9700 §4.14.2", rotation),
        m(
            "rfc9700-redirect-uri-exact-match",
            "RFC 9700 §2.1",
            exact_redirect,
        ),
        m(
            "rfc9700-code-bound-to-client",
            "RFC 6749 §4.1.3",
            code_bound,
        ),
        m(
            "rfc9700-no-token-in-front-channel",
            "RFC 9700 §2.1.2",
            no_front_channel_tokens,
        ),
    ]
}

fn endpoint_or_skip(ctx: &Ctx, name: &str) -> Result<(), Outcome> {
    ctx.op
        .endpoint(name)
        .map(|_| ())
        .map_err(|_| Outcome::skipped(format!("the provider has no {name}")))
}

fn revocation(ctx: &Ctx) -> Res {
    endpoint_or_skip(ctx, "revocation_endpoint")?;
    let (_, tokens) = ctx.happy(&ctx.request())?;
    let client = &ctx.cfg.client;
    let reply = ctx
        .op
        .post_as(
            "revocation_endpoint",
            client,
            ClientAuth::Basic,
            &[("token", &tokens.access_token)],
        )
        .or_fail("revocation")?;
    ensure!(
        reply.status == 200,
        "revocation answered HTTP {}: {}",
        reply.status,
        check::short(&reply.body)
    );
    let info = ctx
        .op
        .userinfo(&tokens.access_token, UserinfoStyle::GetHeader)
        .or_fail("userinfo")?;
    ensure!(
        info.status == 401,
        "a revoked access token still works at userinfo (HTTP {})",
        info.status
    );
    let unknown = ctx
        .op
        .post_as(
            "revocation_endpoint",
            client,
            ClientAuth::Basic,
            &[("token", "no-such-token")],
        )
        .or_fail("revocation")?;
    ensure!(
        unknown.status == 200,
        "revoking an unknown token must answer 200 (RFC 7009 §2.2), got {}",
        unknown.status
    );
    Ok(Outcome::pass(
        "revoked access token refused at userinfo; unknown tokens answered 200",
    ))
}

fn revoke_refresh(ctx: &Ctx) -> Res {
    endpoint_or_skip(ctx, "revocation_endpoint")?;
    let (_, tokens) = ctx.happy(&ctx.offline_request())?;
    let refresh = tokens.json["refresh_token"]
        .as_str()
        .ok_or_else(|| Outcome::skipped("no refresh token was issued"))?;
    let client = &ctx.cfg.client;
    let reply = ctx
        .op
        .post_as(
            "revocation_endpoint",
            client,
            ClientAuth::Basic,
            &[("token", refresh), ("token_type_hint", "refresh_token")],
        )
        .or_fail("revocation")?;
    ensure!(
        reply.status == 200,
        "revocation answered HTTP {}",
        reply.status
    );
    let again = ctx
        .op
        .token(
            client,
            ClientAuth::Basic,
            &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
        )
        .or_fail("refresh")?;
    let error = check::check_json_error(&again, &[400])?;
    ensure!(
        error == "invalid_grant",
        "a revoked refresh token got {error}, expected invalid_grant"
    );
    Ok(Outcome::pass("a revoked refresh token is refused"))
}

fn introspection(ctx: &Ctx) -> Res {
    endpoint_or_skip(ctx, "introspection_endpoint")?;
    let (_, tokens) = ctx.happy(&ctx.request())?;
    let client = &ctx.cfg.client;
    let live = ctx
        .op
        .post_as(
            "introspection_endpoint",
            client,
            ClientAuth::Basic,
            &[("token", &tokens.access_token)],
        )
        .or_fail("introspection")?;
    let json = live.json().or_fail("introspection did not answer JSON")?;
    ensure!(json["active"] == true, "a live token is reported {json}");
    ensure!(
        json["exp"].is_i64() && json["client_id"] == client.id.as_str(),
        "an active answer lacks exp or client_id: {json}"
    );
    let garbage = ctx
        .op
        .post_as(
            "introspection_endpoint",
            client,
            ClientAuth::Basic,
            &[("token", "garbage")],
        )
        .or_fail("introspection")?;
    ensure!(
        garbage.json().is_some_and(|j| j["active"] == false),
        "an unknown token is not reported inactive: {}",
        garbage.body
    );
    let anonymous = ctx
        .op
        .post_as(
            "introspection_endpoint",
            client,
            ClientAuth::None,
            &[("token", &tokens.access_token)],
        )
        .or_fail("introspection")?;
    ensure!(
        anonymous.status == 401 || anonymous.status == 400,
        "introspection without client authentication answered {}",
        anonymous.status
    );
    Ok(Outcome::pass(
        "active and inactive tokens reported; unauthenticated callers refused",
    ))
}

fn wrong_verifier(ctx: &Ctx) -> Res {
    redeem_with_verifier(ctx, Some(super::random(32)), "a wrong code_verifier")
}

fn missing_verifier(ctx: &Ctx) -> Res {
    redeem_with_verifier(ctx, None, "a missing code_verifier")
}

/// Redeems a PKCE code with another verifier (or none): must be invalid_grant.
fn redeem_with_verifier(ctx: &Ctx, verifier: Option<String>, what: &str) -> Res {
    let req = ctx.request();
    let (_, code) = ctx.login_for_code(&req)?;
    let mut changed = req.clone();
    changed.verifier = verifier;
    let reply = ctx.redeem(&code.code, &changed, ClientAuth::Basic)?;
    let error = check::check_json_error(&reply, &[400])?;
    ensure!(
        error == "invalid_grant",
        "{what} got {error}, expected invalid_grant"
    );
    Ok(Outcome::pass(format!(
        "{what} is refused with invalid_grant"
    )))
}

fn plain_refused(ctx: &Ctx) -> Res {
    let req = ctx
        .request()
        .set("code_challenge", &super::random(32))
        .set("code_challenge_method", "plain");
    let landing = ctx
        .browser()
        .visit(&req.url(ctx.op)?)
        .or_fail("authorization request")?;
    match landing {
        Landing::Redirect(_) => {
            let error = ctx.redirected_error(landing, &req)?;
            ensure!(
                error == "invalid_request",
                "plain PKCE got {error}, expected invalid_request"
            );
        }
        page => {
            // A provider may also show the login page first and refuse later;
            // only an accepted plain challenge would be wrong.
            if let Landing::Page { reply, .. } = &page {
                ensure!(
                    reply.status >= 400,
                    "plain PKCE was accepted (HTTP {})",
                    reply.status
                );
            }
        }
    }
    Ok(Outcome::pass("code_challenge_method=plain is refused"))
}

fn pkce_public(ctx: &Ctx) -> Res {
    let client = ctx.public_client()?;
    let req = ctx.request_for(&client).set("code_challenge", "");
    let landing = ctx
        .browser()
        .visit(&req.url(ctx.op)?)
        .or_fail("authorization request")?;
    let error = ctx.redirected_error(landing, &req)?;
    ensure!(
        error == "invalid_request",
        "a public client without PKCE got {error}, expected invalid_request"
    );
    Ok(Outcome::pass("a public client without PKCE is refused"))
}

/// The refresh token changes on every use; an old one coming back after the
/// provider's grace window revokes the family (both old and new refused).
fn rotation(ctx: &Ctx) -> Res {
    let (_, tokens) = ctx.happy(&ctx.offline_request())?;
    let first = tokens.json["refresh_token"]
        .as_str()
        .ok_or_else(|| Outcome::skipped("no refresh token was issued"))?;
    let client = &ctx.cfg.client;
    let refresh = |token: &str| {
        ctx.op
            .token(
                client,
                ClientAuth::Basic,
                &[("grant_type", "refresh_token"), ("refresh_token", token)],
            )
            .or_fail("refresh")
    };
    let reply = refresh(first)?;
    ensure!(
        reply.status == 200,
        "refresh answered HTTP {}",
        reply.status
    );
    let second = reply
        .field("refresh_token")
        .or_fail("the refresh response has no refresh_token")?;
    if second == first {
        return Ok(Outcome::warning(
            "refresh tokens are not rotated (RFC 9700 §4.14.2 recommends rotation or sender-constraining)",
        ));
    }
    // Past any reasonable grace window for repeated requests.
    sleep(Duration::from_secs(11));
    let reused = refresh(first)?;
    let error = check::check_json_error(&reused, &[400])?;
    ensure!(
        error == "invalid_grant",
        "a reused refresh token got {error}, expected invalid_grant"
    );
    let newest = refresh(&second)?;
    ensure!(
        newest.status == 400,
        "after a reuse, the newest refresh token of the family still works (RFC 9700 §4.14.2)"
    );
    Ok(Outcome::pass(
        "refresh tokens rotate; reuse revokes the whole family",
    ))
}

fn exact_redirect(ctx: &Ctx) -> Res {
    for variant in [
        format!("{}/extra", ctx.cfg.redirect_uri.trim_end_matches('/')),
        format!("{}?x=1", ctx.cfg.redirect_uri),
    ] {
        let req = ctx.request().set("redirect_uri", &variant);
        let landing = ctx
            .browser()
            .visit(&req.url(ctx.op)?)
            .or_fail("authorization request")?;
        if let Landing::Redirect(url) = &landing {
            return Err(Outcome::fail(format!(
                "redirect_uri {variant} was accepted: redirected to {url}"
            )));
        }
        ctx.error_page(landing)?;
    }
    Ok(Outcome::pass(
        "redirect URIs are matched exactly (extra path and added query refused)",
    ))
}

fn code_bound(ctx: &Ctx) -> Res {
    let other = ctx.client2()?;
    let req = ctx.request();
    let (_, code) = ctx.login_for_code(&req)?;
    let mut stolen = req.clone();
    stolen.client = other;
    let reply = ctx.redeem(&code.code, &stolen, ClientAuth::Basic)?;
    let error = check::check_json_error(&reply, &[400, 401])?;
    ensure!(
        error == "invalid_grant",
        "another client's redemption got {error}, expected invalid_grant"
    );
    Ok(Outcome::pass("a code cannot be redeemed by another client"))
}

fn no_front_channel_tokens(ctx: &Ctx) -> Res {
    let req = ctx.request();
    let (_, code) = ctx.login_for_code(&req)?;
    for name in ["access_token", "id_token", "refresh_token"] {
        ensure!(
            check::param(&code.callback, name).is_none(),
            "the authorization response carries {name}"
        );
        ensure!(
            !code.callback.fragment().is_some_and(|f| f.contains(name)),
            "the fragment carries {name}"
        );
    }
    Ok(Outcome::pass("no token in the authorization response"))
}
