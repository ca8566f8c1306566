//! The test modules, named after the OpenID Foundation's, and the context
//! they share: the provider, the clients, and the helpers that run an
//! authorization and a code exchange with the checks every module makes.

mod basic;
mod beyond;
mod config_op;
mod esia;
mod logout;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use serde_json::Value;
use url::Url;

use crate::browser::{Landing, LoginDriver, UserAgent};
use crate::check::{self, IdTokenExpect, OrFail, Outcome, Res};
use crate::config::{ClientCreds, SuiteConfig};
use crate::ensure;
use crate::http::{ClientAuth, Provider, Reply};

/// One test module.
pub struct Module {
    pub name: &'static str,
    /// The plan it belongs to, as in the OIDF suite.
    pub plan: &'static str,
    /// The specification section it checks.
    pub spec: &'static str,
    pub run: fn(&Ctx) -> Res,
}

/// Every module, in the order the plans list them.
pub fn all() -> Vec<Module> {
    let mut modules = Vec::new();
    modules.extend(config_op::modules());
    modules.extend(basic::modules());
    modules.extend(logout::modules());
    modules.extend(beyond::modules());
    modules.extend(esia::modules());
    modules
}

/// What every module works with.
pub struct Ctx<'a> {
    pub cfg: &'a SuiteConfig,
    pub op: &'a Provider,
    pub driver: &'a dyn LoginDriver,
}

