use actix_web::HttpResponse;
use actix_web::http::header::CACHE_CONTROL;
use actix_web::web;

use crate::app::AppState;
use crate::http::errors::BearerError;
use crate::http::extract::BearerToken;
use crate::oidc::userinfo;

/// GET or POST (Core §5.3.1); the token from the header or the form.
pub async fn userinfo(
    app: web::Data<AppState>,
    BearerToken(token): BearerToken,
) -> Result<HttpResponse, BearerError> {
    let claims = userinfo::userinfo(&app, &token)
        .await
        .map_err(|e| BearerError(Some(e)))?;
    Ok(HttpResponse::Ok()
        .insert_header((CACHE_CONTROL, "no-store"))
        .json(claims))
}
