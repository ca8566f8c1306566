//! The demo portals: the medical cabinet and the conformance suite's two
//! more clients.

use crate::clients::{ClientError, NewClient};
use crate::ctx::Ctx;
use crate::model::Secret;

pub const CLIENT_ID: &str = "medcabinet";
pub const CLIENT_SECRET: &str = "medcabinet-secret";
pub const REDIRECT_URI: &str = "http://127.0.0.1:8090/callback";
pub const POST_LOGOUT_URI: &str = "http://127.0.0.1:8090/";
/// A second confidential client and a public one, for the conformance suite.
pub const CONFORMANCE_2_ID: &str = "conformance-2";
pub const CONFORMANCE_2_SECRET: &str = "conformance-2-secret";
pub const CONFORMANCE_PUBLIC_ID: &str = "conformance-public";

/// Registers the portals that are missing; a line for each.
pub(super) async fn seed(ctx: &Ctx) -> anyhow::Result<Vec<String>> {
    let now = ctx.now();
    let mut lines = Vec::new();
    let cabinet = NewClient {
        id: CLIENT_ID.into(),
        name: "Медицинский кабинет (демо)".into(),
        public: false,
        secret: Some(Secret::new(CLIENT_SECRET)),
        redirect_uris: vec![REDIRECT_URI.into()],
        post_logout_redirect_uris: vec![POST_LOGOUT_URI.into()],
        scopes: None,
        skip_consent: false,
        min_account_level: None,
        min_aal: None,
        id_token_alg: "RS256".into(),
        access_token_alg: None,
        backchannel_logout_uri: None,
        esia_certificate: None,
    };
    let second = NewClient {
        id: CONFORMANCE_2_ID.into(),
        name: "Conformance suite, second client".into(),
        secret: Some(Secret::new(CONFORMANCE_2_SECRET)),
        ..cabinet.clone()
    };
    let public = NewClient {
        id: CONFORMANCE_PUBLIC_ID.into(),
        name: "Conformance suite, public client".into(),
        public: true,
        secret: None,
        ..cabinet.clone()
    };
    for client in [cabinet, second, public] {
        let line = match &client.secret {
            Some(secret) => format!("client   {} secret {}", client.id, secret.expose()),
            None => format!("client   {} (public, PKCE)", client.id),
        };
        match ctx.clients.register(client, now).await {
            Ok(_) | Err(ClientError::Exists(_)) => {}
            Err(e) => return Err(e.into()),
        }
        lines.push(line);
    }
    lines.push(format!(
        "redirect {REDIRECT_URI}  post-logout {POST_LOGOUT_URI}"
    ));
    Ok(lines)
}
