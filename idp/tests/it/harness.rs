//! `TestApp`: the real provider on port 0, on the backend the run asks for,
//! with its own database (a fresh SQLite file, or a PostgreSQL schema and a
//! Redis key prefix of its own) and a clock the test moves by hand.
//!
//! `VHOD_TEST_BACKEND=production` selects PostgreSQL + Redis
//! (`VHOD_TEST_DATABASE_URL`, `VHOD_TEST_REDIS_URL`); anything else, the
//! embedded SQLite + memory.

use std::net::TcpListener;
use std::sync::Arc;

use idp::clients::NewClient;
use idp::clock::ManualClock;
use idp::config::{Config, SecretString};
use idp::ctx::Ctx;
use idp::model::{AccountLevel, Secret};
use reqwest::StatusCode;
use url::Url;

pub const DEMO_CLIENT: &str = "medcabinet";
pub const DEMO_SECRET: &str = "medcabinet-secret";
pub const REDIRECT: &str = "http://127.0.0.1:8090/callback";
pub const POST_LOGOUT: &str = "http://127.0.0.1:8090/";
pub const PASSWORD: &str = "Demo-pass1!";
pub const SIMPLE: &str = "simple@demo.vhod";
pub const STANDARD: &str = "standard@demo.vhod";
pub const CONFIRMED: &str = "confirmed@demo.vhod";
pub const PUBLIC_CLIENT: &str = "spa";
pub const OTHER_CLIENT: &str = "other";
pub const OTHER_SECRET: &str = "other-secret-other-secret";
/// The default scopes plus `offline_access`: only such grants get refresh
/// tokens (OpenID Connect Core §11).
pub const OFFLINE: (&str, &str) = ("scope", "openid profile email offline_access");
/// A verifier and its S256 challenge (RFC 7636 Appendix B).
pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
pub const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

pub fn production() -> bool {
    std::env::var("VHOD_TEST_BACKEND").is_ok_and(|b| b == "production")
}

pub fn database_url() -> String {
    std::env::var("VHOD_TEST_DATABASE_URL")
        // No TLS on loopback: libpq's OpenSSL clean-up at exit crashed this
        // binary (SIGSEGV in OPENSSL_cleanup) while the pools of finished
        // tests still held TLS connections.
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test?sslmode=disable".into())
}

