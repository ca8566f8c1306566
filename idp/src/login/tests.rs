//! Use cases of logging in, run on `Ctx::for_tests()`: no server, no files.

use std::sync::OnceLock;

use super::second_factor::{self, CodeError};
use super::*;
use crate::accounts::{self, NewAccount};
use crate::credentials::{guard, recovery_codes, totp};
use crate::ctx::Ctx;
use crate::delivery::{self, Message};
use crate::model::{Account, SecondFactorRecord};

const PASSWORD: &str = "Unit-pass1!";

/// The Argon2id hash of [`PASSWORD`], made once per test process.
fn password_hash() -> String {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| crate::credentials::password::hash(&Secret::new(PASSWORD)).unwrap())
        .clone()
}

fn browser() -> Browser<'static> {
    Browser {
        ip: "192.0.2.1",
        user_agent: Some("unit test"),
        old_cookie: None,
        request_id: None,
        certificate: None,
    }
}

async fn account(ctx: &Ctx, email: &str) -> crate::model::Account {
    let new = NewAccount {
        email: Some(email.into()),
        family_name: "Иванова".into(),
        given_name: "Анна".into(),
        ..NewAccount::default()
    };
    accounts::create_hashed(&ctx.sql, new, password_hash(), ctx.now())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_password_login_starts_a_session_and_a_wrong_password_does_not() {
    let (ctx, _clock) = Ctx::for_tests().await;
    let anna = account(&ctx, "anna@example.org").await;

    let wrong = password_login(
        &ctx,
        "anna@example.org",
        "Wrong-pass1!",
        Aal::Aal1,
        &browser(),
    )
    .await;
    assert!(
        matches!(wrong, Err(LoginError::WrongCredentials)),
        "{wrong:?}"
    );

    // Any case of the e-mail logs in.
    let outcome = password_login(&ctx, "Anna@Example.org", PASSWORD, Aal::Aal1, &browser())
        .await
        .unwrap();
    let Outcome::Started { cookie, sid } = outcome else {
        panic!("no session: {outcome:?}");
    };
    let session = crate::sessions::find(&ctx, Some(cookie.expose()))
        .await
        .unwrap()
        .expect("the session is live");
    assert_eq!(session.auth.account_id, anna.id);
    assert_eq!(session.auth.sid, sid);
    assert_eq!(session.auth.aal, Aal::Aal1);

    let journal: Vec<String> = ctx
        .sql
        .audit_events(10)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event)
        .collect();
    assert_eq!(journal, [events::LOGIN_SUCCEEDED, events::LOGIN_FAILED]);
}

#[tokio::test]
async fn wrong_passwords_lock_the_password_path_until_the_lock_ends() {
    let (ctx, clock) = Ctx::for_tests().await;
    account(&ctx, "boris@example.org").await;
    for _ in 0..ctx.config.lockout_threshold {
        let wrong = password_login(
            &ctx,
            "boris@example.org",
            "Wrong-pass1!",
            Aal::Aal1,
            &browser(),
        )
        .await;
        assert!(matches!(wrong, Err(LoginError::WrongCredentials)));
    }
    // Locked: the right password gets the same answer.
    let locked = password_login(&ctx, "boris@example.org", PASSWORD, Aal::Aal1, &browser()).await;
    assert!(
        matches!(locked, Err(LoginError::WrongCredentials)),
        "{locked:?}"
    );

    clock.advance(ctx.config.lockout_secs + 1);
    let outcome = password_login(&ctx, "boris@example.org", PASSWORD, Aal::Aal1, &browser())
        .await
        .unwrap();
    assert!(matches!(outcome, Outcome::Started { .. }), "{outcome:?}");
}

/// The journal's newest `n` event names, newest first.
async fn journal(ctx: &Ctx, n: i64) -> Vec<String> {
    let entries = ctx.sql.audit_events(n).await.unwrap();
    entries.into_iter().map(|e| e.event).collect()
}

/// Turns on an authenticator app for `account`: its secret and the
/// recovery codes.
async fn enable_totp(ctx: &Ctx, account: &Account) -> (Vec<u8>, Vec<String>) {
    let secret = totp::new_secret();
    let record = SecondFactorRecord {
        account_id: account.id.clone(),
        method: SecondFactor::Totp,
        sealed_secret: Some(totp::seal(&ctx.master, &account.id, &secret)),
        last_step: None,
        enabled_at: ctx.now(),
    };
    let recovery = recovery_codes::new_recovery_codes();
    let digests = recovery
        .iter()
        .map(|c| recovery_codes::recovery_digest(&account.id, c))
        .collect();
    ctx.sql
        .enable_second_factor(&record, digests)
        .await
        .unwrap();
    (secret, recovery)
}

/// A six-digit code that is not `right`.
fn other_than(right: &str) -> &'static str {
    if right == "000000" {
        "111111"
    } else {
        "000000"
    }
}

