use actix_web::http::Method;
use actix_web::http::header::{AUTHORIZATION, CACHE_CONTROL};
use actix_web::{HttpRequest, HttpResponse, web};

use crate::app::AppState;
use crate::http::errors::BearerError;
use crate::http::extract::RequestParams;
use crate::oidc::{OAuthError, userinfo};

/// GET or POST; the token in the `Authorization: Bearer` header or, for a
/// POST, in the `access_token` form field (RFC 6750 §2.1, §2.2).
pub async fn userinfo(
    app: web::Data<AppState>,
    req: HttpRequest,
    params: RequestParams,
) -> Result<HttpResponse, BearerError> {
    let header = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let from_header = match header.as_deref() {
        None => None,
        Some(value) => match value.split_once(' ') {
            Some((scheme, token))
                if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
            {
                Some(token.trim().to_owned())
            }
            _ => {
                return Err(BearerError(Some(OAuthError::invalid_request(
                    "the Authorization header must be `Bearer <access token>`",
                ))));
            }
        },
    };
    let from_body = if req.method() == Method::POST && from_header.is_none() {
        let params = params.0.map_err(|e| BearerError(Some(e)))?;
        params
            .get("access_token")
            .map_err(|e| BearerError(Some(e)))?
            .map(str::to_owned)
    } else {
        None
    };
    let Some(token) = from_header.or(from_body) else {
        return Err(BearerError(None));
    };
    let claims = userinfo::userinfo(&app, &token)
        .await
        .map_err(|e| BearerError(Some(e)))?;
    Ok(HttpResponse::Ok()
        .insert_header((CACHE_CONTROL, "no-store"))
        .json(claims))
}
