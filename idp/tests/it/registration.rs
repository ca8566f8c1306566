//! Self-registration to a simplified account, driven through the real pages
//! with the contract's field names, reading codes and links from the dev
//! outbox over HTTP.

use idp::accounts::registration::{CODE_TTL_SECS, LINK_TTL_SECS, RESEND_AFTER_SECS};
use idp::audit::events;
use idp::model::AccountLevel;

use crate::harness::*;

const PASSWORD_NEW: &str = "Новый-pass1"; // not Latin: refused
const GOOD: &str = "Str0ng-pass!";

/// Opens an e-mail link and presses its button, as a person does (a mail
/// scanner that only fetches the link uses nothing up).
async fn follow_link(browser: &Browser, link: &str) -> Page {
    let page = browser.follow(browser.get(link).await).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let (csrf, token) = (page.csrf(), page.hidden("token"));
    browser
        .submit("/register/confirm", &[("csrf", &csrf), ("token", &token)])
        .await
}

/// Fills in the first page; returns the page it leads to.
async fn start(browser: &Browser, last: &str, first: &str, contact: &str) -> Page {
    let form = browser.follow(browser.get("/register").await).await;
    assert_eq!(form.status, 200, "{}", form.body);
    let csrf = form.csrf();
    browser
        .submit(
            "/register",
            &[
                ("csrf", &csrf),
                ("last_name", last),
                ("first_name", first),
                ("contact", contact),
            ],
        )
        .await
}

async fn send_code(browser: &Browser, page: &Page, code: &str) -> Page {
    let (csrf, reg) = (page.csrf(), page.hidden("reg"));
    browser
        .submit(
            "/register/code",
            &[("csrf", &csrf), ("reg", &reg), ("code", code)],
        )
        .await
}

async fn set_password(browser: &Browser, page: &Page, password: &str, again: &str) -> Page {
    let (csrf, reg) = (page.csrf(), page.hidden("reg"));
    browser
        .submit(
            "/register/password",
            &[
                ("csrf", &csrf),
                ("reg", &reg),
                ("password", password),
                ("password2", again),
            ],
        )
        .await
}

fn error_of(page: &Page) -> String {
    let start = page
        .body
        .find("id=\"form-error\">")
        .expect("an error message")
        + 16;
    let end = page.body[start..].find('<').unwrap() + start;
    page.body[start..end]
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
}

