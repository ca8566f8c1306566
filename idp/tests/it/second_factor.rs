//! Second factors: enabling an authenticator app or SMS codes with the
//! password and a first code, the code step of a login (TOTP within one
//! step and never twice, SMS codes that expire, single-use recovery codes),
//! step-up of a one-factor session without the password, and the page for
//! an account that has no second factor.

use idp::credentials::totp;

use crate::harness::*;

const TWO_FACTOR: &str = "twofactor@demo.vhod";
const STANDARD_PHONE: &str = "+79990000001";

/// The settings page after posting `form` to it.
async fn security(browser: &Browser, form: &[(&str, &str)]) -> Page {
    let page = browser.follow(browser.get("/account/security").await).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let mut fields = vec![("csrf", page.csrf())];
    fields.extend(form.iter().map(|(k, v)| (*k, v.to_string())));
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    browser.submit("/account/security", &fields).await
}

/// The text of the element with `id` (first match).
fn element(body: &str, id: &str) -> String {
    let start = body
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in {body}"));
    let open = body[start..].find('>').unwrap() + start + 1;
    let close = body[open..].find('<').unwrap() + open;
    body[open..close].to_owned()
}

fn recovery_codes(body: &str) -> Vec<String> {
    let start = body
        .find("id=\"recovery-codes\"")
        .expect("recovery codes shown");
    body[start..]
        .split("<code>")
        .skip(1)
        .map(|s| s[..s.find("</code>").unwrap()].to_owned())
        .take_while(|c| c.len() == 11)
        .collect()
}

/// Enables an authenticator app for the browser's account; returns its
/// secret and recovery codes.
pub async fn enable_totp(app: &TestApp, browser: &Browser) -> (Vec<u8>, Vec<String>) {
    let page = security(browser, &[("action", "totp"), ("password", PASSWORD)]).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("<svg"), "a QR code");
    let secret = totp::from_base32(&element(&page.body, "totp-secret")).unwrap();
    let code = totp::code_at(&secret, app.state.now());
    let page = security(browser, &[("action", "confirm"), ("code", &code)]).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let codes = recovery_codes(&page.body);
    assert_eq!(codes.len(), 10, "{}", page.body);
    (secret, codes)
}

/// Starts a login in a fresh browser up to the code page.
async fn to_code_page(app: &TestApp, login: &str, extra: &[(&str, &str)]) -> (Browser, Page) {
    let browser = app.browser();
    let page = browser
        .follow(browser.get(&app.auth_url(extra)).await)
        .await;
    let page = page.login(&browser, login).await;
    assert_eq!(page.url.path(), "/login/code", "{}", page.body);
    (browser, page)
}

pub async fn enter(browser: &Browser, page: &Page, code: &str) -> Page {
    let (csrf, flow) = (page.csrf(), page.hidden("flow"));
    browser
        .submit(
            "/login/code",
            &[("csrf", &csrf), ("flow", &flow), ("code", code)],
        )
        .await
}

/// Consents if asked and exchanges the code; the ID token's claims.
async fn id_token(app: &TestApp, browser: &Browser, page: Page) -> serde_json::Value {
    let page = if page.url.path() == "/consent" {
        page.consent(browser, "allow").await
    } else {
        page
    };
    assert!(
        page.url.as_str().starts_with(REDIRECT),
        "{} {}",
        page.url,
        page.body
    );
    let code = query(&page.url, "code").unwrap();
    let res = app.token(&form(&exchange(&code))).await;
    let body: serde_json::Value = res.json().await.unwrap();
    claims(body["id_token"].as_str().expect("an ID token"))
}

