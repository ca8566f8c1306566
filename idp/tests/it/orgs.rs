//! Organizations through the pages and the admin CLI: registration by the
//! head with the organization's certificate (each wrong field named in
//! Russian), invitations accepted once by the person they name, roles
//! changed only by that organization's admins, the last admin kept, and
//! every change in the organization's journal and the audit journal.

use esign::testca::Holder;
use idp::demo::{MANAGER, NURSE, ORGANIZATIONS, TWO_ORGS};
use idp::model::{MemberChange, Role, Roles};
use idp::orgs::rules::{self, Refusal};
use idp::orgs::{Actor, Orgs};

use crate::acting::org_id;
use crate::harness::*;
use crate::signature::{app_trusting, challenge, trust};

/// The head of the demo clinic, as the demo seeds `confirmed@demo.vhod`.
fn head() -> Holder {
    Holder::person(
        "Подтверждёнов",
        "Иван Сергеевич",
        "11223344797",
        "770000000220",
    )
}

const OGRN: &str = "1027700000030";
const INN: &str = "7701000033";

/// The registration form of «ООО «Ромашка»», with `changes` applied.
fn application<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("kind", "legal_entity"),
        (
            "full_name",
            "Общество с ограниченной ответственностью «Ромашка»",
        ),
        ("short_name", "ООО «Ромашка»"),
        ("ogrn", OGRN),
        ("inn", INN),
        ("kpp", "770101001"),
        ("legal_address", "г. Москва, ул. Ленина, д. 1"),
        ("actual_address", "г. Москва, ул. Ленина, д. 1"),
    ];
    for (name, value) in changes {
        match form.iter_mut().find(|(n, _)| n == name) {
            Some(field) => field.1 = value,
            None => form.push((name, value)),
        }
    }
    form
}

/// Posts the registration form, signed with `holder`'s fresh certificate.
async fn register(
    browser: &Browser,
    trust: &crate::signature::Trust,
    holder: &Holder,
    changes: &[(&str, &str)],
) -> Page {
    let page = browser.follow(browser.get("/orgs/new").await).await;
    let issued = trust.ca.issue(holder).unwrap();
    let (signature, _) = esign::sign_challenge(&issued.private_key_pem, &challenge(&page)).unwrap();
    let csrf = page.csrf();
    let mut form = application(changes);
    form.extend([
        ("csrf", csrf.as_str()),
        ("certificate", issued.certificate_pem.as_str()),
        ("signature", signature.as_str()),
    ]);
    browser.submit("/orgs/new", &form).await
}

fn company(head: Holder) -> Holder {
    Holder::organization("ООО «Ромашка»", OGRN, INN, head)
}

#[actix_web::test]
async fn the_head_registers_an_organization_with_its_certificate_and_becomes_its_admin() {
    let trust = trust();
    let app = app_trusting(&trust).await;
    let browser = app.logged_in(CONFIRMED).await;
    let page = register(&browser, &trust, &company(head()), &[("medical", "1")]).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("Организация зарегистрирована"),
        "{}",
        page.body
    );
    let org = app
        .state
        .sql
        .organization_by_ogrn(OGRN)
        .await
        .unwrap()
        .expect("registered");
    assert_eq!(page.url.path(), format!("/orgs/{}", org.id));
    assert_eq!(
        (org.inn.as_str(), org.kpp.as_deref()),
        (INN, Some("770101001"))
    );
    assert!(org.medical);
    let head = app.account(CONFIRMED).await;
    let membership = app.state.sql.membership(&org.id, &head.id).await.unwrap();
    assert_eq!(
        membership.map(|m| m.roles),
        Some([Role::Admin].into()),
        "the head is its first admin"
    );
    let journal = browser
        .follow(browser.get(&format!("/orgs/{}/journal", org.id)).await)
        .await;
    assert!(
        journal
            .text()
            .contains("организация зарегистрирована, руководитель Подтверждёнов Иван Сергеевич"),
        "{}",
        journal.body
    );
    let audited = app
        .state
        .sql
        .audit_tail(None, Some("org.registered".into()), 10)
        .await
        .unwrap();
    assert_eq!(audited.len(), 1);
    assert!(audited[0].detail.contains(OGRN));
    // The organization is listed on the head's «Организации».
    let mine = browser.follow(browser.get("/orgs").await).await;
    assert!(mine.body.contains("ООО «Ромашка»") && mine.body.contains("администратор"));
}

