//! `GET /dev/outbox?to=CONTACT`: the dev outbox's messages to one contact,
//! newest first, as JSON. Only with `dev_outbox` (`--demo`): it hands out
//! one-time codes, so a real deployment must never serve it.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::app::AppState;
use crate::identifiers::Contact;

#[derive(Deserialize)]
pub struct Query {
    to: String,
}

pub async fn outbox(app: web::Data<AppState>, query: web::Query<Query>) -> HttpResponse {
    let outbox = match &app.delivery.outbox {
        Some(outbox) if app.config.dev_outbox => outbox,
        _ => return HttpResponse::NotFound().finish(),
    };
    // Any notation of a phone or e-mail finds its messages; anything else
    // (a postal address) is matched as written.
    let to = Contact::parse(&query.to)
        .map_or_else(|_| query.to.trim().to_owned(), |c| c.as_str().to_owned());
    let messages: Vec<_> = outbox.to(&to).into_iter().map(|e| e.message).collect();
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(messages)
}
