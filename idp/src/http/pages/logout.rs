//! `/logout` (RP-Initiated Logout 1.0): with an `id_token_hint` of this
//! very session it ends at once; otherwise the person confirms first, so no
//! other site can log them out.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{bad_request, csrf_failed, html, see_other, texts};
use crate::ctx::Ctx;
use crate::http::RequestId;
use crate::http::extract::{
    RequestParams, csrf_ok, csrf_token, current_session, read_cookie, session_cookie,
};
use crate::http::i18n::Texts;
use crate::oidc::Params;
use crate::oidc::logout::{self, LogoutRequest};
use crate::sessions;

#[derive(Template)]
#[template(path = "logout.html")]
struct ConfirmPage<'a> {
    t: &'static Texts,
    csrf: &'a str,
    carried: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "logged_out.html")]
struct DonePage {
    t: &'static Texts,
    back: Option<String>,
}

/// Parameters carried through the confirmation form.
const CARRIED: [&str; 5] = [
    "client_id",
    "post_logout_redirect_uri",
    "state",
    "ui_locales",
    "id_token_hint",
];

pub async fn logout(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    params: RequestParams,
    id: RequestId,
) -> HttpResponse {
    let params = match params.0 {
        Ok(params) => params,
        Err(e) => return bad_request(texts(&req, None), &id, &e),
    };
    let t = texts(&req, params.get("ui_locales").ok().flatten());
    let request = match logout::validate(&ctx, &params).await {
        Ok(request) => request,
        Err(e) => return bad_request(t, &id, &e),
    };
    let confirmed = params.get("confirm").ok().flatten() == Some("yes");
    if confirmed && !csrf_ok(&ctx, &req, &params) {
        return csrf_failed(t, &id);
    }
    let session = current_session(&ctx, &req).await;
    if confirmed || !logout::must_ask(&request, session.as_ref()) {
        return finish(&ctx, &req, t, &id, &request).await;
    }
    let (csrf, cookie) = csrf_token(&ctx, &req);
    let carried = carried(&params);
    let mut res = html(
        StatusCode::OK,
        &ConfirmPage {
            t,
            csrf: &csrf,
            carried,
        },
    );
    if let Some(cookie) = cookie {
        let _ = res.add_cookie(&cookie);
    }
    res
}

fn carried(params: &Params) -> Vec<(&'static str, String)> {
    CARRIED
        .into_iter()
        .filter_map(|name| Some((name, params.get(name).ok().flatten()?.to_owned())))
        .collect()
}

async fn finish(
    ctx: &Ctx,
    req: &HttpRequest,
    t: &'static Texts,
    id: &RequestId,
    request: &LogoutRequest,
) -> HttpResponse {
    let cookie = read_cookie(ctx, req, sessions::COOKIE);
    if let Err(e) = logout::perform(
        ctx,
        request,
        cookie.as_ref().map(|c| c.value()),
        Some(&id.0),
    )
    .await
    {
        return bad_request(t, id, &e);
    }
    let mut res = match request.redirect() {
        Some(url) => see_other(&url),
        None => html(StatusCode::OK, &DonePage { t, back: None }),
    };
    if cookie.is_some() {
        // With its attributes: a `__Host-` cookie is only replaced by one
        // that is Secure and on `Path=/`.
        let mut gone = session_cookie(ctx, "");
        gone.make_removal();
        let _ = res.add_cookie(&gone);
    }
    res
}
