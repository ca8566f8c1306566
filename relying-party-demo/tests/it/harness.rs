//! Starting the provider (the `idp` binary) and the cabinet for a test,
//! and a cookie-keeping HTTP client that walks the provider's pages by the
//! UI automation contract (`login`, `password`, `decision`, hidden `csrf`).

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use actix_web::web;
use relying_party_demo::config::Secret;
use relying_party_demo::http::{self, App};
use relying_party_demo::{Clock, Config};
use url::Url;

pub const PASSWORD: &str = "Demo-pass1!";
pub const SIMPLE: &str = "simple@demo.vhod";
pub const STANDARD: &str = "standard@demo.vhod";
pub const CONFIRMED: &str = "confirmed@demo.vhod";
pub const TWO_FACTOR: &str = "twofactor@demo.vhod";
/// Simplified, its profile check still running.
pub const PENDING: &str = "pending@demo.vhod";
pub const MANAGER: &str = "manager@demo.vhod";
pub const DOCTOR: &str = "doctor@demo.vhod";
pub const NURSE: &str = "nurse@demo.vhod";
pub const TWO_ORGS: &str = "twoorgs@demo.vhod";
/// The demo clinic's short name, as the provider's choice page shows it.
pub const CLINIC: &str = "Городская поликлиника № 1";

/// `target/debug/idp`, next to this test's own folder.
fn idp_binary() -> PathBuf {
    if let Ok(path) = std::env::var("VHOD_IDP_BIN") {
        return path.into();
    }
    let exe = std::env::current_exe().expect("the test binary's path");
    let bin = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/debug/deps")
        .join("idp");
    assert!(
        bin.exists(),
        "{} is missing: build the provider first (`cargo build -p idp`), or set VHOD_IDP_BIN",
        bin.display()
    );
    bin
}

pub fn free_listener() -> TcpListener {
    TcpListener::bind("127.0.0.1:0").expect("a free port")
}

