//! The provider's home page (`/`): the login form, then the person's
//! account; a login begun on an account page returns there; «Выйти» on
//! every account page ends the session and tells the portals.

use idp::credentials::totp;

use crate::harness::*;
use crate::second_factor::enable_totp;
use crate::sessions::{self, Receiver};

async fn get(browser: &Browser, path: &str) -> Page {
    browser.follow(browser.get(path).await).await
}

/// Logs in with the login form of `page` (outside any flow).
async fn log_in(browser: &Browser, page: &Page, login: &str) -> Page {
    let fields = [
        ("csrf", page.csrf()),
        ("login", login.to_owned()),
        ("password", PASSWORD.to_owned()),
    ];
    browser.submit("/login", &form(&fields)).await
}

/// The `href` of the element with `id`, if any.
fn href(page: &Page, id: &str) -> Option<String> {
    let html = scraper::Html::parse_document(&page.body);
    let selector = scraper::Selector::parse(&format!("#{id}")).unwrap();
    let element = html.select(&selector).next()?;
    element.value().attr("href").map(str::to_owned)
}

#[actix_web::test]
async fn the_home_page_is_the_login_form_then_the_persons_account() {
    let app = TestApp::spawn().await;
    for (login, level, next) in [
        (SIMPLE, "упрощённая", Some("/account")),
        (STANDARD, "стандартная", Some("/account/confirm")),
        (CONFIRMED, "подтверждённая", None),
    ] {
        let browser = app.browser();
        let home = get(&browser, "/").await;
        assert_eq!((home.url.path(), home.status.as_u16()), ("/", 200));
        assert!(home.body.contains("action=\"/login\""), "{}", home.body);
        assert!(!home.body.contains("id=\"logout\""), "nobody to log out");

        let page = log_in(&browser, &home, login).await;
        assert_eq!((page.url.path(), page.status.as_u16()), ("/", 200));
        let account = app.account(login).await;
        let text = page.text();
        assert!(text.contains(&account.given_names()), "{text}");
        assert!(
            !text.contains(&account.family_name),
            "no «Фамилия Имя»: {text}"
        );
        assert!(text.contains(level), "{login}: {text}");
        assert_eq!(href(&page, "next-step").as_deref(), next, "{login}");
        for section in [
            "/account",
            "/account/security",
            "/account/sessions",
            "/account/consents",
            "/orgs",
        ] {
            assert!(
                page.body.contains(&format!("href=\"{section}\"")),
                "{section}"
            );
        }
        assert_eq!(href(&page, "logout").as_deref(), Some("/logout"));
    }
}

#[actix_web::test]
async fn every_account_page_offers_home_and_logout() {
    let app = TestApp::spawn().await;
    let browser = app.logged_in(CONFIRMED).await;
    let orgs = get(&browser, "/orgs").await;
    let clinic = orgs
        .body
        .split("href=\"/orgs/")
        .nth(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
        .filter(|id| id != "new")
        .expect("the clinic");
    for path in [
        "/".to_owned(),
        "/account".to_owned(),
        "/account/confirm".to_owned(),
        "/account/security".to_owned(),
        "/account/sessions".to_owned(),
        "/account/consents".to_owned(),
        "/orgs".to_owned(),
        "/orgs/new".to_owned(),
        format!("/orgs/{clinic}"),
        format!("/orgs/{clinic}/journal"),
    ] {
        let page = get(&browser, &path).await;
        assert_eq!(page.status, 200, "{path}: {}", page.body);
        assert_eq!(href(&page, "logout").as_deref(), Some("/logout"), "{path}");
        assert!(page.body.contains("<a href=\"/\">"), "{path}: no way home");
    }
}

#[actix_web::test]
async fn a_login_begun_on_an_account_page_returns_there() {
    let app = TestApp::spawn().await;
    for path in ["/orgs", "/account/security", "/account/sessions"] {
        let browser = app.browser();
        let login = get(&browser, path).await;
        assert_eq!(login.url.path(), "/login", "{path}");
        let page = log_in(&browser, &login, STANDARD).await;
        assert_eq!((page.url.path(), page.status.as_u16()), (path, 200));
        // Only once: the home page is the home page again.
        let home = get(&browser, "/").await;
        assert_eq!(home.url.path(), "/");
    }
    // A POST is not a page to return to, nor is a portal's page.
    let browser = app.browser();
    let res = browser
        .post("/account/consents", &[("client_id", "x")])
        .await;
    assert!(res.status().is_redirection() || res.status() == 403);
    let login = get(&browser, "/login").await;
    let page = log_in(&browser, &login, STANDARD).await;
    assert_eq!(page.url.path(), "/");

    // Through the second factor too.
    let owner = app.logged_in(SIMPLE).await;
    let (secret, _) = enable_totp(&app, &owner).await;
    let browser = app.browser();
    let login = get(&browser, "/account/security").await;
    let code_page = log_in(&browser, &login, SIMPLE).await;
    assert_eq!(code_page.url.path(), "/login/code", "{}", code_page.body);
    // The step of the code that enabled the app is spent.
    app.clock.advance(30);
    let code = totp::code_at(&secret, app.state.now());
    let fields = [("csrf", code_page.csrf()), ("code", code)];
    let page = browser.submit("/login/code", &form(&fields)).await;
    assert_eq!(
        (page.url.path(), page.status.as_u16()),
        ("/account/security", 200)
    );
}

#[actix_web::test]
async fn logout_from_an_account_page_ends_the_session_and_tells_the_portal() {
    let app = TestApp::spawn().await;
    let rx = Receiver::start(&[]).await;
    sessions::portal(&app, &rx, true).await;
    let browser = app.browser();
    sessions::portal_tokens(&app, &browser, STANDARD, &[]).await;
    let page = get(&browser, "/account/sessions").await;
    let logout = get(&browser, &href(&page, "logout").unwrap()).await;
    assert_eq!(
        (logout.url.path(), logout.status.as_u16()),
        ("/logout", 200)
    );
    let fields = [("csrf", logout.csrf()), ("confirm", "yes".to_owned())];
    let done = browser.submit("/logout", &form(&fields)).await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(href(&done, "login-again").as_deref(), Some("/"));
    let token = rx.token(1).await;
    assert_eq!(claims(&token)["aud"], sessions::PORTAL);
    assert!(!sessions::logged_in(&app, &browser).await);
    let home = get(&browser, "/").await;
    assert!(home.body.contains("action=\"/login\""), "logged out");
}

/// The `<title>` of a page.
fn title(page: &Page) -> String {
    let html = scraper::Html::parse_document(&page.body);
    let selector = scraper::Selector::parse("title").unwrap();
    html.select(&selector)
        .next()
        .map(|t| t.text().collect())
        .unwrap_or_default()
}

#[actix_web::test]
async fn each_title_names_the_page_then_the_service_once() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let login = get(&browser, "/").await;
    assert_eq!(title(&login), "Вход — единая учётная запись");
    let mut titles = Vec::new();
    for path in [
        "/register",
        "/recover",
        "/login/certificate",
        "/unlock?token=stale",
        "/nowhere",
    ] {
        titles.push((path, title(&get(&browser, path).await)));
    }
    let browser = app.logged_in(CONFIRMED).await;
    // The greeting by name and patronymic, as a sentence.
    let home = get(&browser, "/").await;
    assert!(
        home.text().contains("Здравствуйте, Иван Сергеевич!"),
        "{}",
        home.body
    );
    for path in [
        "/",
        "/account",
        "/account/security",
        "/account/sessions",
        "/orgs",
        "/orgs/new",
    ] {
        titles.push((path, title(&get(&browser, path).await)));
    }
    for (path, title) in titles {
        let parts: Vec<&str> = title.split(" — ").collect();
        assert!(
            parts.len() == 2 && parts[1] == "Вход" && parts[0] != "Вход",
            "{path}: «{title}»"
        );
    }
}

