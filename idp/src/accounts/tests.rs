//! Use cases of accounts, run on `Ctx::for_tests()`: no server, no files.

use super::registration::{self, RegisterError, Start, Step};
use crate::ctx::Ctx;
use crate::delivery::{self, Message};
use crate::model::AccountLevel;

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
