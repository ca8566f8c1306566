//! «Забыли пароль?»: a code to the linked phone or e-mail, the same page
//! for an unknown login and for an account with no contact (which is told
//! to visit a service centre), a new password that ends every session and
//! revokes refresh tokens; and the password change of a logged-in person,
//! which keeps only the session where it was made.

use idp::model::{Account, AccountLevel};

use crate::harness::*;

const NEW_PASSWORD: &str = "Newer-pass2!";

/// Starts a recovery for `login` in a fresh browser; the code page.
async fn start(app: &TestApp, login: &str) -> (Browser, Page) {
    let browser = app.browser();
    let page = browser.follow(browser.get("/recover").await).await;
    let csrf = page.csrf();
    let page = browser
        .submit("/recover", &[("csrf", &csrf), ("login", login)])
        .await;
    assert_eq!(page.url.path(), "/recover/password", "{}", page.body);
    (browser, page)
}

async fn finish(browser: &Browser, page: &Page, code: &str, password: &str) -> Page {
    let csrf = page.csrf();
    browser
        .submit(
            "/recover/password",
            &[
                ("csrf", &csrf),
                ("code", code),
                ("password", password),
                ("password2", password),
            ],
        )
        .await
}

/// Whether `login` with `password` logs in.
async fn logs_in(app: &TestApp, login: &str, password: &str) -> bool {
    let browser = app.browser();
    let page = browser.follow(browser.get(&app.auth_url(&[])).await).await;
    let (csrf, flow) = (page.csrf(), page.hidden("flow"));
    let page = browser
        .submit(
            "/login",
            &[
                ("csrf", &csrf),
                ("flow", &flow),
                ("login", login),
                ("password", password),
            ],
        )
        .await;
    page.url.path() == "/consent" || page.url.as_str().starts_with(REDIRECT)
}

/// An account with the demo password and the given contacts' verification.
async fn account(app: &TestApp, email: &str, verified: bool) -> Account {
    let hash = app
        .state
        .sql
        .account_by_login(STANDARD)
        .await
        .unwrap()
        .unwrap()
        .password_hash;
    let account = Account {
        id: uuid::Uuid::new_v4().to_string(),
        email: Some(email.into()),
        phone: None,
        snils: None,
        inn: None,
        password_hash: hash,
        family_name: "Безконтактов".into(),
        given_name: "Борис".into(),
        middle_name: None,
        birthdate: None,
        gender: None,
        address: None,
        email_verified: verified,
        phone_verified: false,
        level: AccountLevel::Simplified,
        created_at: app.state.now(),
        locked_until: None,
        checked_at: app.state.now(),
        level_since: app.state.now(),
    };
    app.state.sql.insert_account(&account).await.unwrap();
    account
}

/// The page with the per-browser CSRF token blanked, to compare pages.
fn comparable(page: &Page) -> String {
    page.body.replace(&page.csrf(), "CSRF")
}

#[actix_web::test]
async fn a_code_to_the_phone_sets_a_new_password_and_ends_every_session() {
    let app = TestApp::spawn().await;
    let earlier = app.tokens(&app.browser(), SIMPLE, &[OFFLINE]).await;
    let logged_in = app.logged_in(SIMPLE).await;
    let (browser, page) = start(&app, "+7 (999) 000-00-00").await;
    let sms = app.newest_message("+79990000000", 1).await;
    assert_eq!(sms["kind"], "sms");
    let code = sms["code"].as_str().unwrap();
    let weak = finish(&browser, &page, code, "short").await;
    assert_eq!(weak.status, 400);
    assert!(
        weak.body.contains("Новый пароль: не короче 8 символов"),
        "{}",
        weak.body
    );
    let done = finish(&browser, &weak, code, NEW_PASSWORD).await;
    assert!(done.body.contains("recover-done"), "{}", done.body);
    // The code served once.
    let again = finish(&browser, &weak, code, "Another-pass3!").await;
    assert_eq!(
        again.url.path(),
        "/recover",
        "back to the start: {}",
        again.body
    );
    assert!(!logs_in(&app, SIMPLE, "Another-pass3!").await);
    assert!(logs_in(&app, SIMPLE, NEW_PASSWORD).await);
    assert!(!logs_in(&app, SIMPLE, PASSWORD).await);
    // Every earlier session ended and the refresh token is dead.
    let page = logged_in
        .follow(logged_in.get("/account/security").await)
        .await;
    assert_eq!(page.url.path(), "/login", "the old session is over");
    let res = app
        .token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", earlier["refresh_token"].as_str().unwrap()),
        ])
        .await;
    assert_eq!(error_of(res).await.1, "invalid_grant");
    let notice = app.newest_message("simple@demo.vhod", 1).await;
    assert_eq!(notice["subject"], "Изменены настройки входа");
}

