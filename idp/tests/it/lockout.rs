//! Lockout without lockout-DoS, enumeration or a password oracle: wrong
//! passwords lock only the password path, for a while that grows while
//! the guessing goes on, shared by every node; while it is locked every
//! attempt gets the answer of a wrong password, the right one too; the
//! owner is told with a self-unlock link; a per-IP limit stops guessing
//! across accounts.

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
    // Neither a wrong password nor the right one learns of the lock.
    wrong(&app, STANDARD, 1).await;
    let locked = attempt(&app, STANDARD, PASSWORD).await;
    assert_eq!(locked.status, 400, "{}", locked.body);
    assert!(!locked.body.contains("(МСК)"), "{}", locked.body);
    // The owner is told, with the time it lifts and a link.
    let message = notice(&app).await;
    assert!(message["link"].as_str().unwrap().contains("/unlock?token="));
    assert!(message["text"].as_str().unwrap().contains("(МСК)"));
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
    assert!(!logged_in(&attempt(&app, STANDARD, PASSWORD).await));
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
    assert!(!logged_in(&attempt(&app, STANDARD, PASSWORD).await));
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
    assert!(!logged_in(&attempt(&a, STANDARD, PASSWORD).await));
    assert!(!logged_in(&attempt(&b, STANDARD, PASSWORD).await));
    assert!(a.account(STANDARD).await.locked_until.is_some());
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

/// Asserts that every page (with the login it was for) reads the same.
fn one_answer(pages: &[(&Page, &str)]) {
    let (first, login) = pages[0];
    for (page, other) in &pages[1..] {
        assert_eq!(page.status, first.status, "{}", page.body);
        assert_eq!(shape(page, other), shape(first, login));
    }
}

/// The `login.failed` entries of the journal, newest first.
async fn failures(app: &TestApp) -> Vec<String> {
    let journal = app
        .state
        .sql
        .audit_tail(None, Some(events::LOGIN_FAILED.into()), 100)
        .await
        .unwrap();
    journal.into_iter().map(|e| e.detail).collect()
}

#[actix_web::test]
async fn while_locked_no_answer_tells_whether_the_password_was_right() {
    let a = TestApp::spawn().await;
    let b = TestApp::builder().sharing(&a).spawn().await;
    wrong(&a, STANDARD, 5).await;
    let right_b = attempt(&b, STANDARD, PASSWORD).await;
    let right_a = attempt(&a, STANDARD, PASSWORD).await;
    let wrong_b = attempt(&b, STANDARD, "Wrong-pass1").await;
    let unknown = attempt(&a, "nobody@demo.vhod", "Wrong-pass1").await;
    assert!(!logged_in(&right_a) && !logged_in(&right_b));
    assert_eq!(right_b.status, 400);
    one_answer(&[
        (&right_b, STANDARD),
        (&right_a, STANDARD),
        (&wrong_b, STANDARD),
        (&unknown, "nobody@demo.vhod"),
    ]);
    // It says what a person can do: wait, the link, recovery.
    for hint in ["подождать", "ссылк", "Забыли пароль?"] {
        assert!(right_b.body.contains(hint), "{hint}: {}", right_b.body);
    }
    // The journal keeps each attempt with its reason, never a password.
    let failed = failures(&a).await;
    let locked: Vec<&String> = failed
        .iter()
        .filter(|d| d.contains("\"reason\":\"locked\""))
        .collect();
    assert_eq!(locked.len(), 3, "{failed:?}");
    let right = locked
        .iter()
        .filter(|d| d.contains("\"password_right\":true"))
        .count();
    assert_eq!(right, 2, "{locked:?}");
    assert!(
        failed
            .iter()
            .all(|d| !d.contains(PASSWORD) && !d.contains("Wrong-pass1"))
    );
}

#[actix_web::test]
async fn an_admin_lock_answers_the_right_password_like_a_wrong_one_on_every_node() {
    let a = TestApp::spawn().await;
    let b = TestApp::builder().sharing(&a).spawn().await;
    let out = crate::operations::idp(
        &a.state.config,
        &["users", "lock", STANDARD, "--operator", "Петрова"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let right_b = attempt(&b, STANDARD, PASSWORD).await;
    let right_a = attempt(&a, STANDARD, PASSWORD).await;
    let wrong_a = attempt(&a, STANDARD, "Wrong-pass1").await;
    let unknown = attempt(&b, "nobody@demo.vhod", "Wrong-pass1").await;
    assert!(!logged_in(&right_a) && !logged_in(&right_b));
    one_answer(&[
        (&right_b, STANDARD),
        (&right_a, STANDARD),
        (&wrong_a, STANDARD),
        (&unknown, "nobody@demo.vhod"),
    ]);
    let failed = failures(&b).await;
    let admin = failed
        .iter()
        .filter(|d| d.contains("\"reason\":\"admin_locked\""))
        .count();
    assert_eq!(admin, 3, "{failed:?}");
}

#[actix_web::test]
async fn attempts_during_a_lock_count_and_lengthen_it() {
    let app = TestApp::spawn().await;
    let length = app.state.config.lockout_secs;
    wrong(&app, STANDARD, 5).await;
    let until = || async { app.account(STANDARD).await.locked_until.unwrap() };
    assert_eq!(until().await, app.state.now() + length);
    // Five more, right or wrong alike: the lock now lasts twice as long.
    for password in [PASSWORD, "Wrong-pass1", PASSWORD, "Wrong-pass1", PASSWORD] {
        assert!(!logged_in(&attempt(&app, STANDARD, password).await));
    }
    assert_eq!(until().await, app.state.now() + 2 * length);
    app.clock.advance(length + 1);
    assert!(
        !logged_in(&attempt(&app, STANDARD, PASSWORD).await),
        "the first end has passed, the longer lock holds"
    );
    app.clock.advance(length);
    assert!(logged_in(&attempt(&app, STANDARD, PASSWORD).await));
}

#[actix_web::test]
async fn a_lock_grows_with_each_strike_up_to_lockout_max_secs() {
    let app = TestApp::builder()
        .config(|c| {
            c.lockout_threshold = 2;
            c.lockout_secs = 60;
            c.lockout_max_secs = 150;
        })
        .spawn()
        .await;
    let mut lengths = Vec::new();
    for _ in 0..4 {
        wrong(&app, STANDARD, 2).await;
        let until = app.account(STANDARD).await.locked_until.unwrap();
        lengths.push(until - app.state.now());
    }
    assert_eq!(lengths, [60, 120, 150, 150]);
    // Each strike that moved the end is journaled.
    let journal = app
        .state
        .sql
        .audit_tail(None, Some(events::ACCOUNT_LOCKED.into()), 10)
        .await
        .unwrap();
    assert_eq!(journal.len(), 3, "the last strike moved nothing");
    // Waiting it out, the strikes are remembered: the next lock is longer.
    app.clock.advance(150);
    wrong(&app, STANDARD, 2).await;
    let until = app.account(STANDARD).await.locked_until.unwrap();
    assert_eq!(until - app.state.now(), 150);
    // A success forgets them.
    app.clock.advance(150);
    assert!(logged_in(&attempt(&app, STANDARD, PASSWORD).await));
    wrong(&app, STANDARD, 2).await;
    let until = app.account(STANDARD).await.locked_until.unwrap();
    assert_eq!(until - app.state.now(), 60);
}
