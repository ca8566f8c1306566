//! The organization rules, without a database.

use super::*;
use crate::model::{OrgKind, Roles};

fn member(id: &str, roles: &[Role]) -> Membership {
    Membership {
        org_id: "org".into(),
        account_id: id.into(),
        roles: roles.iter().copied().collect(),
        medical_worker: None,
        since: 0,
    }
}

fn roles(roles: &[Role]) -> MemberChange {
    MemberChange::Roles {
        roles: roles.iter().copied().collect::<Roles>(),
        medical_worker: None,
    }
}

fn staff() -> Vec<Membership> {
    vec![
        member("admin", &[Role::Admin]),
        member("manager", &[Role::Manager]),
        member("nurse", &[Role::Specialist]),
    ]
}

#[test]
fn the_last_admin_cannot_leave_nor_be_demoted_nor_removed() {
    let staff = staff();
    let staff = Some(staff.as_slice());
    for by in [Some("admin"), None] {
        assert_eq!(
            change_member(staff, by, "admin", &MemberChange::Remove),
            Err(Refusal::LastAdmin)
        );
        assert_eq!(
            change_member(staff, by, "admin", &roles(&[Role::Manager])),
            Err(Refusal::LastAdmin)
        );
    }
    // Keeping the admin role while changing others is fine.
    let kept = change_member(
        staff,
        Some("admin"),
        "admin",
        &roles(&[Role::Admin, Role::Manager]),
    );
    assert_eq!(kept.unwrap().account_id, "admin");
}

#[test]
fn with_a_second_admin_either_may_go() {
    let mut staff = staff();
    staff.push(member("second", &[Role::Admin, Role::Specialist]));
    let staff = Some(staff.as_slice());
    let before = change_member(staff, Some("second"), "admin", &MemberChange::Remove).unwrap();
    assert_eq!(before.roles, Roles::from([Role::Admin]));
    assert!(change_member(staff, Some("admin"), "admin", &roles(&[Role::Specialist])).is_ok());
}

#[test]
fn only_an_admin_of_this_organization_changes_employees() {
    let staff = staff();
    let staff = Some(staff.as_slice());
    for by in ["manager", "nurse", "stranger"] {
        assert_eq!(
            change_member(staff, Some(by), "nurse", &MemberChange::Remove),
            Err(Refusal::NotAdmin),
            "{by}"
        );
    }
    assert!(change_member(staff, Some("admin"), "nurse", &MemberChange::Remove).is_ok());
    // An operator is not an employee and may change anyone.
    let before = change_member(staff, None, "manager", &roles(&[Role::Admin])).unwrap();
    assert_eq!(before.roles, Roles::from([Role::Manager]));
}

#[test]
fn a_change_to_someone_not_employed_or_in_a_gone_organization_is_refused() {
    let staff = staff();
    assert_eq!(
        change_member(
            Some(staff.as_slice()),
            Some("admin"),
            "stranger",
            &MemberChange::Remove
        ),
        Err(Refusal::NotMember)
    );
    assert_eq!(
        change_member(None, Some("admin"), "nurse", &MemberChange::Remove),
        Err(Refusal::NotMember)
    );
}

#[test]
fn an_admin_is_checked_before_the_employee_exists() {
    // A demoted admin learns nothing of who works there.
    let staff = staff();
    assert_eq!(
        change_member(
            Some(staff.as_slice()),
            Some("nurse"),
            "stranger",
            &MemberChange::Remove
        ),
        Err(Refusal::NotAdmin)
    );
}

#[test]
fn roles_decide_what_a_person_may_do_and_see() {
    let staff = staff();
    let [admin, manager, nurse] = [&staff[0], &staff[1], &staff[2]];
    assert_eq!(may(Some(admin), Role::Admin), Ok(()));
    assert_eq!(may(Some(manager), Role::Admin), Err(Role::Admin));
    assert_eq!(may(Some(nurse), Role::Manager), Err(Role::Manager));
    assert_eq!(may(None, Role::Admin), Ok(()));
    assert_eq!(sees(Some(admin)), Sees::AllAndManages);
    assert_eq!(sees(None), Sees::AllAndManages);
    assert_eq!(sees(Some(manager)), Sees::All);
    assert_eq!(sees(Some(nurse)), Sees::Self_);
}

#[test]
fn only_a_medical_organizations_employees_are_medical_workers() {
    let mut org = Organization {
        id: "org".into(),
        kind: OrgKind::LegalEntity,
        full_name: "ООО «Ромашка»".into(),
        short_name: "Ромашка".into(),
        ogrn: "1027700000030".into(),
        inn: "7701000033".into(),
        kpp: None,
        legal_address: String::new(),
        actual_address: String::new(),
        medical: false,
        head_account_id: "admin".into(),
        created_at: 0,
    };
    let worker = MedicalWorker {
        specialty: "therapist".into(),
        position: "врач-терапевт".into(),
    };
    assert!(medical_allowed(&org, None));
    assert!(!medical_allowed(&org, Some(&worker)));
    org.medical = true;
    assert!(medical_allowed(&org, Some(&worker)));
}
