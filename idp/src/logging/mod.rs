//! Log lines: plain text for people or one JSON object per line for a
//! collector (`log_format`), written to standard output in batches by a
//! thread of their own ([`writer`]), so a slow terminal, pipe or journald
//! never holds up a request.
//!
//! The lines are formatted by [`line::Line`], not by tracing-subscriber's
//! ready-made formats: every request writes one, and those formats (a span
//! per request for its id, every field through `Debug`, a general
//! timestamp) took 28 % of the instructions of a JWKS request
//! (docs/performance.md); the line of each request ([`RequestLine`]) is
//! written by hand. The request id travels in a task-local instead of a
//! span: [`in_request`] sets it, and every line logged inside carries it.

mod line;
mod request;
mod writer;

pub use request::RequestLine;

use std::future::Future;
use std::sync::OnceLock;

use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

tokio::task_local! {
    static REQUEST_ID: Box<str>;
}

/// Where [`RequestLine`]s go, once [`init`] installed the log.
static OUTPUT: OnceLock<Output> = OnceLock::new();

struct Output {
    writer: writer::Writer,
    json: bool,
}

/// Runs `fut` as the request `id`: every line it logs says `request_id`.
pub async fn in_request<F: Future>(id: Box<str>, fut: F) -> F::Output {
    REQUEST_ID.scope(id, fut).await
}

/// Keeps the log's writer thread; dropping it writes what is queued.
#[must_use = "the log stops writing when the guard is dropped"]
pub struct Guard {
    _writer: Option<writer::Guard>,
}

/// Installs the log for this process, filtered by `RUST_LOG` or else
/// `filter` (`info`, `idp=debug`), and starts its writer thread. Keep the
/// guard until the process ends: dropping it writes what is left.
pub fn init(filter: &str, format: LogFormat) -> Guard {
    let filter = EnvFilter::try_from_env("RUST_LOG").unwrap_or_else(|_| EnvFilter::new(filter));
    let Ok((writer, guard)) = writer::spawn(std::io::stdout()) else {
        // No thread to write with: log nowhere rather than not start.
        return Guard { _writer: None };
    };
    let json = format == LogFormat::Json;
    let installed = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .event_format(line::Line { json })
        .with_writer(writer.clone())
        .try_init();
    if installed.is_ok() {
        let _ = OUTPUT.set(Output { writer, json });
    }
    // A second `init` in one process (tests) keeps the first log.
    Guard {
        _writer: installed.is_ok().then_some(guard),
    }
}
