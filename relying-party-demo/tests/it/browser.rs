//! End to end in a real headless browser: Debian's `chromium` driven
//! through `chromedriver` with `fantoccini`. For each demo account, in
//! Russian and in English: the
//! button, the provider's pages, the consent, then which areas open and
//! which are refused; the step-up after a confirmation; logout of both
//! sessions; a back-channel logout. Every cabinet page is checked at 390 px
//! (no horizontal scrolling) and 1280 px (the navigation on one line),
//! saved as a screenshot at both widths under `test-output/cabinet-e2e/`,
//! and run through axe-core (WCAG 2.1 A and AA): a serious or critical
//! violation fails the test. The cabinet's pages are walked in English too
//! (an English browser, and the cabinet's own language switch), with no
//! Cyrillic outside the data marked `lang="ru"`.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

use crate::harness::*;

const CHROMIUM: &str = "/usr/bin/chromium";

/// `chromedriver` on a free port, killed when dropped.
pub(crate) struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    pub(crate) async fn start() -> Self {
        let port = free_listener().local_addr().unwrap().port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver is installed (scripts/test installs chromium-driver)");
        let url = format!("http://127.0.0.1:{port}");
        let driver = Self { child, url };
        eventually(30, "chromedriver to start", || async {
            reqwest::get(format!("{}/status", driver.url))
                .await
                .is_ok_and(|r| r.status() == 200)
        })
        .await;
        driver
    }

    /// A fresh headless Chromium: no cookies of any earlier visit.
    async fn browser(&self) -> Client {
        self.browser_in("ru").await
    }

    /// The same, its language `lang` (`ru`, `en`): `Accept-Language`.
    pub(crate) async fn browser_in(&self, lang: &str) -> Client {
        let (locale, accept) = match lang {
            "en" => ("en-GB", "en-GB,en"),
            _ => ("ru-RU", "ru-RU,ru"),
        };
        let options = json!({
            "binary": CHROMIUM,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1200,1000", format!("--lang={locale}")],
            "prefs": {"intl.accept_languages": accept},
        });
        let mut caps = serde_json::Map::new();
        caps.insert("goog:chromeOptions".into(), options);
        ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&self.url)
            .await
            .expect("a Chromium session")
    }
}

/// Saves numbered screenshots of one scenario.
pub(crate) struct Shots {
    dir: PathBuf,
    prefix: String,
    count: usize,
}

impl Shots {
    fn new(prefix: &str) -> Self {
        Self::under("cabinet-e2e", prefix)
    }

    /// Screenshots under `test-output/<folder>/`, named after `prefix`.
    pub(crate) fn under(folder: &str, prefix: &str) -> Self {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../test-output")
            .join(folder);
        std::fs::create_dir_all(&dir).unwrap();
        Self {
            dir,
            prefix: prefix.replace(['@', '.'], "_"),
            count: 0,
        }
    }

    async fn take(&mut self, browser: &Client, name: &str) {
        self.count += 1;
        let png = browser.screenshot().await.expect("a screenshot");
        let file = format!("{}-{:02}-{name}.png", self.prefix, self.count);
        std::fs::write(self.dir.join(file), png).unwrap();
    }
}

/// axe-core's script: `VHOD_AXE_JS`, or the npm package installed into a
/// cache folder when missing (`npm install axe-core`).
fn axe_source() -> String {
    static SOURCE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SOURCE
        .get_or_init(|| {
            let path = match std::env::var("VHOD_AXE_JS") {
                Ok(path) => PathBuf::from(path),
                Err(_) => {
                    let home = std::env::var("HOME").unwrap_or_else(|_| "/tmp".into());
                    let dir = PathBuf::from(home).join(".cache/vhod-axe");
                    let js = dir.join("node_modules/axe-core/axe.min.js");
                    if !js.exists() {
                        std::fs::create_dir_all(&dir).unwrap();
                        let status = Command::new("npm")
                            .args(["install", "--no-audit", "--no-fund", "--prefix"])
                            .arg(&dir)
                            .arg("axe-core@4.10")
                            .status()
                            .expect("npm is installed (axe-core is an npm package)");
                        assert!(status.success(), "npm install axe-core failed");
                    }
                    js
                }
            };
            std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("axe-core at {}: {e}", path.display()))
        })
        .clone()
}

