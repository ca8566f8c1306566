//! Sessions that end everywhere: the durable index of SSO sessions, every
//! way a session ends, and Back-Channel Logout 1.0 reaching a portal on
//! loopback for each of them, retried while the portal is down.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use actix_web::{App, HttpResponse, HttpServer, web};
use idp::sessions::backchannel;
use idp::sessions::{self, EndReason};
use serde_json::Value;

use crate::harness::*;
use crate::operations::idp;

pub const PORTAL: &str = "bcl";
const PORTAL_SECRET: &str = "bcl-secret-0123456789";

/// A portal's back-channel logout endpoint on loopback: records every
/// `logout_token` posted to it and answers the statuses it was given, then
/// 200.
pub struct Receiver {
    pub url: String,
    origin: String,
    tokens: Arc<Mutex<Vec<String>>>,
}

impl Receiver {
    pub async fn start(answers: &[u16]) -> Self {
        let tokens: Arc<Mutex<Vec<String>>> = Arc::default();
        let answers = Arc::new(Mutex::new(answers.iter().copied().collect::<VecDeque<_>>()));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        let recorded = tokens.clone();
        let server = HttpServer::new(move || {
            let (recorded, answers) = (recorded.clone(), answers.clone());
            App::new().route(
                "/backchannel-logout",
                web::post().to(move |form: web::Form<HashMap<String, String>>| {
                    let (recorded, answers) = (recorded.clone(), answers.clone());
                    async move {
                        let token = form.get("logout_token").cloned().unwrap_or_default();
                        recorded.lock().unwrap().push(token);
                        let status = answers.lock().unwrap().pop_front().unwrap_or(200);
                        HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap())
                            .body("{\"error\":\"invalid_request\"}")
                    }
                }),
            )
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .run();
        actix_web::rt::spawn(server);
        Self {
            url: format!("{origin}/backchannel-logout"),
            origin,
            tokens,
        }
    }

    /// The `n`th logout token received (1-based), once it is there.
    pub async fn token(&self, n: usize) -> String {
        eventually(&format!("logout token {n}"), async || {
            self.tokens.lock().unwrap().get(n - 1).cloned()
        })
        .await
    }

    pub fn count(&self) -> usize {
        self.tokens.lock().unwrap().len()
    }
}

/// Registers the portal `bcl`, with its logout endpoint on `rx` when
/// `listening`.
pub async fn portal(app: &TestApp, rx: &Receiver, listening: bool) {
    let mut client = app.new_client(PORTAL);
    client.redirect_uris.push(format!("{}/callback", rx.origin));
    client.skip_consent = true;
    client.backchannel_logout_uri = listening.then(|| rx.url.clone());
    app.client(client).await;
}

/// A provider with the listening portal `bcl`, whose endpoint answers
/// `answers` first.
async fn with_portal(answers: &[u16]) -> (TestApp, Receiver) {
    let app = TestApp::spawn().await;
    let rx = Receiver::start(answers).await;
    portal(&app, &rx, true).await;
    (app, rx)
}

/// The code flow for the portal in `browser`: its token response.
pub async fn portal_tokens(
    app: &TestApp,
    browser: &Browser,
    login: &str,
    extra: &[(&str, &str)],
) -> Value {
    let callback = app
        .login(browser, &app.auth_url_for(PORTAL, extra), login)
        .await;
    let code = query(&callback, "code").expect("a code");
    let res = redeem(app, &code).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

async fn redeem(app: &TestApp, code: &str) -> reqwest::Response {
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", REDIRECT),
        ("code_verifier", VERIFIER),
    ];
    app.back_channel("/token", Some((PORTAL, PORTAL_SECRET)), &form)
        .await
}

/// Whether the browser still has a live session (a silent authorization
/// at the portal, which asks no consent, gets a code).
pub async fn logged_in(app: &TestApp, browser: &Browser) -> bool {
    let res = browser
        .get(&app.auth_url_for(PORTAL, &[("prompt", "none")]))
        .await;
    query(&Browser::location(&res), "code").is_some()
}

/// Checks a logout token as a portal must (Back-Channel Logout 1.0 §2.6)
/// against what the portal's ID token said.
async fn check_logout_token(app: &TestApp, token: &str, id_token: &str) {
    let jwks: keys::Jwks = reqwest::get(format!("{}/jwks", app.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let verified = keys::verify(token, &jwks.keys).expect("signed by a key in the JWKS");
    assert_eq!(verified.typ.as_deref(), Some("logout+jwt"));
    let (c, id) = (verified.claims, claims(id_token));
    assert_eq!(c["iss"], app.url);
    assert_eq!(c["aud"], PORTAL);
    assert_eq!(c["sub"], id["sub"]);
    assert_eq!(c["sid"], id["sid"]);
    assert_eq!(c["events"], serde_json::json!({backchannel::EVENT: {}}));
    assert!(c.get("nonce").is_none(), "a logout token never has a nonce");
    assert!(c["jti"].as_str().is_some_and(|j| j.len() >= 16));
    let (iat, exp) = (c["iat"].as_i64().unwrap(), c["exp"].as_i64().unwrap());
    assert!(exp > iat && exp - iat <= 120, "short-lived: {iat}..{exp}");
}

/// Logs in at the portal and out again (RP-Initiated Logout with the ID
/// token as hint); returns the portal's token response.
async fn in_and_out(app: &TestApp) -> Value {
    let browser = app.browser();
    let tokens = portal_tokens(app, &browser, STANDARD, &[]).await;
    let hint = tokens["id_token"].as_str().unwrap();
    let res = browser.get(&format!("/logout?id_token_hint={hint}")).await;
    assert_eq!(res.status(), 200);
    tokens
}

/// The delivery job that `matches`, once there is one.
async fn delivery_job(
    app: &TestApp,
    matches: impl Fn(&idp::model::Job) -> bool,
) -> idp::model::Job {
    eventually("a delivery attempt", async || {
        let jobs = app.state.sql.jobs_of_kind(backchannel::LOGOUT).await.ok()?;
        jobs.into_iter().find(&matches)
    })
    .await
}

fn sid(tokens: &Value) -> String {
    claims(tokens["id_token"].as_str().unwrap())["sid"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn sid_of_logout(token: &str) -> String {
    claims(token)["sid"].as_str().unwrap().to_owned()
}

async fn account_id(app: &TestApp, login: &str) -> String {
    let account = app.state.sql.account_by_login(login).await.unwrap();
    account.expect("a demo account").id
}

#[actix_web::test]
async fn rp_initiated_logout_tells_the_portal_with_a_valid_logout_token() {
    let (app, rx) = with_portal(&[]).await;
    let discovery: Value = reqwest::get(format!("{}/.well-known/openid-configuration", app.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(discovery["backchannel_logout_supported"], true);
    assert_eq!(discovery["backchannel_logout_session_supported"], true);

    let browser = app.browser();
    let tokens = portal_tokens(&app, &browser, STANDARD, &[]).await;
    let id_token = tokens["id_token"].as_str().unwrap();
    // A second code of the same session, redeemed only after it ends.
    let callback = app
        .login(&browser, &app.auth_url_for(PORTAL, &[]), STANDARD)
        .await;
    let late_code = query(&callback, "code").unwrap();

    let res = browser
        .get(&format!("/logout?id_token_hint={id_token}"))
        .await;
    assert_eq!(res.status(), 200);
    let token = rx.token(1).await;
    check_logout_token(&app, &token, id_token).await;
    assert!(!logged_in(&app, &browser).await);
    let record = app.state.sql.session(&sid(&tokens)).await.unwrap().unwrap();
    assert_eq!(record.end_reason.as_deref(), Some("logout"));
    assert_eq!(record.clients, [PORTAL]);

    let (status, error, description) = error_of(redeem(&app, &late_code).await).await;
    assert_eq!((status, error.as_str()), (400, "invalid_grant"));
    assert!(description.contains("session"), "{description}");
}

/// The first codes of a session, redeemed at the same moment: each gets
/// tokens (the session is read `FOR SHARE` on PostgreSQL, so none waits for
/// the others' commits, and a second "first" portal is no conflict), the
/// portal is listed once, and the end of the session reaches it.
#[actix_web::test]
async fn codes_of_one_session_redeemed_at_once_all_get_tokens() {
    let (app, rx) = with_portal(&[]).await;
    for round in 0..3 {
        let browser = app.browser();
        let mut codes = Vec::new();
        for _ in 0..4 {
            let callback = app
                .login(&browser, &app.auth_url_for(PORTAL, &[]), STANDARD)
                .await;
            codes.push(query(&callback, "code").unwrap());
        }
        let (a, b, c, d) = tokio::join!(
            redeem(&app, &codes[0]),
            redeem(&app, &codes[1]),
            redeem(&app, &codes[2]),
            redeem(&app, &codes[3]),
        );
        let mut tokens = Vec::new();
        for res in [a, b, c, d] {
            assert_eq!(res.status(), 200, "round {round}");
            tokens.push(res.json::<Value>().await.unwrap());
        }
        let sid = sid(&tokens[0]);
        let record = app.state.sql.session(&sid).await.unwrap().unwrap();
        assert_eq!(record.clients, [PORTAL], "round {round}");

        let id_token = tokens[0]["id_token"].as_str().unwrap();
        let res = browser
            .get(&format!("/logout?id_token_hint={id_token}"))
            .await;
        assert_eq!(res.status(), 200);
        assert_eq!(sid_of_logout(&rx.token(round + 1).await), sid);
    }
}

#[actix_web::test]
async fn a_portal_that_is_down_gets_the_logout_token_on_a_retry() {
    let (app, rx) = with_portal(&[503]).await;
    let tokens = in_and_out(&app).await;
    let hint = tokens["id_token"].as_str().unwrap();
    // The first attempt meets the 503: the job stays with the reason.
    let job = delivery_job(&app, |j| j.attempts == 1 && j.last_error.is_some()).await;
    assert!(!job.failed);
    let status = backchannel::status(&app.state.sql, PORTAL).await.unwrap();
    assert_eq!(status.pending, 1);
    assert!(status.last_error.unwrap().contains("503"));
    assert_eq!(status.last_delivered_at, None);
    // After the backoff it goes through, with a token of its own.
    app.clock.advance(idp::jobs::backoff(1) + 1);
    let token = rx.token(2).await;
    check_logout_token(&app, &token, hint).await;
    assert_ne!(claims(&token)["jti"], claims(&rx.token(1).await)["jti"]);
    // The worker records the delivery, then finishes the job: two writes,
    // so wait for both rather than read between them.
    eventually("the delivery recorded and its job finished", async || {
        let status = backchannel::status(&app.state.sql, PORTAL).await.ok()?;
        (status.last_delivered_at.is_some() && status.pending == 0).then_some(())
    })
    .await;
}

#[actix_web::test]
async fn a_portal_refusing_the_token_is_not_retried_and_the_admin_sees_it() {
    let app = TestApp::spawn().await;
    let rx = Receiver::start(&[400]).await;
    portal(&app, &rx, false).await;
    let config = &app.state.config;
    let refused = idp(
        config,
        &[
            "clients",
            "update",
            PORTAL,
            "--backchannel-logout-uri",
            "https://elsewhere.example/bcl",
        ],
    );
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("redirect URIs"));
    let updated = idp(
        config,
        &[
            "clients",
            "update",
            PORTAL,
            "--backchannel-logout-uri",
            &rx.url,
        ],
    );
    assert!(
        updated.status.success(),
        "{}",
        String::from_utf8_lossy(&updated.stderr)
    );

    let tokens = in_and_out(&app).await;
    let job = delivery_job(&app, |j| j.failed).await;
    assert_eq!(job.attempts, 1, "a 400 is final");
    let out = idp(config, &["clients", "show", PORTAL, "--json"]);
    let shown: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(shown["backchannel_logout_uri"], rx.url);
    assert_eq!(shown["backchannel_logout_session_required"], true);
    let delivery = &shown["backchannel_logout"];
    assert_eq!(delivery["pending"], 0);
    assert_eq!(delivery["failed"][0]["sid"], sid(&tokens));
    assert!(
        delivery["failed"][0]["error"]
            .as_str()
            .unwrap()
            .contains("400")
    );
    assert_eq!(rx.count(), 1);
}

#[actix_web::test]
async fn an_expired_session_tells_the_portal() {
    let (app, rx) = with_portal(&[]).await;
    let browser = app.browser();
    let tokens = portal_tokens(&app, &browser, STANDARD, &[]).await;
    app.clock.advance(app.state.config.session_ttl_secs);
    let token = rx.token(1).await;
    check_logout_token(&app, &token, tokens["id_token"].as_str().unwrap()).await;
    let record = app.state.sql.session(&sid(&tokens)).await.unwrap().unwrap();
    assert_eq!(record.end_reason.as_deref(), Some("expired"));
    assert!(!logged_in(&app, &browser).await);
    // The record stays 30 days for support, then the janitor purges it.
    app.clock.advance(31 * 24 * 3600);
    assert_eq!(idp::janitor::sweep(&app.state).await.unwrap().sessions, 1);
    assert!(
        app.state
            .sql
            .session(&sid(&tokens))
            .await
            .unwrap()
            .is_none()
    );
}

#[actix_web::test]
async fn a_new_login_in_the_same_browser_ends_the_old_session() {
    let (app, rx) = with_portal(&[]).await;
    let browser = app.browser();
    let first = portal_tokens(&app, &browser, STANDARD, &[]).await;
    let second = portal_tokens(&app, &browser, CONFIRMED, &[("prompt", "login")]).await;
    assert_ne!(sid(&first), sid(&second));
    let token = rx.token(1).await;
    assert_eq!(sid_of_logout(&token), sid(&first));
    let record = app.state.sql.session(&sid(&first)).await.unwrap().unwrap();
    assert_eq!(record.end_reason.as_deref(), Some("replaced"));
}

/// The sessions page of `browser`.
async fn sessions_page(browser: &Browser) -> Page {
    browser.follow(browser.get("/account/sessions").await).await
}

#[actix_web::test]
async fn the_sessions_page_lists_and_ends_the_persons_sessions() {
    let (app, rx) = with_portal(&[]).await;
    let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";
    let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1";
    let here = Browser::with_user_agent(&app.url, firefox);
    let phone = Browser::with_user_agent(&app.url, iphone);
    let tablet = Browser::with_user_agent(&app.url, "Tablet browser");
    portal_tokens(&app, &here, STANDARD, &[]).await;
    let on_phone = portal_tokens(&app, &phone, STANDARD, &[]).await;
    app.login(&tablet, &app.auth_url(&[]), STANDARD).await;

    let page = sessions_page(&here).await;
    assert_eq!(page.status, 200);
    // Devices as a person names them, not raw headers.
    assert!(!page.body.contains("Mozilla/5.0"), "{}", page.body);
    for shown in [
        "Firefox</span> на <span translate=\"no\">Linux",
        "Safari</span> на <span translate=\"no\">iPhone",
        "Неизвестное устройство",
        "Portal bcl",
        "127.0.0.1",
        "(МСК)",
    ] {
        assert!(page.body.contains(shown), "{shown}: {}", page.body);
    }
    assert_eq!(page.body.matches("Этот сеанс").count(), 1);
    assert!(page.body.contains("Завершить все остальные"));

    // Without the CSRF token nothing ends.
    let res = here
        .post("/account/sessions", &[("sid", &sid(&on_phone))])
        .await;
    assert_eq!(res.status(), 403);
    assert!(logged_in(&app, &phone).await);

    let csrf = page.csrf();
    let ended = here
        .submit(
            "/account/sessions",
            &[("csrf", &csrf), ("sid", &sid(&on_phone))],
        )
        .await;
    assert!(ended.body.contains("Сеанс завершён"), "{}", ended.body);
    assert!(!ended.body.contains("iPhone"));
    assert!(!logged_in(&app, &phone).await);
    let token = rx.token(1).await;
    check_logout_token(&app, &token, on_phone["id_token"].as_str().unwrap()).await;

    let page = here
        .submit(
            "/account/sessions",
            &[("csrf", &csrf), ("action", "end_others")],
        )
        .await;
    assert!(
        page.body.contains("Все остальные сеансы завершены"),
        "{}",
        page.body
    );
    assert!(!logged_in(&app, &tablet).await);
    assert!(logged_in(&app, &here).await, "this session stays");
    let reasons: Vec<Option<String>> = app
        .state
        .sql
        .open_sessions_of(&account_id(&app, STANDARD).await)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.end_reason)
        .collect();
    assert_eq!(reasons, [None], "only this session is open");
}

#[actix_web::test]
async fn a_person_cannot_end_someone_elses_session() {
    let (app, _portal) = with_portal(&[]).await;
    let theirs = app.browser();
    let their_sid = sid(&portal_tokens(&app, &theirs, CONFIRMED, &[]).await);
    let mine = app.logged_in(STANDARD).await;
    let csrf = sessions_page(&mine).await.csrf();
    let res = mine
        .post("/account/sessions", &[("csrf", &csrf), ("sid", &their_sid)])
        .await;
    assert_eq!(res.status(), 404);
    assert!(res.text().await.unwrap().contains("Ничего не изменилось"));
    assert!(logged_in(&app, &theirs).await);
    let record = app.state.sql.session(&their_sid).await.unwrap().unwrap();
    assert_eq!(record.ended_at, None);
}

#[actix_web::test]
async fn end_all_keeps_the_current_session_and_revokes_the_others_tokens() {
    let (app, rx) = with_portal(&[]).await;
    let (kept, other) = (app.browser(), app.browser());
    let kept_tokens = portal_tokens(&app, &kept, STANDARD, &[OFFLINE]).await;
    let other_tokens = portal_tokens(&app, &other, STANDARD, &[OFFLINE]).await;
    let account = account_id(&app, STANDARD).await;

    // As the password-change path calls it.
    let ended = sessions::end_all(
        &app.state,
        &account,
        Some(&sid(&kept_tokens)),
        EndReason::PasswordChanged,
    )
    .await
    .unwrap();
    assert_eq!(ended, 1);
    let token = rx.token(1).await;
    check_logout_token(&app, &token, other_tokens["id_token"].as_str().unwrap()).await;
    assert!(logged_in(&app, &kept).await);
    assert!(!logged_in(&app, &other).await);

    let refresh = async |tokens: &Value| {
        let token = tokens["refresh_token"].as_str().unwrap();
        let form = [("grant_type", "refresh_token"), ("refresh_token", token)];
        app.back_channel("/token", Some((PORTAL, PORTAL_SECRET)), &form)
            .await
    };
    assert_eq!(
        error_of(refresh(&other_tokens).await).await.1,
        "invalid_grant"
    );
    assert_eq!(refresh(&kept_tokens).await.status(), 200);
    let res = app
        .userinfo(other_tokens["access_token"].as_str().unwrap())
        .await;
    assert_eq!(res.status(), 401);
    let journal = app
        .state
        .sql
        .audit_tail(None, Some(idp::audit::events::SESSION_ENDED.into()), 10)
        .await
        .unwrap();
    assert!(
        journal
            .iter()
            .any(|e| e.detail.contains("password_changed"))
    );
}

/// Runs the CLI and returns its standard output.
fn cli(app: &TestApp, args: &[&str]) -> String {
    let out = idp(&app.state.config, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The CLI queues on the wall clock; the test's clock catches up so the
/// server's worker finds the jobs due.
fn catch_up(app: &TestApp) {
    app.clock.advance(60);
}

#[actix_web::test]
async fn support_lists_an_accounts_sessions_and_logs_it_out_everywhere() {
    let (app, rx) = with_portal(&[]).await;
    let browser = Browser::with_user_agent(&app.url, "Support test browser");
    let tokens = portal_tokens(&app, &browser, STANDARD, &[]).await;

    let table = cli(&app, &["users", "sessions", STANDARD]);
    assert!(table.contains(&sid(&tokens)), "{table}");
    assert!(
        table.contains("Support test browser") && table.contains(PORTAL),
        "{table}"
    );
    let listed: Value =
        serde_json::from_str(&cli(&app, &["users", "sessions", STANDARD, "--json"])).unwrap();
    assert_eq!(listed[0]["sid"], sid(&tokens));
    assert_eq!(listed[0]["portals"], serde_json::json!([PORTAL]));
    assert_eq!(listed[0]["ip"], "127.0.0.1");

    let out = cli(
        &app,
        &["users", "logout", STANDARD, "--operator", "Иванова"],
    );
    assert!(out.contains("ended 1 session"), "{out}");
    assert!(
        !logged_in(&app, &browser).await,
        "every node sees the end at once"
    );
    catch_up(&app);
    let token = rx.token(1).await;
    check_logout_token(&app, &token, tokens["id_token"].as_str().unwrap()).await;
    let journal = app
        .state
        .sql
        .audit_tail(None, Some(idp::audit::events::SESSION_ENDED.into()), 10)
        .await
        .unwrap();
    assert!(journal[0].detail.contains("Иванова") && journal[0].detail.contains("\"cli\""));
    let listed: Value =
        serde_json::from_str(&cli(&app, &["users", "sessions", STANDARD, "--json"])).unwrap();
    assert_eq!(listed, serde_json::json!([]));
}

#[actix_web::test]
async fn an_admin_lock_ends_the_sessions_and_holds_until_an_admin_lifts_it() {
    let (app, rx) = with_portal(&[]).await;
    let browser = app.browser();
    let tokens = portal_tokens(&app, &browser, STANDARD, &[]).await;

    let out = cli(&app, &["users", "lock", STANDARD, "--operator", "Петрова"]);
    assert!(out.contains("ended 1 session"), "{out}");
    assert!(!logged_in(&app, &browser).await);
    catch_up(&app);
    assert_eq!(sid_of_logout(&rx.token(1).await), sid(&tokens));

    // The right password gets no session, however long one waits, and
    // the answer of a wrong one (no password oracle).
    app.clock.advance(365 * 24 * 3600);
    let page = browser.follow(browser.get(&app.auth_url(&[])).await).await;
    let refused = page.login(&browser, STANDARD).await;
    assert_eq!(refused.status, 400);
    assert!(
        refused.body.contains("Неверный логин или пароль"),
        "{}",
        refused.body
    );
    assert!(!logged_in(&app, &browser).await);

    cli(&app, &["users", "unlock", STANDARD]);
    let page = browser
        .follow(browser.get(&app.auth_url_for(PORTAL, &[])).await)
        .await;
    let back = page.login(&browser, STANDARD).await;
    assert!(back.url.as_str().starts_with(REDIRECT), "{}", back.body);
}

#[actix_web::test]
async fn enabling_a_second_factor_ends_every_other_session() {
    let (app, rx) = with_portal(&[]).await;
    let earlier = app.browser();
    let tokens = portal_tokens(&app, &earlier, STANDARD, &[OFFLINE]).await;
    let settings = app.logged_in(STANDARD).await;
    crate::second_factor::enable_totp(&app, &settings).await;

    assert!(
        !logged_in(&app, &earlier).await,
        "the earlier session ended"
    );
    assert_eq!(sid_of_logout(&rx.token(1).await), sid(&tokens));
    let refresh = [
        ("grant_type", "refresh_token"),
        ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
    ];
    let res = app
        .back_channel("/token", Some((PORTAL, PORTAL_SECRET)), &refresh)
        .await;
    assert_eq!(error_of(res).await.1, "invalid_grant");
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(app.userinfo(access).await.status(), 401);

    // The session that enabled it goes on, now with two factors.
    let account = account_id(&app, STANDARD).await;
    let open = app.state.sql.open_sessions_of(&account).await.unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].aal, idp::model::Aal::Aal2);
    assert_eq!(open[0].amr, ["pwd", "otp"]);
    let page = settings
        .follow(settings.get("/account/security").await)
        .await;
    assert_eq!(page.url.path(), "/account/security", "{}", page.body);
    let journal = app
        .state
        .sql
        .audit_tail(None, Some(idp::audit::events::SESSION_ENDED.into()), 10)
        .await
        .unwrap();
    assert!(journal[0].detail.contains("second_factor_enabled"));
}