#[actix_web::test]
async fn a_wrong_application_names_its_field_and_the_wrong_people_are_refused() {
    let trust = trust();
    let app = app_trusting(&trust).await;
    let browser = app.logged_in(CONFIRMED).await;
    let cert = company(head());
    let long = "Я".repeat(201);
    for (changes, status, says) in [
        (
            vec![("ogrn", "1027700000031")],
            400,
            "«ОГРН или ОГРНИП»: контрольное число не совпадает",
        ),
        (
            vec![("ogrn", "304770000000019")],
            400,
            "«ОГРН или ОГРНИП»: должно состоять из 13 цифр",
        ),
        (
            vec![("inn", "7701000034")],
            400,
            "«ИНН»: контрольное число не совпадает",
        ),
        (
            vec![("kpp", "7701")],
            400,
            "«КПП»: должно состоять из 9 цифр",
        ),
        (
            vec![("full_name", "")],
            400,
            "«Полное наименование»: заполните поле",
        ),
        (
            vec![("short_name", long.as_str())],
            400,
            "«Сокращённое наименование»: не больше 200 символов",
        ),
        (
            vec![("kind", "cooperative")],
            400,
            "«Вид»: выберите один из вариантов",
        ),
        (
            vec![("ogrn", ORGANIZATIONS[0].ogrn)],
            409,
            "уже зарегистрирована",
        ),
    ] {
        let page = register(&browser, &trust, &cert, &changes).await;
        assert_eq!(page.status, status, "{changes:?}: {}", page.body);
        assert!(page.body.contains(says), "{changes:?}: {}", page.body);
    }
    // A NUL byte never reaches the rules: the form is refused, naming it.
    let page = browser.follow(browser.get("/orgs/new").await).await;
    let csrf = page.csrf();
    let mut form = application(&[("full_name", "ООО\u{0}")]);
    form.push(("csrf", &csrf));
    let refused = browser.submit("/orgs/new", &form).await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("full_name") && refused.body.contains("U+0000"));

    // Certificates that do not vouch for this application by this head.
    let no_ogrn = head();
    let other_head = company(crate::signature::holder());
    for (holder, says) in [
        (&no_ogrn, "в сертификате нет ОГРН организации"),
        (&other_head, "сертификат выдан не вам как руководителю"),
    ] {
        let page = register(&browser, &trust, holder, &[]).await;
        assert_eq!(page.status, 400, "{}", page.body);
        assert!(page.body.contains(says), "{}", page.body);
    }
    // Only a confirmed account may register (its page offers nothing to
    // sign; a post anyway is refused).
    let standard = app.logged_in(STANDARD).await;
    let offered = standard.follow(standard.get("/orgs/new").await).await;
    assert!(
        offered
            .body
            .contains("только её руководитель с подтверждённой")
    );
    let csrf = standard
        .follow(standard.get("/account/sessions").await)
        .await
        .csrf();
    let mut form = application(&[]);
    form.extend([
        ("csrf", csrf.as_str()),
        ("certificate", "x"),
        ("signature", "x"),
    ]);
    let page = standard.submit("/orgs/new", &form).await;
    assert_eq!(page.status, 403, "{}", page.body);
    assert!(page.body.contains("подтверждённой учётной записью"));
    assert!(
        app.state
            .sql
            .organization_by_ogrn(OGRN)
            .await
            .unwrap()
            .is_none()
    );
}

/// The invitation ids `browser`'s person sees on «Организации».
async fn invitations(browser: &Browser) -> Vec<String> {
    let page = browser.follow(browser.get("/orgs").await).await;
    page.body
        .match_indices("name=\"invitation\" value=\"")
        .map(|(at, marker)| {
            let start = at + marker.len();
            let end = page.body[start..].find('"').unwrap() + start;
            page.body[start..end]
                .replace("&#x2d;", "-")
                .replace("&#45;", "-")
        })
        .collect()
}

/// Posts a form of the account pages (the CSRF token is the browser's).
async fn post(browser: &Browser, path: &str, fields: &[(&str, &str)]) -> Page {
    let page = browser.follow(browser.get("/account/sessions").await).await;
    let csrf = page.csrf();
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    browser.submit(path, &form).await
}

