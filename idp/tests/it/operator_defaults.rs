//! Operator defaults: what discovery promises, the dev outbox only in dev
//! mode, no production start that would write codes to disk by accident,
//! the scopes of a new client, and nodes that never refuse each other's
//! tokens whatever their key poll.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use idp::config::Config;
use idp::keyring::lifecycle::{self, Policy};
use keys::Algorithm;

use crate::harness::*;
use crate::operations::{idp, production_env};

async fn metadata(app: &TestApp) -> serde_json::Value {
    reqwest::get(format!("{}/.well-known/openid-configuration", app.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn strings(value: &serde_json::Value) -> Vec<&str> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect()
}

/// `urn:vhod:aal3` (certificate login) is advertised only where a CA is
/// trusted, since only then can a login reach it; `select_account` is
/// supported, so it is listed.
#[actix_web::test]
async fn discovery_advertises_aal3_only_with_trusted_cas_and_lists_select_account() {
    let app = TestApp::spawn().await;
    let m = metadata(&app).await;
    assert_eq!(
        strings(&m["acr_values_supported"]),
        ["urn:vhod:aal1", "urn:vhod:aal2"]
    );
    let prompts = strings(&m["prompt_values_supported"]);
    for prompt in ["none", "login", "consent", "select_account"] {
        assert!(prompts.contains(&prompt), "{prompts:?}");
    }

    let trust = crate::signature::trust();
    let trusting = crate::signature::app_trusting(&trust).await;
    let m = metadata(&trusting).await;
    assert_eq!(
        strings(&m["acr_values_supported"]),
        ["urn:vhod:aal1", "urn:vhod:aal2", "urn:vhod:aal3"]
    );
}

/// Outside demo/dev mode `/dev/outbox` does not exist, whatever the query:
/// not a 400 that tells it is there.
#[actix_web::test]
async fn the_dev_outbox_is_404_outside_dev_mode_for_every_query() {
    let app = TestApp::builder()
        .config(|c| c.dev_outbox = false)
        .spawn()
        .await;
    for query in [
        "",
        "?",
        "?to=%2B79991234567",
        "?to=",
        "?x=1",
        "?to=a&to=b",
        "?to=%00",
        "?%FF",
    ] {
        let res = reqwest::get(format!("{}/dev/outbox{query}", app.url))
            .await
            .unwrap();
        assert_eq!(res.status(), 404, "/dev/outbox{query}");
    }
    // In dev mode a missing `to` is a request error, not a crash.
    let dev = TestApp::spawn().await;
    let res = reqwest::get(format!("{}/dev/outbox", dev.url))
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
}

/// A running `idp serve`, killed when dropped.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `idp serve` as an operator runs it, with `env` added: the server once
/// it answers `/health`, or its exit status and standard error if it
/// stopped instead.
async fn serve(config: &Config, args: &[&str], env: &[(&str, &str)]) -> Result<Server, String> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let bind = format!("127.0.0.1:{port}");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_idp"));
    cmd.args(["serve", "--bind", &bind, "--workers", "1"])
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("IDP_DATA_DIR", &config.data_dir)
        .env("IDP_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (key, value) in production_env(config) {
        cmd.env(key, value);
    }
    for (key, value) in env {
        cmd.env(key, value);
    }
    let mut server = Server(cmd.spawn().unwrap());
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Some(status) = server.0.try_wait().unwrap() {
            let mut stderr = String::new();
            std::io::Read::read_to_string(&mut server.0.stderr.take().unwrap(), &mut stderr)
                .unwrap();
            return Err(format!("{status}: {stderr}"));
        }
        if reqwest::get(format!("http://{bind}/health"))
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            return Ok(server);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("idp serve neither started nor stopped within 60 s");
}

/// A production start (PostgreSQL, not the demo) with no SMS gateway, SMTP
/// or postal mailbox would write one-time codes to files on the node: it
/// refuses, naming each setting to add, unless the outbox is chosen
/// explicitly. The embedded default of the README still starts as it is.
#[actix_web::test]
async fn a_production_start_without_transports_refuses_unless_the_outbox_is_chosen() {
    let mut config = Config::default();
    let _isolation = Isolation::new(&mut config);
    // The refusal comes before any store is opened: this database is
    // never reached (the embedded run has none).
    let database = "postgres://vhod@127.0.0.1:1/never-reached".to_owned();
    let key = keys::MasterKey::generate().to_base64();
    let prod_env = [
        ("IDP_DATABASE_URL", database.as_str()),
        ("IDP_MASTER_KEY", key.as_str()),
    ];
    let Err(refused) = serve(&config, &[], &prod_env).await else {
        panic!("a production start without transports started");
    };
    for setting in [
        "IDP_SMS_GATEWAY_URL",
        "IDP_SMTP_URL",
        "IDP_POSTAL_MAILBOX",
        "IDP_OUTBOX_DELIVERY=true",
    ] {
        assert!(refused.contains(setting), "{setting}: {refused}");
    }
    // With SMS and e-mail configured, the letters still need their mailbox.
    let partly = [
        prod_env[0],
        prod_env[1],
        ("IDP_SMS_GATEWAY_URL", "https://sms.example.test/send"),
        ("IDP_SMTP_URL", "smtp://127.0.0.1:25"),
    ];
    let Err(refused) = serve(&config, &[], &partly).await else {
        panic!("letters to the outbox in production started");
    };
    assert!(refused.contains("IDP_POSTAL_MAILBOX"), "{refused}");
    assert!(!refused.contains("IDP_SMTP_URL"), "{refused}");

    if production() {
        // Chosen explicitly, the outbox is allowed.
        let chosen = [("IDP_OUTBOX_DELIVERY", "true")];
        serve(&config, &["--migrate"], &chosen)
            .await
            .expect("the outbox chosen explicitly");
    } else {
        // `idp serve` with nothing configured: the README's first run.
        serve(&config, &[], &[])
            .await
            .expect("the embedded default starts");
    }
}

/// A client registered without `--scopes` may ask for `openid` only; any
/// personal data needs the admin to say so.
#[test]
fn a_client_added_without_scopes_gets_openid_only() {
    let mut config = Config::default();
    let _isolation = Isolation::new(&mut config);
    if production() {
        assert!(idp(&config, &["migrate"]).status.success());
    }
    let add = |id: &str, extra: &[&str]| {
        let mut args = vec![
            "clients",
            "add",
            "--id",
            id,
            "--name",
            "Портал",
            "--redirect-uri",
            "https://portal.example/cb",
        ];
        args.extend(extra);
        let out = idp(&config, &args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    add("plain", &[]);
    add("wider", &["--scopes", "openid profile email"]);
    let shown = |id: &str| -> serde_json::Value {
        serde_json::from_slice(&idp(&config, &["clients", "show", id, "--json"]).stdout).unwrap()
    };
    assert_eq!(shown("plain")["scopes"], "openid");
    assert_eq!(shown("wider")["scopes"], "email openid profile");
}

/// Node B polls its keys once an hour, far longer than the JWKS lifetime.
/// Node A rotates RS256 at once and signs with the new key; B has never
/// seen it. B reloads its keys when it meets the unknown `kid`, so it
/// accepts A's ID token as a logout hint and A's access token at userinfo
/// and introspection; tokens with made-up `kid`s reload at most once a
/// second.
#[actix_web::test]
async fn a_node_reloads_its_keys_for_a_kid_it_does_not_know() {
    let a = TestApp::builder()
        .config(|c| c.key_poll_secs = 3600)
        .spawn()
        .await;
    let b = TestApp::builder().sharing(&a).spawn().await;
    assert_eq!(b.state.config.key_poll_secs, 3600);
    assert!(b.state.config.key_poll_secs as i64 > b.state.config.jwks_max_age_secs);
    let old = b
        .state
        .keys
        .signer(Algorithm::RS256)
        .unwrap()
        .kid()
        .to_owned();
    lifecycle::rotate(
        &a.state.sql,
        &a.state.master,
        &Policy::from_config(&a.state.config),
        Algorithm::RS256,
        true,
        a.state.now(),
    )
    .await
    .unwrap();
    idp::janitor::follow_keys(&a.state).await.unwrap();
    let new = a
        .state
        .keys
        .signer(Algorithm::RS256)
        .unwrap()
        .kid()
        .to_owned();
    assert_ne!(new, old);
    assert!(
        !b.state.keys.jwks().keys.iter().any(|k| k.kid == new),
        "B has not seen the new key"
    );

    let tokens = a.tokens(&a.browser(), STANDARD, &[]).await;
    let id_token = tokens["id_token"].as_str().unwrap();
    let access = tokens["access_token"].as_str().unwrap();

    // The ID token as a logout hint on B: the redirect, not a refusal.
    let url = url::Url::parse_with_params(
        &format!("{}/logout", b.url),
        &[
            ("id_token_hint", id_token),
            ("post_logout_redirect_uri", POST_LOGOUT),
        ],
    )
    .unwrap();
    let res = b.browser().get(url.as_str()).await;
    assert_ne!(res.status(), 400, "B refused A's ID token as a hint");
    assert_eq!(
        b.userinfo(access).await.status(),
        200,
        "B refused A's token"
    );
    assert_eq!(b.introspect(access).await["active"], true);

    // Made-up kids: refused, and the store is asked at most once a second.
    let before = b.state.keys.reloads_for_unknown_kids();
    let started = Instant::now();
    for n in 0..20 {
        let header = base64url(&format!(
            r#"{{"alg":"RS256","typ":"at+jwt","kid":"made-up-{n}"}}"#
        ));
        let forged = format!("{header}.{}.AAAA", base64url("{}"));
        assert_eq!(b.userinfo(&forged).await.status(), 401);
    }
    let reloads = b.state.keys.reloads_for_unknown_kids() - before;
    let allowed = 1 + started.elapsed().as_secs();
    assert!(
        reloads <= allowed,
        "{reloads} reloads in {:?}",
        started.elapsed()
    );
}

fn base64url(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
}