pub fn random(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// An authorization request under construction.
#[derive(Debug, Clone)]
pub struct AuthRequest {
    pub client: ClientCreds,
    pub params: Vec<(String, String)>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub verifier: Option<String>,
}

impl AuthRequest {
    /// Sets (or, with an empty value, removes) a parameter.
    pub fn set(mut self, name: &str, value: &str) -> Self {
        self.params.retain(|(n, _)| n != name);
        if !value.is_empty() {
            self.params.push((name.into(), value.into()));
        }
        match name {
            "state" => self.state = (!value.is_empty()).then(|| value.to_owned()),
            "nonce" => self.nonce = (!value.is_empty()).then(|| value.to_owned()),
            "code_challenge" if value.is_empty() => {
                self.verifier = None;
                self.params.retain(|(n, _)| n != "code_challenge_method");
            }
            _ => {}
        }
        self
    }

    /// Adds PKCE S256 with a fresh verifier.
    pub fn pkce(mut self) -> Self {
        let verifier = random(32);
        let digest = ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes());
        let challenge = URL_SAFE_NO_PAD.encode(digest.as_ref());
        self = self
            .set("code_challenge", &challenge)
            .set("code_challenge_method", "S256");
        self.verifier = Some(verifier);
        self
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn url(&self, op: &Provider) -> Result<Url, Outcome> {
        let mut url = Url::parse(&op.endpoint("authorization_endpoint").or_fail("discovery")?)
            .or_fail("authorization_endpoint")?;
        url.query_pairs_mut().extend_pairs(&self.params);
        Ok(url)
    }
}

/// A finished code flow.
pub struct Code {
    pub callback: Url,
    pub code: String,
}

/// A successful token response, checked.
pub struct Tokens {
    pub json: Value,
    pub id_claims: Value,
    pub access_token: String,
}

impl<'a> Ctx<'a> {
    /// `openid` code request for the main client with state, nonce and PKCE.
    pub fn request(&self) -> AuthRequest {
        self.request_for(&self.cfg.client)
    }

    /// A request for refresh tokens: `offline_access` where the provider
    /// offers it, with `prompt=consent` as OpenID Connect Core §11 asks.
    pub fn offline_request(&self) -> AuthRequest {
        let scope = if self.op.supports("scopes_supported", "offline_access") {
            "openid offline_access"
        } else {
            "openid"
        };
        self.request().set("scope", scope).set("prompt", "consent")
    }

    pub fn request_for(&self, client: &ClientCreds) -> AuthRequest {
        AuthRequest {
            client: client.clone(),
            params: Vec::new(),
            state: None,
            nonce: None,
            verifier: None,
        }
        .set("response_type", "code")
        .set("client_id", &client.id)
        .set("redirect_uri", &self.cfg.redirect_uri)
        .set("scope", "openid")
        .set("state", &random(16))
        .set("nonce", &random(16))
        .pkce()
    }

    pub fn browser(&self) -> UserAgent {
        UserAgent::new(&self.op.issuer)
    }

    /// Sends the request in `ua` and walks through login and consent.
    pub fn authorize(&self, ua: &UserAgent, req: &AuthRequest) -> Result<Landing, Outcome> {
        ua.open(
            &req.url(self.op)?,
            self.driver,
            &self.cfg.login,
            &self.cfg.password,
        )
        .or_fail("authorization request")
    }

    /// Expects a redirect to the client's redirect URI; returns it.
    pub fn callback(&self, landing: Landing) -> Result<Url, Outcome> {
        match landing {
            Landing::Redirect(url) => {
                let base = url.as_str().split('?').next().unwrap_or_default();
                ensure!(
                    base == self.cfg.redirect_uri,
                    "redirected to {url}, not to the redirect URI"
                );
                Ok(url)
            }
            Landing::Page { url, reply } => Err(Outcome::fail(format!(
                "expected a redirect to the client; stayed at {url} (HTTP {}): {}",
                reply.status,
                check::short(&reply.body)
            ))),
        }
    }

    /// Expects a code with the usual checks (state, iss, entropy).
    pub fn code(&self, landing: Landing, req: &AuthRequest) -> Result<Code, Outcome> {
        let callback = self.callback(landing)?;
        if let Some(error) = check::param(&callback, "error") {
            return Err(Outcome::fail(format!(
                "the provider answered {error}: {}",
                check::param(&callback, "error_description").unwrap_or_default()
            )));
        }
        check::check_state(&callback, req.state.as_deref())?;
        check::check_iss(&callback, self.op)?;
        let code =
            check::param(&callback, "code").or_fail("the authorization response has no code")?;
        check::check_code_entropy(&code)?;
        Ok(Code { callback, code })
    }

    /// Login (if needed) and a code for `req` in a fresh browser.
    pub fn login_for_code(&self, req: &AuthRequest) -> Result<(UserAgent, Code), Outcome> {
        let ua = self.browser();
        let code = self.code(self.authorize(&ua, req)?, req)?;
        Ok((ua, code))
    }

    pub fn auth_method(&self, client: &ClientCreds) -> ClientAuth {
        if client.secret.is_some() {
            ClientAuth::Basic
        } else {
            ClientAuth::None
        }
    }

    /// The token request for a code, as the request's client.
    pub fn redeem(
        &self,
        code: &str,
        req: &AuthRequest,
        auth: ClientAuth,
    ) -> Result<Reply, Outcome> {
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", self.cfg.redirect_uri.as_str()),
        ];
        if let Some(v) = &req.verifier {
            form.push(("code_verifier", v.as_str()));
        }
        self.op
            .token(&req.client, auth, &form)
            .or_fail("token request")
    }

    /// Redeems a code and checks the response and its ID token.
    pub fn exchange(&self, code: &str, req: &AuthRequest) -> Result<Tokens, Outcome> {
        let reply = self.redeem(code, req, self.auth_method(&req.client))?;
        self.tokens(reply, req)
    }

    /// Checks a successful token response (RFC 6749 §5.1, Core §3.1.3.3),
    /// and the JWKS its ID token is verified against.
    pub fn tokens(&self, reply: Reply, req: &AuthRequest) -> Result<Tokens, Outcome> {
        check::check_jwks(self.op)?;
        ensure!(
            reply.status == 200,
            "token endpoint answered HTTP {}: {}",
            reply.status,
            check::short(&reply.body)
        );
        let json = reply.json().or_fail("the token response is not JSON")?;
        let cache = reply.header("cache-control").unwrap_or_default();
        ensure!(
            cache.contains("no-store"),
            "the token response lacks Cache-Control: no-store (RFC 6749 §5.1)"
        );
        ensure!(
            json["token_type"]
                .as_str()
                .is_some_and(|t| t.eq_ignore_ascii_case("bearer")),
            "token_type is {}, expected Bearer",
            json["token_type"]
        );
        let access_token = json["access_token"]
            .as_str()
            .or_fail("no access_token in the token response")?
            .to_owned();
        let id_token = json["id_token"]
            .as_str()
            .or_fail("no id_token in the token response (Core §3.1.3.3)")?;
        let id_claims = check::check_id_token(
            self.op,
            id_token,
            &IdTokenExpect {
                client_id: &req.client.id,
                nonce: req.nonce.as_deref(),
                access_token: Some(&access_token),
            },
        )?;
        Ok(Tokens {
            json,
            id_claims,
            access_token,
        })
    }

    /// The whole happy path: login, code, tokens.
    pub fn happy(&self, req: &AuthRequest) -> Result<(UserAgent, Tokens), Outcome> {
        let (ua, code) = self.login_for_code(req)?;
        let tokens = self.exchange(&code.code, req)?;
        Ok((ua, tokens))
    }

    /// Expects the request to be refused with an error redirected to the
    /// client; returns the error code.
    pub fn redirected_error(&self, landing: Landing, req: &AuthRequest) -> Result<String, Outcome> {
        let callback = self.callback(landing)?;
        check::check_redirected_error(&callback, req.state.as_deref(), self.op)
    }

    /// Expects an error page at the provider: no redirect to the client.
    /// The OIDF suite takes a screenshot here; we assert the page is an
    /// error page that says something.
    pub fn error_page(&self, landing: Landing) -> Result<Reply, Outcome> {
        match landing {
            Landing::Redirect(url) => Err(Outcome::fail(format!(
                "the provider redirected to {url}; it must show an error page instead"
            ))),
            Landing::Page { reply, .. } => {
                ensure!(
                    reply.status >= 400 || reply.body.to_lowercase().contains("error"),
                    "the page after an invalid request is HTTP {} and does not look like an error page",
                    reply.status
                );
                ensure!(!reply.body.trim().is_empty(), "the error page is empty");
                Ok(reply)
            }
        }
    }

    pub fn client2(&self) -> Result<ClientCreds, Outcome> {
        self.cfg.client2.clone().ok_or_else(|| {
            Outcome::skipped("needs a second client: pass --client2-id and --client2-secret")
        })
    }

    pub fn public_client(&self) -> Result<ClientCreds, Outcome> {
        self.cfg
            .public_client
            .clone()
            .ok_or_else(|| Outcome::skipped("needs a public client: pass --public-client-id"))
    }

    /// A warning instead of a pass when the issuer is plain http: the
    /// https-only parts of a check cannot apply.
    pub fn https_or_warn(&self, pass: Outcome, what: &str) -> Res {
        if self.op.issuer.starts_with("https://") {
            Ok(pass)
        } else {
            Ok(Outcome::warning(format!(
                "{what} (the issuer is plain http on this run)"
            )))
        }
    }
}
