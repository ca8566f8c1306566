use actix_web::HttpResponse;
use actix_web::http::header::CACHE_CONTROL;
use actix_web::web;

use crate::ctx::Ctx;
use crate::http::errors::BearerError;
use crate::http::extract::BearerToken;
use crate::oidc::userinfo;

/// GET or POST (Core §5.3.1); the token from the header or the form.
pub async fn userinfo(
    ctx: web::Data<Ctx>,
    BearerToken(token): BearerToken,
) -> Result<HttpResponse, BearerError> {
    let claims = userinfo::userinfo(&ctx, &token)
        .await
        .map_err(|e| BearerError(Some(e)))?;
    Ok(HttpResponse::Ok()
        .insert_header((CACHE_CONTROL, "no-store"))
        .json(claims))
}