#[actix_web::test]
async fn an_invitation_is_accepted_once_by_the_person_it_names_before_it_expires() {
    let app = TestApp::spawn().await;
    let clinic = org_id(&app, 0).await;
    let admin = app.logged_in(CONFIRMED).await;
    let invite = format!("/orgs/{clinic}/invite");
    let page = post(
        &admin,
        &invite,
        &[("invitee", "+7 999 000-00-01"), ("role_specialist", "1")],
    )
    .await;
    assert!(
        page.body.contains("Приглашение отправлено"),
        "{}",
        page.body
    );
    let message = app.newest_message("+79990000001", 1).await;
    assert_eq!(message["subject"], "Приглашение в организацию");
    assert!(message["link"].as_str().unwrap().ends_with("/orgs"));

    // Someone else sees nothing and cannot accept it with its id.
    let invited = app.logged_in(STANDARD).await;
    let ids = invitations(&invited).await;
    assert_eq!(ids.len(), 1);
    // The clinic's name brings its own quotes: none are added around it.
    let listed = invited.follow(invited.get("/orgs").await).await.text();
    assert!(
        listed.contains("ГБУЗ «Городская поликлиника № 1» приглашает вас")
            && !listed.contains("««"),
        "{listed}"
    );
    let text = message["text"].as_str().unwrap();
    assert!(
        text.starts_with("ГБУЗ «Городская поликлиника № 1» приглашает вас"),
        "{text}"
    );
    let stranger = app.logged_in(SIMPLE).await;
    assert!(invitations(&stranger).await.is_empty());
    let refused = post(&stranger, "/orgs/invitations", &[("invitation", &ids[0])]).await;
    assert_eq!(refused.status, 403);
    assert!(refused.body.contains("адресовано другому человеку"));

    // The person it names accepts it, once.
    let joined = post(&invited, "/orgs/invitations", &[("invitation", &ids[0])]).await;
    assert_eq!(
        joined.url.path(),
        format!("/orgs/{clinic}"),
        "{}",
        joined.body
    );
    assert!(joined.body.contains("Вы приняли приглашение"));
    let standard = app.account(STANDARD).await;
    let membership = app
        .state
        .sql
        .membership(&clinic, &standard.id)
        .await
        .unwrap();
    assert_eq!(membership.unwrap().roles, [Role::Specialist].into());
    let twice = post(&invited, "/orgs/invitations", &[("invitation", &ids[0])]).await;
    assert_eq!(twice.status, 410);
    assert!(twice.body.contains("уже принято, истекло"));

    // An invitation not accepted in time is gone.
    post(
        &admin,
        &invite,
        &[("invitee", "simple@demo.vhod"), ("role_manager", "1")],
    )
    .await;
    let ids = invitations(&stranger).await;
    assert_eq!(ids.len(), 1);
    app.clock.advance(7 * 24 * 3600 + 1);
    // A week on, everyone logs in again.
    let (admin, stranger) = (app.logged_in(CONFIRMED).await, app.logged_in(SIMPLE).await);
    let mine = stranger.follow(stranger.get("/orgs").await).await;
    assert!(mine.body.contains("Вы пока не работаете"), "{}", mine.body);
    assert!(invitations(&stranger).await.is_empty());
    let late = post(&stranger, "/orgs/invitations", &[("invitation", &ids[0])]).await;
    assert_eq!(late.status, 410);

    let journal = admin
        .follow(admin.get(&format!("/orgs/{clinic}/journal")).await)
        .await;
    assert!(
        journal
            .text()
            .contains("приглашение для +79990000001, роли: сотрудник")
    );
    assert!(
        journal
            .text()
            .contains("Стандартова Анна Ивановна принял(а) приглашение")
    );
}

