use super::*;
use crate::person::testing::{CLINIC_OGRN, acting, person};

/// As the demo cabinet decides: it serves the provider's demo clinic.
fn decide(person: &Person, area: Area) -> Decision {
    super::decide(person, area, &[CLINIC_OGRN.to_owned()])
}

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
    let manager = acting(r#"["manager"]"#);
    assert_eq!(decide(&manager, Area::StaffReports), Decision::Allow);
    assert_eq!(
        decide(&manager, Area::StaffSchedule),
        Decision::NeedRole {
            needed: vec![Role::Specialist, Role::Admin],
            has: vec![Role::Manager],
            org: "ГБУЗ «Городская поликлиника № 1»".into()
        }
    );
    let specialist = acting(r#"["specialist"]"#);
    assert_eq!(decide(&specialist, Area::StaffSchedule), Decision::Allow);
    assert!(matches!(
        decide(&specialist, Area::StaffEmployees),
        Decision::NeedRole { needed, .. } if needed == vec![Role::Admin]
    ));
}

#[test]
fn the_clinics_admin_opens_every_staff_area() {
    let admin = acting(r#"["admin"]"#);
    for area in [
        Area::StaffEmployees,
        Area::StaffReports,
        Area::StaffSchedule,
    ] {
        assert_eq!(decide(&admin, area), Decision::Allow, "{area:?}");
    }
}

#[test]
fn another_organization_sees_nothing_of_the_clinic() {
    // The laboratory's administrator, acting for the laboratory.
    let mut lab_admin = acting(r#"["admin"]"#);
    let org = lab_admin.org.as_mut().unwrap();
    org.ogrn = "1027700000020".into();
    org.name = "ООО «Лаборатория «Анализ»»".into();
    for area in [
        Area::StaffEmployees,
        Area::StaffReports,
        Area::StaffSchedule,
    ] {
        assert_eq!(
            decide(&lab_admin, area),
            Decision::NotOurClinic {
                org: "ООО «Лаборатория «Анализ»»".into()
            }
        );
    }
    assert_eq!(decide(&lab_admin, Area::Records), Decision::Allow);
}

#[test]
fn a_login_lands_on_a_page_the_person_may_open() {
    let clinics = [CLINIC_OGRN.to_owned()];
    let manager = acting(r#"["manager"]"#);
    assert_eq!(
        landing(&manager, "/staff/reports", &clinics),
        "/staff/reports"
    );
    // Switched to an organization where the role is manager, from the
    // employees' page: the staff hub, not a refusal.
    assert_eq!(landing(&manager, "/staff/employees", &clinics), "/staff");
    let private = person(Level::Confirmed);
    assert_eq!(landing(&private, "/staff/employees", &clinics), "/health");
    assert_eq!(landing(&private, "/staff", &clinics), "/health");
    assert_eq!(
        landing(&private, "/health/records", &clinics),
        "/health/records"
    );
    assert_eq!(
        landing(&person(Level::Simplified), "/health/records", &clinics),
        "/health"
    );
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
