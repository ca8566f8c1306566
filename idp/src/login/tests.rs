//! Use cases of logging in, run on `Ctx::for_tests()`: no server, no files.

use std::sync::OnceLock;

use super::*;
use crate::accounts::{self, NewAccount};
use crate::ctx::Ctx;

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
