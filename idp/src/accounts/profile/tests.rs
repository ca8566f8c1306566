//! The profile check as a use case, run on `Ctx::for_tests()`: submitted
//! data waits for the registries' job, which makes it the checked data and
//! moves the level as `accounts::levels` decides.

use super::*;
use crate::accounts::{self, NewAccount};
use crate::model::AccountLevel;

fn field(field: ProfileField, family_name: &str) -> &str {
    match field {
        ProfileField::LastName => family_name,
        ProfileField::FirstName => "Мария",
        ProfileField::MiddleName => "Петровна",
        ProfileField::Gender => "female",
        ProfileField::Birthdate => "1990-01-02",
        ProfileField::Birthplace => "г. Москва",
        ProfileField::Snils => "112-233-445 95",
        ProfileField::PassportSeries => "4510",
        ProfileField::PassportNumber => "123456",
        ProfileField::PassportIssued => "2010-02-03",
        ProfileField::PassportIssuer => "ОВД Тверского района г. Москвы",
        ProfileField::PassportIssuerCode => "770-001",
        ProfileField::Inn => "",
    }
}

/// Submits the profile with `family_name` and runs the check it queued.
async fn check(ctx: &Ctx, account_id: &str, family_name: &str) -> Verification {
    let form = |f| field(f, family_name);
    let today = today(ctx.now());
    let submitted = submit(ctx, account_id, &form, today).await.unwrap();
    let jobs = ctx.sql.jobs_of_kind(VERIFY).await.unwrap();
    let job = jobs
        .iter()
        .find(|j| j.payload.contains(&submitted.id))
        .expect("the check is queued");
    run_check(ctx, &job.payload).await.unwrap();
    ctx.sql.verification(&submitted.id).await.unwrap().unwrap()
}

async fn level(ctx: &Ctx, account_id: &str) -> AccountLevel {
    ctx.sql.account(account_id).await.unwrap().unwrap().level
}

#[tokio::test]
async fn a_passing_check_raises_a_simplified_account_and_a_name_change_demotes_a_confirmed_one() {
    let (ctx, _clock) = Ctx::for_tests().await;
    let new = NewAccount {
        email: Some("maria@example.ru".into()),
        family_name: "Иванова".into(),
        given_name: "Мария".into(),
        ..NewAccount::default()
    };
    let account = accounts::create_hashed(&ctx.sql, new, "unused".into(), ctx.now())
        .await
        .unwrap();
    assert_eq!(account.level, AccountLevel::Simplified);

    let done = check(&ctx, &account.id, "Иванова").await;
    assert_eq!(done.status, VerificationStatus::Passed);
    assert_eq!(level(&ctx, &account.id).await, AccountLevel::Standard);
    let checked = ctx.sql.account(&account.id).await.unwrap().unwrap();
    assert_eq!(checked.snils.as_deref(), Some("112-233-445 95"));

    // Confirmed for this identity (as a service centre would).
    assert!(ctx.sql.confirm_identity(&checked, ctx.now()).await.unwrap());
    assert_eq!(level(&ctx, &account.id).await, AccountLevel::Confirmed);

    // The same person's data checked again keeps it...
    check(&ctx, &account.id, "Иванова").await;
    assert_eq!(level(&ctx, &account.id).await, AccountLevel::Confirmed);
    // ...a new name does not: confirmed belonged to the old one.
    let renamed = check(&ctx, &account.id, "Петрова").await;
    assert_eq!(renamed.status, VerificationStatus::Passed);
    let after = ctx.sql.account(&account.id).await.unwrap().unwrap();
    assert_eq!(after.family_name, "Петрова");
    assert_eq!(after.level, AccountLevel::Standard);
}
