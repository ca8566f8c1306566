//! OpenID Provider metadata (Discovery 1.0 §3, RFC 8414).

use serde_json::{Value, json};

use super::claims;
use crate::ctx::Ctx;
use crate::model::{Aal, SCOPES};
use crate::paths;

pub fn metadata(ctx: &Ctx) -> Value {
    let url = |path: &str| format!("{}{}", ctx.issuer, path);
    // aal3 is a certificate login, possible only with a trusted CA.
    let acrs: Vec<&str> = Aal::ALL
        .iter()
        .filter(|a| **a != Aal::Aal3 || ctx.esign.is_some())
        .map(|a| a.as_urn())
        .collect();
    let algs: Vec<&str> = ctx.keys.algorithms().iter().map(|a| a.as_str()).collect();
    json!({
        "issuer": ctx.issuer.as_ref(),
        "authorization_endpoint": url(paths::AUTHORIZE),
        "token_endpoint": url(paths::TOKEN),
        "userinfo_endpoint": url(paths::USERINFO),
        "jwks_uri": url(paths::JWKS),
        "end_session_endpoint": url(paths::LOGOUT),
        "introspection_endpoint": url(paths::INTROSPECT),
        "revocation_endpoint": url(paths::REVOKE),
        "scopes_supported": SCOPES,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": algs,
        // Not registered metadata, but what a resource server needs to know
        // (RFC 9068 tokens; each client may choose, see `idp clients`).
        "access_token_signing_alg_values_supported": algs,
        "userinfo_signing_alg_values_supported": [],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": claims::supported(),
        "claims_parameter_supported": true,
        "request_parameter_supported": false,
        "request_uri_parameter_supported": false,
        "require_request_uri_registration": false,
        "acr_values_supported": acrs,
        "prompt_values_supported": ["none", "login", "consent", "select_account"],
        "display_values_supported": ["page", "popup"],
        "ui_locales_supported": ["ru", "en"],
        "claims_locales_supported": ["ru"],
        "authorization_response_iss_parameter_supported": true,
        "frontchannel_logout_supported": false,
        "backchannel_logout_supported": true,
        "backchannel_logout_session_supported": true,
    })
}
