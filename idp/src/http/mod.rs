//! The only module that imports actix: the route table, extractors, the
//! mapping of errors to responses, JSON endpoints and HTML pages.

pub mod endpoints;
mod errors;
mod esia;
mod extract;
pub mod i18n;
pub mod metrics;
pub mod observe;
pub mod origin;
pub mod pages;
pub mod routes;
pub mod tls;

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::{DefaultHeaders, Next, from_fn};
use actix_web::{App, HttpMessage, HttpServer, web};

use crate::ctx::Ctx;
pub use extract::RequestId;

/// Runs `future` on the actix runtime the server needs (one runtime per
/// worker thread, plus this one).
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    actix_web::rt::System::new().block_on(future)
}

/// `Strict-Transport-Security` with an https issuer: a year, this host only
/// (other hosts of the domain are not ours to decide).
pub const HSTS: &str = "max-age=31536000";

/// How `serve_with` runs the server.
pub struct Options {
    pub workers: usize,
    /// Serve https with these certificates, else plain http.
    pub tls: Option<Arc<tls::Certificates>>,
    /// How long requests in flight may take once the server is stopped.
    pub shutdown_timeout: Duration,
}

/// Starts the HTTP server on an already bound listener (plain http; the
/// server stops with the runtime).
pub fn serve(ctx: Ctx, listener: TcpListener, workers: usize) -> std::io::Result<Server> {
    let options = Options {
        workers,
        tls: None,
        shutdown_timeout: Duration::from_secs(ctx.config.shutdown_timeout_secs),
    };
    serve_with(ctx, listener, options)
}

/// Starts the HTTP server on an already bound listener. It does not catch
/// signals itself: whoever runs it stops it through its handle
/// (`cli::serve` on SIGTERM), so the node can say it is draining first.
pub fn serve_with(ctx: Ctx, listener: TcpListener, options: Options) -> std::io::Result<Server> {
    let max_body = ctx.config.max_body_bytes;
    // An https issuer: browsers must never use plain http with us (TLS
    // usually ends at the load balancer, so the node itself speaks http).
    let hsts = ctx.config.secure_cookies();
    let data = web::Data::new(ctx);
    let published = web::Data::new(endpoints::discovery::Published::default());
    let server = HttpServer::new(move || {
        let mut headers = DefaultHeaders::new()
            .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .add((header::X_FRAME_OPTIONS, "DENY"))
            .add((header::REFERRER_POLICY, "no-referrer"))
            .add((header::CONTENT_SECURITY_POLICY, pages::CSP));
        if hsts {
            headers = headers.add((header::STRICT_TRANSPORT_SECURITY, HSTS));
        }
        App::new()
            .app_data(data.clone())
            .app_data(published.clone())
            .app_data(web::PayloadConfig::new(max_body))
            .wrap(from_fn(plain_paths))
            .wrap(headers)
            .wrap(from_fn(observe::observe))
            .configure(routes::configure)
    })
    .workers(options.workers.max(1))
    .shutdown_timeout(options.shutdown_timeout.as_secs())
    .disable_signals();
    let server = match options.tls {
        Some(certificates) => {
            let config = certificates
                .server_config()
                .map_err(std::io::Error::other)?;
            server.listen_rustls_0_23(listener, config)?
        }
        None => server.listen(listener)?,
    };
    Ok(server.run())
}

/// A path that decodes to a control character names no page of ours: it
/// gets the 404 page before routing, so no path parameter (an
/// organization's id) carries one into a store or a header.
async fn plain_paths(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let decoded = percent_encoding::percent_decode_str(req.path()).decode_utf8_lossy();
    if decoded.chars().any(char::is_control) {
        let (req, _) = req.into_parts();
        let id = req
            .extensions()
            .get::<RequestId>()
            .cloned()
            .unwrap_or_default();
        let page = pages::not_found(req.clone(), id).await;
        return Ok(ServiceResponse::new(req, page).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}