#[actix_web::test]
async fn only_the_organizations_own_admins_change_its_staff() {
    let app = TestApp::spawn().await;
    let clinic = org_id(&app, 0).await;
    let nurse = app.account(NURSE).await;
    let members = format!("/orgs/{clinic}/members");
    let promote = [
        ("account", nurse.id.as_str()),
        ("action", "roles"),
        ("role_admin", "1"),
    ];
    // A manager of the clinic, the admin of another organization who is a
    // specialist here, and a stranger: none of them.
    for (login, status) in [(MANAGER, 403), (TWO_ORGS, 403), (STANDARD, 404)] {
        let browser = app.logged_in(login).await;
        let page = post(&browser, &members, &promote).await;
        assert_eq!(page.status, status, "{login}: {}", page.body);
        let invite = [("invitee", "+79990000000"), ("role_admin", "1")];
        let page = post(&browser, &format!("/orgs/{clinic}/invite"), &invite).await;
        assert_eq!(page.status, status, "{login}");
    }
    let lab_admin = app.logged_in(TWO_ORGS).await;
    let journal = lab_admin
        .follow(lab_admin.get(&format!("/orgs/{clinic}/journal")).await)
        .await;
    assert_eq!(
        journal.status, 403,
        "the journal is for the clinic's admins"
    );
    let unchanged = app.state.sql.membership(&clinic, &nurse.id).await.unwrap();
    assert_eq!(unchanged.unwrap().roles, [Role::Specialist].into());

    // The clinic's admin can.
    let admin = app.logged_in(CONFIRMED).await;
    let page = post(
        &admin,
        &members,
        &[
            ("account", &nurse.id),
            ("action", "roles"),
            ("role_manager", "1"),
            ("role_specialist", "1"),
        ],
    )
    .await;
    assert!(page.body.contains("Изменения сохранены"), "{}", page.body);
    let changed = app.state.sql.membership(&clinic, &nurse.id).await.unwrap();
    assert_eq!(
        changed.unwrap().roles,
        [Role::Manager, Role::Specialist].into()
    );
    // A manager sees the staff; a specialist only themselves.
    let manager = app.logged_in(MANAGER).await;
    let staff = manager
        .follow(manager.get(&format!("/orgs/{clinic}")).await)
        .await;
    assert!(staff.body.contains("Сестрова Ольга Павловна"));
    let specialist = app.logged_in(idp::demo::DOCTOR).await;
    let own = specialist
        .follow(specialist.get(&format!("/orgs/{clinic}")).await)
        .await;
    assert!(own.body.contains("Докторов Алексей Николаевич"));
    assert!(!own.body.contains("Сестрова"), "{}", own.body);

    let journal = admin
        .follow(admin.get(&format!("/orgs/{clinic}/journal")).await)
        .await;
    assert!(
        journal.text().contains(
            "Сестрова Ольга Павловна: роли «сотрудник» заменены на «руководитель, сотрудник»"
        ),
        "{}",
        journal.body
    );
}

#[actix_web::test]
async fn the_last_admin_can_be_neither_removed_nor_demoted() {
    let app = TestApp::spawn().await;
    let clinic = org_id(&app, 0).await;
    let admin = app.logged_in(CONFIRMED).await;
    let me = app.account(CONFIRMED).await;
    let members = format!("/orgs/{clinic}/members");
    let demote = [
        ("account", me.id.as_str()),
        ("action", "roles"),
        ("role_specialist", "1"),
    ];
    let remove = [("account", me.id.as_str()), ("action", "remove")];
    for form in [&demote[..], &remove[..]] {
        let page = post(&admin, &members, form).await;
        assert_eq!(page.status, 409, "{}", page.body);
        assert!(page.body.contains("хотя бы один администратор"));
    }
    // With a second admin, the first may step down.
    let manager = app.account(MANAGER).await;
    let promote = [
        ("account", manager.id.as_str()),
        ("action", "roles"),
        ("role_admin", "1"),
    ];
    post(&admin, &members, &promote).await;
    let page = post(&admin, &members, &demote).await;
    assert!(page.body.contains("Изменения сохранены"), "{}", page.body);
    let mine = app.state.sql.membership(&clinic, &me.id).await.unwrap();
    assert_eq!(mine.unwrap().roles, [Role::Specialist].into());
}

