//! Acting for an organization: the login flow asks whom the person acts
//! for when a portal wants `organizations`; tokens carry `org`, userinfo
//! `orgs`, both read from the membership rows when they are made, so a
//! role change or a removal shows in the next token.

use idp::demo::{DOCTOR, MANAGER, NURSE, ORGANIZATIONS, TWO_ORGS};
use idp::model::{Role, Roles};
use idp::orgs::{Actor, Orgs};
use serde_json::{Value, json};
use url::Url;

use crate::harness::*;

pub const ORGS_SCOPE: (&str, &str) = ("scope", "openid organizations");

/// The id of a demo organization (0: the clinic, 1: the laboratory).
pub async fn org_id(app: &TestApp, n: usize) -> String {
    app.state
        .sql
        .organization_by_ogrn(ORGANIZATIONS[n].ogrn)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// Through the flow of `url` in `browser`: a login as `login` if asked,
/// then the choice `actor` (`person` or an organization's id), which must
/// be asked exactly when `actor` is given, then consent. The callback.
pub async fn through(browser: &Browser, url: &str, login: &str, actor: Option<&str>) -> Url {
    let mut page = browser.follow(browser.get(url).await).await;
    if page.url.path() == "/login" {
        page = page.login(browser, login).await;
    }
    match actor {
        Some(actor) => {
            assert_eq!(page.url.path(), "/login/actor", "{}", page.body);
            let (csrf, flow) = (page.csrf(), page.hidden("flow"));
            let form = [("csrf", &*csrf), ("flow", &flow), ("actor", actor)];
            page = browser.submit("/login/actor", &form).await;
        }
        None => assert_ne!(page.url.path(), "/login/actor", "not asked whom to act for"),
    }
    if page.url.path() == "/consent" {
        page = page.consent(browser, "allow").await;
    }
    assert!(
        page.url.as_str().starts_with(REDIRECT),
        "expected the callback, got {} ({}): {}",
        page.url,
        page.status,
        page.body
    );
    page.url
}

/// The token response for the code of `callback`.
pub async fn redeem(app: &TestApp, callback: &Url) -> Value {
    let code = query(callback, "code").expect("a code");
    let res = app.token(&form(&exchange(&code))).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

async fn userinfo_of(app: &TestApp, tokens: &Value) -> Value {
    let res = app.userinfo(tokens["access_token"].as_str().unwrap()).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

fn id_claims(tokens: &Value) -> Value {
    claims(tokens["id_token"].as_str().unwrap())
}

fn at_claims(tokens: &Value) -> Value {
    claims(tokens["access_token"].as_str().unwrap())
}

/// The `org` claim a demo organization gives with `roles`.
async fn org_claim(app: &TestApp, n: usize, roles: &[&str]) -> Value {
    let demo = &ORGANIZATIONS[n];
    json!({
        "id": org_id(app, n).await,
        "ogrn": demo.ogrn,
        "inn": demo.inn,
        "name": demo.short_name,
        "roles": roles,
    })
}

#[actix_web::test]
async fn the_person_chooses_whom_to_act_for_and_may_choose_again_without_a_password() {
    let app = TestApp::spawn().await;
    let (clinic, lab) = (org_id(&app, 0).await, org_id(&app, 1).await);
    let browser = app.browser();
    let url = app.auth_url(&[ORGS_SCOPE]);

    // The page offers a private person and both organizations.
    let page = browser.follow(browser.get(&url).await).await;
    let chooser = page.login(&browser, TWO_ORGS).await;
    assert_eq!(chooser.url.path(), "/login/actor");
    assert!(
        chooser.body.contains("Как частное лицо"),
        "{}",
        chooser.body
    );
    for n in 0..2 {
        assert!(
            chooser
                .body
                .contains(&format!("value=\"{}\"", org_id(&app, n).await))
        );
    }
    let (csrf, flow) = (chooser.csrf(), chooser.hidden("flow"));
    let consent = browser
        .submit(
            "/login/actor",
            &[("csrf", &csrf), ("flow", &flow), ("actor", &clinic)],
        )
        .await;
    assert!(
        consent.body.contains("От имени организации")
            && consent
                .body
                .contains("Организация, от имени которой вы входите"),
        "the consent page says for whom and asks for the scope: {}",
        consent.body
    );
    let callback = consent.consent(&browser, "allow").await.url;
    let tokens = redeem(&app, &callback).await;
    let as_clinic = org_claim(&app, 0, &["specialist"]).await;
    assert_eq!(id_claims(&tokens)["org"], as_clinic);
    assert_eq!(at_claims(&tokens)["org"], as_clinic, "the access token too");
    let info = userinfo_of(&app, &tokens).await;
    assert_eq!(info["org"], as_clinic);
    assert_eq!(
        info["orgs"],
        json!([as_clinic, org_claim(&app, 1, &["admin"]).await]),
        "every membership, each with its own roles"
    );

    // prompt=select_account asks again, without a password.
    let again = app.auth_url(&[ORGS_SCOPE, ("prompt", "select_account")]);
    let tokens = redeem(&app, &through(&browser, &again, TWO_ORGS, Some(&lab)).await).await;
    assert_eq!(
        id_claims(&tokens)["org"],
        org_claim(&app, 1, &["admin"]).await
    );

    // The choice lives in the session: the next portal is not asked.
    let next = through(&browser, &url, TWO_ORGS, None).await;
    assert_eq!(
        id_claims(&redeem(&app, &next).await)["org"]["id"],
        json!(lab)
    );

    // As a private person: no `org`, but `orgs` still from userinfo.
    let tokens = redeem(
        &app,
        &through(&browser, &again, TWO_ORGS, Some("person")).await,
    )
    .await;
    assert!(id_claims(&tokens).get("org").is_none());
    assert!(at_claims(&tokens).get("org").is_none());
    let info = userinfo_of(&app, &tokens).await;
    assert!(info.get("org").is_none(), "{info}");
    assert_eq!(info["orgs"].as_array().unwrap().len(), 2);

    // A portal that does not ask for organizations asks nothing.
    let plain = through(&browser, &app.auth_url(&[]), TWO_ORGS, None).await;
    assert!(id_claims(&redeem(&app, &plain).await).get("org").is_none());

    let chosen = app
        .state
        .sql
        .audit_tail(None, Some("login.actor_chosen".into()), 10)
        .await
        .unwrap();
    assert_eq!(chosen.len(), 3, "each choice is journaled");
}

#[actix_web::test]
async fn a_session_that_never_chose_cannot_answer_prompt_none() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    through(&browser, &app.auth_url(&[]), TWO_ORGS, None).await;
    let url = app.auth_url(&[ORGS_SCOPE, ("prompt", "none")]);
    let callback = Browser::location(&browser.get(&url).await);
    assert_eq!(
        query(&callback, "error").as_deref(),
        Some("account_selection_required")
    );
}

#[actix_web::test]
async fn every_demo_account_gets_its_organization_and_roles() {
    let app = TestApp::spawn().await;
    let clinic = org_id(&app, 0).await;
    let url = app.auth_url(&[ORGS_SCOPE]);
    let therapist = json!({"specialty": "therapist", "position": "врач-терапевт участковый"});
    for (login, roles, worker) in [
        (CONFIRMED, vec!["admin"], None),
        (MANAGER, vec!["manager"], None),
        (DOCTOR, vec!["specialist"], Some(therapist)),
        (NURSE, vec!["specialist"], None),
        (TWO_ORGS, vec!["specialist"], None),
    ] {
        let browser = app.browser();
        let tokens = redeem(&app, &through(&browser, &url, login, Some(&clinic)).await).await;
        let mut expected = org_claim(&app, 0, &roles).await;
        if let Some(worker) = worker {
            expected["medical_worker"] = worker;
        }
        assert_eq!(id_claims(&tokens)["org"], expected, "{login}");
        let orgs = userinfo_of(&app, &tokens).await["orgs"].clone();
        assert_eq!(orgs[0], expected, "{login}");
        let count = if login == TWO_ORGS { 2 } else { 1 };
        assert_eq!(orgs.as_array().unwrap().len(), count, "{login}");
    }
    // Someone who works nowhere is not asked and gets no `org`.
    let tokens = redeem(&app, &through(&app.browser(), &url, STANDARD, None).await).await;
    assert!(id_claims(&tokens).get("org").is_none());
    assert_eq!(userinfo_of(&app, &tokens).await["orgs"], json!([]));
}

/// The ID token of `twoorgs@demo.vhod` acting for the clinic, whose name is
/// the longest of the demo's, with a profile asked for in userinfo: at most
/// this many bytes (docs/claims.md, "Size").
const ID_TOKEN_BUDGET: usize = 1400;

#[actix_web::test]
async fn the_id_token_of_twoorgs_stays_within_its_size_budget() {
    let app = TestApp::spawn().await;
    let clinic = org_id(&app, 0).await;
    let url = app.auth_url(&[("scope", "openid profile email phone organizations")]);
    let tokens = redeem(
        &app,
        &through(&app.browser(), &url, TWO_ORGS, Some(&clinic)).await,
    )
    .await;
    let id_token = tokens["id_token"].as_str().unwrap();
    assert_eq!(id_claims(&tokens)["org"]["id"], json!(clinic));
    assert!(
        id_claims(&tokens).get("orgs").is_none(),
        "the list is for userinfo only"
    );
    println!("ID token of {TWO_ORGS}: {} bytes", id_token.len());
    assert!(
        id_token.len() <= ID_TOKEN_BUDGET,
        "{} bytes, over the budget of {ID_TOKEN_BUDGET}",
        id_token.len()
    );
}

#[actix_web::test]
async fn a_role_change_and_a_removal_show_in_the_next_tokens() {
    let app = TestApp::spawn().await;
    let (clinic, lab) = (org_id(&app, 0).await, org_id(&app, 1).await);
    let browser = app.browser();
    let url = app.auth_url(&[("scope", "openid organizations offline_access")]);

    // An organization the doctor does not work for is not theirs to act
    // for: the question comes back.
    let page = browser.follow(browser.get(&url).await).await;
    let chooser = page.login(&browser, DOCTOR).await;
    let (csrf, flow) = (chooser.csrf(), chooser.hidden("flow"));
    let forged = [("csrf", &*csrf), ("flow", &flow), ("actor", &lab)];
    let again = browser.submit("/login/actor", &forged).await;
    assert_eq!(again.url.path(), "/login/actor");
    let tokens = redeem(&app, &through(&browser, &url, DOCTOR, Some(&clinic)).await).await;
    let refresh = |tokens: &Value| tokens["refresh_token"].as_str().unwrap().to_owned();

    let admin = app.account(CONFIRMED).await;
    let doctor = app.account(DOCTOR).await;
    let orgs = Orgs::node(&app.state);
    let roles: Roles = [Role::Manager, Role::Specialist].into();
    orgs.set_roles(Actor::Member(&admin), &clinic, &doctor.id, roles, None)
        .await
        .unwrap();
    let res = app
        .token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh(&tokens)),
        ])
        .await;
    assert_eq!(res.status(), 200);
    let renewed: Value = res.json().await.unwrap();
    let expected = org_claim(&app, 0, &["manager", "specialist"]).await;
    assert_eq!(id_claims(&renewed)["org"], expected, "the new roles");
    assert_eq!(at_claims(&renewed)["org"], expected);

    Orgs::node(&app.state)
        .remove(Actor::Member(&admin), &clinic, &doctor.id)
        .await
        .unwrap();
    // Userinfo answers from the memberships as they are now.
    let info = userinfo_of(&app, &renewed).await;
    assert!(info.get("org").is_none(), "{info}");
    assert_eq!(info["orgs"], json!([]));
    // The login was for the clinic: it cannot be renewed any more.
    let res = app
        .token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh(&renewed)),
        ])
        .await;
    let (status, error, _) = error_of(res).await;
    assert_eq!((status, error.as_str()), (400, "invalid_grant"));
    let access = renewed["access_token"].as_str().unwrap();
    assert_eq!(
        app.introspect(access).await["active"],
        false,
        "the grant ended"
    );

    // The next login is not asked and acts as a private person.
    let tokens = redeem(&app, &through(&browser, &url, DOCTOR, None).await).await;
    assert!(id_claims(&tokens).get("org").is_none());
}

