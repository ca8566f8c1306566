//! What this program drives itself rather than through wrk: the one
//! request of each workload checked by hand, the whole interactive flow,
//! and the flood of wrong passwords.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::{Target, Workload};
use crate::flows::{self, Browser, Stop};
use crate::load::{Req, Run, Wrk};

impl Target<'_> {
    /// Sends `req` once and checks the answer; returns the body's size.
    pub(super) async fn check(&self, workload: Workload, req: &Req) -> Result<usize, String> {
        let url = format!("{}{}", self.server.base, req.path);
        let mut builder = self
            .http
            .request(req.method.parse().unwrap(), &url)
            .body(req.body.clone());
        for (name, value) in &req.headers {
            builder = builder.header(name, value);
        }
        let res = builder.send().await.map_err(|e| e.to_string())?;
        let status = res.status().as_u16();
        let body = res.text().await.map_err(|e| e.to_string())?;
        let json: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        let fail = |why: &str| {
            let body: String = match body.find("class=\"error\"") {
                Some(at) => body[at..].chars().take(300).collect(),
                None => body.chars().take(600).collect(),
            };
            Err(format!("{why}: {status} {body} (sent {req:?})"))
        };
        let ok = match workload {
            Workload::Discovery => status == 200 && json["issuer"] == self.server.base.as_str(),
            Workload::Jwks => {
                status == 200 && json["keys"].as_array().is_some_and(|k| k.len() >= 3)
            }
            Workload::CcRs256 | Workload::CcEs256 | Workload::CcEdDsa | Workload::LoginFlood => {
                let alg = match workload {
                    Workload::CcEs256 => "ES256",
                    Workload::CcEdDsa => "EdDSA",
                    _ => "RS256",
                };
                status == 200 && jwt_header(&json["access_token"])["alg"] == alg
            }
            Workload::CodeExchange => {
                status == 200
                    && jwt_header(&json["id_token"])["alg"] == "RS256"
                    && jwt_header(&json["access_token"])["alg"] == "ES256"
            }
            Workload::Refresh => status == 200 && json["refresh_token"].is_string(),
            Workload::Userinfo => status == 200 && json["sub"].is_string(),
            Workload::Introspection => status == 200 && json["active"] == true,
            Workload::PasswordLogin | Workload::InteractiveFlow => status == 303,
        };
        if ok {
            Ok(body.len())
        } else {
            fail("unexpected answer")
        }
    }

    /// Whole logins by fresh browsers, `connections()` at a time: the
    /// authorization request, the login page, the password, consent
    /// (forced with `prompt=consent`), the code and its exchange.
    pub(super) async fn interactive(&self, secs: u64) -> Run {
        let started = Instant::now();
        let end = started + Duration::from_secs(secs);
        let kind = self.kind();
        let mut tasks = Vec::new();
        for _ in 0..Workload::InteractiveFlow.connections() {
            let base = self.server.base.clone();
            let secret = self.clients.secret("web").to_owned();
            tasks.push(tokio::spawn(async move {
                let (mut times, mut errors) = (Vec::new(), 0u64);
                while Instant::now() < end {
                    let t = Instant::now();
                    let b = Browser::new();
                    let url = flows::authorize_url(kind, &base, "web", true);
                    let done = match flows::walk(&b, url, false).await {
                        Ok(Stop::Code(code)) => {
                            flows::exchange(&b.http, kind, &base, ("web", &secret), &code)
                                .await
                                .map(drop)
                        }
                        Ok(Stop::Login(_)) => Err("stopped at a login form".into()),
                        Err(e) => Err(e),
                    };
                    match done {
                        Ok(()) => times.push(t.elapsed()),
                        Err(e) => {
                            if errors == 0 {
                                eprintln!("{}: a flow failed: {e}", kind.label());
                            }
                            errors += 1;
                        }
                    }
                }
                (times, errors)
            }));
        }
        let (mut times, mut errors) = (Vec::new(), 0);
        for task in tasks {
            let (t, e) = task.await.unwrap();
            times.extend(t);
            errors += e;
        }
        Run::from_times(times, errors, started.elapsed())
    }

    /// client_credentials RS256 while 32 browsers post wrong passwords for
    /// unknown logins as fast as they are answered (a pause of 100 ms
    /// after "busy"), as idp/benches/login_flood.rs does.
    pub(super) async fn under_flood(
        &self,
        wrk: &mut Wrk,
        pool: &[Req],
        secs: u64,
    ) -> Result<Run, String> {
        let stop = Arc::new(AtomicBool::new(false));
        let answered = Arc::new(AtomicU64::new(0));
        let mut posters = Vec::new();
        for i in 0..32 {
            let form = self
                .login_post(&format!("nobody-{i}@flood.test"), "Wrong-pass1!")
                .await?;
            let url = format!("{}{}", self.server.base, form.path);
            let (stop, answered) = (stop.clone(), answered.clone());
            posters.push(tokio::spawn(async move {
                let http = reqwest::Client::new();
                while !stop.load(Ordering::Relaxed) {
                    let mut req = http.post(&url).body(form.body.clone());
                    for (name, value) in &form.headers {
                        req = req.header(name, value);
                    }
                    match req.send().await.map(|r| r.status().as_u16()) {
                        Ok(503) | Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
                        Ok(_) => {
                            answered.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            }));
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        let before = answered.load(Ordering::Relaxed);
        let run = wrk
            .run(
                &self.server.base,
                pool,
                false,
                Workload::LoginFlood.connections(),
                secs,
            )
            .await;
        let checked = answered.load(Ordering::Relaxed) - before;
        stop.store(true, Ordering::Relaxed);
        for poster in posters {
            let _ = poster.await;
        }
        if checked == 0 {
            return Err("the flood's wrong passwords got no answer".into());
        }
        Ok(run)
    }
}

fn jwt_header(token: &serde_json::Value) -> serde_json::Value {
    use base64::Engine;
    token
        .as_str()
        .and_then(|t| t.split('.').next())
        .and_then(|h| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(h)
                .ok()
        })
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}
