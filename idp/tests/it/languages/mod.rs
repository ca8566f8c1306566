//! Every page in both languages. The walk visits each page the provider
//! serves, in the states where its texts differ (logged out, as a demo
//! person, as the clinic's admin, refusals, and the error pages), once with
//! a Russian browser and once with an English one (`Accept-Language`, and
//! `ui_locales` in the login flows), and reads each page as a person does.
//!
//! An English page has `<html lang="en">` and no Cyrillic letter; a Russian
//! page has `<html lang="ru">` and none of the English catalogue's words
//! (Latin as such is fine there: «СНИЛС», e-mail addresses, URLs). Data
//! shown as it was entered (names, addresses, portal names) is no page
//! text: the templates mark it, `lang="ru"` on person and organization data
//! and `translate="no"` on other data, and the walk skips marked elements.

mod reading;

use esign::testca::Holder;
use idp::registries::UNKNOWN_SNILS;
use reading::Walk;

use crate::acting::org_id;
use crate::harness::*;
use crate::signature::{Trust, app_trusting, challenge, trust};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Lang {
    Ru,
    En,
}

impl Lang {
    fn code(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    fn accept_language(self) -> &'static str {
        match self {
            Lang::Ru => "ru-RU,ru;q=0.9,en;q=0.5",
            Lang::En => "en-GB,en;q=0.9",
        }
    }
}

/// The text of `body` between `start` and the next `end`.
fn between(body: &str, start: &str, end: &str) -> String {
    let from = body.find(start).unwrap_or_else(|| panic!("no {start}")) + start.len();
    let to = body[from..].find(end).unwrap() + from;
    body[from..to].to_owned()
}

fn browser(app: &TestApp, lang: Lang) -> Browser {
    Browser::with_language(&app.url, lang.accept_language())
}

async fn logged_in(app: &TestApp, lang: Lang, login: &str) -> Browser {
    let browser = browser(app, lang);
    let page = browser.follow(browser.get("/login").await).await;
    let csrf = page.csrf();
    let done = browser
        .submit(
            "/login",
            &[("csrf", &csrf), ("login", login), ("password", PASSWORD)],
        )
        .await;
    assert_ne!(done.url.path(), "/login", "{login} not logged in");
    browser
}

async fn get(browser: &Browser, path: &str) -> Page {
    browser.follow(browser.get(path).await).await
}

/// Posts `form` with the CSRF token of `page` and follows the redirects.
async fn post(browser: &Browser, page: &Page, path: &str, form: &[(&str, &str)]) -> Page {
    let csrf = page.csrf();
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(form);
    browser.submit(path, &all).await
}

