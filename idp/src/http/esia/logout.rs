//! `GET /idp/ext/Logout?client_id=&redirect_url=`.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::ctx::Ctx;
use crate::esia::logout;
use crate::http::RequestId;
use crate::http::extract::{RequestParams, read_cookie, session_cookie};
use crate::http::pages::{problem, see_other, texts};
use crate::oidc::authorize::Problem;
use crate::sessions;

pub async fn logout(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    params: RequestParams,
    id: RequestId,
) -> HttpResponse {
    if let Some(off) = super::disabled(&ctx, &req, &id).await {
        return off;
    }
    let t = texts(&req, None);
    let cookie = read_cookie(&ctx, &req, sessions::COOKIE);
    let result = match params.0 {
        Ok(params) => {
            let value = cookie.as_ref().map(|c| c.value());
            logout::logout(&ctx, &params, value, Some(&id.0)).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(done) => {
            let mut res = see_other(&done.redirect_url);
            if done.ended {
                let mut gone = session_cookie(&ctx, "");
                gone.make_removal();
                let _ = res.add_cookie(&gone);
            }
            res
        }
        Err(e) => problem(t, &id, Problem::BadRequest(e.in_esia_dialect())),
    }
}
