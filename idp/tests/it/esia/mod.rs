//! ESIA mode: portals that sign their requests with the `openssl` command
//! line, as real ones do, against the real provider over HTTP.

mod authorize;
#[cfg(feature = "gost")]
mod gost;
mod rest;
mod token;

use std::path::PathBuf;
use std::process::Command;

use idp::clients::NewClient;
use idp::model::Scopes;

use crate::harness::{REDIRECT, TestApp};

/// How a portal makes its `client_secret`.
#[derive(Clone, Copy, Debug)]
pub enum Tool {
    /// `openssl smime -sign -md sha256 -outform DER` (with signed attributes).
    Smime,
    /// `openssl cms -sign -binary -outform DER`.
    Cms,
}

/// A portal's key and self-signed certificate, made by `openssl`.
pub struct Portal {
    pub id: String,
    dir: tempfile::TempDir,
    /// The key is GOST R 34.10-2012: `openssl` needs `-engine gost`.
    gost: bool,
}

impl Portal {
    pub fn new(id: &str) -> Portal {
        Portal::with_key(
            id,
            &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
            false,
        )
    }

    /// A portal with a GOST R 34.10-2012 (256 bit) key, made by OpenSSL's
    /// GOST engine (Debian's `libengine-gost-openssl`).
    #[cfg(feature = "gost")]
    pub fn gost(id: &str) -> Portal {
        let engine = Command::new("openssl").args(["engine", "gost"]).output();
        assert!(
            engine.is_ok_and(|out| out.status.success()),
            "openssl has no GOST engine: apt-get install libengine-gost-openssl (scripts/test does)"
        );
        let key = [
            "-engine",
            "gost",
            "-newkey",
            "gost2012_256",
            "-pkeyopt",
            "paramset:A",
        ];
        Portal::with_key(id, &key, true)
    }

