//! The account level follows the data: tokens, userinfo and the cabinet
//! see only data the registries checked; an edit waits beside it until its
//! check passes; `confirmed` is bound to the identity it confirmed; only
//! checked SNILS and INN are unique.

use idp::accounts::levels::after_check;
use idp::accounts::{self, NewAccount};
use idp::audit::events;
use idp::model::{AccountLevel, Secret, VerificationStatus};
use idp::registries::UNKNOWN_SNILS;

use crate::harness::*;
use crate::operations::idp;
use crate::profile::{logged_in, submit, verification_done};

/// The demo confirmed account's checked data (see `idp::demo`).
const CONFIRMED_SNILS: &str = "112-233-447 97";
const CONFIRMED_NAME: &str = "Подтверждёнов";
/// The profile form's SNILS (valid, no account has it).
const FORM_SNILS: &str = "112-233-448 98";

/// The userinfo of a fresh login of `login`, with its SNILS.
async fn userinfo_of(app: &TestApp, login: &str) -> (serde_json::Value, serde_json::Value) {
    let tokens = app
        .tokens(&app.browser(), login, &[("scope", "openid profile snils")])
        .await;
    let id_token = claims(tokens["id_token"].as_str().unwrap());
    let res = app.userinfo(tokens["access_token"].as_str().unwrap()).await;
    assert_eq!(res.status(), 200);
    (id_token, res.json().await.unwrap())
}

/// The form values of the demo confirmed account, as checked.
fn confirmed_as_checked<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("last_name", CONFIRMED_NAME),
        ("first_name", "Иван"),
        ("middle_name", "Сергеевич"),
        ("gender", "male"),
        ("birthdate", "1982-03-12"),
        ("snils", CONFIRMED_SNILS),
        ("inn", "770000000220"),
    ];
    for (name, value) in changes {
        match form.iter_mut().find(|(n, _)| n == name) {
            Some(field) => field.1 = value,
            None => form.push((name, value)),
        }
    }
    form
}

#[actix_web::test]
async fn an_edit_reaches_no_portal_until_its_check_passes_and_a_new_identity_is_not_confirmed() {
    let app = TestApp::spawn().await;
    let (browser, page) = logged_in(&app, CONFIRMED).await;
    let pending = submit(
        &browser,
        &page,
        &[("last_name", "Подменов"), ("snils", FORM_SNILS)],
    )
    .await;
    assert!(pending.body.contains("Данные отправлены на проверку"));

    // While the check is pending: the checked data and level, everywhere.
    let account = app.account(CONFIRMED).await;
    assert_eq!(account.family_name, CONFIRMED_NAME);
    assert_eq!(account.snils.as_deref(), Some(CONFIRMED_SNILS));
    assert_eq!(account.level, AccountLevel::Confirmed);
    let (id_token, info) = userinfo_of(&app, CONFIRMED).await;
    assert_eq!(id_token["account_level"], "confirmed");
    assert_eq!(info["family_name"], CONFIRMED_NAME);
    assert_eq!(info["snils"], CONFIRMED_SNILS);
    // The cabinet shows both: what is in force, and what is being checked.
    let page = browser.follow(browser.get("/account").await).await;
    let in_force = page.body.find("id=\"in-force\"").expect("in force shown");
    let checking = page.body.find("id=\"pending\"").expect("pending shown");
    assert!(page.body[in_force..checking].contains(CONFIRMED_NAME));
    assert!(page.body[checking..].contains("Подменов"), "{}", page.body);
    assert!(!page.body[in_force..checking].contains("Подменов"));

    // The check passes: the new identity is in force, but not confirmed.
    app.clock.advance(app.state.config.registry_delay_secs);
    assert_eq!(
        verification_done(&app, CONFIRMED).await,
        VerificationStatus::Passed
    );
    let account = app.account(FORM_SNILS).await;
    assert_eq!(account.family_name, "Подменов");
    assert_eq!(account.level, AccountLevel::Standard);
    let (id_token, info) = userinfo_of(&app, CONFIRMED).await;
    assert_eq!(id_token["account_level"], "standard");
    assert_eq!(info["snils"], FORM_SNILS);
    let lowered = app
        .state
        .sql
        .audit_tail(None, Some(events::ACCOUNT_LEVEL_LOWERED.into()), 10)
        .await
        .unwrap();
    assert_eq!(lowered.len(), 1, "journaled");
    assert_eq!(lowered[0].account_id.as_deref(), Some(account.id.as_str()));
    let told = app.newest_message(CONFIRMED, 1).await;
    assert!(
        told["text"]
            .as_str()
            .unwrap()
            .contains("подтвердите личность заново"),
        "{told}"
    );
}

#[actix_web::test]
async fn a_new_passport_of_the_same_person_keeps_confirmed() {
    let app = TestApp::spawn().await;
    let (browser, page) = logged_in(&app, CONFIRMED).await;
    let form = confirmed_as_checked(&[("passport_number", "654321")]);
    submit(&browser, &page, &form).await;
    app.clock.advance(app.state.config.registry_delay_secs);
    assert_eq!(
        verification_done(&app, CONFIRMED).await,
        VerificationStatus::Passed
    );
    let account = app.account(CONFIRMED).await;
    assert_eq!(account.level, AccountLevel::Confirmed);
    let profile = app.state.sql.profile(&account.id).await.unwrap().unwrap();
    assert_eq!(profile.passport.unwrap().number, "654321");
}

