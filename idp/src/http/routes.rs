//! One route table; the paths are shared with discovery and the tests.

use actix_web::web;

use super::{endpoints, pages};

pub use crate::paths;

pub fn configure(cfg: &mut web::ServiceConfig) {
    use paths::*;
    cfg.route(
        DISCOVERY,
        web::get().to(endpoints::discovery::configuration),
    )
    .route(JWKS, web::get().to(endpoints::discovery::jwks))
    .service(back_channel(TOKEN, web::post().to(endpoints::token::token)))
    .service(back_channel(
        INTROSPECT,
        web::post().to(endpoints::introspect::introspect),
    ))
    .service(back_channel(
        REVOKE,
        web::post().to(endpoints::revoke::revoke),
    ))
    .route(USERINFO, web::get().to(endpoints::userinfo::userinfo))
    .route(USERINFO, web::post().to(endpoints::userinfo::userinfo))
    .route(HEALTH, web::get().to(endpoints::health::health))
    .route(HEALTHZ, web::get().to(endpoints::health::alive))
    .route(READYZ, web::get().to(endpoints::health::ready))
    .route(DEV_OUTBOX, web::get().to(endpoints::outbox::outbox))
    .route(SIGN_JS, web::get().to(endpoints::assets::sign_js))
    .route(
        SIGNATURE_FORM_JS,
        web::get().to(endpoints::assets::signature_form_js),
    )
    .route(HOME, web::get().to(pages::home::page))
    .route(AUTHORIZE, web::get().to(pages::authorize::authorize))
    .route(AUTHORIZE, web::post().to(pages::authorize::authorize))
    .route(AUTHORIZE_CONTINUE, web::get().to(pages::authorize::resume))
    .route(LOGIN, web::get().to(pages::login::form))
    .route(LOGIN, web::post().to(pages::login::submit))
    .route(RECOVER, web::get().to(pages::recover::form))
    .route(RECOVER, web::post().to(pages::recover::start))
    .route(RECOVER_PASSWORD, web::get().to(pages::recover::code_form))
    .route(RECOVER_PASSWORD, web::post().to(pages::recover::finish))
    .route(LOGIN_CODE, web::get().to(pages::second_factor::form))
    .route(LOGIN_CODE, web::post().to(pages::second_factor::submit))
    .route(
        LOGIN_CODE_RESEND,
        web::post().to(pages::second_factor::resend),
    )
    .route(
        LOGIN_CODE_CANCEL,
        web::post().to(pages::second_factor::cancel),
    )
    .route(LOGIN_CERTIFICATE, web::get().to(pages::certificate::form))
    .route(
        LOGIN_CERTIFICATE,
        web::post().to(pages::certificate::submit),
    )
    .route(LOGIN_ACTOR, web::get().to(pages::actor::form))
    .route(LOGIN_ACTOR, web::post().to(pages::actor::submit))
    .route(CONSENT, web::get().to(pages::consent::form))
    .route(CONSENT, web::post().to(pages::consent::submit))
    .route(LOGOUT, web::get().to(pages::logout::logout))
    .route(LOGOUT, web::post().to(pages::logout::logout))
    .route(REGISTER, web::get().to(pages::register::form))
    .route(REGISTER, web::post().to(pages::register::submit))
    .route(REGISTER_CODE, web::get().to(pages::register::step))
    .route(REGISTER_CODE, web::post().to(pages::register::code))
    .route(REGISTER_EMAIL, web::get().to(pages::register::step))
    .route(REGISTER_RESEND, web::post().to(pages::register::resend))
    .route(
        REGISTER_CONFIRM,
        web::get().to(pages::register::confirm_form),
    )
    .route(REGISTER_CONFIRM, web::post().to(pages::register::confirm))
    .route(REGISTER_PASSWORD, web::get().to(pages::register::step))
    .route(REGISTER_PASSWORD, web::post().to(pages::register::password))
    .route(UNLOCK, web::get().to(pages::unlock::form))
    .route(UNLOCK, web::post().to(pages::unlock::unlock))
    .route(ACCOUNT, web::get().to(pages::account::profile))
    .route(ACCOUNT, web::post().to(pages::account::update_profile))
    .route(ACCOUNT_CONFIRM, web::get().to(pages::confirm::confirm_form))
    .route(
        ACCOUNT_CONFIRM,
        web::post().to(pages::confirm::confirm_submit),
    )
    .route(ACCOUNT_SECURITY, web::get().to(pages::security::page))
    .route(ACCOUNT_SECURITY, web::post().to(pages::security::change))
    .route(ACCOUNT_CONSENTS, web::get().to(pages::account::consents))
    .route(ACCOUNT_CONSENTS, web::post().to(pages::account::withdraw))
    .route(ACCOUNT_SESSIONS, web::get().to(pages::sessions::list))
    .route(ACCOUNT_SESSIONS, web::post().to(pages::sessions::end))
    .route(ORGS, web::get().to(pages::orgs::list))
    .route(ORGS_NEW, web::get().to(pages::orgs::new_form))
    .route(ORGS_NEW, web::post().to(pages::orgs::register))
    .route(ORGS_INVITATIONS, web::post().to(pages::orgs::accept))
    .route(ORG, web::get().to(pages::org::show))
    .route(ORG_INVITE, web::post().to(pages::org::invite))
    .route(ORG_MEMBERS, web::post().to(pages::org::members))
    .route(ORG_JOURNAL, web::get().to(pages::org::journal))
    .configure(super::esia::configure)
    .default_service(web::to(pages::not_found));
}

/// A POST-only machine endpoint; other methods get a JSON 405.
fn back_channel(path: &str, post: actix_web::Route) -> actix_web::Resource {
    web::resource(path)
        .route(post)
        .default_service(web::to(endpoints::post_only))
}
