//! The servers under load, each started on the server core: Vhod on its
//! two backends, node-oidc-provider, and the static 200 of the bounds.
//! Every one is stopped (and its PostgreSQL schema dropped) when dropped.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::pin;

pub const REDIRECT: &str = "http://127.0.0.1:8090/callback";
pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
pub const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
pub const LOGIN: &str = "standard@demo.vhod";
pub const PASSWORD: &str = "Demo-pass1!";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `idp serve --demo`: SQLite and in-memory state.
    Embedded,
    /// `idp serve --demo` on PostgreSQL and Redis.
    Production,
    /// node-oidc-provider (bench/peer).
    Peer,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Embedded => "vhod-embedded",
            Kind::Production => "vhod-pg-redis",
            Kind::Peer => "node-oidc-provider",
        }
    }

    pub fn is_vhod(self) -> bool {
        self != Kind::Peer
    }

    /// Where each endpoint lives.
    pub fn path(self, endpoint: Endpoint) -> &'static str {
        use Endpoint::*;
        match (endpoint, self) {
            (Discovery, _) => "/.well-known/openid-configuration",
            (Jwks, _) => "/jwks",
            (Token, _) => "/token",
            (Authorize, Kind::Peer) => "/auth",
            (Authorize, _) => "/authorize",
            (Userinfo, Kind::Peer) => "/me",
            (Userinfo, _) => "/userinfo",
            (Introspect, Kind::Peer) => "/token/introspection",
            (Introspect, _) => "/introspect",
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub enum Endpoint {
    Discovery,
    Jwks,
    Token,
    Authorize,
    Userinfo,
    Introspect,
}

pub struct Server {
    pub kind: Kind,
    pub base: String,
    child: Child,
    /// The `IDP_*` variables that point `idp` admin commands at its stores.
    env: Vec<(String, String)>,
    dir: tempfile::TempDir,
    schema: Option<String>,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Without TLS by default, as in `scripts/test`: on loopback it would only
/// add its cost to both sides of every round trip.
pub fn database_url() -> String {
    std::env::var("VHOD_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test?sslmode=disable".into())
}

pub fn redis_url() -> String {
    std::env::var("VHOD_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

/// What deploy/container/Containerfile sets for glibc's allocator
/// (docs/performance.md, "Memory").
const MALLOC_AS_SHIPPED: [(&str, &str); 2] = [
    ("MALLOC_MMAP_THRESHOLD_", "131072"),
    ("MALLOC_TRIM_THRESHOLD_", "131072"),
];

impl Server {
    /// `idp serve --demo` on the server core, as shipped (default log level,
    /// its output in `logs`, glibc's allocator set as the image sets it),
    /// except that the limits per client address (of
    /// failed logins, and of login flows opened) are lifted: all the load
    /// comes from 127.0.0.1, and one browser opens every flow of a pool.
    pub async fn vhod(kind: Kind, logs: &Path) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let unlimited = "1000000000".to_owned();
        let mut env = vec![
            ("IDP_DATA_DIR".to_owned(), dir.path().display().to_string()),
            ("IDP_IP_FAILURE_LIMIT".into(), unlimited.clone()),
            ("IDP_FLOWS_PER_ADDRESS".into(), unlimited.clone()),
            ("IDP_FLOWS_TOTAL".into(), unlimited),
        ];
        env.extend(MALLOC_AS_SHIPPED.map(|(k, v)| (k.to_owned(), v.to_owned())));
        let mut schema = None;
        if kind == Kind::Production {
            let name = format!("bench_{}", uuid::Uuid::new_v4().simple());
            let url = idp::store::postgres_schema_url(&database_url(), &name)
                .expect("PostgreSQL is reachable (VHOD_TEST_DATABASE_URL)");
            schema = Some(name.clone());
            env.extend([
                ("IDP_DATABASE_URL".to_owned(), url),
                ("IDP_REDIS_URL".into(), redis_url()),
                ("IDP_REDIS_PREFIX".into(), format!("{name}:")),
                (
                    "IDP_MASTER_KEY".into(),
                    keys::MasterKey::generate().to_base64(),
                ),
                ("IDP_OUTBOX_DELIVERY".into(), "true".into()),
            ]);
        }
        let log = std::fs::File::create(logs.join(format!("{}.log", kind.label()))).unwrap();
        let child = pin::on_server_core(env!("CARGO_BIN_EXE_idp"))
            .args(["serve", "--demo", "--migrate", "--bind"])
            .arg(format!("127.0.0.1:{port}"))
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("idp starts");
        let server = Self {
            kind,
            base: format!("http://127.0.0.1:{port}"),
            child,
            env,
            dir,
            schema,
        };
        server.wait_ready("/health").await;
        server
    }

    /// node-oidc-provider from `bench/peer` (its node_modules installed).
    pub async fn peer(logs: &Path) -> Self {
        let port = free_port();
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../bench/peer");
        let log = std::fs::File::create(logs.join("node-oidc-provider.log")).unwrap();
        let child = pin::on_server_core("node")
            .arg("server.js")
            .current_dir(&root)
            .env("PORT", port.to_string())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("node starts (is Node.js installed?)");
        let server = Self {
            kind: Kind::Peer,
            base: format!("http://127.0.0.1:{port}"),
            child,
            env: Vec::new(),
            dir: tempfile::tempdir().unwrap(),
            schema: None,
        };
        server.wait_ready("/.well-known/openid-configuration").await;
        server
    }

    /// This very program as the static server of the bounds.
    pub async fn static_200(bodies: &[usize]) -> Self {
        let port = free_port();
        let sizes: Vec<String> = bodies.iter().map(usize::to_string).collect();
        let child = pin::on_server_core(std::env::current_exe().unwrap())
            .args(["static-server", &port.to_string()])
            .args(&sizes)
            .env("BENCH_PINNED", "1")
            .stdout(Stdio::null())
            .spawn()
            .expect("the static server starts");
        let server = Self {
            kind: Kind::Peer,
            base: format!("http://127.0.0.1:{port}"),
            child,
            env: Vec::new(),
            dir: tempfile::tempdir().unwrap(),
            schema: None,
        };
        server.wait_ready(&format!("/{}", bodies[0])).await;
        server
    }

    async fn wait_ready(&self, path: &str) {
        let deadline = Instant::now() + Duration::from_secs(90);
        while Instant::now() < deadline {
            if reqwest::get(format!("{}{path}", self.base))
                .await
                .is_ok_and(|r| r.status() == 200)
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{} did not answer {path} within 90 s", self.kind.label());
    }

    /// Runs `idp` with `args` against this server's stores; its stdout.
    pub fn admin(&self, args: &[&str]) -> String {
        let out = Command::new(env!("CARGO_BIN_EXE_idp"))
            .args(args)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .env("IDP_DATA_DIR", self.dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "idp {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn status(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix(field))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }

    /// Resident memory now, in KiB.
    pub fn rss_kib(&self) -> u64 {
        self.status("VmRSS:")
    }

    /// The highest resident memory since [`Server::reset_peak`], in KiB.
    pub fn peak_kib(&self) -> u64 {
        self.status("VmHWM:")
    }

    /// Starts a new peak (Linux: `5` into `clear_refs`).
    pub fn reset_peak(&self) {
        let _ = std::fs::write(format!("/proc/{}/clear_refs", self.child.id()), "5");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(schema) = &self.schema {
            let _ = idp::store::drop_postgres_schema(&database_url(), schema);
        }
    }
}

/// The static server: `GET /N` answers 200 with N bytes of JSON, from
/// actix-web on one worker, as Vhod serves discovery.
pub fn run_static(port: u16, sizes: Vec<usize>) {
    use actix_web::{App, HttpResponse, HttpServer, web};
    actix_web::rt::System::new().block_on(async move {
        let mut app_sizes = sizes.clone();
        app_sizes.sort_unstable();
        HttpServer::new(move || {
            let mut app = App::new();
            for &size in &app_sizes {
                let body = web::Bytes::from(json_of_size(size));
                app = app.route(
                    &format!("/{size}"),
                    web::get().to(move || {
                        let body = body.clone();
                        async move {
                            HttpResponse::Ok()
                                .content_type("application/json")
                                .body(body)
                        }
                    }),
                );
            }
            app
        })
        .workers(1)
        .bind(("127.0.0.1", port))
        .unwrap()
        .run()
        .await
        .unwrap();
    });
}

fn json_of_size(size: usize) -> String {
    let filler = size.saturating_sub(8).max(1);
    format!("{{\"x\":\"{}\"}}", "a".repeat(filler))
}