#[actix_web::test]
async fn a_refused_check_keeps_the_checked_data_and_its_number_blocks_nobody() {
    let app = TestApp::spawn().await;
    let before = app.account(STANDARD).await;
    let (browser, page) = logged_in(&app, STANDARD).await;
    submit(
        &browser,
        &page,
        &[("snils", UNKNOWN_SNILS[1]), ("last_name", "Чужова")],
    )
    .await;
    app.clock.advance(app.state.config.registry_delay_secs);
    assert_eq!(
        verification_done(&app, STANDARD).await,
        VerificationStatus::Failed
    );
    let after = app.account(STANDARD).await;
    assert_eq!(after.snils, before.snils, "the refused SNILS is not taken");
    assert_eq!(after.family_name, before.family_name);
    assert_eq!(after.level, AccountLevel::Standard);
    let page = browser.follow(browser.get("/account").await).await;
    assert!(page.body.contains("Проверка не пройдена"), "{}", page.body);
    let in_force = page.body.find("id=\"in-force\"").expect("in force shown");
    assert!(page.body[in_force..].contains(&before.family_name));

    // The refused number blocks nobody: its owner may send it.
    let (owner, page) = logged_in(&app, SIMPLE).await;
    let sent = submit(&owner, &page, &[("snils", UNKNOWN_SNILS[1])]).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert!(sent.body.contains("Данные отправлены на проверку"));
}

/// A simplified account made on the spot, logged in on its profile page.
async fn another_person(app: &TestApp, email: &str) -> (Browser, crate::harness::Page) {
    let new = NewAccount {
        email: Some(email.into()),
        family_name: "Другов".into(),
        given_name: "Денис".into(),
        ..Default::default()
    };
    accounts::create(&app.state.sql, new, &Secret::new(PASSWORD), app.state.now())
        .await
        .unwrap();
    logged_in(app, email).await
}

#[actix_web::test]
async fn a_check_that_would_give_a_second_account_the_same_snils_is_refused() {
    let app = TestApp::spawn().await;
    // Two people send one SNILS; neither is checked yet, so neither blocks.
    let (first, page) = logged_in(&app, SIMPLE).await;
    submit(&first, &page, &[]).await;
    app.clock.advance(1);
    let (second, page) = another_person(&app, "second@example.ru").await;
    let sent = submit(&second, &page, &[]).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    app.clock.advance(app.state.config.registry_delay_secs);
    let statuses = [
        verification_done(&app, SIMPLE).await,
        verification_done(&app, "second@example.ru").await,
    ];
    let (winner, loser) = match statuses {
        [VerificationStatus::Passed, VerificationStatus::Failed] => (SIMPLE, "second@example.ru"),
        [VerificationStatus::Failed, VerificationStatus::Passed] => ("second@example.ru", SIMPLE),
        other => panic!("one passes, one is refused: {other:?}"),
    };
    let (winner, loser) = (app.account(winner).await, app.account(loser).await);
    assert_eq!(winner.snils.as_deref(), Some(FORM_SNILS));
    assert_eq!(winner.level, AccountLevel::Standard);
    assert_eq!(loser.snils, None);
    assert_eq!(loser.level, AccountLevel::Simplified);
    let refused = app
        .state
        .sql
        .latest_verification(&loser.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        refused.mismatches,
        [idp::model::CheckReason::number_taken(
            idp::model::PersonalNumber::Snils
        )]
    );
    // Journaled naming both accounts.
    let journal = app
        .state
        .sql
        .audit_tail(None, Some(events::VERIFICATION_DUPLICATE.into()), 10)
        .await
        .unwrap();
    assert_eq!(journal.len(), 1);
    assert_eq!(journal[0].account_id.as_deref(), Some(loser.id.as_str()));
    let detail: serde_json::Value = serde_json::from_str(&journal[0].detail).unwrap();
    assert_eq!(detail["other_account"], winner.id.as_str());
    // Support sees both.
    let out = idp(
        &app.state.config,
        &["users", "show", loser.email.as_deref().unwrap(), "--json"],
    );
    assert!(out.status.success(), "{out:?}");
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(shown["refused"]["same_number_as"][0], winner.id.as_str());
}

#[actix_web::test]
async fn confirmation_is_bound_to_the_identity_it_saw() {
    let app = TestApp::spawn().await;
    // The operator opened the account...
    let seen = app.account(STANDARD).await;
    // ...while a check of another identity with a new passport passed.
    let (browser, page) = logged_in(&app, STANDARD).await;
    submit(&browser, &page, &[("last_name", "Другая")]).await;
    app.clock.advance(app.state.config.registry_delay_secs);
    assert_eq!(
        verification_done(&app, STANDARD).await,
        VerificationStatus::Passed
    );
    let confirmed = idp::accounts::confirmation::at_service_centre(
        &app.state.sql,
        &app.state.audit,
        &seen,
        "4506-123456",
        "Иванова А. П.",
        app.state.now(),
    )
    .await;
    assert!(
        confirmed.is_err(),
        "the identity seen is no longer in force"
    );
    assert_eq!(app.account(STANDARD).await.level, AccountLevel::Standard);
}

