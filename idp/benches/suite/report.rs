//! The table and its JSON.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::Plan;
use crate::bounds::Primitives;
use crate::load::Run;
use crate::servers::Kind;
use crate::workloads::Workload;

#[derive(Debug, Serialize)]
pub struct Measured {
    pub server: &'static str,
    /// `None`: an idle row.
    pub workload: Option<&'static str>,
    #[serde(skip)]
    pub kind: Kind,
    #[serde(skip)]
    pub which: Option<Workload>,
    pub run: Option<Run>,
    pub idle_rss_kib: Option<u64>,
    /// An idle row read after the workloads rather than at the start.
    pub after_run: bool,
}

impl Measured {
    pub fn idle(kind: Kind, rss_kib: u64) -> Self {
        Self {
            server: kind.label(),
            workload: None,
            kind,
            which: None,
            run: None,
            idle_rss_kib: Some(rss_kib),
            after_run: false,
        }
    }

    /// The idle RSS once the workloads are over and the server was left
    /// alone for a while.
    pub fn quiet(kind: Kind, rss_kib: u64) -> Self {
        Self {
            after_run: true,
            ..Self::idle(kind, rss_kib)
        }
    }

    pub fn run(kind: Kind, workload: Workload, run: Run) -> Self {
        Self {
            server: kind.label(),
            workload: Some(workload.name()),
            kind,
            which: Some(workload),
            run: Some(run),
            idle_rss_kib: None,
            after_run: false,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Bound {
    pub workload: &'static str,
    pub per_sec: f64,
    pub limited_by: String,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub date: String,
    pub machine: String,
    pub load_average_at_start: String,
    pub mode: &'static str,
    pub secs_per_workload: u64,
    /// How long the run took, without the build.
    pub run_secs: u64,
    pub primitives_per_sec: Primitives,
    /// Static 200s a second by body size in bytes.
    pub static_200_per_sec: BTreeMap<usize, f64>,
    pub bounds: Vec<Bound>,
    pub results: Vec<Measured>,
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|l| l.trim_start_matches([' ', '\t', ':']).to_owned())
        .unwrap_or_else(|| "unknown CPU".into());
    // Every core of the machine, not those this process may use.
    let cores = std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .filter(|l| l.starts_with("processor"))
        .count();
    let mem_gib = std::fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kib| kib / 1024.0 / 1024.0);
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    format!(
        "{cpu}, {cores} cores, {mem_gib:.0} GiB, Linux {}",
        kernel.trim()
    )
}

impl Report {
    pub fn new(
        plan: &Plan,
        primitives: Primitives,
        static_200: BTreeMap<usize, f64>,
        bounds: BTreeMap<Workload, (f64, String)>,
        results: Vec<Measured>,
    ) -> Self {
        Self {
            date: chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
            machine: machine(),
            load_average_at_start: crate::LOAD_AT_START.get().cloned().unwrap_or_default(),
            mode: if plan.full { "bench" } else { "smoke" },
            secs_per_workload: plan.secs,
            run_secs: plan.started.elapsed().as_secs(),
            primitives_per_sec: primitives,
            static_200_per_sec: static_200,
            bounds: bounds
                .into_iter()
                .map(|(w, (per_sec, limited_by))| Bound {
                    workload: w.name(),
                    per_sec,
                    limited_by,
                })
                .collect(),
            results,
        }
    }

    fn run_of(&self, kind: Kind, workload: Workload) -> Option<&Run> {
        self.results
            .iter()
            .find(|m| m.kind == kind && m.which == Some(workload))
            .and_then(|m| m.run.as_ref())
    }

