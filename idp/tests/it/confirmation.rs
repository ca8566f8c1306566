//! Confirming an identity: at a service centre (the operator's CLI, with
//! the seeds' new-document rule) and by a code sent by registered post.

use idp::accounts::confirmation::{POSTAL_CODE_TRIES, POSTAL_CODE_TTL_SECS};
use idp::accounts::levels::after_check;
use idp::audit::events;
use idp::model::{AccountLevel, Passport, Profile, Verification, VerificationStatus};

use crate::harness::*;
use crate::operations::idp;

/// Makes `login` a standard account with passport 4506 123456 on file, as
/// a passed verification leaves it.
async fn standard_with_passport(app: &TestApp, login: &str) -> String {
    let sql = &app.state.sql;
    let account = sql.account_by_login(login).await.unwrap().unwrap();
    let mut profile = sql.profile(&account.id).await.unwrap().unwrap();
    profile.passport = Some(Passport {
        series: "4506".into(),
        number: "123456".into(),
        issued_on: "2005-03-01".into(),
        issuer: "ОВД района Хамовники г. Москвы".into(),
        issuer_code: "770-001".into(),
    });
    profile.birthdate.get_or_insert_with(|| "1980-01-10".into());
    let verification = Verification {
        id: format!("v-{login}"),
        account_id: account.id.clone(),
        status: VerificationStatus::Pending,
        data: Profile::clone(&profile),
        mismatches: Vec::new(),
        requested_at: app.state.now(),
        finished_at: None,
    };
    sql.submit_profile(&verification, app.state.now())
        .await
        .unwrap();
    sql.finish_verification(&verification.id, true, &[], app.state.now(), after_check)
        .await
        .unwrap();
    assert_ne!(level(app, login).await, AccountLevel::Simplified);
    account.id
}

async fn level(app: &TestApp, login: &str) -> AccountLevel {
    app.account(login).await.level
}

