//! `GET /rs/prns/{oid}`, `/rs/prns/{oid}/{ctts|docs|addrs|roles}` and one
//! element, `/rs/prns/{oid}/{part}/{id}`.

use actix_web::http::header::CACHE_CONTROL;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};

use crate::ctx::Ctx;
use crate::esia::rest::{self, Part, Read, RestError};
use crate::http::RequestId;
use crate::http::errors::BearerError;
use crate::http::extract::BearerToken;

pub async fn prns(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    token: Result<BearerToken, BearerError>,
    id: RequestId,
) -> HttpResponse {
    if let Some(off) = super::disabled(&ctx, &req, &id).await {
        return off;
    }
    let token = match token {
        Ok(BearerToken(token)) => token,
        Err(e) => return e.error_response(),
    };
    let info = req.match_info();
    let Some(part) = Part::parse(info.get("part")) else {
        return HttpResponse::NotFound().finish();
    };
    let embed = req
        .query_string()
        .split('&')
        .any(|p| p == "embed=(elements)" || p == "embed=%28elements%29");
    let read = Read {
        oid: info.get("oid").unwrap_or_default(),
        part,
        element: info.get("element"),
        embed,
    };
    match rest::read(&ctx, &token, read).await {
        Ok(json) => HttpResponse::Ok()
            .insert_header((CACHE_CONTROL, "no-store"))
            .json(json),
        Err(RestError::Token(e)) => BearerError(Some(e)).error_response(),
        Err(RestError::NotFound) => HttpResponse::NotFound()
            .insert_header((CACHE_CONTROL, "no-store"))
            .json(serde_json::json!({"code": "ESIA-008004", "message": "not found"})),
    }
}
