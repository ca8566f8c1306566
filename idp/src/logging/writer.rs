//! Where log lines go: a buffer in memory, which a thread of its own writes
//! to standard output with one system call per batch. A line costs the
//! request a copy under an uncontended lock; only the first line of a batch
//! wakes the thread, which then waits [`GATHER`] for the rest. Handing each
//! line over on its own (tracing-appender's channel) woke the thread for
//! every line when requests came one at a time, and cost as much as
//! formatting the line (docs/performance.md).

use std::io::{self, Write};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use tracing_subscriber::fmt::MakeWriter;

/// How long the thread lets a batch gather after its first line.
const GATHER: Duration = Duration::from_millis(5);

/// Lines waiting beyond this (a stalled output) make a logging thread wait
/// for the writer rather than grow the buffer without end.
const MOST_WAITING: usize = 8 << 20;

/// A handle to append lines; cheap to clone.
#[derive(Clone)]
pub struct Writer(Arc<Shared>);

struct Shared {
    state: Mutex<State>,
    /// Lines arrived, or the log is closing.
    arrived: Condvar,
    /// The writer took the lines waiting.
    taken: Condvar,
}

#[derive(Default)]
struct State {
    waiting: Vec<u8>,
    closing: bool,
}

/// Keeps the writer's thread; dropping it writes what waits and ends it.
pub struct Guard {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

/// A writer to `out` and the guard of its thread.
pub fn spawn(out: impl Write + Send + 'static) -> io::Result<(Writer, Guard)> {
    let shared = Arc::new(Shared {
        state: Mutex::default(),
        arrived: Condvar::new(),
        taken: Condvar::new(),
    });
    let thread = std::thread::Builder::new().name("log".into()).spawn({
        let shared = shared.clone();
        move || write_out(&shared, out)
    })?;
    Ok((
        Writer(shared.clone()),
        Guard {
            shared,
            thread: Some(thread),
        },
    ))
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        // Every change to the state is one statement: a panic elsewhere
        // leaves it whole.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The thread: waits for a first line, lets the batch gather, writes it.
fn write_out(shared: &Shared, mut out: impl Write) {
    let mut batch = Vec::new();
    loop {
        let mut state = shared.state();
        while state.waiting.is_empty() && !state.closing {
            state = shared
                .arrived
                .wait(state)
                .unwrap_or_else(|e| e.into_inner());
        }
        if !state.closing {
            drop(state);
            std::thread::sleep(GATHER);
            state = shared.state();
        }
        std::mem::swap(&mut state.waiting, &mut batch);
        let closing = state.closing && batch.is_empty();
        drop(state);
        shared.taken.notify_all();
        if closing {
            return;
        }
        // An output that fails (a closed pipe) loses the batch: logging
        // never stops the provider.
        let _ = out.write_all(&batch).and_then(|()| out.flush());
        batch.clear();
    }
}

impl Writer {
    /// Appends `line` (or several) to what the thread writes next.
    pub fn append(&self, line: &[u8]) {
        let mut state = self.0.state();
        while state.waiting.len() > MOST_WAITING && !state.closing {
            state = self.0.taken.wait(state).unwrap_or_else(|e| e.into_inner());
        }
        let first = state.waiting.is_empty();
        state.waiting.extend_from_slice(line);
        drop(state);
        if first {
            self.0.arrived.notify_one();
        }
    }
}

impl Write for Writer {
    fn write(&mut self, line: &[u8]) -> io::Result<usize> {
        self.append(line);
        Ok(line.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Writer {
    type Writer = Writer;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.shared.state().closing = true;
        self.shared.arrived.notify_one();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests;
