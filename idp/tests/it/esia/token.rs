//! `/aas/oauth2/te` and `/v3/te`: ESIA-shaped tokens that verify with the
//! key `idp esia export-key` prints; single-use codes; logout.

use serde_json::Value;

use super::{Ac, Portal, Tool, code_for, esia_app, te, te_form, timestamp};
use crate::harness::{CONFIRMED, REDIRECT, STANDARD, TestApp, error_of};
use crate::operations::idp;

/// The PEM `idp esia export-key` prints for the app's stores.
fn exported_key(app: &TestApp) -> String {
    let out = idp(&app.state.config, &["esia", "export-key"]);
    assert!(out.status.success(), "{out:?}");
    let pem = String::from_utf8(out.stdout).unwrap();
    assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----"), "{pem}");
    pem
}

/// Checks `jwt`'s RS256 signature with `openssl dgst -verify` and the PEM,
/// then its issuer, audience and times; returns its claims.
fn verify(pem: &str, jwt: &str, aud: Option<&str>) -> Value {
    use base64::Engine;
    let dir = tempfile::tempdir().unwrap();
    let (signed, signature) = jwt.rsplit_once('.').unwrap();
    let header = crate::harness::claims(&format!("{}.{}", "x", signed.split('.').next().unwrap()));
    assert_eq!(header["alg"], "RS256");
    std::fs::write(dir.path().join("key.pem"), pem).unwrap();
    std::fs::write(dir.path().join("data"), signed).unwrap();
    let signature = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(signature)
        .unwrap();
    std::fs::write(dir.path().join("sig"), signature).unwrap();
    let out = std::process::Command::new("openssl")
        .args([
            "dgst",
            "-sha256",
            "-verify",
            "key.pem",
            "-signature",
            "sig",
            "data",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the signature does not verify: {out:?}"
    );
    let claims = crate::harness::claims(jwt);
    assert_eq!(claims["iss"], "http://esia.gosuslugi.ru/");
    if let Some(aud) = aud {
        assert_eq!(claims["aud"], aud);
    }
    let now = chrono::Utc::now().timestamp();
    assert!(claims["exp"].as_i64().unwrap() > now - 60, "{claims}");
    claims
}

#[actix_web::test]
async fn v1_and_v3_clients_get_esia_tokens_that_verify_with_the_exported_key() {
    let app = esia_app().await;
    let pem = exported_key(&app);
    let portal = Portal::new("portal-esia");
    portal.register(&app, "openid fullname snils").await;
    let confirmed = app.account(CONFIRMED).await;
    let oid = app
        .state
        .sql
        .account_oid(&confirmed.id)
        .await
        .unwrap()
        .unwrap();
    for v3 in [false, true] {
        let mut ac = Ac::new(&app, v3, "openid fullname");
        ac.access_type = "offline";
        let tool = if v3 { Tool::Cms } else { Tool::Smime };
        let code = code_for(&app, &portal, &ac, tool, CONFIRMED).await;
        let form = te_form(&app, &portal, v3, &code, "openid fullname");
        let res = te(&app, v3, &form).await;
        assert_eq!(res.status(), 200);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["state"], form[4].1.as_str(), "{body}");
        assert_eq!(body["token_type"], "Bearer");
        assert!(body["refresh_token"].is_string(), "offline: {body}");

        let id = verify(&pem, body["id_token"].as_str().unwrap(), Some(&portal.id));
        assert_eq!(id["sub"], oid);
        assert_eq!(id["amr"], "PWD");
        assert_eq!(id["urn:esia:amd"], "PWD");
        let sbj = &id["urn:esia:sbj"];
        assert_eq!(sbj["urn:esia:sbj:typ"], "P");
        assert_eq!(sbj["urn:esia:sbj:oid"], oid);
        assert_eq!(sbj["urn:esia:sbj:nam"], format!("OID.{oid}"));
        assert_eq!(sbj["urn:esia:sbj:is_tru"], true);
        for claim in ["auth_time", "nbf", "iat", "exp"] {
            assert!(id[claim].is_i64(), "{claim}: {id}");
        }

        let access = verify(&pem, body["access_token"].as_str().unwrap(), None);
        assert_eq!(access["urn:esia:sbj_id"], oid);
        assert_eq!(
            access["scope"],
            format!("openid?oid={oid} fullname?oid={oid}")
        );
        assert!(access["urn:esia:sid"].is_string());
        assert_eq!(access["client_id"], portal.id.as_str());
    }
}