/// The login of `login` with the right password, waiting for its code.
async fn waiting_for_code(ctx: &Ctx, login: &str) -> Secret {
    let outcome = password_login(ctx, login, PASSWORD, Aal::Aal1, &browser())
        .await
        .unwrap();
    match outcome {
        Outcome::SecondFactor { pending, method } => {
            assert_eq!(method, SecondFactor::Totp);
            pending
        }
        other => panic!("no code step: {other:?}"),
    }
}

#[tokio::test]
async fn the_second_factor_follows_the_password_and_each_code_is_good_once() {
    let (ctx, _clock) = Ctx::for_tests().await;
    let anna = account(&ctx, "anna@example.org").await;
    let (secret, recovery) = enable_totp(&ctx, &anna).await;

    // Even for a portal content with a password, the person's own second
    // factor is asked; nothing is a session yet.
    let pending = waiting_for_code(&ctx, "anna@example.org").await;
    assert!(
        sessions::find(&ctx, Some(pending.expose()))
            .await
            .unwrap()
            .is_none()
    );
    let code = totp::code_at(&secret, ctx.now());
    let wrong = second_factor::submit(&ctx, pending.expose(), other_than(&code), &browser()).await;
    assert!(
        matches!(wrong, Err(CodeError::Wrong { tries_left: None })),
        "{wrong:?}"
    );
    let outcome = second_factor::submit(&ctx, pending.expose(), &code, &browser())
        .await
        .unwrap();
    let Outcome::Started { cookie, .. } = outcome else {
        panic!("no session: {outcome:?}");
    };
    let session = sessions::find(&ctx, Some(cookie.expose()))
        .await
        .unwrap()
        .expect("the session is live");
    assert_eq!(
        (session.auth.aal, session.auth.amr),
        (Aal::Aal2, vec!["pwd".into(), "otp".into()])
    );
    // The waiting login is finished: its cookie serves no second time.
    let again = second_factor::submit(&ctx, pending.expose(), &code, &browser()).await;
    assert!(matches!(again, Err(CodeError::NoLogin)), "{again:?}");

    // The same code in another login is a replay, and wrong.
    let pending = waiting_for_code(&ctx, "anna@example.org").await;
    let replay = second_factor::submit(&ctx, pending.expose(), &code, &browser()).await;
    assert!(matches!(replay, Err(CodeError::Wrong { .. })), "{replay:?}");
    // A recovery code stands in for the code, typed loosely, once.
    let loose = recovery[0].to_uppercase().replace('-', " ");
    let outcome = second_factor::submit(&ctx, pending.expose(), &loose, &browser())
        .await
        .unwrap();
    assert!(matches!(outcome, Outcome::Started { .. }), "{outcome:?}");
    assert_eq!(ctx.sql.recovery_codes_left(&anna.id).await.unwrap(), 9);
    let pending = waiting_for_code(&ctx, "anna@example.org").await;
    let spent = second_factor::submit(&ctx, pending.expose(), &recovery[0], &browser()).await;
    assert!(matches!(spent, Err(CodeError::Wrong { .. })), "{spent:?}");
}

#[tokio::test]
async fn wrong_codes_close_the_code_step_of_every_login_of_the_account() {
    let (ctx, _clock) = Ctx::for_tests().await;
    let boris = account(&ctx, "boris@example.org").await;
    let (secret, _) = enable_totp(&ctx, &boris).await;
    let threshold = ctx.config.lockout_threshold;
    let pending = waiting_for_code(&ctx, "boris@example.org").await;
    let wrong = other_than(&totp::code_at(&secret, ctx.now()));
    for _ in 1..threshold {
        let outcome = second_factor::submit(&ctx, pending.expose(), wrong, &browser()).await;
        assert!(
            matches!(outcome, Err(CodeError::Wrong { .. })),
            "{outcome:?}"
        );
    }
    let last = second_factor::submit(&ctx, pending.expose(), wrong, &browser()).await;
    assert!(matches!(last, Err(CodeError::Blocked)), "{last:?}");
    assert_eq!(journal(&ctx, 1).await, [events::SECOND_FACTOR_BLOCKED]);

    // Closed for every login of the account, the right code too.
    let pending = waiting_for_code(&ctx, "boris@example.org").await;
    let right = totp::code_at(&secret, ctx.now());
    let closed = second_factor::submit(&ctx, pending.expose(), &right, &browser()).await;
    assert!(matches!(closed, Err(CodeError::Blocked)), "{closed:?}");
}

