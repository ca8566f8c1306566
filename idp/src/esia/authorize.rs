//! ESIA's authorization request (`/aas/oauth2/ac`, `/aas/oauth2/v2/ac`) as a
//! login flow: the client's signature, `timestamp` and `state` are checked
//! here ([`super::request`]), the scopes mapped onto Vhod's, and then the
//! request runs the same flow as an OpenID Connect one
//! (`oidc::authorize::start_validated`: login, step-up, whom to act for,
//! consent, the account's level). Only the dialect differs.

use std::sync::Arc;

use super::request::{self, Signed, Version, missing, refusal, required};
use super::scopes;
use crate::ctx::Ctx;
use crate::model::{Aal, Client};
use crate::oidc::auth_request::{AuthRequest, EsiaParts, Prompt};
use crate::oidc::authorize::{self, Decision, Problem};
use crate::oidc::claims::ClaimsRequest;
use crate::oidc::error::{ErrorCode, OAuthError};
use crate::oidc::params::Params;
use crate::oidc::redirect;
use crate::sessions::Session;

/// The longest `scope` kept with a flow.
const MAX_SCOPE_LEN: usize = 2048;

/// A new ESIA authorization request from the browser `browser` at
/// `address`. Until the client and `redirect_uri` are known, a refusal is
/// a page; after, it goes back to the portal with ESIA's code.
pub async fn start(
    ctx: &Ctx,
    params: &Params,
    version: Version,
    (browser, address): (&str, &str),
    session: Option<Session>,
) -> Decision {
    let (client, redirect_uri) = match trusted(ctx, params).await {
        Ok(trusted) => trusted,
        Err(decision) => return decision,
    };
    // An overlong or malformed state is not echoed back.
    let state = params
        .get("state")
        .ok()
        .flatten()
        .filter(|s| request::is_uuid(s));
    match validate(ctx, params, version, &client, &redirect_uri) {
        Ok(req) => authorize::start_validated(ctx, req, &client, (browser, address), session).await,
        Err(error) => Decision::Redirect(redirect::with_error(
            &redirect_uri,
            &error.in_esia_dialect(),
            state,
            &ctx.issuer,
        )),
    }
}

/// The ESIA client and its registered `redirect_uri`, or the page that
/// says why not.
async fn trusted(ctx: &Ctx, params: &Params) -> Result<(Arc<Client>, String), Decision> {
    let bad = |e: OAuthError| Decision::Problem(Problem::BadRequest(e.in_esia_dialect()));
    let client_id = params.require("client_id").map_err(bad)?;
    let client = match ctx.clients.get(client_id).await {
        Ok(Some(client)) if client.is_esia() => client,
        Ok(_) => return Err(bad(request::unknown_client())),
        Err(e) => return Err(authorize::unavailable(e)),
    };
    let redirect_uri = params.require("redirect_uri").map_err(bad)?;
    if !client.redirect_uris.iter().any(|r| r == redirect_uri) {
        return Err(bad(refusal(
            ErrorCode::InvalidRequest,
            "ESIA-007014",
            "redirect_uri is not registered for this client",
        )));
    }
    let redirect_uri = redirect_uri.to_owned();
    Ok((client, redirect_uri))
}

/// The rest of the request, once the client and `redirect_uri` are trusted.
fn validate(
    ctx: &Ctx,
    params: &Params,
    version: Version,
    client: &Client,
    redirect_uri: &str,
) -> Result<AuthRequest, OAuthError> {
    let get = |name: &'static str| required(params, name);
    let (scope, timestamp, state, secret) = (
        get("scope")?,
        get("timestamp")?,
        get("state")?,
        get("client_secret")?,
    );
    let certificate_hash = params.get("client_certificate_hash")?;
    if version == Version::V2 && certificate_hash.is_none() {
        return Err(missing("client_certificate_hash"));
    }
    let signed = Signed {
        client_id: &client.id,
        scope,
        timestamp,
        state,
        redirect_uri,
        code: None,
    };
    let now = (ctx.now(), ctx.config.esia.timestamp_window_secs);
    request::verify(client, version, &signed, secret, certificate_hash, now)?;
    if get("response_type")? != "code" {
        return Err(refusal(
            ErrorCode::UnsupportedResponseType,
            "ESIA-007014",
            "response_type must be `code`",
        ));
    }
    let offline = match params.get("access_type")?.unwrap_or("online") {
        "online" => false,
        "offline" => true,
        _ => {
            return Err(refusal(
                ErrorCode::InvalidRequest,
                "ESIA-007014",
                "access_type must be `online` or `offline`",
            ));
        }
    };
    let requested = scopes::parse(scope);
    if scope.len() > MAX_SCOPE_LEN || !requested.unknown.is_empty() {
        return Err(refusal(
            ErrorCode::InvalidScope,
            "ESIA-007013",
            format!(
                "unknown scope `{}`",
                requested
                    .unknown
                    .first()
                    .map_or("(too long)", String::as_str)
            ),
        ));
    }
    if !requested.vhod.contains("openid") {
        return Err(refusal(
            ErrorCode::InvalidScope,
            "ESIA-007013",
            "scope must include `openid`",
        ));
    }
    // What the client may not have is dropped, as on the OpenID side.
    let mut vhod = requested.vhod.intersect(&client.scopes).to_string();
    if offline {
        vhod.push_str(" offline_access");
    }
    let esia: Vec<String> = requested
        .esia
        .into_iter()
        .filter(|name| {
            scopes::vhod_scopes(name)
                .is_some_and(|needs| needs.iter().take(1).all(|s| client.scopes.contains(s)))
        })
        .collect();
    Ok(AuthRequest {
        client_id: client.id.clone(),
        redirect_uri: redirect_uri.to_owned(),
        state: Some(state.to_owned()),
        nonce: None,
        scopes: crate::model::Scopes::parse(&vhod),
        code_challenge: None,
        prompt: Prompt::default(),
        max_age: None,
        login_hint: None,
        ui_locales: None,
        acr_values: Vec::new(),
        claims: ClaimsRequest::default(),
        hint_sub: None,
        required_aal: client.min_aal.unwrap_or(Aal::Aal1),
        esia: Some(EsiaParts { scopes: esia }),
    })
}
