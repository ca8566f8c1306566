//! `GET /unlock?token=…`: the owner's self-unlock link from the lock notice.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::{Failure, error_page, problem, texts};
use crate::app::AppState;
use crate::http::RequestId;
use crate::http::extract::RequestParams;
use crate::login::guard;
use crate::oidc::authorize::Problem;

pub async fn unlock(
    app: web::Data<AppState>,
    req: HttpRequest,
    params: RequestParams,
    id: RequestId,
) -> HttpResponse {
    let t = texts(&req, None);
    let params = params.0.unwrap_or_default();
    let token = params.get("token").ok().flatten().unwrap_or_default();
    let (status, message) = match guard::unlock_by_link(&app, token).await {
        Ok(true) => (StatusCode::OK, t.unlocked),
        Ok(false) => (StatusCode::BAD_REQUEST, t.unlock_failed),
        Err(_) => return problem(t, &id, Problem::Unavailable),
    };
    error_page(
        t,
        &id,
        Failure {
            status,
            title: t.login_title,
            message,
            hint: "",
            back: None,
            details: None,
        },
    )
}
