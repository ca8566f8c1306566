//! `idp serve --demo` on a free loopback port, for the benchmarks that
//! measure it over HTTP; stopped when dropped.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct DemoServer {
    pub base: String,
    child: Child,
    _data: tempfile::TempDir,
}

impl DemoServer {
    /// Starts the provider with `env` on top of a fresh data directory and
    /// waits until it answers `/health`.
    pub async fn start(env: &[(&str, &str)]) -> Self {
        let data = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(env!("CARGO_BIN_EXE_idp"))
            .args(["serve", "--demo", "--bind", &format!("127.0.0.1:{port}")])
            .env("IDP_DATA_DIR", data.path())
            .env("IDP_LOG", "error")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("idp starts");
        let server = Self {
            base: format!("http://127.0.0.1:{port}"),
            child,
            _data: data,
        };
        server.wait_healthy().await;
        server
    }

    async fn wait_healthy(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if reqwest::get(format!("{}/health", self.base))
                .await
                .is_ok_and(|r| r.status() == 200)
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("idp serve --demo did not start within 60 s");
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
