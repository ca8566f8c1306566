//! A user agent that drives the provider's pages the way a person would:
//! it follows redirects within the provider, lets a [`LoginDriver`] fill
//! the login and consent forms, and stops when the provider redirects to
//! the client's redirect URI (captured, never fetched) or shows a page it
//! cannot act on (an error page, for the module to inspect).

use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use reqwest::blocking::Client;
use scraper::{Html, Selector};
use url::Url;

use crate::config::FormFields;
use crate::http::Reply;

/// Where an authorization request ended.
#[derive(Debug, Clone)]
pub enum Landing {
    /// The provider sent the browser to a URI outside itself.
    Redirect(Url),
    /// A page the driver could not act on.
    Page { url: Url, reply: Reply },
}

/// A form to submit.
#[derive(Debug, Clone)]
pub struct Submission {
    pub action: Url,
    pub fields: Vec<(String, String)>,
}

/// Fills a provider's login and consent forms. Implement it to plug in a
/// provider whose pages differ from the UI-automation contract.
pub trait LoginDriver {
    /// What to submit on this page, or `None` if it is not a login or
    /// consent page.
    fn next(&self, url: &Url, html: &str, login: &str, password: &str) -> Option<Submission>;
}

/// The default driver: forms with fields named as in [`FormFields`]. Hidden
/// inputs (CSRF tokens, flow ids) are sent back as they are.
pub struct FormDriver {
    pub fields: FormFields,
}

struct Form {
    action: Url,
    method: String,
    inputs: Vec<(String, String, String)>,
    buttons: Vec<(String, String)>,
}

fn forms(url: &Url, html: &str) -> Vec<Form> {
    let doc = Html::parse_document(html);
    let form_sel = Selector::parse("form").expect("selector");
    let input_sel = Selector::parse("input").expect("selector");
    let button_sel = Selector::parse("button").expect("selector");
    doc.select(&form_sel)
        .filter_map(|form| {
            let action = form.value().attr("action").unwrap_or("");
            let action = url.join(action).ok()?;
            let method = form
                .value()
                .attr("method")
                .unwrap_or("get")
                .to_ascii_lowercase();
            let inputs = form
                .select(&input_sel)
                .filter_map(|i| {
                    let name = i.value().attr("name")?.to_owned();
                    let kind = i
                        .value()
                        .attr("type")
                        .unwrap_or("text")
                        .to_ascii_lowercase();
                    Some((name, kind, i.value().attr("value").unwrap_or("").to_owned()))
                })
                .collect();
            let buttons = form
                .select(&button_sel)
                .filter_map(|b| {
                    Some((
                        b.value().attr("name")?.to_owned(),
                        b.value().attr("value").unwrap_or("").to_owned(),
                    ))
                })
                .collect();
            Some(Form {
                action,
                method,
                inputs,
                buttons,
            })
        })
        .collect()
}

impl LoginDriver for FormDriver {
    fn next(&self, url: &Url, html: &str, login: &str, password: &str) -> Option<Submission> {
        let f = &self.fields;
        for form in forms(url, html) {
            if form.method != "post" {
                continue;
            }
            let has = |name: &str| form.inputs.iter().any(|(n, _, _)| n == name);
            let hidden = || {
                form.inputs
                    .iter()
                    .filter(|(_, kind, _)| kind == "hidden")
                    .map(|(n, _, v)| (n.clone(), v.clone()))
                    .collect::<Vec<_>>()
            };
            if has(&f.login) && has(&f.password) {
                let mut fields = hidden();
                fields.push((f.login.clone(), login.to_owned()));
                fields.push((f.password.clone(), password.to_owned()));
                return Some(Submission {
                    action: form.action,
                    fields,
                });
            }
            if form
                .buttons
                .iter()
                .any(|(n, v)| *n == f.consent_name && *v == f.consent_allow)
            {
                let mut fields = hidden();
                fields.push((f.consent_name.clone(), f.consent_allow.clone()));
                return Some(Submission {
                    action: form.action,
                    fields,
                });
            }
        }
        None
    }
}

