//! Machine endpoints: JSON in, JSON out.

pub mod assets;
pub mod discovery;
pub mod health;
pub mod introspect;
pub mod outbox;
pub mod revoke;
pub mod token;
pub mod userinfo;

use actix_web::HttpResponse;
use actix_web::http::header::{ALLOW, CACHE_CONTROL};

/// Back-channel endpoints take only POST (RFC 6749 §3.2, RFC 7009 §2.1,
/// RFC 7662 §2.1): anything else is a JSON error, not a page.
pub async fn post_only() -> HttpResponse {
    HttpResponse::MethodNotAllowed()
        .insert_header((ALLOW, "POST"))
        .insert_header((CACHE_CONTROL, "no-store"))
        .json(serde_json::json!({
            "error": "invalid_request",
            "error_description": "this endpoint accepts only POST with a form body"
        }))
}
