use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_trait::async_trait;

use super::Ephemeral;
use crate::store::StoreError;

/// Short-lived state in this process's memory: the embedded default.
#[derive(Default)]
pub struct MemoryStore {
    entries: Mutex<HashMap<String, (Vec<u8>, Instant)>>,
}

impl MemoryStore {
    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Vec<u8>, Instant)>> {
        // A panic while holding the lock leaves the map itself intact.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[async_trait]
impl Ephemeral for MemoryStore {
    async fn put(&self, key: &str, value: Vec<u8>, ttl: Duration) -> Result<(), StoreError> {
        self.entries()
            .insert(key.to_owned(), (value, Instant::now() + ttl));
        Ok(())
    }

    async fn put_new(&self, key: &str, value: Vec<u8>, ttl: Duration) -> Result<bool, StoreError> {
        let now = Instant::now();
        let mut entries = self.entries();
        if entries.get(key).is_some_and(|(_, expires)| *expires > now) {
            return Ok(false);
        }
        entries.insert(key.to_owned(), (value, now + ttl));
        Ok(true)
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let now = Instant::now();
        Ok(self
            .entries()
            .get(key)
            .filter(|(_, expires)| *expires > now)
            .map(|(v, _)| v.clone()))
    }

    async fn take(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let now = Instant::now();
        Ok(self
            .entries()
            .remove(key)
            .filter(|(_, expires)| *expires > now)
            .map(|(v, _)| v))
    }

    async fn swap(
        &self,
        key: &str,
        value: Vec<u8>,
        ttl: Duration,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let now = Instant::now();
        Ok(self
            .entries()
            .insert(key.to_owned(), (value, now + ttl))
            .filter(|(_, expires)| *expires > now)
            .map(|(v, _)| v))
    }

    async fn replace_if(
        &self,
        key: &str,
        expected: &[u8],
        new: Option<Vec<u8>>,
        ttl: Duration,
    ) -> Result<bool, StoreError> {
        let now = Instant::now();
        let mut entries = self.entries();
        let current = entries.get(key).filter(|(_, expires)| *expires > now);
        if current.is_none_or(|(value, _)| value.as_slice() != expected) {
            return Ok(false);
        }
        match new {
            Some(value) => entries.insert(key.to_owned(), (value, now + ttl)),
            None => entries.remove(key),
        };
        Ok(true)
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.entries().remove(key);
        Ok(())
    }

    async fn incr(&self, key: &str, ttl: Duration) -> Result<i64, StoreError> {
        let now = Instant::now();
        let mut entries = self.entries();
        let (count, expires) = match entries.get(key).filter(|(_, e)| *e > now) {
            Some((value, expires)) => {
                let count: i64 = std::str::from_utf8(value)
                    .ok()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                (count + 1, *expires)
            }
            None => (1, now + ttl),
        };
        entries.insert(key.to_owned(), (count.to_string().into_bytes(), expires));
        Ok(count)
    }

    async fn purge_expired(&self) -> Result<usize, StoreError> {
        let now = Instant::now();
        let mut entries = self.entries();
        let before = entries.len();
        entries.retain(|_, (_, expires)| *expires > now);
        Ok(before - entries.len())
    }

    async fn ping(&self) -> Result<(), StoreError> {
        Ok(())
    }
}