#[actix_web::test]
async fn a_person_registers_by_phone_and_is_logged_in() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let page = start(&browser, "Иванова", "Мария", "8 (999) 555-12-34").await;
    assert_eq!(page.url.path(), "/register/code", "{}", page.body);
    assert!(page.body.contains("+79995551234"));
    let sms = app.newest_message("+7 999 555 12 34", 1).await;
    assert_eq!(sms["kind"], "sms");
    let code = sms["code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 6);
    assert!(sms["text"].as_str().unwrap().contains(&code));

    // A wrong code names the field and the tries left.
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let again = send_code(&browser, &page, wrong).await;
    assert_eq!(again.status, 400);
    assert!(
        error_of(&again).contains("осталось попыток: 2"),
        "{}",
        error_of(&again)
    );
    assert!(again.body.contains("aria-invalid=\"true\""));

    let password_page = send_code(&browser, &again, &code).await;
    assert_eq!(password_page.url.path(), "/register/password");
    // The rules come before the field, and the field points at them.
    let rules = password_page.body.find("id=\"password-rules\"").unwrap();
    let field = password_page.body.find("name=\"password\"").unwrap();
    assert!(rules < field, "the rules before typing");
    assert!(
        password_page
            .body
            .contains("aria-describedby=\"password-rules\"")
    );

    // Each rule of the policy is named when it fails.
    for (password, says) in [
        ("Sh0rt!", "не короче 8 символов"),
        ("alllower1", "заглавная и строчная латинские буквы и цифра"),
        (PASSWORD_NEW, "переключите раскладку"),
        ("Latin-pass1§", "допустимы только латинские буквы"),
    ] {
        let refused = set_password(&browser, &password_page, password, password).await;
        assert_eq!(refused.status, 400, "{password}");
        assert!(
            error_of(&refused).contains(says),
            "{password}: {}",
            error_of(&refused)
        );
        assert!(error_of(&refused).contains("«Пароль»"));
    }
    let differ = set_password(&browser, &password_page, GOOD, "Str0ng-pass?").await;
    assert!(
        error_of(&differ).contains("«Пароль ещё раз»"),
        "{}",
        error_of(&differ)
    );

    let done = set_password(&browser, &password_page, GOOD, GOOD).await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("Учётная запись создана"));
    let account = app
        .state
        .sql
        .account_by_login("+79995551234")
        .await
        .unwrap()
        .expect("the account");
    assert_eq!(account.level, AccountLevel::Simplified);
    assert_eq!(
        (account.family_name.as_str(), account.given_name.as_str()),
        ("Иванова", "Мария")
    );
    assert!(account.phone_verified);
    assert!(account.email.is_none());
    // Logged in: the consents page opens without a login.
    let consents = browser.get("/account/consents").await;
    assert_eq!(consents.status(), 200);
    // And the password is the one chosen.
    assert!(idp::credentials::password::verify(
        GOOD,
        &account.password_hash
    ));

    let journal = app.state.sql.audit_tail(None, None, 100).await.unwrap();
    let names: Vec<&str> = journal.iter().map(|e| e.event.as_str()).collect();
    for event in [
        events::REGISTRATION_CODE_SENT,
        events::REGISTRATION_CODE_CHECKED,
        events::ACCOUNT_REGISTERED,
    ] {
        assert!(names.contains(&event), "{event} in {names:?}");
    }
    // The journal never holds the code.
    assert!(journal.iter().all(|e| !e.detail.contains(&code)));
}

#[actix_web::test]
async fn the_e_mail_link_works_once_in_whichever_browser_opens_it() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let page = start(&browser, "Петров", "Олег", "Petrov@Example.RU").await;
    assert_eq!(page.url.path(), "/register/email", "{}", page.body);
    let mail = app.newest_message("petrov@example.ru", 1).await;
    assert_eq!(mail["kind"], "email");
    let link = mail["link"].as_str().unwrap().to_owned();
    assert!(mail["text"].as_str().unwrap().contains(&link));

    // Opened in the mail app's browser: the registration goes on there.
    let mail_app = app.browser();
    // A scanner fetching the link uses nothing up.
    let scanner = app.browser();
    scanner.follow(scanner.get(&link).await).await;
    let password_page = follow_link(&mail_app, &link).await;
    assert_eq!(
        password_page.url.path(),
        "/register/password",
        "{}",
        password_page.body
    );
    // The link works once, and says so when opened again, with «Войти».
    let again = mail_app.follow(mail_app.get(&link).await).await;
    assert_eq!(again.status, 409);
    assert!(again.body.contains("уже использована"), "{}", again.body);
    assert!(!again.body.contains("name=\"token\""), "no button to press");
    assert!(again.body.contains("id=\"log-in\""), "{}", again.body);
    // The first tab learns that the registration went on elsewhere.
    let reg = password_page.hidden("reg");
    assert_eq!(reg, page.hidden("reg"));
    let waiting = format!("/register/email?reg={reg}");
    let first_tab = browser.follow(browser.get(&waiting).await).await;
    assert_eq!(first_tab.status, 200);
    assert!(
        first_tab.text().contains("открыта в другом браузере"),
        "{}",
        first_tab.body
    );
    let stale = browser
        .follow(browser.get(&format!("/register/password?reg={reg}")).await)
        .await;
    assert!(!stale.body.contains("name=\"password\""), "not here");

    let done = set_password(&mail_app, &password_page, GOOD, GOOD).await;
    assert!(
        done.body.contains("Учётная запись создана"),
        "{}",
        done.body
    );
    let first_tab = browser.follow(browser.get(&waiting).await).await;
    assert!(
        first_tab.text().contains("Регистрация завершена"),
        "{}",
        first_tab.body
    );
    assert!(first_tab.body.contains("href=\"/\" id=\"log-in\""));
    let account = app
        .state
        .sql
        .account_by_login("petrov@example.ru")
        .await
        .unwrap()
        .unwrap();
    assert!(account.email_verified);
}

