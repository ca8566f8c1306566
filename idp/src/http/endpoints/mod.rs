//! Machine endpoints: JSON in, JSON out.

pub mod discovery;
pub mod health;
pub mod introspect;
pub mod revoke;
pub mod token;
pub mod userinfo;

use actix_web::HttpRequest;
use actix_web::http::header::AUTHORIZATION;

use crate::oidc::token::ClientCredentials;

fn client_credentials(req: &HttpRequest) -> ClientCredentials {
    ClientCredentials::from_header(
        req.headers()
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok()),
    )
}
