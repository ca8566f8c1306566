//! The real `idp serve` process: JSON logs with one line per request and no
//! secret in them; SIGTERM drains a request in flight and exits 0; plain
//! http on a public address is refused.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use idp::config::Config;

use crate::harness::*;
use crate::operations::production_env;

/// A running `idp serve --demo` whose output goes to files.
struct Process {
    child: Option<Child>,
    url: String,
    port: u16,
    _logs: tempfile::TempDir,
    stdout: std::path::PathBuf,
    stderr: std::path::PathBuf,
}

impl Drop for Process {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Process {
    async fn start(config: &Config, env: &[(&str, &str)]) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let bind = format!("127.0.0.1:{port}");
        let logs = tempfile::tempdir().unwrap();
        let (stdout, stderr) = (logs.path().join("stdout"), logs.path().join("stderr"));
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_idp"));
        cmd.args(["serve", "--demo", "--bind", &bind, "--workers", "1"])
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("IDP_DATA_DIR", &config.data_dir)
            .env("IDP_METRICS_BIND", "127.0.0.1:0")
            .stdout(std::fs::File::create(&stdout).unwrap())
            .stderr(std::fs::File::create(&stderr).unwrap());
        for (key, value) in production_env(config) {
            cmd.env(key, value);
        }
        for (key, value) in env {
            cmd.env(key, value);
        }
        let child = cmd.spawn().unwrap();
        let url = format!("http://{bind}");
        let process = Self {
            child: Some(child),
            url,
            port,
            _logs: logs,
            stdout,
            stderr,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if reqwest::get(format!("{}/readyz", process.url))
                .await
                .is_ok_and(|r| r.status() == 200)
            {
                return process;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("idp serve did not start: {}", process.output());
    }

    fn output(&self) -> String {
        std::fs::read_to_string(&self.stdout).unwrap_or_default()
            + &std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    fn signal(&self, name: &str) {
        let pid = self.child.as_ref().unwrap().id().to_string();
        let status = Command::new("kill")
            .args([&format!("-{name}"), &pid])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits for the process to exit; its status.
    fn exit(&mut self, within: Duration) -> std::process::ExitStatus {
        let mut child = self.child.take().unwrap();
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("idp serve did not exit within {within:?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// The whole code flow with the demo cabinet's client against `url`,
/// then a refresh and userinfo; returns every secret it used or got.
async fn flow_with_secrets(url: &str) -> Vec<String> {
    let browser = Browser::new(url);
    let auth = format!(
        "{url}/authorize?response_type=code&client_id={DEMO_CLIENT}&redirect_uri={}\
         &scope=openid%20profile%20offline_access&state=st4te-value&nonce=n0nce-value\
         &code_challenge={CHALLENGE}&code_challenge_method=S256&prompt=consent",
        urlencode(REDIRECT)
    );
    let page = browser.follow(browser.get(&auth).await).await;
    let csrf = page.csrf();
    let page = page.login(&browser, CONFIRMED).await;
    let done = if page.url.path() == "/consent" {
        page.consent(&browser, "allow").await
    } else {
        page
    };
    let code = query(&done.url, "code").expect("a code");
    let client = reqwest::Client::new();
    let tokens: serde_json::Value = client
        .post(format!("{url}/token"))
        .basic_auth(DEMO_CLIENT, Some(DEMO_SECRET))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let refresh = tokens["refresh_token"].as_str().expect("a refresh token");
    let refreshed: serde_json::Value = client
        .post(format!("{url}/token"))
        .basic_auth(DEMO_CLIENT, Some(DEMO_SECRET))
        .form(&[("grant_type", "refresh_token"), ("refresh_token", refresh)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let access = refreshed["access_token"].as_str().expect("an access token");
    let info = client
        .get(format!("{url}/userinfo"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    assert_eq!(info.status(), 200);
    let mut secrets = vec![
        PASSWORD.to_owned(),
        DEMO_SECRET.to_owned(),
        VERIFIER.to_owned(),
        code,
        csrf,
    ];
    for value in [&tokens, &refreshed] {
        for field in ["access_token", "refresh_token", "id_token"] {
            secrets.push(value[field].as_str().expect(field).to_owned());
        }
    }
    secrets
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[actix_web::test]
async fn json_logs_have_a_line_per_request_and_no_secret() {
    let mut config = Config::default();
    let _isolation = Isolation::new(&mut config);
    let process = Process::start(
        &config,
        &[("IDP_LOG_FORMAT", "json"), ("IDP_LOG", "info,idp=debug")],
    )
    .await;
    let secrets = flow_with_secrets(&process.url).await;
    let res = reqwest::Client::new()
        .get(format!("{}/jwks", process.url))
        .header("x-request-id", "trace-me-1")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "trace-me-1");
    tokio::time::sleep(Duration::from_millis(300)).await;
    // The log: every JSON line (the demo's banner, which prints the demo
    // password on purpose, is plain text) and anything on stderr.
    let output = process.output();
    let log: String = output
        .lines()
        .filter(|l| l.starts_with('{'))
        .chain(std::fs::read_to_string(&process.stderr).unwrap().lines())
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(log.lines().count() > 8, "{output}");
    for secret in &secrets {
        // Long ones by their halves too: no token printed cut short.
        let part = if secret.len() >= 40 {
            &secret[..secret.len() / 2]
        } else {
            secret.as_str()
        };
        assert!(
            !log.contains(part),
            "the log holds a secret ({}…): {log}",
            &secret[..4.min(secret.len())]
        );
    }
    let lines: Vec<serde_json::Value> = output
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert!(!output.contains("\u{1b}["), "no colours off a terminal");
    let requests: Vec<&serde_json::Value> =
        lines.iter().filter(|l| l["message"] == "request").collect();
    let token = requests
        .iter()
        .find(|l| l["route"] == "/token" && l["client_id"] == DEMO_CLIENT)
        .unwrap_or_else(|| panic!("no /token line: {log}"));
    assert_eq!(token["status"], 200);
    assert_eq!(token["method"], "POST");
    assert!(token["latency_ms"].as_f64().is_some(), "{token}");
    assert!(
        token["request_id"]
            .as_str()
            .is_some_and(|id| !id.is_empty())
    );
    assert_eq!(token["level"], "INFO");
    assert!(
        requests
            .iter()
            .any(|l| l["request_id"] == "trace-me-1" && l["route"] == "/jwks"),
        "{log}"
    );
    assert!(
        requests
            .iter()
            .any(|l| l["route"] == "/authorize" && l["client_id"] == DEMO_CLIENT),
        "{log}"
    );
}

#[actix_web::test]
async fn sigterm_drains_a_request_in_flight_and_exits_0() {
    let mut config = Config::default();
    let _isolation = Isolation::new(&mut config);
    let mut process = Process::start(&config, &[("IDP_SHUTDOWN_TIMEOUT_SECS", "20")]).await;
    // A request in flight: its headers sent, half its body not yet.
    let body = "grant_type=client_credentials&client_id=nobody&client_secret=x";
    let mut conn = TcpStream::connect(("127.0.0.1", process.port)).unwrap();
    write!(
        conn,
        "POST /token HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{}",
        body.len(),
        &body[..10]
    )
    .unwrap();
    conn.flush().unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    process.signal("TERM");
    // The listener closes: new connections are refused.
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", process.port)).is_ok() {
        assert!(Instant::now() < deadline, "still accepting after SIGTERM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The request in flight is answered in full.
    conn.write_all(&body.as_bytes()[10..]).unwrap();
    let mut answer = String::new();
    conn.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    conn.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert!(answer.contains("invalid_client"), "{answer}");
    let status = process.exit(Duration::from_secs(30));
    assert_eq!(status.code(), Some(0), "{}", process.output());
    assert!(
        process.output().contains("stopping"),
        "{}",
        process.output()
    );
}

#[test]
fn plain_http_on_a_public_address_is_refused_unless_allowed() {
    let mut config = Config::default();
    let _isolation = Isolation::new(&mut config);
    let run = |env: &[(&str, &str)]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_idp"));
        cmd.args(["serve", "--bind", "0.0.0.0:1"])
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("IDP_DATA_DIR", &config.data_dir)
            .stdout(Stdio::null());
        for (key, value) in env {
            cmd.env(key, value);
        }
        cmd.output().unwrap()
    };
    let out = run(&[]);
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    for named in ["tls_cert_file", "trusted_proxies", "allow_plain_http"] {
        assert!(said.contains(named), "{named}: {said}");
    }
    assert_eq!(said.trim().lines().count(), 1, "{said}");
    let out = run(&[("IDP_TRUSTED_PROXIES", "10.0.0.0/8,nginx")]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("trusted_proxies") && said.contains("nginx"),
        "{said}"
    );
    // What lets it start (checked without starting a server on 0.0.0.0).
    let public: std::net::SocketAddr = "0.0.0.0:8080".parse().unwrap();
    assert!(config.check_listener(public).is_err());
    assert!(
        config
            .check_listener("127.0.0.1:8080".parse().unwrap())
            .is_ok()
    );
    assert!(config.check_listener("[::1]:8080".parse().unwrap()).is_ok());
    for allow in [
        Config {
            allow_plain_http: true,
            ..config.clone()
        },
        Config {
            trusted_proxies: idp::config::TrustedProxies::parse("10.0.0.0/8").unwrap(),
            ..config.clone()
        },
        Config {
            tls_cert_file: Some("tls.crt".into()),
            tls_key_file: Some("tls.key".into()),
            ..config.clone()
        },
    ] {
        assert!(allow.check_listener(public).is_ok());
    }
}
