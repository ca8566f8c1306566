//! The two scripts of the signing forms (`/account/confirm`,
//! `/login/certificate`): the browser-side signer of the `esign` crate and
//! its glue. Every other page runs no script at all.

use actix_web::HttpResponse;
use actix_web::http::header::CACHE_CONTROL;

fn script(body: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header((CACHE_CONTROL, "public, max-age=3600"))
        .body(body)
}

pub async fn sign_js() -> HttpResponse {
    script(esign::SIGN_JS)
}

pub async fn signature_form_js() -> HttpResponse {
    script(include_str!("../../../assets/signature-form.js"))
}
