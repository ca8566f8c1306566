//! The benchmark suite: Vhod on its two backends side by side with
//! node-oidc-provider, each server pinned to one core and `wrk` on the
//! other, next to the bound of each workload: what its cryptography and a
//! static 200 of the same size allow on that core. See docs/performance.md.
//!
//!     scripts/bench                          # builds, installs, runs
//!     cargo bench -p idp --bench suite       # the measurement itself
//!     cargo test -p idp --bench suite        # the smoke run of the tests
//!
//! Under `cargo bench` (`--bench` in the arguments) it measures: each
//! workload for `BENCH_SECS` (default 5) after a warm-up, on both Vhod
//! backends and the peer, prints the table and writes JSON to
//! `target/bench/` (`BENCH_JSON` names the file). Otherwise it is the smoke
//! run: a second per workload, Vhod only (`BENCH_PEER=1` adds the peer),
//! asserting only that every workload answered correctly, never a speed.
//! `BENCH_BACKENDS=embedded` leaves out PostgreSQL + Redis (`production` the
//! embedded backend), `BENCH_ONLY=code,refresh` runs only the workloads
//! whose names contain one of those words.

mod bounds;
mod flows;
mod load;
mod report;
mod servers;
mod workloads;

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

/// `/proc/loadavg` when the run began: a loaded machine shows here.
pub static LOAD_AT_START: OnceLock<String> = OnceLock::new();

/// Which core runs what: servers on core 0, the load (wrk and this
/// program) on core 1. On a one-core machine nothing is pinned.
pub mod pin {
    use std::ffi::OsStr;
    use std::process::Command;

    pub fn enabled() -> bool {
        std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2)
            && Command::new("taskset")
                .arg("-V")
                .output()
                .is_ok_and(|o| o.status.success())
    }

    fn on(core: &str, program: impl AsRef<OsStr>) -> Command {
        if enabled() {
            let mut cmd = Command::new("taskset");
            cmd.args(["-c", core]).arg(program);
            cmd
        } else {
            Command::new(program)
        }
    }

    pub fn on_server_core(program: impl AsRef<OsStr>) -> Command {
        on("0", program)
    }

    pub fn on_load_core(program: impl AsRef<OsStr>) -> Command {
        on("1", program)
    }
}

/// How this run goes.
#[derive(Debug, Clone)]
pub struct Plan {
    /// A measurement (`cargo bench`), not the smoke run.
    pub full: bool,
    pub secs: u64,
    pub warmup_secs: u64,
    pub peer: bool,
    pub embedded: bool,
    pub production: bool,
    /// Only the workloads whose names contain one of these (`BENCH_ONLY`).
    pub only: Vec<String>,
    pub dir: PathBuf,
    pub started: std::time::Instant,
}

fn env_flag(name: &str) -> Option<bool> {
    std::env::var(name).ok().map(|v| v == "1" || v == "true")
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // Children: the primitives and the static server of the bounds.
    match args.get(1).map(String::as_str) {
        Some("primitives") => {
            let ms = args[2].parse().unwrap();
            return bounds::run_primitives(Duration::from_millis(ms));
        }
        Some("static-server") => {
            let port = args[2].parse().unwrap();
            let sizes = args[3..].iter().map(|s| s.parse().unwrap()).collect();
            return servers::run_static(port, sizes);
        }
        _ => {}
    }
    let full = args.iter().any(|a| a == "--bench");
    // The driver itself runs on the load core, beside wrk.
    if full && pin::enabled() && std::env::var_os("BENCH_PINNED").is_none() {
        let status = pin::on_load_core(std::env::current_exe().unwrap())
            .args(&args[1..])
            .env("BENCH_PINNED", "1")
            .status()
            .unwrap();
        std::process::exit(status.code().unwrap_or(1));
    }
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    let _ = LOAD_AT_START.set(load.join(" "));
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    std::fs::create_dir_all(dir.join("logs")).unwrap();
    let dir = dir.canonicalize().unwrap();
    let plan = Plan {
        full,
        secs: if full {
            std::env::var("BENCH_SECS")
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(5)
        } else {
            1
        },
        warmup_secs: u64::from(full),
        peer: env_flag("BENCH_PEER").unwrap_or(full),
        embedded: std::env::var("BENCH_BACKENDS").map_or(true, |b| b.contains("embedded")),
        production: std::env::var("BENCH_BACKENDS").map_or(true, |b| b.contains("production")),
        only: std::env::var("BENCH_ONLY")
            .map(|only| only.split(',').map(str::to_owned).collect())
            .unwrap_or_default(),
        dir,
        started: std::time::Instant::now(),
    };
    let ok = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(workloads::run(plan));
    if !ok {
        std::process::exit(1);
    }
}
