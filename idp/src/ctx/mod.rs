//! `Ctx`: the infrastructure every use case works with (configuration,
//! clock, stores, journal, job queue, keys, clients, transports), built once
//! by the composition root (`app.rs`) and shared by every request, job and
//! command. It holds no rules and imports nothing from the domain.

#[cfg(test)]
mod for_tests;
mod pool;

pub use pool::{BlockingPool, Busy};

use std::sync::Arc;

use keys::MasterKey;

use crate::audit::Audit;
use crate::clients::ClientRegistry;
use crate::clock::{Clock, UnixTime};
use crate::config::Config;
use crate::delivery::{self, Delivery, Message};
use crate::jobs::Queue;
use crate::keyring::KeyRing;
use crate::store::{Ephemeral, SqlStore, StoreError};

/// The infrastructure a use case needs. Cheap to clone.
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
    /// Derives refresh-token successors (see `oidc::token_endpoint::refresh_token`).
    pub refresh_key: Arc<ring::hmac::Key>,
    /// Signs the CSRF tokens of the pages (see `http::extract::csrf_token`).
    pub csrf_key: Arc<ring::hmac::Key>,
    /// Bounds concurrent password hashing.
    pub hashing: Arc<BlockingPool>,
    /// Counters of rare events, for operators and tests.
    pub stats: Arc<Stats>,
    /// The transports of SMS, e-mail and letters.
    pub delivery: Arc<Delivery>,
    /// The durable job queue; queuing wakes this node's worker.
    pub jobs: Queue,
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

    /// Queues `message` for delivery; it goes out at once unless its
    /// transport is down, and then with retries.
    pub async fn queue_message(&self, message: &Message) -> Result<(), StoreError> {
        tracing::info!(kind = ?message.kind, subject = %message.subject, "message queued");
        self.jobs
            .enqueue(delivery::DELIVER, message, self.now())
            .await?;
        Ok(())
    }

    /// Asks both stores for a sign of life.
    pub async fn health(&self) -> Health {
        Health {
            database: self.sql.ping().await.is_ok(),
            ephemeral: self.ephemeral.ping().await.is_ok(),
        }
    }

    /// Puts the parts start-up opened together and derives the rest.
    pub fn from_parts(parts: Parts) -> Self {
        let Parts {
            config,
            clock,
            sql,
            ephemeral,
            keys,
            master,
            delivery,
            esign,
        } = parts;
        let derived = |purpose: &str| {
            Arc::new(ring::hmac::Key::new(
                ring::hmac::HMAC_SHA256,
                &master.derive(purpose),
            ))
        };
        Self {
            issuer: config.issuer().into(),
            clients: Arc::new(ClientRegistry::new(sql.clone())),
            audit: Audit::new(sql.clone()),
            config: Arc::new(config),
            ephemeral,
            keys,
            refresh_key: derived("vhod refresh-token successor"),
            csrf_key: derived("vhod csrf token"),
            master: Arc::new(master),
            clock: clock.clone(),
            hashing: Arc::new(BlockingPool::for_this_machine()),
            stats: Arc::default(),
            delivery: Arc::new(delivery),
            jobs: Queue::new(sql.clone(), clock),
            registries: Arc::new(crate::registries::Simulator),
            esign: esign.map(Arc::new),
            sql,
        }
    }
}

/// What start-up opens or loads; [`Ctx::from_parts`] derives the rest.
pub struct Parts {
    pub config: Config,
    pub clock: Arc<dyn Clock>,
    pub sql: SqlStore,
    pub ephemeral: Arc<dyn Ephemeral>,
    /// Loaded from `sql` with `master`.
    pub keys: Arc<KeyRing>,
    pub master: MasterKey,
    pub delivery: Delivery,
    pub esign: Option<esign::TrustAnchors>,
}
