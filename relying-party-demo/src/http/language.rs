//! The language of each page (chosen by [`crate::i18n::pick`]): a
//! middleware decides it once per request, remembers a choice made with
//! the switch (`?lang=`) in the `lang` cookie, and renders the error
//! pages in it — an error knows nothing of the request it failed.

use std::future::{Ready, ready};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::cookie::{Cookie, SameSite, time::Duration};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::ACCEPT_LANGUAGE;
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest};

use super::PageError;
use crate::i18n::{self, Lang, Texts};
use crate::paths;

pub const LANG_COOKIE: &str = "lang";

/// The language of this request's page, and where its switch leads.
#[derive(Clone)]
pub struct Language {
    pub t: &'static Texts,
    /// This page in the other language.
    pub switch: String,
}

impl Language {
    fn of(req: &HttpRequest) -> Self {
        let cookie = req.cookie(LANG_COOKIE);
        let accept = req
            .headers()
            .get(ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok());
        let lang = i18n::pick(
            asked(req).as_deref(),
            cookie.as_ref().map(Cookie::value),
            accept,
        );
        let t = lang.texts();
        Self {
            t,
            switch: switch(req, t.other),
        }
    }
}

/// `?lang=` of the request.
fn asked(req: &HttpRequest) -> Option<String> {
    url::form_urlencoded::parse(req.query_string().as_bytes())
        .find(|(k, _)| k == "lang")
        .map(|(_, v)| v.into_owned())
}

/// The same page in `other`: the path and query with `lang` replaced. The
/// provider's answer at the callback is used once: its page switches to
/// the home page instead of a second, failing callback.
fn switch(req: &HttpRequest, other: Lang) -> String {
    if req.path() == paths::CALLBACK || req.path() == paths::LOGIN {
        return format!("{}?lang={other}", paths::HOME);
    }
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in url::form_urlencoded::parse(req.query_string().as_bytes()) {
        if k != "lang" {
            query.append_pair(&k, &v);
        }
    }
    query.append_pair("lang", other.tag());
    format!("{}?{}", req.path(), query.finish())
}

/// The handlers' view of the language: decided by [`choose`].
impl FromRequest for Language {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let language = req.extensions().get::<Language>().cloned();
        ready(Ok(language.unwrap_or_else(|| Language::of(req))))
    }
}

/// Decides the language, renders an error page in it, and remembers a
/// language chosen with the switch for a year.
pub async fn choose(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let language = Language::of(req.request());
    let asked = asked(req.request()).and_then(|tag| Lang::parse(&tag));
    let secure = req.connection_info().scheme() == "https";
    req.extensions_mut().insert(language.clone());
    let res = next.call(req).await?;
    let page = res
        .response()
        .error()
        .and_then(|e| e.as_error::<PageError>())
        .and_then(|e| e.page(&language));
    let mut res = match page {
        Some(body) => res.map_body(|_, _| BoxBody::new(body)),
        None => res.map_into_boxed_body(),
    };
    if let Some(lang) = asked {
        let cookie = Cookie::build(LANG_COOKIE, lang.tag())
            .path("/")
            .max_age(Duration::days(365))
            .same_site(SameSite::Lax)
            .secure(secure)
            .http_only(true)
            .finish();
        res.response_mut().add_cookie(&cookie)?;
    }
    Ok(res)
}
