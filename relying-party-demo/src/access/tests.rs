use super::*;
use crate::person::testing::{acting, person};

#[test]
fn reference_is_open_to_every_level() {
    for level in [Level::Simplified, Level::Standard, Level::Confirmed] {
        assert_eq!(decide(&person(level), Area::Reference), Decision::Allow);
    }
}

#[test]
fn booking_needs_standard_and_records_need_confirmed() {
    assert_eq!(
        decide(&person(Level::Simplified), Area::Appointments),
        Decision::NeedLevel {
            needed: Level::Standard,
            has: Level::Simplified
        }
    );
    assert_eq!(
        decide(&person(Level::Standard), Area::Appointments),
        Decision::Allow
    );
    assert_eq!(
        decide(&person(Level::Standard), Area::Records),
        Decision::NeedLevel {
            needed: Level::Confirmed,
            has: Level::Standard
        }
    );
    assert_eq!(
        decide(&person(Level::Confirmed), Area::Records),
        Decision::Allow
    );
}

#[test]
fn staff_areas_need_the_organization_and_the_role() {
    assert_eq!(
        decide(&person(Level::Confirmed), Area::StaffEmployees),
        Decision::NeedOrganization
    );
    let admin = acting(r#"["admin"]"#);
    assert_eq!(decide(&admin, Area::StaffEmployees), Decision::Allow);
    assert_eq!(
        decide(&admin, Area::StaffReports),
        Decision::NeedRole {
            needed: Role::Manager,
            has: vec![Role::Admin],
            org: "ГБУЗ «Городская поликлиника № 1»".into()
        }
    );
    let manager = acting(r#"["manager"]"#);
    assert_eq!(decide(&manager, Area::StaffReports), Decision::Allow);
    assert!(matches!(
        decide(&manager, Area::StaffSchedule),
        Decision::NeedRole {
            needed: Role::Specialist,
            ..
        }
    ));
    let specialist = acting(r#"["specialist"]"#);
    assert_eq!(decide(&specialist, Area::StaffSchedule), Decision::Allow);
    assert!(matches!(
        decide(&specialist, Area::StaffEmployees),
        Decision::NeedRole {
            needed: Role::Admin,
            ..
        }
    ));
}

#[test]
fn an_unknown_role_opens_nothing_and_a_low_level_comes_first() {
    let odd = acting(r#"["owner"]"#);
    assert_eq!(odd.org.as_ref().unwrap().roles, vec![Role::Other]);
    for area in [
        Area::StaffEmployees,
        Area::StaffReports,
        Area::StaffSchedule,
    ] {
        assert!(matches!(decide(&odd, area), Decision::NeedRole { .. }));
    }
    let mut standard_admin = acting(r#"["admin"]"#);
    standard_admin.level = Level::Standard;
    assert!(matches!(
        decide(&standard_admin, Area::StaffEmployees),
        Decision::NeedLevel { .. }
    ));
}

#[test]
fn the_acting_membership_carries_the_medical_worker_entry() {
    let doctor = acting(r#"["specialist"]"#);
    let membership = doctor.acting_membership().expect("the clinic's membership");
    assert_eq!(
        membership
            .medical_worker
            .as_ref()
            .map(|m| m.specialty.as_str()),
        Some("терапия")
    );
    assert_eq!(Level::Standard.and_above(), vec!["standard", "confirmed"]);
}