    fn with_key(id: &str, key: &[&str], gost: bool) -> Portal {
        let dir = tempfile::tempdir().unwrap();
        let ok = Command::new("openssl")
            .args(["req", "-x509"])
            .args(key)
            .args(["-nodes", "-days", "30"])
            .args(["-subj", &format!("/CN={id}")])
            .arg("-keyout")
            .arg(dir.path().join("key.pem"))
            .arg("-out")
            .arg(dir.path().join("cert.pem"))
            .output()
            .unwrap();
        assert!(ok.status.success(), "{ok:?}");
        Portal {
            id: id.into(),
            dir,
            gost,
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn certificate(&self) -> Vec<u8> {
        std::fs::read(self.path("cert.pem")).unwrap()
    }

    /// Registers the portal as an ESIA client of `app` for `scopes` (ESIA
    /// names).
    pub async fn register(&self, app: &TestApp, scopes: &str) {
        let scopes = idp::esia::scopes::parse(scopes);
        assert!(scopes.unknown.is_empty());
        app.client(NewClient {
            esia_certificate: Some(self.certificate()),
            scopes: Some(Scopes::parse(&scopes.vhod.to_string())),
            ..app.new_client(&self.id)
        })
        .await;
    }

    /// The detached signature of `text`, DER, as base64url without padding.
    pub fn sign(&self, text: &str, tool: Tool) -> String {
        std::fs::write(self.path("text"), text).unwrap();
        let mut cmd = Command::new("openssl");
        match tool {
            Tool::Smime => cmd.args(["smime", "-sign", "-binary", "-md", "sha256"]),
            Tool::Cms => cmd.args(["cms", "-sign", "-binary"]),
        };
        if self.gost {
            // cms signs with the key's own digest, Streebog; smime is told.
            cmd.args(["-engine", "gost"]);
            if let Tool::Smime = tool {
                cmd.args(["-md", "md_gost12_256"]);
            }
        }
        let out = cmd
            .arg("-in")
            .arg(self.path("text"))
            .arg("-signer")
            .arg(self.path("cert.pem"))
            .arg("-inkey")
            .arg(self.path("key.pem"))
            .args(["-outform", "DER"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(out.stdout)
    }

    /// The certificate's `client_certificate_hash`.
    pub fn hash(&self) -> String {
        esign::client_certificate_hash(&self.certificate()).unwrap()
    }
}

/// A provider with ESIA mode on.
/// The person's ESIA oid.
pub async fn oid_of(app: &TestApp, login: &str) -> i64 {
    let account = app.account(login).await;
    let oid = app.state.sql.account_oid(&account.id).await.unwrap();
    oid.expect("every account has an oid")
}

pub async fn esia_app() -> TestApp {
    TestApp::builder()
        .config(|c| c.esia.enabled = true)
        .spawn()
        .await
}

/// `timestamp` as ESIA writes it, `secs` from the app's clock.
pub fn timestamp(app: &TestApp, secs: i64) -> String {
    let at = chrono::DateTime::from_timestamp(app.state.now() + secs, 0).unwrap();
    at.with_timezone(&chrono::FixedOffset::east_opt(3 * 3600).unwrap())
        .format("%Y.%m.%d %H:%M:%S %z")
        .to_string()
}

pub fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A signed authorization request.
pub struct Ac {
    pub v2: bool,
    pub scope: String,
    pub state: String,
    pub timestamp: String,
    pub redirect_uri: String,
    pub access_type: &'static str,
}

impl Ac {
    pub fn new(app: &TestApp, v2: bool, scope: &str) -> Ac {
        Ac {
            v2,
            scope: scope.into(),
            state: uuid(),
            timestamp: timestamp(app, 0),
            redirect_uri: REDIRECT.into(),
            access_type: "online",
        }
    }

    /// The text the portal signs.
    pub fn text(&self, client_id: &str) -> String {
        if self.v2 {
            [
                client_id,
                &self.scope,
                &self.timestamp,
                &self.state,
                &self.redirect_uri,
            ]
            .concat()
        } else {
            [&*self.scope, &self.timestamp, client_id, &self.state].concat()
        }
    }

    /// The URL, with `secret` as `client_secret`.
    pub fn url_with(&self, app: &TestApp, portal: &Portal, secret: &str) -> String {
        let path = if self.v2 {
            "/aas/oauth2/v2/ac"
        } else {
            "/aas/oauth2/ac"
        };
        let mut url = url::Url::parse(&format!("{}{path}", app.url)).unwrap();
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("client_id", &portal.id)
                .append_pair("client_secret", secret)
                .append_pair("redirect_uri", &self.redirect_uri)
                .append_pair("scope", &self.scope)
                .append_pair("response_type", "code")
                .append_pair("state", &self.state)
                .append_pair("timestamp", &self.timestamp)
                .append_pair("access_type", self.access_type);
            if self.v2 {
                q.append_pair("client_certificate_hash", &portal.hash());
            }
        }
        url.to_string()
    }

    /// The URL signed by `portal` with `tool`.
    pub fn url(&self, app: &TestApp, portal: &Portal, tool: Tool) -> String {
        let secret = portal.sign(&self.text(&portal.id), tool);
        self.url_with(app, portal, &secret)
    }
}

/// Logs `login` in through a signed authorization request; returns the code.
pub async fn code_for(app: &TestApp, portal: &Portal, ac: &Ac, tool: Tool, login: &str) -> String {
    let callback = app
        .login(&app.browser(), &ac.url(app, portal, tool), login)
        .await;
    crate::harness::query(&callback, "code").expect("a code")
}

/// A signed token request for `code` (v1, or v3 with the code signed).
pub fn te_form(
    app: &TestApp,
    portal: &Portal,
    v3: bool,
    code: &str,
    scope: &str,
) -> Vec<(&'static str, String)> {
    let state = uuid();
    let ts = timestamp(app, 0);
    let text = if v3 {
        [&portal.id, scope, &ts, &state, REDIRECT, code].concat()
    } else {
        [scope, &ts, &portal.id, &state].concat()
    };
    let secret = portal.sign(&text, if v3 { Tool::Cms } else { Tool::Smime });
    let mut form = vec![
        ("client_id", portal.id.clone()),
        ("code", code.to_owned()),
        ("grant_type", "authorization_code".to_owned()),
        ("client_secret", secret),
        ("state", state),
        ("redirect_uri", REDIRECT.to_owned()),
        ("scope", scope.to_owned()),
        ("timestamp", ts),
        ("token_type", "Bearer".to_owned()),
    ];
    if v3 {
        form.push(("client_certificate_hash", portal.hash()));
    }
    form
}

/// POSTs a token request to `/aas/oauth2/te` or `/v3/te`.
pub async fn te(app: &TestApp, v3: bool, form: &[(&'static str, String)]) -> reqwest::Response {
    let path = if v3 {
        "/aas/oauth2/v3/te"
    } else {
        "/aas/oauth2/te"
    };
    app.back_channel(path, None, &crate::harness::form(form))
        .await
}
