//! Support's CLI stops access tokens at once, on every node: `idp users
//! lock`, `users logout`, `users reset-second-factor` and `clients remove`
//! run in a process of their own, without the server's short-lived store,
//! so what they revoke is durable state every node reads.

use idp::credentials::totp;
use idp::demo::TWO_FACTOR;
use serde_json::Value;

use crate::harness::*;
use crate::operations::idp;

/// Two nodes on one set of stores.
async fn two_nodes() -> (TestApp, TestApp) {
    let a = TestApp::spawn().await;
    let b = TestApp::builder().sharing(&a).spawn().await;
    (a, b)
}

fn cli(app: &TestApp, args: &[&str]) {
    let out = idp(&app.state.config, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Whether the access token works at userinfo and, when the demo client
/// holds it, at introspection, on `node`.
async fn works(node: &TestApp, access: &str, introspect: bool) -> bool {
    let userinfo = node.userinfo(access).await.status() == 200;
    if introspect {
        let active = node.introspect(access).await["active"] == true;
        assert_eq!(userinfo, active, "userinfo and introspection agree");
    }
    userinfo
}

/// Asserts the access token of the demo client works on both nodes, runs
/// the command, and asserts it works on neither.
async fn stopped_by(nodes: &(TestApp, TestApp), access: &str, command: &[&str]) {
    for node in [&nodes.0, &nodes.1] {
        assert!(works(node, access, true).await, "live before {command:?}");
    }
    cli(&nodes.0, command);
    for node in [&nodes.1, &nodes.0] {
        assert!(
            !works(node, access, true).await,
            "stopped at once by {command:?}"
        );
    }
}

fn access(tokens: &Value) -> &str {
    tokens["access_token"].as_str().unwrap()
}

#[actix_web::test]
async fn an_admin_lock_stops_access_tokens_at_once_on_every_node() {
    let nodes = two_nodes().await;
    let tokens = nodes.0.tokens(&nodes.0.browser(), STANDARD, &[]).await;
    let lock = ["users", "lock", STANDARD, "--operator", "Петрова"];
    stopped_by(&nodes, access(&tokens), &lock).await;
    // An unlock does not bring them back.
    cli(&nodes.0, &["users", "unlock", STANDARD]);
    assert!(!works(&nodes.1, access(&tokens), true).await);
    // Another account's tokens never stopped.
    let other = nodes.1.tokens(&nodes.1.browser(), CONFIRMED, &[]).await;
    assert!(works(&nodes.0, access(&other), true).await);
}

#[actix_web::test]
async fn a_logout_by_support_stops_access_tokens_at_once_on_every_node() {
    let nodes = two_nodes().await;
    let tokens = nodes.1.tokens(&nodes.1.browser(), STANDARD, &[]).await;
    let logout = ["users", "logout", STANDARD, "--operator", "Петрова"];
    stopped_by(&nodes, access(&tokens), &logout).await;
}

#[actix_web::test]
async fn removing_a_lost_second_factor_stops_access_tokens_at_once_on_every_node() {
    let nodes = two_nodes().await;
    let app = &nodes.0;
    let account = app.account(TWO_FACTOR).await;
    let factor = app.state.sql.second_factor(&account.id).await.unwrap();
    let sealed = factor.unwrap().sealed_secret.unwrap();
    let secret = totp::open(&app.state.master, &account.id, &sealed).unwrap();
    let browser = app.browser();
    let page = browser.follow(browser.get(&app.auth_url(&[])).await).await;
    let page = page.login(&browser, TWO_FACTOR).await;
    let code = totp::code_at(&secret, app.state.now());
    let page = crate::second_factor::enter(&browser, &page, &code).await;
    let page = match page.url.path() {
        "/consent" => page.consent(&browser, "allow").await,
        _ => page,
    };
    let code = query(&page.url, "code").expect("a code");
    let res = app.token(&form(&exchange(&code))).await;
    let tokens: Value = res.json().await.unwrap();
    let reset = [
        "users",
        "reset-second-factor",
        TWO_FACTOR,
        "--operator",
        "Сидорова",
    ];
    stopped_by(&nodes, access(&tokens), &reset).await;
    let open = app.state.sql.open_sessions_of(&account.id).await.unwrap();
    assert!(open.is_empty(), "the lost phone's sessions ended too");
}

#[actix_web::test]
async fn removing_a_client_stops_its_access_tokens_at_once_on_every_node() {
    let nodes = two_nodes().await;
    let app = &nodes.0;
    let mut gone = app.new_client("gone");
    gone.skip_consent = true;
    app.client(gone).await;
    let callback = app
        .login(&app.browser(), &app.auth_url_for("gone", &[]), STANDARD)
        .await;
    let code = query(&callback, "code").unwrap();
    let res = app
        .back_channel(
            "/token",
            Some(("gone", "gone-secret-0123456789")),
            &form(&exchange(&code)),
        )
        .await;
    let tokens: Value = res.json().await.unwrap();
    let at = access(&tokens);
    for node in [&nodes.0, &nodes.1] {
        assert!(works(node, at, false).await);
    }
    cli(app, &["clients", "remove", "gone"]);
    for node in [&nodes.1, &nodes.0] {
        assert!(!works(node, at, false).await, "stopped with its client");
    }
}