/// A driver that fills nothing.
struct Passive;

impl LoginDriver for Passive {
    fn next(&self, _: &Url, _: &str, _: &str, _: &str) -> Option<Submission> {
        None
    }
}

/// A browser: cookies kept, redirects followed by hand.
pub struct UserAgent {
    http: Client,
    /// The provider's origin: redirects elsewhere end the walk.
    origin: String,
}

impl UserAgent {
    pub fn new(issuer: &str) -> Self {
        let origin = Url::parse(issuer)
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_else(|_| issuer.to_owned());
        Self {
            http: Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(20))
                .build()
                .expect("HTTP client"),
            origin,
        }
    }

    fn inside(&self, url: &Url) -> bool {
        url.origin().ascii_serialization() == self.origin
    }

    /// Opens `url` (GET) and walks through login and consent.
    pub fn open(
        &self,
        url: &Url,
        driver: &dyn LoginDriver,
        login: &str,
        password: &str,
    ) -> anyhow::Result<Landing> {
        let res = self
            .http
            .get(url.clone())
            .send()
            .with_context(|| format!("GET {url}"))?;
        self.walk(res, driver, login, password)
    }

    /// Sends an authorization request as a form POST and walks on.
    pub fn open_post(
        &self,
        url: &Url,
        form: &[(String, String)],
        driver: &dyn LoginDriver,
        login: &str,
        password: &str,
    ) -> anyhow::Result<Landing> {
        let res = self
            .http
            .post(url.clone())
            .form(form)
            .send()
            .with_context(|| format!("POST {url}"))?;
        self.walk(res, driver, login, password)
    }

    /// Submits the first POST form of a page (a logout confirmation, say)
    /// with its hidden fields and its first named button, and walks on
    /// without filling anything else.
    pub fn submit_first_form(&self, url: &Url, html: &str) -> anyhow::Result<Option<Landing>> {
        let Some(form) = forms(url, html).into_iter().find(|f| f.method == "post") else {
            return Ok(None);
        };
        let mut fields: Vec<(String, String)> = form
            .inputs
            .iter()
            .filter(|(_, kind, _)| kind == "hidden")
            .map(|(n, _, v)| (n.clone(), v.clone()))
            .collect();
        fields.extend(form.buttons.first().cloned());
        let res = self
            .http
            .post(form.action.clone())
            .form(&fields)
            .send()
            .with_context(|| format!("POST {}", form.action))?;
        let landing = self.walk(res, &Passive, "", "")?;
        Ok(Some(landing))
    }

    /// Opens `url` without acting on any page.
    pub fn visit(&self, url: &Url) -> anyhow::Result<Landing> {
        self.open(url, &Passive, "", "")
    }

    fn walk(
        &self,
        mut res: reqwest::blocking::Response,
        driver: &dyn LoginDriver,
        login: &str,
        password: &str,
    ) -> anyhow::Result<Landing> {
        for _ in 0..20 {
            let url = res.url().clone();
            if res.status().is_redirection() {
                let location = res
                    .headers()
                    .get("location")
                    .and_then(|v| v.to_str().ok())
                    .ok_or_else(|| anyhow!("a redirect from {url} without Location"))?;
                let next = url
                    .join(location)
                    .with_context(|| format!("bad Location {location}"))?;
                if !self.inside(&next) {
                    return Ok(Landing::Redirect(next));
                }
                res = self
                    .http
                    .get(next.clone())
                    .send()
                    .with_context(|| format!("GET {next}"))?;
                continue;
            }
            let reply = Reply::read(res)?;
            let is_html = reply
                .header("content-type")
                .is_some_and(|c| c.contains("html"));
            let step = if reply.status == 200 && is_html {
                driver.next(&url, &reply.body, login, password)
            } else {
                None
            };
            let Some(step) = step else {
                return Ok(Landing::Page { url, reply });
            };
            res = self
                .http
                .post(step.action.clone())
                .form(&step.fields)
                .send()
                .with_context(|| format!("POST {}", step.action))?;
        }
        bail!("more than 20 steps without reaching the redirect URI")
    }
}
