//! Talking to the provider: discovery, JWKS and the back-channel endpoints.

use std::time::Duration;

use anyhow::{Context, anyhow};
use reqwest::blocking::{Client, RequestBuilder};
use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::config::ClientCreds;

/// A response read whole.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn read(res: reqwest::blocking::Response) -> anyhow::Result<Self> {
        Ok(Self {
            status: res.status().as_u16(),
            headers: res.headers().clone(),
            body: res.text()?,
        })
    }

    pub fn json(&self) -> Option<Value> {
        serde_json::from_str(&self.body).ok()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn field(&self, name: &str) -> Option<String> {
        self.json()
            .and_then(|j| j.get(name).and_then(|v| v.as_str()).map(str::to_owned))
    }
}

/// How a client authenticates at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuth {
    Basic,
    Post,
    /// Public client: `client_id` in the body, no secret.
    None,
}

/// The provider under test, as its discovery document describes it.
pub struct Provider {
    pub issuer: String,
    pub meta: Value,
    pub jwks: Value,
    pub discovery_reply: Reply,
    http: Client,
}

pub fn client() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .expect("HTTP client")
}

impl Provider {
    pub fn discover(issuer: &str) -> anyhow::Result<Self> {
        let http = client();
        let url = format!(
            "{}/.well-known/openid-configuration",
            issuer.trim_end_matches('/')
        );
        let reply = Reply::read(
            http.get(&url)
                .send()
                .with_context(|| format!("GET {url}"))?,
        )?;
        let meta = reply
            .json()
            .ok_or_else(|| anyhow!("{url} did not return JSON (status {})", reply.status))?;
        let jwks_uri = meta["jwks_uri"]
            .as_str()
            .ok_or_else(|| anyhow!("the discovery document has no jwks_uri"))?;
        let jwks = http
            .get(jwks_uri)
            .send()
            .and_then(|r| r.json::<Value>())
            .with_context(|| format!("GET {jwks_uri}"))?;
        Ok(Self {
            issuer: issuer.to_owned(),
            meta,
            jwks,
            discovery_reply: reply,
            http,
        })
    }

    /// An endpoint URL from the discovery document.
    pub fn endpoint(&self, name: &str) -> anyhow::Result<String> {
        self.meta[name]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| anyhow!("the discovery document has no {name}"))
    }

    pub fn supports(&self, field: &str, value: &str) -> bool {
        self.meta[field]
            .as_array()
            .is_some_and(|a| a.iter().any(|v| v == value))
    }

    fn authenticated(
        &self,
        req: RequestBuilder,
        client: &ClientCreds,
        auth: ClientAuth,
        form: &mut Vec<(String, String)>,
    ) -> RequestBuilder {
        match auth {
            ClientAuth::Basic => {
                let enc = |s: &str| {
                    url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>()
                };
                req.basic_auth(enc(&client.id), client.secret.as_deref().map(enc))
            }
            ClientAuth::Post => {
                form.push(("client_id".into(), client.id.clone()));
                if let Some(secret) = &client.secret {
                    form.push(("client_secret".into(), secret.clone()));
                }
                req
            }
            ClientAuth::None => {
                form.push(("client_id".into(), client.id.clone()));
                req
            }
        }
    }

    /// POSTs a form to a back-channel endpoint as `client`.
    pub fn post_as(
        &self,
        endpoint: &str,
        client: &ClientCreds,
        auth: ClientAuth,
        form: &[(&str, &str)],
    ) -> anyhow::Result<Reply> {
        let url = self.endpoint(endpoint)?;
        let mut fields: Vec<(String, String)> = form
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let req = self.authenticated(self.http.post(&url), client, auth, &mut fields);
        Reply::read(
            req.form(&fields)
                .send()
                .with_context(|| format!("POST {url}"))?,
        )
    }

    pub fn token(
        &self,
        client: &ClientCreds,
        auth: ClientAuth,
        form: &[(&str, &str)],
    ) -> anyhow::Result<Reply> {
        self.post_as("token_endpoint", client, auth, form)
    }

    /// UserInfo with the token in the header (GET or POST) or in a POST body.
    pub fn userinfo(&self, token: &str, how: UserinfoStyle) -> anyhow::Result<Reply> {
        let url = self.endpoint("userinfo_endpoint")?;
        let req = match how {
            UserinfoStyle::GetHeader => self.http.get(&url).bearer_auth(token),
            UserinfoStyle::PostHeader => self.http.post(&url).bearer_auth(token),
            UserinfoStyle::PostBody => self.http.post(&url).form(&[("access_token", token)]),
        };
        Reply::read(req.send().with_context(|| format!("userinfo {url}"))?)
    }

    pub fn get(&self, url: &str) -> anyhow::Result<Reply> {
        Reply::read(
            self.http
                .get(url)
                .send()
                .with_context(|| format!("GET {url}"))?,
        )
    }
}

#[derive(Debug, Clone, Copy)]
pub enum UserinfoStyle {
    GetHeader,
    PostHeader,
    PostBody,
}
