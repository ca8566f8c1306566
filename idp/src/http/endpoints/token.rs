use actix_web::http::header::{CACHE_CONTROL, PRAGMA};
use actix_web::{HttpRequest, HttpResponse, web};

use super::client_credentials;
use crate::app::AppState;
use crate::http::RequestId;
use crate::http::errors::ApiError;
use crate::http::extract::RequestParams;
use crate::oidc::token;

pub async fn token(
    app: web::Data<AppState>,
    req: HttpRequest,
    params: RequestParams,
    id: RequestId,
) -> Result<HttpResponse, ApiError> {
    let params = params.0?;
    let response = token::exchange(&app, &params, client_credentials(&req), Some(&id.0)).await?;
    Ok(HttpResponse::Ok()
        .insert_header((CACHE_CONTROL, "no-store"))
        .insert_header((PRAGMA, "no-cache"))
        .json(response))
}