#[actix_web::test]
async fn userinfo_updated_at_is_when_the_checked_data_last_changed() {
    let app = TestApp::spawn().await;
    let (_, info) = userinfo_of(&app, STANDARD).await;
    let seeded = info["updated_at"].as_i64().unwrap();
    app.clock.advance(5000);
    let (browser, page) = logged_in(&app, STANDARD).await;
    submit(&browser, &page, &[("last_name", "Новая")]).await;
    // A pending edit changes nothing.
    let (_, info) = userinfo_of(&app, STANDARD).await;
    assert_eq!(info["updated_at"].as_i64(), Some(seeded));
    app.clock.advance(app.state.config.registry_delay_secs);
    let checked_at = app.state.now();
    assert_eq!(
        verification_done(&app, STANDARD).await,
        VerificationStatus::Passed
    );
    let (_, info) = userinfo_of(&app, STANDARD).await;
    assert_eq!(info["family_name"], "Новая");
    let updated = info["updated_at"].as_i64().unwrap();
    assert!(
        updated >= checked_at && updated > seeded + 5000,
        "{updated} vs checked at {checked_at}"
    );
}

/// A profile as the form would send it.
fn data(family_name: &str, snils: &str, passport_number: &str) -> idp::model::Profile {
    idp::model::Profile {
        family_name: family_name.into(),
        given_name: "Анна".into(),
        middle_name: Some("Ивановна".into()),
        gender: Some("female".into()),
        birthdate: Some("1981-02-11".into()),
        birthplace: Some("г. Москва".into()),
        snils: Some(snils.into()),
        inn: None,
        passport: Some(idp::model::Passport {
            series: "4511".into(),
            number: passport_number.into(),
            issued_on: "2015-06-01".into(),
            issuer: "ГУ МВД России по г. Москве".into(),
            issuer_code: "770-001".into(),
        }),
    }
}

/// Sends `profile` to be checked and records the answer at once.
async fn checked_as(
    app: &TestApp,
    account_id: &str,
    profile: idp::model::Profile,
    passed: Option<bool>,
) {
    let verification = idp::model::Verification {
        id: uuid::Uuid::new_v4().to_string(),
        account_id: account_id.into(),
        status: VerificationStatus::Pending,
        data: profile,
        mismatches: Vec::new(),
        requested_at: app.state.now(),
        finished_at: None,
    };
    let sql = &app.state.sql;
    sql.submit_profile(&verification, app.state.now())
        .await
        .unwrap();
    if let Some(passed) = passed {
        sql.finish_verification(&verification.id, passed, &[], app.state.now(), after_check)
            .await
            .unwrap();
    }
}

#[actix_web::test]
async fn accounts_overwritten_by_unchecked_edits_get_their_checked_data_back_when_migrating() {
    let app = TestApp::spawn().await;
    let sql = &app.state.sql;
    // As the old code left them: the columns hold the newest edit, checked
    // or not.
    let standard = app.account(STANDARD).await.id;
    checked_as(
        &app,
        &standard,
        data("Проверенова", FORM_SNILS, "111111"),
        Some(true),
    )
    .await;
    let refused = data("Непроверенова", UNKNOWN_SNILS[0], "222222");
    checked_as(&app, &standard, refused.clone(), Some(false)).await;
    sql.put_checked_profile(&standard, &refused, app.state.now())
        .await
        .unwrap();
    let simple = app.account(SIMPLE).await.id;
    let pending = data("Простова", UNKNOWN_SNILS[1], "333333");
    checked_as(&app, &simple, pending.clone(), None).await;
    sql.put_checked_profile(&simple, &pending, app.state.now())
        .await
        .unwrap();

    let migrations = sql.migrations();
    tokio::task::spawn_blocking(move || {
        // Back to before the checked-data migration (later ones first).
        loop {
            let reverted = migrations.revert_last().unwrap();
            if reverted.contains("20261207000001") {
                break;
            }
            assert!(reverted.as_str() > "20261207000001", "{reverted}");
        }
        migrations.apply()
    })
    .await
    .unwrap()
    .unwrap();
    let account = sql.account(&standard).await.unwrap().unwrap();
    assert_eq!(account.family_name, "Проверенова");
    assert_eq!(account.snils.as_deref(), Some(FORM_SNILS));
    let profile = sql.profile(&standard).await.unwrap().unwrap();
    assert_eq!(profile.passport.unwrap().number, "111111");
    // Never checked: the unchecked numbers and passport go.
    let account = sql.account(&simple).await.unwrap().unwrap();
    assert_eq!(account.snils, None);
    let profile = sql.profile(&simple).await.unwrap().unwrap();
    assert_eq!(profile.passport, None);
    assert_eq!(account.level, AccountLevel::Simplified);
}
