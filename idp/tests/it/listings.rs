//! The lists read with joins (one query each, not one per row) show the
//! right row for every member: an organization's staff on its page and in
//! `idp orgs show`, and the invitations a person has from several
//! organizations.

use idp::demo::{ACCOUNTS, DOCTOR, MANAGER, NURSE, ORGANIZATIONS, TWO_ORGS};
use idp::model::{Invitee, Role};

use crate::acting::org_id;
use crate::harness::*;

/// «Фамилия Имя Отчество» of a demo account.
fn full_name(email: &str) -> String {
    let demo = ACCOUNTS.iter().find(|a| a.email == email).unwrap();
    format!(
        "{} {} {}",
        demo.family_name, demo.given_name, demo.middle_name
    )
}

/// The clinic's staff.
const STAFF: [&str; 5] = [CONFIRMED, MANAGER, DOCTOR, NURSE, TWO_ORGS];

/// The e-mails of the clinic's staff in the order of `SqlStore::members`
/// (longest-serving first; the seeds joined at once, so then by account).
async fn staff_in_order(app: &TestApp, clinic: &str) -> Vec<String> {
    let mut emails = Vec::new();
    for member in app.state.sql.members(clinic).await.unwrap() {
        let account = app.state.sql.account(&member.account_id).await.unwrap();
        emails.push(account.unwrap().email.unwrap());
    }
    let mut sorted = emails.clone();
    sorted.sort();
    let mut staff = STAFF.map(str::to_owned).to_vec();
    staff.sort();
    assert_eq!(sorted, staff);
    emails
}

#[actix_web::test]
async fn the_staff_page_shows_each_employee_with_their_own_account() {
    let app = TestApp::spawn().await;
    let clinic = org_id(&app, 0).await;
    let staff = staff_in_order(&app, &clinic).await;
    let joined = app.state.sql.members_with_accounts(&clinic).await.unwrap();
    let emails: Vec<_> = joined
        .iter()
        .map(|(_, a)| a.email.clone().unwrap())
        .collect();
    assert_eq!(emails, staff);
    for (membership, account) in &joined {
        assert_eq!(
            membership.account_id, account.id,
            "each row its own account"
        );
        assert_eq!(membership.org_id, clinic);
    }
    let (doctor, _) = joined
        .iter()
        .find(|(_, a)| a.email.as_deref() == Some(DOCTOR))
        .unwrap();
    assert!(doctor.is(Role::Specialist));
    assert!(doctor.medical_worker.is_some());

    // The admin and the manager see everyone, in the order they joined,
    // each with their roles.
    for viewer in [CONFIRMED, MANAGER] {
        let browser = app.logged_in(viewer).await;
        let page = browser
            .follow(browser.get(&format!("/orgs/{clinic}")).await)
            .await;
        let text = page.text();
        let at: Vec<usize> = staff
            .iter()
            .map(|email| {
                let name = full_name(email);
                text.find(&name)
                    .unwrap_or_else(|| panic!("{viewer} sees {name}: {text}"))
            })
            .collect();
        assert!(at.is_sorted(), "{viewer}: in the order they joined");
        assert!(
            text.contains("врач-терапевт участковый, therapist"),
            "{text}"
        );
    }
    // A specialist sees only themself.
    let nurse = app.logged_in(NURSE).await;
    let page = nurse
        .follow(nurse.get(&format!("/orgs/{clinic}")).await)
        .await;
    let text = page.text();
    assert!(text.contains(&full_name(NURSE)), "{text}");
    for other in [CONFIRMED, MANAGER, DOCTOR, TWO_ORGS] {
        assert!(!text.contains(&full_name(other)), "{other}: {text}");
    }
}

#[actix_web::test]
async fn orgs_show_lists_every_employee_with_name_and_e_mail() {
    let app = TestApp::spawn().await;
    let out = crate::operations::idp(
        &app.state.config,
        &["orgs", "show", ORGANIZATIONS[0].ogrn, "--json"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let members = shown["members"].as_array().unwrap();
    let clinic = org_id(&app, 0).await;
    let staff = staff_in_order(&app, &clinic).await;
    assert_eq!(members.len(), staff.len());
    for (member, email) in members.iter().zip(&staff) {
        let account = app.account(email).await;
        assert_eq!(member["email"], email.as_str());
        assert_eq!(member["account"], account.id.as_str());
        assert_eq!(member["name"], full_name(email).as_str());
    }
    let roles = |email: &str| {
        let at = staff.iter().position(|e| e == email).unwrap();
        members[at]["roles"].clone()
    };
    assert_eq!(roles(CONFIRMED), serde_json::json!(["admin"]));
    assert_eq!(roles(MANAGER), serde_json::json!(["manager"]));
    let text = crate::operations::idp(&app.state.config, &["orgs", "show", ORGANIZATIONS[1].ogrn]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains(&full_name(TWO_ORGS)), "{text}");
    assert!(!text.contains(&full_name(NURSE)), "{text}");
}

#[actix_web::test]
async fn invitations_from_two_organizations_each_name_their_own() {
    let app = TestApp::spawn().await;
    let (clinic, lab) = (org_id(&app, 0).await, org_id(&app, 1).await);
    // The clinic's admin and the laboratory's admin both invite the
    // standard account by its phone.
    for (admin, org) in [(CONFIRMED, &clinic), (TWO_ORGS, &lab)] {
        let browser = app.logged_in(admin).await;
        let page = browser
            .follow(browser.get(&format!("/orgs/{org}")).await)
            .await;
        let csrf = page.csrf();
        let sent = browser
            .submit(
                &format!("/orgs/{org}/invite"),
                &[
                    ("csrf", csrf.as_str()),
                    ("invitee", "+7 999 000-00-01"),
                    ("role_specialist", "1"),
                ],
            )
            .await;
        assert!(
            sent.body.contains("Приглашение отправлено"),
            "{}",
            sent.body
        );
        app.clock.advance(1);
    }
    let found = app
        .state
        .sql
        .invitations_to(vec![Invitee::Phone("+79990000001".into())], app.state.now())
        .await
        .unwrap();
    let pairs: Vec<(&str, &str)> = found
        .iter()
        .map(|(i, o)| (i.org_id.as_str(), o.id.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            (lab.as_str(), lab.as_str()),
            (clinic.as_str(), clinic.as_str())
        ],
        "newest first, each with its own organization"
    );
    // A phone invitation is not one to a SNILS with the same digits.
    let snils = app
        .state
        .sql
        .invitations_to(vec![Invitee::Snils("+79990000001".into())], app.state.now())
        .await
        .unwrap();
    assert!(snils.is_empty());

    let invited = app.logged_in(STANDARD).await;
    let page = invited.follow(invited.get("/orgs").await).await;
    let text = page.text();
    for org in &ORGANIZATIONS {
        assert!(text.contains(org.short_name), "{}: {text}", org.short_name);
    }
}
