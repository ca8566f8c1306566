//! Which algorithm signs which token: access tokens follow the client's
//! choice, else the server's setting; ID tokens follow the client's
//! `id_token_signed_response_alg`. Every token is checked by an independent
//! verifier (`jsonwebtoken`) against the published JWKS, and every access
//! token must work at userinfo and introspection whatever its algorithm.

use keys::Algorithm;
use serde_json::Value;

use crate::harness::*;
use crate::operations::idp;

const ALGS: [&str; 4] = ["RS256", "PS256", "ES256", "EdDSA"];

fn header(jwt: &str) -> Value {
    use base64::Engine;
    let part = jwt.split('.').next().unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(part)
            .unwrap(),
    )
    .unwrap()
}

async fn jwks(app: &TestApp) -> Value {
    reqwest::get(format!("{}/jwks", app.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Verifies `jwt` with `jsonwebtoken` against the JWKS key its `kid` names,
/// insisting on `alg`; returns the claims.
fn verify_independently(jwt: &str, jwks: &Value, alg: &str, audience: &str) -> Value {
    let header = jsonwebtoken::decode_header(jwt).expect("a JWS header");
    assert_eq!(format!("{:?}", header.alg), alg, "header alg");
    let kid = header.kid.expect("a kid");
    let jwk = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == kid.as_str())
        .unwrap_or_else(|| panic!("kid {kid} is not in the JWKS"));
    assert_eq!(jwk["alg"], alg, "the JWKS key is for {alg}");
    let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(jwk.clone()).unwrap();
    let key = jsonwebtoken::DecodingKey::from_jwk(&jwk).unwrap();
    let mut validation = jsonwebtoken::Validation::new(alg.parse().unwrap());
    validation.set_audience(&[audience]);
    jsonwebtoken::decode::<Value>(jwt, &key, &validation)
        .unwrap_or_else(|e| panic!("{alg} token does not verify independently: {e}"))
        .claims
}

fn secret_of(id: &str) -> String {
    format!("{id}-secret-0123456789")
}

#[actix_web::test]
async fn client_credentials_tokens_follow_the_clients_algorithm() {
    let app = TestApp::spawn().await;
    let jwks = jwks(&app).await;
    for alg in ALGS {
        let id = format!("m2m-{}", alg.to_lowercase());
        let mut client = app.new_client(&id);
        client.access_token_alg = Some(alg.parse().unwrap());
        app.client(client).await;
        let secret = secret_of(&id);
        let res = app
            .back_channel(
                "/token",
                Some((&id, &secret)),
                &[("grant_type", "client_credentials")],
            )
            .await;
        assert_eq!(res.status(), 200);
        let body: Value = res.json().await.unwrap();
        let at = body["access_token"].as_str().unwrap();
        assert_eq!(header(at)["typ"], "at+jwt");
        let claims = verify_independently(at, &jwks, alg, &id);
        assert_eq!(claims["client_id"], id.as_str());
        let introspected: Value = app
            .back_channel("/introspect", Some((&id, &secret)), &[("token", at)])
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(introspected["active"], true, "{alg}: {introspected}");
    }
}

/// A person's tokens for clients of every algorithm: the access token and
/// the ID token are signed as the client registered, verify independently
/// (with `at_hash` by the ID token's algorithm), and the access token works
/// at userinfo and introspection.
#[actix_web::test]
async fn person_tokens_of_every_algorithm_verify_and_work() {
    let app = TestApp::spawn().await;
    let jwks = jwks(&app).await;
    for alg in ALGS {
        let id = format!("portal-{}", alg.to_lowercase());
        let mut client = app.new_client(&id);
        client.access_token_alg = Some(alg.parse().unwrap());
        client.id_token_alg = alg.into();
        client.skip_consent = true;
        app.client(client).await;
        let secret = secret_of(&id);
        let callback = app
            .login(&app.browser(), &app.auth_url_for(&id, &[]), STANDARD)
            .await;
        let code = query(&callback, "code").unwrap();
        let res = app
            .back_channel("/token", Some((&id, &secret)), &form(&exchange(&code)))
            .await;
        assert_eq!(res.status(), 200);
        let body: Value = res.json().await.unwrap();
        let at = body["access_token"].as_str().unwrap();
        let id_token = body["id_token"].as_str().unwrap();

        let at_claims = verify_independently(at, &jwks, alg, &id);
        let id_claims = verify_independently(id_token, &jwks, alg, &id);
        assert_eq!(at_claims["sub"], id_claims["sub"]);
        let jwt_alg: jsonwebtoken::Algorithm = alg.parse().unwrap();
        assert_eq!(
            id_claims["at_hash"],
            conformance_tests::check::at_hash(&jwt_alg, at).as_str()
        );

        let userinfo = app.userinfo(at).await;
        assert_eq!(userinfo.status(), 200, "{alg} access token at userinfo");
        let userinfo: Value = userinfo.json().await.unwrap();
        assert_eq!(userinfo["sub"], id_claims["sub"]);
        let introspected: Value = app
            .back_channel("/introspect", Some((&id, &secret)), &[("token", at)])
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(introspected["active"], true, "{alg}: {introspected}");
    }
}

/// A client that chose nothing gets the server's setting; its ID tokens
/// keep their own algorithm.
#[actix_web::test]
async fn access_tokens_default_to_the_servers_setting() {
    let app = TestApp::builder()
        .config(|c| c.access_token_alg = Algorithm::ES256)
        .spawn()
        .await;
    let body = app.tokens(&app.browser(), STANDARD, &[]).await;
    let at = body["access_token"].as_str().unwrap();
    assert_eq!(header(at)["alg"], "ES256");
    assert_eq!(header(body["id_token"].as_str().unwrap())["alg"], "RS256");
    assert_eq!(app.userinfo(at).await.status(), 200);
    let cc: Value = app
        .token(&[("grant_type", "client_credentials")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(header(cc["access_token"].as_str().unwrap())["alg"], "ES256");
}

/// The setting comes from the environment like every other, and a name
/// that is not a supported algorithm stops the start with a clear error.
#[test]
fn the_servers_access_token_algorithm_is_a_setting() {
    let mut config = idp::config::Config::default();
    let _isolation = Isolation::new(&mut config);
    let check = |value: &str| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_idp"));
        cmd.args(["keys", "list"])
            .env("IDP_DATA_DIR", &config.data_dir)
            .env("IDP_ACCESS_TOKEN_ALG", value);
        for (key, value) in crate::operations::production_env(&config) {
            cmd.env(key, value);
        }
        cmd.output().unwrap()
    };
    let bad = check("HS256");
    assert!(!bad.status.success());
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.to_lowercase().contains("access_token_alg") && stderr.contains("HS256"),
        "{stderr}"
    );
    let std::process::Output { stderr, .. } = check("PS256");
    assert!(
        !String::from_utf8_lossy(&stderr).contains("access_token_alg"),
        "PS256 is accepted: {}",
        String::from_utf8_lossy(&stderr)
    );
}

/// Discovery lists every algorithm a token may be signed with, each backed
/// by a published key of that algorithm.
#[actix_web::test]
async fn discovery_lists_every_signing_algorithm_with_its_key() {
    let app = TestApp::spawn().await;
    let m: Value = reqwest::get(format!("{}/.well-known/openid-configuration", app.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let jwks = jwks(&app).await;
    for field in [
        "id_token_signing_alg_values_supported",
        "access_token_signing_alg_values_supported",
    ] {
        assert_eq!(m[field], serde_json::json!(ALGS), "{field}");
    }
    for alg in ALGS {
        assert!(
            jwks["keys"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k["alg"] == alg),
            "no {alg} key in {jwks}"
        );
    }
}

/// `idp clients add/update --access-token-alg`: stored with the client,
/// shown, changed, cleared back to the server's setting; a bad name is
/// refused with the reason.
#[test]
fn the_admin_sets_a_clients_access_token_algorithm() {
    let mut config = idp::config::Config::default();
    let _isolation = Isolation::new(&mut config);
    if production() {
        assert!(idp(&config, &["migrate"]).status.success());
    }
    let ok = |args: &[&str]| -> String {
        let out = idp(&config, args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let shown = |id: &str| -> Value {
        serde_json::from_str(&ok(&["clients", "show", id, "--json"])).unwrap()
    };
    let add = |id: &str, extra: &[&str]| {
        let mut args = vec![
            "clients",
            "add",
            "--id",
            id,
            "--name",
            "Портал",
            "--redirect-uri",
            "https://portal.example/cb",
        ];
        args.extend(extra);
        idp(&config, &args)
    };
    assert!(
        add("fast", &["--access-token-alg", "ES256"])
            .status
            .success()
    );
    assert_eq!(shown("fast")["access_token_alg"], "ES256");
    assert!(add("plain", &[]).status.success());
    assert_eq!(shown("plain")["access_token_alg"], Value::Null);

    ok(&["clients", "update", "fast", "--access-token-alg", "PS256"]);
    assert_eq!(shown("fast")["access_token_alg"], "PS256");
    ok(&["clients", "update", "fast", "--access-token-alg", "default"]);
    assert_eq!(shown("fast")["access_token_alg"], Value::Null);

    for out in [
        add("bad", &["--access-token-alg", "HS256"]),
        idp(
            &config,
            &["clients", "update", "plain", "--access-token-alg", "none"],
        ),
    ] {
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("access-token"), "{stderr}");
    }
    assert!(
        !idp(&config, &["clients", "show", "bad", "--json"])
            .status
            .success()
    );
}
