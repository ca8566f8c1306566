//! Behind a load balancer: the client's address and scheme come from the
//! proxy's headers only when the connection is from a `trusted_proxies`
//! network, and then the rightmost untrusted hop is the client. Every limit
//! per address, the journal and «Сеансы входа» count that client.

use idp::audit::events;
use idp::config::TrustedProxies;

use crate::harness::*;

/// Posts a wrong password for `login` from a browser that sends `headers`.
async fn wrong_from(app: &TestApp, headers: &[(&'static str, &str)], login: &str) -> Page {
    let browser = Browser::with_headers(&app.url, headers);
    let page = browser.follow(browser.get(&app.auth_url(&[])).await).await;
    assert_eq!(page.url.path(), "/login", "{}", page.body);
    let (csrf, flow) = (page.csrf(), page.hidden("flow"));
    browser
        .submit(
            "/login",
            &[
                ("csrf", &csrf),
                ("flow", &flow),
                ("login", login),
                ("password", "Wrong-pass1"),
            ],
        )
        .await
}

/// The IPs of the newest `login.failed` entries, newest first.
async fn failed_ips(app: &TestApp) -> Vec<String> {
    app.state
        .sql
        .audit_tail(None, Some(events::LOGIN_FAILED.into()), 100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| {
            let detail: serde_json::Value = serde_json::from_str(&e.detail).unwrap();
            detail["ip"].as_str().unwrap_or_default().to_owned()
        })
        .collect()
}

fn trusting_loopback() -> TrustedProxies {
    TrustedProxies::parse("127.0.0.1/32,::1/128").unwrap()
}

#[actix_web::test]
async fn a_forged_x_forwarded_for_from_an_untrusted_peer_is_ignored() {
    // The default: nobody is trusted, so the test client is the client.
    let app = TestApp::builder()
        .config(|c| c.ip_failure_limit = 3)
        .spawn()
        .await;
    for (n, forged) in ["198.51.100.1", "198.51.100.2", "198.51.100.3"]
        .iter()
        .enumerate()
    {
        let headers = [
            ("x-forwarded-for", *forged),
            ("forwarded", "for=203.0.113.77;proto=https"),
        ];
        let page = wrong_from(&app, &headers, &format!("nobody{n}@demo.vhod")).await;
        assert_eq!(page.status, 400, "{}", page.body);
    }
    assert_eq!(failed_ips(&app).await, ["127.0.0.1"; 3]);
    // The limit counted the real peer: another forged address is refused.
    let page = wrong_from(&app, &[("x-forwarded-for", "198.51.100.4")], SIMPLE).await;
    assert_eq!(page.status, 429, "{}", page.body);
    // And `X-Forwarded-Proto: https` did not make the cookies Secure.
    let browser = Browser::with_headers(&app.url, &[("x-forwarded-proto", "https")]);
    let res = browser.get(&app.auth_url(&[])).await;
    let cookies: Vec<_> = res.headers().get_all("set-cookie").iter().collect();
    assert!(!cookies.is_empty());
    for cookie in cookies {
        assert!(!cookie.to_str().unwrap().contains("Secure"), "{cookie:?}");
    }
}

#[actix_web::test]
async fn from_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client() {
    let app = TestApp::builder()
        .config(|c| c.trusted_proxies = trusting_loopback())
        .spawn()
        .await;
    // The client forged the first hop; the proxy appended the real one;
    // a second trusted proxy (10.0.0.0/8 is not trusted here) is a client.
    let headers = [("x-forwarded-for", "6.6.6.6, 198.51.100.7")];
    wrong_from(&app, &headers, SIMPLE).await;
    let headers = [(
        "forwarded",
        "for=6.6.6.6, for=\"[2001:db8::9]:4711\";proto=https",
    )];
    wrong_from(&app, &headers, SIMPLE).await;
    assert_eq!(failed_ips(&app).await, ["2001:db8::9", "198.51.100.7"]);

    // A login through the proxy: the session shows the forwarded address,
    // and its cookies are Secure because the client used https.
    let browser = Browser::with_headers(
        &app.url,
        &[
            ("x-forwarded-for", "198.51.100.8"),
            ("x-forwarded-proto", "https"),
        ],
    );
    let res = browser.get(&app.auth_url(&[])).await;
    let cookies: Vec<String> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|c| c.to_str().unwrap().to_owned())
        .collect();
    assert!(!cookies.is_empty());
    for cookie in &cookies {
        assert!(cookie.contains("Secure"), "{cookie}");
        assert!(cookie.contains("HttpOnly"), "{cookie}");
    }
    // reqwest keeps Secure cookies only for https URLs: the rest of the
    // login goes as plain http, so it is not shown here; a plain request
    // gets them without Secure.
    let plain = Browser::with_headers(&app.url, &[("x-forwarded-for", "198.51.100.8")]);
    app.login(&plain, &app.auth_url(&[]), STANDARD).await;
    let page = plain.follow(plain.get("/account/sessions").await).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("198.51.100.8"), "{}", page.body);
    let journal = app
        .state
        .sql
        .audit_tail(None, Some(events::LOGIN_SUCCEEDED.into()), 1)
        .await
        .unwrap();
    let detail: serde_json::Value = serde_json::from_str(&journal[0].detail).unwrap();
    assert_eq!(detail["ip"], "198.51.100.8");
}

#[actix_web::test]
async fn failed_logins_through_a_trusted_proxy_from_many_clients_lock_out_no_other_client() {
    let app = TestApp::builder()
        .config(|c| c.trusted_proxies = trusting_loopback())
        .spawn()
        .await;
    let limit = app.state.config.ip_failure_limit;
    assert_eq!(limit, 30, "the default");
    // 30 failures, each from another client behind the proxy.
    for n in 0..limit {
        let address = format!("198.51.100.{}", n + 1);
        let page = wrong_from(
            &app,
            &[("x-forwarded-for", &address)],
            &format!("u{n}@x.ru"),
        )
        .await;
        assert_eq!(page.status, 400, "{}", page.body);
    }
    // Another client logs in.
    let other = Browser::with_headers(&app.url, &[("x-forwarded-for", "203.0.113.50")]);
    app.login(&other, &app.auth_url(&[]), STANDARD).await;
    // One client failing 30 times is stopped, and only that client.
    for n in 0..limit {
        wrong_from(
            &app,
            &[("x-forwarded-for", "192.0.2.66")],
            &format!("v{n}@x.ru"),
        )
        .await;
    }
    let page = wrong_from(&app, &[("x-forwarded-for", "192.0.2.66")], SIMPLE).await;
    assert_eq!(page.status, 429, "{}", page.body);
    let page = wrong_from(&app, &[("x-forwarded-for", "192.0.2.67")], SIMPLE).await;
    assert_eq!(page.status, 400, "{}", page.body);
}