/// The login flow's pages, the registration, the password recovery, and
/// the error pages, without a session.
async fn logged_out(app: &TestApp, w: &mut Walk) {
    let lang = w.lang;
    let locales = ("ui_locales", lang.code());
    let b = browser(app, lang);
    w.ok("home, logged out", &get(&b, "/").await, "/");
    let login = get(&b, &app.auth_url(&[locales])).await;
    w.ok("login", &login, "/login");
    let flow = login.hidden("flow");
    let form = [("flow", flow.as_str()), ("login", ""), ("password", "")];
    let missing = post(&b, &login, "/login", &form).await;
    w.see("login, fields missing", &missing, "/login", 400);
    let form = [
        ("flow", flow.as_str()),
        ("login", STANDARD),
        ("password", "Wrong-pass1"),
    ];
    let refused = post(&b, &login, "/login", &form).await;
    w.see("login, wrong password", &refused, "/login", 400);

    let certificate = get(&b, &format!("/login/certificate?flow={flow}")).await;
    w.ok("certificate login", &certificate, "/login/certificate");
    let garbage = post(
        &b,
        &certificate,
        "/login/certificate",
        &[
            ("flow", &flow),
            ("certificate", "garbage"),
            ("signature", "AAAA"),
        ],
    )
    .await;
    w.see(
        "certificate login refused",
        &garbage,
        "/login/certificate",
        400,
    );

    // Password recovery, from the login page.
    let recover = get(&b, &format!("/recover?flow={flow}")).await;
    w.ok("recovery", &recover, "/recover");
    let blank = post(&b, &recover, "/recover", &[("flow", &flow), ("login", "")]).await;
    w.see("recovery, login missing", &blank, "/recover", 400);
    let code = post(
        &b,
        &recover,
        "/recover",
        &[("flow", &flow), ("login", SIMPLE)],
    )
    .await;
    w.ok("recovery code", &code, "/recover/password");
    let form = [
        ("flow", flow.as_str()),
        ("code", "000000"),
        ("password", "Str0ng-pass!"),
        ("password2", "Str0ng-pass!"),
    ];
    let wrong = post(&b, &code, "/recover/password", &form).await;
    w.see("recovery, wrong code", &wrong, "/recover/password", 400);
    let message = app.newest_message("+79990000000", 1).await;
    let form = [
        ("flow", flow.as_str()),
        ("code", message["code"].as_str().unwrap()),
        ("password", "short"),
        ("password2", "short"),
    ];
    let weak = post(&b, &code, "/recover/password", &form).await;
    w.see("recovery, weak password", &weak, "/recover/password", 400);
    let form = [
        ("flow", flow.as_str()),
        ("code", message["code"].as_str().unwrap()),
        ("password", PASSWORD),
        ("password2", PASSWORD),
    ];
    let done = post(&b, &code, "/recover/password", &form).await;
    w.ok("recovery done", &done, "/recover/password");

    // Registration with a phone, then with an e-mail address.
    let b = browser(app, lang);
    let register = get(&b, "/register").await;
    w.ok("registration", &register, "/register");
    let form = [("last_name", "Иван1"), ("first_name", ""), ("contact", "x")];
    let refused = post(&b, &register, "/register", &form).await;
    w.see("registration refused", &refused, "/register", 400);
    let form = [
        ("last_name", "Новиков"),
        ("first_name", "Олег"),
        ("contact", "+7 999 555 77 01"),
    ];
    let sms = post(&b, &register, "/register", &form).await;
    w.ok("registration code", &sms, "/register/code");
    let reg = sms.hidden("reg");
    let wrong = post(
        &b,
        &sms,
        "/register/code",
        &[("reg", &reg), ("code", "000000")],
    )
    .await;
    w.see("registration, wrong code", &wrong, "/register/code", 400);
    let b = browser(app, lang);
    let register = get(&b, "/register").await;
    let form = [
        ("last_name", "Новикова"),
        ("first_name", "Ольга"),
        ("contact", "novikova@example.ru"),
    ];
    let mail = post(&b, &register, "/register", &form).await;
    w.ok("registration link sent", &mail, "/register/email");
    let message = app.newest_message("novikova@example.ru", 1).await;
    // The link opened on another device (a phone); the first tab waits.
    let first_tab = (b, mail.hidden("reg"));
    let b = browser(app, lang);
    let confirm = get(&b, message["link"].as_str().unwrap()).await;
    w.ok("registration link", &confirm, "/register/confirm");
    let token = confirm.hidden("token");
    let password = post(&b, &confirm, "/register/confirm", &[("token", &token)]).await;
    w.ok("registration password", &password, "/register/password");
    let waiting = format!("/register/email?reg={}", first_tab.1);
    let elsewhere = get(&first_tab.0, &waiting).await;
    w.ok(
        "registration, link opened elsewhere",
        &elsewhere,
        "/register/email",
    );
    let reg = password.hidden("reg");
    let form = [
        ("reg", reg.as_str()),
        ("password", "Str0ng-pass!"),
        ("password2", "Other-pass1"),
    ];
    let differ = post(&b, &password, "/register/password", &form).await;
    w.see(
        "registration, passwords differ",
        &differ,
        "/register/password",
        400,
    );
    let form = [
        ("reg", reg.as_str()),
        ("password", "Str0ng-pass!"),
        ("password2", "Str0ng-pass!"),
    ];
    let done = post(&b, &password, "/register/password", &form).await;
    w.ok("registration done", &done, "/register/password");
    let finished = get(&first_tab.0, &waiting).await;
    w.ok(
        "registration, finished elsewhere",
        &finished,
        "/register/email",
    );
    let used = get(&b, message["link"].as_str().unwrap()).await;
    w.see("registration link used", &used, "/register/confirm", 409);
    let gone = get(&b, "/register/code?reg=nothing").await;
    w.see("registration gone", &gone, "/register/code", 400);

    // The second factor's page in a flow.
    let b = browser(app, lang);
    let login = get(&b, &app.auth_url(&[locales])).await;
    let code = login.login(&b, idp::demo::TWO_FACTOR).await;
    w.ok("login code", &code, "/login/code");
    let flow = code.hidden("flow");
    let wrong = post(
        &b,
        &code,
        "/login/code",
        &[("flow", &flow), ("code", "000000")],
    )
    .await;
    w.see("login code, wrong", &wrong, "/login/code", 400);

    // Unlocking with a stale link.
    let unlock = get(&b, "/unlock?token=stale").await;
    w.ok("unlock", &unlock, "/unlock");
    let failed = post(&b, &unlock, "/unlock", &[("token", "stale")]).await;
    w.see("unlock failed", &failed, "/unlock", 400);

    // The error pages.
    let b = browser(app, lang);
    w.see("not found", &get(&b, "/nowhere").await, "/nowhere", 404);
    w.see(
        "bad request",
        &get(&b, "/authorize").await,
        "/authorize",
        400,
    );
    let expired = get(&b, "/login?flow=expired").await;
    w.see("flow expired", &expired, "/login", 400);
    let forged = b
        .submit("/login", &[("csrf", "forged"), ("login", SIMPLE)])
        .await;
    w.see("CSRF failure", &forged, "/login", 403);
    let locales_url = app.auth_url(&[locales, ("claims", LEVEL_CONFIRMED)]);
    let login = get(&b, &locales_url).await;
    let low = login.login(&b, STANDARD).await;
    w.see("level too low", &low, "/authorize/continue", 403);
}

