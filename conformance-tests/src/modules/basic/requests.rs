//! Basic OP plan modules about the requests themselves: request objects,
//! code reuse, redirect URIs, POST requests, client authentication, claims,
//! refresh tokens and PKCE.

use std::thread::sleep;
use std::time::Duration;

use serde_json::Value;
use url::Url;

use super::super::{AuthRequest, Ctx};
use super::check_userinfo;
use crate::check::{self, OrFail, Outcome, Res};
use crate::ensure;
use crate::http::{ClientAuth, UserinfoStyle};

/// An unsigned request object (`alg: none`) carrying `claims`.
pub(super) fn unsigned_request_object(req: &AuthRequest) -> String {
    use base64::Engine;
    let b64 = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    let mut claims = serde_json::Map::new();
    for (k, v) in &req.params {
        claims.insert(k.clone(), Value::String(v.clone()));
    }
    format!(
        "{}.{}.",
        b64(&serde_json::json!({"alg": "none"})),
        b64(&Value::Object(claims))
    )
}

/// Either supported (a code comes back) or rejected with the right error.
pub(super) fn supported_or_rejected(
    ctx: &Ctx,
    req: &AuthRequest,
    unsupported_error: &str,
    what: &str,
) -> Res {
    let landing = ctx.authorize(&ctx.browser(), req)?;
    let callback = ctx.callback(landing.clone());
    if let Ok(url) = &callback {
        if check::param(url, "code").is_some() {
            let code = ctx.code(landing, req)?;
            ctx.exchange(&code.code, req)?;
            return Ok(Outcome::pass(format!("{what} supported and honoured")));
        }
        let error = ctx.redirected_error(landing, req)?;
        ensure!(
            error == unsupported_error,
            "{what} refused with {error}, expected {unsupported_error}"
        );
        return Ok(Outcome::pass(format!(
            "{what} rejected as unsupported ({error})"
        )));
    }
    ctx.error_page(landing)?;
    Ok(Outcome::pass(format!(
        "{what} rejected as unsupported with an error page"
    )))
}

pub(super) fn request_uri_unsigned(ctx: &Ctx) -> Res {
    if ctx.op.meta["request_uri_parameter_supported"] == true {
        return Ok(Outcome::skipped(
            "the provider supports request_uri; serving a request object needs a public URL, which this run does not have",
        ));
    }
    let req = ctx
        .request()
        .set("request_uri", "https://rp.invalid/request.jwt");
    supported_or_rejected(ctx, &req, "request_uri_not_supported", "request_uri")
}

pub(super) fn request_object_unsigned(ctx: &Ctx) -> Res {
    let base = ctx.request();
    let object = unsigned_request_object(&base);
    let req = base.set("request", &object);
    supported_or_rejected(
        ctx,
        &req,
        "request_not_supported",
        "an unsigned request object",
    )
}

pub(super) fn request_object_with_redirect_uri(ctx: &Ctx) -> Res {
    if ctx.op.meta["request_parameter_supported"] != true {
        return Ok(Outcome::skipped(
            "the provider does not support request objects (request_parameter_supported is not true)",
        ));
    }
    let base = ctx.request();
    let object = unsigned_request_object(&base);
    let req = base.set("request", &object);
    ctx.happy(&req)?;
    Ok(Outcome::pass(
        "request object carrying redirect_uri honoured",
    ))
}

