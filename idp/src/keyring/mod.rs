//! The keys this server signs with: loaded from the store, decrypted with the
//! master key, parsed once and held in memory. The JWKS is served from here,
//! never from the database. [`lifecycle`] holds the rules for changing them.

pub mod lifecycle;

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use keys::{Algorithm, Jwks, KeyState, MasterKey, SigningKey, VerifiedJws};

use crate::clock::UnixTime;
use crate::config::Config;
use crate::model::StoredKey;
use crate::store::{SqlStore, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum KeyRingError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("signing key {kid}: {source}")]
    Key { kid: String, source: keys::KeyError },
    #[error("master key: {0}")]
    MasterKey(String),
    #[error("no active signing key for {0}")]
    NoActiveKey(Algorithm),
}

#[derive(Default)]
struct Loaded {
    /// The store's key fingerprint this set was loaded from.
    fingerprint: String,
    active: HashMap<Algorithm, Arc<SigningKey>>,
    /// Published keys: next, active and retiring. Every one of them
    /// verifies: a `next` key may already sign on another node that saw its
    /// activation first.
    jwks: Jwks,
}

/// The shortest time between two store lookups for tokens whose `kid`
/// this node does not hold, so made-up kids cannot cost a query each.
pub const UNKNOWN_KID_GAP: Duration = Duration::from_secs(1);

/// The signing keys, swapped as a whole when they change.
#[derive(Default)]
pub struct KeyRing {
    loaded: RwLock<Arc<Loaded>>,
    /// When this node last looked in the store for an unknown `kid`.
    unknown_kid_lookup: tokio::sync::Mutex<Option<Instant>>,
    unknown_kid_lookups: AtomicU64,
    /// Counts the loads, so what is derived from the keys (the published
    /// JWKS and discovery) knows when to derive it again.
    generation: AtomicU64,
}

impl KeyRing {
    fn current(&self) -> Arc<Loaded> {
        self.loaded
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The active key for `alg`.
    pub fn signer(&self, alg: Algorithm) -> Result<Arc<SigningKey>, KeyRingError> {
        self.current()
            .active
            .get(&alg)
            .cloned()
            .ok_or(KeyRingError::NoActiveKey(alg))
    }

    pub fn jwks(&self) -> Jwks {
        self.current().jwks.clone()
    }

    /// Verifies a token signed with a published key.
    pub fn verify(&self, token: &str) -> Result<VerifiedJws, keys::KeyError> {
        keys::verify(token, &self.current().jwks.keys)
    }

    /// Verifies a token like [`KeyRing::verify`], first catching up with
    /// the store when its `kid` is unknown here (see [`KeyRing::catch_up`]).
    pub async fn verify_fresh(
        &self,
        token: &str,
        store: &SqlStore,
        master: &MasterKey,
    ) -> Result<VerifiedJws, keys::KeyError> {
        match self.verify(token) {
            Err(keys::KeyError::UnknownKey) => {
                self.catch_up(token, store, master).await;
                self.verify(token)
            }
            verified => verified,
        }
    }

    /// When `token` names a `kid` this node does not hold, reloads the keys
    /// if the store's changed: another node may already sign with a key
    /// this one has not polled yet (`key_poll_secs` may be longer than the
    /// JWKS lifetime). At most once per [`UNKNOWN_KID_GAP`].
    pub async fn catch_up(&self, token: &str, store: &SqlStore, master: &MasterKey) {
        let mut last = self.unknown_kid_lookup.lock().await;
        // Another request may have caught up while this one waited.
        if !matches!(self.verify(token), Err(keys::KeyError::UnknownKey))
            || last.is_some_and(|at| at.elapsed() < UNKNOWN_KID_GAP)
        {
            return;
        }
        *last = Some(Instant::now());
        self.unknown_kid_lookups.fetch_add(1, Ordering::Relaxed);
        match self.refresh(store, master).await {
            Ok(true) => tracing::info!("signing keys reloaded for a token with a new kid"),
            Ok(false) => {}
            Err(e) => tracing::error!(error = %e, "reloading signing keys failed"),
        }
    }

    /// How many times an unknown `kid` sent this node to the store.
    pub fn reloads_for_unknown_kids(&self) -> u64 {
        self.unknown_kid_lookups.load(Ordering::Relaxed)
    }

    /// Changes with every load of the keys. Read it before what is derived
    /// from them: what is derived is then at least that new.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    pub fn algorithms(&self) -> Vec<Algorithm> {
        let current = self.current();
        Algorithm::ALL
            .into_iter()
            .filter(|a| current.active.contains_key(a))
            .collect()
    }

    /// Reloads the keys if the store's changed since the last load; returns
    /// whether it did.
    pub async fn refresh(
        &self,
        store: &SqlStore,
        master: &MasterKey,
    ) -> Result<bool, KeyRingError> {
        let fingerprint = store.keys_fingerprint().await?;
        if fingerprint == self.current().fingerprint {
            return Ok(false);
        }
        self.reload(store, master).await?;
        Ok(true)
    }

