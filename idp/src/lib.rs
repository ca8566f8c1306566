//! Vhod: an OpenID Connect identity provider.
//!
//! A login follows one path through the modules:
//! `http::pages::authorize` -> [`oidc::authorize`] (validate, decide) ->
//! `http::pages::login` -> [`login`] (a factor from [`credentials`], the SSO
//! session in [`sessions`]) ->
//! `http::pages::consent` -> [`oidc::authorize::consent`] -> [`oidc::code`] (the code,
//! redirected to the portal) -> `http::endpoints::token` ->
//! [`oidc::token_endpoint`] (ID, access and refresh tokens) ->
//! `http::endpoints::userinfo` -> [`oidc::userinfo`].
//!
//! `http` is the only module that knows actix, `store` the only one that
//! knows diesel and redis; everything between is plain Rust, tested without
//! HTTP, with time from an injected [`clock::Clock`].

pub mod accounts;
pub mod app;
pub mod audit;
pub mod certs;
pub mod cli;
pub mod clients;
pub mod clock;
pub mod config;
pub mod credentials;
pub mod ctx;
pub mod dates;
pub mod delivery;
pub mod demo;
pub mod esia;
pub mod http;
pub mod identifiers;
pub mod janitor;
pub mod jobs;
pub mod keyring;
pub mod limits;
pub mod logging;
pub mod login;
pub mod messages;
pub mod model;
pub mod oidc;
pub mod orgs;
pub mod paths;
pub mod registries;
pub mod sessions;
pub mod store;
pub mod telemetry;
pub mod worker;