#[actix_web::test]
async fn a_step_up_keeps_whom_the_person_acts_for() {
    use idp::credentials::totp;

    let app = TestApp::spawn().await;
    let clinic = org_id(&app, 0).await;
    let browser = app.logged_in(NURSE).await;
    // A one-factor session from before the factor.
    let (secret, _) = crate::second_factor::enabled_behind_the_sessions(&app, NURSE).await;
    let url = app.auth_url(&[ORGS_SCOPE]);
    let tokens = redeem(&app, &through(&browser, &url, NURSE, Some(&clinic)).await).await;
    assert_eq!(id_claims(&tokens)["acr"], "urn:vhod:aal1");
    app.clock.advance(30);
    let stronger = app.auth_url(&[ORGS_SCOPE, ("acr_values", "urn:vhod:aal2")]);
    let page = browser.follow(browser.get(&stronger).await).await;
    assert_eq!(page.url.path(), "/login/code", "{}", page.body);
    let code = totp::code_at(&secret, app.state.now());
    let done = crate::second_factor::enter(&browser, &page, &code).await;
    assert!(
        done.url.as_str().starts_with(REDIRECT),
        "not asked again: {}",
        done.body
    );
    let tokens = redeem(&app, &done.url).await;
    assert_eq!(id_claims(&tokens)["acr"], "urn:vhod:aal2");
    assert_eq!(id_claims(&tokens)["org"]["id"], json!(clinic));
}