/// `idp serve --demo` on a free port, killed when dropped.
pub struct Provider {
    pub url: String,
    pub dir: tempfile::TempDir,
    child: Child,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Provider {
    pub async fn start() -> Self {
        let dir = tempfile::tempdir().expect("a temp dir");
        let port = free_listener().local_addr().unwrap().port();
        let bind = format!("127.0.0.1:{port}");
        let out = std::fs::File::create(dir.path().join("idp.out")).unwrap();
        let child = Command::new(idp_binary())
            .args(["serve", "--demo", "--bind", &bind, "--workers", "1"])
            .env("IDP_DATA_DIR", dir.path())
            .env("IDP_LOG", "warn")
            .env("IDP_REGISTRY_DELAY_SECS", "1")
            // As scripts/demo: the ESIA endpoints too (tests/it/esia.rs).
            .env("IDP_ESIA_ENABLED", "true")
            .stdout(out)
            .stderr(Stdio::null())
            .spawn()
            .expect("idp starts");
        let provider = Self {
            url: format!("http://{bind}"),
            dir,
            child,
        };
        let deadline = Instant::now() + Duration::from_secs(90);
        while Instant::now() < deadline {
            if reqwest::get(format!("{}/health", provider.url))
                .await
                .is_ok_and(|r| r.status() == 200)
            {
                return provider;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("idp serve --demo did not start within 90 s");
    }

    /// Runs an `idp` command on this provider's data.
    pub fn idp(&self, args: &[&str]) -> Output {
        Command::new(idp_binary())
            .args(args)
            .env("IDP_DATA_DIR", self.dir.path())
            .env("IDP_LOG", "warn")
            .output()
            .expect("idp runs")
    }

    /// As [`Provider::idp`], which must succeed; its standard output.
    pub fn cli(&self, args: &[&str]) -> String {
        let out = self.idp(args);
        assert!(
            out.status.success(),
            "idp {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// What `idp serve --demo` printed.
    pub fn printed(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("idp.out")).unwrap_or_default()
    }

    /// The demo's TOTP secret of `twofactor@demo.vhod` (printed at start).
    pub fn totp_secret(&self) -> String {
        let printed = self.printed();
        let marker = "TOTP secret ";
        let start = printed
            .find(marker)
            .expect("the demo prints the TOTP secret")
            + marker.len();
        printed[start..]
            .split_whitespace()
            .next()
            .unwrap()
            .to_owned()
    }

    /// Registers a cabinet listening on `port` as a client of its own,
    /// with its back-channel logout URI; returns its id and secret.
    pub fn register(&self, port: u16) -> (String, String) {
        let id = format!("cabinet-{port}");
        let base = format!("http://127.0.0.1:{port}");
        let out = self.cli(&[
            "clients",
            "add",
            "--id",
            &id,
            "--name",
            "Медкабинет (тест)",
            "--redirect-uri",
            &format!("{base}/callback"),
            "--post-logout-uri",
            &format!("{base}/"),
            "--backchannel-logout-uri",
            &format!("{base}/backchannel-logout"),
            // What the cabinet asks for (a client gets `openid` only unless
            // told more).
            "--scopes",
            "openid profile snils offline_access organizations",
        ]);
        let secret = out
            .lines()
            .find_map(|l| l.strip_prefix("client_secret: "))
            .expect("the secret is printed")
            .trim()
            .to_owned();
        (id, secret)
    }
}

/// The cabinet in this process, on its own port and database.
pub struct Cabinet {
    pub url: String,
    pub app: web::Data<App>,
    pub clock: Clock,
    _dir: tempfile::TempDir,
}

impl Cabinet {
    /// A cabinet registered at `provider` as a client of its own.
    pub async fn start(provider: &Provider) -> Self {
        Self::start_with(provider, |port| {
            let (client_id, secret) = provider.register(port);
            Config {
                client_id,
                client_secret: Secret::new(secret),
                ..Config::demo()
            }
        })
        .await
    }

    /// A cabinet with the settings `settings` makes for its port (and its
    /// own address, database and the provider's address).
    pub async fn start_with(provider: &Provider, settings: impl FnOnce(u16) -> Config) -> Self {
        let listener = free_listener();
        let port = listener.local_addr().unwrap().port();
        let dir = tempfile::tempdir().unwrap();
        let url = format!("http://127.0.0.1:{port}");
        let config = Config {
            bind: url.clone(),
            public_url: url.parse().unwrap(),
            issuer: provider.url.parse().unwrap(),
            database: dir.path().join("cabinet.sqlite"),
            ..settings(port)
        };
        let clock = Clock::default();
        let app = web::Data::new(App::build(config, clock.clone()).expect("the cabinet starts"));
        let server = http::serve(app.clone(), listener).expect("the cabinet listens");
        actix_web::rt::spawn(server);
        Self {
            url,
            app,
            clock,
            _dir: dir,
        }
    }
}

/// A cookie-keeping HTTP client that follows no redirect by itself.
pub struct Agent {
    pub client: reqwest::Client,
    jar: std::sync::Arc<reqwest::cookie::Jar>,
}

/// A response read whole.
#[derive(Debug)]
pub struct Page {
    pub url: Url,
    pub status: reqwest::StatusCode,
    pub body: String,
}

impl Page {
    /// The value of a hidden form field.
    pub fn hidden(&self, name: &str) -> String {
        let html = scraper::Html::parse_document(&self.body);
        let selector = scraper::Selector::parse(&format!("input[name=\"{name}\"]")).unwrap();
        html.select(&selector)
            .next()
            .and_then(|e| e.value().attr("value"))
            .unwrap_or_else(|| panic!("no field `{name}` at {}: {}", self.url, self.body))
            .to_owned()
    }

    /// Every hidden field of the login form.
    pub fn hidden_fields(&self) -> Vec<(String, String)> {
        let html = scraper::Html::parse_document(&self.body);
        let selector =
            scraper::Selector::parse("form[action='/login'] input[type=hidden]").unwrap();
        html.select(&selector)
            .filter_map(|e| {
                let name = e.value().attr("name")?;
                Some((
                    name.to_owned(),
                    e.value().attr("value").unwrap_or("").to_owned(),
                ))
            })
            .collect()
    }

    /// The `data-code` of the cabinet's error page.
    pub fn error_code(&self) -> Option<String> {
        let html = scraper::Html::parse_document(&self.body);
        let selector = scraper::Selector::parse("#error").unwrap();
        html.select(&selector)
            .next()
            .and_then(|e| e.value().attr("data-code"))
            .map(str::to_owned)
    }
}

impl Default for Agent {
    fn default() -> Self {
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        Self {
            client: reqwest::Client::builder()
                .cookie_provider(jar.clone())
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            jar,
        }
    }
}

impl Agent {
    /// The cabinet's session of this agent, as the cabinet sees it on the
    /// next request (refreshed if due).
    pub async fn session(&self, cabinet: &Cabinet) -> Option<relying_party_demo::session::Session> {
        use reqwest::cookie::CookieStore;
        let cookies = self.jar.cookies(&cabinet.url.parse().unwrap())?;
        let req = actix_web::test::TestRequest::default()
            .insert_header(("cookie", cookies.to_str().unwrap()))
            .to_http_request();
        cabinet.app.session(&req).await.map(|(_, session)| session)
    }

    pub async fn get(&self, url: &str) -> Page {
        let res = self.client.get(url).send().await.unwrap();
        self.read(res).await
    }

    pub async fn post(&self, url: &str, form: &[(&str, &str)]) -> Page {
        let res = self.client.post(url).form(form).send().await.unwrap();
        self.read(res).await
    }

    /// A page, or where a redirect points (with an empty body).
    async fn read(&self, res: reqwest::Response) -> Page {
        let status = res.status();
        let url = match res.headers().get("location") {
            Some(location) => res.url().join(location.to_str().unwrap()).unwrap(),
            None => res.url().clone(),
        };
        Page {
            url,
            status,
            body: res.text().await.unwrap(),
        }
    }

    /// Follows redirects while they stay under `within`.
    pub async fn follow(&self, mut page: Page, within: &str) -> Page {
        for _ in 0..10 {
            if !page.status.is_redirection() || !page.url.as_str().starts_with(within) {
                return page;
            }
            page = self.get(page.url.clone().as_str()).await;
        }
        panic!("a redirect loop at {}", page.url);
    }

    /// From the provider's authorization URL to the redirect back to the
    /// portal: log in as `login`, then answer the consent page (if shown)
    /// with `decision`. Returns the redirect to the portal.
    pub async fn log_in_at_provider(
        &self,
        provider: &Provider,
        authorize: &str,
        login: &str,
        decision: &str,
    ) -> Url {
        let base = provider.url.as_str();
        let page = self.follow(self.get(authorize).await, base).await;
        let mut page = self.submit_login(&page, base, login).await;
        if page.url.path() == "/login/actor" {
            // An employee of an organization: here, as a private person.
            let (csrf, flow) = (page.hidden("csrf"), page.hidden("flow"));
            let form = [
                ("csrf", csrf.as_str()),
                ("flow", flow.as_str()),
                ("actor", "person"),
            ];
            page = self
                .follow(self.post(&format!("{base}/login/actor"), &form).await, base)
                .await;
        }
        if page.url.path() == "/consent" {
            let form = [
                ("csrf", page.hidden("csrf")),
                ("flow", page.hidden("flow")),
                ("decision", decision.to_owned()),
            ];
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            page = self
                .follow(self.post(&format!("{base}/consent"), &form).await, base)
                .await;
        }
        assert!(
            !page.url.as_str().starts_with(base),
            "still at the provider: {} {}",
            page.url,
            page.body
        );
        page.url
    }

    /// Submits the provider's login form of `page` (its hidden fields, the
    /// login and the demo password) and follows the redirects.
    pub async fn submit_login(&self, page: &Page, base: &str, login: &str) -> Page {
        assert!(
            page.url.path().starts_with("/login"),
            "{}: {}",
            page.url,
            page.body
        );
        let mut form = page.hidden_fields();
        form.push(("login".into(), login.into()));
        form.push(("password".into(), PASSWORD.into()));
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        self.follow(self.post(&format!("{base}/login"), &form).await, base)
            .await
    }

    /// Starts a login at the cabinet; returns the authorization URL.
    pub async fn start_login(&self, cabinet: &Cabinet) -> Url {
        let page = self.get(&format!("{}/login", cabinet.url)).await;
        assert_eq!(page.status, 303, "{}", page.body);
        page.url
    }

    /// A whole login to the cabinet: `/login`, the provider, the callback.
    pub async fn log_in(&self, provider: &Provider, cabinet: &Cabinet, login: &str) -> Page {
        let authorize = self.start_login(cabinet).await;
        let back = self
            .log_in_at_provider(provider, authorize.as_str(), login, "allow")
            .await;
        self.get(back.as_str()).await
    }
}

/// Polls `check` every 100 ms for up to `secs`.
pub async fn eventually<F, Fut>(secs: u64, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !check().await {
        assert!(
            Instant::now() < deadline,
            "{what} did not happen within {secs} s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