#[tokio::test]
async fn a_lock_tells_the_owner_whose_link_lifts_it_and_keeps_the_answer_of_a_wrong_password() {
    let (ctx, _clock) = Ctx::for_tests().await;
    let vera = account(&ctx, "vera@example.org").await;
    for _ in 0..ctx.config.lockout_threshold {
        let wrong = password_login(
            &ctx,
            "vera@example.org",
            "Wrong-pass1!",
            Aal::Aal1,
            &browser(),
        )
        .await;
        assert!(matches!(wrong, Err(LoginError::WrongCredentials)));
    }
    let stored = ctx.sql.account(&vera.id).await.unwrap().unwrap();
    assert_eq!(
        credentials::lockout::locked_until(&stored, ctx.now()),
        Some(ctx.now() + ctx.config.lockout_secs)
    );
    // The journal knows the right password met the lock; the answer does not.
    let locked = password_login(&ctx, "vera@example.org", PASSWORD, Aal::Aal1, &browser()).await;
    assert!(
        matches!(locked, Err(LoginError::WrongCredentials)),
        "{locked:?}"
    );
    let entry = &ctx.sql.audit_events(1).await.unwrap()[0];
    assert_eq!(entry.event, events::LOGIN_FAILED);
    assert_eq!(entry.detail["reason"], "locked");
    assert_eq!(entry.detail["password_right"], true);

    // One notice, with a link that lifts the lock once.
    let jobs = ctx.sql.jobs_of_kind(delivery::DELIVER).await.unwrap();
    let notices: Vec<Message> = jobs
        .iter()
        .map(|j| serde_json::from_str::<Message>(&j.payload).unwrap())
        .filter(|m| m.to == "vera@example.org")
        .collect();
    assert_eq!(notices.len(), 1, "{notices:?}");
    let link = notices[0]
        .link
        .clone()
        .expect("the notice carries the link");
    let token = link.split_once("token=").expect("a token in the link").1;
    assert!(guard::unlock_by_link(&ctx, token).await.unwrap());
    assert!(
        !guard::unlock_by_link(&ctx, token).await.unwrap(),
        "single use"
    );
    let outcome = password_login(&ctx, "vera@example.org", PASSWORD, Aal::Aal1, &browser())
        .await
        .unwrap();
    assert!(matches!(outcome, Outcome::Started { .. }), "{outcome:?}");
}

#[tokio::test]
async fn an_admins_lock_refuses_the_right_password_until_lifted() {
    let (ctx, _clock) = Ctx::for_tests().await;
    let gleb = account(&ctx, "gleb@example.org").await;
    guard::lock_by_admin(&ctx.sql, &ctx.audit, &gleb.id, "operator", ctx.now())
        .await
        .unwrap();
    let refused = password_login(&ctx, "gleb@example.org", PASSWORD, Aal::Aal1, &browser()).await;
    assert!(
        matches!(refused, Err(LoginError::WrongCredentials)),
        "{refused:?}"
    );
    let entry = &ctx.sql.audit_events(1).await.unwrap()[0];
    assert_eq!(entry.detail["reason"], "admin_locked");
    // No way in: a factor proven otherwise is refused as well.
    let stored = ctx.sql.account(&gleb.id).await.unwrap().unwrap();
    let proven = proven(
        &ctx,
        &stored,
        vec![Factor::Certificate],
        Aal::Aal1,
        &browser(),
    )
    .await;
    assert!(matches!(proven, Err(LoginError::AdminLocked)), "{proven:?}");
    // The owner's unlock lifts only a guessing lock.
    assert!(
        !guard::unlock_by_owner(&ctx, &gleb.id, "owner")
            .await
            .unwrap()
    );
    guard::lift(&ctx.sql, &ctx.audit, &gleb.id, "admin", ctx.now())
        .await
        .unwrap();
    let outcome = password_login(&ctx, "gleb@example.org", PASSWORD, Aal::Aal1, &browser())
        .await
        .unwrap();
    assert!(matches!(outcome, Outcome::Started { .. }), "{outcome:?}");
}

#[tokio::test]
async fn one_address_failing_too_often_is_throttled_and_others_are_not() {
    let (ctx, _clock) = Ctx::for_tests().await;
    account(&ctx, "dina@example.org").await;
    let guesser = Browser {
        ip: "198.51.100.7",
        ..browser()
    };
    for n in 0..ctx.config.ip_failure_limit {
        let login = format!("nobody{n}@example.org");
        let wrong = password_login(&ctx, &login, PASSWORD, Aal::Aal1, &guesser).await;
        assert!(
            matches!(wrong, Err(LoginError::WrongCredentials)),
            "{wrong:?}"
        );
    }
    let throttled = password_login(&ctx, "dina@example.org", PASSWORD, Aal::Aal1, &guesser).await;
    assert!(
        matches!(throttled, Err(LoginError::Throttled)),
        "{throttled:?}"
    );
    let outcome = password_login(&ctx, "dina@example.org", PASSWORD, Aal::Aal1, &browser())
        .await
        .unwrap();
    assert!(matches!(outcome, Outcome::Started { .. }), "{outcome:?}");
}
