//! A person's browser and a portal's back end, over real HTTP: the login
//! and consent pages as forms, the code exchange and refresh at /token.
//! Each step may go to another node (or to nginx), which is the point.

use std::net::IpAddr;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::Value;

/// The portal's callback; never contacted, the code is read off the
/// redirect.
pub const REDIRECT: &str = "http://127.0.0.1:8090/callback";
pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
pub const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
pub const PASSWORD: &str = "Cluster-pass1!";

/// A request that did not give the expected answer: its status when there
/// was one (`None`: no answer at all), and what happened.
#[derive(Debug, Clone)]
pub struct Failure {
    pub status: Option<u16>,
    pub what: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.status {
            Some(s) => write!(f, "{s}: {}", self.what),
            None => write!(f, "no answer: {}", self.what),
        }
    }
}

fn failed(status: Option<u16>, what: impl Into<String>) -> Failure {
    Failure {
        status,
        what: what.into(),
    }
}

/// Where a login ended: the code, and which base served each step.
pub struct Walk {
    pub code: String,
    pub steps: Vec<String>,
    /// The base whose answer carried the code.
    pub issued_by: String,
}

pub struct Browser {
    pub http: reqwest::Client,
}

impl Browser {
    /// A browser on 127.0.0.1.
    pub fn new() -> Self {
        Self::build(None, None)
    }

    /// A browser whose connections come from `ip` (another loopback
    /// address: a client of its own as nginx sees it).
    pub fn from(ip: &str) -> Self {
        Self::build(Some(ip.parse().unwrap()), None)
    }

    /// The same, also writing its own `X-Forwarded-For` (a spoof).
    pub fn spoofing(ip: &str, forwarded_for: &str) -> Self {
        Self::build(Some(ip.parse().unwrap()), Some(forwarded_for))
    }

    fn build(local: Option<IpAddr>, forwarded_for: Option<&str>) -> Self {
        let mut headers = HeaderMap::new();
        if let Some(xff) = forwarded_for {
            headers.insert("x-forwarded-for", HeaderValue::from_str(xff).unwrap());
        }
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .local_address(local)
            .default_headers(headers)
            .build()
            .unwrap();
        Self { http }
    }

    /// Logs `login` in for `client`, step by step: the i-th request goes to
    /// `bases[i % bases.len()]`. Consent is given when asked.
    pub async fn login(
        &self,
        bases: &[&str],
        client: &str,
        login: &str,
        password: &str,
    ) -> Result<Walk, Failure> {
        let mut next = Step::Get(authorize_path(client));
        let mut steps = Vec::new();
        let mut posted_login = false;
        for i in 0..12 {
            let base = bases[i % bases.len()];
            steps.push(base.to_owned());
            let req = match &next {
                Step::Get(path) => self.http.get(format!("{base}{path}")),
                Step::Post(path, form) => self.http.post(format!("{base}{path}")).form(form),
            };
            let res = req
                .send()
                .await
                .map_err(|e| failed(None, format!("{base}: {e}")))?;
            let status = res.status().as_u16();
            if res.status().is_redirection() {
                let location = res
                    .headers()
                    .get("location")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                if location.starts_with(REDIRECT) {
                    let url = url::Url::parse(&location).unwrap();
                    let code = url
                        .query_pairs()
                        .find(|(k, _)| k == "code")
                        .map(|(_, v)| v.into_owned())
                        .ok_or_else(|| failed(Some(status), format!("no code: {location}")))?;
                    return Ok(Walk {
                        code,
                        steps,
                        issued_by: base.to_owned(),
                    });
                }
                next = Step::Get(path_of(&location));
                continue;
            }
            let body = res
                .text()
                .await
                .map_err(|e| failed(Some(status), e.to_string()))?;
            if body.contains("name=\"password\"") && !posted_login && status == 200 {
                posted_login = true;
                next = Step::Post(
                    "/login".into(),
                    vec![
                        ("csrf".into(), hidden(&body, "csrf")?),
                        ("flow".into(), hidden(&body, "flow")?),
                        ("login".into(), login.into()),
                        ("password".into(), password.into()),
                    ],
                );
            } else if body.contains("name=\"decision\"") && status == 200 {
                next = Step::Post(
                    "/consent".into(),
                    vec![
                        ("csrf".into(), hidden(&body, "csrf")?),
                        ("flow".into(), hidden(&body, "flow")?),
                        ("decision".into(), "allow".into()),
                    ],
                );
            } else {
                let what: String = body.chars().take(300).collect();
                return Err(failed(Some(status), format!("{base}: {what}")));
            }
        }
        Err(failed(None, "more than 12 steps"))
    }
}