fn run(app: &TestApp, args: &[&str]) -> (bool, String) {
    let out = idp(&app.state.config, args);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[actix_web::test]
async fn a_service_centre_confirms_with_the_passport_on_file_only() {
    let app = TestApp::spawn().await;
    // A simplified account cannot be confirmed.
    let (ok, text) = run(
        &app,
        &[
            "users",
            "confirm",
            SIMPLE,
            "--document",
            "4506-123456",
            "--operator",
            "Иванова",
        ],
    );
    assert!(!ok);
    assert!(text.contains("only a standard account"), "{text}");

    let id = standard_with_passport(&app, SIMPLE).await;
    // A different document (a new passport not yet in the profile): refused.
    let (ok, text) = run(
        &app,
        &[
            "users",
            "confirm",
            SIMPLE,
            "--document",
            "4510-654321",
            "--operator",
            "Иванова",
        ],
    );
    assert!(!ok);
    assert!(text.contains("not the passport in the profile"), "{text}");
    assert_eq!(level(&app, SIMPLE).await, AccountLevel::Standard);

    let (ok, text) = run(
        &app,
        &[
            "users",
            "confirm",
            SIMPLE,
            "--document",
            "45 06 123456",
            "--operator",
            "Иванова А. П.",
        ],
    );
    assert!(ok, "{text}");
    assert_eq!(level(&app, SIMPLE).await, AccountLevel::Confirmed);
    let entry = app
        .state
        .sql
        .audit_tail(Some(id), Some(events::ACCOUNT_CONFIRMED.into()), 1)
        .await
        .unwrap();
    assert!(
        entry[0].detail.contains("service_centre") && entry[0].detail.contains("Иванова А. П.")
    );
    // Once confirmed, again is refused.
    let (ok, _) = run(
        &app,
        &[
            "users",
            "confirm",
            SIMPLE,
            "--document",
            "4506-123456",
            "--operator",
            "Иванова",
        ],
    );
    assert!(!ok);
    // The person is told (the CLI queued it; this node's worker sends it
    // once its clock, which the test holds, reaches the CLI's).
    app.clock.advance(60);
    app.state.jobs.wake();
    let message = app.newest_message(SIMPLE, 1).await;
    assert_eq!(message["subject"], "Учётная запись подтверждена");
}

/// A browser logged in as `login`, on the confirmation page.
async fn confirm_page(app: &TestApp, login: &str) -> (Browser, Page) {
    let browser = app.logged_in(login).await;
    let page = browser.follow(browser.get("/account/confirm").await).await;
    assert_eq!(page.status, 200, "{}", page.body);
    (browser, page)
}

/// The CSRF token of a logged-in browser.
async fn csrf_of(browser: &Browser) -> String {
    browser.follow(browser.get("/account").await).await.csrf()
}

fn error_of(page: &Page) -> String {
    let start = page
        .body
        .find("id=\"form-error\">")
        .unwrap_or_else(|| panic!("no error in {}", page.body))
        + 16;
    let end = page.body[start..].find('<').unwrap() + start;
    page.body[start..end].to_owned()
}

const ADDRESS: &str = "101000, г. Москва, ул. Мясницкая, д. 1, кв. 2";

#[actix_web::test]
async fn a_code_by_registered_post_confirms_the_identity() {
    let app = TestApp::spawn().await;
    standard_with_passport(&app, SIMPLE).await;
    let (browser, page) = confirm_page(&app, SIMPLE).await;
    assert!(
        page.body.contains("4506 ****56"),
        "the passport on file, partly hidden"
    );
    let csrf = page.csrf();

    let short = browser
        .submit(
            "/account/confirm",
            &[("csrf", &csrf), ("action", "order"), ("address", "Москва")],
        )
        .await;
    assert_eq!(short.status, 400);
    assert!(error_of(&short).contains("«Почтовый адрес с индексом»"));

    let ordered = browser
        .submit(
            "/account/confirm",
            &[("csrf", &csrf), ("action", "order"), ("address", ADDRESS)],
        )
        .await;
    assert!(
        ordered.body.contains("Заказное письмо с кодом отправлено"),
        "{}",
        ordered.body
    );
    let letter = app.newest_message(ADDRESS, 1).await;
    assert_eq!(letter["kind"], "letter");
    let code = letter["code"].as_str().unwrap().to_owned();
    assert!(letter["text"].as_str().unwrap().contains(&code));

    let wrong = browser
        .submit(
            "/account/confirm",
            &[("csrf", &csrf), ("action", "code"), ("code", "2222-2222")],
        )
        .await;
    assert_eq!(wrong.status, 400);
    assert!(error_of(&wrong).contains(&format!("осталось попыток: {}", POSTAL_CODE_TRIES - 1)));
    assert_eq!(level(&app, SIMPLE).await, AccountLevel::Standard);

    // Typed in lower case without the dash: still the code.
    let typed = code.replace('-', "").to_lowercase();
    let done = browser
        .submit(
            "/account/confirm",
            &[("csrf", &csrf), ("action", "code"), ("code", &typed)],
        )
        .await;
    assert_eq!(done.url.path(), "/account", "{}", done.body);
    assert!(done.body.contains("подтверждённая"));
    assert!(
        done.text().contains("Личность подтверждена"),
        "a message after"
    );
    assert_eq!(level(&app, SIMPLE).await, AccountLevel::Confirmed);
    // The confirmation page now says so, and offers no confirmation.
    let page = browser.follow(browser.get("/account/confirm").await).await;
    assert!(page.body.contains("id=\"confirmed\""), "{}", page.body);
    assert!(!page.body.contains("name=\"action\""), "nothing to confirm");
    assert!(
        !page
            .text()
            .contains("можно, когда учётная запись стандартная")
    );
    // The code is gone.
    let again = browser
        .submit(
            "/account/confirm",
            &[("csrf", &csrf), ("action", "code"), ("code", &typed)],
        )
        .await;
    assert_eq!(again.status, 400);
}

#[actix_web::test]
async fn postal_codes_run_out_of_tries_and_expire() {
    let app = TestApp::spawn().await;
    standard_with_passport(&app, SIMPLE).await;
    let (browser, page) = confirm_page(&app, SIMPLE).await;
    let csrf = page.csrf();
    browser
        .submit(
            "/account/confirm",
            &[("csrf", &csrf), ("action", "order"), ("address", ADDRESS)],
        )
        .await;
    let code = app.newest_message(ADDRESS, 1).await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut last = None;
    for _ in 0..POSTAL_CODE_TRIES {
        last = Some(
            browser
                .submit(
                    "/account/confirm",
                    &[("csrf", &csrf), ("action", "code"), ("code", "ZZZZ-ZZZZ")],
                )
                .await,
        );
    }
    assert!(error_of(&last.unwrap()).contains("слишком много раз"));
    let spent = browser
        .submit(
            "/account/confirm",
            &[("csrf", &csrf), ("action", "code"), ("code", &code)],
        )
        .await;
    assert_eq!(
        spent.status, 400,
        "the right code after the tries are spent"
    );
    assert_eq!(level(&app, SIMPLE).await, AccountLevel::Standard);

    // A new letter, but 60 days pass.
    browser
        .submit(
            "/account/confirm",
            &[("csrf", &csrf), ("action", "order"), ("address", ADDRESS)],
        )
        .await;
    let code = app.newest_message(ADDRESS, 2).await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    app.clock.advance(POSTAL_CODE_TTL_SECS + 1);
    // Sessions do not last 60 days: log in again.
    let (browser, page) = confirm_page(&app, SIMPLE).await;
    let csrf = page.csrf();
    let late = browser
        .submit(
            "/account/confirm",
            &[("csrf", &csrf), ("action", "code"), ("code", &code)],
        )
        .await;
    assert!(
        error_of(&late).contains("не заказан или истёк"),
        "{}",
        error_of(&late)
    );
    assert_eq!(level(&app, SIMPLE).await, AccountLevel::Standard);
}

#[actix_web::test]
async fn a_simplified_account_is_told_to_become_standard_first() {
    let app = TestApp::spawn().await;
    let (browser, page) = confirm_page(&app, SIMPLE).await;
    assert!(page.body.contains("когда учётная запись стандартная"));
    let csrf = csrf_of(&browser).await;
    let refused = browser
        .submit(
            "/account/confirm",
            &[("csrf", &csrf), ("action", "order"), ("address", ADDRESS)],
        )
        .await;
    assert_eq!(refused.status, 400);
    assert!(error_of(&refused).contains("только для стандартной"));
}

/// Orders a letter from the confirmation page; the response.
async fn order(browser: &Browser, csrf: &str) -> reqwest::Response {
    browser
        .post(
            "/account/confirm",
            &[("csrf", csrf), ("action", "order"), ("address", ADDRESS)],
        )
        .await
}

/// Guesses sent in parallel share the code's tries: a try is taken in the
/// same step as the comparison, so no more guesses are ever compared than
/// the code allows. Rounds of a new letter and a burst of guesses, since on
/// SQLite the race without that step is narrow.
#[actix_web::test]
async fn parallel_postal_guesses_share_the_tries() {
    let app = TestApp::builder()
        .config(|c| c.postal_letters_per_account = 100)
        .spawn()
        .await;
    let account_id = standard_with_passport(&app, SIMPLE).await;
    let (browser, page) = confirm_page(&app, SIMPLE).await;
    let csrf = page.csrf();
    let wrong_guesses = |journal: &[idp::model::AuditEvent]| {
        journal
            .iter()
            .filter(|e| {
                e.event == events::POSTAL_CODE_WRONG && e.account_id.as_deref() == Some(&account_id)
            })
            .count()
    };
    for round in 1..=6 {
        assert_eq!(order(&browser, &csrf).await.status(), 200);
        let mut guesses = tokio::task::JoinSet::new();
        for _ in 0..40 {
            let (http, url) = (
                browser.client.clone(),
                format!("{}/account/confirm", app.url),
            );
            let form = [
                ("csrf", csrf.clone()),
                ("action", "code".to_owned()),
                ("code", "ZZZZ-ZZZZ".to_owned()),
            ];
            guesses.spawn(async move {
                let res = http.post(url).form(&form).send().await.unwrap();
                res.status().as_u16()
            });
        }
        assert!(guesses.join_all().await.iter().all(|s| *s == 400));
        let journal = app.state.sql.audit_events(1000).await.unwrap();
        let compared = wrong_guesses(&journal);
        assert_eq!(
            compared,
            round * POSTAL_CODE_TRIES as usize,
            "round {round}: {compared} guesses compared in all"
        );
    }
    let code = app.newest_message(ADDRESS, 6).await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let late = browser
        .submit(
            "/account/confirm",
            &[("csrf", &csrf), ("action", "code"), ("code", &code)],
        )
        .await;
    assert_eq!(late.status, 400, "the spent code confirms nothing");
    assert_eq!(level(&app, SIMPLE).await, AccountLevel::Standard);
}

/// A registered letter costs money: one account orders at most
/// `postal_letters_per_account` a window; then the page says when it may
/// order again, and the journal says the limit was reached.
#[actix_web::test]
async fn postal_letters_are_limited_per_account() {
    let app = TestApp::spawn().await;
    let config = idp::config::Config::default();
    let account_id = standard_with_passport(&app, SIMPLE).await;
    let (browser, page) = confirm_page(&app, SIMPLE).await;
    let csrf = page.csrf();
    for n in 0..config.postal_letters_per_account {
        assert_eq!(order(&browser, &csrf).await.status(), 200, "letter {n}");
    }
    let refused = order(&browser, &csrf).await;
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));
    let body = refused.text().await.unwrap();
    assert!(body.contains("Попробуйте снова через"), "{body}");
    let letters = config.postal_letters_per_account as usize;
    app.newest_message(ADDRESS, letters).await;
    let journal = app.state.sql.audit_events(200).await.unwrap();
    let ordered = journal
        .iter()
        .filter(|e| e.event == events::POSTAL_CODE_ORDERED)
        .count();
    assert_eq!(ordered, letters, "the refused order sent no letter");
    assert!(journal.iter().any(|e| e.event == events::LIMIT_REACHED
        && e.account_id.as_deref() == Some(&account_id)
        && e.detail["limit"] == "postal_letters"));
    // After the window another letter may be ordered (a new login: the
    // session does not last that long).
    app.clock.advance(config.postal_letters_window_secs);
    let (browser, page) = confirm_page(&app, SIMPLE).await;
    assert_eq!(order(&browser, &page.csrf()).await.status(), 200);
}
