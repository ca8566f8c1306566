//! Short-lived state (flows, codes, sessions, revocation marks) with TTLs.
//! Expiry that matters to the protocol is also checked by the flows against
//! the injected clock; the TTL here only bounds how long data lingers.

mod memory;
mod redis;

pub use memory::MemoryStore;
pub use redis::RedisStore;

use std::time::Duration;

use async_trait::async_trait;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::StoreError;

#[async_trait]
pub trait Ephemeral: Send + Sync {
    async fn put(&self, key: &str, value: Vec<u8>, ttl: Duration) -> Result<(), StoreError>;
    /// Stores the value only while the key holds none, in one atomic step;
    /// whether it did. Of two concurrent callers, one creates it.
    async fn put_new(&self, key: &str, value: Vec<u8>, ttl: Duration) -> Result<bool, StoreError>;
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError>;
    /// Reads and deletes in one atomic step: of two concurrent callers, at
    /// most one gets the value.
    async fn take(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError>;
    /// Replaces the value and returns the previous one in one atomic step:
    /// of two concurrent callers, only one sees the original value.
    async fn swap(
        &self,
        key: &str,
        value: Vec<u8>,
        ttl: Duration,
    ) -> Result<Option<Vec<u8>>, StoreError>;
    /// Replaces the value with `new` (deletes it, for `None`) only while it
    /// is still `expected`, in one atomic step; whether it did. A use that
    /// must check a value before spending it (a code and its tries) reads,
    /// checks, and writes with this, reading again when it lost a race.
    async fn replace_if(
        &self,
        key: &str,
        expected: &[u8],
        new: Option<Vec<u8>>,
        ttl: Duration,
    ) -> Result<bool, StoreError>;
    async fn delete(&self, key: &str) -> Result<(), StoreError>;
    /// Adds one to a counter and returns it; a new counter lives `ttl`
    /// (the window counts from the first increment).
    async fn incr(&self, key: &str, ttl: Duration) -> Result<i64, StoreError>;
    /// Drops expired entries where the backend does not do it by itself.
    async fn purge_expired(&self) -> Result<usize, StoreError>;
    async fn ping(&self) -> Result<(), StoreError>;
}

/// JSON helpers over [`Ephemeral`].
#[async_trait]
pub trait EphemeralExt: Ephemeral {
    async fn put_json<T: Serialize + Sync>(
        &self,
        key: &str,
        value: &T,
        ttl_secs: i64,
    ) -> Result<(), StoreError> {
        let bytes = serde_json::to_vec(value).map_err(|e| StoreError::Cache(e.to_string()))?;
        self.put(key, bytes, Duration::from_secs(ttl_secs.max(1) as u64))
            .await
    }

    async fn get_json<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, StoreError> {
        decode(self.get(key).await?)
    }

    async fn swap_json<T: Serialize + DeserializeOwned + Sync>(
        &self,
        key: &str,
        value: &T,
        ttl_secs: i64,
    ) -> Result<Option<T>, StoreError> {
        let bytes = serde_json::to_vec(value).map_err(|e| StoreError::Cache(e.to_string()))?;
        decode(
            self.swap(key, bytes, Duration::from_secs(ttl_secs.max(1) as u64))
                .await?,
        )
    }

    async fn take_json<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, StoreError> {
        decode(self.take(key).await?)
    }
}

impl<S: Ephemeral + ?Sized> EphemeralExt for S {}

/// What [`update_json`] is to do with the value it read.
pub enum Update<T> {
    Keep,
    /// Write this, to live `ttl_secs`.
    Put(T, i64),
    Delete,
}

/// Reads `key`, lets `change` decide from what it found, and writes the
/// decision only if nobody changed the value meanwhile; otherwise reads
/// again. So a check and what it spends (a code's tries) are one atomic
/// step, without taking the value away from a concurrent reader.
pub async fn update_json<T, R>(
    store: &(impl Ephemeral + ?Sized),
    key: &str,
    mut change: impl FnMut(Option<T>) -> (Update<T>, R),
) -> Result<R, StoreError>
where
    T: Serialize + DeserializeOwned,
{
    // Each lost race means another caller wrote; a caller writes only
    // while tries are left, so a few rounds always suffice.
    for _ in 0..16 {
        let bytes = store.get(key).await?;
        let (update, answer) = change(decode(bytes.clone())?);
        let new = match update {
            Update::Keep => return Ok(answer),
            Update::Put(value, ttl_secs) => Some((
                serde_json::to_vec(&value).map_err(|e| StoreError::Cache(e.to_string()))?,
                ttl_secs,
            )),
            Update::Delete => None,
        };
        let done = match (bytes, new) {
            (Some(old), Some((value, ttl))) => {
                let ttl = Duration::from_secs(ttl.max(1) as u64);
                store.replace_if(key, &old, Some(value), ttl).await?
            }
            (Some(old), None) => {
                store
                    .replace_if(key, &old, None, Duration::from_secs(1))
                    .await?
            }
            // Nothing was there: created only if a concurrent caller did
            // not create it first (two would each send a code, say).
            (None, Some((value, ttl))) => {
                let ttl = Duration::from_secs(ttl.max(1) as u64);
                store.put_new(key, value, ttl).await?
            }
            (None, None) => true,
        };
        if done {
            return Ok(answer);
        }
    }
    Err(StoreError::Cache(
        "a short-lived value kept changing".into(),
    ))
}

fn decode<T: DeserializeOwned>(bytes: Option<Vec<u8>>) -> Result<Option<T>, StoreError> {
    bytes
        .map(|b| serde_json::from_slice(&b).map_err(|e| StoreError::Corrupt(e.to_string())))
        .transpose()
}
