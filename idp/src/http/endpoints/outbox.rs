//! `GET /dev/outbox?to=CONTACT`: the dev outbox's messages to one contact,
//! newest first, as JSON. Only with `dev_outbox` (`--demo`): it hands out
//! one-time codes, so a real deployment must never serve it, and outside
//! dev mode it answers 404 whatever the query.

use actix_web::{HttpResponse, web};

use crate::ctx::Ctx;
use crate::http::errors::ApiError;
use crate::http::extract::RequestParams;
use crate::identifiers::Contact;

pub async fn outbox(ctx: web::Data<Ctx>, params: RequestParams) -> HttpResponse {
    let outbox = match &ctx.delivery.outbox {
        Some(outbox) if ctx.config.dev_outbox => outbox,
        _ => return HttpResponse::NotFound().finish(),
    };
    let to = match params.0.and_then(|p| p.require("to").map(str::to_owned)) {
        Ok(to) => to,
        Err(e) => return actix_web::ResponseError::error_response(&ApiError(e)),
    };
    // Any notation of a phone or e-mail finds its messages; anything else
    // (a postal address) is matched as written.
    let to = Contact::parse(&to).map_or_else(|_| to.trim().to_owned(), |c| c.as_str().to_owned());
    // It reads a directory of files: on a blocking thread, not the executor.
    let outbox = outbox.clone();
    let Ok(found) = web::block(move || outbox.to(&to)).await else {
        return HttpResponse::InternalServerError().finish();
    };
    let messages: Vec<_> = found.into_iter().map(|e| e.message).collect();
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(messages)
}
