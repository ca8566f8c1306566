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
    assert_eq!(algs.len(), 4);
    for alg in ["RS256", "PS256", "ES256", "EdDSA"] {
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

/// GET `path` with `If-None-Match: if_none_match` (when given).
async fn revalidate(app: &TestApp, path: &str, if_none_match: Option<&str>) -> reqwest::Response {
    let mut req = reqwest::Client::new().get(format!("{}{path}", app.url));
    if let Some(tag) = if_none_match {
        req = req.header("if-none-match", tag);
    }
    req.send().await.unwrap()
}

#[actix_web::test]
async fn discovery_and_jwks_carry_an_etag_and_revalidate_with_a_304() {
    let app = TestApp::spawn().await;
    for (path, cache) in [
        ("/.well-known/openid-configuration", "public, max-age=3600"),
        ("/jwks", "public, max-age=300"),
    ] {
        let first = revalidate(&app, path, None).await;
        assert_eq!(first.status(), 200, "{path}");
        assert_eq!(first.headers()["content-type"], "application/json");
        let etag = first.headers()["etag"].to_str().unwrap().to_owned();
        assert!(
            etag.starts_with('"') && etag.ends_with('"') && etag.len() == 34,
            "{etag}"
        );
        let body = first.text().await.unwrap();
        serde_json::from_str::<serde_json::Value>(&body).unwrap();
        // The same bytes and tag again.
        let again = revalidate(&app, path, None).await;
        assert_eq!(again.headers()["etag"], etag.as_str());
        assert_eq!(again.text().await.unwrap(), body);
        // The client holds it: 304, no body, the tag and the cache rule.
        let weak = format!("W/{etag}");
        let listed = format!("\"other\", {etag}");
        for held in [etag.as_str(), &weak, &listed, "*"] {
            let res = revalidate(&app, path, Some(held)).await;
            assert_eq!(res.status(), 304, "{path} with {held}");
            assert_eq!(res.headers()["etag"], etag.as_str());
            assert_eq!(res.headers()["cache-control"], cache);
            assert!(res.bytes().await.unwrap().is_empty());
        }
        // An old or garbled tag gets the document.
        for stale in ["\"0123\"", "", "W/", ",,", "W/\"\""] {
            let res = revalidate(&app, path, Some(stale)).await;
            assert_eq!(res.status(), 200, "{path} with {stale:?}");
            assert_eq!(res.text().await.unwrap(), body);
        }
    }
}

#[actix_web::test]
async fn a_new_signing_key_changes_the_published_jwks_and_its_etag() {
    let app = TestApp::spawn().await;
    let first = revalidate(&app, "/jwks", None).await;
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let before: serde_json::Value = first.json().await.unwrap();
    let policy = idp::keyring::lifecycle::Policy::from_config(&app.state.config);
    idp::keyring::lifecycle::rotate(
        &app.state.sql,
        &app.state.master,
        &policy,
        keys::Algorithm::ES256,
        false,
        app.state.now(),
    )
    .await
    .unwrap();
    idp::janitor::follow_keys(&app.state).await.unwrap();
    let res = revalidate(&app, "/jwks", Some(&etag)).await;
    assert_eq!(res.status(), 200, "the old tag no longer matches");
    assert_ne!(res.headers()["etag"], etag.as_str());
    let after: serde_json::Value = res.json().await.unwrap();
    let count = |jwks: &serde_json::Value| jwks["keys"].as_array().unwrap().len();
    assert_eq!(
        count(&after),
        count(&before) + 1,
        "the next key is published"
    );
}

/// The section of a Markdown document under `heading`, up to the next `## `.
fn section<'a>(doc: &'a str, heading: &str) -> &'a str {
    let start = doc
        .find(heading)
        .unwrap_or_else(|| panic!("docs/claims.md has no `{heading}`"))
        + heading.len();
    let rest = &doc[start..];
    rest.find("\n## ").map_or(rest, |end| &rest[..end])
}

/// The first two cells of a table row that are both `code`.
fn code_pair(line: &str) -> Option<(String, String)> {
    let cells: Vec<&str> = line.split('|').map(str::trim).collect();
    let code = |cell: &str| {
        cell.strip_prefix('`')
            .and_then(|c| c.strip_suffix('`'))
            .map(str::to_owned)
    };
    Some((code(cells.get(1)?)?, code(cells.get(2)?)?))
}

#[actix_web::test]
async fn claims_supported_and_the_claims_doc_follow_the_registry() {
    use std::collections::BTreeSet;

    use idp::oidc::claims::{CLAIMS, PROTOCOL_CLAIMS};

    let app = TestApp::spawn().await;
    let m: serde_json::Value =
        reqwest::get(format!("{}/.well-known/openid-configuration", app.url))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    let advertised: BTreeSet<&str> = m["claims_supported"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    let defined: BTreeSet<&str> = PROTOCOL_CLAIMS
        .into_iter()
        .chain(CLAIMS.iter().map(|c| c.name))
        .collect();
    assert_eq!(advertised, defined, "claims_supported is the registry");

    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/claims.md"))
        .expect("docs/claims.md");
    let documented: BTreeSet<(String, String)> =
        section(&doc, "## Personal claims and their release")
            .lines()
            .filter_map(code_pair)
            .collect();
    let registered: BTreeSet<(String, String)> = CLAIMS
        .iter()
        .map(|c| (c.name.to_owned(), c.scope.to_owned()))
        .collect();
    assert_eq!(
        documented, registered,
        "the table of personal claims in docs/claims.md names each claim with its scope"
    );
    let id_token = section(&doc, "## ID token");
    for claim in PROTOCOL_CLAIMS {
        assert!(
            id_token.contains(&format!("`{claim}`")),
            "docs/claims.md's ID token table does not describe `{claim}`"
        );
    }
}
