//! Logging out: RP-initiated logout ends both sessions; a back-channel
//! logout from the provider ends the cabinet's; a forged logout token is
//! refused (Back-Channel Logout 1.0 §2.6, §2.8).

use crate::harness::*;

async fn logged_in(agent: &Agent, cabinet: &Cabinet) -> bool {
    agent.get(&format!("{}/health", cabinet.url)).await.status == 200
}

#[actix_web::test]
async fn logout_ends_the_cabinet_session_and_the_provider_session() {
    let provider = Provider::start().await;
    let cabinet = Cabinet::start(&provider).await;
    let agent = Agent::default();
    agent.log_in(&provider, &cabinet, CONFIRMED).await;
    assert!(logged_in(&agent, &cabinet).await);

    let out = agent.post(&format!("{}/logout", cabinet.url), &[]).await;
    assert_eq!(out.status, 303);
    assert!(
        out.url
            .as_str()
            .starts_with(&format!("{}/logout", provider.url)),
        "{}",
        out.url
    );
    assert!(out.url.as_str().contains("id_token_hint="));
    let home = agent.follow(out, &provider.url).await;
    assert!(
        home.url.as_str().starts_with(&cabinet.url),
        "back to the cabinet"
    );
    assert_eq!(home.url.path(), "/");
    assert!(!logged_in(&agent, &cabinet).await);

    // The provider's session is gone too: a new login asks for the password.
    let authorize = agent.start_login(&cabinet).await;
    let page = agent
        .follow(agent.get(authorize.as_str()).await, &provider.url)
        .await;
    assert!(page.url.path().starts_with("/login"), "{}", page.url);
}

#[actix_web::test]
async fn a_back_channel_logout_from_the_provider_ends_the_cabinet_session() {
    let provider = Provider::start().await;
    let cabinet = Cabinet::start(&provider).await;
    let agent = Agent::default();
    let other = Agent::default();
    agent.log_in(&provider, &cabinet, STANDARD).await;
    other.log_in(&provider, &cabinet, CONFIRMED).await;
    assert!(logged_in(&agent, &cabinet).await);

    // Support ends every session of the account; the provider tells the
    // cabinet through its back channel.
    let out = provider.cli(&["users", "logout", STANDARD, "--operator", "Тестова"]);
    assert!(out.contains("ended 1 session"), "{out}");
    eventually(15, "the back-channel logout", || async {
        !logged_in(&agent, &cabinet).await
    })
    .await;
    assert!(
        logged_in(&other, &cabinet).await,
        "another person's session stays"
    );
    let shown = provider.cli(&["clients", "show", &cabinet.app.config.client_id]);
    assert!(shown.contains("backchannel"), "{shown}");
}

#[actix_web::test]
async fn a_forged_logout_token_is_refused_and_ends_nothing() {
    let provider = Provider::start().await;
    let cabinet = Cabinet::start(&provider).await;
    let agent = Agent::default();
    agent.log_in(&provider, &cabinet, STANDARD).await;
    let receiver = format!("{}/backchannel-logout", cabinet.url);
    let forged = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.";
    for token in ["not a token", forged] {
        let response = reqwest::Client::new()
            .post(&receiver)
            .form(&[("logout_token", token)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400);
        assert_eq!(response.headers()["cache-control"], "no-store");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"], "invalid_request");
    }
    assert!(logged_in(&agent, &cabinet).await);
}
