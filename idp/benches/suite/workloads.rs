//! The workloads, run against each server in turn: pools made beforehand
//! through the public interface, one request checked by hand, then the
//! load. Vhod and the peer get the same requests but for their paths and
//! what each one's tokens are (see `Server::peer` and bench/peer).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::Plan;

mod driven;
use crate::bounds::{self, Primitives};
use crate::flows::{self, Browser, Stop};
use crate::load::{Req, Run, Wrk};
use crate::report::{self, Measured, Report};
use crate::servers::{Endpoint, Kind, Server};

/// Every workload, in the order of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Workload {
    Discovery,
    Jwks,
    CcRs256,
    CcEs256,
    CcEdDsa,
    CodeExchange,
    Refresh,
    Userinfo,
    Introspection,
    PasswordLogin,
    InteractiveFlow,
    LoginFlood,
}

impl Workload {
    pub const ALL: [Workload; 12] = [
        Workload::Discovery,
        Workload::Jwks,
        Workload::CcRs256,
        Workload::CcEs256,
        Workload::CcEdDsa,
        Workload::CodeExchange,
        Workload::Refresh,
        Workload::Userinfo,
        Workload::Introspection,
        Workload::PasswordLogin,
        Workload::InteractiveFlow,
        Workload::LoginFlood,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Workload::Discovery => "discovery",
            Workload::Jwks => "JWKS",
            Workload::CcRs256 => "client_credentials RS256",
            Workload::CcEs256 => "client_credentials ES256",
            Workload::CcEdDsa => "client_credentials EdDSA",
            Workload::CodeExchange => "code exchange (RS256 ID, ES256 AT)",
            Workload::Refresh => "refresh with rotation",
            Workload::Userinfo => "userinfo",
            Workload::Introspection => "introspection",
            Workload::PasswordLogin => "password login (Argon2id)",
            Workload::InteractiveFlow => "authorize→login→consent→token",
            Workload::LoginFlood => "cc RS256 under a login flood",
        }
    }

    /// The primitives one operation must pay for, besides the HTTP
    /// exchanges (`http` of them) that the static 200 bounds.
    fn costs(self) -> (&'static [&'static str], u32) {
        match self {
            Workload::Discovery | Workload::Jwks => (&[], 1),
            Workload::CcRs256 | Workload::LoginFlood => (&["RS256 sign"], 1),
            Workload::CcEs256 => (&["ES256 sign"], 1),
            Workload::CcEdDsa => (&["EdDSA sign"], 1),
            Workload::CodeExchange | Workload::Refresh => (&["RS256 sign", "ES256 sign"], 1),
            Workload::Userinfo | Workload::Introspection => (&["ES256 verify"], 1),
            Workload::PasswordLogin => (&["Argon2id verify"], 1),
            // authorize, login page, login, continue, consent page, consent,
            // continue, token.
            Workload::InteractiveFlow => (&["Argon2id verify", "RS256 sign", "ES256 sign"], 8),
        }
    }

    /// Concurrent connections: enough to keep one core busy; four for
    /// password checks, which Vhod admits five at a time on one core
    /// before it answers "busy".
    fn connections(self) -> u32 {
        match self {
            Workload::PasswordLogin | Workload::InteractiveFlow => 4,
            _ => 16,
        }
    }
}

