use actix_web::{HttpResponse, web};

use crate::ctx::Ctx;
use crate::http::RequestId;
use crate::http::errors::ApiError;
use crate::http::extract::{ClientAuth, RequestParams};
use crate::oidc::{revoke, token_endpoint};

pub async fn revoke(
    ctx: web::Data<Ctx>,
    ClientAuth(credentials): ClientAuth,
    params: RequestParams,
    id: RequestId,
) -> Result<HttpResponse, ApiError> {
    let params = params.0?;
    let client = token_endpoint::authenticate(&ctx, &params, credentials).await?;
    revoke::revoke(&ctx, &client, &params, Some(&id.0)).await?;
    Ok(HttpResponse::Ok().finish())
}