#[actix_web::test]
async fn an_authenticator_app_is_enabled_with_the_password_and_a_first_code() {
    let app = TestApp::spawn().await;
    let browser = app.logged_in(STANDARD).await;
    let wrong = security(&browser, &[("action", "totp"), ("password", "Wrong-pass1")]).await;
    assert_eq!(wrong.status, 400);
    assert!(
        wrong.body.contains("Пароль: неверный пароль"),
        "{}",
        wrong.body
    );
    let page = security(&browser, &[("action", "totp"), ("password", PASSWORD)]).await;
    let secret = totp::from_base32(&element(&page.body, "totp-secret")).unwrap();
    let bad = security(&browser, &[("action", "confirm"), ("code", "000000")]).await;
    if totp::code_at(&secret, app.state.now()) != "000000" {
        assert_eq!(bad.status, 400);
        assert!(bad.body.contains("Код: неверный код"), "{}", bad.body);
    }
    let code = totp::code_at(&secret, app.state.now());
    let page = security(&browser, &[("action", "confirm"), ("code", &code)]).await;
    assert_eq!(recovery_codes(&page.body).len(), 10);
    assert!(element(&page.body, "second-factor").contains("приложения"));
    // Shown once: the page after shows the count only.
    let again = browser.follow(browser.get("/account/security").await).await;
    assert!(!again.body.contains("recovery-codes"));
    assert!(again.body.contains("Неиспользованных резервных кодов: 10"));
    let notice = app.newest_message(STANDARD, 1).await;
    assert_eq!(notice["subject"], "Изменены настройки входа");

    // The login now asks the code: aal2 with pwd + otp.
    let (login, page) = to_code_page(&app, STANDARD, &[]).await;
    app.clock.advance(30);
    let page = enter(&login, &page, &totp::code_at(&secret, app.state.now())).await;
    let claims = id_token(&app, &login, page).await;
    assert_eq!(claims["acr"], "urn:vhod:aal2");
    assert_eq!(claims["amr"], serde_json::json!(["pwd", "otp"]));

    // Disabling needs the password too; then the password is enough.
    let wrong = security(
        &browser,
        &[("action", "disable"), ("password", "Wrong-pass1")],
    )
    .await;
    assert_eq!(wrong.status, 400);
    let off = security(&browser, &[("action", "disable"), ("password", PASSWORD)]).await;
    assert!(off.body.contains("Второй фактор отключён"), "{}", off.body);
    let callback = app
        .login(&app.browser(), &app.auth_url(&[]), STANDARD)
        .await;
    assert!(query(&callback, "code").is_some());
}

#[actix_web::test]
async fn a_totp_code_counts_within_one_step_either_way_and_only_once() {
    let app = TestApp::spawn().await;
    let browser = app.logged_in(STANDARD).await;
    let (secret, _) = enable_totp(&app, &browser).await;
    app.clock.advance(90);

    // A code of the previous step (a slow phone) is accepted...
    let now = app.state.now();
    let late = totp::code_at(&secret, now - 30);
    let (login, page) = to_code_page(&app, STANDARD, &[]).await;
    let done = enter(&login, &page, &late).await;
    assert!(done.url.path() == "/consent" || done.url.as_str().starts_with(REDIRECT));
    // ...once: the same code in another login is refused.
    let (login, page) = to_code_page(&app, STANDARD, &[]).await;
    let replay = enter(&login, &page, &late).await;
    assert_eq!(replay.status, 400, "{}", replay.body);
    assert!(replay.body.contains("Неверный код"), "{}", replay.body);
    // Two steps away is too far, before and after.
    for far in [now - 60, now + 60] {
        let code = totp::code_at(&secret, far);
        if [
            totp::code_at(&secret, now - 30),
            totp::code_at(&secret, now),
            totp::code_at(&secret, now + 30),
        ]
        .contains(&code)
        {
            continue; // the same six digits by chance
        }
        let page = enter(&login, &replay, &code).await;
        assert_eq!(page.status, 400, "{}", page.body);
    }
    // The next step's code (a fast phone) works.
    let page = enter(&login, &replay, &totp::code_at(&secret, now + 30)).await;
    assert!(
        page.url.path() == "/consent" || page.url.as_str().starts_with(REDIRECT),
        "{}",
        page.body
    );
}

