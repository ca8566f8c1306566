//! Input and headers: CR, LF and TAB refused in every parameter; HSTS and
//! `__Host-` cookies when the issuer is https; a CSRF token the browser
//! cannot choose; no markup inside any page's `<title>`.

use reqwest::header::{COOKIE, SET_COOKIE};

use crate::acting::org_id;
use crate::harness::*;

/// The `error_description` of a JSON error, after checking its code.
async fn described(res: reqwest::Response, code: &str) -> String {
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"], code, "{body}");
    body["error_description"].as_str().unwrap().to_owned()
}

/// CR, LF and TAB are control characters like NUL (docs/errors.md): every
/// endpoint refuses them, naming the parameter, so `state=a%0D%0ASet-Cookie:…`
/// never comes back in a redirect and no form stores a line break.
#[actix_web::test]
async fn line_breaks_and_tabs_are_refused_in_every_parameter() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    for (bad, shown) in [
        ("%0D%0ASet-Cookie:%20stolen=1", "U+000D"),
        ("%0A", "U+000A"),
        ("%09", "U+0009"),
    ] {
        // The authorization request: a page, not a redirect carrying it.
        let url = format!("{}&state=a{bad}", app.auth_url(&[("state", "")]));
        let res = browser.get(&url).await;
        assert_eq!(res.status(), 400, "{bad}");
        assert!(res.headers().get("location").is_none());
        assert!(res.headers().get(SET_COOKIE).is_none());
        let body = res.text().await.unwrap();
        assert!(body.contains("`state`") && body.contains(shown), "{body}");

        // The token endpoint: invalid_request naming the parameter.
        let res = reqwest::Client::new()
            .post(format!("{}/token", app.url))
            .basic_auth(DEMO_CLIENT, Some(DEMO_SECRET))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("grant_type=authorization_code&code=a{bad}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400);
        let description = described(res, "invalid_request").await;
        assert!(description.contains("`code`"), "{description}");

        // A resource request with the token in the form body.
        let res = reqwest::Client::new()
            .post(format!("{}/userinfo", app.url))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("access_token=a{bad}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400);

        // RP-initiated logout.
        let res = browser
            .get(&format!("/logout?client_id={DEMO_CLIENT}&state=a{bad}"))
            .await;
        assert_eq!(res.status(), 400);
        assert!(res.headers().get("location").is_none());
    }

    // The pages' forms: a page naming the field; nothing logs in.
    let page = browser.follow(browser.get("/login").await).await;
    let csrf = page.csrf();
    for (field, login, password) in [
        ("login", "standard@demo.vhod\n", PASSWORD),
        ("login", "standard@demo.vhod\r", PASSWORD),
        ("password", STANDARD, "Demo-pass1!\t"),
    ] {
        let res = browser
            .post(
                "/login",
                &[("csrf", &csrf), ("login", login), ("password", password)],
            )
            .await;
        assert_eq!(res.status(), 400, "{field}");
        let body = res.text().await.unwrap();
        assert!(body.contains(&format!("`{field}`")), "{body}");
    }
    let res = browser.get("/account").await;
    assert_eq!(res.status(), 303, "not logged in");

    // Path parameters: a page that does not exist, never a store error (a
    // NUL in an organization's id reached PostgreSQL).
    let member = app.logged_in(CONFIRMED).await;
    let org = org_id(&app, 0).await;
    for path in [
        "/orgs/a%00b".to_owned(),
        "/orgs/a%0Ab".to_owned(),
        "/orgs/a%0D%0Ab/journal".to_owned(),
        format!("/orgs/{org}%09"),
    ] {
        let res = member.get(&path).await;
        assert_eq!(res.status(), 404, "{path}");
        assert!(res.headers().contains_key("content-security-policy"));
    }

    // HTTP Basic client credentials.
    let res = reqwest::Client::new()
        .post(format!("{}/token", app.url))
        .basic_auth("medcabinet\t", Some(DEMO_SECRET))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);

    // A tab in `User-Agent` (the only control character a header may
    // carry) is not echoed on «Сеансы входа».
    let tabbed = Browser::with_user_agent(&app.url, "Evil\tAgent/1.0");
    let page = tabbed.follow(tabbed.get("/login").await).await;
    let csrf = page.csrf();
    tabbed
        .submit(
            "/login",
            &[("csrf", &csrf), ("login", STANDARD), ("password", PASSWORD)],
        )
        .await;
    let sessions = tabbed.follow(tabbed.get("/account/sessions").await).await;
    assert!(
        sessions.body.contains("Неизвестное устройство"),
        "{}",
        sessions.body
    );
    assert!(!sessions.body.contains('\t'));
}