#[actix_web::test]
async fn an_e_mail_link_expires_after_15_minutes() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    start(&browser, "Петров", "Олег", "late@example.ru").await;
    let link = app.newest_message("late@example.ru", 1).await["link"]
        .as_str()
        .unwrap()
        .to_owned();
    app.clock.advance(LINK_TTL_SECS + 1);
    let page = follow_link(&browser, &link).await;
    assert_eq!(page.status, 400);
    assert!(page.body.contains("Ссылка устарела"));
}

#[actix_web::test]
async fn codes_expire_run_out_of_tries_and_are_resent_after_a_cooldown() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let page = start(&browser, "Сидоров", "Илья", "+79990001122").await;
    let first = app.newest_message("+79990001122", 1).await["code"]
        .as_str()
        .unwrap()
        .to_owned();

    // Resending at once is refused with the wait.
    let (csrf, reg) = (page.csrf(), page.hidden("reg"));
    let early = browser
        .post("/register/resend", &[("csrf", &csrf), ("reg", &reg)])
        .await;
    assert_eq!(early.status(), 429);
    // In words, with the seconds counted: «через 60 секунд».
    let body = early.text().await.unwrap();
    let after = body
        .split("Новый код можно получить через ")
        .nth(1)
        .unwrap_or_else(|| panic!("{body}"));
    let (n, rest) = after.split_once(' ').unwrap();
    assert!(
        n.parse::<u32>().is_ok() && rest.starts_with("секунд"),
        "{}",
        after.chars().take(80).collect::<String>()
    );

    // Three wrong tries spend the code, even the right one then fails.
    let wrong = if first == "000000" {
        "111111"
    } else {
        "000000"
    };
    send_code(&browser, &page, wrong).await;
    send_code(&browser, &page, wrong).await;
    let spent = send_code(&browser, &page, wrong).await;
    assert!(
        error_of(&spent).contains("код больше не действует"),
        "{}",
        error_of(&spent)
    );
    let still = send_code(&browser, &page, &first).await;
    assert_eq!(still.url.path(), "/register/code");
    assert!(error_of(&still).contains("код больше не действует"));

    // After the cooldown a new code comes, and the old one is dead.
    app.clock.advance(RESEND_AFTER_SECS);
    let resent = browser
        .submit("/register/resend", &[("csrf", &csrf), ("reg", &reg)])
        .await;
    assert!(resent.body.contains("Отправили ещё раз"), "{}", resent.body);
    let second = app.newest_message("+79990001122", 2).await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    if second != first {
        let old = send_code(&browser, &resent, &first).await;
        assert!(error_of(&old).contains("неверный код"));
    }
    // A code is good for five minutes only.
    app.clock.advance(CODE_TTL_SECS + 1);
    let late = send_code(&browser, &resent, &second).await;
    assert!(error_of(&late).contains("код больше не действует"));
}

