//! What every request goes through first: its id (`X-Request-Id`, kept
//! when the caller sent a sane one), the client it came from
//! ([`super::origin`]), one log line and the metrics when it is answered,
//! `Secure` on our cookies when the client used https, and `Retry-After`
//! on every 503 (a store is down, the node is draining: come back soon).

use std::time::Instant;

use super::RequestId;
use super::origin::{self, Origin};
use crate::ctx::Ctx;
use actix_web::HttpMessage;
use actix_web::body::MessageBody;
use actix_web::cookie::Cookie;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web;

const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// What a 503 tells a client to wait, in seconds.
pub const RETRY_AFTER_SECS: &str = "5";

/// The client a request is for (its `client_id`), for the request's log
/// line; extractors that read one put it here.
#[derive(Debug, Clone)]
pub struct LoggedClient(pub String);

/// Notes `client_id` as the client of `req` for its log line.
pub fn note_client(req: &actix_web::HttpRequest, client_id: &str) {
    // Only what a client id can look like: no control characters, bounded.
    if !client_id.is_empty() && client_id.len() <= 128 && !client_id.contains(char::is_control) {
        req.extensions_mut()
            .insert(LoggedClient(client_id.to_owned()));
    }
}

/// A request id the caller sent, if it is one we may repeat: 1 to 64 of
/// `A-Z a-z 0-9 - _ . :`.
fn given_id(req: &ServiceRequest) -> Option<RequestId> {
    let value = req.headers().get(&X_REQUEST_ID)?.to_str().ok()?;
    let sane = !value.is_empty()
        && value.len() <= 64
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b));
    sane.then(|| RequestId(value.to_owned()))
}

pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let id = given_id(&req).unwrap_or_default();
    let client = match req.app_data::<web::Data<Ctx>>() {
        Some(ctx) => origin::of(req.request(), &ctx.config.trusted_proxies.0),
        None => origin::of(req.request(), &[]),
    };
    req.extensions_mut().insert(id.clone());
    req.extensions_mut().insert(client);
    let method = req.method().clone();
    crate::logging::in_request(id.0.as_str().into(), async move {
        let mut res = next.call(req).await?;
        let status = res.status();
        if status == StatusCode::SERVICE_UNAVAILABLE
            && !res.headers().contains_key(header::RETRY_AFTER)
        {
            res.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from_static(RETRY_AFTER_SECS),
            );
        }
        if client.https {
            secure_cookies(&mut res);
        }
        if let Ok(value) = HeaderValue::from_str(&id.0) {
            res.headers_mut().insert(X_REQUEST_ID, value);
        }
        let route = res
            .request()
            .match_pattern()
            .unwrap_or_else(|| "unmatched".to_owned());
        let elapsed = started.elapsed();
        let client_id = res
            .request()
            .extensions()
            .get::<LoggedClient>()
            .map(|c| c.0.clone());
        metrics::counter!(
            "vhod_http_requests_total",
            "route" => route.clone(),
            "method" => method.to_string(),
            "status" => status.as_u16().to_string()
        )
        .increment(1);
        metrics::histogram!("vhod_http_request_duration_seconds", "route" => route.clone())
            .record(elapsed.as_secs_f64());
        crate::logging::RequestLine {
            request_id: &id.0,
            method: method.as_str(),
            route: &route,
            status: status.as_u16(),
            latency: elapsed,
            client_id: client_id.as_deref(),
            client_ip: client.ip,
        }
        .log();
        Ok(res)
    })
    .await
}

/// The client of a request, as [`observe`] decided it.
pub fn origin_of(req: &actix_web::HttpRequest) -> Origin {
    if let Some(origin) = req.extensions().get::<Origin>() {
        return *origin;
    }
    let trusted = req
        .app_data::<web::Data<Ctx>>()
        .map(|ctx| ctx.config.trusted_proxies.0.clone())
        .unwrap_or_default();
    origin::of(req, &trusted)
}

/// Marks every cookie the response sets `Secure`.
fn secure_cookies<B>(res: &mut ServiceResponse<B>) {
    let set: Vec<HeaderValue> = res.headers().get_all(header::SET_COOKIE).cloned().collect();
    if set.is_empty() {
        return;
    }
    let headers = res.headers_mut();
    headers.remove(header::SET_COOKIE);
    for value in set {
        let secured = value
            .to_str()
            .ok()
            .and_then(|v| Cookie::parse(v.to_owned()).ok())
            .filter(|c| c.secure() != Some(true))
            .and_then(|mut c| {
                c.set_secure(true);
                HeaderValue::from_str(&c.to_string()).ok()
            });
        headers.append(header::SET_COOKIE, secured.unwrap_or(value));
    }
}
