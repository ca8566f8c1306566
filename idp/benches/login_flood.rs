//! Login flood: does a flood of password logins starve the token endpoint?
//!
//! Starts `idp serve --demo` (embedded stores, release build), measures the
//! throughput of `client_credentials` token requests alone, then again while
//! many clients post wrong passwords as fast as the provider answers them.
//! The target: under the flood, `client_credentials` keeps at least half its
//! unloaded throughput. Exits non-zero when it does not.
//!
//!     cargo bench -p idp --bench login_flood
//!
//! `FLOOD_SECS` (default 8) sets each measuring window, `FLOOD_LOGINS`
//! (default 64) the concurrent login posters, `FLOOD_BACKOFF_MS` (default
//! 100) how long a poster waits after a "busy" answer before posting again.
//! The load runs on the same machine as the provider, so its own work is
//! part of what the provider competes with.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

const CLIENT: &str = "medcabinet";
const SECRET: &str = "medcabinet-secret";
const REDIRECT: &str = "http://127.0.0.1:8090/callback";
/// Concurrent token requesters: enough to keep the provider busy.
const TOKEN_CLIENTS: usize = 8;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let window = Duration::from_secs(env_or("FLOOD_SECS", 8));
    let posters = env_or("FLOOD_LOGINS", 64) as usize;
    let backoff = Duration::from_millis(env_or("FLOOD_BACKOFF_MS", 100));
    let server = common::DemoServer::start(&[
        // The flood comes from one address here; a real one comes from
        // many, which the per-IP limit does not stop: measure the
        // password path itself.
        ("IDP_IP_FAILURE_LIMIT", "1000000000"),
    ])
    .await;
    let base = server.base.clone();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "login flood: {cores} cores, windows of {window:?}, {posters} login posters, {backoff:?} pause after 503"
    );

    // Warm-up: first connections, caches.
    token_throughput(&base, Duration::from_secs(1)).await;
    let alone = token_throughput(&base, window).await;
    println!(
        "client_credentials alone:       {:>8.1} req/s",
        alone.per_sec(window)
    );

    let stop = Arc::new(AtomicBool::new(false));
    let answered = Arc::new(AtomicU64::new(0));
    let busy = Arc::new(AtomicU64::new(0));
    let mut flood = Vec::new();
    for i in 0..posters {
        flood.push(tokio::spawn(post_logins(
            base.clone(),
            i,
            backoff,
            stop.clone(),
            answered.clone(),
            busy.clone(),
        )));
    }
    // Let the flood fill the password pool before measuring.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (answered_before, busy_before) = (
        answered.load(Ordering::Relaxed),
        busy.load(Ordering::Relaxed),
    );
    let flooded = token_throughput(&base, window).await;
    let logins = answered.load(Ordering::Relaxed) - answered_before;
    let refused = busy.load(Ordering::Relaxed) - busy_before;
    stop.store(true, Ordering::Relaxed);
    for task in flood {
        let _ = task.await;
    }
    println!(
        "client_credentials under flood: {:>8.1} req/s",
        flooded.per_sec(window)
    );
    println!(
        "wrong passwords checked:        {:>8.1} /s ({:.1} /s answered 503 busy)",
        logins as f64 / window.as_secs_f64(),
        refused as f64 / window.as_secs_f64()
    );
    let ratio = flooded.ok as f64 / alone.ok.max(1) as f64;
    println!(
        "kept {:.0}% of the unloaded throughput (target: at least 50%)",
        ratio * 100.0
    );
    if alone.failed + flooded.failed > 0 {
        println!(
            "token requests that failed: {} alone, {} under flood",
            alone.failed, flooded.failed
        );
    }
    if ratio < 0.5 || flooded.failed > 0 {
        std::process::exit(1);
    }
}

struct Count {
    ok: u64,
    failed: u64,
}

impl Count {
    fn per_sec(&self, window: Duration) -> f64 {
        self.ok as f64 / window.as_secs_f64()
    }
}

/// Token requests completed by `TOKEN_CLIENTS` loops within `window`.
async fn token_throughput(base: &str, window: Duration) -> Count {
    let end = Instant::now() + window;
    let loops = (0..TOKEN_CLIENTS).map(|_| {
        let url = format!("{base}/token");
        async move {
            let http = reqwest::Client::new();
            let (mut ok, mut failed) = (0, 0);
            while Instant::now() < end {
                let res = http
                    .post(&url)
                    .basic_auth(CLIENT, Some(SECRET))
                    .form(&[("grant_type", "client_credentials")])
                    .send()
                    .await;
                match res {
                    Ok(r) if r.status() == 200 => ok += 1,
                    _ => failed += 1,
                }
            }
            (ok, failed)
        }
    });
    let results = run_all(loops).await;
    Count {
        ok: results.iter().map(|r| r.0).sum(),
        failed: results.iter().map(|r| r.1).sum(),
    }
}

/// Runs `futures` as tasks and collects their results.
async fn run_all<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for handle in handles {
        out.push(handle.await.expect("a load task"));
    }
    out
}

/// Opens a login page, then posts wrong passwords for unknown logins to it
/// until told to stop: the cheapest attack on the password path.
async fn post_logins(
    base: String,
    n: usize,
    backoff: Duration,
    stop: Arc<AtomicBool>,
    answered: Arc<AtomicU64>,
    busy: Arc<AtomicU64>,
) {
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let page = http
        .get(format!("{base}/authorize"))
        .query(&[
            ("client_id", CLIENT),
            ("redirect_uri", REDIRECT),
            ("response_type", "code"),
            ("scope", "openid"),
            ("state", "flood"),
            (
                "code_challenge",
                "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            ),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await
        .expect("the login page")
        .text()
        .await
        .unwrap();
    let (csrf, flow) = (hidden(&page, "csrf"), hidden(&page, "flow"));
    let mut i = 0u64;
    while !stop.load(Ordering::Relaxed) {
        i += 1;
        let login = format!("nobody-{n}-{i}@flood.test");
        let res = http
            .post(format!("{base}/login"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("flow", flow.as_str()),
                ("login", login.as_str()),
                ("password", "Wrong-pass1!"),
            ])
            .send()
            .await;
        match res.map(|r| r.status().as_u16()) {
            Ok(503) => {
                busy.fetch_add(1, Ordering::Relaxed);
                // Come back soon, as an impatient person would; the pool
                // stays full. A client that never pauses is an HTTP flood,
                // which rate limits in front of the provider stop.
                tokio::time::sleep(backoff).await;
            }
            Ok(_) => {
                answered.fetch_add(1, Ordering::Relaxed);
            }
            Err(_) => {}
        }
    }
}

/// The value of a hidden form field (`&#x2d;` is askama's escaped `-`).
fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no field `{name}` on the login page"))
        + marker.len();
    let end = page[start..].find('"').unwrap() + start;
    page[start..end]
        .replace("&#x2d;", "-")
        .replace("&#45;", "-")
}
