use crate::harness::TestApp;

#[actix_web::test]
async fn metadata_lists_every_endpoint_and_capability() {
    let app = TestApp::spawn().await;
    let res = reqwest::get(format!("{}/.well-known/openid-configuration", app.url))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let m: serde_json::Value = res.json().await.unwrap();
    assert_eq!(m["issuer"], app.url);
    for (field, path) in [
        ("authorization_endpoint", "/authorize"),
        ("token_endpoint", "/token"),
        ("userinfo_endpoint", "/userinfo"),
        ("jwks_uri", "/jwks"),
        ("end_session_endpoint", "/logout"),
        ("introspection_endpoint", "/introspect"),
        ("revocation_endpoint", "/revoke"),
    ] {
        assert_eq!(m[field], format!("{}{path}", app.url), "{field}");
    }
    assert_eq!(
        m["code_challenge_methods_supported"],
        serde_json::json!(["S256"])
    );
    assert_eq!(m["response_types_supported"], serde_json::json!(["code"]));
    assert!(
        m["claims_supported"]
            .as_array()
            .unwrap()
            .contains(&"account_level".into())
    );
    assert!(
        m["acr_values_supported"]
            .as_array()
            .unwrap()
            .contains(&"urn:vhod:aal1".into())
    );
    assert!(
        m["id_token_signing_alg_values_supported"]
            .as_array()
            .unwrap()
            .contains(&"RS256".into())
    );
    assert_eq!(m["request_parameter_supported"], false);
}

#[actix_web::test]
async fn jwks_publishes_the_signing_key_with_cache_headers() {
    let app = TestApp::spawn().await;
    let res = reqwest::get(format!("{}/jwks", app.url)).await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "public, max-age=300");
    let jwks: serde_json::Value = res.json().await.unwrap();
    let keys = jwks["keys"].as_array().unwrap();
    let algs: Vec<&str> = keys.iter().map(|k| k["alg"].as_str().unwrap()).collect();
    assert_eq!(algs.len(), 3);
    for alg in ["RS256", "ES256", "EdDSA"] {
        assert!(algs.contains(&alg), "{algs:?}");
    }
    let rsa = keys.iter().find(|k| k["alg"] == "RS256").unwrap();
    assert_eq!(rsa["kty"], "RSA");
    assert_eq!(rsa["use"], "sig");
    assert!(rsa["kid"].as_str().unwrap().len() >= 43);
    for key in keys {
        assert!(key.get("d").is_none(), "no private parts");
    }
    let kids: std::collections::HashSet<&str> =
        keys.iter().map(|k| k["kid"].as_str().unwrap()).collect();
    assert_eq!(kids.len(), keys.len(), "distinct kids");
}
