//! `[esia]`: the ESIA-compatible mode (docs/esia.md).

use serde::{Deserialize, Serialize};

/// The ESIA-compatible endpoints and what their tokens say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EsiaConfig {
    /// Serve `/aas/oauth2/...`, `/idp/ext/Logout` and `/rs/...`; off, they
    /// answer 404.
    pub enabled: bool,
    /// `iss` of ESIA tokens: existing portals check ESIA's own name.
    pub issuer: String,
    /// How far a request's `timestamp` may be from the server's clock, in
    /// seconds, either way.
    pub timestamp_window_secs: i64,
}

impl Default for EsiaConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            issuer: "http://esia.gosuslugi.ru/".into(),
            timestamp_window_secs: 300,
        }
    }
}
