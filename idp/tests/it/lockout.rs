//! Lockout without lockout-DoS and without enumeration: wrong passwords
//! lock only the password path, for a while, shared by every node; the lock
//! is told only after the right password, and to the owner with a
//! self-unlock link; a per-IP limit stops guessing across accounts.

use std::time::{Duration, Instant};

use idp::audit::events;

use crate::harness::*;

/// Posts one password for `login` on a fresh login page of `app`.
async fn attempt(app: &TestApp, login: &str, password: &str) -> Page {
    let browser = app.browser();
    let page = browser.follow(browser.get(&app.auth_url(&[])).await).await;
    let (csrf, flow) = (page.csrf(), page.hidden("flow"));
    browser
        .submit(
            "/login",
            &[
                ("csrf", &csrf),
                ("flow", &flow),
                ("login", login),
                ("password", password),
            ],
        )
        .await
}

async fn wrong(app: &TestApp, login: &str, times: usize) {
    for _ in 0..times {
        let page = attempt(app, login, "Wrong-pass1").await;
        assert_eq!(page.status, 400);
        assert!(page.body.contains("Неверный логин или пароль"));
    }
}

fn logged_in(page: &Page) -> bool {
    page.url.as_str().starts_with(REDIRECT) || page.url.path() == "/consent"
}

/// The lock notice sent to STANDARD's e-mail, once it is there.
async fn notice(app: &TestApp) -> serde_json::Value {
    let url =
        reqwest::Url::parse_with_params(&format!("{}/dev/outbox", app.url), &[("to", STANDARD)])
            .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let list: serde_json::Value = reqwest::get(url.clone())
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if let Some(found) = list
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["subject"] == "Вход по паролю заблокирован")
        {
            return found.clone();
        }
        assert!(Instant::now() < deadline, "no lock notice: {list}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[actix_web::test]
async fn five_wrong_passwords_lock_the_password_path_until_the_time_passes() {
    let app = TestApp::spawn().await;
    wrong(&app, STANDARD, 4).await;
    assert!(
        logged_in(&attempt(&app, STANDARD, PASSWORD).await),
        "four are not enough, and a success starts over"
    );
    wrong(&app, STANDARD, 5).await;
    // A wrong password learns nothing about the lock.
    wrong(&app, STANDARD, 1).await;
    // The right one is told, with the time it lifts.
    let locked = attempt(&app, STANDARD, PASSWORD).await;
    assert_eq!(locked.status, 403, "{}", locked.body);
    assert!(
        locked.body.contains("заблокирован") && locked.body.contains("(МСК)"),
        "{}",
        locked.body
    );
    // The owner is told, with a link.
    let message = notice(&app).await;
    assert!(message["link"].as_str().unwrap().contains("/unlock?token="));
    // It lifts by itself.
    app.clock.advance(app.state.config.lockout_secs);
    assert!(logged_in(&attempt(&app, STANDARD, PASSWORD).await));
    let journal = app
        .state
        .sql
        .audit_tail(None, Some(events::ACCOUNT_LOCKED.into()), 10)
        .await
        .unwrap();
    assert_eq!(journal.len(), 1);
    assert!(journal[0].detail.contains("\"ip\""));
}

#[actix_web::test]
async fn the_owner_unlocks_with_the_link_once_and_the_admin_with_the_cli() {
    let app = TestApp::spawn().await;
    wrong(&app, STANDARD, 5).await;
    let link = notice(&app).await["link"].as_str().unwrap().to_owned();
    let browser = app.browser();
    // Fetching the link (a mail scanner) unlocks nothing; the button does.
    let page = browser.follow(browser.get(&link).await).await;
    assert_eq!(attempt(&app, STANDARD, PASSWORD).await.status, 403);
    let (csrf, token) = (page.csrf(), page.hidden("token"));
    let page = browser
        .submit("/unlock", &[("csrf", &csrf), ("token", &token)])
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("снова доступен"));
    assert!(logged_in(&attempt(&app, STANDARD, PASSWORD).await));
    let again = browser
        .submit("/unlock", &[("csrf", &csrf), ("token", &token)])
        .await;
    assert_eq!(again.status, 400, "the link works once");

    wrong(&app, STANDARD, 5).await;
    assert_eq!(attempt(&app, STANDARD, PASSWORD).await.status, 403);
    let out = crate::operations::idp(&app.state.config, &["users", "unlock", "+7 999 000-00-01"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("unlocked"));
    assert!(logged_in(&attempt(&app, STANDARD, PASSWORD).await));
    let journal = app
        .state
        .sql
        .audit_tail(None, Some(events::ACCOUNT_UNLOCKED.into()), 10)
        .await
        .unwrap();
    let by: Vec<bool> = journal.iter().map(|e| e.detail.contains("admin")).collect();
    assert_eq!(by, [true, false], "the admin's, then the owner's");
}

#[actix_web::test]
async fn two_nodes_count_together() {
    let a = TestApp::spawn().await;
    let b = TestApp::builder().sharing(&a).spawn().await;
    wrong(&a, STANDARD, 3).await;
    wrong(&b, STANDARD, 2).await;
    assert_eq!(attempt(&a, STANDARD, PASSWORD).await.status, 403);
    assert_eq!(attempt(&b, STANDARD, PASSWORD).await.status, 403);
}

/// A page with what differs between any two renderings removed: the CSRF
/// token, the flow id, the support code, the login typed.
fn shape(page: &Page, login: &str) -> String {
    let mut body = page.body.replace(login, "LOGIN");
    for marker in ["name=\"csrf\" value=\"", "name=\"flow\" value=\"", "?flow="] {
        while let Some(start) = body.find(marker) {
            let from = start + marker.len();
            let end = body[from..].find('"').map_or(body.len(), |e| e + from);
            body.replace_range(start..end, "X");
        }
    }
    body
}

#[actix_web::test]
async fn an_unknown_login_and_a_wrong_password_look_the_same() {
    let app = TestApp::spawn().await;
    let unknown = attempt(&app, "nobody@demo.vhod", "Wrong-pass1").await;
    let wrong = attempt(&app, STANDARD, "Wrong-pass1").await;
    assert_eq!(unknown.status, wrong.status);
    assert_eq!(shape(&unknown, "nobody@demo.vhod"), shape(&wrong, STANDARD));
}

#[actix_web::test]
async fn one_address_may_fail_only_so_often_across_accounts() {
    let app = TestApp::builder()
        .config(|c| c.ip_failure_limit = 3)
        .spawn()
        .await;
    wrong(&app, SIMPLE, 1).await;
    wrong(&app, "nobody@demo.vhod", 1).await;
    wrong(&app, CONFIRMED, 1).await;
    // Now even a right password from this address waits.
    let throttled = attempt(&app, STANDARD, PASSWORD).await;
    assert_eq!(throttled.status, 429);
    assert!(throttled.body.contains("Слишком много неудачных попыток"));
    // No account was locked by it.
    let account = app
        .state
        .sql
        .account_by_login(SIMPLE)
        .await
        .unwrap()
        .unwrap();
    assert!(account.locked_until.is_none());
}