/// A portal asking for a confirmed account.
const LEVEL_CONFIRMED: &str =
    r#"{"id_token":{"account_level":{"essential":true,"values":["confirmed"]}}}"#;

/// The flow's steps after a login: consent, whom to act for, and the logout.
async fn in_a_flow(app: &TestApp, w: &mut Walk) {
    let locales = ("ui_locales", w.lang.code());
    let b = browser(app, w.lang);
    let login = get(&b, &app.auth_url(&[locales])).await;
    let consent = login.login(&b, STANDARD).await;
    w.ok("consent", &consent, "/consent");
    consent.consent(&b, "allow").await;

    let b = browser(app, w.lang);
    let scope = ("scope", "openid profile organizations");
    let login = get(&b, &app.auth_url(&[locales, scope])).await;
    let actor = login.login(&b, CONFIRMED).await;
    w.ok("whom to act for", &actor, "/login/actor");

    let logout = get(&b, &format!("/logout?ui_locales={}", w.lang.code())).await;
    w.ok("logout", &logout, "/logout");
    let done = post(&b, &logout, "/logout", &[]).await;
    w.ok("logged out", &done, "/logout");
}

/// «Мои данные» and its check, the confirmation, «Безопасность», the
/// consents and sessions, as demo people.
async fn account(app: &TestApp, trust: &Trust, w: &mut Walk) {
    let simple = logged_in(app, w.lang, SIMPLE).await;
    w.ok("home, simplified", &get(&simple, "/").await, "/");
    let profile = get(&simple, "/account").await;
    w.ok("profile, simplified", &profile, "/account");
    let mut form = vec![
        ("action", "submit"),
        ("last_name", "Простов"),
        ("first_name", "Пётр"),
        ("middle_name", "Петрович"),
        ("gender", "male"),
        ("birthdate", "1980-01-10"),
        ("birthplace", "г. Тула"),
        ("snils", "112-233-448 97"),
        ("passport_series", "45 06"),
        ("passport_number", "123"),
        ("passport_issued", "2999-03-01"),
        ("passport_issuer", "ОВД района Хамовники г. Москвы"),
        ("passport_issuer_code", "770"),
        ("inn", "12"),
    ];
    let refused = post(&simple, &profile, "/account", &form).await;
    w.see("profile, wrong fields", &refused, "/account", 400);
    for (name, value) in [
        ("snils", UNKNOWN_SNILS[0]),
        ("passport_number", "123456"),
        ("passport_issued", "2005-03-01"),
        ("passport_issuer_code", "770-001"),
        ("inn", ""),
    ] {
        form.iter_mut().find(|(n, _)| *n == name).unwrap().1 = value;
    }
    let pending = post(&simple, &profile, "/account", &form).await;
    w.ok("profile, check pending", &pending, "/account");
    app.clock.advance(app.state.config.registry_delay_secs);
    crate::profile::verification_done(app, SIMPLE).await;
    let failed = get(&simple, "/account").await;
    w.ok("profile, check refused", &failed, "/account");
    let confirm = get(&simple, "/account/confirm").await;
    w.ok("confirmation, simplified", &confirm, "/account/confirm");
    let orgs = get(&simple, "/orgs").await;
    w.ok("organizations, none", &orgs, "/orgs");
    let new = get(&simple, "/orgs/new").await;
    w.ok("new organization, not confirmed", &new, "/orgs/new");

    let standard = logged_in(app, w.lang, STANDARD).await;
    w.ok("home, standard", &get(&standard, "/").await, "/");
    let profile = get(&standard, "/account").await;
    w.ok("profile, standard", &profile, "/account");
    let confirm = get(&standard, "/account/confirm").await;
    w.ok("confirmation", &confirm, "/account/confirm");
    let form = [("action", "order"), ("address", "дом")];
    let address = post(&standard, &confirm, "/account/confirm", &form).await;
    w.see(
        "confirmation, wrong address",
        &address,
        "/account/confirm",
        400,
    );
    let form = [
        ("action", "order"),
        ("address", "119019, г. Москва, ул. Тверская, д. 11, кв. 2"),
    ];
    let ordered = post(&standard, &confirm, "/account/confirm", &form).await;
    w.ok("confirmation, letter ordered", &ordered, "/account/confirm");
    let form = [("action", "code"), ("code", "000000")];
    let wrong = post(&standard, &ordered, "/account/confirm", &form).await;
    w.see("confirmation, wrong code", &wrong, "/account/confirm", 400);
    let stranger = Holder::person("Иванова", "Мария Петровна", "11223344696", "770000000156");
    let issued = trust.ca.issue(&stranger).unwrap();
    let page = get(&standard, "/account/confirm").await;
    let (signature, _) = esign::sign_challenge(&issued.private_key_pem, &challenge(&page)).unwrap();
    let form = [
        ("action", "signature"),
        ("certificate", issued.certificate_pem.as_str()),
        ("signature", &signature),
    ];
    let mismatch = post(&standard, &page, "/account/confirm", &form).await;
    w.see(
        "confirmation, someone else's certificate",
        &mismatch,
        "/account/confirm",
        400,
    );

    let security = get(&standard, "/account/security").await;
    w.ok("security", &security, "/account/security");
    let form = [("action", "totp"), ("password", "Wrong-pass1")];
    let wrong = post(&standard, &security, "/account/security", &form).await;
    w.see("security, wrong password", &wrong, "/account/security", 400);
    let form = [("action", "sms"), ("password", PASSWORD)];
    let sms = post(&standard, &security, "/account/security", &form).await;
    w.ok("security, SMS codes", &sms, "/account/security");
    let form = [("action", "totp"), ("password", PASSWORD)];
    let totp = post(&standard, &security, "/account/security", &form).await;
    w.ok("security, authenticator app", &totp, "/account/security");
    let form = [("action", "confirm"), ("code", "000000")];
    let wrong = post(&standard, &totp, "/account/security", &form).await;
    w.see("security, wrong code", &wrong, "/account/security", 400);
    // An authenticator app enabled, as SIMPLE.
    let own = get(&simple, "/account/security").await;
    let form = [("action", "totp"), ("password", PASSWORD)];
    let setup = post(&simple, &own, "/account/security", &form).await;
    let secret = between(&setup.body, "id=\"totp-secret\" translate=\"no\">", "<");
    let secret = idp::credentials::totp::from_base32(&secret).unwrap();
    let code = idp::credentials::totp::code_at(&secret, app.state.now());
    let form = [("action", "confirm"), ("code", code.as_str())];
    let enabled = post(&simple, &setup, "/account/security", &form).await;
    w.ok("security, recovery codes", &enabled, "/account/security");
    let on = get(&simple, "/account/security").await;
    w.ok("security, second factor on", &on, "/account/security");
    let form = [("action", "renew"), ("password", "Wrong-pass1")];
    let wrong = post(&simple, &on, "/account/security", &form).await;
    w.see(
        "security, renewal refused",
        &wrong,
        "/account/security",
        400,
    );
    let form = [
        ("action", "password"),
        ("password", PASSWORD),
        ("new_password", "short"),
        ("new_password2", "short"),
    ];
    let weak = post(&standard, &security, "/account/security", &form).await;
    w.see("security, weak password", &weak, "/account/security", 400);

    // Consents: one given in a flow, then withdrawn.
    let b = browser(app, w.lang);
    crate::acting::through(&b, &app.auth_url(&[]), STANDARD, None).await;
    let consents = get(&b, "/account/consents").await;
    w.ok("consents", &consents, "/account/consents");
    let client_id = consents.hidden("client_id");
    let form = [("client_id", client_id.as_str())];
    let question = post(&b, &consents, "/account/consents", &form).await;
    w.ok("consent, withdraw?", &question, "/account/consents");
    let form = [("client_id", client_id.as_str()), ("confirm", "yes")];
    let withdrawn = post(&b, &consents, "/account/consents", &form).await;
    w.ok("consent withdrawn", &withdrawn, "/account/consents");
    let sessions = get(&b, "/account/sessions").await;
    w.ok("sessions", &sessions, "/account/sessions");
    let form = [("sid", "nothing")];
    let not_yours = post(&b, &sessions, "/account/sessions", &form).await;
    w.see("sessions, not yours", &not_yours, "/account/sessions", 404);
    let form = [("action", "end_others")];
    let ended = post(&b, &sessions, "/account/sessions", &form).await;
    w.ok("sessions, others ended", &ended, "/account/sessions");
}

