//! The `/metrics` listener: Prometheus' text format on `metrics_bind`, a
//! separate address from the public `bind` (never routed there). Gauges
//! that are states of the stores are read at each scrape.

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::{App, HttpResponse, HttpServer, web};

use crate::ctx::Ctx;

/// Serves `/metrics` on `listener` (and nothing else).
pub fn serve(ctx: Ctx, listener: TcpListener) -> std::io::Result<Server> {
    crate::telemetry::install();
    let data = web::Data::new(ctx);
    Ok(HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .route("/metrics", web::get().to(scrape))
    })
    .workers(1)
    .disable_signals()
    .listen(listener)?
    .run())
}

async fn scrape(ctx: web::Data<Ctx>) -> HttpResponse {
    refresh(&ctx).await;
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(crate::telemetry::render())
}

/// Sets the gauges read from the stores: the job queue, the signing keys,
/// the database pool.
async fn refresh(ctx: &Ctx) {
    if let Ok((waiting, given_up)) = ctx.sql.job_counts().await {
        metrics::gauge!("vhod_jobs_waiting").set(waiting as f64);
        metrics::gauge!("vhod_jobs_given_up").set(given_up as f64);
    }
    let (open, idle) = ctx.sql.pool_state();
    metrics::gauge!("vhod_db_pool_connections", "state" => "busy")
        .set(f64::from(open.saturating_sub(idle)));
    metrics::gauge!("vhod_db_pool_connections", "state" => "idle").set(f64::from(idle));
    let Ok(stored) = ctx.sql.keys().await else {
        return;
    };
    let now = ctx.now();
    for alg in ctx.keys.algorithms() {
        for state in keys::KeyState::ALL {
            let of: Vec<_> = stored
                .iter()
                .filter(|k| k.alg == alg.as_str() && k.state == state.as_str())
                .collect();
            let labels = [("alg", alg.as_str()), ("state", state.as_str())];
            metrics::gauge!("vhod_signing_keys", &labels).set(of.len() as f64);
            let oldest = of.iter().map(|k| now - k.created_at).max().unwrap_or(0);
            metrics::gauge!("vhod_signing_key_age_seconds", &labels).set(oldest as f64);
        }
    }
}
