use actix_web::http::header::{CACHE_CONTROL, PRAGMA};
use actix_web::{HttpResponse, web};

use crate::ctx::Ctx;
use crate::http::RequestId;
use crate::http::errors::ApiError;
use crate::http::extract::{ClientAuth, RequestParams};
use crate::oidc::token_endpoint;

pub async fn token(
    ctx: web::Data<Ctx>,
    ClientAuth(credentials): ClientAuth,
    params: RequestParams,
    id: RequestId,
) -> Result<HttpResponse, ApiError> {
    let params = params.0?;
    let response = token_endpoint::exchange(&ctx, &params, credentials, Some(&id.0)).await?;
    Ok(HttpResponse::Ok()
        .insert_header((CACHE_CONTROL, "no-store"))
        .insert_header((PRAGMA, "no-cache"))
        .json(response))
}