#[actix_web::test]
async fn a_registered_contact_learns_it_by_message_and_never_gets_a_second_account() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    // The page looks exactly as for a new address.
    let before = app.state.sql.accounts().await.unwrap().len();
    let page = start(&browser, "Стандартова", "Анна", STANDARD).await;
    assert_eq!(page.url.path(), "/register/email");
    let mail = app.newest_message(STANDARD, 1).await;
    assert!(mail.get("link").is_none(), "{mail}");
    assert!(
        mail["text"]
            .as_str()
            .unwrap()
            .contains("уже связана учётная запись")
    );
    // By phone the same: a notice, no code, so the code page cannot pass.
    let phone = app
        .state
        .sql
        .account_by_login(STANDARD)
        .await
        .unwrap()
        .unwrap()
        .phone
        .unwrap();
    let page = start(&browser, "Стандартова", "Анна", &phone).await;
    assert_eq!(page.url.path(), "/register/code");
    let sms = app.newest_message(&phone, 1).await;
    assert!(sms.get("code").is_none(), "{sms}");
    let refused = send_code(&browser, &page, "123456").await;
    assert_eq!(refused.url.path(), "/register/code");
    assert_eq!(app.state.sql.accounts().await.unwrap().len(), before);
}

#[actix_web::test]
async fn every_field_is_checked_and_named() {
    let app = TestApp::spawn().await;
    let before = app.state.sql.accounts().await.unwrap().len();
    let browser = app.browser();
    for (last, first, contact, says) in [
        ("", "Мария", "+79995551234", "«Фамилия»: заполните поле"),
        (
            "Иванова",
            "Мария1",
            "+79995551234",
            "«Имя»: допустимы только буквы",
        ),
        (
            "Иванова",
            "Мария",
            "+7 499 123-45-67",
            "«Мобильный телефон или электронная почта»",
        ),
        ("Иванова", "Мария", "maria@", "name@example.ru"),
        (
            &"я".repeat(200),
            "Мария",
            "+79995551234",
            "не больше 100 символов",
        ),
    ] {
        let page = start(&browser, last, first, contact).await;
        assert_eq!(page.status, 400, "{last} {first} {contact}");
        assert!(
            error_of(&page).contains(says),
            "{says}: {}",
            error_of(&page)
        );
        // What was typed is kept.
        if !first.is_empty() {
            assert!(page.body.contains(first), "{first}");
        }
    }
    // A NUL byte, or a 70 KB field: a page that names the field, not a 5xx.
    let form = browser.follow(browser.get("/register").await).await;
    let csrf = form.csrf();
    let res = browser
        .post(
            "/register",
            &[
                ("csrf", &csrf),
                ("last_name", "Иванова\0"),
                ("first_name", "А"),
                ("contact", "+79995551234"),
            ],
        )
        .await;
    assert_eq!(res.status(), 400);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("недопустимые символы") && body.contains("last_name"),
        "{body}"
    );
    let form = browser.follow(browser.get("/register").await).await;
    let csrf = form.csrf();
    let huge = "я".repeat(35_000);
    let res = browser
        .post(
            "/register",
            &[
                ("csrf", &csrf),
                ("last_name", &huge),
                ("first_name", "А"),
                ("contact", "+79995551234"),
            ],
        )
        .await;
    assert_eq!(res.status(), 400);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("слишком длинное значение")
    );
    // Within the body limit, the overlong field is named.
    let long = "я".repeat(5_000);
    let res = browser
        .post(
            "/register",
            &[
                ("csrf", &csrf),
                ("last_name", &long),
                ("first_name", "А"),
                ("contact", "+79995551234"),
            ],
        )
        .await;
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap().contains("last_name"));
    assert_eq!(app.state.sql.accounts().await.unwrap().len(), before);
}

#[actix_web::test]
async fn a_registration_link_opened_in_another_browser_does_not_continue() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let page = start(&browser, "Иванова", "Мария", "+79995551234").await;
    let reg = page.hidden("reg");
    let other = app.browser();
    let stolen = other
        .follow(other.get(&format!("/register/code?reg={reg}")).await)
        .await;
    assert_eq!(stolen.status, 400);
    assert!(stolen.body.contains("Регистрация не найдена"));
}

