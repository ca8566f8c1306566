//! `Ctx`: configuration, stores, keys and clock, built once from the
//! `Config` (in `app.rs`) and shared by every request.

use std::sync::Arc;

use keys::MasterKey;

use crate::audit::Audit;
use crate::clients::ClientRegistry;
use crate::clock::{Clock, UnixTime};
use crate::config::Config;
use crate::keyring::KeyRing;
use crate::store::{Ephemeral, SqlStore};

/// Everything a request needs. Cheap to clone.
#[derive(Clone)]
pub struct Ctx {
    pub config: Arc<Config>,
    pub issuer: Arc<str>,
    pub sql: SqlStore,
    pub ephemeral: Arc<dyn Ephemeral>,
    pub keys: Arc<KeyRing>,
    pub master: Arc<MasterKey>,
    pub clients: Arc<ClientRegistry>,
    pub audit: Audit,
    pub clock: Arc<dyn Clock>,
    /// Derives refresh-token successors (see `oidc::token::refresh_token`).
    pub refresh_key: Arc<ring::hmac::Key>,
    /// Signs the CSRF tokens of the pages (see `http::extract::csrf_token`).
    pub csrf_key: Arc<ring::hmac::Key>,
    /// Bounds concurrent password hashing.
    pub passwords: Arc<crate::login::PasswordPool>,
    /// Counters of rare events, for operators and tests.
    pub stats: Arc<Stats>,
    /// The transports of SMS, e-mail and letters.
    pub delivery: Arc<crate::delivery::Delivery>,
    /// Wakes this node's job worker.
    pub wake: crate::jobs::Wake,
    /// The state registries profiles are checked against.
    pub registries: Arc<dyn crate::registries::Registries>,
    /// The CAs trusted for electronic signatures, when configured.
    pub esign: Option<Arc<esign::TrustAnchors>>,
}

/// Counters of rare events worth watching.
#[derive(Debug, Default)]
pub struct Stats {
    /// Concurrent refreshes of one token that lost the rotation race and
    /// were answered with the winner's successor.
    pub refresh_races: std::sync::atomic::AtomicU64,
}

/// Whether each store answers.
#[derive(Debug, Clone, Copy)]
pub struct Health {
    pub database: bool,
    pub ephemeral: bool,
}

impl Ctx {
    pub fn now(&self) -> UnixTime {
        self.clock.now()
    }

    /// Lets this node's worker send what was just queued without waiting
    /// for its next poll.
    pub fn wake_jobs(&self) {
        self.wake.now();
    }

    /// Asks both stores for a sign of life.
    pub async fn health(&self) -> Health {
        Health {
            database: self.sql.ping().await.is_ok(),
            ephemeral: self.ephemeral.ping().await.is_ok(),
        }
    }
}
