use actix_web::http::header::CACHE_CONTROL;
use actix_web::{HttpResponse, web};

use crate::ctx::Ctx;
use crate::oidc::discovery;

pub async fn configuration(ctx: web::Data<Ctx>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CACHE_CONTROL, "public, max-age=3600"))
        .json(discovery::metadata(&ctx))
}

/// The JWKS, cacheable for as long as a new key waits before it signs.
pub async fn jwks(ctx: web::Data<Ctx>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((
            CACHE_CONTROL,
            format!("public, max-age={}", ctx.config.jwks_max_age_secs),
        ))
        .json(ctx.keys.jwks())
}