#[actix_web::test]
async fn sms_codes_expire_and_a_new_one_can_be_sent() {
    let app = TestApp::spawn().await;
    let browser = app.logged_in(STANDARD).await;
    let page = security(&browser, &[("action", "sms"), ("password", PASSWORD)]).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let sms = app.newest_message(STANDARD_PHONE, 1).await;
    let code = sms["code"].as_str().unwrap().to_owned();
    let page = security(&browser, &[("action", "confirm"), ("code", &code)]).await;
    assert_eq!(recovery_codes(&page.body).len(), 10, "{}", page.body);

    let (login, page) = to_code_page(&app, STANDARD, &[]).await;
    assert!(page.body.contains("+7 *** ***-**-01"), "{}", page.body);
    let sms = app.newest_message(STANDARD_PHONE, 2).await;
    let code = sms["code"].as_str().unwrap().to_owned();
    // Five minutes later the code is spent.
    app.clock.advance(5 * 60 + 1);
    let spent = enter(&login, &page, &code).await;
    assert_eq!(spent.status, 400);
    assert!(spent.body.contains("Код устарел"), "{}", spent.body);
    let csrf = spent.csrf();
    let flow = spent.hidden("flow");
    let resent = login
        .submit("/login/code/resend", &[("csrf", &csrf), ("flow", &flow)])
        .await;
    assert!(
        resent.body.contains("Новый код отправлен"),
        "{}",
        resent.body
    );
    // At most one a minute.
    let soon = login
        .submit("/login/code/resend", &[("csrf", &csrf), ("flow", &flow)])
        .await;
    assert_eq!(soon.status, 429);
    let code = app.newest_message(STANDARD_PHONE, 3).await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let page = enter(&login, &resent, &code).await;
    let claims = id_token(&app, &login, page).await;
    assert_eq!(claims["amr"], serde_json::json!(["pwd", "sms"]));
    assert_eq!(claims["acr"], "urn:vhod:aal2");
}

#[actix_web::test]
async fn recovery_codes_stand_in_for_the_code_once_each() {
    let app = TestApp::spawn().await;
    let browser = app.logged_in(STANDARD).await;
    let (_, codes) = enable_totp(&app, &browser).await;
    let (login, page) = to_code_page(&app, STANDARD, &[]).await;
    let typed = codes[3].to_uppercase().replace('-', " ");
    let page = enter(&login, &page, &typed).await;
    let claims = id_token(&app, &login, page).await;
    assert_eq!(claims["acr"], "urn:vhod:aal2");
    let (login, page) = to_code_page(&app, STANDARD, &[]).await;
    let again = enter(&login, &page, &codes[3]).await;
    assert_eq!(again.status, 400);
    assert!(again.body.contains("Неверный код"));
    let left = browser.follow(browser.get("/account/security").await).await;
    assert!(
        left.body.contains("Неиспользованных резервных кодов: 9"),
        "{}",
        left.body
    );
    // New codes replace the old ones.
    let renewed = security(&browser, &[("action", "renew"), ("password", PASSWORD)]).await;
    assert_eq!(recovery_codes(&renewed.body).len(), 10);
    let old = enter(&login, &again, &codes[4]).await;
    assert_eq!(old.status, 400);
}

#[actix_web::test]
async fn a_one_factor_session_steps_up_with_the_code_alone() {
    let app = TestApp::spawn().await;
    let settings = app.logged_in(STANDARD).await;
    // A one-factor session from before the factor, as an older version
    // left it (enabling ends the others and makes its own two-factor).
    let (secret, _) = enabled_behind_the_sessions(&app, STANDARD).await;
    let first = app.tokens(&settings, STANDARD, &[]).await;
    let first = claims(first["id_token"].as_str().unwrap());
    assert_eq!(first["acr"], "urn:vhod:aal1");
    app.clock.advance(30);
    let page = settings
        .follow(
            settings
                .get(&app.auth_url(&[("acr_values", "urn:vhod:aal2")]))
                .await,
        )
        .await;
    assert_eq!(
        page.url.path(),
        "/login/code",
        "no password asked: {}",
        page.body
    );
    let page = enter(&settings, &page, &totp::code_at(&secret, app.state.now())).await;
    let stepped = id_token(&app, &settings, page).await;
    assert_eq!(stepped["acr"], "urn:vhod:aal2");
    assert_eq!(stepped["sid"], first["sid"], "the same session, stronger");
    // The stronger session serves the next portal request without asking.
    let callback = settings
        .follow(
            settings
                .get(&app.auth_url(&[("acr_values", "urn:vhod:aal2")]))
                .await,
        )
        .await;
    assert!(
        callback.url.as_str().starts_with(REDIRECT),
        "{}",
        callback.body
    );
}

