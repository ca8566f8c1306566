//! The only module that knows actix: the app's state, the route table,
//! the session lookup, and the handlers (thin: they ask [`crate::access`],
//! [`crate::frmr`], [`crate::oidc`] or [`crate::store`] and render).

mod auth;
mod error;
mod failure;
mod language;
mod pages;
mod patient;
mod staff;

use std::net::TcpListener;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::Server;
use actix_web::{HttpRequest, HttpServer, web};

pub use error::PageError;

use crate::access::{self, Area, Decision};
use crate::clock::Clock;
use crate::config::Config;
use crate::oidc::{LoginError, Oidc, REFRESH_MARGIN_SECS};
use crate::paths::*;
use crate::session::{CookieKey, SESSION_COOKIE, Session, Sessions};
use crate::store::{Store, StoreError};

/// Everything a request needs, built once.
pub struct App {
    pub config: Config,
    pub clock: Clock,
    pub oidc: Oidc,
    /// The ESIA client, when the cabinet logs in by ESIA's dialect.
    pub esia: Option<crate::esia::Esia>,
    pub sessions: Sessions,
    pub store: Store,
    /// The OGRNs of the clinics this cabinet serves.
    pub clinics: Vec<String>,
    cookies: CookieKey,
}

pub type State = web::Data<App>;

impl App {
    pub fn build(config: Config, clock: Clock) -> Result<Self, StoreError> {
        let store = Store::open(&config.database)?;
        let cookies = match &config.cookie_key {
            Some(key) => CookieKey::new(key.expose().as_bytes()),
            None => CookieKey::random(),
        };
        let esia = (config.protocol == crate::config::Protocol::Esia)
            .then(|| crate::esia::Esia::new(&config, clock.clone()));
        Ok(Self {
            oidc: Oidc::new(config.clone(), clock.clone()),
            esia,
            config,
            clock,
            sessions: Sessions::default(),
            clinics: store.clinic_ogrns()?,
            store,
            cookies,
        })
    }

    /// A signed, HttpOnly, `SameSite=Lax` cookie (Lax: it comes back on the
    /// provider's redirect to the callback, a top-level GET).
    fn cookie(&self, name: &'static str, id: &str) -> Cookie<'static> {
        Cookie::build(name, self.cookies.sign(id))
            .path("/")
            .http_only(true)
            .secure(self.config.public_url.scheme() == "https")
            .same_site(SameSite::Lax)
            .finish()
    }

    fn removal(name: &'static str) -> Cookie<'static> {
        let mut cookie = Cookie::build(name, "").path("/").finish();
        cookie.make_removal();
        cookie
    }

    /// The id a signed cookie of the request names.
    fn cookie_id(&self, req: &HttpRequest, name: &str) -> Option<String> {
        let cookie = req.cookie(name)?;
        self.cookies.open(cookie.value()).map(str::to_owned)
    }

    /// The request's session, its access token refreshed when about to
    /// expire. A refresh the provider refuses (the grant was revoked, the
    /// person withdrew consent) ends the session here too.
    pub async fn session(&self, req: &HttpRequest) -> Option<(String, Session)> {
        let id = self.cookie_id(req, SESSION_COOKIE)?;
        let now = self.clock.now();
        let mut session = self.sessions.get(&id, now)?;
        if session.tokens.refresh.is_some() && session.tokens.expires_at - now < REFRESH_MARGIN_SECS
        {
            let refreshed = match self.oidc.provider().await {
                Ok(provider) => provider.refresh(&session.tokens).await,
                Err(e) => Err(e),
            };
            match refreshed {
                Ok(tokens) => {
                    self.sessions.set_tokens(&id, tokens.clone());
                    session.tokens = tokens;
                }
                Err(LoginError::Refresh {
                    refused: true,
                    detail,
                }) => {
                    tracing::info!(%detail, "the provider refused a refresh; the session ends");
                    self.sessions.end(&id);
                    return None;
                }
                Err(e) => tracing::warn!(error = %e, "cannot refresh now; keeping the session"),
            }
        }
        Some((id, session))
    }

    /// The session, if it may open `area`; otherwise the page to show.
    pub async fn enter(&self, req: &HttpRequest, area: Area) -> Result<Session, PageError> {
        let Some((_, session)) = self.session(req).await else {
            return Err(PageError::NeedLogin(req.path().to_owned()));
        };
        match access::decide(&session.person, area, &self.clinics) {
            Decision::Allow => Ok(session),
            decision => Err(PageError::Refused {
                area,
                decision,
                session: Box::new(session),
                links: self.links().await,
                clinics: self.clinics.clone(),
            }),
        }
    }
}

/// A staff area's visitor: the session, the organization acted for, and
/// the clinic that organization is, with its doctors.
pub struct Staff {
    pub session: Session,
    pub org: crate::person::Org,
    pub clinic: crate::store::Clinic,
    pub doctors: Vec<crate::store::Doctor>,
}

impl App {
    /// As [`App::enter`] for a staff area, with the organization the
    /// person acts for and its clinic.
    pub async fn enter_staff(&self, req: &HttpRequest, area: Area) -> Result<Staff, PageError> {
        let session = self.enter(req, area).await?;
        // `decide` lets no one into a staff area without a clinic served.
        let org = session.person.org.clone().ok_or(PageError::NotFound)?;
        let (clinic, doctors) = self
            .store
            .clinic_of(&org.ogrn)
            .await?
            .ok_or(PageError::NotFound)?;
        Ok(Staff {
            session,
            org,
            clinic,
            doctors,
        })
    }

    /// The provider's profile page and whether it passes organizations.
    pub async fn links(&self) -> pages::Links {
        let issuer = self.config.issuer.as_str().trim_end_matches('/');
        pages::Links {
            account: format!("{issuer}/account"),
            offers_orgs: self
                .oidc
                .provider()
                .await
                .is_ok_and(|p| p.offers_organizations()),
        }
    }
}

/// Every route, each page in the language [`language::choose`] picks.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("")
            .wrap(actix_web::middleware::from_fn(language::choose))
            .route(HOME, web::get().to(patient::home))
            .route(LOGIN, web::get().to(auth::login))
            .route(CALLBACK, web::get().to(auth::callback))
            .route(LOGOUT, web::post().to(auth::logout))
            .route(BACKCHANNEL_LOGOUT, web::post().to(auth::backchannel_logout))
            .route(HEALTH, web::get().to(patient::health))
            .route(REFERENCE, web::get().to(patient::reference))
            .route(APPOINTMENTS, web::get().to(patient::appointments))
            .route(APPOINTMENTS, web::post().to(patient::book))
            .route(
                "/health/appointments/{id}/cancel",
                web::post().to(patient::cancel),
            )
            .route(RECORDS, web::get().to(patient::records))
            .route(STAFF, web::get().to(staff::home))
            .route(STAFF_EMPLOYEES, web::get().to(staff::employees))
            .route(STAFF_REPORTS, web::get().to(staff::reports))
            .route(STAFF_SCHEDULE, web::get().to(staff::schedule))
            .route(MEDICAL_WORKER, web::get().to(staff::medical_worker))
            .default_service(web::to(error::not_found)),
    );
}

/// Starts serving on `listener`.
pub fn serve(ctx: State, listener: TcpListener) -> std::io::Result<Server> {
    Ok(HttpServer::new(move || {
        actix_web::App::new()
            .app_data(ctx.clone())
            .app_data(web::FormConfig::default().limit(64 * 1024))
            .configure(routes)
    })
    .workers(2)
    .listen(listener)?
    .run())
}

#[cfg(test)]
mod tests;
