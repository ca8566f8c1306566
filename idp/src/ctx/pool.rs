//! A bounded pool for costly blocking work (password hashing: Argon2id costs
//! 19 MiB and tens of milliseconds): a few jobs at a time, a short queue,
//! and beyond that an immediate [`Busy`] (HTTP 503 with `Retry-After`), so a
//! flood can neither exhaust memory nor starve the threads that serve tokens
//! and database calls. It runs whatever closure it is handed.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::Semaphore;

/// The pool is full: try again shortly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("too much costly work at once")]
pub struct Busy;

pub struct BlockingPool {
    running: Semaphore,
    /// Jobs admitted (running or waiting).
    admitted: AtomicUsize,
    limit: usize,
}

impl BlockingPool {
    /// `workers` jobs at once, `queue` more waiting.
    pub fn new(workers: usize, queue: usize) -> Self {
        Self {
            running: Semaphore::new(workers.max(1)),
            admitted: AtomicUsize::new(0),
            limit: workers.max(1) + queue,
        }
    }

    /// One job per two cores (at least one), so that a flood leaves at
    /// least half the machine to everything else; four waiting per running.
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let workers = (cores / 2).max(1);
        Self::new(workers, 4 * workers)
    }

    /// Runs `work` on the blocking threads when its turn comes; [`Busy`] at
    /// once when the pool is full. `None` if `work` panicked.
    pub async fn run<T, F>(self: &Arc<Self>, work: F) -> Result<Option<T>, Busy>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        if self.admitted.fetch_add(1, Ordering::AcqRel) >= self.limit {
            self.admitted.fetch_sub(1, Ordering::AcqRel);
            // The node shedding load: an operator's sign to add nodes.
            metrics::counter!("vhod_busy_refusals_total").increment(1);
            return Err(Busy);
        }
        let _admitted = Admitted(self.clone());
        let _permit = self.running.acquire().await.map_err(|_| Busy)?;
        Ok(tokio::task::spawn_blocking(work).await.ok())
    }
}

/// Leaves the pool when dropped, even if the caller's future is cancelled.
struct Admitted(Arc<BlockingPool>);

impl Drop for Admitted {
    fn drop(&mut self) {
        self.0.admitted.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Condvar, Mutex};
    use std::time::Duration;

    use super::*;

    /// A gate the work waits at until the test opens it.
    #[derive(Default)]
    struct Gate(Mutex<bool>, Condvar);

    impl Gate {
        fn wait(&self) {
            let mut open = self.0.lock().unwrap();
            while !*open {
                open = self.1.wait(open).unwrap();
            }
        }
        fn open(&self) {
            *self.0.lock().unwrap() = true;
            self.1.notify_all();
        }
    }

    /// Opens the gate however the test ends, so no blocking thread is left
    /// waiting at it.
    struct OpenAtEnd(Arc<Gate>);

    impl Drop for OpenAtEnd {
        fn drop(&mut self) {
            self.0.open();
        }
    }

    #[tokio::test]
    async fn a_full_pool_turns_callers_away_at_once() {
        let pool = Arc::new(BlockingPool::new(1, 1));
        let gate = Arc::new(Gate::default());
        let _open_at_end = OpenAtEnd(gate.clone());
        let calls: Vec<_> = (0..6)
            .map(|_| {
                let (pool, gate) = (pool.clone(), gate.clone());
                tokio::spawn(async move { pool.run(move || gate.wait()).await })
            })
            .collect();
        // One runs and one waits while the gate is shut: the other four
        // are turned away without waiting for either.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while calls.iter().filter(|c| c.is_finished()).count() < 4
            && tokio::time::Instant::now() < deadline
        {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let (done, waiting): (Vec<_>, Vec<_>) = calls.into_iter().partition(|c| c.is_finished());
        assert_eq!((done.len(), waiting.len()), (4, 2), "room for 2 of 6");
        for call in done {
            assert_eq!(call.await.unwrap(), Err(Busy));
        }
        gate.open();
        for call in waiting {
            assert_eq!(call.await.unwrap(), Ok(Some(())));
        }
        // Once drained, the pool admits again.
        assert_eq!(pool.run(|| 7).await, Ok(Some(7)));
    }

    #[tokio::test]
    async fn work_that_panics_gives_none_and_leaves_the_pool() {
        let pool = Arc::new(BlockingPool::new(1, 0));
        assert_eq!(pool.run(|| -> u8 { panic!("broken") }).await, Ok(None));
        assert_eq!(pool.run(|| 1).await, Ok(Some(1)));
    }
}