/// A PEM certificate is lines: the `certificate` field of the signing
/// forms is the one value that may carry CR and LF (never a tab).
#[actix_web::test]
async fn the_pem_certificate_field_keeps_its_line_breaks() {
    let trust = crate::signature::trust();
    let app = crate::signature::app_trusting(&trust).await;
    let browser = app.browser();
    let page = browser
        .follow(browser.get("/login/certificate").await)
        .await;
    let csrf = page.csrf();
    let pem = "-----BEGIN CERTIFICATE-----\r\nMIIB\r\n-----END CERTIFICATE-----\r\n";
    let res = browser
        .post(
            "/login/certificate",
            &[("csrf", &csrf), ("certificate", pem), ("signature", "AAAA")],
        )
        .await;
    let body = res.text().await.unwrap();
    assert!(
        !body.contains("`certificate`"),
        "not refused as a form: {body}"
    );
    assert!(body.contains("Неверный сертификат"), "{body}");
    let res = browser
        .post(
            "/login/certificate",
            &[
                ("csrf", &csrf),
                ("certificate", "-----BEGIN\tCERTIFICATE-----"),
                ("signature", "AAAA"),
            ],
        )
        .await;
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap().contains("`certificate`"));
}

/// `Strict-Transport-Security` on every answer when the issuer is https
/// (TLS ends at the load balancer, so the test talks http to the node);
/// never on a plain-http issuer, where browsers would ignore it anyway.
#[actix_web::test]
async fn hsts_is_sent_when_the_issuer_is_https() {
    let https = TestApp::builder()
        .config(|c| c.issuer = Some("https://id.example.test".parse().unwrap()))
        .spawn()
        .await;
    for path in ["/health", "/login", "/.well-known/openid-configuration"] {
        let res = reqwest::get(format!("{}{path}", https.url)).await.unwrap();
        let hsts = res
            .headers()
            .get("strict-transport-security")
            .unwrap_or_else(|| panic!("no HSTS on {path}"));
        assert_eq!(hsts, "max-age=31536000");
    }
    let http = TestApp::spawn().await;
    let res = reqwest::get(format!("{}/login", http.url)).await.unwrap();
    assert!(res.headers().get("strict-transport-security").is_none());
}

/// The cookies of a response as `name=value`, and their full lines.
fn set_cookies(res: &reqwest::Response) -> Vec<(String, String)> {
    res.headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| {
            let line = v.to_str().unwrap().to_owned();
            let pair = line.split(';').next().unwrap().trim().to_owned();
            (pair, line)
        })
        .collect()
}