/// The clients of the run, with their secrets.
struct Clients(BTreeMap<&'static str, String>);

impl Clients {
    fn secret(&self, id: &str) -> &str {
        &self.0[id]
    }
}

/// Access-token algorithm of each client (and the `web` client's ID
/// tokens are RS256), on both sides.
const CLIENTS: [(&str, &str); 4] = [
    ("cc-rs256", "RS256"),
    ("cc-es256", "ES256"),
    ("cc-eddsa", "EdDSA"),
    ("web", "ES256"),
];

/// Registers the run's clients through `idp clients add`; the peer has
/// them in its configuration.
fn clients(server: &Server) -> Clients {
    let mut secrets = BTreeMap::new();
    for (id, alg) in CLIENTS {
        let secret = if server.kind.is_vhod() {
            let mut args = vec![
                "clients",
                "add",
                "--id",
                id,
                "--name",
                id,
                "--redirect-uri",
                crate::servers::REDIRECT,
                "--access-token-alg",
                alg,
            ];
            if id == "web" {
                args.extend(["--scopes", "openid offline_access"]);
            }
            let out = server.admin(&args);
            out.lines()
                .find_map(|l| l.strip_prefix("client_secret: "))
                .expect("the secret is printed")
                .to_owned()
        } else {
            format!("{id}-secret-0123456789")
        };
        secrets.insert(id, secret);
    }
    if !server.kind.is_vhod() {
        secrets.insert("web-opaque", "web-opaque-secret-0123456789".into());
    }
    Clients(secrets)
}

pub async fn run(plan: Plan) -> bool {
    let window = Duration::from_millis(if plan.full { 2000 } else { 200 });
    println!("bounds: the primitives on the server core ({window:?} each)");
    let first = bounds::measure(window);
    let mut wrk = Wrk::new(&plan.dir);
    let mut kinds = Vec::new();
    if plan.embedded {
        kinds.push(Kind::Embedded);
    }
    if plan.production {
        kinds.push(Kind::Production);
    }
    if plan.peer {
        kinds.push(Kind::Peer);
    }
    let mut measured = Vec::new();
    let mut failures = Vec::new();
    let mut sizes = BTreeMap::new();
    for kind in kinds {
        println!("{}: starting", kind.label());
        let server = match kind {
            Kind::Peer => Server::peer(&plan.dir.join("logs")).await,
            _ => Server::vhod(kind, &plan.dir.join("logs")).await,
        };
        tokio::time::sleep(Duration::from_millis(500)).await;
        measured.push(Measured::idle(kind, server.rss_kib()));
        let mut target = Target::new(server, &plan, &first).await;
        let chosen = Workload::ALL.into_iter().filter(|w| {
            plan.only.is_empty() || plan.only.iter().any(|o| w.name().contains(o.as_str()))
        });
        for workload in chosen {
            // What the last workload left queued (password checks of
            // requests wrk gave up on) drains first.
            tokio::time::sleep(Duration::from_secs(1)).await;
            print!("{}: {} ... ", kind.label(), workload.name());
            let outcome = target.measure(workload, &mut wrk).await;
            match outcome {
                Ok((run, size)) => {
                    println!(
                        "{:.0}/s, p50 {:.2} ms{}",
                        run.per_sec,
                        run.p50_ms,
                        if run.ok() { "" } else { " — FAILED" }
                    );
                    if !run.ok() {
                        failures.push(format!(
                            "{} {}: {} requests, {} errors, pool ran out {} times",
                            kind.label(),
                            workload.name(),
                            run.requests,
                            run.errors,
                            run.pool_ran_out
                        ));
                    }
                    // The answer's size (for the static 200 of the bound)
                    // from the first of Vhod's backends that ran.
                    if kind != Kind::Peer {
                        sizes.entry(workload).or_insert(size);
                    }
                    measured.push(Measured::run(kind, workload, run));
                }
                Err(e) => {
                    println!("FAILED");
                    failures.push(format!("{} {}: {e}", kind.label(), workload.name()));
                }
            }
        }
        if plan.full {
            // Quiet again: what the server gives back once the load is
            // gone (Vhod lets password checks' memory go after 10 s).
            tokio::time::sleep(QUIET).await;
            measured.push(Measured::quiet(kind, target.server.rss_kib()));
        }
    }
    // The primitives once more: what another process on the machine took
    // from the first measurement shows as the difference; the faster of
    // the two is nearer to what the core can do.
    let primitives: Primitives = {
        let second = bounds::measure(window);
        first
            .iter()
            .map(|(name, rate)| (name.clone(), rate.max(second[name])))
            .collect()
    };
    // The static 200 of each row's size, on the same core, alone.
    let distinct: Vec<usize> = {
        let mut v: Vec<usize> = sizes.values().copied().collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let mut static_rates = BTreeMap::new();
    if !distinct.is_empty() {
        let server = Server::static_200(&distinct).await;
        for size in &distinct {
            let secs = plan.secs.min(3);
            let run = wrk
                .run(
                    &server.base,
                    &[Req::get(format!("/{size}"))],
                    false,
                    16,
                    secs,
                )
                .await;
            static_rates.insert(*size, run.per_sec);
        }
    }
    let mut bound = BTreeMap::new();
    for workload in Workload::ALL {
        if workload == Workload::LoginFlood {
            // Its bound is the same grant unloaded, from the same run.
            continue;
        }
        let (prims, http) = workload.costs();
        let Some(size) = sizes.get(&workload) else {
            continue;
        };
        let Some(static_rate) = static_rates.get(size) else {
            continue;
        };
        let mut costs: Vec<f64> = prims.iter().map(|p| primitives[*p]).collect();
        costs.extend(std::iter::repeat_n(*static_rate, http as usize));
        let mut what: Vec<String> = prims.iter().map(|p| (*p).to_owned()).collect();
        what.push(format!("{http}× static 200 of {size} B"));
        bound.insert(workload, (bounds::combine(&costs), what.join(" + ")));
    }
    let report = Report::new(&plan, primitives, static_rates, bound, measured);
    report::print(&report);
    let json = std::env::var("BENCH_JSON")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            plan.dir.join(if plan.full {
                "bench.json"
            } else {
                "smoke.json"
            })
        });
    std::fs::write(&json, serde_json::to_string_pretty(&report).unwrap()).unwrap();
    println!("JSON: {}", json.display());
    if failures.is_empty() {
        println!("every workload answered correctly");
        true
    } else {
        for f in &failures {
            eprintln!("FAILED: {f}");
        }
        false
    }
}

