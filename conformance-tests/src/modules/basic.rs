//! The Basic OP plan (`oidcc-basic-certification-test-plan`), response type
//! `code`: each module asserts what the OIDF module of the same name does.

use std::cell::Cell;
use std::thread::sleep;
use std::time::Duration;

use serde_json::Value;
use url::Url;

use super::{AuthRequest, Ctx, Module, Tokens};
use crate::browser::{Landing, LoginDriver, Submission};
use crate::check::{self, OrFail, Outcome, Res};
use crate::ensure;
use crate::http::{ClientAuth, UserinfoStyle};

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

fn check_userinfo(ctx: &Ctx, tokens: &Tokens, style: UserinfoStyle) -> Result<Value, Outcome> {
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

/// Counts the login forms the driver fills, to tell whether the provider
/// asked for a login again.
struct Watch<'a> {
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
fn second_authorization(
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

fn auth_time(tokens: &Tokens) -> Result<i64, Outcome> {
    tokens.id_claims["auth_time"]
        .as_i64()
        .or_fail("the ID token has no auth_time")
}

fn prompt_login(ctx: &Ctx) -> Res {
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

fn prompt_none_not_logged_in(ctx: &Ctx) -> Res {
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

fn prompt_none_logged_in(ctx: &Ctx) -> Res {
    let (_, _, logins) = second_authorization(ctx, &[("prompt", "none")], 0)?;
    ensure!(logins == 0, "prompt=none showed a login page");
    Ok(Outcome::pass(
        "prompt=none with a session returned a code for the same subject",
    ))
}

fn max_age_1(ctx: &Ctx) -> Res {
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

fn max_age_10000(ctx: &Ctx) -> Res {
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

fn id_token_hint(ctx: &Ctx) -> Res {
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

fn login_hint(ctx: &Ctx) -> Res {
    let req = ctx.request().set("login_hint", &ctx.cfg.login);
    ctx.happy(&req)?;
    Ok(Outcome::pass("request with login_hint succeeded"))
}

/// A code used twice: the second use fails; the OIDF also checks that the
/// access token of the first use is revoked (a SHOULD: a WARNING if not).
fn code_reuse(ctx: &Ctx, wait: u64) -> Res {
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

fn registered_redirect_uri(ctx: &Ctx) -> Res {
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

fn post_request(ctx: &Ctx) -> Res {
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

fn client_secret_post(ctx: &Ctx) -> Res {
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

/// An unsigned request object (`alg: none`) carrying `claims`.
fn unsigned_request_object(req: &AuthRequest) -> String {
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
fn supported_or_rejected(ctx: &Ctx, req: &AuthRequest, unsupported_error: &str, what: &str) -> Res {
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

fn request_uri_unsigned(ctx: &Ctx) -> Res {
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

fn request_object_unsigned(ctx: &Ctx) -> Res {
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

fn request_object_with_redirect_uri(ctx: &Ctx) -> Res {
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

fn claims_essential(ctx: &Ctx) -> Res {
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
fn refresh_token(ctx: &Ctx) -> Res {
    if ctx.op.meta["grant_types_supported"].is_array()
        && !ctx.op.supports("grant_types_supported", "refresh_token")
    {
        return Ok(Outcome::skipped(
            "the provider does not list the refresh_token grant",
        ));
    }
    let scope = if ctx.op.supports("scopes_supported", "offline_access") {
        "openid offline_access"
    } else {
        "openid"
    };
    let req = ctx.request().set("scope", scope).set("prompt", "consent");
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

fn valid_pkce(ctx: &Ctx) -> Res {
    let req = ctx.request();
    ensure!(req.verifier.is_some(), "PKCE missing from the request");
    ctx.happy(&req)?;
    Ok(Outcome::pass("code flow with PKCE S256 succeeded"))
}
