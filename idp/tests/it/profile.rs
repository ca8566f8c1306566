//! «Мои данные» and the way to a standard account: the profile checked
//! field by field, a durable verification against the (simulated) state
//! registries, the result by message and as a banner, and the level in
//! tokens only after a new login.

use std::time::{Duration, Instant};

use idp::audit::events;
use idp::model::{AccountLevel, VerificationStatus};
use idp::registries::{INVALID_PASSPORTS, UNKNOWN_SNILS};

use crate::harness::*;

/// A valid profile form, with `changes` applied.
fn profile_form<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("last_name", "Простов"),
        ("first_name", "Пётр"),
        ("middle_name", "Петрович"),
        ("gender", "male"),
        ("birthdate", "1980-01-10"),
        ("birthplace", "г. Тула"),
        ("snils", "112-233-448 98"),
        ("passport_series", "45 06"),
        ("passport_number", "123456"),
        ("passport_issued", "2005-03-01"),
        ("passport_issuer", "ОВД района Хамовники г. Москвы"),
        ("passport_issuer_code", "770-001"),
        ("inn", ""),
    ];
    for (name, value) in changes {
        form.iter_mut().find(|(n, _)| n == name).unwrap().1 = value;
    }
    form
}

/// A browser logged in as `login`, on its profile page.
pub async fn logged_in(app: &TestApp, login: &str) -> (Browser, Page) {
    let browser = app.logged_in(login).await;
    let page = browser.follow(browser.get("/account").await).await;
    assert_eq!(page.status, 200, "{}", page.body);
    (browser, page)
}

/// Sends the profile form of `page` with `changes` to be checked.
pub async fn submit(browser: &Browser, page: &Page, changes: &[(&str, &str)]) -> Page {
    let csrf = page.csrf();
    let mut form = profile_form(changes);
    form.push(("csrf", &csrf));
    form.push(("action", "submit"));
    browser.submit("/account", &form).await
}

async fn account_level(app: &TestApp, login: &str) -> AccountLevel {
    app.account(login).await.level
}

