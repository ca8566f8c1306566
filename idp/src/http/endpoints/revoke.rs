use actix_web::{HttpRequest, HttpResponse, web};

use super::client_credentials;
use crate::app::AppState;
use crate::http::RequestId;
use crate::http::errors::ApiError;
use crate::http::extract::RequestParams;
use crate::oidc::{revoke, token};

pub async fn revoke(
    app: web::Data<AppState>,
    req: HttpRequest,
    params: RequestParams,
    id: RequestId,
) -> Result<HttpResponse, ApiError> {
    let params = params.0?;
    let client = token::authenticate(&app, &params, client_credentials(&req)).await?;
    revoke::revoke(&app, &client, &params, Some(&id.0)).await?;
    Ok(HttpResponse::Ok().finish())
}
