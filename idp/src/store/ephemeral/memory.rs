use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;

use super::Ephemeral;
use crate::clock::Clock;
use crate::store::StoreError;

/// When an entry expires, in the clock's milliseconds.
type Expiry = i64;

/// Short-lived state in this process's memory: the embedded default. Its
/// TTLs run on the context's clock, so a test's manual clock expires them.
pub struct MemoryStore {
    entries: Mutex<HashMap<String, (Vec<u8>, Expiry)>>,
    clock: Arc<dyn Clock>,
}

impl MemoryStore {
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self {
            entries: Mutex::default(),
            clock,
        }
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Vec<u8>, Expiry)>> {
        // A panic while holding the lock leaves the map itself intact.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn now(&self) -> Expiry {
        self.clock.now_millis()
    }
}

/// The expiry `ttl` after `now`.
fn after(now: Expiry, ttl: Duration) -> Expiry {
    now.saturating_add(i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX))
}

#[async_trait]
impl Ephemeral for MemoryStore {
    async fn put(&self, key: &str, value: Vec<u8>, ttl: Duration) -> Result<(), StoreError> {
        self.entries()
            .insert(key.to_owned(), (value, after(self.now(), ttl)));
        Ok(())
    }

    async fn put_new(&self, key: &str, value: Vec<u8>, ttl: Duration) -> Result<bool, StoreError> {
        let now = self.now();
        let mut entries = self.entries();
        if entries.get(key).is_some_and(|(_, expires)| *expires > now) {
            return Ok(false);
        }
        entries.insert(key.to_owned(), (value, after(now, ttl)));
        Ok(true)
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let now = self.now();
        Ok(self
            .entries()
            .get(key)
            .filter(|(_, expires)| *expires > now)
            .map(|(v, _)| v.clone()))
    }

    async fn take(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let now = self.now();
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
        let now = self.now();
        Ok(self
            .entries()
            .insert(key.to_owned(), (value, after(now, ttl)))
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
        let now = self.now();
        let mut entries = self.entries();
        let current = entries.get(key).filter(|(_, expires)| *expires > now);
        if current.is_none_or(|(value, _)| value.as_slice() != expected) {
            return Ok(false);
        }
        match new {
            Some(value) => entries.insert(key.to_owned(), (value, after(now, ttl))),
            None => entries.remove(key),
        };
        Ok(true)
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.entries().remove(key);
        Ok(())
    }

    async fn incr(&self, key: &str, ttl: Duration) -> Result<i64, StoreError> {
        let now = self.now();
        let mut entries = self.entries();
        let (count, expires) = match entries.get(key).filter(|(_, e)| *e > now) {
            Some((value, expires)) => {
                let count: i64 = std::str::from_utf8(value)
                    .ok()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                (count + 1, *expires)
            }
            None => (1, after(now, ttl)),
        };
        entries.insert(key.to_owned(), (count.to_string().into_bytes(), expires));
        Ok(count)
    }

    async fn purge_expired(&self) -> Result<usize, StoreError> {
        let now = self.now();
        let mut entries = self.entries();
        let before = entries.len();
        entries.retain(|_, (_, expires)| *expires > now);
        Ok(before - entries.len())
    }

    async fn ping(&self) -> Result<(), StoreError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use crate::ctx::Ctx;

    const MINUTE: Duration = Duration::from_secs(60);

    fn store() -> (MemoryStore, ManualClock) {
        let clock = ManualClock::default();
        (MemoryStore::new(Arc::new(clock.clone())), clock)
    }

    #[tokio::test]
    async fn an_entry_lives_until_the_clock_passes_its_ttl() {
        let (store, clock) = store();
        store.put("k", b"v".to_vec(), MINUTE).await.unwrap();
        clock.advance(59);
        assert_eq!(store.get("k").await.unwrap(), Some(b"v".to_vec()));
        clock.advance(1);
        assert_eq!(store.get("k").await.unwrap(), None);
        assert_eq!(store.take("k").await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_key_is_new_again_and_a_count_starts_over_after_expiry() {
        let (store, clock) = store();
        assert!(store.put_new("once", vec![1], MINUTE).await.unwrap());
        assert!(!store.put_new("once", vec![2], MINUTE).await.unwrap());
        assert_eq!(store.incr("tries", MINUTE).await.unwrap(), 1);
        clock.advance(30);
        // A count keeps the window its first strike opened.
        assert_eq!(store.incr("tries", MINUTE).await.unwrap(), 2);
        clock.advance(30);
        assert!(store.put_new("once", vec![3], MINUTE).await.unwrap());
        assert_eq!(store.incr("tries", MINUTE).await.unwrap(), 1);
        assert_eq!(store.get("once").await.unwrap(), Some(vec![3]));
    }

    #[tokio::test]
    async fn purging_removes_only_what_expired() {
        let (store, clock) = store();
        store.put("short", vec![], MINUTE).await.unwrap();
        store.put("long", vec![], 2 * MINUTE).await.unwrap();
        clock.advance(90);
        assert_eq!(store.purge_expired().await.unwrap(), 1);
        assert!(store.get("long").await.unwrap().is_some());
    }

    #[tokio::test]
    async fn the_test_context_expires_short_lived_state_by_its_manual_clock() {
        let (ctx, clock) = Ctx::for_tests().await;
        ctx.ephemeral.put("flow", vec![7], MINUTE).await.unwrap();
        clock.advance(30);
        assert_eq!(ctx.ephemeral.get("flow").await.unwrap(), Some(vec![7]));
        clock.advance(31);
        assert_eq!(ctx.ephemeral.get("flow").await.unwrap(), None);
    }
}
