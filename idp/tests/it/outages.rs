//! Outages: with Redis or PostgreSQL gone, requests get 503 with
//! `Retry-After` (a page in the browser's language, JSON on the protocol
//! endpoints), never a 500; `/readyz` says what is down; and the node
//! recovers by itself when the server is back. The servers are real: a
//! Redis the test starts and kills, and the PostgreSQL of the run reached
//! through a TCP relay the test cuts.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use idp::config::SecretString;

use crate::harness::*;

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A `redis-server` of the test's own, without persistence.
struct Redis {
    port: u16,
    child: Option<Child>,
}

impl Redis {
    fn start(port: u16) -> Self {
        let child = Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server must be installed (scripts/test installs it)");
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        Self {
            port,
            child: Some(child),
        }
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A 503 page in `lang` with `Retry-After`.
async fn unavailable_page(res: reqwest::Response, lang: &str) {
    assert_eq!(res.status(), 503);
    assert_eq!(res.headers()["retry-after"], "5");
    let page = res.text().await.unwrap();
    assert!(page.contains(&format!("lang=\"{lang}\"")), "{page}");
    let said = if lang == "en" {
        "temporarily unavailable"
    } else {
        "временно недоступен"
    };
    assert!(page.contains(said), "{page}");
}

/// A 503 `temporarily_unavailable` JSON error with `Retry-After`.
async fn unavailable_json(res: reqwest::Response) {
    assert_eq!(res.status(), 503);
    assert_eq!(res.headers()["retry-after"], "5");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"], "temporarily_unavailable", "{body}");
}

/// A login page opened in `browser`, to submit later.
async fn login_page(app: &TestApp, browser: &Browser) -> Page {
    let page = browser.follow(browser.get(&app.auth_url(&[])).await).await;
    assert_eq!(page.url.path(), "/login", "{}", page.body);
    page
}

async fn submit_login(browser: &Browser, page: &Page) -> reqwest::Response {
    let (csrf, flow) = (page.csrf(), page.hidden("flow"));
    browser
        .post(
            "/login",
            &[
                ("csrf", csrf.as_str()),
                ("flow", flow.as_str()),
                ("login", STANDARD),
                ("password", PASSWORD),
            ],
        )
        .await
}

async fn readyz(app: &TestApp) -> (u16, serde_json::Value) {
    let res = reqwest::get(format!("{}/readyz", app.url)).await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

async fn recovers(app: &TestApp) {
    eventually("ready again", async || {
        (readyz(app).await.0 == 200).then_some(())
    })
    .await;
    let tokens = app.tokens(&app.browser(), STANDARD, &[]).await;
    assert!(tokens["id_token"].is_string());
}

#[actix_web::test]
async fn with_redis_down_requests_get_503_and_the_node_recovers_when_it_is_back() {
    let port = free_port();
    let mut redis = Redis::start(port);
    let app = TestApp::builder()
        .config(move |c| {
            c.redis_url = Some(SecretString(format!("redis://127.0.0.1:{port}")));
            c.redis_prefix = unique("outage");
        })
        .spawn()
        .await;
    app.tokens(&app.browser(), STANDARD, &[]).await;

    redis.stop();
    let (status, body) = readyz(&app).await;
    assert_eq!(status, 503);
    assert_eq!(body["redis"], "down", "{body}");
    assert_eq!(body["database"], "ok", "{body}");
    // Login flows live in Redis: none starts, in either language.
    let english = Browser::with_language(&app.url, "en");
    unavailable_page(english.get(&app.auth_url(&[])).await, "en").await;
    let browser = app.browser();
    unavailable_page(browser.get(&app.auth_url(&[])).await, "ru").await;
    // Codes too.
    let res = app
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", "some-code"),
            ("redirect_uri", REDIRECT),
        ])
        .await;
    unavailable_json(res).await;

    let _redis = Redis::start(redis.port);
    recovers(&app).await;
}

/// A TCP relay to `upstream` that the test can cut (every connection
/// closed, new ones refused) and restore on the same port.
struct Relay {
    port: u16,
    upstream: u16,
    cut: Arc<AtomicBool>,
    open: Arc<Mutex<Vec<TcpStream>>>,
}

impl Relay {
    fn start(upstream: u16) -> Self {
        let relay = Self {
            port: free_port(),
            upstream,
            cut: Arc::default(),
            open: Arc::default(),
        };
        relay.listen();
        relay
    }