pub(super) fn claims_essential(ctx: &Ctx) -> Res {
    let req = ctx
        .request()
        .set("claims", r#"{"userinfo":{"name":{"essential":true}}}"#);
    let (_, tokens) = ctx.happy(&req)?;
    let info = check_userinfo(ctx, &tokens, UserinfoStyle::GetHeader)?;
    if info.get("name").is_none() {
        return Ok(Outcome::warning(
            "the essential claim `name` was not returned from userinfo (OIDCC-5.5.1 allows it)",
        ));
    }
    Ok(Outcome::pass(
        "essential claim `name` returned from userinfo",
    ))
}

/// A refresh returns new tokens for the same subject and session; another
/// client cannot use the refresh token.
pub(super) fn refresh_token(ctx: &Ctx) -> Res {
    if ctx.op.meta["grant_types_supported"].is_array()
        && !ctx.op.supports("grant_types_supported", "refresh_token")
    {
        return Ok(Outcome::skipped(
            "the provider does not list the refresh_token grant",
        ));
    }
    let req = ctx.offline_request();
    let (_, tokens) = ctx.happy(&req)?;
    let Some(refresh) = tokens.json["refresh_token"].as_str() else {
        return Ok(Outcome::skipped("no refresh token was issued"));
    };
    if let Ok(other) = ctx.client2() {
        let stolen = ctx
            .op
            .token(
                &other,
                ClientAuth::Basic,
                &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
            )
            .or_fail("refresh")?;
        let error = check::check_json_error(&stolen, &[400, 401])?;
        ensure!(
            error == "invalid_grant",
            "another client's refresh got {error}, expected invalid_grant"
        );
    }
    let reply = ctx
        .op
        .token(
            &req.client,
            ClientAuth::Basic,
            &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
        )
        .or_fail("refresh")?;
    ensure!(
        reply.status == 200,
        "refresh answered HTTP {}: {}",
        reply.status,
        check::short(&reply.body)
    );
    let json = reply.json().or_fail("refresh response is not JSON")?;
    let access = json["access_token"]
        .as_str()
        .or_fail("no access_token in the refresh response")?;
    ensure!(
        access != tokens.access_token,
        "the refresh returned the same access token"
    );
    if let Some(id_token) = json["id_token"].as_str() {
        let claims = check::check_id_token(
            ctx.op,
            id_token,
            &check::IdTokenExpect {
                client_id: &req.client.id,
                nonce: None,
                access_token: Some(access),
            },
        )?;
        for claim in ["iss", "sub", "aud", "auth_time"] {
            if tokens.id_claims.get(claim).is_some() {
                ensure!(
                    claims[claim] == tokens.id_claims[claim],
                    "`{claim}` of the refreshed ID token differs (OIDCC-12.2)"
                );
            }
        }
    }
    Ok(Outcome::pass(
        "refresh returned new tokens for the same subject; another client was refused",
    ))
}

/// A code used twice: the second use fails; the OIDF also checks that the
/// access token of the first use is revoked (a SHOULD: a WARNING if not).
pub(super) fn code_reuse(ctx: &Ctx, wait: u64) -> Res {
    let req = ctx.request();
    let (_, code) = ctx.login_for_code(&req)?;
    let tokens = ctx.exchange(&code.code, &req)?;
    sleep(Duration::from_secs(wait));
    let again = ctx.redeem(&code.code, &req, ctx.auth_method(&req.client))?;
    let error = check::check_json_error(&again, &[400])?;
    ensure!(
        error == "invalid_grant",
        "a reused code got {error}, expected invalid_grant (RFC6749-5.2)"
    );
    let info = ctx
        .op
        .userinfo(&tokens.access_token, UserinfoStyle::GetHeader)
        .or_fail("userinfo")?;
    if info.status == 200 {
        return Ok(Outcome::warning(
            "the reused code was refused, but the access token of its first use still works (RFC6749-4.1.2 SHOULD revoke)",
        ));
    }
    Ok(Outcome::pass(format!(
        "reused code refused after {wait} s; the first use's access token is revoked"
    )))
}

pub(super) fn registered_redirect_uri(ctx: &Ctx) -> Res {
    let req = ctx.request().set(
        "redirect_uri",
        &format!(
            "{}/not-registered",
            ctx.cfg.redirect_uri.trim_end_matches('/')
        ),
    );
    let landing = ctx
        .browser()
        .visit(&req.url(ctx.op)?)
        .or_fail("authorization request")?;
    ctx.error_page(landing)?;
    Ok(Outcome::pass(
        "an unregistered redirect_uri got an error page, no redirect",
    ))
}

pub(super) fn post_request(ctx: &Ctx) -> Res {
    let req = ctx.request();
    let ua = ctx.browser();
    let endpoint = Url::parse(
        &ctx.op
            .endpoint("authorization_endpoint")
            .or_fail("discovery")?,
    )
    .or_fail("authorization_endpoint")?;
    let landing = ua
        .open_post(
            &endpoint,
            &req.params,
            ctx.driver,
            &ctx.cfg.login,
            &ctx.cfg.password,
        )
        .or_fail("authorization request by POST")?;
    let code = ctx.code(landing, &req)?;
    ctx.exchange(&code.code, &req)?;
    Ok(Outcome::pass(
        "authorization request sent by form POST succeeded",
    ))
}

pub(super) fn client_secret_post(ctx: &Ctx) -> Res {
    if ctx.op.meta["token_endpoint_auth_methods_supported"].is_array()
        && !ctx.op.supports(
            "token_endpoint_auth_methods_supported",
            "client_secret_post",
        )
    {
        return Ok(Outcome::skipped(
            "the provider does not list client_secret_post",
        ));
    }
    let req = ctx.request();
    let (_, code) = ctx.login_for_code(&req)?;
    let reply = ctx.redeem(&code.code, &req, ClientAuth::Post)?;
    ctx.tokens(reply, &req)?;
    Ok(Outcome::pass("code exchanged with client_secret_post"))
}

pub(super) fn valid_pkce(ctx: &Ctx) -> Res {
    let req = ctx.request();
    ensure!(req.verifier.is_some(), "PKCE missing from the request");
    ctx.happy(&req)?;
    Ok(Outcome::pass("code flow with PKCE S256 succeeded"))
}