/// Waits until the verification job has run (the clock already moved).
pub async fn verification_done(app: &TestApp, login: &str) -> VerificationStatus {
    let id = app
        .state
        .sql
        .account_by_login(login)
        .await
        .unwrap()
        .unwrap()
        .id;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let status = app
            .state
            .sql
            .latest_verification(&id)
            .await
            .unwrap()
            .unwrap()
            .status;
        if status != VerificationStatus::Pending {
            return status;
        }
        assert!(Instant::now() < deadline, "the verification never finished");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn errors(page: &Page) -> String {
    let start = page
        .body
        .find("id=\"form-error\"")
        .expect("errors on the page");
    let end = page.body[start..].find("</div>").unwrap() + start;
    page.body[start..end].replace("&#x27;", "'")
}

#[actix_web::test]
async fn a_checked_profile_makes_the_account_standard_after_a_new_login() {
    let app = TestApp::spawn().await;
    let (browser, page) = logged_in(&app, SIMPLE).await;
    assert!(page.body.contains("упрощённая"));
    assert!(
        page.body.contains("Стандартная учётная запись открывает"),
        "the banner says what is next"
    );

    let pending = submit(&browser, &page, &[]).await;
    assert_eq!(pending.url.path(), "/account");
    assert!(
        pending.body.contains("Данные отправлены на проверку"),
        "{}",
        pending.body
    );
    assert!(pending.body.contains("readonly"));
    // Read-only while pending.
    let again = submit(&browser, &pending, &[("birthplace", "г. Тверь")]).await;
    assert_eq!(again.status, 409);
    assert!(errors(&again).contains("не могут быть изменены"));
    assert_eq!(account_level(&app, SIMPLE).await, AccountLevel::Simplified);

    // Tokens of the current session: simplified, before and after the check.
    let before = app.tokens(&browser, SIMPLE, &[]).await;
    assert_eq!(
        claims(before["id_token"].as_str().unwrap())["account_level"],
        "simplified"
    );

    app.clock.advance(app.state.config.registry_delay_secs);
    assert_eq!(
        verification_done(&app, SIMPLE).await,
        VerificationStatus::Passed
    );
    assert_eq!(account_level(&app, SIMPLE).await, AccountLevel::Standard);
    let page = browser.follow(browser.get("/account").await).await;
    assert!(page.body.contains("стандартная"));
    assert!(page.body.contains("Проверка пройдена"), "{}", page.body);
    assert!(
        page.body
            .contains("Подтверждённая учётная запись открывает")
    );

    // The result came by message too.
    let url =
        reqwest::Url::parse_with_params(&format!("{}/dev/outbox", app.url), &[("to", SIMPLE)])
            .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let list: serde_json::Value = reqwest::get(url.clone())
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if list[0]["subject"] == "Результат проверки данных" {
            assert!(
                list[0]["text"]
                    .as_str()
                    .unwrap()
                    .contains("стала стандартной")
            );
            break;
        }
        assert!(Instant::now() < deadline, "no result message: {list}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // The session's snapshot is still simplified; a new login shows standard.
    let same_session = app.tokens(&browser, SIMPLE, &[]).await;
    assert_eq!(
        claims(same_session["id_token"].as_str().unwrap())["account_level"],
        "simplified"
    );
    let fresh = app.browser();
    let after = app.tokens(&fresh, SIMPLE, &[]).await;
    assert_eq!(
        claims(after["id_token"].as_str().unwrap())["account_level"],
        "standard"
    );
    // A portal that needs standard makes the old session log in again.
    let needs_standard =
        r#"{"id_token":{"account_level":{"essential":true,"values":["standard","confirmed"]}}}"#;
    let page = browser
        .follow(
            browser
                .get(&app.auth_url(&[("claims", needs_standard)]))
                .await,
        )
        .await;
    assert_eq!(page.url.path(), "/login", "{}", page.url);

    let journal = app.state.sql.audit_tail(None, None, 100).await.unwrap();
    let names: Vec<&str> = journal.iter().map(|e| e.event.as_str()).collect();
    assert!(names.contains(&events::VERIFICATION_REQUESTED));
    assert!(names.contains(&events::VERIFICATION_PASSED));
}

#[actix_web::test]
async fn every_wrong_field_is_named() {
    let app = TestApp::spawn().await;
    let (browser, page) = logged_in(&app, SIMPLE).await;
    for (change, says) in [
        (
            ("snils", "112-233-448 99"),
            "«СНИЛС»: контрольное число не совпадает",
        ),
        (
            ("snils", "112-233-448"),
            "«СНИЛС»: должно состоять из 11 цифр",
        ),
        (
            ("inn", "500100732258"),
            "«ИНН»: контрольное число не совпадает",
        ),
        (("inn", "7707083893"), "«ИНН»: должно состоять из 12 цифр"),
        (
            ("passport_series", "450"),
            "«Серия паспорта»: должно состоять из 4 цифр",
        ),
        (
            ("passport_number", "12345"),
            "«Номер паспорта»: должно состоять из 6 цифр",
        ),
        (("passport_issuer_code", "77-001"), "«Код подразделения»"),
        (
            ("birthdate", "2999-01-01"),
            "«Дата рождения»: дата не может быть в будущем",
        ),
        (
            ("passport_issued", "1979-01-01"),
            "«Дата выдачи паспорта»: не может быть раньше даты рождения",
        ),
        (("last_name", ""), "«Фамилия»: заполните поле"),
        (("gender", "other"), "«Пол»"),
        (("birthplace", ""), "«Место рождения»: заполните поле"),
    ] {
        let refused = submit(&browser, &page, &[change]).await;
        assert_eq!(refused.status, 400, "{change:?}");
        assert!(
            errors(&refused).contains(says),
            "{change:?}: {}",
            errors(&refused)
        );
        // What was typed stays in the form.
        assert!(refused.body.contains(&format!("value=\"{}\"", change.1)) || change.0 == "gender");
    }
    // Several wrong fields are all named at once.
    let both = submit(&browser, &page, &[("snils", "1"), ("inn", "2")]).await;
    assert!(errors(&both).contains("«СНИЛС»") && errors(&both).contains("«ИНН»"));
    let id = app
        .state
        .sql
        .account_by_login(SIMPLE)
        .await
        .unwrap()
        .unwrap()
        .id;
    assert!(
        app.state
            .sql
            .latest_verification(&id)
            .await
            .unwrap()
            .is_none(),
        "nothing was sent"
    );
}

#[actix_web::test]
async fn a_refusal_of_the_registries_names_what_did_not_match() {
    let app = TestApp::spawn().await;
    let (browser, page) = logged_in(&app, SIMPLE).await;
    let (series, number) = INVALID_PASSPORTS[0].split_once(' ').unwrap();
    submit(
        &browser,
        &page,
        &[
            ("snils", UNKNOWN_SNILS[0]),
            ("passport_series", series),
            ("passport_number", number),
        ],
    )
    .await;
    app.clock.advance(app.state.config.registry_delay_secs);
    assert_eq!(
        verification_done(&app, SIMPLE).await,
        VerificationStatus::Failed
    );
    assert_eq!(account_level(&app, SIMPLE).await, AccountLevel::Simplified);
    let page = browser.follow(browser.get("/account").await).await;
    assert!(page.body.contains("Проверка не пройдена"), "{}", page.body);
    assert!(page.body.contains(UNKNOWN_SNILS[0]));
    assert!(page.body.contains("недействителен"));
    // Editable again: a corrected profile passes.
    let resent = submit(&browser, &page, &[]).await;
    assert!(resent.body.contains("Данные отправлены на проверку"));
    app.clock.advance(app.state.config.registry_delay_secs);
    assert_eq!(
        verification_done(&app, SIMPLE).await,
        VerificationStatus::Passed
    );
}

#[actix_web::test]
async fn editing_supersedes_a_pending_check_whose_answer_is_then_ignored() {
    let app = TestApp::spawn().await;
    let (browser, page) = logged_in(&app, SIMPLE).await;
    // A first request that would pass...
    let pending = submit(&browser, &page, &[]).await;
    let csrf = pending.csrf();
    let editable = browser
        .submit("/account", &[("csrf", &csrf), ("action", "edit")])
        .await;
    assert!(!editable.body.contains("readonly"), "editable again");
    // ...superseded by one that fails.
    submit(&browser, &editable, &[("snils", UNKNOWN_SNILS[1])]).await;
    app.clock.advance(app.state.config.registry_delay_secs);
    assert_eq!(
        verification_done(&app, SIMPLE).await,
        VerificationStatus::Failed
    );
    // Both jobs ran; the first, cancelled, changed nothing.
    let deadline = Instant::now() + Duration::from_secs(10);
    // (The demo's own pending check is due a day later: not ours.)
    let ours_left = async || {
        let jobs = app
            .state
            .sql
            .jobs_of_kind(idp::accounts::profile::VERIFY)
            .await
            .unwrap();
        let later = app.state.now() + idp::demo::PENDING_CHECK_AFTER_SECS / 2;
        jobs.iter().any(|j| j.run_at < later)
    };
    while ours_left().await {
        assert!(Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(account_level(&app, SIMPLE).await, AccountLevel::Simplified);
    let journal = app
        .state
        .sql
        .audit_tail(None, Some(events::VERIFICATION_CANCELLED.into()), 10)
        .await
        .unwrap();
    assert_eq!(journal.len(), 1);
}

#[actix_web::test]
async fn a_check_survives_the_node_that_took_it() {
    // The request is made on one node; another node on the same stores
    // finishes it (as after a restart).
    let a = TestApp::spawn().await;
    let (browser, page) = logged_in(&a, SIMPLE).await;
    submit(&browser, &page, &[]).await;
    let b = TestApp::builder().sharing(&a).spawn().await;
    b.clock.advance(b.state.config.registry_delay_secs + 1);
    assert_eq!(
        verification_done(&b, SIMPLE).await,
        VerificationStatus::Passed
    );
    assert_eq!(account_level(&a, SIMPLE).await, AccountLevel::Standard);
}

#[actix_web::test]
async fn a_snils_of_another_account_is_refused() {
    let app = TestApp::spawn().await;
    let (browser, page) = logged_in(&app, SIMPLE).await;
    let taken = app
        .state
        .sql
        .account_by_login(STANDARD)
        .await
        .unwrap()
        .unwrap()
        .snils
        .unwrap();
    let refused = submit(&browser, &page, &[("snils", &taken)]).await;
    assert_eq!(refused.status, 409);
    assert!(errors(&refused).contains("уже указан в другой учётной записи"));
}

#[actix_web::test]
async fn the_profile_needs_a_login() {
    let app = TestApp::spawn().await;
    let res = app.browser().get("/account").await;
    assert_eq!(res.status(), 303);
    assert_eq!(Browser::location(&res).path(), "/login");
}

#[actix_web::test]
async fn the_demo_has_an_account_whose_check_is_pending() {
    let app = TestApp::spawn().await;
    let (_, page) = logged_in(&app, "pending@demo.vhod").await;
    assert!(
        page.body.contains("Данные отправлены на проверку"),
        "{}",
        page.body
    );
    assert!(page.body.contains("readonly"));
    // It gets its answer a day after seeding.
    app.clock.advance(idp::demo::PENDING_CHECK_AFTER_SECS);
    assert_eq!(
        verification_done(&app, "pending@demo.vhod").await,
        VerificationStatus::Passed
    );
}

/// What «Действующие данные» say of the field `label`: its value and
/// where it stands, as one line of text.
fn in_force(page: &Page, label: &str) -> Option<String> {
    let html = scraper::Html::parse_document(&page.body);
    let terms = scraper::Selector::parse("dl > dt").unwrap();
    let dt = html
        .select(&terms)
        .find(|dt| dt.text().collect::<String>() == label)?;
    let dd = dt
        .next_siblings()
        .find_map(scraper::ElementRef::wrap)
        .expect("a value after its label");
    Some(dd.text().collect())
}

#[actix_web::test]
async fn each_field_says_whether_it_is_checked_or_being_checked() {
    let app = TestApp::spawn().await;
    let (browser, page) = logged_in(&app, SIMPLE).await;
    let family = || in_force(&page, "Фамилия").unwrap();
    assert!(family().ends_with(" не проверено"), "{}", family());
    assert_eq!(
        in_force(&page, "СНИЛС"),
        None,
        "nothing to say of an empty field"
    );
    // Each contact says whether it is confirmed.
    let text = page.text();
    let contacts = text
        .split("Контакты: ")
        .nth(1)
        .unwrap()
        .lines()
        .next()
        .unwrap();
    assert!(
        contacts.contains(&format!("{SIMPLE} (подтверждён)")),
        "{contacts}"
    );

    // Sent: a simplified account's fields are all being checked, the new
    // ones marked as such.
    let pending = submit(&browser, &page, &[]).await;
    let field = |label| in_force(&pending, label).unwrap_or_default();
    assert!(
        field("Фамилия").ends_with(" на проверке"),
        "{}",
        field("Фамилия")
    );
    assert_eq!(field("СНИЛС"), "не указано Новое значение на проверке.");

    app.clock.advance(app.state.config.registry_delay_secs);
    assert_eq!(
        verification_done(&app, SIMPLE).await,
        VerificationStatus::Passed
    );
    let page = browser.follow(browser.get("/account").await).await;
    let field = |label| in_force(&page, label).unwrap_or_default();
    assert_eq!(field("СНИЛС"), "112-233-448 98 проверено");
    assert_eq!(field("Место рождения"), "г. Тула проверено");

    // A change of a checked account: the checked value stays, marked as
    // having a new one being checked; the rest stay checked.
    let pending = submit(&browser, &page, &[("birthplace", "г. Тверь")]).await;
    let field = |label| in_force(&pending, label).unwrap_or_default();
    assert_eq!(
        field("Место рождения"),
        "г. Тула проверено Новое значение на проверке."
    );
    assert_eq!(field("СНИЛС"), "112-233-448 98 проверено");
}
