use actix_web::http::header::CACHE_CONTROL;
use actix_web::{HttpResponse, web};

use crate::app::AppState;
use crate::oidc::discovery;

pub async fn configuration(app: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CACHE_CONTROL, "public, max-age=3600"))
        .json(discovery::metadata(&app))
}

/// The JWKS, cacheable for as long as a new key waits before it signs.
pub async fn jwks(app: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((
            CACHE_CONTROL,
            format!("public, max-age={}", app.config.jwks_max_age_secs),
        ))
        .json(app.keys.jwks())
}