#[actix_web::test]
async fn a_code_goes_to_the_email_when_no_phone_is_linked() {
    let app = TestApp::spawn().await;
    account(&app, "mailonly@example.ru", true).await;
    let (browser, page) = start(&app, "MailOnly@Example.RU").await;
    let mail = app.newest_message("mailonly@example.ru", 1).await;
    assert_eq!(mail["kind"], "email");
    let wrong = finish(&browser, &page, "000000", NEW_PASSWORD).await;
    if mail["code"] != "000000" {
        assert!(
            wrong
                .body
                .contains("Код: неверный код, осталось попыток: 2"),
            "{}",
            wrong.body
        );
    }
    let done = finish(
        &browser,
        &wrong,
        mail["code"].as_str().unwrap(),
        NEW_PASSWORD,
    )
    .await;
    assert!(done.body.contains("recover-done"), "{}", done.body);
    assert!(logs_in(&app, "mailonly@example.ru", NEW_PASSWORD).await);
}

#[actix_web::test]
async fn an_unknown_login_and_an_account_without_contact_look_the_same() {
    let app = TestApp::spawn().await;
    account(&app, "unverified@example.ru", false).await;
    let (unknown_browser, unknown) = start(&app, "nobody@example.ru").await;
    let (silent_browser, silent) = start(&app, "unverified@example.ru").await;
    assert_eq!(unknown.status, silent.status);
    assert_eq!(comparable(&unknown), comparable(&silent));
    assert!(
        silent.body.contains("центре обслуживания"),
        "the service-centre way is told"
    );
    // Nothing was sent to the unverified address.
    let url = format!("{}/dev/outbox?to=unverified@example.ru", app.url);
    let sent: serde_json::Value = reqwest::get(url).await.unwrap().json().await.unwrap();
    assert_eq!(sent, serde_json::json!([]));
    // Codes are refused alike, try by try.
    let mut pages = (unknown, silent);
    for left in [2, 1] {
        let a = finish(&unknown_browser, &pages.0, "123456", NEW_PASSWORD).await;
        let b = finish(&silent_browser, &pages.1, "123456", NEW_PASSWORD).await;
        assert_eq!((a.status, b.status), (b.status, a.status));
        assert_eq!(comparable(&a), comparable(&b));
        assert!(
            a.body.contains(&format!("осталось попыток: {left}")),
            "{}",
            a.body
        );
        pages = (a, b);
    }
    let spent = finish(&unknown_browser, &pages.0, "123456", NEW_PASSWORD).await;
    assert!(spent.body.contains("Запросите новый код"), "{}", spent.body);
}