#[actix_web::test]
async fn support_manages_employees_from_the_cli_under_the_same_rules() {
    let app = TestApp::spawn().await;
    let ogrn = ORGANIZATIONS[0].ogrn;
    let idp = |args: &[&str]| crate::operations::idp(&app.state.config, args);
    let ok = |out: std::process::Output| {
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        text
    };
    let listed: serde_json::Value =
        serde_json::from_str(&ok(idp(&["orgs", "list", "--json"]))).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert_eq!(listed[0]["ogrn"], ogrn);

    ok(idp(&[
        "orgs",
        "add-member",
        ogrn,
        STANDARD,
        "--roles",
        "specialist",
        "--operator",
        "Иванова",
    ]));
    ok(idp(&[
        "orgs",
        "set-roles",
        ogrn,
        STANDARD,
        "--roles",
        "manager,specialist",
        "--operator",
        "Иванова",
    ]));
    let shown: serde_json::Value =
        serde_json::from_str(&ok(idp(&["orgs", "show", ogrn, "--json"]))).unwrap();
    let member = shown["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == STANDARD)
        .expect("added")
        .clone();
    assert_eq!(
        member["roles"],
        serde_json::json!(["manager", "specialist"])
    );
    ok(idp(&[
        "orgs",
        "remove-member",
        ogrn,
        STANDARD,
        "--operator",
        "Иванова",
    ]));

    // The last admin stays; an operator is named.
    let refused = idp(&[
        "orgs",
        "remove-member",
        ogrn,
        CONFIRMED,
        "--operator",
        "Иванова",
    ]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("without an admin"));
    let anonymous = idp(&["orgs", "remove-member", ogrn, NURSE, "--operator", " "]);
    assert!(!anonymous.status.success());

    let removed = app
        .state
        .sql
        .audit_tail(None, Some("org.member_removed".into()), 10)
        .await
        .unwrap();
    assert_eq!(removed.len(), 1);
    assert!(
        removed[0].detail.contains("\"by\":\"operator:Иванова\""),
        "the audit journal names the operator: {}",
        removed[0].detail
    );
    let clinic = org_id(&app, 0).await;
    let journal = app.state.sql.org_journal(&clinic, 10).await.unwrap();
    assert_eq!(journal[0].actor, "operator:Иванова");
    assert_eq!(journal[0].event, "org.member_removed");
    assert_eq!(journal[1].event, "org.roles_changed");
}

#[actix_web::test]
async fn two_admins_demoting_each_other_at_once_leave_one_admin() {
    let app = TestApp::spawn().await;
    let clinic = org_id(&app, 0).await;
    let (first, second) = (app.account(CONFIRMED).await, app.account(MANAGER).await);
    let orgs = Orgs::node(&app.state);
    let admin: Roles = [Role::Admin].into();
    orgs.set_roles(Actor::Member(&first), &clinic, &second.id, admin, None)
        .await
        .unwrap();
    let specialist = || -> Roles { [Role::Specialist].into() };
    let (a, b) = tokio::join!(
        orgs.set_roles(
            Actor::Member(&first),
            &clinic,
            &second.id,
            specialist(),
            None
        ),
        orgs.set_roles(
            Actor::Member(&second),
            &clinic,
            &first.id,
            specialist(),
            None
        ),
    );
    // Whichever ran second was no longer an admin, or would have left none.
    assert!(a.is_ok() != b.is_ok(), "{a:?} {b:?}");
    let admins = app
        .state
        .sql
        .members(&clinic)
        .await
        .unwrap()
        .iter()
        .filter(|m| m.is(Role::Admin))
        .count();
    assert_eq!(admins, 1);
    // Who is an admin is checked under the lock too, not only before it.
    let demoted = if a.is_ok() { &second } else { &first };
    let nurse = app.account(NURSE).await;
    let made = app
        .state
        .sql
        .change_member(
            &clinic,
            &nurse.id,
            MemberChange::Remove,
            {
                let (by, nurse) = (demoted.id.clone(), nurse.id.clone());
                move |staff, change| {
                    rules::change_member(staff, Some(by.as_str()), &nurse, change).cloned()
                }
            },
            |_| unreachable!("no change, no journal entry"),
        )
        .await
        .unwrap();
    assert_eq!(made, Err(Refusal::NotAdmin));
}

#[actix_web::test]
async fn an_invitation_by_snils_reaches_the_account_with_that_checked_snils() {
    let app = TestApp::spawn().await;
    let clinic = org_id(&app, 0).await;
    let admin = app.logged_in(CONFIRMED).await;
    let invite = [("invitee", "112-233-446 96"), ("role_specialist", "1")];
    let page = post(&admin, &format!("/orgs/{clinic}/invite"), &invite).await;
    assert!(
        page.body.contains("Приглашение отправлено"),
        "{}",
        page.body
    );
    // STANDARD's SNILS: the news goes to that account's e-mail.
    let message = app.newest_message(STANDARD, 1).await;
    assert_eq!(message["subject"], "Приглашение в организацию");
    let invited = app.logged_in(STANDARD).await;
    let ids = invitations(&invited).await;
    let joined = post(&invited, "/orgs/invitations", &[("invitation", &ids[0])]).await;
    assert_eq!(
        joined.url.path(),
        format!("/orgs/{clinic}"),
        "{}",
        joined.body
    );
    // A SNILS that is no valid SNILS is named.
    let wrong = [("invitee", "112-233-446 97"), ("role_specialist", "1")];
    let page = post(&admin, &format!("/orgs/{clinic}/invite"), &wrong).await;
    assert_eq!(page.status, 400);
    assert!(page.body.contains("«Телефон, электронная почта или СНИЛС»"));
}

/// The text of the element `selector` selects, or its `value` attribute
/// (a textarea's content, an input's value), as the browser reads them.
fn form_value(page: &Page, selector: &str) -> String {
    let html = scraper::Html::parse_document(&page.body);
    let found = html
        .select(&scraper::Selector::parse(selector).unwrap())
        .next()
        .unwrap_or_else(|| panic!("no {selector} in {}", page.body));
    match found.value().attr("value") {
        Some(value) => value.to_owned(),
        None => found.text().collect(),
    }
}

#[actix_web::test]
async fn a_refused_application_keeps_the_signed_certificate_and_names_whose_it_is() {
    let trust = trust();
    let app = app_trusting(&trust).await;
    let browser = app.logged_in(CONFIRMED).await;
    // A wrong INN, signed with the right certificate: the form says whose
    // certificate it keeps and offers to choose another.
    let refused = register(&browser, &trust, &company(head()), &[("inn", "7701000034")]).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    let text = refused.text();
    assert!(
        text.contains(&format!(
            "Сертификат выбран: Подтверждёнов Иван Сергеевич, ООО «Ромашка», ОГРН {OGRN}. Заявление подписано"
        )),
        "{text}"
    );
    assert!(text.contains("Выбрать другой сертификат"), "{text}");
    // Signed already: the button registers, it does not ask to sign.
    assert_eq!(
        form_value(&refused, "#signature-form button[type=submit]").trim(),
        "Зарегистрировать организацию"
    );
    let (certificate, signature) = (
        form_value(&refused, "textarea#certificate"),
        form_value(&refused, "input#signature"),
    );
    assert!(
        certificate.starts_with("-----BEGIN CERTIFICATE-----"),
        "{certificate}"
    );
    // Sending the corrected form as it stands registers: no new files.
    let csrf = refused.csrf();
    let mut form = application(&[]);
    form.extend([
        ("csrf", csrf.as_str()),
        ("certificate", certificate.as_str()),
        ("signature", signature.as_str()),
    ]);
    let page = browser.submit("/orgs/new", &form).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("Организация зарегистрирована"),
        "{}",
        page.body
    );
    // The signature was spent by that registration: sent again, it is
    // refused, and a spent or bad signature is not kept.
    let csrf = page.csrf();
    let mut again = application(&[("ogrn", "1027700000052")]);
    again.extend([
        ("csrf", csrf.as_str()),
        ("certificate", certificate.as_str()),
        ("signature", signature.as_str()),
    ]);
    let spent = browser.submit("/orgs/new", &again).await;
    assert_eq!(spent.status, 400, "{}", spent.body);
    assert!(
        !spent.text().contains("Сертификат выбран"),
        "{}",
        spent.body
    );
    assert_eq!(form_value(&spent, "textarea#certificate"), "");
}

