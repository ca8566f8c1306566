//! An access token about to expire is refreshed (and the refresh token
//! rotates); a refresh the provider refuses ends the cabinet's session.

use crate::harness::*;

#[actix_web::test]
async fn tokens_are_refreshed_before_they_expire_and_a_refused_refresh_ends_the_session() {
    let provider = Provider::start().await;
    let cabinet = Cabinet::start(&provider).await;
    let agent = Agent::default();
    agent.log_in(&provider, &cabinet, STANDARD).await;
    let first = agent.session(&cabinet).await.expect("logged in").tokens;
    let first_refresh = first
        .refresh
        .clone()
        .expect("offline_access gives a refresh token");

    // Access tokens live 600 s; the cabinet's clock moves 9½ minutes.
    cabinet.clock.advance(570);
    let second = agent
        .session(&cabinet)
        .await
        .expect("still logged in")
        .tokens;
    assert_ne!(
        second.access.secret(),
        first.access.secret(),
        "a new access token"
    );
    let second_refresh = second.refresh.clone().unwrap();
    assert_ne!(second_refresh.secret(), first_refresh.secret(), "rotated");
    assert!(second.expires_at > first.expires_at);
    assert_eq!(
        second.id_token, first.id_token,
        "the login's ID token stays the logout hint"
    );

    // The grant is revoked at the provider (RFC 7009): the next refresh is
    // refused, and the session ends.
    let revoked = reqwest::Client::new()
        .post(format!("{}/revoke", provider.url))
        .basic_auth(
            &cabinet.app.config.client_id,
            Some(cabinet.app.config.client_secret.expose()),
        )
        .form(&[
            ("token", second_refresh.secret().as_str()),
            ("token_type_hint", "refresh_token"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 200);
    cabinet.clock.advance(570);
    assert!(agent.session(&cabinet).await.is_none(), "the session ended");
    let page = agent.get(&format!("{}/health", cabinet.url)).await;
    assert_eq!(page.status, 303, "asked to log in again");
}