/// One server with its clients, a logged-in browser and what the pools
/// need.
/// How long a server is left alone after its last workload before its
/// idle RSS is read again.
const QUIET: Duration = Duration::from_secs(12);

struct Target<'p> {
    server: Server,
    plan: &'p Plan,
    primitives: &'p Primitives,
    clients: Clients,
    http: reqwest::Client,
    /// A browser with a session that has consented for `web`.
    browser: Arc<Browser>,
    /// The unloaded client_credentials RS256 rate, for the flood's bound.
    cc_alone: f64,
}

impl<'p> Target<'p> {
    async fn new(server: Server, plan: &'p Plan, primitives: &'p Primitives) -> Self {
        let clients = clients(&server);
        let target = Self {
            server,
            plan,
            primitives,
            clients,
            // Answers as they are: a 303 is the login's success.
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            browser: Arc::new(Browser::new()),
            cc_alone: 0.0,
        };
        // The session that logs in and consents once, and makes codes
        // afterwards.
        let url = flows::authorize_url(target.kind(), &target.server.base, "web", false);
        flows::walk(&target.browser, url, false)
            .await
            .expect("the first login of the run");
        target
    }

    fn kind(&self) -> Kind {
        self.server.kind
    }

    fn path(&self, endpoint: Endpoint) -> &'static str {
        self.kind().path(endpoint)
    }

    /// Items a pool needs so that it cannot run out within the run: the
    /// workload cannot go faster than its primitives allow.
    fn pool_size(&self, workload: Workload) -> usize {
        let (prims, _) = workload.costs();
        let costs: Vec<f64> = prims.iter().map(|p| self.primitives[*p]).collect();
        let most = bounds::combine(&costs) * self.plan.secs as f64;
        // The peer's libraries may be faster than Vhod's (its Argon2id is).
        let margin = if self.kind().is_vhod() { 2.0 } else { 2.5 };
        (most * margin) as usize + 4 * workload.connections() as usize
    }

    fn cc(&self, id: &str) -> Req {
        Req::post(
            self.path(Endpoint::Token),
            &[("grant_type", "client_credentials")],
        )
        .basic(id, self.clients.secret(id))
    }

    /// A code for `client`, from the logged-in browser.
    async fn code(&self, client: &str) -> Result<String, String> {
        Ok(self.codes(client, 1).await?.remove(0))
    }

    /// `n` codes for `client` from the logged-in browser, eight
    /// authorization requests at a time.
    async fn codes(&self, client: &str, n: usize) -> Result<Vec<String>, String> {
        let mut tasks = tokio::task::JoinSet::new();
        let per_task = n.div_ceil(8);
        for i in 0..8.min(n) {
            let count = per_task.min(n - i * per_task);
            let browser = self.browser.clone();
            let url = flows::authorize_url(self.kind(), &self.server.base, client, false);
            tasks.spawn(async move {
                let mut codes = Vec::with_capacity(count);
                for _ in 0..count {
                    match flows::walk(&browser, url.clone(), false).await? {
                        Stop::Code(code) => codes.push(code),
                        Stop::Login(_) => return Err("a login form where a code was due".into()),
                    }
                }
                Ok::<_, String>(codes)
            });
        }
        let mut out = Vec::with_capacity(n);
        while let Some(done) = tasks.join_next().await {
            out.extend(done.map_err(|e| e.to_string())??);
        }
        Ok(out)
    }

    fn exchange_req(&self, client: &str, code: &str) -> Req {
        Req::post(
            self.path(Endpoint::Token),
            &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", crate::servers::REDIRECT),
                ("code_verifier", crate::servers::VERIFIER),
            ],
        )
        .basic(client, self.clients.secret(client))
    }

    /// Tokens of a code exchange for `client`.
    async fn tokens(&self, client: &str) -> Result<serde_json::Value, String> {
        let code = self.code(client).await?;
        flows::exchange(
            &self.http,
            self.kind(),
            &self.server.base,
            (client, self.clients.secret(client)),
            &code,
        )
        .await
    }

    /// The requests of a workload: the pool for wrk (its first item
    /// already checked), and whether it rotates refresh tokens.
    async fn pool(&self, workload: Workload) -> Result<(Vec<Req>, bool, usize), String> {
        let kind = self.kind();
        let single = |req: Req| (vec![req], false);
        let (mut pool, rotate) = match workload {
            Workload::Discovery => single(Req::get(self.path(Endpoint::Discovery))),
            Workload::Jwks => single(Req::get(self.path(Endpoint::Jwks))),
            Workload::CcRs256 | Workload::LoginFlood => single(self.cc("cc-rs256")),
            Workload::CcEs256 => single(self.cc("cc-es256")),
            Workload::CcEdDsa => single(self.cc("cc-eddsa")),
            Workload::CodeExchange => {
                let codes = self.codes("web", self.pool_size(workload)).await?;
                (
                    codes.iter().map(|c| self.exchange_req("web", c)).collect(),
                    false,
                )
            }
            Workload::Refresh => {
                let families = 4 * workload.connections() as usize;
                let mut tokens = Vec::new();
                for code in self.codes("web", families).await? {
                    let body = flows::exchange(
                        &self.http,
                        kind,
                        &self.server.base,
                        ("web", self.clients.secret("web")),
                        &code,
                    )
                    .await?;
                    tokens.push(
                        body["refresh_token"]
                            .as_str()
                            .ok_or("no refresh token")?
                            .to_owned(),
                    );
                }
                let first = Req::post(
                    self.path(Endpoint::Token),
                    &[
                        ("grant_type", "refresh_token"),
                        ("refresh_token", &tokens[0]),
                    ],
                )
                .basic("web", self.clients.secret("web"));
                let mut pool = vec![first];
                pool.extend(tokens[1..].iter().map(|t| Req {
                    body: t.clone(),
                    ..Req::get("")
                }));
                (pool, true)
            }
            Workload::Userinfo | Workload::Introspection => {
                // The peer answers userinfo and introspection for its own
                // opaque tokens only.
                let client = if kind.is_vhod() { "web" } else { "web-opaque" };
                let tokens = self.tokens(client).await?;
                let at = tokens["access_token"].as_str().ok_or("no access token")?;
                let req = if workload == Workload::Userinfo {
                    Req::get(self.path(Endpoint::Userinfo))
                        .header("Authorization", format!("Bearer {at}"))
                } else {
                    Req::post(self.path(Endpoint::Introspect), &[("token", at)])
                        .basic(client, self.clients.secret(client))
                };
                single(req)
            }
            Workload::PasswordLogin => {
                let mut pool = Vec::new();
                for _ in 0..self.pool_size(workload) {
                    pool.push(
                        self.login_post(crate::servers::LOGIN, crate::servers::PASSWORD)
                            .await?,
                    );
                }
                (pool, false)
            }
            Workload::InteractiveFlow => unreachable!("driven by this program"),
        };
        let size = self.check(workload, &pool[0]).await?;
        if rotate {
            // The checked token has rotated: the next one leads the queue.
            let next = pool.remove(1).body;
            pool[0].body = format!("grant_type=refresh_token&refresh_token={next}");
        } else if pool.len() > 1 {
            pool.remove(0);
        }
        Ok((pool, rotate, size))
    }

    /// A login form opened by a fresh browser, filled, as a request for
    /// wrk (with that browser's cookies).
    async fn login_post(&self, login: &str, password: &str) -> Result<Req, String> {
        let b = Browser::new();
        let url = flows::authorize_url(self.kind(), &self.server.base, "web", false);
        let Stop::Login(form) = flows::walk(&b, url, true).await? else {
            return Err("no login form".into());
        };
        let mut fields: Vec<(&str, &str)> = form
            .fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        fields.extend([("login", login), ("password", password)]);
        let path = match form.action.query() {
            Some(q) => format!("{}?{q}", form.action.path()),
            None => form.action.path().to_owned(),
        };
        Ok(Req::post(path, &fields).header("Cookie", b.cookie_header(&form.action)))
    }

    /// Measures one workload; its run and the size of one answer.
    async fn measure(&mut self, workload: Workload, wrk: &mut Wrk) -> Result<(Run, usize), String> {
        let secs = self.plan.secs;
        let conns = workload.connections();
        if workload == Workload::InteractiveFlow {
            self.server.reset_peak();
            let mut run = self.interactive(secs).await;
            run.peak_rss_kib = self.server.peak_kib();
            // Its exchanges are mostly pages of about 4 KB.
            return Ok((run, 4096));
        }
        let (pool, rotate, size) = self.pool(workload).await?;
        let base = self.server.base.clone();
        if self.plan.warmup_secs > 0 && pool.len() == 1 {
            wrk.run(&base, &pool, false, conns, self.plan.warmup_secs)
                .await;
        }
        self.server.reset_peak();
        let mut run = if workload == Workload::LoginFlood {
            self.under_flood(wrk, &pool, secs).await?
        } else {
            wrk.run(&base, &pool, rotate, conns, secs).await
        };
        run.peak_rss_kib = self.server.peak_kib();
        if workload == Workload::CcRs256 {
            self.cc_alone = run.per_sec;
        }
        Ok((run, size))
    }
}
