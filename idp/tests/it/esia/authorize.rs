//! `/aas/oauth2/ac` and `/aas/oauth2/v2/ac`: signatures, timestamps, state,
//! and the shared login flow behind them.

use super::{Ac, Portal, Tool, esia_app, timestamp};
use crate::harness::{STANDARD, TestApp, query};

/// Where the browser ends after `url`: the portal's callback (or a page).
async fn land(app: &TestApp, url: &str) -> crate::harness::Page {
    let browser = app.browser();
    browser.follow(browser.get(url).await).await
}

fn esia_error(page: &crate::harness::Page) -> (String, String) {
    let error = query(&page.url, "error").unwrap_or_else(|| panic!("no error: {page:?}"));
    let description = query(&page.url, "error_description").unwrap_or_default();
    (error, description)
}

#[actix_web::test]
async fn every_account_has_a_stable_numeric_oid() {
    let app = esia_app().await;
    let standard = app.account(STANDARD).await;
    let oid = app.state.sql.account_oid(&standard.id).await.unwrap();
    let oid = oid.expect("an oid");
    assert!(oid > 1_000_000_000, "{oid}");
    assert_eq!(
        app.state.sql.account_by_oid(oid).await.unwrap().as_deref(),
        Some(standard.id.as_str())
    );
    let confirmed = app.account(crate::harness::CONFIRMED).await;
    let other = app.state.sql.account_oid(&confirmed.id).await.unwrap();
    assert_ne!(other, Some(oid));
    assert_eq!(
        app.state.sql.account_oid(&standard.id).await.unwrap(),
        Some(oid)
    );
}

/// Accounts from before ESIA mode get their oids when migrating, each its
/// own and each findable; an account made afterwards gets one none of them
/// has.
#[actix_web::test]
async fn migrating_gives_existing_accounts_their_own_oids() {
    let app = esia_app().await;
    let sql = &app.state.sql;
    let mut ids = Vec::new();
    for login in [STANDARD, crate::harness::CONFIRMED, crate::harness::SIMPLE] {
        ids.push(app.account(login).await.id);
    }
    let migrations = sql.migrations();
    tokio::task::spawn_blocking(move || {
        let reverted = migrations.revert_last().unwrap();
        assert!(reverted.contains("20261207000006"), "{reverted}");
        migrations.apply()
    })
    .await
    .unwrap()
    .unwrap();
    let mut given = std::collections::BTreeSet::new();
    for id in &ids {
        let oid = sql.account_oid(id).await.unwrap().expect("an oid");
        assert!(oid > 1_000_000_000, "{oid}");
        assert!(given.insert(oid), "{oid} given twice");
        assert_eq!(
            sql.account_by_oid(oid).await.unwrap().as_deref(),
            Some(id.as_str())
        );
    }
    let out = crate::support::add_user(&app.state.config, &["--email", "new.oid@example.ru"]);
    assert!(out.status.success(), "{out:?}");
    let new = app.account("new.oid@example.ru").await;
    let oid = sql.account_oid(&new.id).await.unwrap().expect("an oid");
    assert!(!given.contains(&oid), "{oid} was given already");
}

#[actix_web::test]
async fn signed_v1_and_v2_requests_log_the_person_in() {
    let app = esia_app().await;
    let portal = Portal::new("portal-esia");
    portal.register(&app, "openid fullname").await;
    for (v2, tool) in [(false, Tool::Smime), (true, Tool::Cms)] {
        let ac = Ac::new(&app, v2, "openid fullname");
        let callback = app
            .login(&app.browser(), &ac.url(&app, &portal, tool), STANDARD)
            .await;
        assert!(query(&callback, "code").is_some(), "{callback}");
        assert_eq!(query(&callback, "state"), Some(ac.state.clone()));
    }
}

#[actix_web::test]
async fn refusals_carry_esia_codes() {
    let app = esia_app().await;
    let portal = Portal::new("portal-esia");
    portal.register(&app, "openid fullname").await;
    let stranger = Portal::new("portal-esia");

    // Signed by another key (someone else's certificate of the same name).
    let ac = Ac::new(&app, true, "openid");
    let forged = stranger.sign(&ac.text(&portal.id), Tool::Cms);
    let page = land(&app, &ac.url_with(&app, &portal, &forged)).await;
    let (error, description) = esia_error(&page);
    assert_eq!(error, "invalid_client");
    assert!(description.starts_with("ESIA-007053"), "{description}");
    assert_eq!(query(&page.url, "state"), Some(ac.state.clone()));

    // Changed after signing.
    let mut ac = Ac::new(&app, false, "openid");
    let secret = portal.sign(&ac.text(&portal.id), Tool::Smime);
    ac.scope = "openid fullname".into();
    let page = land(&app, &ac.url_with(&app, &portal, &secret)).await;
    assert!(esia_error(&page).1.starts_with("ESIA-007053"));

    // A stale timestamp, signed well.
    let mut ac = Ac::new(&app, true, "openid");
    ac.timestamp = timestamp(&app, -3600);
    let page = land(&app, &ac.url(&app, &portal, Tool::Cms)).await;
    assert!(esia_error(&page).1.starts_with("ESIA-007055"), "{page:?}");

    // A state that is not a UUID.
    let mut ac = Ac::new(&app, true, "openid");
    ac.state = "not-a-uuid".into();
    let page = land(&app, &ac.url(&app, &portal, Tool::Cms)).await;
    assert!(esia_error(&page).1.starts_with("ESIA-007014"), "{page:?}");
    assert_eq!(query(&page.url, "state"), None);

    // An unknown client: a page, nothing goes anywhere.
    let unknown = Portal::new("nobody");
    let ac = Ac::new(&app, true, "openid");
    let page = land(&app, &ac.url(&app, &unknown, Tool::Cms)).await;
    assert_eq!(page.status, 400);
    assert!(page.body.contains("ESIA-007005"), "{}", page.body);

    // An ESIA client is unknown to the OpenID Connect endpoint.
    let page = land(&app, &app.auth_url_for(&portal.id, &[])).await;
    assert_eq!(page.status, 400);
}

#[actix_web::test]
async fn the_endpoints_are_off_unless_enabled() {
    let app = TestApp::spawn().await;
    let portal = Portal::new("portal-esia");
    portal.register(&app, "openid").await;
    let ac = Ac::new(&app, true, "openid");
    let page = land(&app, &ac.url(&app, &portal, Tool::Cms)).await;
    assert_eq!(page.status, 404);
}
