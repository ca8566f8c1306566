//! The Config OP plan.

use super::{Ctx, Module};
use crate::check::{self, OrFail, Outcome, Res};
use crate::ensure;

pub fn modules() -> Vec<Module> {
    vec![Module {
        name: "oidcc-discovery-endpoint-verification",
        plan: "oidcc-config-certification-test-plan",
        spec: "OpenID Connect Discovery 1.0 §3, §4",
        run: discovery,
    }]
}

/// The discovery document: served as JSON, issuer matching the URL it was
/// fetched from, every required member, values consistent with the Basic
/// profile, a JWKS with distinct kids.
fn discovery(ctx: &Ctx) -> Res {
    let op = ctx.op;
    let reply = &op.discovery_reply;
    ensure!(
        reply.status == 200,
        "discovery answered HTTP {}",
        reply.status
    );
    ensure!(
        reply
            .header("content-type")
            .is_some_and(|c| c.starts_with("application/json")),
        "discovery Content-Type is {:?}, not application/json (Discovery §4.2)",
        reply.header("content-type")
    );
    let m = &op.meta;
    ensure!(
        m["issuer"] == op.issuer.as_str(),
        "issuer {} differs from the URL it was fetched from ({}) (Discovery §4.3)",
        m["issuer"],
        op.issuer
    );
    for field in [
        "authorization_endpoint",
        "token_endpoint",
        "jwks_uri",
        "response_types_supported",
        "subject_types_supported",
        "id_token_signing_alg_values_supported",
    ] {
        ensure!(
            !m[field].is_null(),
            "required member `{field}` is missing (Discovery §3)"
        );
    }
    for field in ["userinfo_endpoint", "scopes_supported", "claims_supported"] {
        ensure!(
            !m[field].is_null(),
            "recommended member `{field}` is missing (Discovery §3)"
        );
    }
    ensure!(
        op.supports("response_types_supported", "code"),
        "response_types_supported lacks `code`"
    );
    ensure!(
        op.supports("scopes_supported", "openid"),
        "scopes_supported lacks `openid`"
    );
    ensure!(
        op.supports("id_token_signing_alg_values_supported", "RS256"),
        "id_token_signing_alg_values_supported lacks RS256 (Core §15.1)"
    );
    ensure!(
        !op.supports("id_token_signing_alg_values_supported", "none")
            || !op.supports("response_types_supported", "code id_token"),
        "`none` is advertised for ID tokens with front-channel responses"
    );
    if let Some(methods) = m["token_endpoint_auth_methods_supported"].as_array() {
        ensure!(
            methods.iter().any(|v| v == "client_secret_basic"),
            "token_endpoint_auth_methods_supported lacks client_secret_basic (the default, Discovery §3)"
        );
    }
    for field in [
        "authorization_endpoint",
        "token_endpoint",
        "userinfo_endpoint",
        "jwks_uri",
    ] {
        let url = m[field]
            .as_str()
            .or_fail(&format!("`{field}` is not a string"))?;
        let parsed = url::Url::parse(url).or_fail(&format!("`{field}` is not a URL"))?;
        ensure!(parsed.fragment().is_none(), "`{field}` has a fragment");
    }
    check::check_jwks(op)?;
    ctx.https_or_warn(
        Outcome::pass("discovery document complete and consistent; JWKS keys have distinct kids"),
        "the document is complete and consistent, but Discovery §3 requires https endpoints",
    )
}
