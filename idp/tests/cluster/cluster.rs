//! The cluster under test: three `idp serve` nodes on loopback, nginx in
//! front of them with the shipped template (deploy/nginx/vhod.conf.template),
//! one PostgreSQL schema and one Redis prefix of this run. Everything is
//! stopped, and the schema dropped, when the cluster is dropped.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use diesel::{Connection, QueryableByName, RunQueryDsl};

/// The lock-out threshold is the shipped one (5); the per-address limit of
/// failed logins is lowered from 30 so the test needs fewer attempts.
pub const IP_FAILURE_LIMIT: i64 = 8;
/// Seconds a `next` key is published before it signs (the JWKS cache
/// lifetime): short, so the routine rotation completes within the test.
pub const JWKS_MAX_AGE_SECS: i64 = 3;

pub struct Node {
    pub port: u16,
    child: Option<Child>,
}

impl Node {
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

pub struct Cluster {
    pub nodes: Vec<Node>,
    /// nginx: the issuer, and where browsers go.
    pub lb: String,
    nginx: Child,
    idp: PathBuf,
    env: Vec<(String, String)>,
    dir: tempfile::TempDir,
    database_url: String,
    schema: String,
}

/// `n` distinct free ports: every listener is held until all are chosen,
/// so no two are the same (two ports chosen one after the other can be).
fn free_ports(n: usize) -> Vec<u16> {
    let held: Vec<std::net::TcpListener> = (0..n)
        .map(|_| std::net::TcpListener::bind("127.0.0.1:0").unwrap())
        .collect();
    held.iter()
        .map(|l| l.local_addr().unwrap().port())
        .collect()
}

pub fn database_url() -> String {
    std::env::var("VHOD_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test?sslmode=disable".into())
}

pub fn redis_url() -> String {
    std::env::var("VHOD_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

/// The `idp` binary: VHOD_CLUSTER_IDP (scripts/test-deploy passes the
/// release build it also puts in the image), else this profile's.
fn idp_binary() -> PathBuf {
    std::env::var_os("VHOD_CLUSTER_IDP")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_idp")))
}

#[derive(QueryableByName)]
struct Text {
    #[diesel(sql_type = diesel::sql_types::Text)]
    v: String,
}

impl Cluster {
    pub async fn start(nodes: usize) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let schema = format!("cluster_{}", uuid::Uuid::new_v4().simple());
        let database_url = database_url();
        let url = idp::store::postgres_schema_url(&database_url, &schema)
            .expect("PostgreSQL is reachable (VHOD_TEST_DATABASE_URL)");
        // nginx's port, then one per node.
        let mut ports = free_ports(1 + nodes);
        let lb_port = ports.remove(0);
        let lb = format!("http://127.0.0.1:{lb_port}");
        let env: Vec<(String, String)> = [
            ("IDP_DATABASE_URL", url.as_str()),
            ("IDP_REDIS_URL", &redis_url()),
            ("IDP_REDIS_PREFIX", &format!("{schema}:")),
            ("IDP_MASTER_KEY", &keys::MasterKey::generate().to_base64()),
            ("IDP_ISSUER", &lb),
            // nginx connects from 127.0.0.1; browsers of this test come
            // from other loopback addresses (127.0.0.2, 127.0.0.3), which
            // only X-Forwarded-For tells the nodes.
            ("IDP_TRUSTED_PROXIES", "127.0.0.1/32"),
            // Three nodes on one machine: no metrics listener (it would be
            // one port for all three).
            ("IDP_METRICS_BIND", ""),
            ("IDP_OUTBOX_DELIVERY", "true"),
            ("IDP_KEY_POLL_SECS", "1"),
            ("IDP_JWKS_MAX_AGE_SECS", &JWKS_MAX_AGE_SECS.to_string()),
            // A replayed refresh token revokes its family at once.
            ("IDP_REFRESH_GRACE_SECS", "0"),
            ("IDP_IP_FAILURE_LIMIT", &IP_FAILURE_LIMIT.to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let mut cluster = Self {
            nodes: Vec::new(),
            lb,
            nginx: Command::new("true").spawn().unwrap(),
            idp: idp_binary(),
            env,
            dir,
            database_url,
            schema,
        };
        // The upgrade path of docs/operations.md: migrations are their own
        // step, before any node starts; nodes never migrate by themselves.
        cluster.admin(&["migrate"]);
        for (i, port) in ports.into_iter().enumerate() {
            let mut node = Node { port, child: None };
            node.child = Some(cluster.spawn_node(i, port));
            cluster.nodes.push(node);
        }
        for i in 0..nodes {
            cluster.wait_ready(i).await;
        }
        cluster.nginx = cluster.spawn_nginx(lb_port);
        cluster.wait_lb().await;
        cluster
    }

    fn spawn_node(&self, i: usize, port: u16) -> Child {
        let data = self.dir.path().join(format!("node{}", i + 1));
        std::fs::create_dir_all(&data).unwrap();
        let log = std::fs::File::create(self.log_path(&format!("node{}.log", i + 1))).unwrap();
        Command::new(&self.idp)
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .args(["--workers", "2"])
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .env("IDP_DATA_DIR", &data)
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("idp starts")
    }

    /// Where the logs of this run are kept (printed when a proof fails).
    pub fn log_path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Each node is ready when `idp healthcheck` says so — the command a
    /// container's HEALTHCHECK runs — and its /readyz answers 200.
    async fn wait_ready(&self, i: usize) {
        let node = &self.nodes[i];
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let alive = Command::new(&self.idp)
                .args(["healthcheck", "--timeout", "2", "--url"])
                .arg(format!("{}/healthz", node.url()))
                .envs(self.env.iter().map(|(k, v)| (k, v)))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            let ready = alive
                && reqwest::get(format!("{}/readyz", node.url()))
                    .await
                    .is_ok_and(|r| r.status() == 200);
            if ready {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "node {} was not ready within 60 s; its log:\n{}",
                i + 1,
                std::fs::read_to_string(self.log_path(&format!("node{}.log", i + 1)))
                    .unwrap_or_default()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    fn spawn_nginx(&self, port: u16) -> Child {
        let root = self.dir.path().join("nginx");
        std::fs::create_dir_all(root.join("tmp")).unwrap();
        let template = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/nginx/vhod.conf.template"),
        )
        .unwrap();
        let servers: String = self
            .nodes
            .iter()
            .map(|n| format!("server {} max_fails=1 fail_timeout=5s; ", n.addr()))
            .collect();
        let site = template
            .replace("${VHOD_LISTEN}", &format!("127.0.0.1:{port}"))
            .replace("${VHOD_NODES}", &servers);
        std::fs::write(root.join("vhod.conf"), site).unwrap();
        let tmp = root.join("tmp");
        let main = format!(
            "worker_processes 1;\n\
             pid {root}/nginx.pid;\n\
             error_log {root}/error.log warn;\n\
             events {{ worker_connections 512; }}\n\
             http {{\n\
                 client_body_temp_path {tmp}/body;\n\
                 proxy_temp_path {tmp}/proxy;\n\
                 fastcgi_temp_path {tmp}/fastcgi;\n\
                 uwsgi_temp_path {tmp}/uwsgi;\n\
                 scgi_temp_path {tmp}/scgi;\n\
                 include {root}/vhod.conf;\n\
             }}\n",
            root = root.display(),
            tmp = tmp.display(),
        );
        std::fs::write(root.join("nginx.conf"), main).unwrap();
        let access = std::fs::File::create(self.log_path("nginx-access.log")).unwrap();
        Command::new(nginx_binary())
            .arg("-p")
            .arg(&root)
            .arg("-c")
            .arg(root.join("nginx.conf"))
            .arg("-e")
            .arg(root.join("error.log"))
            .args(["-g", "daemon off;"])
            .stdout(access)
            .stderr(Stdio::inherit())
            .spawn()
            .expect("nginx starts (is Debian's nginx installed?)")
    }

    async fn wait_lb(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if reqwest::get(format!("{}/healthz", self.lb))
                .await
                .is_ok_and(|r| r.status() == 200)
            {
                return;
            }
            if let Ok(Some(status)) = self.nginx.try_wait() {
                panic!("nginx exited: {status}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("nginx did not answer within 20 s");
    }

    /// Runs `idp` with `args` against the cluster's stores; its stdout.
    pub fn admin(&self, args: &[&str]) -> String {
        self.admin_with(args, &[])
    }

    pub fn admin_with(&self, args: &[&str], extra: &[(&str, &str)]) -> String {
        let out = Command::new(&self.idp)
            .args(args)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .envs(extra.iter().copied())
            .env("IDP_DATA_DIR", self.dir.path().join("admin"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "idp {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// SIGKILL: the process ends on the spot, whatever it was doing.
    pub fn kill(&mut self, i: usize) {
        if let Some(mut child) = self.nodes[i].child.take() {
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }

    /// Every value of the one text column a query selects (as `v`).
    pub fn column(&self, sql: &str) -> Vec<String> {
        let url = idp::store::postgres_schema_url(&self.database_url, &self.schema).unwrap();
        let mut conn = diesel::PgConnection::establish(&url).unwrap();
        diesel::sql_query(sql)
            .load::<Text>(&mut conn)
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .into_iter()
            .map(|t| t.v)
            .collect()
    }

    pub fn nginx_log(&self) -> String {
        std::fs::read_to_string(self.log_path("nginx-access.log")).unwrap_or_default()
    }

    /// Keeps the logs of a failed run where a person can read them.
    pub fn keep_logs(&self) -> PathBuf {
        let kept = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/cluster-logs");
        let _ = std::fs::remove_dir_all(&kept);
        std::fs::create_dir_all(&kept).unwrap();
        for entry in std::fs::read_dir(self.dir.path()).unwrap().flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "log") {
                let _ = std::fs::copy(&path, kept.join(entry.file_name()));
            }
        }
        kept
    }
}

fn nginx_binary() -> PathBuf {
    ["/usr/sbin/nginx", "/usr/local/sbin/nginx"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from("nginx"))
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("the logs of this run: {}", self.keep_logs().display());
        }
        for i in 0..self.nodes.len() {
            self.kill(i);
        }
        // SIGTERM, not SIGKILL: the master then stops its workers too.
        let _ = Command::new("kill")
            .args(["-TERM", &self.nginx.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline && matches!(self.nginx.try_wait(), Ok(None)) {
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.nginx.kill();
        let _ = self.nginx.wait();
        let _ = idp::store::drop_postgres_schema(&self.database_url, &self.schema);
        // The Redis keys of this run's prefix all carry lifetimes and
        // expire by themselves.
    }
}
