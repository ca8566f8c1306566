//! The demo medical cabinet («Медкабинет»): a portal that logs people in
//! through Vhod with the standard OpenID Connect code flow and lets them do
//! what their account level and organization role allow.
//!
//! It knows the provider only as any outside portal would: the discovery
//! document, the JWKS, the token and userinfo endpoints, RP-initiated and
//! back-channel logout, and the claims documented in `docs/claims.md`.
//!
//! A visit, module by module:
//! - [`http`] renders pages; «Войти через Госуслуги» goes to `/login`;
//! - [`oidc`] builds the authorization request (PKCE, `state`, `nonce`),
//!   redeems the code, validates the ID token (signature against the JWKS,
//!   refetched on an unknown `kid`; `iss`, `aud`, `exp`, `nonce`,
//!   `at_hash`), reads userinfo, refreshes the access token, and validates
//!   back-channel logout tokens;
//! - [`esia`] does the same in ESIA's dialect instead (`--protocol esia`):
//!   signed requests, ESIA's tokens and REST API;
//! - [`i18n`] holds the pages' words, Russian and English;
//! - [`session`] keeps the cabinet's own sessions, named by a signed,
//!   HttpOnly cookie;
//! - [`access`] and [`frmr`] decide what a [`person::Person`] may open;
//! - [`store`] keeps clinics, appointments, records and the demo's copy of
//!   the register of medical workers in SQLite.

pub mod access;
pub mod clock;
pub mod config;
pub mod dates;
pub mod esia;
pub mod frmr;
pub mod http;
pub mod i18n;
pub mod oidc;
pub mod paths;
pub mod person;
pub mod schedule;
pub mod session;
pub mod store;

pub use clock::Clock;
pub use config::Config;