#[actix_web::test]
async fn the_logout_question_can_be_declined() {
    let app = TestApp::spawn().await;
    let browser = app.logged_in(CONFIRMED).await;
    let question = get(&browser, "/logout").await;
    assert_eq!(
        href(&question, "stay").as_deref(),
        Some("/"),
        "{}",
        question.body
    );
    assert!(question.text().contains("Не выходить"));
    // Declining keeps the session: home is the account, not the login form.
    let home = get(&browser, "/").await;
    assert!(home.body.contains("id=\"logout\""), "{}", home.body);
}

#[actix_web::test]
async fn each_second_factor_is_offered_under_its_name_with_a_button_that_says_what_it_does() {
    let app = TestApp::spawn().await;
    let browser = app.logged_in(CONFIRMED).await;
    let page = get(&browser, "/account/security").await;
    let html = scraper::Html::parse_document(&page.body);
    let texts = |css: &str| -> Vec<String> {
        let selector = scraper::Selector::parse(css).unwrap();
        html.select(&selector)
            .map(|e| e.text().collect::<String>().trim().to_owned())
            .collect()
    };
    let headings = texts("h3");
    assert_eq!(headings[0], "Приложение-аутентификатор", "{headings:?}");
    assert!(headings[1].starts_with("SMS-коды на +7"), "{headings:?}");
    let buttons = texts("form button");
    for wanted in ["Подключить приложение", "Подключить SMS-коды"]
    {
        assert!(buttons.iter().any(|b| b == wanted), "{buttons:?}");
    }
    assert!(page.text().contains("Выберите способ."), "{}", page.body);
}

#[actix_web::test]
async fn a_missing_page_says_so_and_does_not_send_the_person_to_a_portal() {
    let app = TestApp::spawn().await;
    let page = get(&app.browser(), "/nowhere").await;
    assert_eq!(page.status, 404);
    let text = page.text();
    assert!(text.contains("Страница не найдена"), "{text}");
    assert!(text.contains("возможно, в адресе опечатка"), "{text}");
    assert!(!text.contains("Вернитесь на сайт портала"), "{text}");
    assert!(href(&page, "home").is_some(), "{}", page.body);
}

#[actix_web::test]
async fn a_confirmed_account_s_confirmation_page_lists_each_link_once() {
    let app = TestApp::spawn().await;
    let browser = app.logged_in(CONFIRMED).await;
    let page = get(&browser, "/account/confirm").await;
    let html = scraper::Html::parse_document(&page.body);
    let links = scraper::Selector::parse("main a").unwrap();
    let hrefs: Vec<&str> = html
        .select(&links)
        .filter_map(|a| a.value().attr("href"))
        .collect();
    let mut unique = hrefs.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(hrefs.len(), unique.len(), "{hrefs:?}");
}
