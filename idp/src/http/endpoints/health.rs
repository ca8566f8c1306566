//! Probes: `/healthz` (the process runs), `/readyz` (this node can serve:
//! the database, Redis and the signing keys are usable and it is not
//! draining), and the older `/health` (both stores answer).

use std::time::Duration;

use actix_web::http::header::CACHE_CONTROL;
use actix_web::{HttpResponse, web};

use crate::ctx::Ctx;

/// How long a probe waits for a store before calling it down.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// 200 when both stores answer, 503 otherwise.
pub async fn health(ctx: web::Data<Ctx>) -> HttpResponse {
    let health = ctx.health().await;
    let body = serde_json::json!({
        "database": health.database,
        "ephemeral": health.ephemeral,
    });
    if health.database && health.ephemeral {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}

/// Liveness: the process answers.
pub async fn alive() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header((CACHE_CONTROL, "no-store"))
        .body("ok")
}

/// Readiness: `{"status":"ready","database":"ok","redis":"ok"|"none","keys":"ok"}`,
/// or 503 naming what is not (`"down"`), and `"status":"draining"` once
/// the node is stopping.
pub async fn ready(ctx: web::Data<Ctx>) -> HttpResponse {
    let up = |ok: Result<bool, _>| if ok == Ok(true) { "ok" } else { "down" };
    let (database, ephemeral) = tokio::join!(
        tokio::time::timeout(PROBE_TIMEOUT, ctx.sql.ping()),
        tokio::time::timeout(PROBE_TIMEOUT, ctx.ephemeral.ping()),
    );
    let database = up(database.map(|r| r.is_ok()));
    let redis = match &ctx.config.redis_url {
        None => "none",
        Some(_) => up(ephemeral.map(|r| r.is_ok())),
    };
    let keys = if ctx.keys.algorithms().is_empty()
        || ctx.keys.signer(ctx.config.access_token_alg).is_err()
    {
        "down"
    } else {
        "ok"
    };
    let draining = ctx.shutdown.draining();
    let ready = !draining && database == "ok" && redis != "down" && keys == "ok";
    let status = match (draining, ready) {
        (true, _) => "draining",
        (false, true) => "ready",
        (false, false) => "unavailable",
    };
    let body = serde_json::json!({
        "status": status,
        "database": database,
        "redis": redis,
        "keys": keys,
    });
    let mut res = if ready {
        HttpResponse::Ok()
    } else {
        HttpResponse::ServiceUnavailable()
    };
    res.insert_header((CACHE_CONTROL, "no-store")).json(body)
}