#[actix_web::test]
async fn registering_from_a_portals_login_goes_back_to_the_portal() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let login = browser.follow(browser.get(&app.auth_url(&[])).await).await;
    let flow = login.hidden("flow");
    assert!(
        login.body.contains(&format!("/register?flow={flow}")),
        "the login page links to registration"
    );
    let form = browser
        .follow(browser.get(&format!("/register?flow={flow}")).await)
        .await;
    let csrf = form.csrf();
    let page = browser
        .submit(
            "/register",
            &[
                ("csrf", &csrf),
                ("flow", &flow),
                ("last_name", "Новикова"),
                ("first_name", "Ольга"),
                ("contact", "+79995550000"),
            ],
        )
        .await;
    let code = app.newest_message("+79995550000", 1).await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let password_page = send_code(&browser, &page, &code).await;
    let mut back = set_password(&browser, &password_page, GOOD, GOOD).await;
    // A new person is asked for consent, then goes back with a code.
    if back.url.path() == "/consent" {
        back = back.consent(&browser, "allow").await;
    }
    assert!(back.url.as_str().starts_with(REDIRECT), "{}", back.url);
    let code = query(&back.url, "code").expect("an authorization code");
    let res = app
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ])
        .await;
    let tokens: serde_json::Value = res.json().await.unwrap();
    let id_token = claims(tokens["id_token"].as_str().unwrap());
    assert_eq!(id_token["account_level"], "simplified");
    let account = app
        .state
        .sql
        .account_by_login("+79995550000")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(id_token["sub"], account.id);
}

#[actix_web::test]
async fn one_contact_gets_one_message_a_minute_whoever_asks() {
    let app = TestApp::spawn().await;
    let first = app.browser();
    start(&first, "Иванова", "Мария", "+79995551234").await;
    // Another browser (a stranger) starts a registration for the same phone.
    let stranger = app.browser();
    let form = stranger.follow(stranger.get("/register").await).await;
    let csrf = form.csrf();
    let res = stranger
        .post(
            "/register",
            &[
                ("csrf", &csrf),
                ("last_name", "Петров"),
                ("first_name", "Пётр"),
                ("contact", "8 999 555 12 34"),
            ],
        )
        .await;
    assert_eq!(res.status(), 429);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Новый код можно получить через")
    );
    app.newest_message("+79995551234", 1).await;
    let url = reqwest::Url::parse_with_params(
        &format!("{}/dev/outbox", app.url),
        &[("to", "+79995551234")],
    )
    .unwrap();
    let list: serde_json::Value = reqwest::get(url).await.unwrap().json().await.unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1, "one SMS only: {list}");
    // A minute later it may.
    app.clock.advance(RESEND_AFTER_SECS);
    let page = start(&stranger, "Петров", "Пётр", "+79995551234").await;
    assert_eq!(page.url.path(), "/register/code");
}

/// Guesses sent in parallel share the code's three tries: each is checked
/// and spent in one atomic step, so at most three are ever compared.
/// (Embedded, where the memory store never yields inside the check, it
/// passed before; on Redis it did not.)
#[actix_web::test]
async fn parallel_guesses_share_the_three_tries() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let page = start(&browser, "Сидоров", "Илья", "+79990001133").await;
    let sent = app.newest_message("+79990001133", 1).await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let wrong = if sent == "123456" { "654321" } else { "123456" };
    let (csrf, reg) = (page.csrf(), page.hidden("reg"));
    let mut guesses = tokio::task::JoinSet::new();
    for _ in 0..12 {
        let (http, url) = (browser.client.clone(), format!("{}/register/code", app.url));
        let form = [
            ("csrf", csrf.clone()),
            ("reg", reg.clone()),
            ("code", wrong.to_owned()),
        ];
        guesses.spawn(async move {
            let res = http.post(url).form(&form).send().await.unwrap();
            res.status().as_u16()
        });
    }
    assert!(guesses.join_all().await.iter().all(|s| *s == 400));
    let journal = app.state.sql.audit_events(200).await.unwrap();
    let checked = journal
        .iter()
        .filter(|e| e.event == events::REGISTRATION_CODE_CHECKED && e.detail["right"] == false)
        .count();
    assert_eq!(checked, 3, "three tries, {checked} guesses compared");
    let late = send_code(&browser, &page, &sent).await;
    assert!(error_of(&late).contains("код больше не действует"));
}