    fn bound_of(&self, workload: Workload) -> Option<&Bound> {
        self.bounds.iter().find(|b| b.workload == workload.name())
    }
}

fn mib(kib: u64) -> String {
    format!("{:.0} MB", kib as f64 / 1024.0)
}

/// Prints the table: one row per workload and Vhod backend, with the bound,
/// Vhod's share of it, and the peer's rate and the ratio from this run.
pub fn print(report: &Report) {
    println!();
    println!(
        "{} — {} (load average at start {}), {} s per workload, {} s in all",
        report.date,
        report.machine,
        report.load_average_at_start,
        report.secs_per_workload,
        report.run_secs
    );
    println!(
        "{:<36} {:<13} {:>9} {:>8} {:>8} {:>8} {:>9} {:>6} {:>9} {:>7}",
        "workload",
        "server",
        "req/s",
        "p50 ms",
        "p99 ms",
        "peak RSS",
        "bound/s",
        "share",
        "peer/s",
        "ratio"
    );
    for workload in Workload::ALL {
        let peer = report.run_of(Kind::Peer, workload);
        for kind in [Kind::Embedded, Kind::Production] {
            let Some(run) = report.run_of(kind, workload) else {
                continue;
            };
            let bound = report.bound_of(workload);
            let (bound_text, share) = match (workload, bound) {
                // The flood's bound is the same grant unloaded.
                (Workload::LoginFlood, _) => {
                    let alone = report
                        .run_of(kind, Workload::CcRs256)
                        .map_or(0.0, |r| r.per_sec);
                    (format!("{alone:.0}"), run.per_sec / alone)
                }
                (_, Some(b)) => (format!("{:.0}", b.per_sec), run.per_sec / b.per_sec),
                (_, None) => ("—".into(), f64::NAN),
            };
            let (peer_text, ratio) = match peer {
                Some(p) => (
                    format!("{:.0}", p.per_sec),
                    format!("{:.1}×", run.per_sec / p.per_sec),
                ),
                None => ("—".into(), "—".into()),
            };
            let name = if run.ok() {
                workload.name().to_owned()
            } else {
                format!("{} (FAILED)", workload.name())
            };
            println!(
                "{:<36} {:<13} {:>9.0} {:>8.2} {:>8.2} {:>8} {:>9} {:>5.0}% {:>9} {:>7}",
                name,
                short(kind),
                run.per_sec,
                run.p50_ms,
                run.p99_ms,
                mib(run.peak_rss_kib),
                bound_text,
                share * 100.0,
                peer_text,
                ratio
            );
        }
    }
    let idle = |kind: Kind, after_run: bool| {
        report
            .results
            .iter()
            .find(|m| m.kind == kind && m.which.is_none() && m.after_run == after_run)
            .and_then(|m| m.idle_rss_kib)
    };
    for (label, after_run) in [("idle RSS", false), ("idle RSS after the run", true)] {
        for kind in [Kind::Embedded, Kind::Production] {
            if let Some(rss) = idle(kind, after_run) {
                let (peer, ratio) = match idle(Kind::Peer, after_run) {
                    Some(p) => (mib(p), format!("{:.2}×", rss as f64 / p as f64)),
                    None => ("—".into(), "—".into()),
                };
                println!(
                    "{:<36} {:<13} {:>9} {:>8} {:>8} {:>8} {:>9} {:>6} {:>9} {:>7}",
                    label,
                    short(kind),
                    "",
                    "",
                    "",
                    mib(rss),
                    "",
                    "",
                    peer,
                    ratio
                );
            }
        }
    }
    println!();
    println!("bounds (per core):");
    for b in &report.bounds {
        println!(
            "  {:<36} {:>9.0}/s  {}",
            b.workload, b.per_sec, b.limited_by
        );
    }
    println!(
        "  {:<36} the same grant unloaded, from this run",
        Workload::LoginFlood.name()
    );
    print!("primitives (per core):");
    for (name, rate) in &report.primitives_per_sec {
        print!("  {name} {rate:.0}/s;");
    }
    println!();
    if report.results.iter().any(|m| m.kind == Kind::Peer) {
        println!(
            "peer: node-oidc-provider 9 (bench/peer), in memory; userinfo and introspection with its opaque tokens"
        );
    }
}

fn short(kind: Kind) -> &'static str {
    match kind {
        Kind::Embedded => "embedded",
        Kind::Production => "pg+redis",
        Kind::Peer => "peer",
    }
}
