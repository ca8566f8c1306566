use actix_web::http::header::CACHE_CONTROL;
use actix_web::{HttpResponse, web};

use crate::ctx::Ctx;
use crate::http::errors::ApiError;
use crate::http::extract::{ClientAuth, RequestParams};
use crate::oidc::{OAuthError, introspect, token_endpoint};

pub async fn introspect(
    ctx: web::Data<Ctx>,
    ClientAuth(credentials): ClientAuth,
    params: RequestParams,
) -> Result<HttpResponse, ApiError> {
    let params = params.0?;
    let client = token_endpoint::authenticate(&ctx, &params, credentials).await?;
    if client.is_public() {
        return Err(OAuthError::invalid_client("public clients cannot introspect tokens").into());
    }
    let body = introspect::introspect(&ctx, &client, &params).await?;
    Ok(HttpResponse::Ok()
        .insert_header((CACHE_CONTROL, "no-store"))
        .json(body))
}