    fn listen(&self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).unwrap();
        listener.set_nonblocking(true).unwrap();
        let (cut, open, upstream) = (self.cut.clone(), self.open.clone(), self.upstream);
        std::thread::spawn(move || {
            while !cut.load(Ordering::SeqCst) {
                let Ok((client, _)) = listener.accept() else {
                    std::thread::sleep(Duration::from_millis(10));
                    continue;
                };
                client.set_nonblocking(false).unwrap();
                let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else {
                    continue;
                };
                let mut open = open.lock().unwrap();
                for (from, to) in [(&client, &server), (&server, &client)] {
                    let (mut from, mut to) = (from.try_clone().unwrap(), to.try_clone().unwrap());
                    std::thread::spawn(move || {
                        let mut buf = [0u8; 16 * 1024];
                        while let Ok(n) = from.read(&mut buf) {
                            if n == 0 || to.write_all(&buf[..n]).is_err() {
                                break;
                            }
                        }
                        let _ = to.shutdown(Shutdown::Both);
                    });
                }
                open.push(client);
                open.push(server);
            }
        });
    }

    fn cut(&self) {
        self.cut.store(true, Ordering::SeqCst);
        for conn in self.open.lock().unwrap().drain(..) {
            let _ = conn.shutdown(Shutdown::Both);
        }
        // The listener thread notices within its poll and drops the port.
        std::thread::sleep(Duration::from_millis(100));
    }

    fn restore(&mut self) {
        self.cut = Arc::default();
        self.listen();
    }
}

/// A provider whose connections to PostgreSQL go through a relay the test
/// can cut.
async fn behind_relay() -> (TestApp, Relay) {
    let upstream = url::Url::parse(&database_url()).unwrap();
    let relay = Relay::start(upstream.port().unwrap_or(5432));
    let relay_port = relay.port;
    let app = TestApp::builder()
        .config(move |c| {
            let url = c.database_url.as_ref().unwrap().0.clone();
            let mut url = url::Url::parse(&url).unwrap();
            url.set_port(Some(relay_port)).unwrap();
            c.database_url = Some(SecretString(url.to_string()));
        })
        .spawn()
        .await;
    (app, relay)
}

#[actix_web::test]
async fn with_postgresql_down_requests_get_503_and_the_node_recovers_when_it_is_back() {
    if !production() {
        // The embedded backend has no database server to lose.
        println!("PostgreSQL outage: checked in the production-backend run");
        return;
    }
    let (app, mut relay) = behind_relay().await;
    app.tokens(&app.browser(), STANDARD, &[]).await;
    let english = Browser::with_language(&app.url, "en");
    let english_page = login_page(&app, &english).await;
    let browser = app.browser();
    let page = login_page(&app, &browser).await;

    relay.cut();
    let (status, body) = readyz(&app).await;
    assert_eq!(status, 503);
    assert_eq!(body["database"], "down", "{body}");
    assert_eq!(body["redis"], "ok", "{body}");
    // Accounts live in the database: a login cannot be checked.
    unavailable_page(submit_login(&english, &english_page).await, "en").await;
    unavailable_page(submit_login(&browser, &page).await, "ru").await;
    // Refresh tokens too.
    let res = app
        .token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", "some-refresh-token"),
        ])
        .await;
    unavailable_json(res).await;

    relay.restore();
    recovers(&app).await;
}

/// A pooled connection is lent without a ping only shortly after it
/// answered (`store::sql`, `ANSWERED_RECENTLY`): connections that died
/// while idle (the database restarted, a proxy dropped them) are found out
/// by the ping and replaced, and no request fails on them.
#[actix_web::test]
async fn connections_that_died_while_idle_fail_no_request() {
    if !production() {
        println!("PostgreSQL connections: checked in the production-backend run");
        return;
    }
    let (app, mut relay) = behind_relay().await;
    app.tokens(&app.browser(), STANDARD, &[]).await;
    let (open, _) = app.state.sql.pool_state();
    assert!(open > 0);

    tokio::time::sleep(Duration::from_millis(700)).await;
    relay.cut();
    relay.restore();
    // Every pooled connection is dead now; the next requests get new ones.
    app.tokens(&app.browser(), STANDARD, &[]).await;
    assert_eq!(readyz(&app).await.0, 200);
}
