//! The load: `wrk` on the load core, one thread, replaying a pool file of
//! requests with `pool.lua`; and the same numbers for flows this program
//! drives itself.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use crate::pin;

/// One request of a pool: method, path, body, headers.
#[derive(Debug, Clone)]
pub struct Req {
    pub method: &'static str,
    pub path: String,
    pub body: String,
    pub headers: Vec<(String, String)>,
}

impl Req {
    pub fn get(path: impl Into<String>) -> Self {
        Self {
            method: "GET",
            path: path.into(),
            body: String::new(),
            headers: Vec::new(),
        }
    }

    pub fn post(path: impl Into<String>, form: &[(&str, &str)]) -> Self {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        Self {
            method: "POST",
            path: path.into(),
            body,
            headers: vec![(
                "Content-Type".into(),
                "application/x-www-form-urlencoded".into(),
            )],
        }
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn basic(self, id: &str, secret: &str) -> Self {
        use base64::Engine;
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
        self.header("Authorization", format!("Basic {token}"))
    }

    fn line(&self) -> String {
        let mut line = format!("{}\t{}\t{}", self.method, self.path, self.body);
        for (name, value) in &self.headers {
            let _ = write!(line, "\t{name}: {value}");
        }
        line
    }
}

/// What one measured run gave.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Run {
    pub requests: u64,
    pub secs: f64,
    pub per_sec: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Answers of 400 and above, and socket errors.
    pub errors: u64,
    /// Pool items used twice because the pool ran out.
    pub pool_ran_out: u64,
    pub peak_rss_kib: u64,
}

impl Run {
    /// Built from the durations of operations this program timed itself.
    pub fn from_times(mut times: Vec<Duration>, errors: u64, elapsed: Duration) -> Self {
        times.sort_unstable();
        let at = |q: f64| {
            times
                .get(((times.len() as f64 - 1.0) * q).round() as usize)
                .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
        };
        Self {
            requests: times.len() as u64,
            secs: elapsed.as_secs_f64(),
            per_sec: times.len() as f64 / elapsed.as_secs_f64(),
            p50_ms: at(0.5),
            p99_ms: at(0.99),
            errors,
            ..Self::default()
        }
    }

    pub fn ok(&self) -> bool {
        self.requests > 0 && self.errors == 0 && self.pool_ran_out == 0
    }
}

pub struct Wrk {
    dir: PathBuf,
    script: PathBuf,
    n: usize,
}

impl Wrk {
    pub fn new(dir: &Path) -> Self {
        let script = dir.join("pool.lua");
        std::fs::write(&script, include_str!("pool.lua")).unwrap();
        Self {
            dir: dir.to_owned(),
            script,
            n: 0,
        }
    }

    /// Replays `pool` against `base` with `connections` for `secs`
    /// (`rotate`: refresh tokens, see pool.lua).
    pub async fn run(
        &mut self,
        base: &str,
        pool: &[Req],
        rotate: bool,
        connections: u32,
        secs: u64,
    ) -> Run {
        self.n += 1;
        let file = self.dir.join(format!("pool-{}.txt", self.n));
        let lines: Vec<String> = if rotate {
            // The first line is the request; the rest are tokens.
            std::iter::once(pool[0].line())
                .chain(pool[1..].iter().map(|r| r.body.clone()))
                .collect()
        } else {
            pool.iter().map(Req::line).collect()
        };
        std::fs::write(&file, lines.join("\n") + "\n").unwrap();
        let mut cmd = pin::on_load_core("wrk");
        cmd.args(["-t1", "--timeout", "10s"])
            .arg(format!("-c{connections}"))
            .arg(format!("-d{secs}s"))
            .arg("-s")
            .arg(&self.script)
            .arg(base)
            .arg("--")
            .arg(&file);
        if rotate {
            cmd.arg("rotate");
        }
        let out = tokio::task::spawn_blocking(move || cmd.output())
            .await
            .unwrap()
            .expect("wrk runs (install it: apt-get install wrk)");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let json = stdout
            .lines()
            .find_map(|l| l.strip_prefix("wrk-json "))
            .unwrap_or_else(|| {
                panic!(
                    "wrk printed no result: {stdout} {}",
                    String::from_utf8_lossy(&out.stderr)
                )
            });
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        let n = |k: &str| v[k].as_f64().unwrap_or(0.0);
        let secs = n("duration_us") / 1e6;
        Run {
            requests: n("requests") as u64,
            secs,
            per_sec: n("requests") / secs,
            p50_ms: n("p50_us") / 1000.0,
            p99_ms: n("p99_us") / 1000.0,
            errors: (n("status_errors") + n("socket_errors")) as u64,
            pool_ran_out: n("pool_ran_out") as u64,
            peak_rss_kib: 0,
        }
    }
}