/// Starts a registration for `contact` in `browser`; the response.
async fn register(browser: &Browser, contact: &str) -> reqwest::Response {
    let form = browser.follow(browser.get("/register").await).await;
    let csrf = form.csrf();
    browser
        .post(
            "/register",
            &[
                ("csrf", &csrf),
                ("last_name", "Насосов"),
                ("first_name", "Пётр"),
                ("contact", contact),
            ],
        )
        .await
}

/// Messages the dev outbox holds for `to`.
async fn sent_to(app: &TestApp, to: &str) -> usize {
    let url =
        reqwest::Url::parse_with_params(&format!("{}/dev/outbox", app.url), &[("to", to)]).unwrap();
    let list: serde_json::Value = reqwest::get(url).await.unwrap().json().await.unwrap();
    list.as_array().unwrap().len()
}

/// SMS pumping: registrations to ever new numbers from one address send
/// at most `registration_sends_per_address` messages (codes and resends
/// alike) a window; then a page says when to try again, and the journal
/// says the limit was reached.
#[actix_web::test]
async fn one_address_sends_a_limited_number_of_codes() {
    let app = TestApp::spawn().await;
    let config = idp::config::Config::default();
    let limit = config.registration_sends_per_address;
    let browser = app.browser();
    for n in 0..limit {
        let res = register(&browser, &format!("+7999700{n:04}")).await;
        assert_eq!(res.status(), 303, "registration {n}");
    }
    let refused = register(&browser, "+79998889900").await;
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));
    let body = refused.text().await.unwrap();
    assert!(body.contains("Попробуйте снова через"), "{body}");
    // Another browser from the same address fares no better.
    let other = register(&app.browser(), "+79998889901").await;
    assert_eq!(other.status(), 429);
    let journal = app.state.sql.audit_events(200).await.unwrap();
    let reached: Vec<_> = journal
        .iter()
        .filter(|e| e.event == events::LIMIT_REACHED)
        .collect();
    assert_eq!(reached.len(), 1, "journaled once a window: {reached:?}");
    assert_eq!(reached[0].detail["limit"], "registration_sends");
    // The next window sends again; the refused one had sent nothing.
    app.clock.advance(config.registration_window_secs);
    let res = register(&browser, "+79998889900").await;
    assert_eq!(res.status(), 303);
    app.newest_message("+79998889900", 1).await;
    assert_eq!(sent_to(&app, "+79998889900").await, 1, "one SMS only");
}

/// From many addresses at once the total still holds: at most
/// `registration_sends_total` messages a window, whoever asks.
#[actix_web::test]
async fn all_addresses_together_send_a_limited_number_of_codes() {
    let app = TestApp::builder()
        .config(|c| {
            c.registration_sends_per_address = 100;
            c.registration_sends_total = 3;
        })
        .spawn()
        .await;
    for n in 0..3 {
        let res = register(&app.browser(), &format!("+7999710{n:04}")).await;
        assert_eq!(res.status(), 303, "registration {n}");
    }
    let refused = register(&app.browser(), "+79997109999").await;
    assert_eq!(refused.status(), 429);
    let body = refused.text().await.unwrap();
    assert!(body.contains("Попробуйте снова через"), "{body}");
    let journal = app.state.sql.audit_events(200).await.unwrap();
    assert!(journal.iter().any(
        |e| e.event == events::LIMIT_REACHED && e.detail["limit"] == "registration_sends_total"
    ));
    app.clock.advance(3600);
    let res = register(&app.browser(), "+79997109999").await;
    assert_eq!(res.status(), 303);
    app.newest_message("+79997109999", 1).await;
    assert_eq!(sent_to(&app, "+79997109999").await, 1, "one SMS only");
}
