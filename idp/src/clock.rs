//! Time as an injected dependency, so tests pin it instead of sleeping.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// Seconds since the Unix epoch.
pub type UnixTime = i64;

pub trait Clock: Send + Sync {
    fn now(&self) -> UnixTime;

    /// Milliseconds since the Unix epoch, for TTLs finer than a second
    /// (the in-memory short-lived store).
    fn now_millis(&self) -> i64 {
        self.now() * 1000
    }
}

/// The wall clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> UnixTime {
        chrono::Utc::now().timestamp()
    }

    fn now_millis(&self) -> i64 {
        chrono::Utc::now().timestamp_millis()
    }
}

/// A clock that tests move by hand; starts at the wall-clock time.
#[derive(Clone)]
pub struct ManualClock(Arc<AtomicI64>);

impl Default for ManualClock {
    fn default() -> Self {
        Self(Arc::new(AtomicI64::new(SystemClock.now())))
    }
}

impl ManualClock {
    pub fn advance(&self, secs: i64) {
        self.0.fetch_add(secs, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> UnixTime {
        self.0.load(Ordering::SeqCst)
    }
}
