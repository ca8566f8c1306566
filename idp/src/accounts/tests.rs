//! Use cases of accounts, run on `Ctx::for_tests()`: no server, no files.

use super::registration::{self, RegisterError, Registration, Start, Step};
use super::second_factor::{self, SettingsError};
use crate::audit::events;
use crate::credentials::password::{self, PolicyError};
use crate::ctx::Ctx;
use crate::delivery::{self, Message};
use crate::model::{AccountLevel, Secret};
use crate::sessions::Browser;

/// The messages queued for delivery to `to`, oldest first.
async fn queued_to(ctx: &Ctx, to: &str) -> Vec<Message> {
    let mut jobs = ctx.sql.jobs_of_kind(delivery::DELIVER).await.unwrap();
    jobs.sort_by_key(|j| j.created_at);
    jobs.iter()
        .map(|j| serde_json::from_str::<Message>(&j.payload).unwrap())
        .filter(|m| m.to == to)
        .collect()
}

#[tokio::test]
async fn registering_by_phone_sends_a_code_and_creates_a_simplified_account() {
    let (ctx, _clock) = Ctx::for_tests().await;
    let form = Start {
        last_name: "Петров",
        first_name: "Пётр",
        contact: "8 (999) 123-45-67",
        flow: None,
    };
    let started = registration::start(&ctx, form, "browser-1", "192.0.2.7")
        .await
        .unwrap();
    assert_eq!(started.contact, "+79991234567");
    assert!(matches!(started.step, Step::Code { .. }));
    let sms = queued_to(&ctx, "+79991234567").await;
    assert_eq!(sms.len(), 1, "one SMS queued: {sms:?}");
    let code = sms[0].code.clone().expect("the SMS carries a code");

    // Another browser cannot go on with it.
    let other = registration::check_code(&ctx, &started.id, "browser-2", &code).await;
    assert!(matches!(other, Err(RegisterError::Gone)), "{other:?}");

    let checked = registration::check_code(&ctx, &started.id, "browser-1", &code)
        .await
        .unwrap();
    assert_eq!(checked.step, Step::Password);
    let (account, _) = registration::finish(
        &ctx,
        &started.id,
        "browser-1",
        "Petrov-pass1!",
        "Petrov-pass1!",
    )
    .await
    .unwrap();
    assert_eq!(account.phone.as_deref(), Some("+79991234567"));
    assert_eq!(account.level, AccountLevel::Simplified);
    let stored = ctx.sql.account_by_login("+79991234567").await.unwrap();
    assert_eq!(stored.map(|a| a.id), Some(account.id));
}

/// A registration's first page with `contact`.
fn form(contact: &str) -> Start<'_> {
    Start {
        last_name: "Сидорова",
        first_name: "Мария",
        contact,
        flow: None,
    }
}

/// The code of the newest SMS to `to`.
async fn newest_code(ctx: &Ctx, to: &str) -> String {
    let sms = queued_to(ctx, to).await;
    let newest = sms.last().expect("an SMS was queued");
    newest.code.clone().expect("the SMS carries a code")
}

