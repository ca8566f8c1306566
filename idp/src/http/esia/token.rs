//! `POST /aas/oauth2/te` (v1) and `/aas/oauth2/v3/te`.

use actix_web::http::header::{CACHE_CONTROL, PRAGMA};
use actix_web::{HttpRequest, HttpResponse, web};

use crate::ctx::Ctx;
use crate::esia::request::Version;
use crate::esia::token;
use crate::http::RequestId;
use crate::http::errors::ApiError;
use crate::http::extract::RequestParams;

pub async fn v1(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    params: RequestParams,
    id: RequestId,
) -> HttpResponse {
    te(ctx, req, params, id, Version::V1).await
}

pub async fn v3(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    params: RequestParams,
    id: RequestId,
) -> HttpResponse {
    te(ctx, req, params, id, Version::V2).await
}

async fn te(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    params: RequestParams,
    id: RequestId,
    version: Version,
) -> HttpResponse {
    if let Some(off) = super::disabled(&ctx, &req, &id).await {
        return off;
    }
    let result = match params.0 {
        Ok(params) => token::exchange(&ctx, &params, version, Some(&id.0)).await,
        Err(e) => Err(e.in_esia_dialect()),
    };
    match result {
        Ok(tokens) => HttpResponse::Ok()
            .insert_header((CACHE_CONTROL, "no-store"))
            .insert_header((PRAGMA, "no-cache"))
            .json(tokens),
        Err(e) => actix_web::ResponseError::error_response(&ApiError(e)),
    }
}