#[actix_web::test]
async fn without_a_second_factor_the_person_is_told_how_and_may_give_up() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let url = app.auth_url(&[("acr_values", "urn:vhod:aal2")]);
    let page = browser.follow(browser.get(&url).await).await;
    let page = page.login(&browser, SIMPLE).await;
    assert_eq!(page.url.path(), "/login/code");
    assert!(page.body.contains("Нужен второй фактор"), "{}", page.body);
    assert!(page.body.contains("/account/security"));
    let (csrf, flow) = (page.csrf(), page.hidden("flow"));
    let back = browser
        .post("/login/code/cancel", &[("csrf", &csrf), ("flow", &flow)])
        .await;
    let location = Browser::location(&back);
    assert!(location.as_str().starts_with(REDIRECT));
    assert_eq!(
        query(&location, "error").as_deref(),
        Some("unmet_authentication_requirements")
    );
}

#[actix_web::test]
async fn wrong_codes_close_the_code_step_and_a_code_step_is_bound_to_its_browser() {
    let app = TestApp::spawn().await;
    let browser = app.logged_in(STANDARD).await;
    let (secret, _) = enable_totp(&app, &browser).await;
    app.clock.advance(60);
    let (login, mut page) = to_code_page(&app, STANDARD, &[]).await;
    // Another browser cannot use this login's code step.
    // With its own valid CSRF token and this login's flow, the stranger's
    // right code is refused: the flow starts over in its browser, and no
    // login of STANDARD waits there.
    let right = totp::code_at(&secret, app.state.now());
    let stranger = app.browser();
    let own = stranger.follow(stranger.get("/login").await).await;
    let (csrf, flow) = (own.csrf(), page.hidden("flow"));
    let res = stranger
        .post(
            "/login/code",
            &[("csrf", &csrf), ("flow", &flow), ("code", &right)],
        )
        .await;
    assert!(res.status().is_redirection(), "{}", res.status());
    assert!(
        res.cookies().all(|c| c.name() != "vhod_session"),
        "no session for the stranger"
    );
    let wrong = if right == "111111" {
        "222222"
    } else {
        "111111"
    };
    for _ in 0..4 {
        page = enter(&login, &page, wrong).await;
        assert_eq!(page.status, 400, "{}", page.body);
    }
    let closed = enter(&login, &page, wrong).await;
    assert_eq!(closed.status, 429, "{}", closed.body);
    // Closed even for the right code, in a new login, for a while.
    let (login, page) = to_code_page(&app, STANDARD, &[]).await;
    let still = enter(&login, &page, &right).await;
    assert_eq!(still.status, 429, "{}", still.body);
}

#[actix_web::test]
async fn the_demo_two_factor_account_logs_in_with_its_printed_secret() {
    let app = TestApp::spawn().await;
    let account = app
        .state
        .sql
        .account_by_login(TWO_FACTOR)
        .await
        .unwrap()
        .unwrap();
    let factor = app
        .state
        .sql
        .second_factor(&account.id)
        .await
        .unwrap()
        .unwrap();
    let secret = totp::open(
        &app.state.master,
        &account.id,
        &factor.sealed_secret.unwrap(),
    )
    .unwrap();
    let (login, page) = to_code_page(&app, TWO_FACTOR, &[]).await;
    let page = enter(&login, &page, &totp::code_at(&secret, app.state.now())).await;
    let claims = id_token(&app, &login, page).await;
    assert_eq!(claims["acr"], "urn:vhod:aal2");
}