/// With an https issuer every cookie is `__Host-`: Secure, `Path=/`, no
/// `Domain`, so no subdomain can set or overwrite it; a cookie without the
/// prefix is not read. On http the names stay plain (browsers refuse the
/// prefix without https).
#[actix_web::test]
async fn cookies_take_the_host_prefix_when_the_issuer_is_https() {
    let app = TestApp::builder()
        .config(|c| c.issuer = Some("https://id.example.test".parse().unwrap()))
        .spawn()
        .await;
    // The browser's side by hand: a cookie store would not send Secure
    // cookies over the test's plain connection.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = client.get(app.auth_url(&[])).send().await.unwrap();
    let mut jar: Vec<String> = Vec::new();
    let check = |res: &reqwest::Response, jar: &mut Vec<String>| {
        for (pair, line) in set_cookies(res) {
            assert!(pair.starts_with("__Host-vhod_"), "{line}");
            assert!(line.contains("Secure"), "{line}");
            assert!(line.contains("Path=/"), "{line}");
            assert!(!line.to_ascii_lowercase().contains("domain="), "{line}");
            let name = pair.split('=').next().unwrap().to_owned();
            jar.retain(|c| !c.starts_with(&format!("{name}=")));
            jar.push(pair);
        }
    };
    check(&res, &mut jar);
    let login = res.headers()["location"].to_str().unwrap().to_owned();
    let res = client
        .get(format!("{}{login}", app.url))
        .header(COOKIE, jar.join("; "))
        .send()
        .await
        .unwrap();
    check(&res, &mut jar);
    let body = res.text().await.unwrap();
    let page = Page {
        url: app.url.parse().unwrap(),
        status: reqwest::StatusCode::OK,
        body,
    };
    let form = [
        ("csrf", page.csrf()),
        ("flow", page.hidden("flow")),
        ("login", STANDARD.to_owned()),
        ("password", PASSWORD.to_owned()),
    ];
    let res = client
        .post(format!("{}/login", app.url))
        .header(COOKIE, jar.join("; "))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    check(&res, &mut jar);
    let session = jar
        .iter()
        .find(|c| c.starts_with("__Host-vhod_session="))
        .expect("a session cookie")
        .clone();
    let account = |cookie: String| {
        let client = client.clone();
        let url = format!("{}/account", app.url);
        async move {
            client
                .get(url)
                .header(COOKIE, cookie)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(account(session.clone()).await, 200);
    // The same value under the plain name (as a subdomain could set it)
    // is not a session.
    let plain = session.trim_start_matches("__Host-").to_owned();
    assert_eq!(account(plain).await, 303);

    // On an http issuer: plain names, not Secure.
    let http = TestApp::spawn().await;
    let res = reqwest::get(format!("{}/login", http.url)).await.unwrap();
    let cookies = set_cookies(&res);
    assert!(!cookies.is_empty());
    for (pair, line) in cookies {
        assert!(pair.starts_with("vhod_"), "{line}");
        assert!(!line.contains("Secure"), "{line}");
    }
}

/// The CSRF field is an HMAC of the cookie under a key derived from the
/// master key: a browser that sets its own cookie and field (or sends one
/// browser's field with another's cookie) is refused.
#[actix_web::test]
async fn a_csrf_cookie_and_field_the_browser_chose_are_refused() {
    let app = TestApp::spawn().await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let chosen = "attacker-chosen-csrf-value-0123456789";
    let res = client
        .post(format!("{}/login", app.url))
        .header(COOKIE, format!("vhod_csrf={chosen}"))
        .form(&[
            ("csrf", chosen),
            ("login", STANDARD),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert!(res.headers().get(SET_COOKIE).is_none(), "no session");
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Форма устарела или была отправлена не с этой страницы")
    );

    // A real pair works; its field does not fit another cookie.
    let browser = app.browser();
    let page = browser.follow(browser.get("/login").await).await;
    let csrf = page.csrf();
    assert_ne!(csrf.len(), 0);
    let other = app.browser();
    other.get("/login").await;
    let res = other
        .post(
            "/login",
            &[("csrf", &csrf), ("login", STANDARD), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status(), 403, "a field from another browser");
    let res = browser
        .post(
            "/login",
            &[("csrf", &csrf), ("login", STANDARD), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status(), 303, "the browser's own pair");
}

/// The text between `<title>` and `</title>`.
fn title(body: &str) -> &str {
    let start = body.find("<title>").expect("a <title>") + "<title>".len();
    let end = body[start..].find("</title>").expect("</title>") + start;
    &body[start..end]
}

/// Every page, logged out and logged in, has a plain-text `<title>`: once
/// the security page rendered its password form, the CSRF token and the
/// navigation inside it.
#[actix_web::test]
async fn no_page_has_markup_in_its_title() {
    let app = TestApp::spawn().await;
    let org = org_id(&app, 0).await;
    let pages = [
        "/login",
        "/login/code",
        "/login/certificate",
        "/login/actor",
        "/recover",
        "/recover/password",
        "/register",
        "/register/code",
        "/register/email",
        "/register/confirm",
        "/register/password",
        "/unlock?token=x",
        "/consent",
        "/logout",
        "/authorize",
        "/authorize/continue",
        "/account",
        "/account/confirm",
        "/account/security",
        "/account/consents",
        "/account/sessions",
        "/orgs",
        "/orgs/new",
        "/no-such-page",
    ];
    let org_pages = [format!("/orgs/{org}"), format!("/orgs/{org}/journal")];
    let logged_out = app.browser();
    let logged_in = app.logged_in(CONFIRMED).await;
    let mut seen = 0;
    for browser in [&logged_out, &logged_in] {
        let flow = app.auth_url(&[]);
        let paths = pages
            .iter()
            .map(|p| p.to_string())
            .chain(org_pages.iter().cloned())
            .chain([flow]);
        for path in paths {
            let page = browser.follow(browser.get(&path).await).await;
            if !page.body.contains("<html") {
                continue;
            }
            let text = title(&page.body);
            assert!(
                !text.contains('<'),
                "{path} ({}): <title>{text}</title>",
                page.url
            );
            seen += 1;
        }
    }
    // The security page's own forms, e.g. setting up an authenticator.
    let security = logged_in
        .follow(logged_in.get("/account/security").await)
        .await;
    let csrf = security.csrf();
    let setup = logged_in
        .submit(
            "/account/security",
            &[("csrf", &csrf), ("action", "totp"), ("password", PASSWORD)],
        )
        .await;
    assert!(!title(&setup.body).contains('<'));
    assert!(seen >= 40, "only {seen} pages rendered");
}
