//! Settings: flags or `CABINET_*` variables. The defaults agree with the
//! provider's demo client `medcabinet` (`idp serve --demo`), so the demo
//! runs with none set.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use clap::Parser;
use url::Url;

#[derive(Clone, Debug, Parser)]
#[command(
    name = "cabinet",
    about = "The demo medical cabinet, an OpenID Connect client of Vhod"
)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "CABINET_BIND", default_value = "127.0.0.1:8090")]
    pub bind: String,
    /// The cabinet's own base URL, as browsers reach it; the redirect,
    /// post-logout and back-channel logout URIs are made from it.
    #[arg(
        long,
        env = "CABINET_PUBLIC_URL",
        default_value = "http://127.0.0.1:8090"
    )]
    pub public_url: Url,
    /// The provider's issuer; its discovery document is read from there.
    #[arg(long, env = "CABINET_ISSUER", default_value = "http://127.0.0.1:8080")]
    pub issuer: Url,
    #[arg(long, env = "CABINET_CLIENT_ID", default_value = "medcabinet")]
    pub client_id: String,
    #[arg(
        long,
        env = "CABINET_CLIENT_SECRET",
        default_value = "medcabinet-secret"
    )]
    pub client_secret: Secret,
    /// The SQLite file of appointments and records (created on start).
    #[arg(long, env = "CABINET_DATABASE", default_value = "data/cabinet.sqlite")]
    pub database: PathBuf,
    /// Key that signs the session cookie (any long random string); random
    /// per start when unset, which logs everyone out on a restart.
    #[arg(long, env = "CABINET_COOKIE_KEY")]
    pub cookie_key: Option<Secret>,
    /// Log filter, e.g. `info` or `relying_party_demo=debug`.
    #[arg(long, env = "CABINET_LOG", default_value = "info")]
    pub log: String,
    /// How the cabinet logs people in: `oidc` (OpenID Connect), or `esia`,
    /// ESIA's dialect at the provider's ESIA endpoints (`crate::esia`).
    #[arg(long, env = "CABINET_PROTOCOL", value_enum, default_value_t = Protocol::Oidc)]
    pub protocol: Protocol,
    #[command(flatten)]
    pub esia: crate::esia::EsiaConfig,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Protocol {
    Oidc,
    Esia,
}

impl Config {
    /// The settings of the demo: every default.
    pub fn demo() -> Self {
        Self::parse_from(["cabinet"])
    }

    fn url(&self, path: &str) -> Url {
        self.public_url
            .join(path)
            .expect("a path joins any base URL")
    }

    pub fn redirect_uri(&self) -> Url {
        self.url(crate::paths::CALLBACK)
    }

    pub fn post_logout_uri(&self) -> Url {
        self.url(crate::paths::HOME)
    }

    pub fn backchannel_logout_uri(&self) -> Url {
        self.url(crate::paths::BACKCHANNEL_LOGOUT)
    }
}

/// A secret setting: never printed.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_owned()))
    }
}
