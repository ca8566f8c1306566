//! The HTTP layer's one error type: every failure becomes a page that says
//! what happened and what to do — a provider's refusal, a login that went
//! wrong, an area the person may not open — never a bare 500.

use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, LOCATION};
use actix_web::{HttpResponse, ResponseError};
use askama::Template;
use url::Url;

use super::failure::AccountLinks;
use super::language::Language;
use super::pages::{ErrorPage, Links, RefusedPage};
use crate::access::{Area, Decision};
use crate::oidc::LoginError;
use crate::session::Session;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// Not logged in: start a login that comes back to this path.
    #[error("not logged in")]
    NeedLogin(String),
    #[error("refused: {decision:?}")]
    Refused {
        area: Area,
        decision: Decision,
        session: Box<Session>,
        links: Links,
        /// The OGRNs of the cabinet's clinics.
        clinics: Vec<String>,
    },
    #[error("login failed: {0}")]
    Login(#[from] LoginError),
    /// A login that failed at the callback, with the provider's pages
    /// that fix what it names.
    #[error("login failed: {0}")]
    Callback(LoginError, AccountLinks),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("page not found")]
    NotFound,
    #[error("template: {0}")]
    Template(#[from] askama::Error),
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::NeedLogin(_) => StatusCode::SEE_OTHER,
            Self::Refused { .. } => StatusCode::FORBIDDEN,
            Self::Login(e) | Self::Callback(e, _) => match e {
                LoginError::Discovery(_) => StatusCode::BAD_GATEWAY,
                LoginError::Provider { .. } => StatusCode::FORBIDDEN,
                _ => StatusCode::BAD_REQUEST,
            },
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Store(_) | Self::Template(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::NeedLogin(next) => {
                let mut url = Url::parse("http://cabinet/login").expect("a valid URL");
                url.query_pairs_mut().append_pair("next", next);
                let location = format!("{}?{}", url.path(), url.query().unwrap_or_default());
                return HttpResponse::SeeOther()
                    .insert_header((LOCATION, location))
                    .finish();
            }
            Self::Login(e) | Self::Callback(e, _) => {
                tracing::info!(error = %e, "a login failed")
            }
            Self::Store(e) => tracing::error!(error = %e, "the database failed"),
            Self::Template(e) => tracing::error!(error = %e, "a page failed to render"),
            _ => {}
        }
        // The body is the page in the request's language, which only the
        // request knows: the language middleware renders it
        // (`super::language::choose`, which wraps every route).
        HttpResponse::build(self.status_code())
            .insert_header((CACHE_CONTROL, "no-store"))
            .content_type("text/html; charset=utf-8")
            .finish()
    }
}

impl PageError {
    /// The page that tells this error in `language`; `None` for a redirect.
    pub fn page(&self, language: &Language) -> Option<String> {
        let t = language.t;
        let page = match self {
            Self::NeedLogin(_) => return None,
            Self::Refused {
                area,
                decision,
                session,
                links,
                clinics,
            } => RefusedPage::new(language, *area, decision, session, links, clinics).render(),
            Self::Login(e) => ErrorPage::login(language, e, None).render(),
            Self::Callback(e, links) => ErrorPage::login(language, e, Some(links)).render(),
            Self::NotFound => ErrorPage::plain(
                language,
                "not_found",
                t.errors.not_found,
                t.errors.not_found_text,
            )
            .render(),
            Self::Store(_) | Self::Template(_) => ErrorPage::plain(
                language,
                "unavailable",
                t.errors.unavailable,
                t.errors.unavailable_text,
            )
            .render(),
        };
        Some(page.unwrap_or_else(|e| {
            tracing::error!(error = %e, "an error page failed to render");
            format!(
                "<!doctype html><html lang=\"{}\"><meta charset=utf-8><title>{}</title><h1>{}</h1>",
                t.lang, t.errors.unavailable, t.errors.unavailable
            )
        }))
    }
}

pub async fn not_found() -> Result<HttpResponse, PageError> {
    Err(PageError::NotFound)
}
