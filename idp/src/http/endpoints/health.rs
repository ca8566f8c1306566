use actix_web::{HttpResponse, web};

use crate::ctx::Ctx;

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