#[actix_web::test]
async fn a_standard_account_is_not_trusted_and_online_gets_no_refresh_token() {
    let app = esia_app().await;
    let portal = Portal::new("portal-esia");
    portal.register(&app, "openid").await;
    let ac = Ac::new(&app, true, "openid");
    let code = code_for(&app, &portal, &ac, Tool::Cms, STANDARD).await;
    let res = te(&app, true, &te_form(&app, &portal, true, &code, "openid")).await;
    let body: Value = res.json().await.unwrap();
    assert!(body.get("refresh_token").is_none(), "{body}");
    let id = crate::harness::claims(body["id_token"].as_str().unwrap());
    assert!(
        id["urn:esia:sbj"].get("urn:esia:sbj:is_tru").is_none(),
        "{id}"
    );
}

#[actix_web::test]
async fn token_requests_are_refused_with_esia_codes() {
    let app = esia_app().await;
    let portal = Portal::new("portal-esia");
    portal.register(&app, "openid").await;
    let other = Portal::new("other-esia");
    other.register(&app, "openid").await;
    let ac = Ac::new(&app, true, "openid");
    let code = code_for(&app, &portal, &ac, Tool::Cms, STANDARD).await;

    // v3 signs the code: a signature over another code does not do.
    let mut form = te_form(&app, &portal, true, "another-code", "openid");
    form[1].1 = code.clone();
    let (status, error, description) = error_of(te(&app, true, &form).await).await;
    assert_eq!((status, error.as_str()), (401, "invalid_client"));
    assert!(description.starts_with("ESIA-007053"), "{description}");

    // Signed by another registered client's key, in this client's name.
    let mut form = te_form(&app, &other, true, &code, "openid");
    form[0].1 = portal.id.clone();
    form[9].1 = portal.hash();
    let (_, _, description) = error_of(te(&app, true, &form).await).await;
    assert!(description.starts_with("ESIA-007053"), "{description}");

    // Another client's hash names a certificate that is not this client's.
    let mut form = te_form(&app, &portal, true, &code, "openid");
    form[9].1 = other.hash();
    let (_, _, description) = error_of(te(&app, true, &form).await).await;
    assert!(description.starts_with("ESIA-007053"), "{description}");

    // A stale timestamp.
    let mut form = te_form(&app, &portal, false, &code, "openid");
    form[7].1 = timestamp(&app, 1000);
    let (_, _, description) = error_of(te(&app, false, &form).await).await;
    assert!(description.starts_with("ESIA-007055"), "{description}");

    // The code of another client.
    let (_, error, description) =
        error_of(te(&app, true, &te_form(&app, &other, true, &code, "openid")).await).await;
    assert_eq!(error, "invalid_grant");
    assert!(description.starts_with("ESIA-007012"), "{description}");

    // First use works; the replay is refused and revokes what the first got.
    let res = te(&app, true, &te_form(&app, &portal, true, &code, "openid")).await;
    assert_eq!(res.status(), 200);
    let first: Value = res.json().await.unwrap();
    let (status, error, description) =
        error_of(te(&app, true, &te_form(&app, &portal, true, &code, "openid")).await).await;
    assert_eq!((status, error.as_str()), (400, "invalid_grant"));
    assert!(description.starts_with("ESIA-007012"), "{description}");
    let oid = super::oid_of(&app, STANDARD).await;
    let res = reqwest::Client::new()
        .get(format!("{}/rs/prns/{oid}", app.url))
        .bearer_auth(first["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401, "the replay revoked the first tokens");

    // ESIA codes are not for /token, nor ESIA clients.
    let ac = Ac::new(&app, true, "openid");
    let code = code_for(&app, &portal, &ac, Tool::Cms, STANDARD).await;
    let res = app
        .back_channel(
            "/token",
            None,
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("client_id", &portal.id),
                ("redirect_uri", REDIRECT),
            ],
        )
        .await;
    assert_eq!(error_of(res).await.1, "invalid_client");
}

#[actix_web::test]
async fn clients_are_registered_by_the_cli_and_logout_returns_to_the_portal() {
    let app = esia_app().await;
    let portal = Portal::new("cli-esia");
    let cert = portal.path("cert.pem");
    let out = idp(
        &app.state.config,
        &[
            "clients",
            "add",
            "--id",
            "cli-esia",
            "--name",
            "Портал",
            "--redirect-uri",
            REDIRECT,
            "--protocol",
            "esia",
            "--certificate",
            cert.to_str().unwrap(),
            "--scopes",
            "openid fullname",
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let shown = idp(
        &app.state.config,
        &["clients", "show", "cli-esia", "--json"],
    );
    let shown: Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(shown["protocol"], "esia");
    assert_eq!(shown["client_certificate_hash"], portal.hash());
    assert_eq!(shown["scopes"], "openid profile");
    // Without a certificate an ESIA client is refused.
    let out = idp(
        &app.state.config,
        &[
            "clients",
            "add",
            "--id",
            "x",
            "--name",
            "X",
            "--redirect-uri",
            REDIRECT,
            "--protocol",
            "esia",
        ],
    );
    assert!(!out.status.success());

    let browser = app.browser();
    let ac = Ac::new(&app, true, "openid fullname");
    let callback = app
        .login(&browser, &ac.url(&app, &portal, Tool::Cms), STANDARD)
        .await;
    let code = crate::harness::query(&callback, "code").unwrap();
    let res = te(
        &app,
        true,
        &te_form(&app, &portal, true, &code, "openid fullname"),
    )
    .await;
    assert_eq!(res.status(), 200);

    // Another site naming the portal: back to the portal, the session
    // stays (the portal's URL is not registered for the stranger).
    let res = browser
        .get("/idp/ext/Logout?client_id=cli-esia&redirect_url=https://evil.example/")
        .await;
    assert_eq!(res.status(), 400);
    let res = browser
        .get(&format!(
            "/idp/ext/Logout?client_id=cli-esia&redirect_url={REDIRECT}"
        ))
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], REDIRECT);
    // Logged out: a new request asks for the login again.
    let ac = Ac::new(&app, true, "openid fullname");
    let page = browser
        .follow(browser.get(&ac.url(&app, &portal, Tool::Cms)).await)
        .await;
    assert_eq!(page.url.path(), "/login", "{page:?}");
}

#[actix_web::test]
async fn an_offline_grant_is_refreshed_at_te_with_rotation() {
    let app = esia_app().await;
    let portal = Portal::new("portal-esia");
    portal.register(&app, "openid fullname").await;
    let mut ac = Ac::new(&app, true, "openid fullname");
    ac.access_type = "offline";
    let code = code_for(&app, &portal, &ac, Tool::Cms, STANDARD).await;
    let res = te(
        &app,
        true,
        &te_form(&app, &portal, true, &code, "openid fullname"),
    )
    .await;
    let body: Value = res.json().await.unwrap();
    let first = body["refresh_token"].as_str().unwrap().to_owned();
    let mut refreshed = first.clone();
    for v3 in [true, false] {
        // A refresh request: signed like a code's (v3 without the code).
        let mut form = te_form(&app, &portal, false, "", "openid fullname");
        if v3 {
            form = te_form(&app, &portal, true, "", "openid fullname");
        }
        form[1] = ("refresh_token", refreshed.clone());
        form[2].1 = "refresh_token".into();
        let res = te(&app, v3, &form).await;
        assert_eq!(res.status(), 200);
        let body: Value = res.json().await.unwrap();
        let access = crate::harness::claims(body["access_token"].as_str().unwrap());
        assert!(
            access["scope"].as_str().unwrap().contains("fullname?oid="),
            "{access}"
        );
        let next = body["refresh_token"].as_str().unwrap().to_owned();
        assert_ne!(next, refreshed);
        refreshed = next;
    }
    // The first refresh token, used again past the grace window: the
    // whole grant goes.
    app.clock.advance(app.state.config.refresh_grace_secs + 1);
    let mut form = te_form(&app, &portal, false, "", "openid fullname");
    form[1] = ("refresh_token", first);
    form[2].1 = "refresh_token".into();
    let (status, error, description) = error_of(te(&app, false, &form).await).await;
    assert_eq!((status, error.as_str()), (400, "invalid_grant"));
    assert!(description.starts_with("ESIA-007012"), "{description}");
    let mut form = te_form(&app, &portal, false, "", "openid fullname");
    form[1] = ("refresh_token", refreshed);
    form[2].1 = "refresh_token".into();
    assert_eq!(
        error_of(te(&app, false, &form).await).await.1,
        "invalid_grant"
    );
}