enum Step {
    Get(String),
    Post(String, Vec<(String, String)>),
}

pub fn authorize_path(client: &str) -> String {
    let mut url = url::Url::parse("http://x/authorize").unwrap();
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", client)
        .append_pair("redirect_uri", REDIRECT)
        .append_pair("scope", "openid offline_access")
        .append_pair("state", "cluster")
        .append_pair("nonce", "cluster-nonce")
        .append_pair("code_challenge", CHALLENGE)
        .append_pair("code_challenge_method", "S256");
    format!("{}?{}", url.path(), url.query().unwrap())
}

/// The path and query of a redirect, absolute (to the issuer) or not.
fn path_of(location: &str) -> String {
    match url::Url::parse(location) {
        Ok(url) => match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        },
        Err(_) => location.to_owned(),
    }
}

/// A hidden form field's value, with the entities askama writes.
fn hidden(body: &str, name: &str) -> Result<String, Failure> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = body
        .find(&marker)
        .ok_or_else(|| failed(None, format!("no field `{name}`")))?
        + marker.len();
    let end = body[start..].find('"').unwrap() + start;
    Ok(body[start..end]
        .replace("&#x2d;", "-")
        .replace("&#45;", "-")
        .replace("&#x2b;", "+")
        .replace("&#43;", "+")
        .replace("&#x2f;", "/")
        .replace("&#47;", "/")
        .replace("&#x3d;", "=")
        .replace("&#61;", "=")
        .replace("&amp;", "&"))
}

/// The portal's side: a confidential client at /token.
pub struct Portal {
    pub http: reqwest::Client,
    pub id: String,
    pub secret: String,
}

impl Portal {
    pub fn new(id: &str, secret: &str) -> Self {
        Self {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap(),
            id: id.into(),
            secret: secret.into(),
        }
    }

    async fn token(&self, base: &str, form: &[(&str, &str)]) -> Result<(u16, Value), Failure> {
        let res = self
            .http
            .post(format!("{base}/token"))
            .basic_auth(&self.id, Some(&self.secret))
            .form(form)
            .send()
            .await
            .map_err(|e| failed(None, format!("{base}/token: {e}")))?;
        let status = res.status().as_u16();
        let text = res.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text)
            .map_err(|_| failed(Some(status), format!("{base}/token: {text}")))?;
        Ok((status, body))
    }

    /// Redeems a code at `base`; the token response.
    pub async fn exchange(&self, base: &str, code: &str) -> Result<Value, Failure> {
        let (status, body) = self
            .token(
                base,
                &[
                    ("grant_type", "authorization_code"),
                    ("code", code),
                    ("redirect_uri", REDIRECT),
                    ("code_verifier", VERIFIER),
                ],
            )
            .await?;
        if status != 200 || !body["id_token"].is_string() {
            return Err(failed(
                Some(status),
                format!("code exchange at {base}: {body}"),
            ));
        }
        Ok(body)
    }

    /// A refresh at `base`: its status and answer, whatever they are.
    pub async fn refresh(&self, base: &str, token: &str) -> Result<(u16, Value), Failure> {
        self.token(
            base,
            &[("grant_type", "refresh_token"), ("refresh_token", token)],
        )
        .await
    }
}
