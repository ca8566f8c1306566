//! Builds the `Ctx` (see `ctx.rs`) once from the `Config`.

use std::sync::Arc;

use crate::audit::Audit;
use crate::clients::ClientRegistry;
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
pub use crate::ctx::{Ctx, Health, Stats};
use crate::keyring::{KeyRing, load_master_key};
use crate::store::ephemeral::{MemoryStore, RedisStore};
use crate::store::{Ephemeral, SqlStore};

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Delivery(#[from] crate::delivery::DeliveryConfigError),
    #[error("electronic signatures: {0}")]
    Esign(String),
    #[error(transparent)]
    Keys(#[from] crate::keyring::KeyRingError),
    #[error("data directory {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "the database has {0} pending migration(s): run `idp migrate` or start with `--migrate` (IDP_AUTO_MIGRATE=true)"
    )]
    PendingMigrations(usize),
}

/// What start-up created, so `serve` can say so.
#[derive(Debug, Default)]
pub struct Created {
    pub master_key: bool,
    pub signing_keys: Vec<(keys::Algorithm, String)>,
    pub migrations: Vec<String>,
}

impl Ctx {
    /// Opens the stores, applies migrations where allowed, loads the keys.
    pub async fn build(config: Config) -> Result<(Self, Created), StartError> {
        Self::build_with_clock(config, Arc::new(SystemClock)).await
    }

    pub async fn build_with_clock(
        config: Config,
        clock: Arc<dyn Clock>,
    ) -> Result<(Self, Created), StartError> {
        let mut created = Created::default();
        let sql = open_sql(&config)?;
        let migrations = sql.migrations();
        let pending = tokio::task::spawn_blocking(move || migrations.pending())
            .await
            .map_err(|e| crate::store::StoreError::Database(e.to_string()))??;
        if !pending.is_empty() {
            // Production databases change only when an admin says so.
            if config.is_production() && !config.auto_migrate && !config.demo {
                return Err(StartError::PendingMigrations(pending.len()));
            }
            let migrations = sql.migrations();
            created.migrations = tokio::task::spawn_blocking(move || migrations.apply())
                .await
                .map_err(|e| crate::store::StoreError::Database(e.to_string()))??;
        }
        let ephemeral: Arc<dyn Ephemeral> = match &config.redis_url {
            Some(url) => Arc::new(RedisStore::connect(&url.0, &config.redis_prefix).await?),
            None => Arc::new(MemoryStore::default()),
        };
        let (master, generated) = load_master_key(&config)?;
        created.master_key = generated;
        let keys = Arc::new(KeyRing::default());
        created.signing_keys = keys
            .ensure_active(&sql, &master, config.rsa_bits, clock.now())
            .await?;
        // Computed now, so the first unknown login is not slower than others.
        tokio::task::spawn_blocking(crate::accounts::password::dummy_hash)
            .await
            .map_err(|e| crate::store::StoreError::Database(e.to_string()))?;
        let refresh_key = ring::hmac::Key::new(
            ring::hmac::HMAC_SHA256,
            &master.derive("vhod refresh-token successor"),
        );
        let csrf_key =
            ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &master.derive("vhod csrf token"));
        let delivery = Arc::new(crate::delivery::Delivery::from_config(&config)?);
        let esign = load_trust(&config)?.map(Arc::new);
        let state = Self {
            issuer: config.issuer().into(),
            clients: Arc::new(ClientRegistry::new(sql.clone())),
            audit: Audit::new(sql.clone()),
            config: Arc::new(config),
            ephemeral,
            keys,
            master: Arc::new(master),
            clock,
            refresh_key: Arc::new(refresh_key),
            csrf_key: Arc::new(csrf_key),
            passwords: Arc::new(crate::login::PasswordPool::for_this_machine()),
            stats: Arc::default(),
            delivery,
            wake: crate::jobs::Wake::default(),
            registries: Arc::new(crate::registries::Simulator),
            esign,
            sql,
        };
        Ok((state, created))
    }
}

/// The CAs (and CRLs) trusted for electronic signatures.
fn load_trust(config: &Config) -> Result<Option<esign::TrustAnchors>, StartError> {
    if config.esign_ca_files.is_empty() {
        return Ok(None);
    }
    let read = |paths: &[std::path::PathBuf]| -> Result<Vec<Vec<u8>>, StartError> {
        paths
            .iter()
            .map(|p| {
                std::fs::read(p).map_err(|e| StartError::Esign(format!("{}: {e}", p.display())))
            })
            .collect()
    };
    let bad = |e: esign::CertError| StartError::Esign(e.to_string());
    let anchors = esign::TrustAnchors::new(read(&config.esign_ca_files)?).map_err(bad)?;
    let anchors = if config.esign_crl_files.is_empty() {
        anchors
    } else {
        anchors
            .with_crls(read(&config.esign_crl_files)?)
            .map_err(bad)?
    };
    Ok(Some(anchors))
}

/// The durable store the config names; creates the data directory for the
/// embedded SQLite database.
pub fn open_sql(config: &Config) -> Result<SqlStore, StartError> {
    match &config.database_url {
        Some(url) => Ok(SqlStore::connect(&url.0)?),
        None => {
            std::fs::create_dir_all(&config.data_dir).map_err(|source| StartError::DataDir {
                path: config.data_dir.display().to_string(),
                source,
            })?;
            Ok(SqlStore::connect(&config.sqlite_path().to_string_lossy())?)
        }
    }
}
