use actix_web::{HttpResponse, web};

use crate::app::AppState;

/// 200 when both stores answer, 503 otherwise.
pub async fn health(app: web::Data<AppState>) -> HttpResponse {
    let sql = app.sql.ping().await;
    let ephemeral = app.ephemeral.ping().await;
    let body = serde_json::json!({
        "database": sql.is_ok(),
        "ephemeral": ephemeral.is_ok(),
    });
    if sql.is_ok() && ephemeral.is_ok() {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}
