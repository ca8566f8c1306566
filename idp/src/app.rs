//! The composition root: builds the [`Ctx`] from the `Config` (opening the
//! stores, migrating where allowed, loading the keys) and starts this node's
//! background work. Only `main`, `cli` and the tests import it.

use std::sync::Arc;

use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::ctx::{Ctx, Parts};
use crate::delivery::Delivery;
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

/// Opens the stores, applies migrations where allowed, loads the keys.
pub async fn build(config: Config) -> Result<(Ctx, Created), StartError> {
    build_with_clock(config, Arc::new(SystemClock)).await
}

pub async fn build_with_clock(
    config: Config,
    clock: Arc<dyn Clock>,
) -> Result<(Ctx, Created), StartError> {
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
        None => Arc::new(MemoryStore::new(clock.clone())),
    };
    let (master, generated) = load_master_key(&config)?;
    created.master_key = generated;
    let keys = Arc::new(KeyRing::default());
    created.signing_keys = keys
        .ensure_active(&sql, &master, config.rsa_bits, clock.now())
        .await?;
    // Computed now, so the first unknown login is not slower than others.
    tokio::task::spawn_blocking(crate::credentials::password::dummy_hash)
        .await
        .map_err(|e| crate::store::StoreError::Database(e.to_string()))?;
    let delivery = Delivery::from_config(&config)?;
    let esign = load_trust(&config)?;
    let ctx = Ctx::from_parts(Parts {
        config,
        clock,
        sql,
        ephemeral,
        keys,
        master,
        delivery,
        esign,
    });
    Ok((ctx, created))
}

/// Starts this node's background work: the job worker and the janitor.
/// Returns the worker's task, which ends after [`Ctx::shutdown`] once the
/// jobs it claimed are done.
pub fn start_background(ctx: &Ctx) -> tokio::task::JoinHandle<()> {
    crate::janitor::spawn(ctx.clone());
    crate::worker::spawn(ctx.clone())
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