/// The widths every cabinet page is checked and photographed at.
const WIDTHS: [(u32, u32); 2] = [(390, 844), (1280, 900)];

/// Checks the page the browser shows: at 390 px nothing scrolls sideways,
/// at 1280 px the navigation is one line, and axe-core finds no serious or
/// critical violation of WCAG 2.1 A/AA. Screenshots at both widths.
pub(crate) async fn check_page(browser: &Client, shots: &mut Shots, name: &str) {
    let url = browser.current_url().await.unwrap();
    for (width, height) in WIDTHS {
        browser.set_window_size(width, height).await.unwrap();
        tokio::time::sleep(Duration::from_millis(150)).await;
        let layout = browser
            .execute(
                "const tops = [...document.querySelectorAll('header nav a')].map(a => a.offsetTop); \
                 return [document.documentElement.scrollWidth, window.innerWidth, new Set(tops).size];",
                vec![],
            )
            .await
            .unwrap();
        let (scroll, inner, nav_lines) =
            (layout[0].as_u64(), layout[1].as_u64(), layout[2].as_u64());
        assert!(
            scroll <= inner,
            "{url} scrolls sideways at {width} px: {scroll:?} > {inner:?}"
        );
        // A page without navigation (the provider's login pages) has
        // none to wrap.
        if width >= 1280 {
            assert!(
                nav_lines.unwrap_or(0) <= 1,
                "{url}: the navigation wraps at {width} px"
            );
        }
        shots.take(browser, &format!("{name}-{width}")).await;
    }
    browser.set_window_size(1280, 900).await.unwrap();
    browser.execute(&axe_source(), vec![]).await.unwrap();
    let found = browser
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}) \
               .then(r => done(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical') \
                 .map(v => v.id + ': ' + v.help + ' — ' + v.nodes.map(n => n.target.join(' ')).join(', ')))) \
               .catch(e => done(['axe failed: ' + e]));",
            vec![],
        )
        .await
        .unwrap();
    let violations = found.as_array().cloned().unwrap_or_default();
    assert!(
        violations.is_empty(),
        "{url}: axe-core found {violations:#?}"
    );
}

pub(crate) async fn has(browser: &Client, css: &str) -> bool {
    browser
        .find_all(Locator::Css(css))
        .await
        .is_ok_and(|found| !found.is_empty())
}

async fn text(browser: &Client, css: &str) -> String {
    browser
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|_| panic!("no {css}"))
        .text()
        .await
        .unwrap()
}

pub(crate) async fn type_into(browser: &Client, name: &str, value: &str) {
    let field = browser
        .find(Locator::Css(&format!("input[name='{name}']")))
        .await
        .unwrap_or_else(|_| panic!("no field {name}"));
    field.clear().await.unwrap();
    field.send_keys(value).await.unwrap();
}

/// Clicks what submits a form or follows a link, and waits (up to 5 s)
/// until the browser has left the page: WebDriver's click may return
/// before the next page has replaced this one.
pub(crate) async fn click(browser: &Client, css: &str) {
    let page = browser.find(Locator::Css("html")).await.unwrap();
    browser
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|_| panic!("nothing to click at {css}"))
        .click()
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    // The old page's root goes stale once the next page is in.
    while page.tag_name().await.is_ok() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub(crate) async fn path_of(browser: &Client) -> String {
    browser.current_url().await.unwrap().path().to_owned()
}

/// A code of the demo's authenticator app for `login`.
fn totp_code(provider: &Provider, login: &str) -> String {
    totp_rs::TOTP::new(
        totp_rs::Algorithm::SHA1,
        6,
        1,
        30,
        totp_rs::Secret::Encoded(provider.totp_secret())
            .to_bytes()
            .unwrap(),
        None,
        login.to_owned(),
    )
    .unwrap()
    .generate_current()
    .unwrap()
}

