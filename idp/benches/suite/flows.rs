//! A person in a browser, through the public pages only: Vhod's login and
//! consent pages, or node-oidc-provider's interactions (bench/peer). Both
//! are plain HTML forms: the walk follows redirects, fills a form with a
//! `password` field with the demo login, answers `decision=allow` on a
//! consent form, and stops at the portal's callback.

use std::sync::Arc;

use reqwest::cookie::{CookieStore, Jar};
use url::Url;

use crate::servers::{CHALLENGE, Endpoint, Kind, LOGIN, PASSWORD, REDIRECT, VERIFIER};

pub struct Browser {
    pub http: reqwest::Client,
    pub jar: Arc<Jar>,
}

impl Browser {
    pub fn new() -> Self {
        let jar = Arc::new(Jar::default());
        let http = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self { http, jar }
    }

    /// The `Cookie` header this browser sends to `url`.
    pub fn cookie_header(&self, url: &Url) -> String {
        self.jar
            .cookies(url)
            .map(|v| v.to_str().unwrap_or_default().to_owned())
            .unwrap_or_default()
    }
}

/// The authorization request of the `web` client (PKCE, `openid`, and
/// `offline_access` where Vhod needs it for a refresh token).
pub fn authorize_url(kind: Kind, base: &str, client: &str, prompt_consent: bool) -> Url {
    let scope = if kind.is_vhod() {
        "openid offline_access"
    } else {
        "openid"
    };
    let mut url = Url::parse(&format!("{base}{}", kind.path(Endpoint::Authorize))).unwrap();
    url.query_pairs_mut()
        .append_pair("client_id", client)
        .append_pair("redirect_uri", REDIRECT)
        .append_pair("response_type", "code")
        .append_pair("scope", scope)
        .append_pair("state", "bench")
        .append_pair("code_challenge", CHALLENGE)
        .append_pair("code_challenge_method", "S256");
    if prompt_consent {
        url.query_pairs_mut().append_pair("prompt", "consent");
    }
    url
}

/// A page's POST form: where it goes and its hidden fields.
pub struct Form {
    pub action: Url,
    pub fields: Vec<(String, String)>,
    pub login: bool,
}

/// The first POST form of `page`, or `None`.
pub fn form(page: &str, at: &Url) -> Option<Form> {
    let start = page.find("<form method=\"post\"")?;
    let tag_end = page[start..].find('>')? + start;
    let action = attr(&page[start..tag_end], "action")?;
    let end = page[tag_end..]
        .find("</form>")
        .map_or(page.len(), |e| e + tag_end);
    let body = &page[tag_end..end];
    let mut fields = Vec::new();
    for input in body.split("<input").skip(1) {
        let tag = &input[..input.find('>').unwrap_or(input.len())];
        if attr(tag, "type").as_deref() == Some("hidden")
            && let (Some(name), Some(value)) = (attr(tag, "name"), attr(tag, "value"))
        {
            fields.push((name, value));
        }
    }
    Some(Form {
        action: at.join(&action).ok()?,
        fields,
        login: body.contains("name=\"password\""),
    })
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    let end = tag[start..].find('"')? + start;
    Some(unescape(&tag[start..end]))
}

/// The entities askama and the peer's pages use in attribute values.
fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("&#") {
        out.push_str(&rest[..at]);
        let Some(end) = rest[at..].find(';') else {
            break;
        };
        let code = &rest[at + 2..at + end];
        let n = match code.strip_prefix('x') {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => code.parse().ok(),
        };
        out.push(n.and_then(char::from_u32).unwrap_or('?'));
        rest = &rest[at + end + 1..];
    }
    out.push_str(rest);
    out.replace("&amp;", "&").replace("&quot;", "\"")
}

/// Where a walk stopped.
pub enum Stop {
    /// The portal's callback: the code.
    Code(String),
    /// A login form, not filled (for the pools of login posts).
    Login(Form),
}

/// Follows `url` as a browser would, filling the login form (unless
/// `stop_at_login`) and allowing consent, until the callback.
pub async fn walk(b: &Browser, mut url: Url, stop_at_login: bool) -> Result<Stop, String> {
    for _ in 0..20 {
        if url.as_str().starts_with(REDIRECT) {
            let code = url
                .query_pairs()
                .find(|(k, _)| k == "code")
                .map(|(_, v)| v.into_owned())
                .ok_or_else(|| format!("callback without a code: {url}"))?;
            return Ok(Stop::Code(code));
        }
        let res = b
            .http
            .get(url.clone())
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if let Some(next) = location(&res, &url) {
            url = next;
            continue;
        }
        let status = res.status();
        let page = res.text().await.map_err(|e| e.to_string())?;
        let form = form(&page, &url).ok_or_else(|| format!("{status} at {url}: {page}"))?;
        if form.login && stop_at_login {
            return Ok(Stop::Login(form));
        }
        let mut fields = form.fields.clone();
        if form.login {
            fields.push(("login".into(), LOGIN.into()));
            fields.push(("password".into(), PASSWORD.into()));
        } else {
            fields.push(("decision".into(), "allow".into()));
        }
        let res = b
            .http
            .post(form.action.clone())
            .form(&fields)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let at = form.action.clone();
        url = location(&res, &at).ok_or_else(|| format!("{} from {at}", res.status()))?;
    }
    Err("more than 20 steps".into())
}

fn location(res: &reqwest::Response, at: &Url) -> Option<Url> {
    if !res.status().is_redirection() {
        return None;
    }
    at.join(res.headers().get("location")?.to_str().ok()?).ok()
}

/// The token endpoint's answer to a code exchange, as JSON.
pub async fn exchange(
    http: &reqwest::Client,
    kind: Kind,
    base: &str,
    client: (&str, &str),
    code: &str,
) -> Result<serde_json::Value, String> {
    let res = http
        .post(format!("{base}{}", kind.path(Endpoint::Token)))
        .basic_auth(client.0, Some(client.1))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ])
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = res.status();
    let body: serde_json::Value = res.json().await.map_err(|e| e.to_string())?;
    if status != 200 || body["id_token"].as_str().is_none() {
        return Err(format!("code exchange: {status} {body}"));
    }
    Ok(body)
}