#[actix_web::test]
async fn a_certificate_for_other_numbers_is_kept_with_the_mismatch_named() {
    let trust = trust();
    let app = app_trusting(&trust).await;
    let browser = app.logged_in(CONFIRMED).await;
    // A typo in the OGRN that still passes its control number: the
    // certificate verifies, is kept, and the mismatch says what to fix.
    let typo = "1027700000041";
    let refused = register(&browser, &trust, &company(head()), &[("ogrn", typo)]).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    let text = refused.text();
    assert!(text.contains("Сертификат выбран: Подтверждёнов"), "{text}");
    let csrf = refused.csrf();
    let (certificate, signature) = (
        form_value(&refused, "textarea#certificate"),
        form_value(&refused, "input#signature"),
    );
    let mut form = application(&[]);
    form.extend([
        ("csrf", csrf.as_str()),
        ("certificate", certificate.as_str()),
        ("signature", signature.as_str()),
    ]);
    let page = browser.submit("/orgs/new", &form).await;
    assert!(
        page.body.contains("Организация зарегистрирована"),
        "{}",
        page.body
    );
    // Another person's form never holds it: nothing is kept on the server.
    let other = app.logged_in(STANDARD).await;
    let theirs = other.follow(other.get("/orgs/new").await).await;
    assert!(!theirs.body.contains(&signature), "{}", theirs.body);
}