#[tokio::test]
async fn registering_by_e_mail_goes_on_in_the_browser_that_opens_the_link() {
    let (ctx, _clock) = Ctx::for_tests().await;
    let started = registration::start(&ctx, form(" Maria@Example.org "), "browser-1", "192.0.2.7")
        .await
        .unwrap();
    assert_eq!(started.contact, "maria@example.org");
    assert!(
        matches!(started.step, Step::Link { .. }),
        "{:?}",
        started.step
    );
    let mail = queued_to(&ctx, "maria@example.org").await;
    assert_eq!(mail.len(), 1, "{mail:?}");
    let link = mail[0].link.clone().expect("the e-mail carries the link");
    let token = link.split_once("token=").expect("a token in the link").1;

    // The link is the proof: the browser that opens it (a phone's, say)
    // goes on, once.
    let confirmed = registration::confirm_link(&ctx, token, "browser-2")
        .await
        .unwrap();
    assert_eq!(confirmed.step, Step::Password);
    let again = registration::confirm_link(&ctx, token, "browser-2").await;
    assert!(matches!(again, Err(RegisterError::LinkUsed)), "{again:?}");
    let unknown = registration::confirm_link(&ctx, "made-up", "browser-2").await;
    assert!(
        matches!(unknown, Err(RegisterError::LinkSpent)),
        "{unknown:?}"
    );
    // The first browser learns where its registration went.
    let first = Registration::load(&ctx, &started.id, "browser-1").await;
    assert!(
        matches!(first, Err(RegisterError::Elsewhere { finished: false })),
        "{first:?}"
    );
    let elsewhere = registration::finish(
        &ctx,
        &started.id,
        "browser-1",
        "Maria-pass1!",
        "Maria-pass1!",
    )
    .await;
    assert!(
        matches!(elsewhere, Err(RegisterError::Elsewhere { finished: false })),
        "{elsewhere:?}"
    );

    let (account, _) = registration::finish(
        &ctx,
        &started.id,
        "browser-2",
        "Maria-pass1!",
        "Maria-pass1!",
    )
    .await
    .unwrap();
    assert_eq!(account.email.as_deref(), Some("maria@example.org"));
    assert_eq!(
        (account.family_name.as_str(), account.given_name.as_str()),
        ("Сидорова", "Мария")
    );
    assert_eq!(account.level, AccountLevel::Simplified);
    assert!(password::verify("Maria-pass1!", &account.password_hash));
    let journal = ctx.sql.audit_events(1).await.unwrap();
    assert_eq!(journal[0].event, events::ACCOUNT_REGISTERED);
    assert_eq!(journal[0].account_id.as_deref(), Some(account.id.as_str()));
    for browser in ["browser-1", "browser-2"] {
        let done = Registration::load(&ctx, &started.id, browser).await;
        assert!(
            matches!(done, Err(RegisterError::Elsewhere { finished: true })),
            "{done:?}"
        );
    }
}

#[tokio::test]
async fn wrong_codes_spend_the_tries_and_a_new_code_comes_after_a_minute() {
    let (ctx, clock) = Ctx::for_tests().await;
    let started = registration::start(&ctx, form("+7 999 765-43-21"), "browser-1", "192.0.2.7")
        .await
        .unwrap();
    let code = newest_code(&ctx, "+79997654321").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let first = registration::check_code(&ctx, &started.id, "browser-1", wrong).await;
    assert!(
        matches!(first, Err(RegisterError::WrongCode { tries_left: 2 })),
        "{first:?}"
    );
    let malformed = registration::check_code(&ctx, &started.id, "browser-1", "12345").await;
    assert!(
        matches!(malformed, Err(RegisterError::Invalid { .. })),
        "{malformed:?}"
    );
    let second = registration::check_code(&ctx, &started.id, "browser-1", wrong).await;
    assert!(
        matches!(second, Err(RegisterError::WrongCode { tries_left: 1 })),
        "{second:?}"
    );
    let third = registration::check_code(&ctx, &started.id, "browser-1", wrong).await;
    assert!(matches!(third, Err(RegisterError::CodeSpent)), "{third:?}");
    let right = registration::check_code(&ctx, &started.id, "browser-1", &code).await;
    assert!(
        matches!(right, Err(RegisterError::CodeSpent)),
        "no tries left: {right:?}"
    );

    // Within the minute no new code goes; after it, one does, and it works.
    let soon = registration::resend(&ctx, &started.id, "browser-1", "192.0.2.7").await;
    assert!(matches!(soon, Err(RegisterError::TooSoon(60))), "{soon:?}");
    clock.advance(60);
    registration::resend(&ctx, &started.id, "browser-1", "192.0.2.7")
        .await
        .unwrap();
    assert_eq!(queued_to(&ctx, "+79997654321").await.len(), 2);
    let code = newest_code(&ctx, "+79997654321").await;
    let checked = registration::check_code(&ctx, &started.id, "browser-1", &code)
        .await
        .unwrap();
    assert_eq!(checked.step, Step::Password);
}

