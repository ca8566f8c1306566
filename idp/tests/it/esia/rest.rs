//! `/rs/prns/{oid}` and its collections, guarded by the ESIA access token.

use serde_json::Value;

use super::{Ac, Portal, Tool, code_for, esia_app, te, te_form};
use crate::harness::{CONFIRMED, STANDARD, TestApp};

const ALL: &str = "openid fullname birthdate gender snils inn id_doc contacts";

/// An ESIA access token of `login` for `scope`, and the person's oid.
async fn token(app: &TestApp, portal: &Portal, scope: &str, login: &str) -> (String, i64) {
    let ac = Ac::new(app, true, scope);
    let code = code_for(app, portal, &ac, Tool::Cms, login).await;
    let res = te(app, true, &te_form(app, portal, true, &code, scope)).await;
    let body: Value = res.json().await.unwrap();
    let oid = super::oid_of(app, login).await;
    (body["access_token"].as_str().unwrap().to_owned(), oid)
}

async fn get(app: &TestApp, path: &str, token: &str) -> (u16, Value) {
    let res = reqwest::Client::new()
        .get(format!("{}{path}", app.url))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[actix_web::test]
async fn a_portal_reads_the_person_and_the_collections() {
    let app = esia_app().await;
    let portal = Portal::new("portal-esia");
    portal.register(&app, ALL).await;
    let (token, oid) = token(&app, &portal, ALL, CONFIRMED).await;
    let account = app.account(CONFIRMED).await;

    let (status, person) = get(&app, &format!("/rs/prns/{oid}"), &token).await;
    assert_eq!(status, 200, "{person}");
    assert_eq!(person["firstName"], account.given_name.as_str());
    assert_eq!(person["lastName"], account.family_name.as_str());
    let birth = account.birthdate.clone().unwrap();
    let (y, rest) = birth.split_once('-').unwrap();
    let (m, d) = rest.split_once('-').unwrap();
    assert_eq!(person["birthDate"], format!("{d}.{m}.{y}"));
    assert_eq!(person["snils"], account.snils.clone().unwrap().as_str());
    assert_eq!(person["trusted"], true);
    assert!(
        person["gender"] == "M" || person["gender"] == "F",
        "{person}"
    );

    // Collections: URLs, or the elements themselves with embed.
    let (status, ctts) = get(&app, &format!("/rs/prns/{oid}/ctts"), &token).await;
    assert_eq!(status, 200);
    let url = ctts["elements"][0].as_str().unwrap().to_owned();
    assert!(url.ends_with(&format!("/rs/prns/{oid}/ctts/1")), "{url}");
    let path = url.split_once(&app.url).unwrap().1;
    let (_, eml) = get(&app, path, &token).await;
    assert_eq!(eml["type"], "EML");
    assert_eq!(eml["value"], account.email.clone().unwrap().as_str());
    let (_, ctts) = get(
        &app,
        &format!("/rs/prns/{oid}/ctts?embed=(elements)"),
        &token,
    )
    .await;
    let types: Vec<&str> = ctts["elements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["EML", "MBT"]);
    assert!(ctts["elements"][1]["vrfStu"].is_string());
    let (status, docs) = get(
        &app,
        &format!("/rs/prns/{oid}/docs?embed=(elements)"),
        &token,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(docs["elements"][0]["type"], "RF_PASSPORT", "{docs}");
    assert_eq!(docs["elements"][0]["series"].as_str().unwrap().len(), 4);
    let (status, _) = get(
        &app,
        &format!("/rs/prns/{oid}/addrs?embed=(elements)"),
        &token,
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = get(&app, &format!("/rs/prns/{oid}/ctts/9"), &token).await;
    assert_eq!(status, 404);
}

#[actix_web::test]
async fn another_person_a_missing_scope_or_an_expired_token_is_refused() {
    let app = esia_app().await;
    let portal = Portal::new("portal-esia");
    portal.register(&app, ALL).await;
    let (token, oid) = token(&app, &portal, "openid fullname", CONFIRMED).await;
    let standard = app.account(STANDARD).await;
    let other = app
        .state
        .sql
        .account_oid(&standard.id)
        .await
        .unwrap()
        .unwrap();

    let (status, body) = get(&app, &format!("/rs/prns/{other}"), &token).await;
    assert_eq!(status, 403);
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .starts_with("ESIA-007022")
    );
    // fullname does not open the documents or the contacts.
    for part in ["docs", "ctts", "roles"] {
        let (status, _) = get(&app, &format!("/rs/prns/{oid}/{part}"), &token).await;
        assert_eq!(status, 403, "{part}");
    }
    // Only what the scopes cover is shown.
    let (_, person) = get(&app, &format!("/rs/prns/{oid}"), &token).await;
    assert!(
        person.get("snils").is_none() && person["firstName"].is_string(),
        "{person}"
    );
    // A made-up or an OpenID Connect token.
    let (status, _) = get(&app, &format!("/rs/prns/{oid}"), "not-a-token").await;
    assert_eq!(status, 401);
    let res = reqwest::get(format!("{}/rs/prns/{oid}", app.url))
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    // Expired.
    app.clock
        .advance(app.state.config.access_token_ttl_secs + 1);
    let (status, body) = get(&app, &format!("/rs/prns/{oid}"), &token).await;
    assert_eq!(status, 401);
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .starts_with("ESIA-007021")
    );
}

#[actix_web::test]
async fn roles_list_the_persons_organizations() {
    let app = esia_app().await;
    let portal = Portal::new("portal-esia");
    portal.register(&app, "openid fullname usr_org").await;
    let ac = Ac::new(&app, true, "openid usr_org");
    let browser = app.browser();
    let callback = crate::acting::through(
        &browser,
        &ac.url(&app, &portal, Tool::Cms),
        idp::demo::TWO_ORGS,
        Some("person"),
    )
    .await;
    let code = crate::harness::query(&callback, "code").unwrap();
    let res = te(
        &app,
        true,
        &te_form(&app, &portal, true, &code, "openid usr_org"),
    )
    .await;
    let body: Value = res.json().await.unwrap();
    let token = body["access_token"].as_str().unwrap();
    let oid = super::oid_of(&app, idp::demo::TWO_ORGS).await;
    let (status, roles) = get(&app, &format!("/rs/prns/{oid}/roles"), token).await;
    assert_eq!(status, 200, "{roles}");
    assert_eq!(roles["size"], 2, "{roles}");
    let first = &roles["elements"][0];
    assert!(first["ogrn"].is_string() && first["fullName"].is_string());
    assert!(first["type"] == "LEGAL" || first["type"] == "BUSINESS");
    assert!(first["chief"].is_boolean() && first["admin"].is_boolean());
    // The INN, which a portal shows beside the OGRN.
    let inns: Vec<&str> = roles["elements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["inn"].as_str().unwrap_or_default())
        .collect();
    assert!(inns.contains(&"7701000019"), "{roles}");
}

/// ESIA's portals read a standard account from its passport: `VERIFIED`
/// once the registries checked it, as for a confirmed account.
#[actix_web::test]
async fn a_checked_passport_is_verified_from_the_standard_level() {
    let app = esia_app().await;
    let portal = Portal::new("portal-esia");
    portal.register(&app, ALL).await;
    for login in [STANDARD, CONFIRMED] {
        let (token, oid) = token(&app, &portal, "openid fullname id_doc", login).await;
        let path = format!("/rs/prns/{oid}/docs?embed=(elements)");
        let (status, docs) = get(&app, &path, &token).await;
        assert_eq!(status, 200, "{docs}");
        assert_eq!(docs["elements"][0]["vrfStu"], "VERIFIED", "{login}: {docs}");
        let (_, person) = get(&app, &format!("/rs/prns/{oid}"), &token).await;
        assert_eq!(person["trusted"], login == CONFIRMED, "{login}");
    }
}