#[actix_web::test]
async fn a_recovery_is_bound_to_its_browser() {
    let app = TestApp::spawn().await;
    let (_, page) = start(&app, SIMPLE).await;
    let code = app.newest_message("+79990000000", 1).await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let stranger = app.browser();
    let form = stranger.follow(stranger.get("/recover").await).await;
    let csrf = form.csrf();
    let res = stranger
        .post(
            "/recover/password",
            &[
                ("csrf", &csrf),
                ("code", &code),
                ("password", NEW_PASSWORD),
                ("password2", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(Browser::location(&res).path(), "/recover");
    assert!(page.body.contains("recover-sent"));
    assert!(
        logs_in(&app, SIMPLE, PASSWORD).await,
        "the password did not change"
    );
}

#[actix_web::test]
async fn a_password_change_keeps_this_session_and_ends_the_others() {
    let app = TestApp::spawn().await;
    let other = app.logged_in(STANDARD).await;
    let offline = app.tokens(&app.browser(), STANDARD, &[OFFLINE]).await;
    let here = app.logged_in(STANDARD).await;
    let page = here.follow(here.get("/account/security").await).await;
    let csrf = page.csrf();
    let change = |current: &'static str, new: &'static str, again: &'static str| {
        let csrf = csrf.clone();
        let here = &here;
        async move {
            here.submit(
                "/account/security",
                &[
                    ("csrf", csrf.as_str()),
                    ("action", "password"),
                    ("password", current),
                    ("new_password", new),
                    ("new_password2", again),
                ],
            )
            .await
        }
    };
    let wrong = change("Wrong-pass1", NEW_PASSWORD, NEW_PASSWORD).await;
    assert!(
        wrong.body.contains("Пароль: неверный пароль"),
        "{}",
        wrong.body
    );
    let differ = change(PASSWORD, NEW_PASSWORD, "Other-pass3!").await;
    assert!(
        differ.body.contains("пароли не совпадают"),
        "{}",
        differ.body
    );
    let done = change(PASSWORD, NEW_PASSWORD, NEW_PASSWORD).await;
    assert!(done.body.contains("Пароль изменён"), "{}", done.body);
    // Here: still logged in. Elsewhere: logged out, refresh token dead.
    let page = here.follow(here.get("/account/security").await).await;
    assert_eq!(page.url.path(), "/account/security");
    let page = other.follow(other.get("/account/security").await).await;
    assert_eq!(page.url.path(), "/login");
    let res = app
        .token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", offline["refresh_token"].as_str().unwrap()),
        ])
        .await;
    assert_eq!(error_of(res).await.1, "invalid_grant");
    assert!(logs_in(&app, STANDARD, NEW_PASSWORD).await);
}

/// Guesses sent in parallel with one recovery cookie share its three tries:
/// the recovery is taken while a code is checked, so the others find none.
/// (On Redis, where each store call yields, it fails without that.)
#[actix_web::test]
async fn parallel_guesses_share_the_three_tries() {
    let app = TestApp::spawn().await;
    let (browser, page) = start(&app, SIMPLE).await;
    let sent = app.newest_message("+79990000000", 1).await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let wrong = if sent == "123456" { "654321" } else { "123456" };
    let csrf = page.csrf();
    let mut guesses = tokio::task::JoinSet::new();
    for _ in 0..12 {
        let (http, url) = (
            browser.client.clone(),
            format!("{}/recover/password", app.url),
        );
        let form = [
            ("csrf", csrf.clone()),
            ("code", wrong.to_owned()),
            ("password", NEW_PASSWORD.to_owned()),
            ("password2", NEW_PASSWORD.to_owned()),
        ];
        guesses.spawn(async move {
            let res = http.post(url).form(&form).send().await.unwrap();
            res.text().await.unwrap()
        });
    }
    let bodies = guesses.join_all().await;
    let checked = bodies
        .iter()
        .filter(|b| b.contains("осталось попыток") || b.contains("Запросите новый код"))
        .count();
    assert!(
        (1..=3).contains(&checked),
        "{checked} guesses were checked, three tries allowed"
    );
    assert!(!logs_in(&app, SIMPLE, NEW_PASSWORD).await);
}

#[actix_web::test]
async fn recovery_stays_open_during_a_password_lock_and_lifts_it() {
    let app = TestApp::spawn().await;
    for _ in 0..5 {
        assert!(!logs_in(&app, SIMPLE, "Wrong-pass1").await);
    }
    assert!(app.account(SIMPLE).await.locked_until.is_some());
    assert!(!logs_in(&app, SIMPLE, PASSWORD).await, "locked");
    let (browser, page) = start(&app, SIMPLE).await;
    let sms = app.newest_message("+79990000000", 1).await;
    let done = finish(&browser, &page, sms["code"].as_str().unwrap(), NEW_PASSWORD).await;
    assert!(done.body.contains("recover-done"), "{}", done.body);
    assert!(app.account(SIMPLE).await.locked_until.is_none());
    assert!(logs_in(&app, SIMPLE, NEW_PASSWORD).await);
}