#[tokio::test]
async fn a_contact_with_an_account_gets_a_notice_and_no_second_account() {
    let (ctx, clock) = Ctx::for_tests().await;
    let first = registration::start(&ctx, form("89991112233"), "browser-1", "192.0.2.7")
        .await
        .unwrap();
    let code = newest_code(&ctx, "+79991112233").await;
    registration::check_code(&ctx, &first.id, "browser-1", &code)
        .await
        .unwrap();
    registration::finish(&ctx, &first.id, "browser-1", "First-pass1!", "First-pass1!")
        .await
        .unwrap();

    // Someone registers the same phone again (after the phone's minute):
    // the page looks the same, the phone's owner is told instead of
    // getting a code.
    clock.advance(60);
    let second = registration::start(&ctx, form("+7 (999) 111-22-33"), "browser-9", "192.0.2.9")
        .await
        .unwrap();
    assert!(matches!(second.step, Step::Code { .. }));
    let sms = queued_to(&ctx, "+79991112233").await;
    assert_eq!(sms.len(), 2, "{sms:?}");
    assert_eq!(sms[1].code, None, "a notice, no code: {:?}", sms[1]);
    assert_eq!(
        ctx.sql.audit_events(1).await.unwrap()[0].event,
        events::REGISTRATION_CONTACT_TAKEN
    );
    let guess = registration::check_code(&ctx, &second.id, "browser-9", &code).await;
    assert!(
        matches!(guess, Err(RegisterError::WrongCode { .. })),
        "{guess:?}"
    );
}

#[tokio::test]
async fn the_password_follows_the_policy_and_is_typed_twice_alike() {
    let (ctx, _clock) = Ctx::for_tests().await;
    let started = registration::start(&ctx, form("+79995550011"), "browser-1", "192.0.2.7")
        .await
        .unwrap();
    let code = newest_code(&ctx, "+79995550011").await;
    registration::check_code(&ctx, &started.id, "browser-1", &code)
        .await
        .unwrap();
    let finish = |password: &'static str, repeated: &'static str| {
        let (ctx, id) = (ctx.clone(), started.id.clone());
        async move { registration::finish(&ctx, &id, "browser-1", password, repeated).await }
    };
    let short = finish("Ab1!", "Ab1!").await;
    assert!(
        matches!(short, Err(RegisterError::Password(PolicyError::TooShort))),
        "{short:?}"
    );
    let classes = finish("alllowercase1", "alllowercase1").await;
    assert!(
        matches!(
            classes,
            Err(RegisterError::Password(PolicyError::MissingClass))
        ),
        "{classes:?}"
    );
    let differ = finish("Good-pass1!", "Good-pass2!").await;
    assert!(
        matches!(differ, Err(RegisterError::PasswordsDiffer)),
        "{differ:?}"
    );
    assert!(
        ctx.sql
            .account_by_login("+79995550011")
            .await
            .unwrap()
            .is_none()
    );
    finish("Good-pass1!", "Good-pass1!").await.unwrap();
    assert!(
        ctx.sql
            .account_by_login("+79995550011")
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn wrong_passwords_in_the_settings_count_toward_the_login_lockout() {
    let (ctx, clock) = Ctx::for_tests().await;
    let new = super::NewAccount {
        email: Some("lev@example.org".into()),
        family_name: "Львов".into(),
        given_name: "Лев".into(),
        ..super::NewAccount::default()
    };
    let right = "Lev-pass1!";
    let lev = super::create(&ctx.sql, new, &Secret::new(right), ctx.now())
        .await
        .unwrap();
    let browser = Browser {
        ip: "192.0.2.8",
        user_agent: None,
        old_cookie: None,
        request_id: None,
        certificate: None,
    };
    let check = |account, password| {
        let (ctx, browser) = (ctx.clone(), browser);
        async move { second_factor::check_password(&ctx, &account, password, &browser).await }
    };
    for _ in 0..ctx.config.lockout_threshold {
        let wrong = check(lev.clone(), "Wrong-pass1!").await;
        assert!(
            matches!(wrong, Err(SettingsError::WrongPassword)),
            "{wrong:?}"
        );
    }
    // Locked as a login would be. A check that read the account before the
    // lock finds it after the password and answers as for a wrong one.
    let stale = check(lev.clone(), right).await;
    assert!(
        matches!(stale, Err(SettingsError::WrongPassword)),
        "{stale:?}"
    );
    let locked = ctx.sql.account(&lev.id).await.unwrap().unwrap();
    let refused = check(locked, right).await;
    let until = ctx.now() + ctx.config.lockout_secs;
    assert!(
        matches!(refused, Err(SettingsError::Locked { until: u }) if u == until),
        "{refused:?}"
    );

    clock.advance(ctx.config.lockout_secs + 1);
    let unlocked = ctx.sql.account(&lev.id).await.unwrap().unwrap();
    check(unlocked, right).await.unwrap();
}