pub fn redis_url() -> String {
    std::env::var("VHOD_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

pub fn unique(prefix: &str) -> String {
    format!("{prefix}{}", uuid::Uuid::new_v4().simple())
}

/// Where a test's data lives; removed when the test ends.
pub struct Isolation {
    _dir: tempfile::TempDir,
    pub schema: Option<String>,
}

impl Isolation {
    /// A fresh data directory and, in production runs, a fresh schema and
    /// Redis prefix; fills them into `config`.
    pub fn new(config: &mut Config) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        config.data_dir = dir.path().to_owned();
        let mut schema = None;
        if production() {
            let name = unique("t_");
            let url = idp::store::postgres_schema_url(&database_url(), &name)
                .expect("PostgreSQL must be reachable for the production-backend run");
            config.database_url = Some(SecretString(url));
            config.redis_url = Some(SecretString(redis_url()));
            config.redis_prefix = format!("{}:", unique("vhodtest"));
            config.master_key = Some(SecretString(keys::MasterKey::generate().to_base64()));
            config.auto_migrate = true;
            schema = Some(name);
        }
        Self { _dir: dir, schema }
    }

    /// For a node on another node's stores: owns nothing.
    pub fn shared() -> Self {
        Self {
            _dir: tempfile::tempdir().expect("temp dir"),
            schema: None,
        }
    }
}

impl Drop for Isolation {
    fn drop(&mut self) {
        if let Some(schema) = &self.schema {
            let _ = idp::store::drop_postgres_schema(&database_url(), schema);
        }
    }
}

pub struct TestApp {
    pub url: String,
    pub state: Ctx,
    pub clock: ManualClock,
    _isolation: Isolation,
}

type Tweak = Box<dyn FnOnce(&mut Config)>;

#[derive(Default)]
pub struct Builder {
    tweaks: Vec<Tweak>,
    /// Another node's stores, to run a second node on them.
    shared: Option<Config>,
    /// The other node's short-lived store: Redis is shared by its URL; the
    /// embedded memory store is shared by handing it over, as one store.
    shared_ephemeral: Option<Arc<dyn idp::store::Ephemeral>>,
}

impl Builder {
    pub fn config(mut self, f: impl FnOnce(&mut Config) + 'static) -> Self {
        self.tweaks.push(Box::new(f));
        self
    }

    /// A second node on the stores of `other` (one PostgreSQL schema and
    /// Redis prefix, or one SQLite file), as several `idp serve` behind a
    /// load balancer.
    pub fn sharing(mut self, other: &TestApp) -> Self {
        self.shared = Some((*other.state.config).clone());
        self.shared_ephemeral = Some(other.state.ephemeral.clone());
        self
    }

    /// Starts the provider with the demo data, a public client and a second
    /// confidential client.
    pub async fn spawn(self) -> TestApp {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let mut config = Config {
            bind: addr.to_string(),
            janitor_interval_secs: 3600,
            dev_outbox: true,
            ..Config::default()
        };
        let first_node = self.shared.is_none();
        let isolation = match self.shared {
            Some(shared) => {
                config = Config {
                    bind: addr.to_string(),
                    issuer: Some(shared.issuer().parse().unwrap()),
                    ..shared
                };
                Isolation::shared()
            }
            None => Isolation::new(&mut config),
        };
        for tweak in self.tweaks {
            tweak(&mut config);
        }
        let clock = ManualClock::default();
        if first_node {
            super::fixtures::install_keys(&mut config, clock_now(&clock)).await;
        }
        let (mut state, _) = idp::app::build_with_clock(config, Arc::new(clock.clone()))
            .await
            .expect("the provider starts");
        if let Some(ephemeral) = self.shared_ephemeral
            && !production()
        {
            state.ephemeral = ephemeral;
        }
        idp::demo::seed_with(&state, &super::fixtures::get().password_hash)
            .await
            .expect("demo data");
        let base = NewClient {
            id: PUBLIC_CLIENT.into(),
            name: "SPA".into(),
            public: true,
            secret: None,
            redirect_uris: vec![REDIRECT.into()],
            post_logout_redirect_uris: vec![POST_LOGOUT.into()],
            scopes: None,
            skip_consent: true,
            min_account_level: None,
            min_aal: None,
            id_token_alg: "RS256".into(),
            access_token_alg: None,
            backchannel_logout_uri: None,
            esia_certificate: None,
        };
        let other = NewClient {
            id: OTHER_CLIENT.into(),
            name: "Other portal".into(),
            public: false,
            secret: Some(Secret::new(OTHER_SECRET)),
            ..base.clone()
        };
        if first_node {
            for client in [base, other] {
                state
                    .clients
                    .register(client, clock_now(&clock))
                    .await
                    .unwrap();
            }
        }
        let server = idp::http::serve(state.clone(), listener, 1).expect("server starts");
        actix_web::rt::spawn(server);
        idp::worker::spawn(state.clone());
        TestApp {
            url: format!("http://{addr}"),
            state,
            clock,
            _isolation: isolation,
        }
    }
}

fn clock_now(clock: &ManualClock) -> i64 {
    use idp::clock::Clock;
    clock.now()
}

impl TestApp {
    pub fn builder() -> Builder {
        Builder::default()
    }

    pub async fn spawn() -> TestApp {
        Self::builder().spawn().await
    }

    pub fn browser(&self) -> Browser {
        Browser::new(&self.url)
    }

    /// Registers one more client.
    pub async fn client(&self, new: NewClient) {
        self.state
            .clients
            .register(new, self.state.now())
            .await
            .unwrap();
    }

    pub fn new_client(&self, id: &str) -> NewClient {
        NewClient {
            id: id.into(),
            name: format!("Portal {id}"),
            public: false,
            secret: Some(Secret::new(format!("{id}-secret-0123456789"))),
            redirect_uris: vec![REDIRECT.into()],
            post_logout_redirect_uris: vec![POST_LOGOUT.into()],
            scopes: None,
            skip_consent: false,
            min_account_level: None::<AccountLevel>,
            min_aal: None,
            id_token_alg: "RS256".into(),
            access_token_alg: None,
            backchannel_logout_uri: None,
            esia_certificate: None,
        }
    }

    /// An authorization URL for the demo client with PKCE.
    pub fn auth_url(&self, extra: &[(&str, &str)]) -> String {
        self.auth_url_for(DEMO_CLIENT, extra)
    }

    pub fn auth_url_for(&self, client: &str, extra: &[(&str, &str)]) -> String {
        let mut url = Url::parse(&format!("{}/authorize", self.url)).unwrap();
        {
            let mut q = url.query_pairs_mut();
            let defaults = [
                ("response_type", "code"),
                ("client_id", client),
                ("redirect_uri", REDIRECT),
                ("scope", "openid profile email"),
                ("state", "st-123"),
                ("nonce", "n-456"),
                ("code_challenge", CHALLENGE),
                ("code_challenge_method", "S256"),
            ];
            for (k, v) in defaults {
                if !extra.iter().any(|(ek, _)| *ek == k) {
                    q.append_pair(k, v);
                }
            }
            for (k, v) in extra {
                if !v.is_empty() {
                    q.append_pair(k, v);
                }
            }
        }
        url.to_string()
    }

    /// Logs in through the pages and returns the callback URL.
    pub async fn login(&self, browser: &Browser, auth_url: &str, login: &str) -> Url {
        let page = browser.follow(browser.get(auth_url).await).await;
        let page = if page.url.path() == "/login" {
            page.login(browser, login).await
        } else {
            page
        };
        let page = if page.url.path() == "/consent" {
            page.consent(browser, "allow").await
        } else {
            page
        };
        assert!(
            page.url.as_str().starts_with(REDIRECT),
            "expected the callback, got {} ({}): {}",
            page.url,
            page.status,
            page.body
        );
        page.url
    }

    /// The whole code flow: login, consent, code exchange. Returns the token
    /// response JSON.
    pub async fn tokens(
        &self,
        browser: &Browser,
        login: &str,
        extra: &[(&str, &str)],
    ) -> serde_json::Value {
        let callback = self.login(browser, &self.auth_url(extra), login).await;
        let code = query(&callback, "code").expect("a code");
        let res = self
            .token(&[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", REDIRECT),
                ("code_verifier", VERIFIER),
            ])
            .await;
        let status = res.status();
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    /// A token request authenticated as the demo client (Basic).
    pub async fn token(&self, form: &[(&str, &str)]) -> reqwest::Response {
        self.back_channel("/token", Some((DEMO_CLIENT, DEMO_SECRET)), form)
            .await
    }

    pub async fn back_channel(
        &self,
        path: &str,
        basic: Option<(&str, &str)>,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut req = reqwest::Client::new()
            .post(format!("{}{path}", self.url))
            .form(form);
        if let Some((id, secret)) = basic {
            req = req.basic_auth(id, Some(secret));
        }
        req.send().await.unwrap()
    }

    /// Introspects a token as the demo client.
    pub async fn introspect(&self, token: &str) -> serde_json::Value {
        self.back_channel(
            "/introspect",
            Some((DEMO_CLIENT, DEMO_SECRET)),
            &[("token", token)],
        )
        .await
        .json()
        .await
        .unwrap()
    }

    pub async fn userinfo(&self, access_token: &str) -> reqwest::Response {
        reqwest::Client::new()
            .get(format!("{}/userinfo", self.url))
            .bearer_auth(access_token)
            .send()
            .await
            .unwrap()
    }
}

/// A code for the demo client, after a login as the standard account.
impl TestApp {
    /// A browser logged in as `login` (demo password), outside any flow.
    pub async fn logged_in(&self, login: &str) -> Browser {
        let browser = self.browser();
        let page = browser.follow(browser.get("/login").await).await;
        let csrf = page.csrf();
        browser
            .submit(
                "/login",
                &[("csrf", &csrf), ("login", login), ("password", PASSWORD)],
            )
            .await;
        browser
    }

    /// The account behind a login identifier.
    pub async fn account(&self, login: &str) -> idp::model::Account {
        self.state
            .sql
            .account_by_login(login)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no account {login}"))
    }

    /// The newest message the dev outbox holds for `to` (any notation),
    /// once it holds at least `count`; waits up to 10 s for the worker.
    pub async fn newest_message(&self, to: &str, count: usize) -> serde_json::Value {
        let url =
            Url::parse_with_params(&format!("{}/dev/outbox", self.url), &[("to", to)]).unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let list: serde_json::Value = reqwest::get(url.clone())
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            if list.as_array().unwrap().len() >= count {
                return list[0].clone();
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no message {count} to {to}: {list}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
}

/// Polls `check` every 50 ms for up to 10 s.
pub async fn eventually<T>(what: &str, mut check: impl AsyncFnMut() -> Option<T>) -> T {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

pub async fn code(app: &TestApp, extra: &[(&str, &str)]) -> String {
    let callback = app
        .login(&app.browser(), &app.auth_url(extra), STANDARD)
        .await;
    query(&callback, "code").unwrap()
}

/// Status, `error` and `error_description` of a token-endpoint error.
pub async fn error_of(res: reqwest::Response) -> (u16, String, String) {
    let status = res.status().as_u16();
    assert_eq!(res.headers()["cache-control"], "no-store");
    let body: serde_json::Value = res.json().await.unwrap();
    (
        status,
        body["error"].as_str().unwrap().to_owned(),
        body["error_description"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    )
}

/// The form of a code exchange for the demo client.
pub fn exchange(code: &str) -> Vec<(&'static str, String)> {
    vec![
        ("grant_type", "authorization_code".into()),
        ("code", code.into()),
        ("redirect_uri", REDIRECT.into()),
        ("code_verifier", VERIFIER.into()),
    ]
}

pub fn form<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

pub fn query(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Decodes a JWT's claims without checking it (the tests check signatures
/// separately).
pub fn claims(jwt: &str) -> serde_json::Value {
    use base64::Engine;
    let payload = jwt.split('.').nth(1).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

/// A cookie-keeping client that does not follow redirects by itself.
pub struct Browser {
    pub client: reqwest::Client,
    base: String,
}

/// A response read whole.
#[derive(Debug)]
pub struct Page {
    pub url: Url,
    pub status: StatusCode,
    pub body: String,
}

impl Page {
    /// The value of a hidden form field.
    pub fn hidden(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        let start = self
            .body
            .find(&marker)
            .unwrap_or_else(|| panic!("no field `{name}` in {}", self.body))
            + marker.len();
        let end = self.body[start..].find('"').unwrap() + start;
        self.body[start..end]
            .replace("&#x2d;", "-")
            .replace("&#45;", "-")
    }

    pub fn csrf(&self) -> String {
        self.hidden("csrf")
    }

    /// The text a person reads on the page, without the markup (data in
    /// a sentence is marked up, `<span lang="ru">`).
    pub fn text(&self) -> String {
        scraper::Html::parse_document(&self.body)
            .root_element()
            .text()
            .collect()
    }

    /// Submits the login form of this page.
    pub async fn login(&self, browser: &Browser, login: &str) -> Page {
        let (csrf, flow) = (self.csrf(), self.hidden("flow"));
        let form = [
            ("csrf", csrf.as_str()),
            ("flow", flow.as_str()),
            ("login", login),
            ("password", PASSWORD),
        ];
        browser.follow(browser.post("/login", &form).await).await
    }

    /// Answers the consent page.
    pub async fn consent(&self, browser: &Browser, decision: &str) -> Page {
        assert_eq!(self.url.path(), "/consent", "{}", self.body);
        let (csrf, flow) = (self.csrf(), self.hidden("flow"));
        browser
            .submit(
                "/consent",
                &[("csrf", &csrf), ("flow", &flow), ("decision", decision)],
            )
            .await
    }
}

impl Browser {
    /// A browser that sends `User-Agent: user_agent`.
    pub fn with_user_agent(base: &str, user_agent: &str) -> Self {
        Self {
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .user_agent(user_agent)
                .build()
                .unwrap(),
            base: base.to_owned(),
        }
    }

    /// A browser whose every request says `Accept-Language: accept_language`.
    pub fn with_language(base: &str, accept_language: &str) -> Self {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::ACCEPT_LANGUAGE,
            reqwest::header::HeaderValue::from_str(accept_language).unwrap(),
        );
        Self {
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .default_headers(headers)
                .build()
                .unwrap(),
            base: base.to_owned(),
        }
    }

    /// A browser whose every request carries `headers` (a proxy's
    /// `X-Forwarded-For`, say).
    pub fn with_headers(base: &str, headers: &[(&'static str, &str)]) -> Self {
        let mut map = reqwest::header::HeaderMap::new();
        for (name, value) in headers {
            map.insert(
                *name,
                reqwest::header::HeaderValue::from_str(value).unwrap(),
            );
        }
        Self {
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .default_headers(map)
                .build()
                .unwrap(),
            base: base.to_owned(),
        }
    }

    pub fn new(base: &str) -> Self {
        Self {
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: base.to_owned(),
        }
    }

    fn absolute(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.absolute(path)).send().await.unwrap()
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.absolute(path))
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// Follows redirects within the provider; stops at the first page, or
    /// at a redirect that leaves the provider (the portal's callback).
    pub async fn follow(&self, mut res: reqwest::Response) -> Page {
        for _ in 0..10 {
            if !res.status().is_redirection() {
                let url = res.url().clone();
                let status = res.status();
                return Page {
                    url,
                    status,
                    body: res.text().await.unwrap(),
                };
            }
            let location = res.headers()["location"].to_str().unwrap().to_owned();
            let next = res.url().join(&location).unwrap();
            if !next.as_str().starts_with(&self.base) {
                return Page {
                    url: next,
                    status: res.status(),
                    body: String::new(),
                };
            }
            res = self.client.get(next).send().await.unwrap();
        }
        panic!("redirect loop");
    }

    /// Posts a form and follows the redirects.
    pub async fn submit(&self, path: &str, form: &[(&str, &str)]) -> Page {
        self.follow(self.post(path, form).await).await
    }

    /// Where a redirect points, without following it.
    pub fn location(res: &reqwest::Response) -> Url {
        let location = res.headers()["location"].to_str().unwrap();
        res.url().join(location).unwrap()
    }
}