#[actix_web::test]
async fn support_removes_a_lost_second_factor() {
    let app = TestApp::spawn().await;
    let out = crate::operations::idp(
        &app.state.config,
        &[
            "users",
            "reset-second-factor",
            TWO_FACTOR,
            "--operator",
            "Сидорова",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("removed the second factor"));
    // The password alone logs in again.
    let callback = app
        .login(&app.browser(), &app.auth_url(&[]), TWO_FACTOR)
        .await;
    assert!(query(&callback, "code").is_some());
    let journal = app.state.sql.audit_events(1000).await.unwrap();
    assert!(
        journal
            .iter()
            .any(|e| e.event == "second_factor.disabled" && e.detail["operator"] == "Сидорова"),
        "audited with the operator"
    );
}

/// Turns on an authenticator app for `login` straight in the store, as an
/// older version left it: sessions from before it are not ended. Its
/// secret and recovery codes.
pub async fn enabled_behind_the_sessions(app: &TestApp, login: &str) -> (Vec<u8>, Vec<String>) {
    use idp::credentials::recovery_codes;
    let account = app.account(login).await;
    let secret = totp::new_secret();
    let record = idp::model::SecondFactorRecord {
        account_id: account.id.clone(),
        method: idp::model::SecondFactor::Totp,
        sealed_secret: Some(totp::seal(&app.state.master, &account.id, &secret)),
        last_step: None,
        enabled_at: app.state.now(),
    };
    let recovery = recovery_codes::new_recovery_codes();
    let digests = recovery
        .iter()
        .map(|c| recovery_codes::recovery_digest(&account.id, c))
        .collect();
    app.state
        .sql
        .enable_second_factor(&record, digests)
        .await
        .unwrap();
    (secret, recovery)
}

#[actix_web::test]
async fn a_one_factor_session_needs_the_code_to_disable_renew_or_replace_it() {
    let app = TestApp::spawn().await;
    let browser = app.logged_in(STANDARD).await;
    let (secret, recovery) = enabled_behind_the_sessions(&app, STANDARD).await;
    let page = browser.follow(browser.get("/account/security").await).await;
    assert!(page.body.contains("name=\"code\""), "asks the code");
    for action in ["disable", "renew", "totp"] {
        let refused = security(&browser, &[("action", action), ("password", PASSWORD)]).await;
        assert_eq!(refused.status, 403, "{action}: {}", refused.body);
        assert!(refused.body.contains("Код:"), "{}", refused.body);
        assert!(!refused.body.contains("recovery-codes"), "{action}");
    }
    let wrong = security(
        &browser,
        &[
            ("action", "renew"),
            ("password", PASSWORD),
            ("code", "000000"),
        ],
    )
    .await;
    if totp::code_at(&secret, app.state.now()) != "000000" {
        assert_eq!(wrong.status, 400, "{}", wrong.body);
    }
    // A recovery code renews them; the app's code disables it.
    let renewed = security(
        &browser,
        &[
            ("action", "renew"),
            ("password", PASSWORD),
            ("code", &recovery[0]),
        ],
    )
    .await;
    assert_eq!(recovery_codes(&renewed.body).len(), 10, "{}", renewed.body);
    let code = totp::code_at(&secret, app.state.now());
    let off = security(
        &browser,
        &[
            ("action", "disable"),
            ("password", PASSWORD),
            ("code", &code),
        ],
    )
    .await;
    assert!(off.body.contains("Второй фактор отключён"), "{}", off.body);
}

#[actix_web::test]
async fn an_enrollment_belongs_to_the_session_that_began_it() {
    let app = TestApp::spawn().await;
    let owner = app.logged_in(STANDARD).await;
    let other = app.logged_in(STANDARD).await;
    let page = security(&owner, &[("action", "totp"), ("password", PASSWORD)]).await;
    let secret = totp::from_base32(&element(&page.body, "totp-secret")).unwrap();
    let seen = other.follow(other.get("/account/security").await).await;
    assert!(!seen.body.contains("totp-secret"), "{}", seen.body);
    let code = totp::code_at(&secret, app.state.now());
    let taken = security(&other, &[("action", "confirm"), ("code", &code)]).await;
    assert_eq!(taken.status, 400, "{}", taken.body);
    let account = app.account(STANDARD).await;
    assert!(
        app.state
            .sql
            .second_factor(&account.id)
            .await
            .unwrap()
            .is_none()
    );
    // The owner's session finishes it.
    let done = security(&owner, &[("action", "confirm"), ("code", &code)]).await;
    assert_eq!(recovery_codes(&done.body).len(), 10, "{}", done.body);
}
