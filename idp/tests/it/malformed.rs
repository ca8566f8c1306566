//! Bad input never produces a 500: oversized, duplicated, non-UTF-8 and
//! wrongly typed parameters get OAuth errors or explanatory pages.

use crate::harness::*;

async fn post_raw(app: &TestApp, path: &str, body: Vec<u8>, basic: bool) -> reqwest::Response {
    let mut req = reqwest::Client::new()
        .post(format!("{}{path}", app.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body);
    if basic {
        req = req.basic_auth(DEMO_CLIENT, Some(DEMO_SECRET));
    }
    req.send().await.unwrap()
}

async fn oauth_error(res: reqwest::Response) -> String {
    assert_eq!(res.status(), 400);
    let body: serde_json::Value = res.json().await.unwrap();
    // RFC 6749 §5.2: printable ASCII without `"` and `\`, even when the
    // description echoes what the client sent.
    let description = body["error_description"].as_str().unwrap_or_default();
    assert!(
        description
            .bytes()
            .all(|b| (0x20..=0x7e).contains(&b) && b != b'"' && b != b'\\'),
        "{description:?}"
    );
    body["error"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn token_endpoint_rejects_malformed_bodies_with_oauth_errors() {
    let app = TestApp::spawn().await;
    let cases: Vec<Vec<u8>> = vec![
        b"grant_type=authorization_code&grant_type=refresh_token".to_vec(),
        b"grant_type=%FF%FE".to_vec(),
        [
            b"grant_type=refresh_token&refresh_token=".as_slice(),
            "x".repeat(9000).as_bytes(),
        ]
        .concat(),
        (0..100)
            .map(|i| format!("p{i}=v&"))
            .collect::<String>()
            .into_bytes(),
        b"grant_type=authorization_code&code=%".to_vec(),
        "grant_type=пароль\"\\".as_bytes().to_vec(),
        vec![0xff, 0x00, 0x13, 0x37],
    ];
    for body in cases {
        let shown = String::from_utf8_lossy(&body[..body.len().min(60)]).into_owned();
        let error = oauth_error(post_raw(&app, "/token", body, true).await).await;
        assert!(
            ["invalid_request", "invalid_grant", "unsupported_grant_type"]
                .contains(&error.as_str()),
            "{shown}: {error}"
        );
    }
    // Larger than the body limit.
    let res = post_raw(&app, "/token", vec![b'a'; 200 * 1024], true).await;
    assert_eq!(oauth_error(res).await, "invalid_request");
    // Not a form at all.
    let res = reqwest::Client::new()
        .post(format!("{}/token", app.url))
        .basic_auth(DEMO_CLIENT, Some(DEMO_SECRET))
        .json(&serde_json::json!({"grant_type": "client_credentials"}))
        .send()
        .await
        .unwrap();
    assert_eq!(oauth_error(res).await, "invalid_request");
    // A broken Basic header.
    let res = reqwest::Client::new()
        .post(format!("{}/token", app.url))
        .header("authorization", "Basic !!!")
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}

#[actix_web::test]
async fn authorize_with_malformed_parameters_shows_errors_not_500s() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let good = app.auth_url(&[]);
    let urls = [
        format!("{good}&client_id=medcabinet"),
        format!("{good}&state=again"),
        format!("{good}&nonce=%FF"),
        format!("{good}&max_age=-5"),
        format!("{good}&prompt=none%20login"),
        format!("{good}&claims=%5B1%2C2%5D"),
        format!("{good}&login_hint={}", "a".repeat(9000)),
        format!("{}/authorize?%FF=%FE", app.url),
        format!("{}/authorize", app.url),
    ];
    for url in urls {
        let res = browser.get(&url).await;
        let status = res.status().as_u16();
        assert!(
            status == 400 || status == 303,
            "{status} for {}",
            &url[..url.len().min(120)]
        );
        if status == 303 {
            let location = Browser::location(&res);
            assert!(query(&location, "error").is_some(), "{location}");
        }
    }
}

#[actix_web::test]
async fn every_endpoint_survives_garbage() {
    let app = TestApp::spawn().await;
    let garbage: [&[u8]; 4] = [b"%%%", b"&&&===", b"a=b=c&=&", &[0xc3, 0x28, b'=', 0xa0]];
    for path in [
        "/token",
        "/introspect",
        "/revoke",
        "/userinfo",
        "/authorize",
        "/login",
        "/consent",
        "/logout",
        "/account/consents",
    ] {
        for body in garbage {
            let res = post_raw(&app, path, body.to_vec(), false).await;
            assert!(res.status().as_u16() < 500, "{path}: {}", res.status());
        }
        let res = reqwest::get(format!("{}{path}?%C3%28=%A0&x", app.url))
            .await
            .unwrap();
        assert!(res.status().as_u16() < 500, "GET {path}: {}", res.status());
    }
}

/// Hostile values in every parameter of every endpoint, by GET and POST,
/// with and without client credentials: never a 5xx. On PostgreSQL a NUL
/// byte that reached a query used to become a 503.
#[actix_web::test]
async fn hostile_values_in_every_parameter_never_give_a_5xx() {
    let app = TestApp::spawn().await;
    let long = "x".repeat(70 * 1024);
    let values: [&str; 6] = ["%00", "a%00b", "%01%1F%7F", "%C3%28", "[1,2]", &long];
    let names = [
        "client_id",
        "client_secret",
        "grant_type",
        "code",
        "refresh_token",
        "token",
        "redirect_uri",
        "scope",
        "login",
        "password",
        "flow",
        "id_token_hint",
        "claims",
        "state",
    ];
    let paths = [
        "/token",
        "/introspect",
        "/revoke",
        "/userinfo",
        "/authorize",
        "/login",
        "/consent",
        "/logout",
        "/account/consents",
        "/authorize/continue",
    ];
    let client = reqwest::Client::new();
    let mut requests = 0;
    for path in paths {
        for name in names {
            for value in values {
                let body = format!("grant_type=client_credentials&{name}={value}&{name}=again");
                let single = format!("client_id={DEMO_CLIENT}&{name}={value}");
                for (query, basic) in [(&single, false), (&body, true)] {
                    let mut post = client
                        .post(format!("{}{path}", app.url))
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body(query.clone());
                    if basic {
                        post = post.basic_auth("medcabinet\u{0}", Some("x\u{0}"));
                    }
                    let status = post.send().await.unwrap().status();
                    assert!(status.as_u16() < 500, "POST {path} {name}: {status}");
                    if value.len() < 100 {
                        let url = format!("{}{path}?{query}", app.url);
                        let status = client.get(url).send().await.unwrap().status();
                        assert!(status.as_u16() < 500, "GET {path} {name}: {status}");
                    }
                    requests += 2;
                }
            }
        }
    }
    assert!(requests > 1000);
    // The refusal names the field.
    let res = post_raw(
        &app,
        "/token",
        b"grant_type=authorization_code&code=a%00b".to_vec(),
        true,
    )
    .await;
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("`code`"),
        "{body}"
    );
}

/// The new forms of strong authentication (the code step, recovery, the
/// security settings) with a NUL byte or a 70 KB value in each field: a
/// page naming the problem, never a 5xx, and nothing changes.
#[actix_web::test]
async fn hostile_values_in_the_login_code_recovery_and_security_forms() {
    let app = TestApp::spawn().await;
    let browser = app.logged_in(STANDARD).await;
    let page = browser.follow(browser.get("/account/security").await).await;
    let csrf = page.csrf();
    let long = "x".repeat(70 * 1024);
    let forms: [(&str, &[&str]); 4] = [
        ("/login/code", &["code", "flow"]),
        ("/recover", &["login", "flow"]),
        ("/recover/password", &["code", "password", "password2"]),
        (
            "/account/security",
            &["action", "password", "code", "new_password"],
        ),
    ];
    for (path, fields) in forms {
        for field in fields.iter() {
            for value in ["a\0b", long.as_str()] {
                let res = browser
                    .post(path, &[("csrf", csrf.as_str()), (field, value)])
                    .await;
                let status = res.status();
                assert!(
                    !status.is_server_error(),
                    "{path} {field} ({} bytes): {status}",
                    value.len()
                );
                if status == 400 {
                    let body = res.text().await.unwrap();
                    // A NUL is named by field; 70 KB is over the body limit,
                    // refused before any field is read.
                    let told = match value.len() {
                        3 => body.contains(field),
                        _ => body.contains("слишком длинное значение"),
                    };
                    assert!(told, "{path} {field}: {body}");
                }
            }
        }
    }
    // Nothing changed: the password still works, no second factor appeared.
    let account = app
        .state
        .sql
        .account_by_login(STANDARD)
        .await
        .unwrap()
        .unwrap();
    assert!(
        app.state
            .sql
            .second_factor(&account.id)
            .await
            .unwrap()
            .is_none()
    );
    let callback = app
        .login(&app.browser(), &app.auth_url(&[]), STANDARD)
        .await;
    assert!(query(&callback, "code").is_some());
}
