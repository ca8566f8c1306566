//! What an attacker tried after issue 17, and what now stops it: each test
//! here failed before its fix.

use idp::model::{AccountLevel, VerificationStatus};

use crate::harness::*;
use crate::profile::{logged_in, submit, verification_done};

/// A confirmed person whose check changed the identity is standard: no
/// session, access token or refresh token from before may go on saying
/// `confirmed` beside the new name and SNILS that nobody confirmed.
#[actix_web::test]
async fn a_lowered_level_ends_the_sessions_and_grants_that_said_confirmed() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let before = app.tokens(&browser, CONFIRMED, &[OFFLINE]).await;
    assert_eq!(
        claims(before["id_token"].as_str().unwrap())["account_level"],
        "confirmed"
    );
    let (editor, page) = logged_in(&app, CONFIRMED).await;
    submit(&editor, &page, &[("last_name", "Подменов")]).await;
    app.clock.advance(app.state.config.registry_delay_secs);
    assert_eq!(
        verification_done(&app, CONFIRMED).await,
        VerificationStatus::Passed
    );
    assert_eq!(app.account(CONFIRMED).await.level, AccountLevel::Standard);

    // The access token of before answers nothing more (once the job that
    // recorded the check has ended the sessions, a moment later).
    let access = before["access_token"].as_str().unwrap();
    eventually("the access token of before is refused", async || {
        (app.userinfo(access).await.status() == 401).then_some(())
    })
    .await;
    assert_eq!(app.introspect(access).await["active"], false);
    // Its refresh token is revoked.
    let res = app
        .token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", before["refresh_token"].as_str().unwrap()),
        ])
        .await;
    assert_eq!(error_of(res).await.1, "invalid_grant");
    // The browser's session is over: a portal gets the new level only.
    let after = app.tokens(&browser, CONFIRMED, &[]).await;
    let id_token = claims(after["id_token"].as_str().unwrap());
    assert_eq!(id_token["account_level"], "standard");
    let res = app.userinfo(after["access_token"].as_str().unwrap()).await;
    let info: serde_json::Value = res.json().await.unwrap();
    assert_eq!(info["account_level"], "standard");
    assert_eq!(info["family_name"], "Подменов");
}

const ADDRESS: &str = "101000, г. Москва, ул. Мясницкая, д. 1, кв. 2";

/// A letter ordered for one identity confirms no other. Ordered as
/// yourself, then a check of another person's name and SNILS, then the
/// code: that would make the other person «confirmed» without anyone
/// having seen them.
#[actix_web::test]
async fn a_postal_code_confirms_only_the_identity_it_was_ordered_for() {
    let app = TestApp::spawn().await;
    let browser = app.logged_in(STANDARD).await;
    let page = browser.follow(browser.get("/account/confirm").await).await;
    let csrf = page.csrf();
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
    let code = app.newest_message(ADDRESS, 1).await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    // While the letter travels, another identity passes the check.
    let (editor, page) = logged_in(&app, STANDARD).await;
    submit(&editor, &page, &[("last_name", "Подменова")]).await;
    app.clock.advance(app.state.config.registry_delay_secs);
    assert_eq!(
        verification_done(&app, STANDARD).await,
        VerificationStatus::Passed
    );
    let entered = browser
        .submit(
            "/account/confirm",
            &[("csrf", &csrf), ("action", "code"), ("code", &code)],
        )
        .await;
    assert_eq!(entered.status, 400, "{}", entered.body);
    assert!(
        entered.body.contains("Закажите новое письмо"),
        "{}",
        entered.body
    );
    assert_eq!(app.account(STANDARD).await.level, AccountLevel::Standard);
}

/// The login throttle per client address counts an IPv6 client by its
/// /64, as every other limit does: hopping addresses inside one
/// subscriber's network gives no more guesses across accounts.
#[actix_web::test]
async fn failed_logins_from_one_ipv6_network_count_together() {
    use idp::login::{Client, LoginError, password_login};
    use idp::model::Aal;
    let app = TestApp::spawn().await;
    fn client(ip: &str) -> Client<'_> {
        Client {
            ip,
            user_agent: None,
            old_cookie: None,
            request_id: None,
            certificate: None,
        }
    }
    for n in 0..app.state.config.ip_failure_limit {
        let (ip, login) = (
            format!("2001:db8:1:2::{:x}", n + 1),
            format!("x{n}@example.ru"),
        );
        let outcome =
            password_login(&app.state, &login, "Wrong-pass1", Aal::Aal1, &client(&ip)).await;
        assert!(
            matches!(outcome, Err(LoginError::WrongCredentials)),
            "{outcome:?}"
        );
    }
    let same_network = client("2001:db8:1:2:ffff::1");
    let outcome = password_login(&app.state, SIMPLE, PASSWORD, Aal::Aal1, &same_network).await;
    assert!(matches!(outcome, Err(LoginError::Throttled)), "{outcome:?}");
    // Another network is not held back.
    let other = client("2001:db8:1:3::1");
    let outcome = password_login(&app.state, SIMPLE, PASSWORD, Aal::Aal1, &other).await;
    assert!(outcome.is_ok(), "{outcome:?}");
}