    /// Reloads every key from the store.
    pub async fn reload(&self, store: &SqlStore, master: &MasterKey) -> Result<(), KeyRingError> {
        let mut loaded = Loaded {
            fingerprint: store.keys_fingerprint().await?,
            ..Loaded::default()
        };
        for stored in store.keys().await? {
            let state: KeyState = stored
                .state
                .parse()
                .map_err(|e: String| KeyRingError::Key {
                    kid: stored.kid.clone(),
                    source: keys::KeyError::UnsupportedAlgorithm(e),
                })?;
            if !state.is_published() {
                continue;
            }
            let key = decrypt(&stored, master)?;
            loaded.jwks.keys.push(key.public_jwk().clone());
            if state == KeyState::Active {
                loaded.active.insert(key.algorithm(), Arc::new(key));
            }
        }
        *self.loaded.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(loaded);
        self.generation.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    /// On first start: generates and activates a key for every algorithm
    /// that has none (RS256 always; ES256 and EdDSA so clients may choose
    /// them). Returns the new keys as `(alg, kid)`.
    pub async fn ensure_active(
        &self,
        store: &SqlStore,
        master: &MasterKey,
        rsa_bits: usize,
        now: UnixTime,
    ) -> Result<Vec<(Algorithm, String)>, KeyRingError> {
        self.reload(store, master).await?;
        let mut created = Vec::new();
        for alg in Algorithm::ALL {
            if self.signer(alg).is_ok() {
                continue;
            }
            let stored = generate(alg, rsa_bits, master, KeyState::Active, now)?;
            match store.insert_key(&stored).await {
                Ok(()) => created.push((alg, stored.kid)),
                // Another node started at the same moment and won.
                Err(StoreError::Conflict(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
        self.reload(store, master).await?;
        Ok(created)
    }
}

/// Generates a key and encrypts its private half for storage.
pub fn generate(
    alg: Algorithm,
    rsa_bits: usize,
    master: &MasterKey,
    state: KeyState,
    now: UnixTime,
) -> Result<StoredKey, KeyRingError> {
    let (key, pkcs8) = SigningKey::generate(alg, rsa_bits).map_err(|source| KeyRingError::Key {
        kid: "(new)".into(),
        source,
    })?;
    let kid = key.kid().to_owned();
    Ok(StoredKey {
        encrypted_private_key: master.seal(kid.as_bytes(), &pkcs8),
        kid,
        alg: alg.as_str().into(),
        state: state.as_str().into(),
        created_at: now,
        activated_at: (state == KeyState::Active).then_some(now),
        retire_after: None,
        activate_after: None,
    })
}

fn decrypt(stored: &StoredKey, master: &MasterKey) -> Result<SigningKey, KeyRingError> {
    let fail = |source| KeyRingError::Key {
        kid: stored.kid.clone(),
        source,
    };
    let alg: Algorithm = stored.alg.parse().map_err(fail)?;
    let pkcs8 = master
        .open(stored.kid.as_bytes(), &stored.encrypted_private_key)
        .map_err(fail)?;
    SigningKey::from_pkcs8(alg, &pkcs8).map_err(fail)
}

/// The master key: `master_key`, else `master_key_file`, else (embedded
/// mode only) `<data_dir>/master.key`, generated on first use. Returns the
/// key and whether it was just generated.
pub fn load_master_key(config: &Config) -> Result<(MasterKey, bool), KeyRingError> {
    let bad = |e: keys::KeyError| KeyRingError::MasterKey(e.to_string());
    if let Some(text) = &config.master_key {
        return Ok((MasterKey::from_base64(&text.0).map_err(bad)?, false));
    }
    if let Some(path) = &config.master_key_file {
        return Ok((read_key_file(path)?, false));
    }
    if config.is_production() {
        return Err(KeyRingError::MasterKey(
            "production mode needs IDP_MASTER_KEY or IDP_MASTER_KEY_FILE \
             (generate one with `idp keys master-key`)"
                .into(),
        ));
    }
    let path = config.data_dir.join("master.key");
    if path.exists() {
        return Ok((read_key_file(&path)?, false));
    }
    let key = MasterKey::generate();
    write_private_file(&path, &key.to_base64())
        .map_err(|e| KeyRingError::MasterKey(format!("{}: {e}", path.display())))?;
    Ok((key, true))
}

fn read_key_file(path: &Path) -> Result<MasterKey, KeyRingError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| KeyRingError::MasterKey(format!("{}: {e}", path.display())))?;
    MasterKey::from_base64(&text)
        .map_err(|e| KeyRingError::MasterKey(format!("{}: {e}", path.display())))
}

/// Writes a secret file readable by its owner only.
pub fn write_private_file(path: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(content.as_bytes())
}