/// SMS to the demo phone so far, once at least `count` arrived.
async fn sms_count(app: &TestApp, count: usize) -> usize {
    app.newest_message("+79990000000", count).await;
    let url = format!("{}/dev/outbox?to=%2B79990000000", app.url);
    let sent: serde_json::Value = reqwest::get(url).await.unwrap().json().await.unwrap();
    sent.as_array().unwrap().len()
}

/// Someone else starting a recovery for the owner's login (once a minute
/// would do) never leaves the owner's recovery waiting on a code that was
/// not sent: a recovery started while a code sent to the owner is fresh
/// takes that very code, and the phone gets no second message.
#[actix_web::test]
async fn a_strangers_recovery_does_not_hold_back_the_owners() {
    let app = TestApp::spawn().await;
    start(&app, SIMPLE).await;
    let code = app.newest_message("+79990000000", 1).await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    app.clock.advance(30);
    let (owner, page) = start(&app, "+7 999 000-00-00").await;
    let done = finish(&owner, &page, &code, NEW_PASSWORD).await;
    assert!(done.body.contains("recover-done"), "{}", done.body);
    assert!(logs_in(&app, SIMPLE, NEW_PASSWORD).await);
    // A later recovery sends a new code: the phone has two, not three.
    app.clock.advance(60);
    start(&app, SIMPLE).await;
    assert_eq!(sms_count(&app, 2).await, 2, "one SMS per recovery code");
}

/// Wrong guesses can spend a code, but not hold the next one back: a
/// recovery started after it is spent gets a new code at once.
#[actix_web::test]
async fn a_spent_code_is_replaced_at_once() {
    let app = TestApp::spawn().await;
    let (stranger, mut page) = start(&app, SIMPLE).await;
    let sent = app.newest_message("+79990000000", 1).await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let wrong = if sent == "123456" { "654321" } else { "123456" };
    for _ in 0..3 {
        page = finish(&stranger, &page, wrong, NEW_PASSWORD).await;
    }
    assert!(page.body.contains("Запросите новый код"), "{}", page.body);
    let (owner, page) = start(&app, SIMPLE).await;
    let code = app.newest_message("+79990000000", 2).await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let done = finish(&owner, &page, &code, NEW_PASSWORD).await;
    assert!(done.body.contains("recover-done"), "{}", done.body);
    // The spent code does nothing for anyone.
    let (late, page) = start(&app, SIMPLE).await;
    let refused = finish(&late, &page, &sent, "Another-pass3!").await;
    assert_eq!(refused.status, 400);
    assert!(logs_in(&app, SIMPLE, NEW_PASSWORD).await);
}

/// One client address starts at most `recovery_starts_per_address`
/// recoveries a window; then a page says when to try again, and the journal
/// says the limit was reached.
#[actix_web::test]
async fn recoveries_from_one_address_are_limited() {
    let app = TestApp::spawn().await;
    let config = idp::config::Config::default();
    for n in 0..config.recovery_starts_per_address {
        start(&app, &format!("nobody{n}@example.ru")).await;
    }
    let browser = app.browser();
    let form = browser.follow(browser.get("/recover").await).await;
    let csrf = form.csrf();
    let res = browser
        .post("/recover", &[("csrf", &csrf), ("login", SIMPLE)])
        .await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
    let body = res.text().await.unwrap();
    assert!(body.contains("Попробуйте снова через"), "{body}");
    let journal = app.state.sql.audit_events(100).await.unwrap();
    assert!(
        journal
            .iter()
            .any(|e| e.event == "limit.reached" && e.detail["limit"] == "recovery_starts"),
        "journaled"
    );
    app.clock.advance(config.ip_window_secs);
    start(&app, SIMPLE).await;
}
