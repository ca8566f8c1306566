//! Password logins: how close the provider comes to the raw Argon2id rate,
//! and how a guessing flood from another address affects a real person.
//!
//! 1. The raw rate: Argon2id verifications a second with the provider's
//!    parameters, on one thread and on every core.
//! 2. Password-login throughput: complete logins (login page, form post,
//!    redirect) a second against `idp serve --demo`, next to the raw rate
//!    of the threads the password pool may use (one per two cores).
//! 3. Login latency of a person at 127.0.0.1 alone, then while a guessing
//!    flood posts wrong passwords from 127.0.0.2 (the per-IP limit soon
//!    turns it away).
//! 4. A wrong password for an unknown login next to one for a real login,
//!    each round from its own address: the two must cost the same.
//!
//!     cargo bench -p idp --bench password_login
//!
//! `BENCH_SECS` (default 5) sets each measuring window.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use idp::credentials::password;
use idp::model::Secret;

const CLIENT: &str = "medcabinet";
const REDIRECT: &str = "http://127.0.0.1:8090/callback";
const LOGIN: &str = "standard@demo.vhod";
const PASSWORD: &str = "Demo-pass1!";

fn window() -> Duration {
    Duration::from_secs(
        std::env::var("BENCH_SECS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(5),
    )
}

/// Argon2id verifications a second on `threads` threads.
fn raw_rate(threads: usize, window: Duration) -> f64 {
    let hash = password::hash(&Secret::new(PASSWORD)).unwrap();
    let end = Instant::now() + window;
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let hash = hash.clone();
            std::thread::spawn(move || {
                let mut n = 0u64;
                while Instant::now() < end {
                    assert!(password::verify(PASSWORD, &hash));
                    n += 1;
                }
                n
            })
        })
        .collect();
    let total: u64 = handles.into_iter().map(|h| h.join().unwrap()).sum();
    total as f64 / window.as_secs_f64()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let window = window();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let pool = (cores / 2).max(1);
    let one = raw_rate(1, window);
    let all = raw_rate(cores, window);
    println!("password logins: {cores} cores, windows of {window:?}");
    println!("raw Argon2id verify, 1 thread:       {one:>8.1} /s");
    println!("raw Argon2id verify, {cores} threads:      {all:>8.1} /s");
    println!(
        "raw rate of the pool's {pool} thread(s):   {:>8.1} /s",
        one * pool as f64
    );

    let server = common::DemoServer::start(&[]).await;
    let base = server.base.clone();

    // 2. Throughput of complete logins, 4 concurrent people.
    let end = Instant::now() + window;
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let base = base.clone();
            tokio::spawn(async move {
                let mut n = 0u64;
                while Instant::now() < end {
                    if login_once(&base, None).await.is_some() {
                        n += 1;
                    }
                }
                n
            })
        })
        .collect();
    let mut logins = 0;
    for task in tasks {
        logins += task.await.unwrap();
    }
    let rate = logins as f64 / window.as_secs_f64();
    println!(
        "password logins through HTTP:      {rate:>8.1} /s ({:.0}% of the pool's raw rate)",
        100.0 * rate / (one * pool as f64)
    );

    // 3. A person's login latency alone, then under a flood from elsewhere.
    let alone = latencies(&base, window).await;
    let stop = Arc::new(AtomicBool::new(false));
    let refused = Arc::new(AtomicU64::new(0));
    let flood: Vec<_> = (0..32)
        .map(|i| tokio::spawn(guess(base.clone(), i, stop.clone(), refused.clone())))
        .collect();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let flooded = latencies(&base, window).await;
    stop.store(true, Ordering::Relaxed);
    for task in flood {
        let _ = task.await;
    }
    println!(
        "login latency alone:       p50 {:>6.1} ms  p95 {:>6.1} ms",
        alone.0, alone.1
    );
    println!(
        "login latency under flood: p50 {:>6.1} ms  p95 {:>6.1} ms ({} guesses turned away from 127.0.0.2)",
        flooded.0,
        flooded.1,
        refused.load(Ordering::Relaxed)
    );

    // 4. An unknown login against a wrong password for a real one.
    let (unknown, wrong) = unknown_vs_wrong(&base, 40).await;
    println!("wrong password, unknown login:  p50 {unknown:>6.1} ms");
    println!("wrong password, real login:     p50 {wrong:>6.1} ms");
}