/// The organization pages as the clinic's admin, and an invitation as the
/// person invited.
async fn organizations(app: &TestApp, w: &mut Walk) {
    let clinic = org_id(app, 0).await;
    let admin = logged_in(app, w.lang, CONFIRMED).await;
    w.ok("home, confirmed", &get(&admin, "/").await, "/");
    let orgs = get(&admin, "/orgs").await;
    w.ok("organizations", &orgs, "/orgs");
    let page = get(&admin, &format!("/orgs/{clinic}")).await;
    w.ok("the clinic", &page, &format!("/orgs/{clinic}"));
    let form = [("invitee", "nobody"), ("role_specialist", "1")];
    let refused = post(&admin, &page, &format!("/orgs/{clinic}/invite"), &form).await;
    w.see(
        "invitation refused",
        &refused,
        &format!("/orgs/{clinic}/invite"),
        400,
    );
    let form = [
        ("invitee", STANDARD),
        ("role_specialist", "1"),
        ("role_manager", "1"),
    ];
    let invited = post(&admin, &page, &format!("/orgs/{clinic}/invite"), &form).await;
    w.ok("invitation sent", &invited, &format!("/orgs/{clinic}"));
    let journal = get(&admin, &format!("/orgs/{clinic}/journal")).await;
    w.ok("journal", &journal, &format!("/orgs/{clinic}/journal"));
    let new = get(&admin, "/orgs/new").await;
    w.ok("new organization", &new, "/orgs/new");
    let form = [
        ("kind", "legal_entity"),
        ("ogrn", "123"),
        ("certificate", "x"),
        ("signature", "x"),
    ];
    let refused = post(&admin, &new, "/orgs/new", &form).await;
    w.see("new organization refused", &refused, "/orgs/new", 400);

    let invitee = logged_in(app, w.lang, STANDARD).await;
    let waiting = get(&invitee, "/orgs").await;
    w.ok("an invitation", &waiting, "/orgs");
    let stranger = get(&invitee, &format!("/orgs/{clinic}")).await;
    w.see(
        "someone else's organization",
        &stranger,
        &format!("/orgs/{clinic}"),
        404,
    );
    let id = waiting.hidden("invitation");
    let joined = post(
        &invitee,
        &waiting,
        "/orgs/invitations",
        &[("invitation", &id)],
    )
    .await;
    w.ok("invitation accepted", &joined, &format!("/orgs/{clinic}"));
    let again = post(
        &invitee,
        &waiting,
        "/orgs/invitations",
        &[("invitation", &id)],
    )
    .await;
    w.see("invitation gone", &again, "/orgs/invitations", 410);
}

async fn walk(lang: Lang) {
    let trust = trust();
    let app = app_trusting(&trust).await;
    let mut w = Walk::new(lang);
    logged_out(&app, &mut w).await;
    in_a_flow(&app, &mut w).await;
    account(&app, &trust, &mut w).await;
    organizations(&app, &mut w).await;
    w.verdict();
}

#[actix_web::test]
async fn every_page_reads_in_russian_for_a_russian_browser() {
    walk(Lang::Ru).await;
}

#[actix_web::test]
async fn every_page_reads_in_english_for_an_english_browser() {
    walk(Lang::En).await;
}