/// At the provider's login page: the password, a TOTP code when asked,
/// consent when asked; until the browser is back at the cabinet.
/// Logs in at the provider's pages; an employee acts for the organization
/// whose name contains `act_for`, or as a private person.
async fn log_in_at_provider(
    browser: &Client,
    provider: &Provider,
    login: &str,
    act_for: Option<&str>,
    shots: &mut Shots,
) {
    assert!(
        path_of(browser).await.starts_with("/login"),
        "at the login page"
    );
    shots.take(browser, "provider-login").await;
    type_into(browser, "login", login).await;
    type_into(browser, "password", PASSWORD).await;
    click(browser, "form[action='/login'] button[type=submit]").await;
    let (mut coded, mut chosen, mut consented) = (false, false, false);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let url = browser.current_url().await.unwrap();
        if !url.as_str().starts_with(&provider.url) {
            return;
        }
        match url.path() {
            "/login/code" if !coded => {
                coded = true;
                shots.take(browser, "provider-code").await;
                type_into(browser, "code", &totp_code(provider, login)).await;
                click(browser, "form[action='/login/code'] button[type=submit]").await;
            }
            "/login/actor" if !chosen => {
                chosen = true;
                shots.take(browser, "provider-actor").await;
                let pick = act_for.unwrap_or("");
                let script = "const pick = arguments[0]; \
                    for (const label of document.querySelectorAll('form label')) { \
                      const input = label.querySelector('input[name=actor]'); \
                      if (pick ? label.textContent.includes(pick) : input.value === 'person') \
                        { input.checked = true; return input.value; } } return null;";
                let picked = browser.execute(script, vec![pick.into()]).await.unwrap();
                assert!(!picked.is_null(), "no choice {pick:?} for {login}");
                click(browser, "form[action='/login/actor'] button[type=submit]").await;
            }
            "/consent" if !consented => {
                consented = true;
                shots.take(browser, "provider-consent").await;
                click(browser, "button[name=decision][value=allow]").await;
            }
            _ => {
                assert!(
                    Instant::now() < deadline,
                    "still at the provider: {url}: {}",
                    browser.source().await.unwrap_or_default()
                );
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

/// From the cabinet's home page through «Войти через Госуслуги».
pub(crate) async fn log_in(
    browser: &Client,
    provider: &Provider,
    cabinet: &Cabinet,
    login: &str,
    act_for: Option<&str>,
    shots: &mut Shots,
) {
    browser.goto(&format!("{}/", cabinet.url)).await.unwrap();
    check_page(browser, shots, "home").await;
    let button = match language_of(browser).await.0.as_str() {
        "en" => "Log in with Gosuslugi",
        _ => "Войти через Госуслуги",
    };
    assert_eq!(text(browser, "#gosuslugi-login").await, button);
    click(browser, "#gosuslugi-login").await;
    log_in_at_provider(browser, provider, login, act_for, shots).await;
    assert_eq!(path_of(browser).await, "/health");
    check_page(browser, shots, "health").await;
}

/// Opens `path` and tells whether the area opened; a refusal must name
/// its reason with the element `refusal`.
pub(crate) async fn opens(
    browser: &Client,
    cabinet: &Cabinet,
    path: &str,
    refusal: &str,
    shots: &mut Shots,
) -> bool {
    browser
        .goto(&format!("{}{path}", cabinet.url))
        .await
        .unwrap();
    check_page(
        browser,
        shots,
        &path.trim_start_matches('/').replace('/', "-"),
    )
    .await;
    // A refusal page, or the register's «Пользователь не найден».
    if has(browser, "#refused").await || has(browser, refusal).await {
        assert!(
            has(browser, refusal).await,
            "{path}: refused, but not for {refusal}"
        );
        false
    } else {
        assert!(!has(browser, "#error").await, "{path}: an error page");
        true
    }
}

/// Logs out with the cabinet's button; the provider's session ends too,
/// so going back asks for the password again.
pub(crate) async fn log_out_of_both(
    browser: &Client,
    provider: &Provider,
    cabinet: &Cabinet,
    shots: &mut Shots,
) {
    click(browser, "#logout").await;
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut home = browser.current_url().await.unwrap();
    while home.path() != "/" && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
        home = browser.current_url().await.unwrap();
    }
    shots.take(browser, "after-logout").await;
    assert!(
        home.as_str().starts_with(&cabinet.url) && home.path() == "/",
        "{home}"
    );
    assert!(
        has(browser, "#gosuslugi-login").await,
        "logged out of the cabinet"
    );
    shots.take(browser, "logged-out").await;
    browser
        .goto(&format!("{}/health", cabinet.url))
        .await
        .unwrap();
    let url = browser.current_url().await.unwrap();
    assert!(
        url.as_str().starts_with(&format!("{}/login", provider.url)),
        "the provider's session ended too: {url}"
    );
}

pub(crate) const AREAS: [(&str, &str); 6] = [
    ("/health/reference", "#refused"),
    ("/health/appointments", "#need-level"),
    ("/health/records", "#need-level"),
    ("/medical-worker", "#need-level"),
    ("/staff", "#need-org"),
    ("/staff/employees", "#refused"),
];

/// The staff areas, for people acting for the clinic: a missing role is
/// refused with the page naming it.
pub(crate) const STAFF_AREAS: [(&str, &str); 4] = [
    ("/staff/employees", "#need-role"),
    ("/staff/reports", "#need-role"),
    ("/staff/schedule", "#need-role"),
    ("/medical-worker", "#frmr-not-found"),
];

/// Which of `areas` open for `login` (acting for `act_for`, if given), in a
/// browser that asks for `lang`; an English walk also checks that every
/// page is English throughout.
async fn areas_for(
    driver: &Driver,
    lang: &str,
    provider: &Provider,
    cabinet: &Cabinet,
    login: &str,
    act_for: Option<&str>,
    areas: &[(&str, &str)],
) -> Vec<bool> {
    let browser = driver.browser_in(lang).await;
    let mut shots = Shots::new(&format!(
        "{login}{}{}",
        if act_for.is_some() { "-staff" } else { "" },
        if lang == "ru" { "" } else { "-en" }
    ));
    log_in(&browser, provider, cabinet, login, act_for, &mut shots).await;
    let mut open = Vec::new();
    for (path, refusal) in areas {
        open.push(opens(&browser, cabinet, path, refusal, &mut shots).await);
        if lang == "en" {
            let (page_lang, cyrillic) = language_of(&browser).await;
            assert_eq!(page_lang, "en", "{login} {path}");
            assert!(cyrillic.is_empty(), "{login} {path}: {cyrillic:?}");
        }
    }
    log_out_of_both(&browser, provider, cabinet, &mut shots).await;
    browser.close().await.unwrap();
    open
}

#[actix_web::test]
async fn each_demo_account_opens_the_areas_of_its_level() {
    let provider = Provider::start().await;
    let cabinet = Cabinet::start(&provider).await;
    let driver = Driver::start().await;
    // Reference, booking, records, medical worker, staff, staff employees;
    // each as a private person (the clinic's staff are below).
    let expected = [
        (SIMPLE, [true, false, false, false, false, false]),
        (PENDING, [true, false, false, false, false, false]),
        (TWO_FACTOR, [true, false, false, false, false, false]),
        (STANDARD, [true, true, false, false, false, false]),
        (CONFIRMED, [true, true, true, true, false, false]),
    ];
    for lang in ["ru", "en"] {
        for (login, areas) in expected {
            let open = areas_for(&driver, lang, &provider, &cabinet, login, None, &AREAS).await;
            assert_eq!(open, areas, "{login} ({lang})");
        }
    }
}

#[actix_web::test]
async fn the_clinics_staff_open_the_areas_of_their_role() {
    let provider = Provider::start().await;
    let cabinet = Cabinet::start(&provider).await;
    let driver = Driver::start().await;
    // Staff list and settings, reports, own schedule, medical-worker
    // cabinet (ФРМР), each acting for the clinic.
    let expected = [
        // The administrator opens every staff area.
        (CONFIRMED, [true, true, true, true]),
        (MANAGER, [false, true, false, false]),
        (DOCTOR, [false, false, true, true]),
        (NURSE, [false, false, true, false]),
        // A specialist of the clinic and the admin of a laboratory: acting
        // for the clinic, the laboratory's role gives nothing here.
        (TWO_ORGS, [false, false, true, false]),
    ];
    for lang in ["ru", "en"] {
        for (login, areas) in expected {
            let open = areas_for(
                &driver,
                lang,
                &provider,
                &cabinet,
                login,
                Some(CLINIC),
                &STAFF_AREAS,
            )
            .await;
            assert_eq!(open, areas, "{login} ({lang})");
        }
    }
}

#[actix_web::test]
async fn a_patient_books_and_cancels_an_appointment_and_a_doctor_is_found_in_the_register() {
    let provider = Provider::start().await;
    let cabinet = Cabinet::start(&provider).await;
    let driver = Driver::start().await;

    let browser = driver.browser().await;
    let mut shots = Shots::new("booking");
    log_in(&browser, &provider, &cabinet, STANDARD, None, &mut shots).await;
    browser
        .goto(&format!("{}/health/appointments", cabinet.url))
        .await
        .unwrap();
    assert!(has(&browser, "#no-appointments").await);
    check_page(&browser, &mut shots, "appointments-empty").await;
    click(&browser, "#book button[type=submit]").await;
    let notice = text(&browser, "#notice").await;
    assert!(notice.starts_with("Вы записаны: "), "{notice}");
    // A weekday of the therapist's (пн–пт), in Russian.
    assert!(
        ["пн, ", "вт, ", "ср, ", "чт, ", "пт, "]
            .iter()
            .any(|d| notice.contains(d)),
        "{notice}"
    );
    assert!(has(&browser, "#appointments").await);
    check_page(&browser, &mut shots, "booked").await;
    click(&browser, "#appointments button[type=submit]").await;
    assert!(has(&browser, "#no-appointments").await, "cancelled");
    shots.take(&browser, "cancelled").await;
    browser.close().await.unwrap();

    let browser = driver.browser().await;
    let mut shots = Shots::new("doctor");
    log_in(&browser, &provider, &cabinet, CONFIRMED, None, &mut shots).await;
    browser
        .goto(&format!("{}/medical-worker", cabinet.url))
        .await
        .unwrap();
    assert!(has(&browser, "#frmr-found").await);
    shots.take(&browser, "frmr-found").await;
    browser
        .goto(&format!("{}/health/records", cabinet.url))
        .await
        .unwrap();
    assert!(
        text(&browser, "#records")
            .await
            .contains("Общий анализ крови")
    );
    check_page(&browser, &mut shots, "records").await;
    // A page that does not exist, and a login the provider refused.
    browser
        .goto(&format!("{}/no-such-page", cabinet.url))
        .await
        .unwrap();
    assert!(has(&browser, "#error").await && has(&browser, "#home").await);
    check_page(&browser, &mut shots, "not-found").await;
    browser
        .goto(&format!(
            "{}/callback?error=access_denied&state=x",
            cabinet.url
        ))
        .await
        .unwrap();
    assert!(has(&browser, "#error").await);
    check_page(&browser, &mut shots, "login-error").await;
    browser.close().await.unwrap();
}

/// Sends simple@'s profile to the registries at the provider, waits for
/// the check (standard), then confirms it at a «service centre» from the
/// admin CLI (confirmed).
async fn raise_to_confirmed(provider: &Provider) {
    let agent = Agent::default();
    let base = provider.url.as_str();
    let page = agent
        .follow(agent.get(&format!("{base}/account")).await, base)
        .await;
    agent.submit_login(&page, base, SIMPLE).await;
    let page = agent.get(&format!("{base}/account")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let csrf = page.hidden("csrf");
    let profile = [
        ("csrf", csrf.as_str()),
        ("action", "submit"),
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
    let page = agent
        .follow(agent.post(&format!("{base}/account"), &profile).await, base)
        .await;
    assert!(
        page.body.contains("Данные отправлены на проверку"),
        "{}",
        page.body
    );
    eventually(30, "the registries' check", || async {
        agent
            .get(&format!("{base}/account"))
            .await
            .body
            .contains("Проверка пройдена")
    })
    .await;
    let out = provider.cli(&[
        "users",
        "confirm",
        SIMPLE,
        "--document",
        "4506 123456",
        "--operator",
        "Оператор ЦО № 1",
    ]);
    assert!(!out.is_empty());
}

#[actix_web::test]
async fn a_raised_level_opens_the_area_after_logging_in_again() {
    let provider = Provider::start().await;
    let cabinet = Cabinet::start(&provider).await;
    let driver = Driver::start().await;
    let browser = driver.browser().await;
    let mut shots = Shots::new("step-up");
    log_in(&browser, &provider, &cabinet, SIMPLE, None, &mut shots).await;
    assert!(
        !opens(
            &browser,
            &cabinet,
            "/health/records",
            "#need-level",
            &mut shots
        )
        .await
    );
    assert!(
        text(&browser, "#need-level")
            .await
            .contains("у вас — упрощённая")
    );
    let account = browser
        .find(Locator::Css("#account-link"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap();
    assert_eq!(
        account.as_deref(),
        Some(format!("{}/account", provider.url).as_str())
    );

    raise_to_confirmed(&provider).await;
    // The session keeps its snapshot until a new login (the seeds' rule).
    browser.refresh().await.unwrap();
    assert!(
        has(&browser, "#need-level").await,
        "the old level until a new login"
    );
    click(&browser, "#relogin").await;
    log_in_at_provider(&browser, &provider, SIMPLE, None, &mut shots).await;
    assert_eq!(path_of(&browser).await, "/health/records");
    assert!(!has(&browser, "#refused").await, "now allowed");
    shots.take(&browser, "records-after-step-up").await;
    browser
        .goto(&format!("{}/medical-worker", cabinet.url))
        .await
        .unwrap();
    assert!(
        has(&browser, "#frmr-not-found").await,
        "not a medical worker"
    );
    assert!(
        text(&browser, "#frmr-not-found")
            .await
            .contains("Пользователь не найден")
    );
    shots.take(&browser, "frmr-not-found").await;
    browser.close().await.unwrap();
}

#[actix_web::test]
async fn a_back_channel_logout_ends_the_session_in_the_browser() {
    let provider = Provider::start().await;
    let cabinet = Cabinet::start(&provider).await;
    let driver = Driver::start().await;
    let browser = driver.browser().await;
    let mut shots = Shots::new("backchannel");
    log_in(&browser, &provider, &cabinet, CONFIRMED, None, &mut shots).await;
    provider.cli(&["users", "logout", CONFIRMED, "--operator", "Тестова"]);
    let login_page = format!("{}/login", provider.url);
    eventually(15, "the cabinet's session to end", || async {
        browser
            .goto(&format!("{}/health", cabinet.url))
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(200)).await;
        browser
            .current_url()
            .await
            .is_ok_and(|u| u.as_str().starts_with(&login_page))
    })
    .await;
    shots.take(&browser, "ended").await;
    browser.close().await.unwrap();
}

/// The page's `<html lang>` and its Cyrillic words outside elements marked
/// as another language (the data: names, addresses, documents).
async fn language_of(browser: &Client) -> (String, Vec<String>) {
    let found = browser
        .execute(
            "const lang = document.documentElement.lang; const words = []; \
             const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT); \
             while (walker.nextNode()) { const node = walker.currentNode; \
               const marked = node.parentElement.closest('[lang]'); \
               if (marked && marked.lang !== lang) continue; \
               for (const w of node.textContent.split(/\\s+/)) if (/[а-яё]/i.test(w)) words.push(w); } \
             return [lang, words];",
            vec![],
        )
        .await
        .unwrap();
    let lang = found[0].as_str().unwrap_or_default().to_owned();
    let words = found[1]
        .as_array()
        .map(|w| {
            w.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    (lang, words)
}

/// Checks an English page of the cabinet like any other, and that it is
/// English throughout.
async fn check_english(browser: &Client, shots: &mut Shots, name: &str) {
    check_page(browser, shots, name).await;
    let url = browser.current_url().await.unwrap();
    let (lang, cyrillic) = language_of(browser).await;
    assert_eq!(lang, "en", "{url}");
    assert!(
        cyrillic.is_empty(),
        "{url}: Cyrillic on an English page: {cyrillic:?}"
    );
}

#[actix_web::test]
async fn an_english_browser_gets_the_cabinet_in_english_and_the_switch_brings_russian_back() {
    let provider = Provider::start().await;
    let cabinet = Cabinet::start(&provider).await;
    let driver = Driver::start().await;
    let browser = driver.browser_in("en").await;
    let mut shots = Shots::new("english");
    browser.goto(&format!("{}/", cabinet.url)).await.unwrap();
    check_english(&browser, &mut shots, "home").await;
    assert_eq!(
        text(&browser, "#gosuslugi-login").await,
        "Log in with Gosuslugi"
    );
    click(&browser, "#gosuslugi-login").await;
    // The administrator of the clinic opens every page.
    log_in_at_provider(&browser, &provider, CONFIRMED, Some(CLINIC), &mut shots).await;
    check_english(&browser, &mut shots, "landing").await;
    for path in [
        "/health",
        "/health/reference",
        "/health/appointments",
        "/health/records",
        "/medical-worker",
        "/staff",
        "/staff/employees",
        "/staff/reports",
        "/staff/schedule",
        "/no-such-page",
    ] {
        browser
            .goto(&format!("{}{path}", cabinet.url))
            .await
            .unwrap();
        let name = path.trim_start_matches('/').replace('/', "-");
        check_english(&browser, &mut shots, &name).await;
    }
    browser
        .goto(&format!("{}/health/appointments", cabinet.url))
        .await
        .unwrap();
    click(&browser, "#book button[type=submit]").await;
    let notice = text(&browser, "#notice").await;
    assert!(notice.starts_with("You are booked: "), "{notice}");
    assert!(
        ["Mon, ", "Tue, ", "Wed, ", "Thu, ", "Fri, "]
            .iter()
            .any(|d| notice.contains(d)),
        "{notice}"
    );
    check_english(&browser, &mut shots, "booked").await;
    // A failed login, told in English.
    browser
        .goto(&format!(
            "{}/callback?error=access_denied&state=x",
            cabinet.url
        ))
        .await
        .unwrap();
    check_english(&browser, &mut shots, "login-error").await;
    // The switch: the same page in Russian, and Russian from then on.
    browser
        .goto(&format!("{}/health/records", cabinet.url))
        .await
        .unwrap();
    click(&browser, "#language").await;
    assert_eq!(path_of(&browser).await, "/health/records");
    assert_eq!(language_of(&browser).await.0, "ru");
    check_page(&browser, &mut shots, "switched-to-russian").await;
    browser
        .goto(&format!("{}/staff", cabinet.url))
        .await
        .unwrap();
    assert_eq!(language_of(&browser).await.0, "ru", "remembered");
    browser.close().await.unwrap();

    // A Russian browser that switches to English logs in in English: the
    // cabinet passes its language to the provider.
    let browser = driver.browser().await;
    let mut shots = Shots::new("switch-to-english");
    browser.goto(&format!("{}/", cabinet.url)).await.unwrap();
    assert_eq!(language_of(&browser).await.0, "ru");
    click(&browser, "#language").await;
    check_english(&browser, &mut shots, "home").await;
    click(&browser, "#gosuslugi-login").await;
    assert!(path_of(&browser).await.starts_with("/login"));
    assert_eq!(
        language_of(&browser).await.0,
        "en",
        "the provider's login page"
    );
    shots.take(&browser, "provider-login").await;
    browser.close().await.unwrap();
}