fn browser(from: Option<std::net::IpAddr>) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .local_address(from)
        .build()
        .unwrap()
}

/// Opens a login page; returns the browser, its CSRF token and flow id.
async fn login_page(
    base: &str,
    from: Option<std::net::IpAddr>,
) -> Option<(reqwest::Client, String, String)> {
    let http = browser(from);
    let res = http
        .get(format!("{base}/authorize"))
        .query(&[
            ("client_id", CLIENT),
            ("redirect_uri", REDIRECT),
            ("response_type", "code"),
            ("scope", "openid"),
            ("state", "bench"),
            (
                "code_challenge",
                "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            ),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await
        .ok()?;
    let location = res.headers().get("location")?.to_str().ok()?.to_owned();
    let page = http
        .get(format!("{base}{location}"))
        .send()
        .await
        .ok()?
        .text()
        .await
        .ok()?;
    Some((http, hidden(&page, "csrf")?, hidden(&page, "flow")?))
}

/// One complete login of the demo person; its duration when it succeeded.
async fn login_once(base: &str, from: Option<std::net::IpAddr>) -> Option<Duration> {
    let (status, took) = post_login(base, from, LOGIN, PASSWORD).await?;
    (status == 303).then_some(took)
}

/// Posts one login form; its status and how long the post took.
async fn post_login(
    base: &str,
    from: Option<std::net::IpAddr>,
    login: &str,
    password: &str,
) -> Option<(u16, Duration)> {
    let (http, csrf, flow) = login_page(base, from).await?;
    let started = Instant::now();
    let res = http
        .post(format!("{base}/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("flow", flow.as_str()),
            ("login", login),
            ("password", password),
        ])
        .send()
        .await
        .ok()?;
    Some((res.status().as_u16(), started.elapsed()))
}

/// p50 of wrong-password posts for an unknown login and for a real one,
/// alternated, each round from its own address (127.0.1.i, under the per-IP
/// limit): an unknown login must cost the same time.
async fn unknown_vs_wrong(base: &str, rounds: usize) -> (f64, f64) {
    let (mut unknown, mut wrong) = (Vec::new(), Vec::new());
    for i in 0..rounds {
        let from = Some(format!("127.0.1.{}", i + 1).parse().unwrap());
        let nobody = format!("nobody-{i}@demo.vhod");
        if let Some((400, t)) = post_login(base, from, &nobody, "Wrong-pass1").await {
            unknown.push(t.as_secs_f64() * 1000.0);
        }
        if let Some((400, t)) = post_login(base, from, "simple@demo.vhod", "Wrong-pass1").await {
            wrong.push(t.as_secs_f64() * 1000.0);
        }
    }
    let p50 = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
    };
    (p50(unknown), p50(wrong))
}

/// p50 and p95 of a person's login (the form post) over `window`, in ms.
async fn latencies(base: &str, window: Duration) -> (f64, f64) {
    let end = Instant::now() + window;
    let mut times = Vec::new();
    while Instant::now() < end {
        if let Some(t) = login_once(base, None).await {
            times.push(t.as_secs_f64() * 1000.0);
        }
    }
    times.sort_by(f64::total_cmp);
    let at = |q: f64| {
        times
            .get(((times.len() as f64 - 1.0) * q) as usize)
            .copied()
            .unwrap_or(f64::NAN)
    };
    (at(0.5), at(0.95))
}

/// Wrong passwords for unknown logins from 127.0.0.2 until told to stop.
async fn guess(base: String, n: usize, stop: Arc<AtomicBool>, refused: Arc<AtomicU64>) {
    let from = Some("127.0.0.2".parse().unwrap());
    let mut i = 0u64;
    while !stop.load(Ordering::Relaxed) {
        let Some((http, csrf, flow)) = login_page(&base, from).await else {
            continue;
        };
        i += 1;
        let login = format!("guess-{n}-{i}@flood.test");
        let res = http
            .post(format!("{base}/login"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("flow", flow.as_str()),
                ("login", login.as_str()),
                ("password", "Wrong-pass1"),
            ])
            .send()
            .await;
        if res.is_ok_and(|r| r.status() == 429) {
            refused.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// The value of a hidden form field (`&#x2d;` is askama's escaped `-`).
fn hidden(page: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker)? + marker.len();
    let end = page[start..].find('"')? + start;
    Some(
        page[start..end]
            .replace("&#x2d;", "-")
            .replace("&#45;", "-"),
    )
}
