//! The ESIA-compatible endpoints (docs/esia.md), thin over `crate::esia`:
//! they answer only when `[esia] enabled`, 404 otherwise.

mod authorize;
mod logout;
mod rest;
mod token;

use actix_web::{HttpRequest, HttpResponse, web};

use super::RequestId;
use crate::ctx::Ctx;
use crate::paths;

/// The ESIA routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(paths::ESIA_AC, web::get().to(authorize::v1))
        .route(paths::ESIA_AC_V2, web::get().to(authorize::v2))
        .route(paths::ESIA_TE, web::post().to(token::v1))
        .route(paths::ESIA_TE_V3, web::post().to(token::v3))
        .route(paths::ESIA_LOGOUT, web::get().to(logout::logout))
        .route(paths::ESIA_PRNS, web::get().to(rest::prns))
        .route(paths::ESIA_PRNS_PART, web::get().to(rest::prns))
        .route(paths::ESIA_PRNS_ELEMENT, web::get().to(rest::prns));
}

/// `None` when ESIA mode is on; the 404 page otherwise.
async fn disabled(ctx: &Ctx, req: &HttpRequest, id: &RequestId) -> Option<HttpResponse> {
    if ctx.config.esia.enabled {
        return None;
    }
    Some(super::pages::not_found(req.clone(), id.clone()).await)
}
